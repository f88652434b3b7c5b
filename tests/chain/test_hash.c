/* Hashers (src/chain/hash.c): known answers, every hasher against the polkadot-js vectors,
 * names in both spellings, output lengths and capacity checks. */
#include <string.h>

#include "btq/chain.h"
#include "chain_vectors.h"

static void assert_hex(const uint8_t *got, size_t n, const char *want_hex)
{
    char buf[2 * 400 + 3];
    ck_assert_int_eq(btq_hex_encode(got, n, 1, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, want_hex);
}

START_TEST(twox128_of_system_is_the_known_pallet_prefix)
{
    uint8_t out[16];
    btq_twox128("System", 6, out);
    assert_hex(out, 16, "0x26aa394eea5630e07c48ae0c9558cef7");
}
END_TEST

START_TEST(twox64_of_empty_input_is_xxh64_seed0_little_endian)
{
    uint8_t out[8];
    btq_twox64(NULL, 0, out); /* XXH64("", 0) = 0xef46db3751d8e999 */
    assert_hex(out, 8, "0x99e9d85137db46ef");
}
END_TEST

START_TEST(blake2_256_of_empty_input_is_the_known_digest)
{
    uint8_t out[32];
    btq_blake2_256(NULL, 0, out);
    assert_hex(out, 32, "0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}
END_TEST

START_TEST(twox256_starts_with_twox128)
{
    uint8_t a[32], b[16];
    btq_twox256("Account", 7, a);
    btq_twox128("Account", 7, b);
    ck_assert_mem_eq(a, b, 16);
}
END_TEST

START_TEST(blake2b_rejects_digest_lengths_outside_1_to_64)
{
    uint8_t out[65];
    ck_assert_int_eq(btq_blake2b("x", 1, out, 0), BTQ_EINVAL);
    ck_assert_int_eq(btq_blake2b("x", 1, out, 65), BTQ_EINVAL);
    ck_assert_int_eq(btq_blake2b("x", 1, NULL, 16), BTQ_EINVAL);
    ck_assert_int_eq(btq_blake2b("x", 1, out, 1), 0);
    ck_assert_int_eq(btq_blake2b("x", 1, out, 64), 0);
}
END_TEST

START_TEST(every_hasher_matches_the_polkadot_js_vectors)
{
    cJSON *root = chain_vectors_load("vectors/chain/hashers.json");
    const cJSON *c;
    int n = 0;
    cJSON_ArrayForEach(c, chain_vectors_cases(root, 2000))
    {
        const char *name = chain_vectors_str(c, "hasher");
        btq_hasher h;
        ck_assert_int_eq(btq_hasher_from_name(name, strlen(name), &h), 0);
        size_t in_len, want_len;
        uint8_t *in = btq_test_unhex(chain_vectors_str(c, "input"), &in_len);
        uint8_t *want = btq_test_unhex(chain_vectors_str(c, "output"), &want_len);
        uint8_t out[400];
        size_t out_len = 0;
        ck_assert_int_eq(btq_hash(h, in, in_len, out, sizeof out, &out_len), 0);
        ck_assert_uint_eq(out_len, want_len);
        ck_assert_uint_eq(btq_hasher_output_len(h, in_len), want_len);
        ck_assert_msg(memcmp(out, want, want_len) == 0, "%s of %zu bytes differs", name, in_len);
        free(in);
        free(want);
        n++;
    }
    ck_assert_int_ge(n, 2000);
    cJSON_Delete(root);
}
END_TEST

START_TEST(hasher_names_parse_in_both_spellings_and_round_trip)
{
    static const char *const meta[] = {"Blake2_128", "Blake2_256",   "Blake2_128Concat", "Twox128",
                                       "Twox256",    "Twox64Concat", "Identity"};
    static const char *const snake[] = {"blake2_128", "blake2_256", "blake2_128_concat",
                                        "twox128",    "twox256",    "twox64_concat",
                                        "identity"};
    for (int i = 0; i < BTQ_HASHER_COUNT; i++) {
        btq_hasher h = (btq_hasher)99;
        ck_assert_int_eq(btq_hasher_from_name(meta[i], strlen(meta[i]), &h), 0);
        ck_assert_int_eq((int)h, i);
        h = (btq_hasher)99;
        ck_assert_int_eq(btq_hasher_from_name(snake[i], strlen(snake[i]), &h), 0);
        ck_assert_int_eq((int)h, i);
        ck_assert_str_eq(btq_hasher_name((btq_hasher)i), snake[i]);
        ck_assert_str_eq(btq_hasher_metadata_name((btq_hasher)i), meta[i]);
    }
}
END_TEST

START_TEST(unknown_hasher_names_are_rejected)
{
    static const char *const bad[] = {
        "", "blake2", "Blake2_128concat", "TWOX128", "twox64", "identity ", "md5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        btq_hasher h = BTQ_HASHER_TWOX128;
        ck_assert_int_eq(btq_hasher_from_name(bad[i], strlen(bad[i]), &h), BTQ_EHASHER);
        ck_assert_int_eq((int)h, BTQ_HASHER_TWOX128); /* untouched */
    }
    /* The length decides, not a NUL: "twox128" followed by more text is not twox128. */
    ck_assert_int_eq(btq_hasher_from_name("twox1289", 7, NULL), 0);
    ck_assert_int_eq(btq_hasher_from_name("twox128", 6, NULL), BTQ_EHASHER);
    ck_assert_int_eq(btq_hasher_from_name(NULL, 0, NULL), BTQ_EHASHER);
    ck_assert_ptr_null(btq_hasher_name((btq_hasher)BTQ_HASHER_COUNT));
    ck_assert_ptr_null(btq_hasher_metadata_name((btq_hasher)-1));
}
END_TEST

START_TEST(output_lengths_add_the_key_only_for_concat_forms)
{
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_BLAKE2_128, 100), 16);
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_BLAKE2_256, 100), 32);
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_BLAKE2_128_CONCAT, 32), 48);
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_TWOX128, 3), 16);
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_TWOX256, 3), 32);
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_TWOX64_CONCAT, 2), 10);
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_IDENTITY, 2), 2);
    ck_assert_uint_eq(btq_hasher_output_len((btq_hasher)7, 2), 0);
    ck_assert_uint_eq(btq_hasher_output_len(BTQ_HASHER_TWOX64_CONCAT, SIZE_MAX - 3), 0);
}
END_TEST

