/* Bump arena with a chunk list: one release for a whole value tree and its bytes. */
#include <string.h>

#include "arena.h"
#include "btq/scale.h"

#define BTQ_ARENA_HDR                                                                              \
    ((sizeof(btq_arena_chunk) + (BTQ_ARENA_ALIGN - 1)) & ~(size_t)(BTQ_ARENA_ALIGN - 1))
#define BTQ_ARENA_MIN_CHUNK 4096u

void btq_arena_init(btq_arena *a, void *inline_buf, size_t inline_cap)
{
    memset(a, 0, sizeof *a);
    a->inline_buf = (uint8_t *)inline_buf;
    a->inline_cap = inline_buf ? inline_cap : 0;
    a->cur = a->inline_buf;
    a->end = a->inline_buf ? a->inline_buf + inline_cap : NULL;
    a->next_cap = BTQ_ARENA_MIN_CHUNK;
}

void btq_arena_free(btq_arena *a)
{
    btq_arena_chunk *c = a->chunks;
    while (c) {
        btq_arena_chunk *next = c->next;
        btq_free(c);
        c = next;
    }
    a->chunks = NULL;
    a->cur = a->inline_buf;
    a->end = a->inline_buf ? a->inline_buf + a->inline_cap : NULL;
}

void btq_arena_hint(btq_arena *a, size_t first_chunk)
{
    a->next_cap = first_chunk < BTQ_ARENA_MIN_CHUNK ? BTQ_ARENA_MIN_CHUNK : first_chunk;
}

size_t btq_arena_total(const btq_arena *a)
{
    size_t total = 0;
    for (const btq_arena_chunk *c = a->chunks; c; c = c->next)
        total += c->cap;
    return total;
}

char *btq_arena_strdup(btq_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) return NULL;
    char *d = btq_arena_alloc(a, n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void btq_arena_reset(btq_arena *a)
{
    /* Keep the biggest chunk: a reused doc then decodes similar values without malloc. */
    btq_arena_chunk *keep = NULL, *c = a->chunks;
    while (c) {
        btq_arena_chunk *next = c->next;
        if (!keep || c->cap > keep->cap) {
            if (keep) btq_free(keep);
            keep = c;
        } else {
            btq_free(c);
        }
        c = next;
    }
    a->chunks = keep;
    if (keep && (!a->inline_buf || keep->cap > a->inline_cap)) {
        keep->next = NULL;
        a->cur = (uint8_t *)keep + BTQ_ARENA_HDR;
        a->end = a->cur + keep->cap;
    } else {
        if (keep) keep->next = NULL;
        a->cur = a->inline_buf;
        a->end = a->inline_buf ? a->inline_buf + a->inline_cap : NULL;
    }
}

void *btq_arena_alloc_slow(btq_arena *a, size_t n)
{
    if (n == 0) n = BTQ_ARENA_ALIGN; /* every allocation gets a distinct, non-NULL address */
    if ((size_t)(a->end - a->cur) >= n) {
        void *p = a->cur;
        a->cur += n;
        return p;
    }
    if (n > SIZE_MAX / 2 - BTQ_ARENA_HDR) return NULL;
    size_t cap = a->next_cap;
    while (cap < n)
        cap *= 2;
    btq_arena_chunk *c = btq_malloc(BTQ_ARENA_HDR + cap);
    if (!c) return NULL;
    c->cap = cap;
    c->used = 0;
    c->next = a->chunks;
    a->chunks = c;
    if (a->next_cap < ((size_t)1 << 24)) a->next_cap *= 2;
    uint8_t *base = (uint8_t *)c + BTQ_ARENA_HDR;
    a->cur = base + n;
    a->end = base + cap;
    return base;
}
