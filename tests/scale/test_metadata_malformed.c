/* Metadata: hostile and malformed inputs, built byte by byte (V14 unless said otherwise):
 * exact error codes for bad magic, versions, type ids, cycles, counts at the limits, bit
 * sequences, and min_size of small registries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/metadata.h"
#include "btq_test.h"

typedef struct buf {
    uint8_t *b;
    size_t n, cap;
} buf;

static void put(buf *w, const void *p, size_t n)
{
    if (w->n + n > w->cap) {
        w->cap = (w->n + n) * 2 + 64;
        w->b = realloc(w->b, w->cap);
        ck_assert_ptr_nonnull(w->b);
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void u8(buf *w, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(w, &b, 1);
}
static void u32le(buf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(w, b, 4);
}
static void compact(buf *w, uint32_t v)
{
    if (v < 64) {
        u8(w, v << 2);
    } else if (v < 16384) {
        u8(w, ((v << 2) | 1) & 0xff);
        u8(w, v >> 6);
    } else if (v < (1u << 30)) {
        u32le(w, (v << 2) | 2);
    } else {
        u8(w, 3);
        u32le(w, v);
    }
}
static void str(buf *w, const char *s)
{
    compact(w, (uint32_t)strlen(s));
    put(w, s, strlen(s));
}

static void header(buf *w, unsigned version, uint32_t ntypes)
{
    put(w, "meta", 4);
    u8(w, version);
    compact(w, ntypes);
}
/* type header: id, path segments (NULL-terminated list), no params */
static void type_head(buf *w, uint32_t id, const char *const *path)
{
    compact(w, id);
    uint32_t n = 0;
    while (path && path[n])
        n++;
    compact(w, n);
    for (uint32_t i = 0; i < n; i++)
        str(w, path[i]);
    compact(w, 0); /* params */
}
static void prim(buf *w, uint32_t id, unsigned p)
{
    type_head(w, id, NULL);
    u8(w, 5);
    u8(w, p);
    compact(w, 0); /* docs */
}
static void composite(buf *w, uint32_t id, uint32_t n, const uint32_t *fields)
{
    type_head(w, id, NULL);
    u8(w, 0);
    compact(w, n);
    for (uint32_t i = 0; i < n; i++) {
        u8(w, 0); /* unnamed */
        compact(w, fields[i]);
        u8(w, 0); /* no type name */
        compact(w, 0);
    }
    compact(w, 0);
}
static void array(buf *w, uint32_t id, uint32_t len, uint32_t elem)
{
    type_head(w, id, NULL);
    u8(w, 3);
    u32le(w, len);
    compact(w, elem);
    compact(w, 0);
}
static void tuple(buf *w, uint32_t id, uint32_t n, const uint32_t *elems)
{
    type_head(w, id, NULL);
    u8(w, 4);
    compact(w, n);
    for (uint32_t i = 0; i < n; i++)
        compact(w, elems[i]);
    compact(w, 0);
}
static void sequence(buf *w, uint32_t id, uint32_t elem)
{
    type_head(w, id, NULL);
    u8(w, 2);
    compact(w, elem);
    compact(w, 0);
}
/* variant with nv variants; variant i has one field of type field[i], or none if UINT32_MAX */
static void variant(buf *w, uint32_t id, uint32_t nv, const uint32_t *field)
{
    type_head(w, id, NULL);
    u8(w, 1);
    compact(w, nv);
    for (uint32_t i = 0; i < nv; i++) {
        char name[16];
        snprintf(name, sizeof name, "V%u", i);
        str(w, name);
        if (field[i] == UINT32_MAX) {
            compact(w, 0);
        } else {
            compact(w, 1);
            u8(w, 0);
            compact(w, field[i]);
            u8(w, 0);
            compact(w, 0);
        }
        u8(w, i);
        compact(w, 0);
    }
    compact(w, 0);
}
/* V14 tail: no pallets, extrinsic {ty 0, version 4, no extensions}, runtime ty 0 */
static void tail14(buf *w)
{
    compact(w, 0);
    compact(w, 0);
    u8(w, 4);
    compact(w, 0);
    compact(w, 0);
}

