/* btq — Substrate / Bittensor client library: the umbrella header. */
#ifndef BTQ_H
#define BTQ_H

#define BTQ_VERSION_MAJOR 0
#define BTQ_VERSION_MINOR 1
#define BTQ_VERSION_PATCH 0

#include "btq/alloc.h"
#include "btq/error.h"
#include "btq/scale.h"
#include "btq/registry.h"
#include "btq/hasher.h"
#include "btq/chain.h"
#include "btq/metadata.h"
#include "btq/value.h"
#include "btq/rpc.h"
#include "btq/client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" of the linked library. */
const char *btq_version(void);

#ifdef __cplusplus
}
#endif
#endif
