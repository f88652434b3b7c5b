/* btq — allocator hooks.
 *
 * Every allocation the library makes goes through these hooks, so an application can route
 * memory to its own allocator and tests can fail the Nth allocation. Set them once, before any
 * other btq call and before any thread uses the library; the hooks themselves must be
 * thread-safe if the library is used from several threads.
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
