/* SS58 (src/chain/ss58.c): known addresses, the polkadot-js vectors (every prefix 0..16383,
 * every payload length), every invalid case with its exact error, limits and capacities. */
#include <string.h>

#include "btq/chain.h"
#include "chain_vectors.h"

/* Alice's sr25519 public key and her generic-Substrate (42) address. */
static const char alice_hex[] = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
static const char alice_42[] = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

START_TEST(alice_encodes_to_her_well_known_address)
{
    size_t n;
    uint8_t *key = btq_test_unhex(alice_hex, &n);
    char addr[BTQ_SS58_ADDRESS_CAP];
    size_t len = 0;
    ck_assert_int_eq(btq_ss58_encode(42, key, n, addr, sizeof addr, &len, NULL), 0);
    ck_assert_str_eq(addr, alice_42);
    ck_assert_uint_eq(len, strlen(alice_42));
    free(key);
}
END_TEST

START_TEST(alice_decodes_to_prefix_42_and_her_key)
{
    size_t n;
    uint8_t *key = btq_test_unhex(alice_hex, &n);
    uint8_t out[BTQ_SS58_MAX_PAYLOAD];
    uint16_t prefix = 0;
    size_t len = 0;
    ck_assert_int_eq(btq_ss58_decode(alice_42, strlen(alice_42), BTQ_SS58_ANY_PREFIX, &prefix, out,
                                     sizeof out, &len, NULL),
                     0);
    ck_assert_uint_eq(prefix, 42);
    ck_assert_uint_eq(len, 32);
    ck_assert_mem_eq(out, key, 32);
    ck_assert_int_eq(
        btq_ss58_decode(alice_42, strlen(alice_42), 42, NULL, out, sizeof out, NULL, NULL), 0);
    ck_assert_int_eq(btq_ss58_validate(alice_42, strlen(alice_42), 42, NULL), 0);
    free(key);
}
END_TEST

START_TEST(valid_vectors_round_trip_for_all_lengths_and_many_prefixes)
{
    cJSON *root = chain_vectors_load("vectors/chain/ss58_valid.json");
    const cJSON *c;
    cJSON_ArrayForEach(c, chain_vectors_cases(root, 1000))
    {
        int prefix = chain_vectors_int(c, "prefix", -1);
        size_t n;
        uint8_t *payload = btq_test_unhex(chain_vectors_str(c, "payload"), &n);
        const char *want = chain_vectors_str(c, "address");
        char addr[BTQ_SS58_ADDRESS_CAP];
        ck_assert_int_eq(
            btq_ss58_encode((uint32_t)prefix, payload, n, addr, sizeof addr, NULL, NULL), 0);
        ck_assert_str_eq(addr, want);
        uint8_t out[BTQ_SS58_MAX_PAYLOAD];
        uint16_t got_prefix = 0;
        size_t len = 0;
        ck_assert_int_eq(
            btq_ss58_decode(want, strlen(want), prefix, &got_prefix, out, sizeof out, &len, NULL),
            0);
        ck_assert_int_eq(got_prefix, prefix);
        ck_assert_uint_eq(len, n);
        ck_assert_mem_eq(out, payload, n);
        free(payload);
    }
    cJSON_Delete(root);
}
END_TEST

START_TEST(every_prefix_from_0_to_16383_matches_polkadot_js)
{
    cJSON *root = chain_vectors_load("vectors/chain/ss58_all_prefixes.json");
    size_t n;
    uint8_t *payload = btq_test_unhex(chain_vectors_str(root, "payload"), &n);
    const cJSON *addrs = cJSON_GetObjectItemCaseSensitive(root, "addresses");
    ck_assert_int_eq(cJSON_GetArraySize(addrs), BTQ_SS58_MAX_PREFIX + 1);
    uint32_t p = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, addrs)
    {
        char addr[BTQ_SS58_ADDRESS_CAP];
        int rc = btq_ss58_encode(p, payload, n, addr, sizeof addr, NULL, NULL);
        if (cJSON_IsNull(a)) {
            ck_assert_int_eq(rc, BTQ_ESS58PREFIX);
            ck_assert_int_eq(btq_ss58_prefix_valid(p), 0);
        } else {
            ck_assert_int_eq(rc, 0);
            ck_assert_str_eq(addr, a->valuestring);
            uint16_t got = 0;
            ck_assert_int_eq(
                btq_ss58_decode(addr, strlen(addr), BTQ_SS58_ANY_PREFIX, &got, NULL, 0, NULL, NULL),
                0);
            ck_assert_uint_eq(got, p);
        }
        p++;
    }
    free(payload);
    cJSON_Delete(root);
}
END_TEST

