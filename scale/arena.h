/* A bump arena: many small allocations released in one call (lwsac-style chunk list).
 * Internal to libbtq. The first chunk may be embedded in the owner, so a small decode costs
 * no allocation beyond its owner. */
#ifndef BTQ_ARENA_H
#define BTQ_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct btq_arena_chunk {
    struct btq_arena_chunk *next;
    size_t cap;
    size_t used;
} btq_arena_chunk;

typedef struct btq_arena {
    uint8_t *cur;            /* next free byte in the current chunk */
    uint8_t *end;            /* end of the current chunk */
    btq_arena_chunk *chunks; /* heap chunks, newest first */
    uint8_t *inline_buf;     /* optional embedded first chunk */
    size_t inline_cap;
    size_t next_cap; /* size of the next heap chunk */
} btq_arena;

/* inline_buf (may be NULL) must be 16-byte aligned and outlive the arena. */
void btq_arena_init(btq_arena *a, void *inline_buf, size_t inline_cap);
/* Frees every heap chunk. */
void btq_arena_free(btq_arena *a);
/* Keeps the largest heap chunk for reuse, drops the rest; all earlier allocations die. */
void btq_arena_reset(btq_arena *a);
/* Slow path of btq_arena_alloc. */
void *btq_arena_alloc_slow(btq_arena *a, size_t n);

/* n bytes aligned to 16, or NULL on ENOMEM (or n too large). */
static inline void *btq_arena_alloc(btq_arena *a, size_t n)
{
    if (n > SIZE_MAX / 2) return NULL; /* also keeps the rounding below from wrapping */
    n = (n + 15u) & ~(size_t)15u;
    if ((size_t)(a->end - a->cur) >= n && n != 0) {
        void *p = a->cur;
        a->cur += n;
        return p;
    }
    return btq_arena_alloc_slow(a, n);
}

#endif