static int parse(buf *w, btq_metadata **md, btq_error *err)
{
    int rc = btq_metadata_parse(w->b, w->n, md, err);
    if (rc) ck_assert_int_eq(err->code, rc);
    return rc;
}

START_TEST(bad_magic_is_emagic)
{
    const uint8_t in[] = {'a', 't', 'e', 'm', 14, 0};
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(btq_metadata_parse(in, sizeof in, &md, &err), BTQ_EMAGIC);
    ck_assert_ptr_null(md);
    ck_assert_int_eq(btq_metadata_parse("xy", 2, &md, &err), BTQ_EMAGIC);
    ck_assert_int_eq(btq_metadata_parse("me", 2, &md, &err), BTQ_ESHORT);
    ck_assert_int_eq(btq_metadata_parse("meta", 4, &md, &err), BTQ_ESHORT);
    ck_assert_int_eq(btq_metadata_parse("", 0, &md, &err), BTQ_ESHORT);
    ck_assert_int_eq(btq_metadata_parse(NULL, 5, &md, &err), BTQ_EINVAL);
    ck_assert_int_eq(btq_metadata_parse("meta", 4, NULL, &err), BTQ_EINVAL);
}
END_TEST

START_TEST(v13_and_v17_are_emdversion_naming_the_version)
{
    buf w = {0};
    header(&w, 13, 0);
    tail14(&w);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_EMDVERSION);
    ck_assert_ptr_nonnull(strstr(err.message, "V13"));
    ck_assert_uint_eq(err.offset, 4);
    w.b[4] = 17;
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_EMDVERSION);
    ck_assert_ptr_nonnull(strstr(err.message, "V17"));
    free(w.b);
}
END_TEST

START_TEST(minimal_v14_parses)
{
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 5 /* u32 */);
    tail14(&w);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), 0);
    ck_assert_uint_eq(btq_metadata_version(md), 14);
    ck_assert_uint_eq(btq_metadata_registry(md)->ntypes, 1);
    ck_assert_uint_eq(btq_metadata_registry(md)->types[0].min_size, 4);
    ck_assert_str_eq(btq_metadata_registry(md)->types[0].path, "");
    ck_assert_uint_eq(btq_metadata_npallets(md), 0);
    ck_assert_uint_eq(btq_metadata_spec_version(md), 0); /* no System.Version */
    ck_assert_ptr_null(btq_metadata_runtime_version(md));
    ck_assert_ptr_null(btq_metadata_pallet(md, "System"));
    ck_assert_ptr_null(btq_metadata_pallet_by_index(md, 0));
    btq_metadata_unref(md);
    free(w.b);
}
END_TEST

START_TEST(path_segments_are_joined_with_double_colon)
{
    const char *const path[] = {"sp_core", "crypto", "AccountId32", NULL};
    buf w = {0};
    header(&w, 14, 2);
    type_head(&w, 0, path);
    u8(&w, 3); /* [u8; 32] */
    u32le(&w, 32);
    compact(&w, 1);
    compact(&w, 0);
    prim(&w, 1, 3);
    tail14(&w);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), 0);
    ck_assert_str_eq(btq_metadata_registry(md)->types[0].path, "sp_core::crypto::AccountId32");
    ck_assert_uint_eq(btq_metadata_registry(md)->types[0].min_size, 32);
    btq_metadata_unref(md);
    free(w.b);
}
END_TEST

START_TEST(field_type_id_out_of_range_is_etypeid_at_its_offset)
{
    buf w = {0};
    header(&w, 14, 2);
    prim(&w, 0, 3);
    size_t at = w.n + 6; /* id, path, params, tag, count, name option */
    composite(&w, 1, 1, (const uint32_t[]){2});
    tail14(&w);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETYPEID);
    ck_assert_uint_eq(err.offset, at);
    ck_assert_ptr_null(md);
    free(w.b);
}
END_TEST