static int error_code_of(const char *name)
{
    for (int code = 0; code >= -100; code--)
        if (strcmp(btq_err_name(code), name) == 0) return code;
    ck_abort_msg("unknown error name %s", name);
    return 1;
}

START_TEST(invalid_vectors_fail_with_the_exact_error_and_offset)
{
    cJSON *root = chain_vectors_load("vectors/chain/ss58_invalid.json");
    const cJSON *c;
    int seen[5] = {0};
    cJSON_ArrayForEach(c, chain_vectors_cases(root, 150))
    {
        const char *addr = chain_vectors_str(c, "address");
        int want = error_code_of(chain_vectors_str(c, "error"));
        int expected = chain_vectors_int(c, "expected_prefix", BTQ_SS58_ANY_PREFIX);
        btq_error err;
        btq_error_clear(&err);
        uint8_t out[BTQ_SS58_MAX_PAYLOAD];
        memset(out, 0xAA, sizeof out);
        int rc = btq_ss58_decode(addr, strlen(addr), expected, NULL, out, sizeof out, NULL, &err);
        ck_assert_msg(rc == want, "%s: got %s, want %s", chain_vectors_str(c, "what"),
                      btq_err_name(rc), btq_err_name(want));
        ck_assert_int_eq(err.code, want);
        ck_assert_uint_eq(err.offset, (size_t)chain_vectors_int(c, "offset", 0));
        ck_assert_msg(err.message[0] != '\0', "no message for %s", chain_vectors_str(c, "what"));
        ck_assert_uint_eq(out[0], 0xAA); /* nothing written on failure */
        ck_assert_int_eq(btq_ss58_validate(addr, strlen(addr), expected, NULL), want);
        seen[BTQ_ESS58CHAR - want]++;
    }
    for (int i = 0; i < 5; i++)
        ck_assert_msg(seen[i] > 0, "no case for error %d", -50 - i);
    cJSON_Delete(root);
}
END_TEST

START_TEST(encode_rejects_reserved_and_out_of_range_prefixes)
{
    uint8_t key[32] = {0};
    char addr[BTQ_SS58_ADDRESS_CAP];
    const uint32_t bad[] = {46, 47, 16384, 65535, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        btq_error err;
        btq_error_clear(&err);
        ck_assert_int_eq(btq_ss58_encode(bad[i], key, 32, addr, sizeof addr, NULL, &err),
                         BTQ_ESS58PREFIX);
        ck_assert_msg(strstr(err.message, "prefix") != NULL, "%s", err.message);
    }
    ck_assert_int_eq(btq_ss58_encode(45, key, 32, addr, sizeof addr, NULL, NULL), 0);
    ck_assert_int_eq(btq_ss58_encode(48, key, 32, addr, sizeof addr, NULL, NULL), 0);
    ck_assert_int_eq(btq_ss58_encode(16383, key, 32, addr, sizeof addr, NULL, NULL), 0);
}
END_TEST

START_TEST(encode_rejects_payload_lengths_the_format_does_not_allow)
{
    uint8_t key[40] = {0};
    char addr[BTQ_SS58_ADDRESS_CAP];
    for (size_t n = 0; n <= 40; n++) {
        int ok = n == 1 || n == 2 || n == 4 || n == 8 || n == 32 || n == 33;
        ck_assert_int_eq(btq_ss58_payload_len_valid(n), ok);
        ck_assert_int_eq(btq_ss58_encode(42, key, n, addr, sizeof addr, NULL, NULL),
                         ok ? 0 : BTQ_ESS58LEN);
    }
    ck_assert_int_eq(btq_ss58_encode(42, NULL, 32, addr, sizeof addr, NULL, NULL), BTQ_EINVAL);
}
END_TEST

START_TEST(longest_address_fits_the_documented_maximum)
{
    uint8_t key[33];
    memset(key, 0xff, sizeof key);
    char addr[BTQ_SS58_ADDRESS_CAP];
    size_t len = 0;
    ck_assert_int_eq(btq_ss58_encode(16383, key, 33, addr, sizeof addr, &len, NULL), 0);
    ck_assert_uint_le(len, BTQ_SS58_ADDRESS_MAX);
    ck_assert_int_eq(btq_ss58_validate(addr, len, 16383, NULL), 0);
}
END_TEST

START_TEST(encode_capacity_counts_the_nul)
{
    uint8_t key[32] = {1};
    char addr[BTQ_SS58_ADDRESS_CAP];
    size_t len = 0;
    ck_assert_int_eq(btq_ss58_encode(42, key, 32, addr, sizeof addr, &len, NULL), 0);
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_ss58_encode(42, key, 32, addr, len, NULL, &err), BTQ_ENOSPACE);
    ck_assert_int_eq(err.code, BTQ_ENOSPACE);
    ck_assert_int_eq(btq_ss58_encode(42, key, 32, addr, len + 1, NULL, NULL), 0);
}
END_TEST

