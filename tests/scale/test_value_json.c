/* Canonical JSON (DESIGN.md §4) of decoded values: golden strings, compact and pretty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/value.h"
#include "btq_test.h"
#include "value_fixture.h"

/* JSON of hex decoded as type t. */
static void golden(uint32_t t, const char *hex, const btq_json_opts *o, const char *want)
{
    size_t n;
    uint8_t *b = btq_test_unhex(hex, &n);
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    btq_error err = {0};
    int rc = btq_value_decode(fixture_registry(), t, b, n, BTQ_VALUE_EXACT, &doc, &root, &err);
    free(b);
    ck_assert_msg(rc == 0, "decode %s: %s", hex, err.message);
    char out[4096];
    size_t len = 0;
    ck_assert_int_eq(btq_value_to_json_buf(root, o, out, sizeof out, &len), 0);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(len, strlen(want));
    btq_value_doc_free(doc);
}

#define G(t, hex, want) golden(t, hex, NULL, want)

START_TEST(integers_are_numbers_below_2_pow_53_else_strings)
{
    G(T_U8, "ff", "255");
    G(T_U64, "ffffffffffff1f00", "9007199254740991"); /* 2^53 - 1 */
    G(T_U64, "0000000000002000", "\"9007199254740992\"");
    G(T_U64, "ffffffffffffffff", "\"18446744073709551615\"");
    G(T_I8, "80", "-128");
    G(T_I64, "0000000000000080", "\"-9223372036854775808\"");
    G(T_I64, "010000000000e0ff", "-9007199254740991");
    G(T_U128, "ffffffffffffffffffffffffffffffff", "\"340282366920938463463374607431768211455\"");
    G(T_U128, "2a000000000000000000000000000000", "42");
    G(T_I128, "feffffffffffffffffffffffffffffff", "-2");
    G(T_I128, "00000000000000000000000000000080", "\"-170141183460469231731687303715884105728\"");
    G(T_U256, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"");
    G(T_U256, "0000000000000000000000000000000000000000000000000000000000000000", "0");
    G(T_COMPACT_U32, "feffffff", "1073741823");
    G(T_COMPACT_U128, "130000000000000001", "\"72057594037927936\"");
    G(T_COMPACT_U128, "33ffffffffffffffffffffffffffffffff",
      "\"340282366920938463463374607431768211455\"");
}
END_TEST

START_TEST(text_bool_and_char_render_as_json_scalars)
{
    G(T_BOOL, "00", "false");
    G(T_BOOL, "01", "true");
    G(T_STR, "1c612262095c0a01", "\"a\\\"b\\t\\\\\\n\\u0001\"");
    G(T_STR, "0ce282ac", "\"\xe2\x82\xac\"");
    G(T_CHAR, "ac200000", "\"\xe2\x82\xac\"");
    G(T_CHAR, "41000000", "\"A\"");
    G(T_VEC_STR, "080461086263", "[\"a\",\"bc\"]");
}
END_TEST

START_TEST(u8_sequences_and_arrays_render_as_hex)
{
    G(T_VEC_U8, "0c010aff", "\"0x010aff\"");
    G(T_VEC_U8, "00", "\"0x\"");
    G(T_ARR_U8_4, "deadbeef", "\"0xdeadbeef\"");
}
END_TEST

START_TEST(composites_follow_the_canonical_rules)
{
    char hex[113];
    for (int i = 0; i < 56; i++)
        snprintf(hex + 2 * i, 3, "%02x", fixture_account_info()[i]);
    G(T_ACCOUNT_INFO, hex,
      "{\"nonce\":7,\"consumers\":1,\"providers\":2,\"sufficients\":0,\"data\":{\"free\":"
      "123456789012,\"reserved\":5,\"frozen\":0,\"flags\":"
      "\"170141183460469231731687303715884105728\"}}");
    G(T_NETUID, "0300", "3");     /* one unnamed field: the inner value */
    G(T_PAIR, "010200", "[1,2]"); /* other unnamed composites: arrays */
    G(T_TUPLE_U16_BOOL, "010001", "[1,true]");
    G(T_VEC_TUPLE,
      "080100010200"
      "00",
      "[[1,true],[2,false]]");
    G(T_VEC_NETUID, "080100ffff", "[1,65535]");
    G(T_UNIT, "", "[]");
    G(T_VEC_TUPLE, "00", "[]");
}
END_TEST