START_TEST(type_id_not_matching_position_is_etypeid)
{
    buf w = {0};
    header(&w, 14, 2);
    prim(&w, 0, 3);
    prim(&w, 5, 3);
    tail14(&w);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETYPEID);
    free(w.b);
}
END_TEST

START_TEST(extrinsic_and_runtime_type_out_of_range_are_etypeid)
{
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 3);
    compact(&w, 0); /* pallets */
    compact(&w, 1); /* extrinsic ty: out of range */
    u8(&w, 4);
    compact(&w, 0);
    compact(&w, 0);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETYPEID);
    w.b[w.n - 4] = 0;      /* extrinsic ty ok */
    w.b[w.n - 1] = 1 << 2; /* runtime ty 1: out of range */
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETYPEID);
    w.b[w.n - 1] = 0;
    ck_assert_int_eq(parse(&w, &md, &err), 0);
    btq_metadata_unref(md);
    free(w.b);
}
END_TEST

/* One pallet "P" with one storage map entry "E" (hasher h, key type k, value type v). */
static void one_map_pallet(buf *w, unsigned h, uint32_t k, uint32_t v)
{
    compact(w, 1);
    str(w, "P");
    u8(w, 1); /* storage Some */
    str(w, "P");
    compact(w, 1);
    str(w, "E");
    u8(w, 1); /* Default */
    u8(w, 1); /* map */
    compact(w, 1);
    u8(w, h);
    compact(w, k);
    compact(w, v);
    compact(w, 1); /* default: 1 byte */
    u8(w, 7);
    compact(w, 0); /* docs */
    u8(w, 0);      /* calls None */
    u8(w, 0);      /* event None */
    compact(w, 0); /* constants */
    u8(w, 0);      /* error None */
    u8(w, 9);      /* index */
    compact(w, 0); /* extrinsic ty */
    u8(w, 4);
    compact(w, 0);
    compact(w, 0); /* runtime ty */
}

START_TEST(storage_map_entry_parses_and_is_found)
{
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 3);
    one_map_pallet(&w, BTQ_HASHER_TWOX64_CONCAT, 0, 0);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), 0);
    const btq_storage_entry *e = btq_metadata_storage(md, "P", "E");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->hashers[0], BTQ_HASHER_TWOX64_CONCAT);
    ck_assert_uint_eq(e->default_len, 1);
    ck_assert_uint_eq(e->default_value[0], 7);
    ck_assert_str_eq(btq_metadata_pallet(md, "P")->storage_prefix, "P");
    ck_assert_ptr_eq(btq_metadata_pallet_by_index(md, 9), btq_metadata_pallet(md, "P"));
    btq_metadata_unref(md);
    free(w.b);
}
END_TEST

START_TEST(storage_value_type_out_of_range_is_etypeid)
{
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 3);
    one_map_pallet(&w, BTQ_HASHER_IDENTITY, 0, 1);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETYPEID);
    free(w.b);
}
END_TEST

START_TEST(unknown_storage_hasher_is_ehasher)
{
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 3);
    one_map_pallet(&w, 7, 0, 0);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_EHASHER);
    free(w.b);
}
END_TEST

static int parse_types_only(void (*build)(buf *), btq_metadata **md)
{
    buf w = {0};
    build(&w);
    tail14(&w);
    btq_error err = {0};
    *md = NULL;
    int rc = parse(&w, md, &err);
    free(w.b);
    return rc;
}

