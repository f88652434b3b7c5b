/* The value tree's node layout and its owner, shared by the value_*.c files. Internal. */
#ifndef BTQ_VALUE_INTERNAL_H
#define BTQ_VALUE_INTERNAL_H

#include "arena.h"
#include "btq/value.h"

/* Node flags. */
#define BTQ_VF_BIG 1u /* integer stored as little-endian bytes at a.p, count bytes */

struct btq_value {
    /* name and type are kept apart on purpose: copied from the visitor's info as one 16-byte
     * vector they cost a store-forwarding stall per node */
    const char *name; /* field name in the parent (borrowed / arena), or NULL */
    union {
        uint64_t u;          /* UINT, CHAR, BOOL */
        int64_t i;           /* INT */
        const uint8_t *p;    /* STR, BYTES, BITSEQ words, BIG integers */
        btq_value *children; /* containers and variants */
    } a;
    const btq_type *type; /* NULL for untyped builder nodes */
    const char *vname;    /* VARIANT: variant name */
    size_t count;         /* children, bytes, bits (BITSEQ) or big-integer bytes */
    uint32_t type_id;     /* UINT32_MAX when untyped */
    uint8_t kind;         /* btq_value_kind */
    uint8_t flags;
    uint8_t vindex; /* VARIANT: encoded index; BITSEQ: store bytes */
    uint8_t aux;    /* BITSEQ: order; VARIANT: 1 when vindex is known */
};

/* 976: the doc is then 1024 bytes, within glibc's per-thread cache (up to 1032), so a fresh doc
 * costs a cached malloc/free pair (~5 ns) instead of a bin search (~55 ns measured with 2048).
 * AccountInfo and most storage values take under 700 bytes. */
#define BTQ_VALUE_DOC_INLINE 976u

struct btq_value_doc {
    btq_arena arena;
    /* The first arena chunk lives here: a typical storage value decodes with no malloc beyond
     * the doc itself. */
    _Alignas(16) uint8_t inline_buf[BTQ_VALUE_DOC_INLINE];
};

/* The tree through the general visitor only (btq_value_doc_decode tries a direct decoder
 * first): for differential tests and fuzzing. Same contract as btq_value_doc_decode. */
int btq__value_doc_decode_visitor(btq_value_doc *doc, const btq_registry *reg, uint32_t type_id,
                                  const uint8_t *bytes, size_t len, unsigned flags,
                                  const btq_value **root, size_t *consumed, btq_error *err);
/* 1 when two trees are the same node for node (kinds, types, names by pointer, values and the
 * bytes they point at), else 0. Recursion as deep as the trees (at most the nesting limit). */
int btq__value_same(const btq_value *a, const btq_value *b);
/* Single-field composites unwrapped (newtypes), for typed access. */
const btq_value *btq__value_unwrap(const btq_value *v);
/* Any integer node as 256-bit two's complement; *neg set for negative values. BTQ_ETYPE when
 * v is not an integer. */
int btq__value_int(const btq_value *v, btq_u256 *out, int *neg);
/* Byte width (1..32) of the unsigned primitive a compact's inner type resolves to. */
int btq__compact_width(const btq_registry *reg, uint32_t id, size_t *width);
/* Smallest encoding of a type (the parser's min_size, else computed); 0 for zero-sized or
 * unknown. The visitor and the tree decoder bound element counts with it. */
size_t btq__value_min_size(const btq_registry *reg, uint32_t id, uint32_t depth);
/* Prepend "seg." to err->path while an error unwinds (no-op without err). */
void btq__value_path_prepend(btq_error *err, const char *name, uint32_t index);

#endif
