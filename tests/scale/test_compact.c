/* Compact integers: every mode and width at its boundaries, canonical-form rejection in every
 * mode (big-integer mode included), overflow per target width, position left on failure. */
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"

static void init(btq_reader *r, const uint8_t *in, size_t n)
{
    btq_reader_init(r, in, n);
}

/* Decode hex as a compact u64, expecting rc; on success value and all bytes consumed. */
static void check_u64(const char *hex, int rc, uint64_t want)
{
    size_t n;
    uint8_t *in = btq_test_unhex(hex, &n);
    btq_reader r;
    init(&r, in, n);
    uint64_t v = 0xdead;
    int got = btq_read_compact_u64(&r, &v);
    ck_assert_msg(got == rc, "%s: rc %d (%s), want %d", hex, got, btq_err_name(got), rc);
    if (rc == 0) {
        ck_assert_msg(v == want, "%s: %llu want %llu", hex, (unsigned long long)v,
                      (unsigned long long)want);
        ck_assert_uint_eq(r.pos, n);
    } else {
        ck_assert_uint_eq(r.pos, 0);
        ck_assert_uint_eq(v, 0xdead);
    }
    free(in);
}

START_TEST(u64_mode_boundaries_decode)
{
    check_u64("00", 0, 0);
    check_u64("fc", 0, 63);
    check_u64("0101", 0, 64);
    check_u64("fdff", 0, 16383);
    check_u64("02000100", 0, 16384);
    check_u64("feffffff", 0, (1u << 30) - 1);
    check_u64("0300000040", 0, 1u << 30);
    check_u64("03ffffffff", 0, 0xffffffffu);
    check_u64("070000000001", 0, 1ull << 32);
    check_u64("13ffffffffffffffff", 0, UINT64_MAX);
}
END_TEST

START_TEST(noncanonical_in_every_mode_rejected)
{
    check_u64("0100", BTQ_ENONCANONICAL, 0);               /* 0 in 2-byte mode */
    check_u64("fd00", BTQ_ENONCANONICAL, 0);               /* 63 in 2-byte mode */
    check_u64("02000000", BTQ_ENONCANONICAL, 0);           /* 0 in 4-byte mode */
    check_u64("feff0000", BTQ_ENONCANONICAL, 0);           /* 16383 in 4-byte mode */
    check_u64("03ffffff3f", BTQ_ENONCANONICAL, 0);         /* 2^30-1 in big mode */
    check_u64("0300000000", BTQ_ENONCANONICAL, 0);         /* 0 in big mode */
    check_u64("07ffffffff00", BTQ_ENONCANONICAL, 0);       /* zero top byte, 5 bytes */
    check_u64("130100000000000000", BTQ_ENONCANONICAL, 0); /* 1 in 8 bytes */
}
END_TEST

START_TEST(short_input_in_every_mode)
{
    check_u64("", BTQ_ESHORT, 0);
    check_u64("01", BTQ_ESHORT, 0);
    check_u64("020000", BTQ_ESHORT, 0);
    check_u64("03000000", BTQ_ESHORT, 0);
    check_u64("13ffffffffffffff", BTQ_ESHORT, 0);
}
END_TEST

START_TEST(u64_overflow_beyond_eight_bytes)
{
    check_u64("17000000000000000001", BTQ_EOVERFLOW, 0); /* 2^64 */
}
END_TEST

START_TEST(u32_overflow_at_two_pow_32)
{
    size_t n;
    uint8_t *in = btq_test_unhex("070000000001", &n);
    btq_reader r;
    init(&r, in, n);
    uint32_t v;
    ck_assert_int_eq(btq_read_compact_u32(&r, &v), BTQ_EOVERFLOW);
    ck_assert_uint_eq(r.pos, 0);
    free(in);
    in = btq_test_unhex("03ffffffff", &n);
    init(&r, in, n);
    ck_assert_int_eq(btq_read_compact_u32(&r, &v), 0);
    ck_assert_uint_eq(v, UINT32_MAX);
    free(in);
}
END_TEST

START_TEST(u128_max_and_overflow)
{
    uint8_t in[18];
    in[0] = (uint8_t)(((16 - 4) << 2) | 3);
    memset(in + 1, 0xff, 16);
    btq_reader r;
    init(&r, in, 17);
    btq_u128 v;
    ck_assert_int_eq(btq_read_compact_u128(&r, &v), 0);
    ck_assert_uint_eq(v.lo, UINT64_MAX);
    ck_assert_uint_eq(v.hi, UINT64_MAX);
    /* 2^128 needs 17 bytes */
    in[0] = (uint8_t)(((17 - 4) << 2) | 3);
    memset(in + 1, 0, 16);
    in[17] = 1;
    init(&r, in, 18);
    ck_assert_int_eq(btq_read_compact_u128(&r, &v), BTQ_EOVERFLOW);
    ck_assert_uint_eq(r.pos, 0);
    btq_u256 w;
    ck_assert_int_eq(btq_read_compact_u256(&r, &w), 0);
    ck_assert_uint_eq(w.limb[0], 0);
    ck_assert_uint_eq(w.limb[2], 1);
    ck_assert_uint_eq(w.limb[3], 0);
}
END_TEST

