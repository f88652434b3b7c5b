/* btq — allocator hooks.
 *
 * Every allocation the library makes goes through these hooks, so an application can route
 * memory to its own allocator and tests can fail the Nth allocation. Set them once, before any
 * other btq call and before any thread uses the library; the hooks themselves must be
 * thread-safe if the library is used from several threads.
 *
 * A failed allocation anywhere (on the caller's thread, the transport's loop thread or the
 * client's worker) ends the operation it served with BTQ_ENOMEM, frees what it had built and
 * hands out no partial result.
 *
 * cJSON: the library parses JSON with cJSON, whose allocation hooks are process-wide. The first
 * btq_rpc_new / btq_client_new (or JSON reader call) points them at these hooks, once
 * (cJSON_InitHooks), so that cJSON's allocations can fail too. A program that uses cJSON itself
 * then allocates through btq's hooks as well: with a custom allocator set, free what cJSON
 * prints with cJSON_free (not free), and do not install other cJSON hooks afterwards.
 */
#ifndef BTQ_ALLOC_H
#define BTQ_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct btq_allocator {
    void *(*malloc_fn)(size_t size, void *user);
    void *(*realloc_fn)(void *ptr, size_t size, void *user);
    void (*free_fn)(void *ptr, void *user);
    void *user;
} btq_allocator;

/* Install hooks (all three must be set), or restore the libc allocator with NULL.
 * Returns 0 or BTQ_EINVAL. */
int btq_set_allocator(const btq_allocator *alloc);

#ifdef __cplusplus
}
#endif
#endif
