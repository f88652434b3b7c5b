/* Base58 (src/chain/base58.c): polkadot-js vectors both ways, the table-driven paths against
 * the classic ones, bad characters with their positions, the input limit and capacities. */
#include <string.h>

#include "btq/chain.h"
#include "chain/chain_internal.h"
#include "chain_vectors.h"

START_TEST(vectors_encode_and_decode_like_polkadot_js)
{
    cJSON *root = chain_vectors_load("vectors/chain/base58.json");
    const cJSON *c;
    cJSON_ArrayForEach(c, chain_vectors_cases(root, 300))
    {
        size_t n;
        uint8_t *bytes = btq_test_unhex(chain_vectors_str(c, "bytes"), &n);
        const char *text = chain_vectors_str(c, "text");
        char enc[256];
        size_t enc_len = 0;
        ck_assert_int_eq(btq_base58_encode(bytes, n, enc, sizeof enc, &enc_len), 0);
        ck_assert_str_eq(enc, text);
        ck_assert_uint_eq(enc_len, strlen(text));
        uint8_t dec[256];
        size_t dec_len = 0;
        ck_assert_int_eq(btq_base58_decode(text, strlen(text), dec, sizeof dec, &dec_len, NULL), 0);
        ck_assert_uint_eq(dec_len, n);
        if (n) ck_assert_mem_eq(dec, bytes, n);
        free(bytes);
    }
    cJSON_Delete(root);
}
END_TEST

/* xorshift64*: deterministic inputs for the cross-checks. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint8_t rnd8(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint8_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 56);
}

START_TEST(fast_encoder_agrees_with_the_classic_loop)
{
    uint8_t in[BTQ__BASE58_FAST_MAX_BYTES];
    char a[128], b[128];
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)iter % (BTQ__BASE58_FAST_MAX_BYTES + 1);
        for (size_t i = 0; i < n; i++)
            in[i] = rnd8();
        /* Edge shapes: leading zeros, all 0xff. */
        if (iter % 7 == 1 && n) memset(in, 0, (size_t)rnd8() % n);
        if (iter % 11 == 2) memset(in, 0xff, n);
        size_t na = btq__base58_encode_fast(in, n, a);
        size_t nb = btq__base58_encode_generic(in, n, b);
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(a, b, na);
    }
}
END_TEST

START_TEST(fast_byte_path_agrees_with_the_classic_loop)
{
    uint8_t d[BTQ__BASE58_FAST_MAX_CHARS], a[128], b[128];
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)iter % (BTQ__BASE58_FAST_MAX_CHARS + 1);
        for (size_t i = 0; i < n; i++)
            d[i] = (uint8_t)(rnd8() % 58);
        if (iter % 7 == 1 && n) memset(d, 0, (size_t)rnd8() % n);
        if (iter % 11 == 2) memset(d, 57, n);
        size_t na = btq__base58_bytes_fast(d, n, a);
        size_t nb = btq__base58_bytes_generic(d, n, b);
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(a, b, na);
    }
}
END_TEST

START_TEST(long_inputs_round_trip_through_the_classic_path)
{
    static uint8_t in[BTQ_BASE58_MAX_INPUT], back[BTQ_BASE58_MAX_INPUT];
    static char text[BTQ_BASE58_MAX_INPUT * 2];
    for (size_t n = 65; n <= 700; n += 91) {
        for (size_t i = 0; i < n; i++)
            in[i] = rnd8();
        in[0] = 0; /* one leading '1' */
        size_t tl = 0, bl = 0;
        ck_assert_int_eq(btq_base58_encode(in, n, text, sizeof text, &tl), 0);
        ck_assert_int_eq(text[0], '1');
        ck_assert_uint_le(tl, BTQ_BASE58_MAX_INPUT);
        ck_assert_int_eq(btq_base58_decode(text, tl, back, sizeof back, &bl, NULL), 0);
        ck_assert_uint_eq(bl, n);
        ck_assert_mem_eq(back, in, n);
    }
}
END_TEST