START_TEST(big_mode_67_bytes_and_cap)
{
    uint8_t in[68];
    in[0] = 0xff; /* (63 << 2) | 3: 67 payload bytes */
    for (int i = 1; i < 68; i++)
        in[i] = (uint8_t)i;
    btq_reader r;
    init(&r, in, sizeof in);
    uint8_t out[BTQ_COMPACT_MAX_BYTES];
    size_t n = 0;
    ck_assert_int_eq(btq_read_compact_big(&r, out, 66, &n), BTQ_EOVERFLOW);
    ck_assert_uint_eq(r.pos, 0);
    ck_assert_int_eq(btq_read_compact_big(&r, out, sizeof out, &n), 0);
    ck_assert_uint_eq(n, 67);
    ck_assert_uint_eq(r.pos, 68);
    ck_assert_int_eq(memcmp(out, in + 1, 67), 0);
    btq_u256 w;
    init(&r, in, sizeof in);
    ck_assert_int_eq(btq_read_compact_u256(&r, &w), BTQ_EOVERFLOW);
    /* the same with a zero top byte is non-canonical, even in the widest mode */
    in[67] = 0;
    init(&r, in, sizeof in);
    ck_assert_int_eq(btq_read_compact_big(&r, out, sizeof out, &n), BTQ_ENONCANONICAL);
    ck_assert_uint_eq(r.pos, 0);
}
END_TEST

START_TEST(big_reader_reports_significant_bytes)
{
    const uint8_t in[] = {0x00, 0xfc, 0x01, 0x01, 0x02, 0x00, 0x01, 0x00};
    btq_reader r;
    init(&r, in, sizeof in);
    uint8_t out[8];
    size_t n = 99;
    ck_assert_int_eq(btq_read_compact_big(&r, out, sizeof out, &n), 0);
    ck_assert_uint_eq(n, 0); /* zero has no significant bytes */
    ck_assert_int_eq(btq_read_compact_big(&r, out, sizeof out, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(out[0], 63);
    ck_assert_int_eq(btq_read_compact_big(&r, out, 1, &n), 0); /* 64 */
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(btq_read_compact_big(&r, out, 2, &n), 0); /* 16384 = 0x4000 */
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(out[1], 0x40);
    ck_assert_uint_eq(r.pos, sizeof in);
}
END_TEST

START_TEST(encode_decode_round_trip_over_all_byte_lengths)
{
    /* values 2^k - 1, 2^k, 2^k + 1 for every k < 64: the encoder's output decodes back, and
     * btq_compact_len_u128 predicts its length */
    for (unsigned k = 0; k < 64; k++) {
        uint64_t base = 1ull << k;
        uint64_t vals[3] = {base - 1, base, base + 1};
        for (int j = 0; j < 3; j++) {
            uint8_t buf[32];
            btq_writer w;
            btq_writer_init_fixed(&w, buf, sizeof buf);
            ck_assert_int_eq(btq_write_compact_u64(&w, vals[j]), 0);
            btq_u128 as128 = {vals[j], 0};
            ck_assert_uint_eq(btq_compact_len_u128(as128), w.len);
            btq_reader r;
            init(&r, buf, w.len);
            uint64_t back;
            ck_assert_int_eq(btq_read_compact_u64(&r, &back), 0);
            ck_assert_uint_eq(back, vals[j]);
            ck_assert_uint_eq(r.pos, w.len);
        }
    }
}
END_TEST

START_TEST(compact_len_u128_boundaries)
{
    btq_u128 v = {0, 0};
    ck_assert_uint_eq(btq_compact_len_u128(v), 1);
    v.lo = 63;
    ck_assert_uint_eq(btq_compact_len_u128(v), 1);
    v.lo = 64;
    ck_assert_uint_eq(btq_compact_len_u128(v), 2);
    v.lo = 16383;
    ck_assert_uint_eq(btq_compact_len_u128(v), 2);
    v.lo = 16384;
    ck_assert_uint_eq(btq_compact_len_u128(v), 4);
    v.lo = (1u << 30) - 1;
    ck_assert_uint_eq(btq_compact_len_u128(v), 4);
    v.lo = 1u << 30;
    ck_assert_uint_eq(btq_compact_len_u128(v), 5);
    v.lo = UINT64_MAX;
    ck_assert_uint_eq(btq_compact_len_u128(v), 9);
    v.lo = 0;
    v.hi = 1;
    ck_assert_uint_eq(btq_compact_len_u128(v), 10);
    v.hi = UINT64_MAX;
    ck_assert_uint_eq(btq_compact_len_u128(v), 17);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/compact");
    TCase *tc = tcase_create("compact");
    tcase_add_test(tc, u64_mode_boundaries_decode);
    tcase_add_test(tc, noncanonical_in_every_mode_rejected);
    tcase_add_test(tc, short_input_in_every_mode);
    tcase_add_test(tc, u64_overflow_beyond_eight_bytes);
    tcase_add_test(tc, u32_overflow_at_two_pow_32);
    tcase_add_test(tc, u128_max_and_overflow);
    tcase_add_test(tc, big_mode_67_bytes_and_cap);
    tcase_add_test(tc, big_reader_reports_significant_bytes);
    tcase_add_test(tc, encode_decode_round_trip_over_all_byte_lengths);
    tcase_add_test(tc, compact_len_u128_boundaries);
    suite_add_tcase(s, tc);
    return s;
}
