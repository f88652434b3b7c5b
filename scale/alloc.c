/* Allocator hooks: every allocation of the library goes through here (see btq/alloc.h). */
#include <stdlib.h>
#include <string.h>

#include "btq/alloc.h"
#include "btq/scale.h"

static void *libc_malloc(size_t n, void *user)
{
    (void)user;
    return malloc(n);
}
static void *libc_realloc(void *p, size_t n, void *user)
{
    (void)user;
    return realloc(p, n);
}
static void libc_free(void *p, void *user)
{
    (void)user;
    free(p);
}

static btq_allocator g_alloc = {libc_malloc, libc_realloc, libc_free, NULL};

int btq_set_allocator(const btq_allocator *alloc)
{
    if (!alloc) {
        g_alloc = (btq_allocator){libc_malloc, libc_realloc, libc_free, NULL};
        return 0;
    }
    if (!alloc->malloc_fn || !alloc->realloc_fn || !alloc->free_fn) return BTQ_EINVAL;
    g_alloc = *alloc;
    return 0;
}

void *btq_malloc(size_t n)
{
    return g_alloc.malloc_fn(n ? n : 1, g_alloc.user);
}

void *btq_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    size_t n = count * size;
    void *p = btq_malloc(n);
    if (p) memset(p, 0, n ? n : 1);
    return p;
}

void *btq_realloc(void *p, size_t n)
{
    return g_alloc.realloc_fn(p, n ? n : 1, g_alloc.user);
}

void btq_free(void *p)
{
    if (p) g_alloc.free_fn(p, g_alloc.user);
}
