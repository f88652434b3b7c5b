/* A bump arena: many small allocations released in one call (lwsac-style chunk list).
 * Internal to libbtq; the one arena of the codec: value trees and parsed metadata both live in
 * one. The first chunk may be embedded in the owner (a small decode costs no allocation beyond
 * its owner) or sized up front (metadata: from the input's length, so one chunk usually does). */
#ifndef BTQ_ARENA_H
#define BTQ_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* Everything stored in an arena (integers up to 64 bits, pointers, bytes) needs at most 8. */
#define BTQ_ARENA_ALIGN 8u

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

/* inline_buf (may be NULL) must be BTQ_ARENA_ALIGN-aligned and outlive the arena. */
void btq_arena_init(btq_arena *a, void *inline_buf, size_t inline_cap);
/* Size of the next heap chunk (at least the minimum): for owners that know their need. */
void btq_arena_hint(btq_arena *a, size_t first_chunk);
/* Frees every heap chunk. */
void btq_arena_free(btq_arena *a);
/* Keeps the largest heap chunk for reuse, drops the rest; all earlier allocations die. */
void btq_arena_reset(btq_arena *a);
/* Bytes held in heap chunks (for benchmarks and tests). */
size_t btq_arena_total(const btq_arena *a);
/* Copy of s[0..n) plus a NUL, or NULL. */
char *btq_arena_strdup(btq_arena *a, const char *s, size_t n);
/* Slow path of btq_arena_alloc. */
void *btq_arena_alloc_slow(btq_arena *a, size_t n);

/* n bytes aligned to BTQ_ARENA_ALIGN, or NULL on ENOMEM (or n too large). n == 0 gives a
 * distinct non-NULL pointer. */
static inline void *btq_arena_alloc(btq_arena *a, size_t n)
{
    if (n > SIZE_MAX / 2) return NULL; /* also keeps the rounding below from wrapping */
    n = (n + (BTQ_ARENA_ALIGN - 1)) & ~(size_t)(BTQ_ARENA_ALIGN - 1);
    if ((size_t)(a->end - a->cur) >= n && n != 0) {
        void *p = a->cur;
        a->cur += n;
        return p;
    }
    return btq_arena_alloc_slow(a, n);
}

#endif
