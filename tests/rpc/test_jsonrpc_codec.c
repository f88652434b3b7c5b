/* The sans-I/O JSON-RPC codec: validation (UTF-8, grammar, nesting 64), member lookup,
 * classification of responses / notifications / batches, error objects, request building. */
#include <stdlib.h>
#include <string.h>

#include "btq/error.h"
#include "btq/scale.h"
#include "btq_test.h"
#include "rpc/jsonrpc.h"

static int val(const char *s)
{
    return btq_jr_json_validate(s, strlen(s), BTQ_JR_MAX_DEPTH);
}

START_TEST(validator_accepts_rfc8259_values)
{
    const char *ok[] = {"0",
                        "-0",
                        "1.5e+10",
                        "\"\"",
                        "\"a\\u00e9\\n\\\"\"",
                        "\"\\ud83d\\ude00\"",
                        "true",
                        "false",
                        "null",
                        "[]",
                        "{}",
                        " [1 , {\"a\" : [null]} ] ",
                        "\"\xc3\xa9\xe2\x82\xac\"",
                        "{\"a\":1,\"a\":2}",
                        "-12.0E-3"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg(val(ok[i]) == 0, "%s", ok[i]);
}
END_TEST

START_TEST(validator_rejects_malformed_json)
{
    const char *bad[] = {"",
                         " ",
                         "01",
                         "1.",
                         ".5",
                         "+1",
                         "-",
                         "1e",
                         "tru",
                         "nul",
                         "[1,]",
                         "{,}",
                         "{\"a\"}",
                         "{\"a\":}",
                         "{a:1}",
                         "[1 2]",
                         "\"abc",
                         "\"\\x\"",
                         "\"\\u12G4\"",
                         "\"tab\there\"",
                         "\"\\udca2\"",
                         "\"\\ud83dx\"",
                         "\"\\ud83d\\u0041\"",
                         "[1]x",
                         "{} {}",
                         "'a'",
                         "[",
                         "]",
                         "NaN",
                         "[1,,2]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(val(bad[i]) == BTQ_EJSON, "%s -> %d", bad[i], val(bad[i]));
}
END_TEST

START_TEST(validator_rejects_invalid_utf8)
{
    const char *bad[] = {"\"\xff\"",     "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
                         "\"\xe2\x82\"", "\"\x80\"",     "\"\xc3\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(val(bad[i]), BTQ_EUTF8);
    ck_assert_int_eq(btq_jr_utf8_valid((const unsigned char *)"\xf0\x9f\x98\x80 ok", 7), 1);
}
END_TEST

static char *nest(int depth, char open, char close)
{
    char *s = malloc((size_t)depth * 2 + 1);
    for (int i = 0; i < depth; i++)
        s[i] = open, s[depth * 2 - 1 - i] = close;
    s[depth * 2] = 0;
    return s;
}

START_TEST(nesting_limit_64_accepted_65_rejected)
{
    char *a = nest(64, '[', ']'), *b = nest(65, '[', ']'), *c = nest(63, '[', ']');
    ck_assert_int_eq(val(c), 0);
    ck_assert_int_eq(val(a), 0);
    ck_assert_int_eq(val(b), BTQ_EDEPTH);
    free(a);
    free(b);
    free(c);
    /* objects count too */
    char deep[1024] = "";
    for (int i = 0; i < 65; i++)
        strcat(deep, "{\"a\":");
    strcat(deep, "1");
    for (int i = 0; i < 65; i++)
        strcat(deep, "}");
    ck_assert_int_eq(val(deep), BTQ_EDEPTH);
    char *huge = nest(100000, '[', ']');
    ck_assert_int_eq(val(huge), BTQ_EDEPTH); /* no stack exhaustion */
    free(huge);
}
END_TEST

static btq_jr_msg classify(const char *s)
{
    btq_jr_msg m;
    ck_assert_int_eq(val(s), 0);
    btq_jr_span sp = {s, strlen(s)};
    btq_jr_classify(sp, &m);
    return m;
}

START_TEST(response_result_is_raw_text_and_id_matched)
{
    btq_jr_msg m =
        classify("{\"jsonrpc\":\"2.0\",\"result\": {\"free\": 12345678901234567890 },\"id\":42}");
    ck_assert_int_eq(m.kind, BTQ_JR_RESPONSE);
    ck_assert_int_eq(m.id_ok, 1);
    ck_assert_uint_eq(m.id, 42);
    ck_assert_int_eq(m.is_error, 0);
    ck_assert_uint_eq(m.result.n, strlen("{\"free\": 12345678901234567890 }"));
    ck_assert_int_eq(memcmp(m.result.p, "{\"free\": 12345678901234567890 }", m.result.n), 0);
}
END_TEST

START_TEST(result_null_is_a_result_not_missing)
{
    btq_jr_msg m = classify("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}");
    ck_assert_int_eq(m.kind, BTQ_JR_RESPONSE);
    ck_assert_uint_eq(m.result.n, 4);
}
END_TEST

START_TEST(ids_we_never_send_are_not_matched)
{
    const char *odd[] = {"{\"id\":\"7\",\"result\":1}",
                         "{\"id\":null,\"result\":1}",
                         "{\"id\":-1,\"result\":1}",
                         "{\"id\":1.5,\"result\":1}",
                         "{\"id\":1e3,\"result\":1}",
                         "{\"id\":007,\"result\":1}",
                         "{\"id\":99999999999999999999999,\"result\":1}"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        if (val(odd[i]) != 0) continue; /* 007 is not even JSON */
        btq_jr_msg m = classify(odd[i]);
        ck_assert_int_eq(m.kind, BTQ_JR_RESPONSE);
        ck_assert_msg(m.id_ok == 0, "%s", odd[i]);
    }
    btq_jr_msg m = classify("{\"id\":18446744073709551615,\"result\":1}");
    ck_assert_int_eq(m.id_ok, 1);
    ck_assert(m.id == UINT64_MAX);
}
END_TEST

START_TEST(keys_are_case_sensitive_and_first_wins)
{
    btq_jr_msg m = classify("{\"ID\":1,\"Result\":2}");
    ck_assert_int_eq(m.kind, BTQ_JR_INVALID);
    m = classify("{\"id\":3,\"result\":\"first\",\"result\":\"second\"}");
    ck_assert_int_eq(memcmp(m.result.p, "\"first\"", 7), 0);
}
END_TEST

START_TEST(error_object_gives_code_and_unescaped_message)
{
    btq_jr_msg m = classify("{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32602,\"message\":"
                            "\"Invalid \\\"params\\\" \\u00e9\\ud83d\\ude00\",\"data\":[1]}}");
    ck_assert_int_eq(m.kind, BTQ_JR_RESPONSE);
    ck_assert_int_eq(m.is_error, 1);
    int64_t code;
    char msg[64];
    btq_jr_error_detail(m.error, &code, msg, sizeof msg);
    ck_assert_int_eq(code, -32602);
    ck_assert_str_eq(msg, "Invalid \"params\" \xc3\xa9\xf0\x9f\x98\x80");
    /* truncation never splits a UTF-8 sequence */
    char small[12];
    btq_jr_error_detail(m.error, &code, small, sizeof small);
    ck_assert_int_eq(btq_jr_utf8_valid((const unsigned char *)small, strlen(small)), 1);
    /* missing or non-integral code */
    m = classify("{\"id\":5,\"error\":{\"code\":1.5}}");
    btq_jr_error_detail(m.error, &code, msg, sizeof msg);
    ck_assert_int_eq(code, 0);
    ck_assert_str_eq(msg, "");
}
END_TEST

START_TEST(notification_gives_subscription_and_result)
{
    btq_jr_msg m = classify("{\"jsonrpc\":\"2.0\",\"method\":\"chain_newHead\",\"params\":"
                            "{\"subscription\":\"abc\",\"result\":{\"number\":\"0x10\"}}}");
    ck_assert_int_eq(m.kind, BTQ_JR_NOTIFICATION);
    ck_assert_uint_eq(m.sub.n, 5);
    ck_assert_int_eq(memcmp(m.sub.p, "\"abc\"", 5), 0);
    ck_assert_int_eq(memcmp(m.result.p, "{\"number\":\"0x10\"}", m.result.n), 0);
    m = classify("{\"method\":\"x\",\"params\":[1]}");
    ck_assert_int_eq(m.kind, BTQ_JR_INVALID);
    m = classify("[1,2]");
    ck_assert_int_eq(m.kind, BTQ_JR_INVALID);
}
END_TEST

START_TEST(batch_array_iterates_every_element)
{
    const char *s = "[ {\"id\":1,\"result\":\"a\"} , {\"id\":2,\"error\":{\"code\":1}},3 ]";
    ck_assert_int_eq(val(s), 0);
    btq_jr_span all = {s, strlen(s)}, el;
    const char *it = NULL;
    int n = 0, kinds[3];
    while (btq_jr_json_array_next(all, &it, &el)) {
        btq_jr_msg m;
        kinds[n++] = btq_jr_classify(el, &m);
    }
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(kinds[0], BTQ_JR_RESPONSE);
    ck_assert_int_eq(kinds[1], BTQ_JR_RESPONSE);
    ck_assert_int_eq(kinds[2], BTQ_JR_INVALID);
    btq_jr_span empty = {"[ ]", 3};
    it = NULL;
    ck_assert_int_eq(btq_jr_json_array_next(empty, &it, &el), 0);
}
END_TEST

START_TEST(request_text_has_id_method_and_params_verbatim)
{
    unsigned char *buf;
    size_t len, off;
    ck_assert_int_eq(
        btq_jr_build_request(77, "state_getStorage", "[\"0x26aa\", null]", 16, 0, &buf, &len, &off),
        0);
    ck_assert_str_eq((char *)buf, "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"state_getStorage\","
                                  "\"params\":[\"0x26aa\", null]}");
    ck_assert_uint_eq(len, strlen((char *)buf));
    ck_assert_int_eq(memcmp(buf + off, "[\"0x26aa\", null]", 16), 0);
    btq_free(buf);
    ck_assert_int_eq(btq_jr_build_request(1, "system_chain", NULL, 0, 0, &buf, &len, &off), 0);
    ck_assert_str_eq((char *)buf,
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"system_chain\",\"params\":[]}");
    btq_free(buf);
}
END_TEST

START_TEST(method_names_and_params_are_checked)
{
    ck_assert_int_eq(btq_jr_method_ok("chain_getHead"), 1);
    ck_assert_int_eq(btq_jr_method_ok(""), 0);
    ck_assert_int_eq(btq_jr_method_ok("a\"b"), 0);
    ck_assert_int_eq(btq_jr_method_ok("a b"), 0);
    ck_assert_int_eq(btq_jr_method_ok(NULL), 0);
    ck_assert_int_eq(btq_jr_method_is_submission("author_submitExtrinsic"), 1);
    ck_assert_int_eq(btq_jr_method_is_submission("author_submitAndWatchExtrinsic"), 1);
    ck_assert_int_eq(btq_jr_method_is_submission("author_pendingExtrinsics"), 0);
    ck_assert_int_eq(btq_jr_params_ok("[1]", 3), 0);
    ck_assert_int_eq(btq_jr_params_ok("{\"a\":1}", 7), 0);
    ck_assert_int_eq(btq_jr_params_ok("1", 1), BTQ_EJSON);
    ck_assert_int_eq(btq_jr_params_ok("[1", 2), BTQ_EJSON);
    ck_assert_int_eq(btq_jr_params_ok("\"x\"", 3), BTQ_EJSON);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("jsonrpc_codec");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, validator_accepts_rfc8259_values);
    tcase_add_test(tc, validator_rejects_malformed_json);
    tcase_add_test(tc, validator_rejects_invalid_utf8);
    tcase_add_test(tc, nesting_limit_64_accepted_65_rejected);
    tcase_add_test(tc, response_result_is_raw_text_and_id_matched);
    tcase_add_test(tc, result_null_is_a_result_not_missing);
    tcase_add_test(tc, ids_we_never_send_are_not_matched);
    tcase_add_test(tc, keys_are_case_sensitive_and_first_wins);
    tcase_add_test(tc, error_object_gives_code_and_unescaped_message);
    tcase_add_test(tc, notification_gives_subscription_and_result);
    tcase_add_test(tc, batch_array_iterates_every_element);
    tcase_add_test(tc, request_text_has_id_method_and_params_verbatim);
    tcase_add_test(tc, method_names_and_params_are_checked);
    suite_add_tcase(s, tc);
    return s;
}
