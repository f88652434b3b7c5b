/* Storage keys (src/chain/storage_key.c): the known System.Account prefix, the polkadot-js
 * vectors through both the one-shot and the writer API, capacity checks, and every
 * System.Account and Tempo key of a real Bittensor genesis rebuilt from its parts. */
#include <string.h>

#include "btq/chain.h"
#include "chain_vectors.h"

/* Parts of one vector case, pointing into bufs (caller frees each bufs[i]). */
static size_t parse_parts(const cJSON *c, btq_storage_key_part *parts, uint8_t **bufs, size_t max)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(c, "parts");
    ck_assert(cJSON_IsArray(arr));
    size_t n = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, arr)
    {
        ck_assert_uint_lt(n, max);
        const char *name = chain_vectors_str(p, "hasher");
        ck_assert_int_eq(btq_hasher_from_name(name, strlen(name), &parts[n].hasher), 0);
        bufs[n] = btq_test_unhex(chain_vectors_str(p, "key"), &parts[n].key_len);
        parts[n].key = bufs[n];
        n++;
    }
    return n;
}

START_TEST(system_account_prefix_is_the_known_constant)
{
    uint8_t out[BTQ_STORAGE_PREFIX_LEN];
    btq_storage_prefix("System", 6, "Account", 7, out);
    char hex[2 * BTQ_STORAGE_PREFIX_LEN + 3];
    btq_hex_encode(out, sizeof out, 1, hex, sizeof hex);
    ck_assert_str_eq(hex, "0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9");
}
END_TEST

START_TEST(keys_match_the_polkadot_js_vectors_one_shot_and_by_writer)
{
    cJSON *root = chain_vectors_load("vectors/chain/storage_keys.json");
    const cJSON *c;
    cJSON_ArrayForEach(c, chain_vectors_cases(root, 100))
    {
        btq_storage_key_part parts[8];
        uint8_t *bufs[8];
        size_t np = parse_parts(c, parts, bufs, 8);
        const char *pallet = chain_vectors_str(c, "pallet"), *item = chain_vectors_str(c, "item");
        size_t want_len;
        uint8_t *want = btq_test_unhex(chain_vectors_str(c, "key"), &want_len);

        uint8_t out[512];
        size_t len = 0;
        ck_assert_int_eq(btq_storage_key(pallet, strlen(pallet), item, strlen(item), parts, np, out,
                                         sizeof out, &len),
                         0);
        ck_assert_uint_eq(len, want_len);
        ck_assert_mem_eq(out, want, want_len);

        btq_writer w;
        btq_writer_init(&w);
        btq_storage_key_write_prefix(&w, pallet, strlen(pallet), item, strlen(item));
        for (size_t i = 0; i < np; i++)
            btq_storage_key_write_part(&w, parts[i].hasher, parts[i].key, parts[i].key_len);
        ck_assert_int_eq(w.err, 0);
        ck_assert_uint_eq(w.len, want_len);
        ck_assert_mem_eq(w.buf, want, want_len);
        btq_writer_free(&w);

        for (size_t i = 0; i < np; i++)
            free(bufs[i]);
        free(want);
    }
    cJSON_Delete(root);
}
END_TEST

START_TEST(one_shot_key_one_byte_short_writes_nothing)
{
    uint8_t id[32] = {7};
    btq_storage_key_part part = {BTQ_HASHER_BLAKE2_128_CONCAT, id, sizeof id};
    uint8_t out[80];
    memset(out, 0xAA, sizeof out);
    size_t len = 99;
    ck_assert_int_eq(btq_storage_key("System", 6, "Account", 7, &part, 1, out, 79, &len),
                     BTQ_ENOSPACE);
    ck_assert_uint_eq(out[0], 0xAA);
    ck_assert_uint_eq(len, 99);
    ck_assert_int_eq(btq_storage_key("System", 6, "Account", 7, &part, 1, out, 80, &len), 0);
    ck_assert_uint_eq(len, 80);
}
END_TEST

START_TEST(one_shot_key_rejects_bad_hasher_and_missing_inputs)
{
    uint8_t out[128];
    btq_storage_key_part part = {(btq_hasher)9, (const uint8_t *)"ab", 2};
    ck_assert_int_eq(btq_storage_key("A", 1, "B", 1, &part, 1, out, sizeof out, NULL), BTQ_EHASHER);
    part.hasher = BTQ_HASHER_IDENTITY;
    part.key = NULL;
    ck_assert_int_eq(btq_storage_key("A", 1, "B", 1, &part, 1, out, sizeof out, NULL), BTQ_EINVAL);
    ck_assert_int_eq(btq_storage_key(NULL, 1, "B", 1, NULL, 0, out, sizeof out, NULL), BTQ_EINVAL);
    ck_assert_int_eq(btq_storage_key("A", 1, "B", 1, NULL, 1, out, sizeof out, NULL), BTQ_EINVAL);
    ck_assert_int_eq(btq_storage_key("A", 1, "B", 1, NULL, 0, NULL, 0, NULL), BTQ_ENOSPACE);
}
END_TEST

