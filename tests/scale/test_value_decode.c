/* Dynamic decoder: the tree over a hand-built registry, typed access, path lookup, limits and
 * exact error codes / offsets / paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/alloc.h"
#include "btq/value.h"
#include "btq_test.h"
#include "value_fixture.h"

static btq_value_doc *g_doc;

/* Decode hex as type t (exact) and return the root; fails the test on error. */
static const btq_value *dec(uint32_t t, const char *hex)
{
    size_t n;
    uint8_t *b = btq_test_unhex(hex, &n);
    const btq_value *root = NULL;
    btq_error err = {0};
    btq_value_doc_free(g_doc);
    g_doc = NULL;
    int rc = btq_value_decode(fixture_registry(), t, b, n, BTQ_VALUE_EXACT, &g_doc, &root, &err);
    free(b);
    ck_assert_msg(rc == 0, "decode failed: %s at %zu (%s) %s", btq_err_name(rc), err.offset,
                  err.path, err.message);
    return root;
}

/* Expect decode of hex as t to fail with code at offset with path. */
static void dec_fail(uint32_t t, const char *hex, unsigned flags, int code, size_t offset,
                     const char *path)
{
    size_t n;
    uint8_t *b = btq_test_unhex(hex, &n);
    btq_value_doc *doc = (btq_value_doc *)1;
    const btq_value *root = NULL;
    btq_error err = {0};
    int rc = btq_value_decode(fixture_registry(), t, b, n, flags, &doc, &root, &err);
    free(b);
    ck_assert_msg(rc == code, "want %s got %s (%s)", btq_err_name(code), btq_err_name(rc),
                  err.message);
    ck_assert_int_eq(err.code, code);
    ck_assert_uint_eq(err.offset, offset);
    ck_assert_str_eq(err.path, path);
    ck_assert_ptr_null(doc);
}

static void teardown(void)
{
    btq_value_doc_free(g_doc);
    g_doc = NULL;
}

START_TEST(account_info_reads_free_through_path)
{
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    ck_assert_int_eq(btq_value_decode(fixture_registry(), T_ACCOUNT_INFO, fixture_account_info(),
                                      56, BTQ_VALUE_EXACT, &doc, &root, NULL),
                     0);
    uint64_t v = 0;
    ck_assert_int_eq(btq_value_path_u64(root, "data.free", &v), 0);
    ck_assert_uint_eq(v, 123456789012ull);
    ck_assert_int_eq(btq_value_path_u64(root, "nonce", &v), 0);
    ck_assert_uint_eq(v, 7);
    ck_assert_int_eq(btq_value_path_u64(root, "4.1", &v), 0); /* data.reserved by index */
    ck_assert_uint_eq(v, 5);
    btq_u128 flags;
    ck_assert_int_eq(btq_value_path_u128(root, "data.flags", &flags), 0);
    ck_assert_uint_eq(flags.lo, 0);
    ck_assert_uint_eq(flags.hi, 1ull << 63);
    ck_assert_int_eq(btq_value_path_u64(root, "data.flags", &v), BTQ_EOVERFLOW);
    ck_assert_int_eq(btq_value_get_kind(root), BTQ_VALUE_COMPOSITE);
    ck_assert_str_eq(btq_value_type_path(root), "frame_system::AccountInfo");
    ck_assert_uint_eq(btq_value_type_id(root), T_ACCOUNT_INFO);
    ck_assert_uint_eq(btq_value_count(root), 5);
    const btq_value *data = btq_value_field(root, "data");
    ck_assert_ptr_nonnull(data);
    ck_assert_str_eq(btq_value_name(data), "data");
    ck_assert_ptr_eq(btq_value_at(root, 4), data);
    ck_assert_ptr_null(btq_value_at(root, 5));
    ck_assert_ptr_null(btq_value_field(root, "free")); /* not a direct field */
    btq_value_doc_free(doc);
}
END_TEST

