/* u128 / u256 decimal conversion: extremes, powers of ten, overflow by one, bad text. */
#include <stdio.h>
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"

#define U128_MAX_DEC "340282366920938463463374607431768211455"
#define U256_MAX_DEC                                                                               \
    "115792089237316195423570985008687907853269984665640564039457584007913129639935"

START_TEST(u128_extremes_to_decimal)
{
    char buf[40];
    btq_u128 v = {0, 0};
    ck_assert_int_eq(btq_u128_to_dec(v, buf, sizeof buf), 1);
    ck_assert_str_eq(buf, "0");
    v.lo = UINT64_MAX;
    ck_assert_int_eq(btq_u128_to_dec(v, buf, sizeof buf), 20);
    ck_assert_str_eq(buf, "18446744073709551615");
    v.lo = 0;
    v.hi = 1;
    ck_assert_int_eq(btq_u128_to_dec(v, buf, sizeof buf), 20);
    ck_assert_str_eq(buf, "18446744073709551616");
    v.lo = v.hi = UINT64_MAX;
    ck_assert_int_eq(btq_u128_to_dec(v, buf, sizeof buf), 39);
    ck_assert_str_eq(buf, U128_MAX_DEC);
    ck_assert_int_eq(btq_u128_to_dec(v, buf, 39), BTQ_ENOSPACE);
}
END_TEST

START_TEST(u128_powers_of_ten_keep_inner_zeros)
{
    /* 10^k for k < 39 has k zeros: exercises the zero padding of inner 9-digit chunks */
    btq_u128 v = {1, 0};
    char buf[40], want[41];
    for (int k = 0; k < 39; k++) {
        ck_assert_int_eq(btq_u128_to_dec(v, buf, sizeof buf), k + 1);
        want[0] = '1';
        memset(want + 1, '0', (size_t)k);
        want[k + 1] = 0;
        ck_assert_str_eq(buf, want);
        btq_u128 back;
        ck_assert_int_eq(btq_u128_from_dec(buf, strlen(buf), &back), 0);
        ck_assert(back.lo == v.lo && back.hi == v.hi);
        /* v *= 10 */
        uint64_t lo_lo = (v.lo & 0xffffffffu) * 10, lo_hi = (v.lo >> 32) * 10 + (lo_lo >> 32);
        v.hi = v.hi * 10 + (lo_hi >> 32);
        v.lo = (lo_hi << 32) | (lo_lo & 0xffffffffu);
    }
}
END_TEST

START_TEST(u128_from_decimal_bounds)
{
    btq_u128 v;
    ck_assert_int_eq(btq_u128_from_dec(U128_MAX_DEC, strlen(U128_MAX_DEC), &v), 0);
    ck_assert(v.lo == UINT64_MAX && v.hi == UINT64_MAX);
    const char *over = "340282366920938463463374607431768211456";
    ck_assert_int_eq(btq_u128_from_dec(over, strlen(over), &v), BTQ_EOVERFLOW);
    ck_assert_int_eq(btq_u128_from_dec("0000000000000000000000000000000000000000042", 43, &v), 0);
    ck_assert_uint_eq(v.lo, 42);
    ck_assert_int_eq(btq_u128_from_dec("", 0, &v), BTQ_ENUMBER);
    ck_assert_int_eq(btq_u128_from_dec("-1", 2, &v), BTQ_ENUMBER);
    ck_assert_int_eq(btq_u128_from_dec("12a", 3, &v), BTQ_ENUMBER);
    ck_assert_int_eq(btq_u128_from_dec(" 1", 2, &v), BTQ_ENUMBER);
    ck_assert_int_eq(btq_u128_from_dec("123", 2, &v), 0); /* length bound respected */
    ck_assert_uint_eq(v.lo, 12);
}
END_TEST

START_TEST(u256_extremes_both_ways)
{
    btq_u256 v = {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}};
    char buf[80];
    ck_assert_int_eq(btq_u256_to_dec(&v, buf, sizeof buf), 78);
    ck_assert_str_eq(buf, U256_MAX_DEC);
    ck_assert_int_eq(btq_u256_to_dec(&v, buf, 78), BTQ_ENOSPACE);
    btq_u256 back;
    ck_assert_int_eq(btq_u256_from_dec(U256_MAX_DEC, strlen(U256_MAX_DEC), &back), 0);
    ck_assert_int_eq(memcmp(&back, &v, sizeof v), 0);
    const char *over =
        "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    ck_assert_int_eq(btq_u256_from_dec(over, strlen(over), &back), BTQ_EOVERFLOW);
    btq_u256 p = {{0, 0, 1, 0}}; /* 2^128 */
    ck_assert_int_eq(btq_u256_to_dec(&p, buf, sizeof buf), 39);
    ck_assert_str_eq(buf, "340282366920938463463374607431768211456");
}
END_TEST

START_TEST(u128_round_trip_pseudo_random)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        btq_u128 v = {x, (i & 1) ? x * 31 : (x >> (i % 64))};
        char buf[40];
        int n = btq_u128_to_dec(v, buf, sizeof buf);
        ck_assert_int_gt(n, 0);
        ck_assert(buf[0] != '0' || n == 1);
        btq_u128 back;
        ck_assert_int_eq(btq_u128_from_dec(buf, (size_t)n, &back), 0);
        ck_assert(back.lo == v.lo && back.hi == v.hi);
    }
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/bigint");
    TCase *tc = tcase_create("bigint");
    tcase_add_test(tc, u128_extremes_to_decimal);
    tcase_add_test(tc, u128_powers_of_ten_keep_inner_zeros);
    tcase_add_test(tc, u128_from_decimal_bounds);
    tcase_add_test(tc, u256_extremes_both_ways);
    tcase_add_test(tc, u128_round_trip_pseudo_random);
    suite_add_tcase(s, tc);
    return s;
}