START_TEST(variants_and_options_follow_the_canonical_rules)
{
    G(T_OPTION_U64, "00", "null");
    G(T_OPTION_U64, "012a00000000000000", "42");
    G(T_ENUM, "00", "\"A\"");
    G(T_ENUM, "010900000001", "{\"B\":{\"x\":9,\"y\":true}}");
    G(T_ENUM, "05070100", "{\"C\":[7,1]}");
    G(T_ENUM, "07086869", "{\"D\":\"hi\"}");
}
END_TEST

START_TEST(bit_sequences_render_as_01_strings)
{
    G(T_BITVEC_U8_LSB0, "140d", "\"10110\"");
    G(T_BITVEC_U8_LSB0, "00", "\"\"");
    G(T_BITVEC_U32_MSB0, "0c000000a0", "\"101\"");
}
END_TEST

static int fake_ss58(const uint8_t id[32], char *out, size_t cap, void *user)
{
    ++*(int *)user;
    return snprintf(out, cap, "acct-%02x%02x", id[0], id[31]);
}

START_TEST(account_id_uses_the_callback_or_hex)
{
    const char *hex = "0102030405060708091011121314151617181920212223242526272829303132";
    G(T_ACCOUNT_ID, hex, "\"0x0102030405060708091011121314151617181920212223242526272829303132\"");
    int calls = 0;
    btq_json_opts o = {false, fake_ss58, &calls};
    golden(T_ACCOUNT_ID, hex, &o, "\"acct-0132\"");
    ck_assert_int_eq(calls, 1);
}
END_TEST

START_TEST(pretty_mode_indents_two_spaces)
{
    btq_json_opts o = {true, NULL, NULL};
    golden(T_ENUM, "010900000001", &o, "{\n  \"B\": {\n    \"x\": 9,\n    \"y\": true\n  }\n}");
    golden(T_VEC_TUPLE,
           "080100010200"
           "00",
           &o, "[\n  [\n    1,\n    true\n  ],\n  [\n    2,\n    false\n  ]\n]");
    golden(T_VEC_U8, "00", &o, "\"0x\"");
    golden(T_VEC_TUPLE, "00", &o, "[]");
}
END_TEST

START_TEST(small_buffer_is_enospace_and_writer_appends)
{
    const uint8_t in[] = {1, 0, 1};
    btq_value_doc *doc = NULL;
    const btq_value *root;
    ck_assert_int_eq(
        btq_value_decode(fixture_registry(), T_TUPLE_U16_BOOL, in, 3, 0, &doc, &root, NULL), 0);
    char small[8]; /* "[1,true]" needs 8 + NUL */
    ck_assert_int_eq(btq_value_to_json_buf(root, NULL, small, sizeof small, NULL), BTQ_ENOSPACE);
    char ok[9];
    ck_assert_int_eq(btq_value_to_json_buf(root, NULL, ok, sizeof ok, NULL), 0);
    ck_assert_str_eq(ok, "[1,true]");
    btq_writer w;
    btq_writer_init(&w);
    btq_write_raw(&w, "x=", 2);
    ck_assert_int_eq(btq_value_to_json(root, NULL, &w), 0);
    ck_assert_uint_eq(w.len, 10);
    ck_assert_int_eq(memcmp(w.buf, "x=[1,true]", 10), 0);
    btq_writer_free(&w);
    btq_value_doc_free(doc);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/value_json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, integers_are_numbers_below_2_pow_53_else_strings);
    tcase_add_test(tc, text_bool_and_char_render_as_json_scalars);
    tcase_add_test(tc, u8_sequences_and_arrays_render_as_hex);
    tcase_add_test(tc, composites_follow_the_canonical_rules);
    tcase_add_test(tc, variants_and_options_follow_the_canonical_rules);
    tcase_add_test(tc, bit_sequences_render_as_01_strings);
    tcase_add_test(tc, account_id_uses_the_callback_or_hex);
    tcase_add_test(tc, pretty_mode_indents_two_spaces);
    tcase_add_test(tc, small_buffer_is_enospace_and_writer_appends);
    suite_add_tcase(s, tc);
    return s;
}