static void build_self_composite(buf *w)
{
    header(w, 14, 1);
    composite(w, 0, 1, (const uint32_t[]){0});
}
static void build_two_composite_cycle(buf *w)
{
    header(w, 14, 3);
    prim(w, 0, 3);
    composite(w, 1, 2, (const uint32_t[]){0, 2});
    composite(w, 2, 1, (const uint32_t[]){1});
}
static void build_tuple_array_cycle(buf *w)
{
    header(w, 14, 2);
    tuple(w, 0, 1, (const uint32_t[]){1});
    array(w, 1, 2, 0);
}
static void build_empty_array_of_self(buf *w)
{
    header(w, 14, 1);
    array(w, 0, 0, 0);
}
static void build_recursive_enum(buf *w)
{
    /* enum List { V0, V1(Node) }, Node = (u8, List) */
    header(w, 14, 3);
    variant(w, 0, 2, (const uint32_t[]){UINT32_MAX, 1});
    tuple(w, 1, 2, (const uint32_t[]){2, 0});
    prim(w, 2, 3);
}
static void build_vec_of_self(buf *w)
{
    header(w, 14, 3);
    composite(w, 0, 2, (const uint32_t[]){1, 2});
    sequence(w, 1, 0);
    prim(w, 2, 6 /* u64 */);
}

START_TEST(composite_containing_itself_is_etypecycle)
{
    btq_metadata *md;
    ck_assert_int_eq(parse_types_only(build_self_composite, &md), BTQ_ETYPECYCLE);
    ck_assert_int_eq(parse_types_only(build_two_composite_cycle, &md), BTQ_ETYPECYCLE);
    ck_assert_int_eq(parse_types_only(build_tuple_array_cycle, &md), BTQ_ETYPECYCLE);
}
END_TEST

START_TEST(recursion_through_variant_sequence_or_empty_array_is_accepted)
{
    btq_metadata *md;
    ck_assert_int_eq(parse_types_only(build_empty_array_of_self, &md), 0);
    ck_assert_uint_eq(btq_metadata_registry(md)->types[0].min_size, 0);
    btq_metadata_unref(md);
    ck_assert_int_eq(parse_types_only(build_recursive_enum, &md), 0);
    ck_assert_uint_eq(btq_metadata_registry(md)->types[0].min_size, 1);
    /* Node = (u8, List) needs 2 bytes; inside a recursion min_size is a lower bound */
    ck_assert_uint_ge(btq_metadata_registry(md)->types[1].min_size, 1);
    ck_assert_uint_le(btq_metadata_registry(md)->types[1].min_size, 2);
    btq_metadata_unref(md);
    ck_assert_int_eq(parse_types_only(build_vec_of_self, &md), 0);
    ck_assert_uint_eq(btq_metadata_registry(md)->types[0].min_size, 9);
    btq_metadata_unref(md);
}
END_TEST

static void build_sizes(buf *w)
{
    header(w, 14, 12);
    prim(w, 0, 5);                                 /* u32 */
    prim(w, 1, 6);                                 /* u64 */
    composite(w, 2, 2, (const uint32_t[]){0, 1});  /* 12 */
    array(w, 3, 3, 2);                             /* 36 */
    variant(w, 4, 2, (const uint32_t[]){1, 2});    /* 1 + min(8, 12) */
    tuple(w, 5, 0, NULL);                          /* () = 0 */
    array(w, 6, 0xffffffffu, 1);                   /* saturates */
    prim(w, 7, 1);                                 /* char 4 */
    prim(w, 8, 8);                                 /* u256 32 */
    prim(w, 9, 2);                                 /* str 1 */
    variant(w, 10, 0, NULL);                       /* empty enum: 1 */
    composite(w, 11, 2, (const uint32_t[]){6, 6}); /* saturates */
}

START_TEST(min_size_of_each_kind)
{
    btq_metadata *md;
    ck_assert_int_eq(parse_types_only(build_sizes, &md), 0);
    const btq_type *t = btq_metadata_registry(md)->types;
    const uint32_t want[] = {4, 8, 12, 36, 9, 0, UINT32_MAX, 4, 32, 1, 1, UINT32_MAX};
    for (int i = 0; i < 12; i++)
        ck_assert_msg(t[i].min_size == want[i], "type %d: %u", i, t[i].min_size);
    btq_metadata_unref(md);
}
END_TEST

static void bitseq_md(buf *w, unsigned store_prim, const char *order)
{
    const char *const path[] = {"bitvec", "order", order, NULL};
    header(w, 14, 3);
    prim(w, 0, store_prim);
    type_head(w, 1, path);
    u8(w, 0); /* composite, no fields */
    compact(w, 0);
    compact(w, 0);
    type_head(w, 2, NULL);
    u8(w, 7);
    compact(w, 0);
    compact(w, 1);
    compact(w, 0);
    tail14(w);
}