START_TEST(leading_zero_bytes_are_leading_ones)
{
    const uint8_t z[3] = {0, 0, 0};
    char out[8];
    size_t n = 0;
    ck_assert_int_eq(btq_base58_encode(z, 3, out, sizeof out, &n), 0);
    ck_assert_str_eq(out, "111");
    ck_assert_int_eq(btq_base58_encode(z, 0, out, sizeof out, &n), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(n, 0);
    const uint8_t v[2] = {0, 57};
    ck_assert_int_eq(btq_base58_encode(v, 2, out, sizeof out, &n), 0);
    ck_assert_str_eq(out, "1z");
    uint8_t back[4];
    ck_assert_int_eq(btq_base58_decode("11z", 3, back, sizeof back, &n, NULL), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(back[0], 0);
    ck_assert_uint_eq(back[1], 0);
    ck_assert_uint_eq(back[2], 57);
}
END_TEST

START_TEST(bad_characters_name_their_position)
{
    static const char *const cases[] = {"0abc", "aOc", "abI", "l", "ab c", "abc\xc3\xa9"};
    static const size_t pos[] = {0, 1, 2, 0, 2, 3};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        btq_error err;
        btq_error_clear(&err);
        uint8_t out[16];
        ck_assert_int_eq(btq_base58_decode(cases[i], strlen(cases[i]), out, sizeof out, NULL, &err),
                         BTQ_ESS58CHAR);
        ck_assert_int_eq(err.code, BTQ_ESS58CHAR);
        ck_assert_uint_eq(err.offset, pos[i]);
        ck_assert_msg(strstr(err.message, "position") != NULL, "message: %s", err.message);
    }
    btq_error err;
    btq_error_clear(&err);
    btq_base58_decode("12O4", 4, NULL, 0, NULL, &err);
    ck_assert_str_eq(err.message, "'O' at position 2 is not a base58 character");
}
END_TEST

START_TEST(input_limit_is_checked_before_any_work)
{
    static uint8_t big[BTQ_BASE58_MAX_INPUT + 1];
    static char text[BTQ_BASE58_MAX_INPUT * 2];
    memset(big, 0xff, sizeof big);
    ck_assert_int_eq(btq_base58_encode(big, BTQ_BASE58_MAX_INPUT + 1, text, sizeof text, NULL),
                     BTQ_ETOOMANY);
    ck_assert_int_eq(btq_base58_encode(big, BTQ_BASE58_MAX_INPUT, text, sizeof text, NULL), 0);
    memset(text, 'z', BTQ_BASE58_MAX_INPUT + 1);
    static uint8_t out[BTQ_BASE58_MAX_INPUT];
    ck_assert_int_eq(btq_base58_decode(text, BTQ_BASE58_MAX_INPUT + 1, out, sizeof out, NULL, NULL),
                     BTQ_ETOOMANY);
    ck_assert_int_eq(btq_base58_decode(text, BTQ_BASE58_MAX_INPUT, out, sizeof out, NULL, NULL), 0);
}
END_TEST

START_TEST(capacity_counts_the_nul_and_the_decoded_bytes)
{
    const uint8_t in[4] = {1, 2, 3, 4};
    char out[16];
    size_t n = 0;
    ck_assert_int_eq(btq_base58_encode(in, 4, out, sizeof out, &n), 0);
    size_t len = n;
    ck_assert_int_eq(btq_base58_encode(in, 4, out, len, NULL), BTQ_ENOSPACE);
    ck_assert_int_eq(btq_base58_encode(in, 4, out, len + 1, NULL), 0);
    ck_assert_int_eq(btq_base58_encode(in, 4, NULL, 0, NULL), BTQ_ENOSPACE);
    uint8_t back[4];
    ck_assert_int_eq(btq_base58_decode(out, len, back, 3, NULL, NULL), BTQ_ENOSPACE);
    ck_assert_int_eq(btq_base58_decode(out, len, back, 4, &n, NULL), 0);
    ck_assert_mem_eq(back, in, 4);
    ck_assert_int_eq(btq_base58_encode(NULL, 1, out, sizeof out, NULL), BTQ_EINVAL);
    ck_assert_int_eq(btq_base58_decode(NULL, 1, back, 4, NULL, NULL), BTQ_EINVAL);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("chain/base58");
    TCase *tc = tcase_create("base58");
    tcase_add_test(tc, vectors_encode_and_decode_like_polkadot_js);
    tcase_add_test(tc, fast_encoder_agrees_with_the_classic_loop);
    tcase_add_test(tc, fast_byte_path_agrees_with_the_classic_loop);
    tcase_add_test(tc, long_inputs_round_trip_through_the_classic_path);
    tcase_add_test(tc, leading_zero_bytes_are_leading_ones);
    tcase_add_test(tc, bad_characters_name_their_position);
    tcase_add_test(tc, input_limit_is_checked_before_any_work);
    tcase_add_test(tc, capacity_counts_the_nul_and_the_decoded_bytes);
    suite_add_tcase(s, tc);
    return s;
}