START_TEST(tree_does_not_borrow_the_input)
{
    uint8_t in[] = {0x0c, 'a', 'b', 'c'};
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    ck_assert_int_eq(btq_value_decode(fixture_registry(), T_VEC_U8, in, sizeof in, BTQ_VALUE_EXACT,
                                      &doc, &root, NULL),
                     0);
    memset(in, 0, sizeof in);
    const uint8_t *p;
    size_t n;
    ck_assert_int_eq(btq_value_bytes(root, &p, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(p, "abc", 3), 0);
    btq_value_doc_free(doc);
}
END_TEST

START_TEST(every_primitive_reads_its_value)
{
    uint64_t u;
    int64_t i;
    bool b;
    uint32_t cp;
    ck_assert_int_eq(btq_value_u64(dec(T_U8, "ff"), &u), 0);
    ck_assert_uint_eq(u, 255);
    ck_assert_int_eq(btq_value_u64(dec(T_U16, "3412"), &u), 0);
    ck_assert_uint_eq(u, 0x1234);
    ck_assert_int_eq(btq_value_u64(dec(T_U32, "78563412"), &u), 0);
    ck_assert_uint_eq(u, 0x12345678);
    ck_assert_int_eq(btq_value_u64(dec(T_U64, "ffffffffffffffff"), &u), 0);
    ck_assert_uint_eq(u, UINT64_MAX);
    ck_assert_int_eq(btq_value_i64(dec(T_I8, "80"), &i), 0);
    ck_assert_int_eq(i, -128);
    ck_assert_int_eq(btq_value_i64(dec(T_I16, "feff"), &i), 0);
    ck_assert_int_eq(i, -2);
    ck_assert_int_eq(btq_value_i64(dec(T_I32, "ffffff7f"), &i), 0);
    ck_assert_int_eq(i, INT32_MAX);
    ck_assert_int_eq(btq_value_i64(dec(T_I64, "0000000000000080"), &i), 0);
    ck_assert_int_eq(i, INT64_MIN);
    ck_assert_int_eq(btq_value_i64(dec(T_I128, "feffffffffffffffffffffffffffffff"), &i), 0);
    ck_assert_int_eq(i, -2);
    ck_assert_int_eq(btq_value_u64(dec(T_I128, "feffffffffffffffffffffffffffffff"), &u),
                     BTQ_EOVERFLOW);
    btq_u256 big;
    ck_assert_int_eq(
        btq_value_u256(
            dec(T_U256, "0100000000000000000000000000000000000000000000000000000000000002"), &big),
        0);
    ck_assert_uint_eq(big.limb[0], 1);
    ck_assert_uint_eq(big.limb[3], 0x0200000000000000ull);
    ck_assert_int_eq(
        btq_value_i64(
            dec(T_I256, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), &i),
        0);
    ck_assert_int_eq(i, -1);
    ck_assert_int_eq(btq_value_bool(dec(T_BOOL, "01"), &b), 0);
    ck_assert(b);
    ck_assert_int_eq(btq_value_char(dec(T_CHAR, "ac200000"), &cp), 0);
    ck_assert_uint_eq(cp, 0x20ac);
    const char *s;
    size_t n;
    ck_assert_int_eq(btq_value_str(dec(T_STR, "14686f6c6121"), &s, &n), 0);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(memcmp(s, "hola!", 5), 0);
    ck_assert_int_eq(btq_value_u64(dec(T_COMPACT_U32, "feffffff"), &u), 0);
    ck_assert_uint_eq(u, 0x3fffffff);
    btq_u128 x;
    ck_assert_int_eq(btq_value_u128(dec(T_COMPACT_U128, "33ffffffffffffffffffffffffffffffff"), &x),
                     0);
    ck_assert_uint_eq(x.lo, UINT64_MAX);
    ck_assert_uint_eq(x.hi, UINT64_MAX);
    ck_assert_int_eq(btq_value_u64(dec(T_COMPACT_U8, "fd03"), &u), 0);
    ck_assert_uint_eq(u, 255);
}
END_TEST

START_TEST(newtype_reads_as_its_inner_integer)
{
    uint64_t u = 0;
    const btq_value *v = dec(T_NETUID, "0300");
    ck_assert_int_eq(btq_value_get_kind(v), BTQ_VALUE_COMPOSITE);
    ck_assert_int_eq(btq_value_u64(v, &u), 0);
    ck_assert_uint_eq(u, 3);
    v = dec(T_VEC_NETUID, "0c010002000300");
    ck_assert_uint_eq(btq_value_count(v), 3);
    ck_assert_int_eq(btq_value_path_u64(v, "2", &u), 0);
    ck_assert_uint_eq(u, 3);
    ck_assert_int_eq(btq_value_path_u64(v, "2.0", &u), 0);
    ck_assert_int_eq(btq_value_u64(dec(T_COMPACT_NETUID, "0c"), &u), 0);
    ck_assert_uint_eq(u, 3);
}
END_TEST

START_TEST(option_and_enum_variants_report_name_and_index)
{
    const char *name;
    uint8_t idx;
    uint64_t u;
    const btq_value *v = dec(T_OPTION_U64, "00");
    ck_assert_int_eq(btq_value_variant(v, &name, &idx), 0);
    ck_assert_str_eq(name, "None");
    ck_assert_uint_eq(btq_value_count(v), 0);
    v = dec(T_OPTION_U64, "012a00000000000000");
    ck_assert_int_eq(btq_value_variant(v, &name, &idx), 0);
    ck_assert_str_eq(name, "Some");
    ck_assert_uint_eq(idx, 1);
    ck_assert_int_eq(btq_value_path_u64(v, "0", &u), 0);
    ck_assert_uint_eq(u, 42);
    v = dec(T_ENUM, "010900000001");
    ck_assert_int_eq(btq_value_variant(v, &name, &idx), 0);
    ck_assert_str_eq(name, "B");
    ck_assert_int_eq(btq_value_path_u64(v, "x", &u), 0);
    ck_assert_uint_eq(u, 9);
    v = dec(T_ENUM, "05070100");
    ck_assert_int_eq(btq_value_variant(v, &name, &idx), 0);
    ck_assert_uint_eq(idx, 5);
    ck_assert_int_eq(btq_value_path_u64(v, "1", &u), 0);
    ck_assert_uint_eq(u, 1);
    ck_assert_int_eq(btq_value_variant(dec(T_U8, "00"), &name, &idx), BTQ_ETYPE);
}
END_TEST

START_TEST(vec_of_tuples_indexes_by_path)
{
    uint64_t u;
    bool b;
    const btq_value *v = dec(T_VEC_TUPLE, "080100010200"
                                          "00");
    ck_assert_int_eq(btq_value_get_kind(v), BTQ_VALUE_SEQUENCE);
    ck_assert_uint_eq(btq_value_count(v), 2);
    ck_assert_int_eq(btq_value_path_u64(v, "1.0", &u), 0);
    ck_assert_uint_eq(u, 2);
    ck_assert_int_eq(btq_value_bool(btq_value_at(btq_value_at(v, 0), 1), &b), 0);
    ck_assert(b);
    const btq_value *out;
    ck_assert_int_eq(btq_value_path(v, "2.0", &out), BTQ_ENOTFOUND);
    ck_assert_int_eq(btq_value_path(v, "1..0", &out), BTQ_EINVAL);
    ck_assert_int_eq(btq_value_path(v, "", &out), 0);
    ck_assert_ptr_eq(out, v);
}
END_TEST

START_TEST(bit_sequences_read_in_order)
{
    bool b;
    /* 5 bits, Lsb0 in one u8: 0b01101 -> bits 1,0,1,1,0 */
    const btq_value *v = dec(T_BITVEC_U8_LSB0, "140d");
    ck_assert_int_eq(btq_value_get_kind(v), BTQ_VALUE_BITSEQ);
    ck_assert_uint_eq(btq_value_count(v), 5);
    const int want[] = {1, 0, 1, 1, 0};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(btq_value_bit(v, i, &b), 0);
        ck_assert_int_eq(b, want[i]);
    }
    ck_assert_int_eq(btq_value_bit(v, 5, &b), BTQ_ENOTFOUND);
    /* 3 bits, Msb0 in a little-endian u32: bit 0 is the word's top bit (byte 3, 0x80) */
    v = dec(T_BITVEC_U32_MSB0, "0c000000a0");
    ck_assert_int_eq(btq_value_bit(v, 0, &b), 0);
    ck_assert(b);
    ck_assert_int_eq(btq_value_bit(v, 1, &b), 0);
    ck_assert(!b);
    ck_assert_int_eq(btq_value_bit(v, 2, &b), 0);
    ck_assert(b);
}
END_TEST

