/* Internal to the metadata parser (scale/metadata_*.c): the handle layout, its arena and the
 * parser state shared by the per-section files. Not installed. */
#ifndef BTQ_METADATA_INTERNAL_H
#define BTQ_METADATA_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "btq/metadata.h"
#include "arena.h"
#include "btq/scale.h"

/* ---- the handle ------------------------------------------------------------------------ */

typedef struct md_slot {
    uint32_t hash;
    uint32_t key; /* kind (bits 28..31) | parent index (bits 0..27); 0 = empty (kind >= 1) */
    uint32_t index;
} md_slot;

struct btq_metadata {
    atomic_int refs;
    unsigned version;
    btq_arena arena; /* everything below lives in it */
    btq_registry registry;
    uint32_t npallets;
    btq_pallet *pallets;
    uint32_t napis;
    btq_runtime_api *apis;
    btq_extrinsic_info extrinsic;
    btq_outer_enums outer;
    uint32_t runtime_type;
    int has_runtime_version;
    btq_runtime_version runtime_version;
    uint16_t pallet_by_index[256]; /* position + 1, 0 = none */
    uint32_t nslots;               /* power of two */
    md_slot *slots;
};

/* ---- parser state ---------------------------------------------------------------------- */

typedef struct md_parser {
    btq_reader r;
    btq_error *err;
    btq_metadata *md;
    btq_arena *arena;
    uint32_t ntypes;
    unsigned version;
} md_parser;

/* Fail at the current offset with a message; returns code. */
int btq__md_fail(md_parser *p, int code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Reader wrappers: on failure they fill err with what was being read. The hot ones have an
 * inline fast path for the common one-byte encodings (the metadata is mostly small compacts)
 * and fall back to the checked reader otherwise. */
int btq__md_u8_slow(md_parser *p, uint8_t *out, const char *what);
int btq__md_u32(md_parser *p, uint32_t *out, const char *what);
int btq__md_compact_slow(md_parser *p, uint32_t *out, const char *what);
int btq__md_type_id_slow(md_parser *p, uint32_t *out, const char *what);
int btq__md_count_slow(md_parser *p, size_t min_item, uint32_t *out, const char *what);
int btq__md_option_slow(md_parser *p, int *is_some, const char *what);

static inline int btq__md_u8(md_parser *p, uint8_t *out, const char *what)
{
    *out = 0; /* defined on failure too (and quiets gcc's maybe-uninitialized) */
    if (p->r.pos < p->r.len) {
        *out = p->r.data[p->r.pos++];
        return 0;
    }
    return btq__md_u8_slow(p, out, what);
}

static inline int btq__md_compact(md_parser *p, uint32_t *out, const char *what)
{
    *out = 0;
    if (p->r.pos < p->r.len && (p->r.data[p->r.pos] & 3) == 0) {
        *out = (uint32_t)(p->r.data[p->r.pos++] >> 2);
        return 0;
    }
    return btq__md_compact_slow(p, out, what);
}

/* Compact type id, checked < ntypes (BTQ_ETYPEID). */
static inline int btq__md_type_id(md_parser *p, uint32_t *out, const char *what)
{
    *out = 0;
    if (p->r.pos + 1 < p->r.len) {
        const uint8_t *b = p->r.data + p->r.pos;
        uint32_t id = UINT32_MAX;
        if ((b[0] & 3) == 0) {
            id = (uint32_t)(b[0] >> 2);
            if (id < p->ntypes) p->r.pos += 1;
        } else if ((b[0] & 3) == 1) {
            id = (uint32_t)((b[0] | (uint32_t)b[1] << 8) >> 2);
            if (id < 64) id = UINT32_MAX; /* non-canonical: let the slow path report it */
            if (id < p->ntypes) p->r.pos += 2;
        }
        if (id < p->ntypes) {
            *out = id;
            return 0;
        }
    }
    return btq__md_type_id_slow(p, out, what);
}

/* Compact count of items each at least min_item bytes long (BTQ_ETOOMANY past the input). */
static inline int btq__md_count(md_parser *p, size_t min_item, uint32_t *out, const char *what)
{
    *out = 0;
    if (p->r.pos < p->r.len && (p->r.data[p->r.pos] & 3) == 0) {
        uint32_t n = (uint32_t)(p->r.data[p->r.pos] >> 2);
        if ((size_t)n * min_item <= p->r.len - p->r.pos - 1) {
            p->r.pos++;
            *out = n;
            return 0;
        }
    }
    return btq__md_count_slow(p, min_item, out, what);
}

/* Option tag (0/1). */
static inline int btq__md_option(md_parser *p, int *is_some, const char *what)
{
    *is_some = 0;
    if (p->r.pos < p->r.len && p->r.data[p->r.pos] <= 1) {
        *is_some = p->r.data[p->r.pos++];
        return 0;
    }
    return btq__md_option_slow(p, is_some, what);
}

/* String copied into the arena, NUL-terminated. */
int btq__md_str(md_parser *p, const char **out, const char *what);
/* Option<String>: NULL for None. */
int btq__md_opt_str(md_parser *p, const char **out, const char *what);
/* Vec<u8> copied into the arena. */
int btq__md_bytes(md_parser *p, const uint8_t **out, size_t *out_len, const char *what);
/* Skip a string / Vec<String> (docs) without keeping them. */
int btq__md_skip_str(md_parser *p, const char *what);
int btq__md_skip_docs(md_parser *p);
/* V16 ItemDeprecationInfo (0 none, 1 without note, 2 with note + Option since). */
int btq__md_deprecation(md_parser *p, btq_deprecation *out);
/* V16 EnumDeprecationInfo: BTreeMap<u8, VariantDeprecationInfo>, skipped. */
int btq__md_enum_deprecation(md_parser *p);
/* Vec<{name: String, ty}> (runtime API and view function inputs). */
int btq__md_parse_params(md_parser *p, uint32_t *out_n, const btq_param **out);
/* Arena allocation of count * size bytes (count already bounded by the input). */
void *btq__md_alloc(md_parser *p, size_t count, size_t size);

/* Sections, in file order. */
int btq__md_parse_registry(md_parser *p);
int btq__md_check_types(md_parser *p); /* bitseq resolution, min_size, zero-width cycles */
int btq__md_parse_pallets(md_parser *p);
int btq__md_parse_extrinsic(md_parser *p);
int btq__md_parse_apis(md_parser *p);
int btq__md_parse_outer_enums(md_parser *p);
int btq__md_skip_custom(md_parser *p);
/* Lookup index over pallets, entries, constants, APIs, methods. */
int btq__md_build_index(btq_metadata *md);

#endif