START_TEST(bit_sequence_store_and_order_are_resolved)
{
    btq_metadata *md = NULL;
    btq_error err = {0};
    buf w = {0};
    bitseq_md(&w, 4 /* u16 */, "Msb0");
    ck_assert_int_eq(parse(&w, &md, &err), 0);
    const btq_type *t = &btq_metadata_registry(md)->types[2];
    ck_assert_int_eq(t->kind, BTQ_TYPE_BITSEQ);
    ck_assert_int_eq(t->u.bitseq.store, BTQ_BITSTORE_U16);
    ck_assert_int_eq(t->u.bitseq.order, BTQ_BITORDER_MSB0);
    ck_assert_uint_eq(t->min_size, 1);
    btq_metadata_unref(md);
    free(w.b);
    w = (buf){0};
    bitseq_md(&w, 3 /* u8 */, "Lsb0");
    ck_assert_int_eq(parse(&w, &md, &err), 0);
    ck_assert_int_eq(btq_metadata_registry(md)->types[2].u.bitseq.order, BTQ_BITORDER_LSB0);
    btq_metadata_unref(md);
    free(w.b);
}
END_TEST

START_TEST(bad_bit_store_or_order_is_ebitseq)
{
    btq_metadata *md = NULL;
    btq_error err = {0};
    buf w = {0};
    bitseq_md(&w, 7 /* u128 */, "Lsb0");
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_EBITSEQ);
    free(w.b);
    w = (buf){0};
    bitseq_md(&w, 3, "XLsb0");
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_EBITSEQ);
    free(w.b);
}
END_TEST

START_TEST(unknown_type_def_tag_or_primitive_is_ebadvariant)
{
    btq_metadata *md = NULL;
    btq_error err = {0};
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 15);
    tail14(&w);
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_EBADVARIANT);
    w.b[9] = 8; /* type def tag 8 (magic 4, version, count, id, path, params, tag) */
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_EBADVARIANT);
    ck_assert_uint_eq(err.offset, 9);
    free(w.b);
}
END_TEST

static int parse_n_types(uint32_t n)
{
    buf w = {0};
    header(&w, 14, n);
    for (uint32_t i = 0; i < n; i++)
        prim(&w, i, 0);
    tail14(&w);
    btq_metadata *md = NULL;
    btq_error err = {0};
    int rc = parse(&w, &md, &err);
    if (!rc) {
        ck_assert_uint_eq(btq_metadata_registry(md)->ntypes, n);
        btq_metadata_unref(md);
    }
    free(w.b);
    return rc;
}

START_TEST(type_count_at_limit_parses_and_above_is_etoomany)
{
    ck_assert_int_eq(parse_n_types(BTQ_METADATA_MAX_TYPES - 1), 0);
    ck_assert_int_eq(parse_n_types(BTQ_METADATA_MAX_TYPES), 0);
    ck_assert_int_eq(parse_n_types(BTQ_METADATA_MAX_TYPES + 1), BTQ_ETOOMANY);
}
END_TEST

START_TEST(hostile_counts_larger_than_input_are_etoomany)
{
    btq_metadata *md = NULL;
    btq_error err = {0};
    buf w = {0};
    header(&w, 14, 1u << 30); /* a billion types in a few bytes */
    prim(&w, 0, 3);
    tail14(&w);
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETOOMANY);
    ck_assert_uint_eq(err.offset, 5);
    free(w.b);
    /* a composite claiming 1,000,000 fields */
    w = (buf){0};
    header(&w, 14, 1);
    type_head(&w, 0, NULL);
    u8(&w, 0);
    compact(&w, 1000000);
    compact(&w, 0);
    tail14(&w);
    ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETOOMANY);
    free(w.b);
}
END_TEST