START_TEST(short_input_names_offset_and_path)
{
    char hex[2 * 55 + 1];
    for (int i = 0; i < 55; i++)
        snprintf(hex + 2 * i, 3, "%02x", fixture_account_info()[i]);
    dec_fail(T_ACCOUNT_INFO, hex, BTQ_VALUE_EXACT, BTQ_ESHORT, 40, "data.flags");
}
END_TEST

START_TEST(trailing_bytes_fail_only_in_exact_mode)
{
    dec_fail(T_U16, "010203", BTQ_VALUE_EXACT, BTQ_ETRAILING, 2, "");
    const uint8_t in[] = {1, 2, 3};
    size_t used = 0;
    ck_assert_int_eq(btq_value_visit(fixture_registry(), T_U16, in, 3, 0, NULL, NULL, &used, NULL),
                     0);
    ck_assert_uint_eq(used, 2);
}
END_TEST

START_TEST(invalid_bytes_fail_with_exact_codes)
{
    dec_fail(T_BOOL, "02", 0, BTQ_EBADBOOL, 0, "");
    dec_fail(T_CHAR, "00d80000", 0, BTQ_EBADCHAR, 0, "");
    dec_fail(T_STR, "08c328", 0, BTQ_EUTF8, 0, "");
    dec_fail(T_ENUM, "02", 0, BTQ_EBADVARIANT, 0, "");
    dec_fail(T_OPTION_U64, "02", 0, BTQ_EBADVARIANT, 0, "");
    dec_fail(T_COMPACT_U32, "0100", 0, BTQ_ENONCANONICAL, 0, "");
    dec_fail(T_COMPACT_U8, "0104", 0, BTQ_EOVERFLOW, 0, "");
    dec_fail(T_VEC_TUPLE, "0801000102", 0, BTQ_ETOOMANY, 0, "");
    /* a Vec<u8> longer than the input: the same code with or without the bytes fast path */
    dec_fail(T_VEC_U8, "0c0102", 0, BTQ_ETOOMANY, 0, "");
    const uint8_t v8[] = {0x0c, 1, 2};
    ck_assert_int_eq(
        btq_value_visit(fixture_registry(), T_VEC_U8, v8, 3, 0, NULL, NULL, NULL, NULL),
        BTQ_ETOOMANY);
    /* element 1 of the vec, tuple field 1: a bad bool at byte 6 */
    dec_fail(T_VEC_TUPLE,
             "080100010200"
             "05",
             0, BTQ_EBADBOOL, 6, "1.1");
    dec_fail(T_ENUM, "010900000002", 0, BTQ_EBADBOOL, 5, "B.y");
    dec_fail(T_OPTION_U64, "01aa", 0, BTQ_ESHORT, 1, "Some.0");
    dec_fail(T_COUNT, "00", 0, BTQ_ETYPEID, 0, "");
    dec_fail(T_ARR_U8_4, "010203", 0, BTQ_ESHORT, 0, "");
}
END_TEST

