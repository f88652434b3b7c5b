/* Encoder: decode -> encode returns the original bytes; builder trees encode; shape errors
 * name their code and path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/value.h"
#include "btq_test.h"
#include "value_fixture.h"

static void round_trip(uint32_t t, const char *hex)
{
    size_t n;
    uint8_t *b = btq_test_unhex(hex, &n);
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    btq_error err = {0};
    ck_assert_msg(
        btq_value_decode(fixture_registry(), t, b, n, BTQ_VALUE_EXACT, &doc, &root, &err) == 0,
        "decode %s: %s", hex, err.message);
    btq_writer w;
    btq_writer_init(&w);
    ck_assert_msg(btq_value_encode(fixture_registry(), t, root, &w, &err) == 0, "encode %s: %s",
                  hex, err.message);
    ck_assert_uint_eq(w.len, n);
    ck_assert_msg(n == 0 || memcmp(w.buf, b, n) == 0, "bytes differ for %s", hex);
    btq_writer_free(&w);
    btq_value_doc_free(doc);
    free(b);
}

START_TEST(decode_then_encode_returns_the_same_bytes)
{
    static const struct {
        uint32_t t;
        const char *hex;
    } cases[] = {
        {T_U8, "ff"},
        {T_U16, "3412"},
        {T_U32, "78563412"},
        {T_U64, "ffffffffffffffff"},
        {T_U128, "0102030405060708090a0b0c0d0e0f10"},
        {T_BOOL, "01"},
        {T_STR, "0ce282ac"},
        {T_CHAR, "ac200000"},
        {T_I8, "80"},
        {T_I16, "feff"},
        {T_I32, "ffffff7f"},
        {T_I64, "0000000000000080"},
        {T_I128, "feffffffffffffffffffffffffffffff"},
        {T_U256, "0100000000000000000000000000000000000000000000000000000000000002"},
        {T_I256, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
        {T_COMPACT_U32, "00"},
        {T_COMPACT_U32, "fd03"},
        {T_COMPACT_U32, "feffffff"},
        {T_COMPACT_U32, "03ffffffff"},
        {T_COMPACT_U128, "130000000000000001"},
        {T_COMPACT_U128, "33ffffffffffffffffffffffffffffffff"},
        {T_COMPACT_U8, "fd03"},
        {T_VEC_U8, "0c010aff"},
        {T_ARR_U8_4, "deadbeef"},
        {T_NETUID, "0300"},
        {T_OPTION_U64, "00"},
        {T_OPTION_U64, "012a00000000000000"},
        {T_ENUM, "00"},
        {T_ENUM, "010900000001"},
        {T_ENUM, "05070100"},
        {T_ENUM, "07086869"},
        {T_TUPLE_U16_BOOL, "010001"},
        {T_VEC_TUPLE, "08010001020000"},
        {T_BITVEC_U8_LSB0, "140d"},
        {T_BITVEC_U8_LSB0, "00"},
        {T_BITVEC_U32_MSB0, "0c000000a0"},
        {T_VEC_NETUID, "080100ffff"},
        {T_UNIT, ""},
        {T_VEC_UNIT, "0c"},
        {T_VEC_STR, "080461086263"},
        {T_PAIR, "010200"},
        {T_COMPACT_NETUID, "0c"},
        {T_ACCOUNT_ID, "0102030405060708091011121314151617181920212223242526272829303132"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        round_trip(cases[i].t, cases[i].hex);
    char hex[113];
    for (int i = 0; i < 56; i++)
        snprintf(hex + 2 * i, 3, "%02x", fixture_account_info()[i]);
    round_trip(T_ACCOUNT_INFO, hex);
}
END_TEST

/* Encode a builder tree and compare with hex. */
static void enc_eq(uint32_t t, const btq_value *v, const char *want)
{
    btq_writer w;
    btq_writer_init(&w);
    btq_error err = {0};
    ck_assert_msg(btq_value_encode(fixture_registry(), t, v, &w, &err) == 0, "encode: %s (%s)",
                  err.message, err.path);
    char got[256];
    ck_assert_int_eq(btq_hex_encode(w.buf, w.len, 0, got, sizeof got), 0);
    ck_assert_str_eq(got, want);
    btq_writer_free(&w);
}

