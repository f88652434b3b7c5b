/* JSON input: canonical JSON -> tree -> SCALE for a type id; the inverse of the printer over
 * every constant of real metadata; shape and number errors with exact codes and paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scale/value_fixture.h"
#include "btq/metadata.h"
#include "btq/value_json.h"
#include "btq_test.h"

static void enc_json(uint32_t t, const char *json, const char *want_hex)
{
    btq_writer w;
    btq_writer_init(&w);
    btq_error err = {0};
    int rc = btq_value_encode_json(fixture_registry(), t, json, strlen(json), &w, &err);
    ck_assert_msg(rc == 0, "%s: %s (%s) %s", json, btq_err_name(rc), err.path, err.message);
    char hex[512];
    ck_assert_int_eq(btq_hex_encode(w.buf, w.len, 0, hex, sizeof hex), 0);
    ck_assert_str_eq(hex, want_hex);
    btq_writer_free(&w);
}

static void enc_json_fail(uint32_t t, const char *json, int code, const char *path)
{
    btq_writer w;
    btq_writer_init(&w);
    btq_error err = {0};
    int rc = btq_value_encode_json(fixture_registry(), t, json, strlen(json), &w, &err);
    ck_assert_msg(rc == code, "%s: want %s got %s (%s)", json, btq_err_name(code), btq_err_name(rc),
                  err.message);
    ck_assert_str_eq(err.path, path);
    ck_assert_uint_eq(w.len, 0);
    btq_writer_free(&w);
}

START_TEST(canonical_json_encodes_for_each_kind)
{
    enc_json(T_U8, "255", "ff");
    enc_json(T_U64, "\"18446744073709551615\"", "ffffffffffffffff");
    enc_json(T_U64, "9007199254740991", "ffffffffffff1f00");
    enc_json(T_I8, "-128", "80");
    enc_json(T_I64, "\"-9223372036854775808\"", "0000000000000080");
    enc_json(T_U128, "\"340282366920938463463374607431768211455\"",
             "ffffffffffffffffffffffffffffffff");
    enc_json(T_I128, "\"-170141183460469231731687303715884105728\"",
             "00000000000000000000000000000080");
    enc_json(T_COMPACT_U128, "\"72057594037927936\"", "130000000000000001");
    enc_json(T_BOOL, "true", "01");
    enc_json(T_STR, "\"h\\u00e9\"", "0c68c3a9");
    enc_json(T_CHAR, "\"\xe2\x82\xac\"", "ac200000");
    enc_json(T_VEC_U8, "\"0x010aff\"", "0c010aff");
    enc_json(T_VEC_U8, "[1, 10, 255]", "0c010aff");
    enc_json(T_ARR_U8_4, "\"0xDEADBEEF\"", "deadbeef");
    enc_json(T_NETUID, "3", "0300");
    enc_json(T_PAIR, "[1, 2]", "010200");
    enc_json(T_OPTION_U64, "null", "00");
    enc_json(T_OPTION_U64, "42", "012a00000000000000");
    enc_json(T_ENUM, "\"A\"", "00");
    enc_json(T_ENUM, "{\"B\": {\"y\": true, \"x\": 9}}", "010900000001");
    enc_json(T_ENUM, "{\"C\": [7, 1]}", "05070100");
    enc_json(T_ENUM, "{\"D\": \"hi\"}", "07086869");
    enc_json(T_VEC_TUPLE, "[[1, true], [2, false]]", "08010001020000");
    enc_json(T_BITVEC_U8_LSB0, "\"10110\"", "140d");
    enc_json(T_BITVEC_U32_MSB0, "[true, false, true]", "0c000000a0");
    enc_json(T_UNIT, "[]", "");
    enc_json(T_ACCOUNT_ID, "\"0x0102030405060708091011121314151617181920212223242526272829303132\"",
             "0102030405060708091011121314151617181920212223242526272829303132");
    enc_json(T_ACCOUNT_INFO,
             " {\"nonce\":7,\"consumers\":1,\"providers\":2,\"sufficients\":0,\"data\":{\"free\":"
             "123456789012,\"reserved\":5,\"frozen\":0,\"flags\":"
             "\"170141183460469231731687303715884105728\"}}\n",
             "07000000010000000200000000000000141a99be1c00000005000000000000000000000000000000"
             "00000000000000000000000000000080");
}
END_TEST

START_TEST(quantities_never_come_from_doubles)
{
    enc_json_fail(T_U64, "9007199254740993", BTQ_ENUMBER, "");
    enc_json_fail(T_U64, "1.5", BTQ_ENUMBER, "");
    enc_json_fail(T_U64, "\"12a\"", BTQ_ENUMBER, "");
    enc_json_fail(T_U64, "\"\"", BTQ_ENUMBER, "");
    enc_json_fail(T_U8, "256", BTQ_EOVERFLOW, "");
    enc_json_fail(T_U64, "\"18446744073709551616\"", BTQ_EOVERFLOW, "");
    enc_json_fail(T_U64, "-1", BTQ_EOVERFLOW, "");
    enc_json_fail(T_U64, "true", BTQ_EJSON, "");
}
END_TEST

START_TEST(wrong_shapes_name_code_and_path)
{
    enc_json_fail(T_ACCOUNT_INFO,
                  "{\"nonce\":7,\"consumers\":1,\"providers\":2,\"sufficients\":0,\"data\":{"
                  "\"reserved\":5,\"frozen\":0,\"flags\":0}}",
                  BTQ_ENOTFOUND, "data.free");
    enc_json_fail(T_ACCOUNT_INFO,
                  "{\"nonce\":7,\"consumers\":1,\"providers\":2,\"sufficients\":0,\"data\":{"
                  "\"free\":1,\"reserved\":5,\"frozen\":0,\"flags\":0,\"extra\":1}}",
                  BTQ_EJSON, "data");
    enc_json_fail(T_ACCOUNT_INFO,
                  "{\"Nonce\":7,\"consumers\":1,\"providers\":2,\"sufficients\":0,\"data\":{}}",
                  BTQ_ENOTFOUND, "nonce"); /* keys are case-sensitive */
    enc_json_fail(T_ENUM, "\"Z\"", BTQ_ENOTFOUND, "");
    enc_json_fail(T_ENUM, "\"B\"", BTQ_EJSON, "");
    enc_json_fail(T_ENUM, "{\"B\": {\"x\": 1, \"y\": 2}}", BTQ_EJSON, "B.y");
    enc_json_fail(T_VEC_TUPLE, "[[1, true], [2]]", BTQ_EJSON, "1");
    enc_json_fail(T_VEC_U8, "\"0x0g\"", BTQ_EHEX, "");
    enc_json_fail(T_ARR_U8_4, "\"0x0102\"", BTQ_EJSON, "");
    enc_json_fail(T_BITVEC_U8_LSB0, "\"012\"", BTQ_EJSON, "");
    enc_json_fail(T_CHAR, "\"ab\"", BTQ_EJSON, "");
    enc_json_fail(T_U8, "{", BTQ_EJSON, "");
    enc_json_fail(T_U8, "1 2", BTQ_EJSON, "");
    enc_json_fail(T_COUNT, "1", BTQ_ETYPEID, "");
}
END_TEST