START_TEST(zero_sized_elements_are_capped)
{
    /* Vec<()> of 65536 items is fine (no bytes after the prefix); 65537 is too many */
    const btq_value *v = dec(T_VEC_UNIT, "02000400");
    ck_assert_uint_eq(btq_value_count(v), 65536);
    dec_fail(T_VEC_UNIT, "06000400", 0, BTQ_ETOOMANY, 0, "");
}
END_TEST

/* A chain of n single-field composites ending in a u8: the u8 sits at depth n + 1. */
static btq_registry *chain_registry(uint32_t n)
{
    btq_type *types = calloc(n + 1, sizeof *types);
    btq_field *fields = calloc(n, sizeof *fields);
    for (uint32_t i = 0; i < n; i++) {
        fields[i].type = i + 1;
        types[i].kind = BTQ_TYPE_COMPOSITE;
        types[i].path = "";
        types[i].u.composite.nfields = 1;
        types[i].u.composite.fields = &fields[i];
    }
    types[n].kind = BTQ_TYPE_PRIMITIVE;
    types[n].path = "";
    types[n].u.primitive = BTQ_PRIM_U8;
    btq_registry *reg = calloc(1, sizeof *reg);
    reg->ntypes = n + 1;
    reg->types = types;
    return reg;
}

static void free_chain(btq_registry *reg)
{
    free((void *)reg->types[0].u.composite.fields);
    free((void *)reg->types);
    free(reg);
}

START_TEST(depth_256_decodes_and_257_fails)
{
    const uint8_t in[] = {9};
    btq_registry *ok = chain_registry(255), *deep = chain_registry(256);
    btq_value_doc *doc = NULL;
    const btq_value *root;
    btq_error err = {0};
    ck_assert_int_eq(btq_value_decode(ok, 0, in, 1, BTQ_VALUE_EXACT, &doc, &root, &err), 0);
    uint64_t u = 0;
    ck_assert_int_eq(btq_value_u64(root, &u), 0); /* unwraps all 255 newtypes */
    ck_assert_uint_eq(u, 9);
    btq_value_doc_free(doc);
    ck_assert_int_eq(btq_value_decode(deep, 0, in, 1, BTQ_VALUE_EXACT, &doc, &root, &err),
                     BTQ_EDEPTH);
    ck_assert_uint_eq(err.offset, 0);
    ck_assert_int_eq(btq_value_visit(deep, 0, in, 1, 0, NULL, NULL, NULL, NULL), BTQ_EDEPTH);
    free_chain(ok);
    free_chain(deep);
}
END_TEST

