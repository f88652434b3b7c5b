/* Hex encode/decode: prefixes, case, odd length, bad digits, capacities. */
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"

START_TEST(encode_lowercase_with_and_without_prefix)
{
    const uint8_t in[] = {0x00, 0xab, 0xff};
    char out[9];
    ck_assert_int_eq(btq_hex_encode(in, 3, 1, out, sizeof out), 0);
    ck_assert_str_eq(out, "0x00abff");
    ck_assert_int_eq(btq_hex_encode(in, 3, 0, out, 7), 0);
    ck_assert_str_eq(out, "00abff");
    ck_assert_int_eq(btq_hex_encode(in, 0, 1, out, 3), 0);
    ck_assert_str_eq(out, "0x");
}
END_TEST

START_TEST(encode_capacity_counts_prefix_and_nul)
{
    const uint8_t in[] = {1, 2};
    char out[8];
    ck_assert_int_eq(btq_hex_encode(in, 2, 1, out, 6), BTQ_ENOSPACE);
    ck_assert_int_eq(btq_hex_encode(in, 2, 0, out, 4), BTQ_ENOSPACE);
    ck_assert_int_eq(btq_hex_encode(in, 2, 0, out, 5), 0);
}
END_TEST

START_TEST(decode_accepts_prefix_and_either_case)
{
    uint8_t out[4];
    size_t n = 0;
    ck_assert_int_eq(btq_hex_decode("0XaBcD", 6, out, sizeof out, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(out[0], 0xab);
    ck_assert_uint_eq(out[1], 0xcd);
    ck_assert_int_eq(btq_hex_decode("0x", 2, out, 0, &n), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(btq_hex_decode("", 0, out, 0, &n), 0);
}
END_TEST

START_TEST(decode_rejects_bad_input)
{
    uint8_t out[4];
    size_t n = 77;
    ck_assert_int_eq(btq_hex_decode("abc", 3, out, sizeof out, &n), BTQ_EHEX);
    ck_assert_int_eq(btq_hex_decode("0xzz", 4, out, sizeof out, &n), BTQ_EHEX);
    ck_assert_int_eq(btq_hex_decode("0x0x", 4, out, sizeof out, &n), BTQ_EHEX);
    ck_assert_int_eq(btq_hex_decode(" 00", 3, out, sizeof out, &n), BTQ_EHEX);
    ck_assert_int_eq(btq_hex_decode("00 ", 3, out, sizeof out, &n), BTQ_EHEX);
    ck_assert_int_eq(btq_hex_decode(NULL, 0, out, sizeof out, &n), BTQ_EHEX);
    ck_assert_int_eq(btq_hex_decode("000000", 6, out, 2, &n), BTQ_ENOSPACE);
    ck_assert_uint_eq(n, 77); /* untouched on failure */
}
END_TEST

START_TEST(round_trip_all_byte_values)
{
    uint8_t in[256], back[256];
    char hex[515];
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)i;
    ck_assert_int_eq(btq_hex_encode(in, 256, 1, hex, sizeof hex), 0);
    size_t n;
    ck_assert_int_eq(btq_hex_decode(hex, strlen(hex), back, sizeof back, &n), 0);
    ck_assert_uint_eq(n, 256);
    ck_assert_int_eq(memcmp(in, back, 256), 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/hex");
    TCase *tc = tcase_create("hex");
    tcase_add_test(tc, encode_lowercase_with_and_without_prefix);
    tcase_add_test(tc, encode_capacity_counts_prefix_and_nul);
    tcase_add_test(tc, decode_accepts_prefix_and_either_case);
    tcase_add_test(tc, decode_rejects_bad_input);
    tcase_add_test(tc, round_trip_all_byte_values);
    suite_add_tcase(s, tc);
    return s;
}
