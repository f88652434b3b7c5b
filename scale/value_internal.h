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

#define BTQ_VALUE_DOC_INLINE 2048u

struct btq_value_doc {
    btq_arena arena;
    /* The first arena chunk lives here: a typical storage value decodes with no malloc beyond
     * the doc itself. */
    _Alignas(16) uint8_t inline_buf[BTQ_VALUE_DOC_INLINE];
};

/* Single-field composites unwrapped (newtypes), for typed access. */
const btq_value *btq__value_unwrap(const btq_value *v);
/* Any integer node as 256-bit two's complement; *neg set for negative values. BTQ_ETYPE when
 * v is not an integer. */
int btq__value_int(const btq_value *v, btq_u256 *out, int *neg);
/* Byte width (1..32) of the unsigned primitive a compact's inner type resolves to. */
int btq__compact_width(const btq_registry *reg, uint32_t id, size_t *width);
/* Prepend "seg." to err->path while an error unwinds (no-op without err). */
void btq__value_path_prepend(btq_error *err, const char *name, uint32_t index);

#endif