typedef struct counts {
    int u64s, begins, ends, bytes, stop_at;
    char fields[128];
} counts;

static int c_u64(void *u, const btq_visit_info *info, uint64_t v)
{
    counts *c = u;
    c->u64s++;
    if (info->field) {
        strcat(c->fields, info->field);
        strcat(c->fields, ",");
    }
    return c->stop_at && c->u64s == c->stop_at ? BTQ_ECANCELED : 0;
}
static int c_big(void *u, const btq_visit_info *info, const uint8_t *le, size_t n, bool s)
{
    ((counts *)u)->bytes += (int)n;
    return 0;
}
static int c_begin(void *u, const btq_visit_info *info, size_t n)
{
    ((counts *)u)->begins++;
    return 0;
}
static int c_end(void *u, const btq_visit_info *info)
{
    ((counts *)u)->ends++;
    return 0;
}

START_TEST(visitor_sees_every_node_without_a_tree)
{
    btq_visitor vis = {0};
    vis.on_u64 = c_u64;
    vis.on_big = c_big;
    vis.begin = c_begin;
    vis.end = c_end;
    counts c = {0};
    size_t used = 0;
    ck_assert_int_eq(btq_value_visit(fixture_registry(), T_ACCOUNT_INFO, fixture_account_info(), 56,
                                     BTQ_VALUE_EXACT, &vis, &c, &used, NULL),
                     0);
    ck_assert_uint_eq(used, 56);
    ck_assert_int_eq(c.u64s, 7);
    ck_assert_int_eq(c.bytes, 16);
    ck_assert_int_eq(c.begins, 2);
    ck_assert_int_eq(c.ends, 2);
    ck_assert_str_eq(c.fields, "nonce,consumers,providers,sufficients,free,reserved,frozen,");
    /* without on_bytes a Vec<u8> arrives element by element */
    counts d = {0};
    const uint8_t v[] = {0x08, 1, 2};
    ck_assert_int_eq(btq_value_visit(fixture_registry(), T_VEC_U8, v, 3, 0, &vis, &d, NULL, NULL),
                     0);
    ck_assert_int_eq(d.u64s, 2);
    ck_assert_int_eq(d.begins, 1);
}
END_TEST

START_TEST(visitor_error_stops_the_decode)
{
    btq_visitor vis = {0};
    vis.on_u64 = c_u64;
    counts c = {0};
    c.stop_at = 3;
    btq_error err = {0};
    ck_assert_int_eq(btq_value_visit(fixture_registry(), T_ACCOUNT_INFO, fixture_account_info(), 56,
                                     0, &vis, &c, NULL, &err),
                     BTQ_ECANCELED);
    ck_assert_int_eq(c.u64s, 3);
    ck_assert_uint_eq(err.offset, 8);
    ck_assert_str_eq(err.path, "providers");
}
END_TEST

START_TEST(typed_access_rejects_other_kinds)
{
    uint64_t u;
    int64_t i;
    bool b;
    const char *s;
    size_t n;
    const uint8_t *p;
    const btq_value *v = dec(T_STR, "08686f");
    ck_assert_int_eq(btq_value_u64(v, &u), BTQ_ETYPE);
    ck_assert_int_eq(btq_value_bool(v, &b), BTQ_ETYPE);
    ck_assert_int_eq(btq_value_bytes(v, &p, &n), BTQ_ETYPE);
    ck_assert_int_eq(btq_value_u64(dec(T_I8, "ff"), &u), BTQ_EOVERFLOW);
    ck_assert_int_eq(btq_value_i64(dec(T_U64, "ffffffffffffffff"), &i), BTQ_EOVERFLOW);
    ck_assert_int_eq(btq_value_str(dec(T_U8, "01"), &s, &n), BTQ_ETYPE);
    ck_assert_int_eq(btq_value_u64(dec(T_PAIR, "010200"), &u), BTQ_ETYPE);
}
END_TEST

