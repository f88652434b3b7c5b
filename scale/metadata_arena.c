/* The metadata's arena: a few large chunks, bump-allocated. The first chunk is sized from the
 * input length so that a typical metadata fits in one allocation; later chunks double. */
#include <stdalign.h>
#include <string.h>

#include "btq/scale.h"
#include "metadata_internal.h"

struct md_chunk {
    md_chunk *next;
    size_t cap;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

#define MD_ALIGN 8u
#define MD_MIN_CHUNK 4096u

void btq__md_arena_init(md_arena *a, size_t first_cap)
{
    a->head = NULL;
    a->next_cap = first_cap < MD_MIN_CHUNK ? MD_MIN_CHUNK : first_cap;
    a->total = 0;
}

void *btq__md_arena_alloc(md_arena *a, size_t n)
{
    if (n > SIZE_MAX - MD_ALIGN) return NULL;
    n = (n + (MD_ALIGN - 1)) & ~(size_t)(MD_ALIGN - 1);
    md_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = a->next_cap;
        while (cap < n) {
            if (cap > SIZE_MAX / 2) return NULL;
            cap *= 2;
        }
        if (cap > SIZE_MAX - sizeof(md_chunk)) return NULL;
        c = btq_malloc(sizeof(md_chunk) + cap);
        if (!c) return NULL;
        c->next = a->head;
        c->cap = cap;
        c->used = 0;
        a->head = c;
        a->total += cap;
        if (a->next_cap <= SIZE_MAX / 2) a->next_cap *= 2;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

char *btq__md_arena_strdup(md_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) return NULL;
    char *d = btq__md_arena_alloc(a, n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void btq__md_arena_free(md_arena *a)
{
    md_chunk *c = a->head;
    while (c) {
        md_chunk *next = c->next;
        btq_free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}