START_TEST(v15_and_v16_minimal_bodies_parse)
{
    for (unsigned v = 15; v <= 16; v++) {
        buf w = {0};
        header(&w, v, 2);
        prim(&w, 0, 3);
        variant(&w, 1, 0, NULL);
        compact(&w, 0); /* pallets */
        if (v == 15) {
            u8(&w, 4);
            for (int i = 0; i < 4; i++)
                compact(&w, 0); /* address, call, signature, extra */
            compact(&w, 0);     /* signed extensions */
            compact(&w, 0);     /* runtime ty */
        } else {
            compact(&w, 1); /* versions: [4] */
            u8(&w, 4);
            for (int i = 0; i < 3; i++)
                compact(&w, 0); /* address, call, signature */
            compact(&w, 1);     /* by version: {4: [0]} */
            u8(&w, 4);
            compact(&w, 1);
            compact(&w, 0);
            compact(&w, 1); /* extensions */
            str(&w, "CheckNonce");
            compact(&w, 0);
            compact(&w, 0);
        }
        compact(&w, 1); /* one API "A" with method "m"(x: u8) -> u8 */
        str(&w, "A");
        compact(&w, 1);
        str(&w, "m");
        compact(&w, 1);
        str(&w, "x");
        compact(&w, 0);
        compact(&w, 0);
        compact(&w, 0);         /* docs */
        if (v == 16) u8(&w, 1); /* method deprecated without note */
        compact(&w, 0);         /* api docs */
        if (v == 16) {
            compact(&w, 3); /* api version */
            u8(&w, 2);      /* deprecated with a note and Some(since) */
            str(&w, "use B");
            u8(&w, 1);
            str(&w, "v2");
        }
        compact(&w, 1); /* outer enums */
        compact(&w, 1);
        compact(&w, 1);
        compact(&w, 1); /* custom: {"k": (0, [1])} */
        str(&w, "k");
        compact(&w, 0);
        compact(&w, 1);
        u8(&w, 1);
        btq_metadata *md = NULL;
        btq_error err = {0};
        ck_assert_msg(parse(&w, &md, &err) == 0, "V%u: %s", v, err.message);
        const btq_api_method *m = btq_metadata_api_method(md, "A", "m");
        ck_assert_ptr_nonnull(m);
        ck_assert_str_eq(m->inputs[0].name, "x");
        ck_assert_int_eq(m->deprecation, v == 16 ? BTQ_DEPRECATED_WITHOUT_NOTE : 0);
        ck_assert_uint_eq(btq_metadata_api(md, "A")->version, v == 16 ? 3 : 0);
        ck_assert_int_eq(btq_metadata_api(md, "A")->deprecation,
                         v == 16 ? BTQ_DEPRECATED : BTQ_NOT_DEPRECATED);
        ck_assert_uint_eq(btq_metadata_outer_enums(md)->error_type, 1);
        if (v == 16) {
            const btq_extrinsic_info *x = btq_metadata_extrinsic(md);
            ck_assert_uint_eq(x->nsets, 1);
            ck_assert_str_eq(x->extensions[0].identifier, "CheckNonce");
            /* an extension index past the list is rejected */
            size_t at = 0;
            for (size_t i = 0; i + 2 < w.n; i++)
                if (w.b[i] == 4 && w.b[i + 1] == 4 && w.b[i + 2] == 0) at = i + 2;
            ck_assert_uint_gt(at, 0);
            btq_metadata_unref(md);
            w.b[at] = 1 << 2;
            ck_assert_int_eq(parse(&w, &md, &err), BTQ_ETOOMANY);
        } else {
            btq_metadata_unref(md);
        }
        free(w.b);
    }
}
END_TEST