START_TEST(hash_checks_capacity_for_every_hasher)
{
    const uint8_t key[40] = {1, 2, 3};
    for (int i = 0; i < BTQ_HASHER_COUNT; i++) {
        btq_hasher h = (btq_hasher)i;
        size_t need = btq_hasher_output_len(h, sizeof key);
        uint8_t out[100];
        memset(out, 0xAA, sizeof out);
        ck_assert_int_eq(btq_hash(h, key, sizeof key, out, need - 1, NULL), BTQ_ENOSPACE);
        ck_assert_uint_eq(out[0], 0xAA); /* nothing written on failure */
        size_t got = 0;
        ck_assert_int_eq(btq_hash(h, key, sizeof key, out, need, &got), 0);
        ck_assert_uint_eq(got, need);
        ck_assert_uint_eq(out[need], 0xAA); /* nothing past the output */
    }
}
END_TEST

START_TEST(hash_rejects_invalid_hasher_and_missing_key)
{
    uint8_t out[64];
    ck_assert_int_eq(btq_hash((btq_hasher)7, "a", 1, out, sizeof out, NULL), BTQ_EHASHER);
    ck_assert_int_eq(btq_hash((btq_hasher)-1, "a", 1, out, sizeof out, NULL), BTQ_EHASHER);
    ck_assert_int_eq(btq_hash(BTQ_HASHER_TWOX128, NULL, 1, out, sizeof out, NULL), BTQ_EINVAL);
    size_t got = 99;
    ck_assert_int_eq(btq_hash(BTQ_HASHER_IDENTITY, NULL, 0, NULL, 0, &got), 0);
    ck_assert_uint_eq(got, 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("chain/hash");
    TCase *tc = tcase_create("hash");
    tcase_add_test(tc, twox128_of_system_is_the_known_pallet_prefix);
    tcase_add_test(tc, twox64_of_empty_input_is_xxh64_seed0_little_endian);
    tcase_add_test(tc, blake2_256_of_empty_input_is_the_known_digest);
    tcase_add_test(tc, twox256_starts_with_twox128);
    tcase_add_test(tc, blake2b_rejects_digest_lengths_outside_1_to_64);
    tcase_add_test(tc, every_hasher_matches_the_polkadot_js_vectors);
    tcase_add_test(tc, hasher_names_parse_in_both_spellings_and_round_trip);
    tcase_add_test(tc, unknown_hasher_names_are_rejected);
    tcase_add_test(tc, output_lengths_add_the_key_only_for_concat_forms);
    tcase_add_test(tc, hash_checks_capacity_for_every_hasher);
    tcase_add_test(tc, hash_rejects_invalid_hasher_and_missing_key);
    suite_add_tcase(s, tc);
    return s;
}