START_TEST(doc_is_reusable_across_decodes)
{
    btq_value_doc *doc = btq_value_doc_new();
    ck_assert_ptr_nonnull(doc);
    const btq_value *root;
    uint64_t u = 0;
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(btq_value_doc_decode(doc, fixture_registry(), T_ACCOUNT_INFO,
                                              fixture_account_info(), 56, BTQ_VALUE_EXACT, &root,
                                              NULL, NULL),
                         0);
        ck_assert_int_eq(btq_value_path_u64(root, "data.free", &u), 0);
        ck_assert_uint_eq(u, 123456789012ull);
    }
    /* a big value spills out of the inline chunk into heap chunks */
    uint32_t len = 20000u << 2 | 2; /* compact 20000, little-endian on the test hosts */
    uint8_t *full = calloc(1, 4 + 60000);
    memcpy(full, &len, 4);
    ck_assert_int_eq(btq_value_doc_decode(doc, fixture_registry(), T_VEC_TUPLE, full, 4 + 60000,
                                          BTQ_VALUE_EXACT, &root, NULL, NULL),
                     0);
    ck_assert_uint_eq(btq_value_count(root), 20000);
    free(full);
    btq_value_doc_free(doc);
    btq_value_doc_free(NULL);
}
END_TEST

/* Allocator that fails every allocation after the first `budget` ones. */
static long g_budget;
static void *fail_malloc(size_t n, void *u)
{
    return g_budget-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *p, size_t n, void *u)
{
    return g_budget-- > 0 ? realloc(p, n) : NULL;
}
static void fail_free(void *p, void *u)
{
    free(p);
}

START_TEST(failed_allocations_return_enomem_without_leaks)
{
    static const btq_allocator a = {fail_malloc, fail_realloc, fail_free, NULL};
    /* 3000 tuples: the tree spills out of the doc's inline chunk into heap chunks */
    size_t n = 2 + 3 * 3000;
    uint8_t *in = calloc(1, n);
    in[0] = (uint8_t)((3000u << 2 | 1) & 0xff);
    in[1] = (uint8_t)((3000u << 2 | 1) >> 8);
    ck_assert_int_eq(btq_set_allocator(&a), 0);
    int ok = 0, nomem = 0;
    for (long budget = 0; budget < 12; budget++) {
        g_budget = budget;
        btq_value_doc *doc = NULL;
        const btq_value *root = NULL;
        btq_error err = {0};
        int rc = btq_value_decode(fixture_registry(), T_VEC_TUPLE, in, n, BTQ_VALUE_EXACT, &doc,
                                  &root, &err);
        if (rc == 0) {
            ck_assert_uint_eq(btq_value_count(root), 3000);
            ok++;
        } else {
            ck_assert_int_eq(rc, BTQ_ENOMEM);
            ck_assert_ptr_null(doc);
            nomem++;
        }
        btq_value_doc_free(doc);
    }
    btq_set_allocator(NULL);
    free(in);
    ck_assert_int_gt(nomem, 1); /* the doc itself and at least one chunk failed */
    ck_assert_int_gt(ok, 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/value_decode");
    TCase *tc = tcase_create("decode");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, account_info_reads_free_through_path);
    tcase_add_test(tc, tree_does_not_borrow_the_input);
    tcase_add_test(tc, every_primitive_reads_its_value);
    tcase_add_test(tc, newtype_reads_as_its_inner_integer);
    tcase_add_test(tc, option_and_enum_variants_report_name_and_index);
    tcase_add_test(tc, vec_of_tuples_indexes_by_path);
    tcase_add_test(tc, bit_sequences_read_in_order);
    tcase_add_test(tc, short_input_names_offset_and_path);
    tcase_add_test(tc, trailing_bytes_fail_only_in_exact_mode);
    tcase_add_test(tc, invalid_bytes_fail_with_exact_codes);
    tcase_add_test(tc, zero_sized_elements_are_capped);
    tcase_add_test(tc, depth_256_decodes_and_257_fails);
    tcase_add_test(tc, visitor_sees_every_node_without_a_tree);
    tcase_add_test(tc, visitor_error_stops_the_decode);
    tcase_add_test(tc, typed_access_rejects_other_kinds);
    tcase_add_test(tc, doc_is_reusable_across_decodes);
    tcase_add_test(tc, failed_allocations_return_enomem_without_leaks);
    suite_add_tcase(s, tc);
    return s;
}