START_TEST(lookups_are_null_safe_and_reject_foreign_pallets)
{
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 3);
    one_map_pallet(&w, BTQ_HASHER_IDENTITY, 0, 0);
    btq_metadata *a = NULL, *b = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &a, &err), 0);
    ck_assert_int_eq(parse(&w, &b, &err), 0);
    const btq_pallet *pa = btq_metadata_pallet(a, "P");
    ck_assert_ptr_nonnull(btq_pallet_storage(a, pa, "E"));
    ck_assert_ptr_null(btq_pallet_storage(b, pa, "E")); /* pa belongs to a, not b */
    ck_assert_ptr_null(btq_pallet_storage(a, NULL, "E"));
    ck_assert_ptr_null(btq_metadata_storage(a, "P", NULL));
    ck_assert_ptr_null(btq_metadata_storage(a, NULL, "E"));
    ck_assert_ptr_null(btq_metadata_pallet(NULL, "P"));
    ck_assert_ptr_null(btq_metadata_constant(a, "P", "E"));
    ck_assert_ptr_null(btq_metadata_api_method(a, "P", "E"));
    ck_assert_ptr_null(btq_metadata_pallet_at(a, 1));
    ck_assert_ptr_null(btq_metadata_registry(NULL));
    ck_assert_uint_eq(btq_metadata_npallets(NULL), 0);
    ck_assert_int_eq(btq_metadata_find_type(a, NULL, &(uint32_t){0}), BTQ_EINVAL);
    btq_metadata_unref(a);
    btq_metadata_unref(b);
    free(w.b);
}
END_TEST

START_TEST(duplicate_pallet_names_resolve_to_the_first)
{
    buf w = {0};
    header(&w, 14, 1);
    prim(&w, 0, 3);
    compact(&w, 2);
    for (int i = 0; i < 2; i++) {
        str(&w, "P");
        u8(&w, 0);
        u8(&w, 0);
        u8(&w, 0);
        compact(&w, 0);
        u8(&w, 0);
        u8(&w, 3 + i); /* index */
    }
    compact(&w, 0);
    u8(&w, 4);
    compact(&w, 0);
    compact(&w, 0);
    btq_metadata *md = NULL;
    btq_error err = {0};
    ck_assert_int_eq(parse(&w, &md, &err), 0);
    ck_assert_uint_eq(btq_metadata_npallets(md), 2);
    ck_assert_uint_eq(btq_metadata_pallet(md, "P")->index, 3);
    ck_assert_uint_eq(btq_metadata_pallet_by_index(md, 4)->index, 4);
    btq_metadata_unref(md);
    free(w.b);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("metadata_malformed");
    TCase *tc = tcase_create("malformed");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, bad_magic_is_emagic);
    tcase_add_test(tc, v13_and_v17_are_emdversion_naming_the_version);
    tcase_add_test(tc, minimal_v14_parses);
    tcase_add_test(tc, path_segments_are_joined_with_double_colon);
    tcase_add_test(tc, field_type_id_out_of_range_is_etypeid_at_its_offset);
    tcase_add_test(tc, type_id_not_matching_position_is_etypeid);
    tcase_add_test(tc, extrinsic_and_runtime_type_out_of_range_are_etypeid);
    tcase_add_test(tc, storage_map_entry_parses_and_is_found);
    tcase_add_test(tc, storage_value_type_out_of_range_is_etypeid);
    tcase_add_test(tc, unknown_storage_hasher_is_ehasher);
    tcase_add_test(tc, composite_containing_itself_is_etypecycle);
    tcase_add_test(tc, recursion_through_variant_sequence_or_empty_array_is_accepted);
    tcase_add_test(tc, min_size_of_each_kind);
    tcase_add_test(tc, bit_sequence_store_and_order_are_resolved);
    tcase_add_test(tc, bad_bit_store_or_order_is_ebitseq);
    tcase_add_test(tc, unknown_type_def_tag_or_primitive_is_ebadvariant);
    tcase_add_test(tc, type_count_at_limit_parses_and_above_is_etoomany);
    tcase_add_test(tc, hostile_counts_larger_than_input_are_etoomany);
    tcase_add_test(tc, v15_and_v16_minimal_bodies_parse);
    tcase_add_test(tc, lookups_are_null_safe_and_reject_foreign_pallets);
    tcase_add_test(tc, duplicate_pallet_names_resolve_to_the_first);
    suite_add_tcase(s, tc);
    return s;
}
