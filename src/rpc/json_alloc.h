/* cJSON through the btq allocator hooks (internal).
 *
 * cJSON's hooks are process-global, so btq installs them once (btq__json_init, thread-safe,
 * idempotent; called by btq_rpc_new and by every parse below): from then on every cJSON
 * allocation in the process goes through btq_malloc / btq_free, i.e. through the allocator of
 * btq_set_allocator (which must therefore be set before the first btq call, as btq/alloc.h
 * says). With hooks other than libc's malloc/free cJSON never uses realloc: printing grows its
 * buffer by allocate + copy (btq parses with cJSON but never prints with it).
 *
 * A failed cJSON allocation is remembered per thread, so a NULL from cJSON can be told apart:
 * out of memory (BTQ_ENOMEM) or bad input. */
#ifndef BTQ_RPC_JSON_ALLOC_H
#define BTQ_RPC_JSON_ALLOC_H

#include <stddef.h>

#include <cJSON.h>

/* Route cJSON's allocations through btq_malloc / btq_free (once per process). */
void btq__json_init(void);

/* cJSON_ParseWithLengthOpts(s, n, end, 0) through the hooks. Returns the tree, or NULL with
 * *rc = BTQ_ENOMEM (an allocation failed) or BTQ_EJSON (not JSON; *end, when given, points
 * near the error). end may be NULL. */
cJSON *btq__json_parse(const char *s, size_t n, const char **end, int *rc);

/* Read and clear the calling thread's "a cJSON allocation failed" flag: call it before (to
 * clear) and after other cJSON calls that allocate (cJSON_Create*, cJSON_Add*). */
int btq__json_oom_take(void);

#endif
