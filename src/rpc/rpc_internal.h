/* Internal hooks between rpc.c and future.c. */
#ifndef BTQ_RPC_INTERNAL_H
#define BTQ_RPC_INTERNAL_H

#include "btq/rpc.h"

/* 1 if the handle runs in manual-poll mode. */
int btq_rpc_is_manual_(const btq_rpc *rpc);
/* 1 if the calling thread is currently running rpc's loop (inside a callback). */
int btq_rpc_on_loop_(const btq_rpc *rpc);

#endif