START_TEST(builder_trees_encode_by_type)
{
    btq_value_doc *doc = btq_value_doc_new();
    /* AccountData by field name, declared out of order */
    btq_value *data = btq_value_new_container(doc, BTQ_VALUE_COMPOSITE, 4);
    ck_assert_int_eq(btq_value_set(doc, data, 0, "flags", btq_value_new_u64(doc, 1)), 0);
    ck_assert_int_eq(btq_value_set(doc, data, 1, "free", btq_value_new_u64(doc, 2)), 0);
    ck_assert_int_eq(btq_value_set(doc, data, 2, "reserved", btq_value_new_u64(doc, 3)), 0);
    ck_assert_int_eq(btq_value_set(doc, data, 3, "frozen", btq_value_new_u64(doc, 4)), 0);
    enc_eq(T_ACCOUNT_DATA, data,
           "0200000000000000030000000000000004000000000000000100000000000000"
           "0000000000000000");
    /* a newtype given as its inner value */
    enc_eq(T_NETUID, btq_value_new_u64(doc, 7), "0700");
    /* variant by name */
    btq_value *b = btq_value_new_variant(doc, "B", 2);
    btq_value_set(doc, b, 0, "x", btq_value_new_u64(doc, 9));
    btq_value_set(doc, b, 1, "y", btq_value_new_bool(doc, true));
    enc_eq(T_ENUM, b, "010900000001");
    enc_eq(T_OPTION_U64, btq_value_new_variant(doc, "None", 0), "00");
    /* bytes for Vec<u8> and [u8; 4]; a tuple from a sequence node */
    enc_eq(T_VEC_U8, btq_value_new_bytes(doc, (const uint8_t *)"ab", 2), "086162");
    enc_eq(T_ARR_U8_4, btq_value_new_bytes(doc, (const uint8_t *)"abcd", 4), "61626364");
    btq_value *tup = btq_value_new_container(doc, BTQ_VALUE_SEQUENCE, 2);
    btq_value_set(doc, tup, 0, NULL, btq_value_new_u64(doc, 1));
    btq_value_set(doc, tup, 1, NULL, btq_value_new_bool(doc, false));
    enc_eq(T_TUPLE_U16_BOOL, tup, "010000");
    /* signed, big and compact integers */
    enc_eq(T_I16, btq_value_new_i64(doc, -2), "feff");
    const uint8_t le[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    enc_eq(T_U128, btq_value_new_big(doc, le, sizeof le, false),
           "01020304050607080900000000000000");
    enc_eq(T_COMPACT_U128, btq_value_new_big(doc, le, sizeof le, false),
           "170102030405060708"
           "09");
    enc_eq(T_I128, btq_value_new_i64(doc, -1), "ffffffffffffffffffffffffffffffff");
    enc_eq(T_COMPACT_U32, btq_value_new_u64(doc, 64), "0101");
    /* bits repacked from the builder's layout into u32 Msb0 */
    const bool bits[] = {true, false, true};
    enc_eq(T_BITVEC_U32_MSB0, btq_value_new_bits(doc, bits, 3), "0c000000a0");
    enc_eq(T_BITVEC_U8_LSB0, btq_value_new_bits(doc, bits, 3), "0c05");
    enc_eq(T_STR, btq_value_new_str(doc, "hi", 2), "086869");
    enc_eq(T_CHAR, btq_value_new_char(doc, 0x20ac), "ac200000");
    btq_value_doc_free(doc);
}
END_TEST

static void enc_fail(uint32_t t, const btq_value *v, int code, const char *path)
{
    btq_writer w;
    btq_writer_init(&w);
    btq_write_u8(&w, 0xaa);
    btq_error err = {0};
    ck_assert_int_eq(btq_value_encode(fixture_registry(), t, v, &w, &err), code);
    ck_assert_int_eq(err.code, code);
    ck_assert_str_eq(err.path, path);
    ck_assert_uint_eq(w.len, 1); /* nothing half-written */
    btq_writer_free(&w);
}

START_TEST(shape_errors_name_code_and_path)
{
    btq_value_doc *doc = btq_value_doc_new();
    enc_fail(T_U8, btq_value_new_u64(doc, 256), BTQ_EOVERFLOW, "");
    enc_fail(T_I8, btq_value_new_i64(doc, -129), BTQ_EOVERFLOW, "");
    enc_fail(T_I8, btq_value_new_u64(doc, 128), BTQ_EOVERFLOW, "");
    enc_fail(T_U64, btq_value_new_i64(doc, -1), BTQ_EOVERFLOW, "");
    enc_fail(T_COMPACT_U8, btq_value_new_u64(doc, 256), BTQ_EOVERFLOW, "");
    enc_fail(T_U8, btq_value_new_bool(doc, true), BTQ_ETYPE, "");
    enc_fail(T_ENUM, btq_value_new_variant(doc, "Z", 0), BTQ_ENOTFOUND, "");
    enc_fail(T_ARR_U8_4, btq_value_new_bytes(doc, (const uint8_t *)"abc", 3), BTQ_ETYPE, "");
    btq_value *data = btq_value_new_container(doc, BTQ_VALUE_COMPOSITE, 4);
    btq_value_set(doc, data, 0, "free", btq_value_new_u64(doc, 1));
    btq_value_set(doc, data, 1, "reserved", btq_value_new_u64(doc, 1));
    btq_value_set(doc, data, 2, "frozen", btq_value_new_str(doc, "x", 1));
    btq_value_set(doc, data, 3, "flags", btq_value_new_u64(doc, 1));
    enc_fail(T_ACCOUNT_DATA, data, BTQ_ETYPE, "frozen");
    btq_value_set(doc, data, 2, "frost", btq_value_new_u64(doc, 1));
    enc_fail(T_ACCOUNT_DATA, data, BTQ_ENOTFOUND, "frozen");
    btq_value *b = btq_value_new_variant(doc, "B", 2);
    btq_value_set(doc, b, 0, "x", btq_value_new_u64(doc, 9));
    btq_value_set(doc, b, 1, "y", btq_value_new_u64(doc, 1));
    enc_fail(T_ENUM, b, BTQ_ETYPE, "B.y");
    btq_value *seq = btq_value_new_container(doc, BTQ_VALUE_SEQUENCE, 2);
    btq_value_set(doc, seq, 0, NULL, btq_value_new_u64(doc, 1));
    btq_value_set(doc, seq, 1, NULL, btq_value_new_u64(doc, 70000));
    enc_fail(T_VEC_NETUID, seq, BTQ_EOVERFLOW, "1.0");
    enc_fail(T_COUNT, seq, BTQ_ETYPEID, "");
    btq_value_doc_free(doc);
}
END_TEST

START_TEST(fixed_writer_reports_enospace)
{
    btq_value_doc *doc = btq_value_doc_new();
    uint8_t buf[3];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    btq_error err = {0};
    ck_assert_int_eq(
        btq_value_encode(fixture_registry(), T_U32, btq_value_new_u64(doc, 1), &w, &err),
        BTQ_ENOSPACE);
    ck_assert_int_eq(err.code, BTQ_ENOSPACE);
    btq_value_doc_free(doc);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/value_encode");
    TCase *tc = tcase_create("encode");
    tcase_add_test(tc, decode_then_encode_returns_the_same_bytes);
    tcase_add_test(tc, builder_trees_encode_by_type);
    tcase_add_test(tc, shape_errors_name_code_and_path);
    tcase_add_test(tc, fixed_writer_reports_enospace);
    suite_add_tcase(s, tc);
    return s;
}