START_TEST(json_nesting_64_ok_and_65_rejected)
{
    char deep[256];
    /* Vec<()> cannot nest; depth is checked on the JSON text itself before any typing */
    memset(deep, 0, sizeof deep);
    for (int i = 0; i < 65; i++)
        deep[i] = '[';
    for (int i = 0; i < 65; i++)
        deep[65 + i] = ']';
    btq_writer w;
    btq_writer_init(&w);
    btq_error err = {0};
    ck_assert_int_eq(btq_value_encode_json(fixture_registry(), T_VEC_UNIT, deep, 130, &w, &err),
                     BTQ_EDEPTH);
    /* 64 levels pass the depth check and fail on shape instead */
    ck_assert_int_eq(btq_value_encode_json(fixture_registry(), T_VEC_UNIT, deep + 1, 128, &w, &err),
                     BTQ_EJSON);
    btq_writer_free(&w);
}
END_TEST

START_TEST(every_constant_survives_json_and_back)
{
    size_t n;
    uint8_t *b =
        btq_test_read_file(btq_test_shared_path("chain/metadata/finney_spec393_v15.scale"), &n);
    ck_assert_ptr_nonnull(b);
    btq_metadata *md = NULL;
    ck_assert_int_eq(btq_metadata_parse(b, n, &md, NULL), 0);
    free(b);
    const btq_registry *reg = btq_metadata_registry(md);
    size_t count = 0;
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pl = btq_metadata_pallet_at(md, p);
        for (uint32_t i = 0; i < pl->nconstants; i++) {
            const btq_constant *c = &pl->constants[i];
            btq_value_doc *doc = NULL;
            const btq_value *root;
            ck_assert_int_eq(btq_value_decode(reg, c->type, c->value, c->value_len, BTQ_VALUE_EXACT,
                                              &doc, &root, NULL),
                             0);
            btq_writer js, out;
            btq_writer_init(&js);
            btq_writer_init(&out);
            ck_assert_int_eq(btq_value_to_json(root, NULL, &js), 0);
            btq_error err = {0};
            int rc = btq_value_encode_json(reg, c->type, (const char *)js.buf, js.len, &out, &err);
            ck_assert_msg(rc == 0, "%s.%s: %s (%s) %s", pl->name, c->name, btq_err_name(rc),
                          err.path, err.message);
            ck_assert_msg(out.len == c->value_len &&
                              (out.len == 0 || memcmp(out.buf, c->value, out.len) == 0),
                          "%s.%s: bytes differ", pl->name, c->name);
            btq_writer_free(&js);
            btq_writer_free(&out);
            btq_value_doc_free(doc);
            count++;
        }
    }
    ck_assert_uint_gt(count, 50);
    btq_metadata_unref(md);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("client/value_from_json");
    TCase *tc = tcase_create("from_json");
    tcase_add_test(tc, canonical_json_encodes_for_each_kind);
    tcase_add_test(tc, quantities_never_come_from_doubles);
    tcase_add_test(tc, wrong_shapes_name_code_and_path);
    tcase_add_test(tc, json_nesting_64_ok_and_65_rejected);
    tcase_add_test(tc, every_constant_survives_json_and_back);
    suite_add_tcase(s, tc);
    return s;
}
