/* btq — the portable type registry (scale-info), read-only view.
 *
 * A registry is filled by the metadata parser (btq/metadata.h) and owned by its btq_metadata;
 * everything here is borrowed and valid while that metadata lives. The structs are transparent
 * and const so that tools and tests can also describe a small registry with C initializers.
 * All strings are NUL-terminated.
 */
#ifndef BTQ_REGISTRY_H
#define BTQ_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "btq/scale.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The eight scale-info type kinds. */
typedef enum btq_type_kind {
    BTQ_TYPE_COMPOSITE = 0,
    BTQ_TYPE_VARIANT = 1,
    BTQ_TYPE_SEQUENCE = 2,
    BTQ_TYPE_ARRAY = 3,
    BTQ_TYPE_TUPLE = 4,
    BTQ_TYPE_PRIMITIVE = 5,
    BTQ_TYPE_COMPACT = 6,
    BTQ_TYPE_BITSEQ = 7
} btq_type_kind;

/* scale-info TypeDefPrimitive, in its encoding order. */
typedef enum btq_prim {
    BTQ_PRIM_BOOL = 0,
    BTQ_PRIM_CHAR = 1,
    BTQ_PRIM_STR = 2,
    BTQ_PRIM_U8 = 3,
    BTQ_PRIM_U16 = 4,
    BTQ_PRIM_U32 = 5,
    BTQ_PRIM_U64 = 6,
    BTQ_PRIM_U128 = 7,
    BTQ_PRIM_U256 = 8,
    BTQ_PRIM_I8 = 9,
    BTQ_PRIM_I16 = 10,
    BTQ_PRIM_I32 = 11,
    BTQ_PRIM_I64 = 12,
    BTQ_PRIM_I128 = 13,
    BTQ_PRIM_I256 = 14
} btq_prim;

typedef struct btq_field {
    const char *name;      /* NULL for an unnamed (tuple-struct) field */
    uint32_t type;         /* type id */
    const char *type_name; /* Rust type name as written in the source, or NULL */
} btq_field;

typedef struct btq_variant {
    const char *name;
    uint8_t index; /* the encoded discriminant, not the position in the list */
    uint32_t nfields;
    const btq_field *fields;
} btq_variant;

typedef struct btq_type_param {
    const char *name;
    int has_type;
    uint32_t type;
} btq_type_param;

typedef struct btq_type {
    btq_type_kind kind;
    const char *path; /* "sp_core::crypto::AccountId32", "" when the type has no path */
    uint32_t nparams;
    const btq_type_param *params;
    /* Smallest number of bytes any value of this type encodes to (computed by the parser, used
     * to bound lengths before allocating). 0 for zero-sized types. */
    uint32_t min_size;
    union {
        struct {
            uint32_t nfields;
            const btq_field *fields;
        } composite;
        struct {
            uint32_t nvariants;
            const btq_variant *variants; /* in declaration order */
        } variant;
        struct {
            uint32_t elem;
        } sequence;
        struct {
            uint32_t len;
            uint32_t elem;
        } array;
        struct {
            uint32_t nelems;
            const uint32_t *elems;
        } tuple;
        btq_prim primitive;
        struct {
            uint32_t inner;
        } compact;
        struct {
            uint32_t store_type; /* type ids as written in the registry */
            uint32_t order_type;
            btq_bit_store store; /* resolved by the parser */
            btq_bit_order order;
        } bitseq;
    } u;
} btq_type;

typedef struct btq_registry {
    uint32_t ntypes;
    const btq_type *types; /* indexed by type id */
} btq_registry;

/* The type with this id, or NULL when out of range. */
static inline const btq_type *btq_registry_type(const btq_registry *reg, uint32_t id)
{
    return reg && id < reg->ntypes ? &reg->types[id] : NULL;
}

/* Variant by its encoded index (not position), or NULL. */
const btq_variant *btq_type_variant_by_index(const btq_type *t, uint8_t index);
/* Variant by name, or NULL. */
const btq_variant *btq_type_variant_by_name(const btq_type *t, const char *name);

#ifdef __cplusplus
}
#endif
#endif