START_TEST(fixed_writer_too_small_fails_with_nospace_and_stays_failed)
{
    uint8_t buf[40];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    ck_assert_int_eq(btq_storage_key_write_prefix(&w, "System", 6, "Account", 7), 0);
    ck_assert_int_eq(btq_storage_key_write_part(&w, BTQ_HASHER_BLAKE2_128_CONCAT, "x", 1),
                     BTQ_ENOSPACE);
    ck_assert_int_eq(btq_storage_key_write_part(&w, BTQ_HASHER_IDENTITY, "x", 1), BTQ_ENOSPACE);
    ck_assert_int_eq(w.err, BTQ_ENOSPACE);
}
END_TEST

START_TEST(writer_rejects_bad_hasher_and_missing_inputs_and_keeps_the_error)
{
    btq_writer w;
    btq_writer_init(&w);
    ck_assert_int_eq(btq_storage_key_write_part(&w, (btq_hasher)7, "x", 1), BTQ_EHASHER);
    ck_assert_int_eq(btq_storage_key_write_prefix(&w, "A", 1, "B", 1), BTQ_EHASHER);
    ck_assert_int_eq(w.err, BTQ_EHASHER);
    btq_writer_free(&w);
    ck_assert_int_eq(btq_storage_key_write_part(NULL, BTQ_HASHER_IDENTITY, "x", 1), BTQ_EINVAL);

    btq_writer w2;
    btq_writer_init(&w2);
    ck_assert_int_eq(btq_storage_key_write_prefix(&w2, NULL, 3, "B", 1), BTQ_EINVAL);
    ck_assert_int_eq(w2.err, BTQ_EINVAL);
    ck_assert_uint_eq(w2.len, 0);
    btq_writer_free(&w2);
    btq_writer_init(&w2);
    ck_assert_int_eq(btq_storage_key_write_part(&w2, BTQ_HASHER_IDENTITY, NULL, 2), BTQ_EINVAL);
    ck_assert_uint_eq(w2.len, 0);
    btq_writer_free(&w2);
}
END_TEST

/* The genesis of a real chain (raonet spec 218) holds 202 System.Account entries and the
 * SubtensorModule.Tempo entries for netuids 0 and 1 (100 each, u16 0x6400). */
START_TEST(real_genesis_account_and_tempo_keys_rebuild_exactly)
{
    size_t len = 0;
    uint8_t *text =
        btq_test_read_file(btq_test_shared_path("chain/specs/raonet_raw_spec.json"), &len);
    ck_assert_ptr_nonnull(text);
    cJSON *spec = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    ck_assert_ptr_nonnull(spec);
    const cJSON *top = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "genesis"), "raw"),
        "top");
    ck_assert(cJSON_IsObject(top));

    uint8_t prefix[BTQ_STORAGE_PREFIX_LEN];
    btq_storage_prefix("System", 6, "Account", 7, prefix);
    int accounts = 0;
    const cJSON *kv;
    cJSON_ArrayForEach(kv, top)
    {
        size_t klen;
        uint8_t *key = btq_test_unhex(kv->string, &klen);
        if (klen == 32 + 16 + 32 && memcmp(key, prefix, 32) == 0) {
            btq_storage_key_part part = {BTQ_HASHER_BLAKE2_128_CONCAT, key + 48, 32};
            uint8_t out[80];
            size_t n = 0;
            ck_assert_int_eq(
                btq_storage_key("System", 6, "Account", 7, &part, 1, out, sizeof out, &n), 0);
            ck_assert_uint_eq(n, 80);
            ck_assert_mem_eq(out, key, 80);
            accounts++;
        }
        free(key);
    }
    ck_assert_int_eq(accounts, 202);

    for (uint8_t netuid = 0; netuid < 2; netuid++) {
        const uint8_t k[2] = {netuid, 0};
        btq_storage_key_part part = {BTQ_HASHER_IDENTITY, k, 2};
        uint8_t out[34];
        char hex[2 * 34 + 3];
        ck_assert_int_eq(
            btq_storage_key("SubtensorModule", 15, "Tempo", 5, &part, 1, out, sizeof out, NULL), 0);
        btq_hex_encode(out, sizeof out, 1, hex, sizeof hex);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(top, hex);
        ck_assert_msg(cJSON_IsString(v), "no Tempo[%u] key %s in the genesis", netuid, hex);
        ck_assert_str_eq(v->valuestring, "0x6400");
    }
    cJSON_Delete(spec);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("chain/storage_key");
    TCase *tc = tcase_create("storage_key");
    tcase_add_test(tc, system_account_prefix_is_the_known_constant);
    tcase_add_test(tc, keys_match_the_polkadot_js_vectors_one_shot_and_by_writer);
    tcase_add_test(tc, one_shot_key_one_byte_short_writes_nothing);
    tcase_add_test(tc, one_shot_key_rejects_bad_hasher_and_missing_inputs);
    tcase_add_test(tc, fixed_writer_too_small_fails_with_nospace_and_stays_failed);
    tcase_add_test(tc, writer_rejects_bad_hasher_and_missing_inputs_and_keeps_the_error);
    tcase_add_test(tc, real_genesis_account_and_tempo_keys_rebuild_exactly);
    suite_add_tcase(s, tc);
    return s;
}