START_TEST(decode_capacity_and_expected_prefix_are_checked)
{
    uint8_t out[32];
    ck_assert_int_eq(
        btq_ss58_decode(alice_42, strlen(alice_42), BTQ_SS58_ANY_PREFIX, NULL, out, 31, NULL, NULL),
        BTQ_ENOSPACE);
    ck_assert_int_eq(btq_ss58_decode(alice_42, strlen(alice_42), BTQ_SS58_ANY_PREFIX, NULL, NULL,
                                     32, NULL, NULL),
                     BTQ_ENOSPACE);
    ck_assert_int_eq(btq_ss58_decode(alice_42, strlen(alice_42), 46, NULL, out, 32, NULL, NULL),
                     BTQ_EINVAL);
    ck_assert_int_eq(btq_ss58_decode(alice_42, strlen(alice_42), 16384, NULL, out, 32, NULL, NULL),
                     BTQ_EINVAL);
    ck_assert_int_eq(btq_ss58_decode(alice_42, strlen(alice_42), -2, NULL, out, 32, NULL, NULL),
                     BTQ_EINVAL);
    ck_assert_int_eq(btq_ss58_decode(NULL, 5, -1, NULL, out, 32, NULL, NULL), BTQ_EINVAL);
}
END_TEST

START_TEST(address_length_limit_is_51_characters)
{
    char buf[64];
    memset(buf, '1', sizeof buf);
    btq_error err;
    /* 51 characters pass the length check and fail later on what they decode to... */
    btq_error_clear(&err);
    ck_assert_int_eq(btq_ss58_validate(buf, 51, -1, &err), BTQ_ESS58LEN);
    ck_assert_str_eq(err.message, "decodes to 51 bytes: no allowed payload length fits");
    /* ...52 are refused before any decoding. */
    btq_error_clear(&err);
    ck_assert_int_eq(btq_ss58_validate(buf, 52, -1, &err), BTQ_ESS58LEN);
    ck_assert_str_eq(err.message, "address of 52 characters (at most 51)");
    buf[0] = '0';
    ck_assert_int_eq(btq_ss58_validate(buf, 51, -1, NULL), BTQ_ESS58CHAR);
    ck_assert_int_eq(btq_ss58_validate(buf, 52, -1, NULL), BTQ_ESS58LEN);
}
END_TEST

START_TEST(error_messages_say_what_was_wrong)
{
    btq_error err;
    btq_error_clear(&err);
    char a[64];
    strcpy(a, alice_42);
    a[10] = 'l';
    ck_assert_int_eq(btq_ss58_validate(a, strlen(a), -1, &err), BTQ_ESS58CHAR);
    ck_assert_str_eq(err.message, "'l' at position 10 is not a base58 character");
    ck_assert_uint_eq(err.offset, 10);

    btq_error_clear(&err);
    ck_assert_int_eq(btq_ss58_validate(alice_42, strlen(alice_42), 0, &err), BTQ_ESS58NETWORK);
    ck_assert_str_eq(err.message, "address has network prefix 42, expected 0");

    btq_error_clear(&err);
    strcpy(a, alice_42);
    a[strlen(a) - 1] = a[strlen(a) - 1] == 'Y' ? 'Z' : 'Y';
    ck_assert_int_eq(btq_ss58_validate(a, strlen(a), -1, &err), BTQ_ESS58CHECKSUM);
    ck_assert_msg(strncmp(err.message, "checksum ", 9) == 0, "%s", err.message);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("chain/ss58");
    TCase *tc = tcase_create("ss58");
    tcase_add_test(tc, alice_encodes_to_her_well_known_address);
    tcase_add_test(tc, alice_decodes_to_prefix_42_and_her_key);
    tcase_add_test(tc, valid_vectors_round_trip_for_all_lengths_and_many_prefixes);
    tcase_add_test(tc, every_prefix_from_0_to_16383_matches_polkadot_js);
    tcase_add_test(tc, invalid_vectors_fail_with_the_exact_error_and_offset);
    tcase_add_test(tc, encode_rejects_reserved_and_out_of_range_prefixes);
    tcase_add_test(tc, encode_rejects_payload_lengths_the_format_does_not_allow);
    tcase_add_test(tc, longest_address_fits_the_documented_maximum);
    tcase_add_test(tc, encode_capacity_counts_the_nul);
    tcase_add_test(tc, decode_capacity_and_expected_prefix_are_checked);
    tcase_add_test(tc, address_length_limit_is_51_characters);
    tcase_add_test(tc, error_messages_say_what_was_wrong);
    suite_add_tcase(s, tc);
    return s;
}
