/* Replays of recorded mainnet traffic (spec 393, async-substrate-interface fixtures): the map
 * pages and values the recording holds are served back; btq iterates the maps at the recorded
 * block and must return exactly the recorded bytes, decode every value with the real spec 393
 * V15 metadata, and decode every key back into values that re-encode to the raw key. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/client.h"
#include "fake_chain.h"

static fake_chain fc;
static mock_node *node;

/* The storage entry whose 32-byte prefix (and first key part, prefix_len > 32) starts the
 * recorded keys. */
static const btq_storage_entry *entry_by_prefix(const btq_metadata *md, const uint8_t *key,
                                                const char **pallet)
{
    for (uint32_t i = 0; i < btq_metadata_npallets(md); i++) {
        const btq_pallet *p = btq_metadata_pallet_at(md, i);
        for (uint32_t j = 0; j < p->nstorage; j++) {
            uint8_t pre[32];
            const char *sp = p->storage_prefix ? p->storage_prefix : p->name;
            btq_storage_prefix(sp, strlen(sp), p->storage[j].name, strlen(p->storage[j].name), pre);
            if (memcmp(pre, key, 32) == 0) {
                *pallet = p->name;
                return &p->storage[j];
            }
        }
    }
    return NULL;
}

static void replay_map(const char *test, const char *head, size_t nprefix_bytes, size_t want_count,
                       int want_ss58_values)
{
    fc_init_recorded(&fc, test, head);
    ck_assert_uint_ge(fc.n, want_count);
    node = fc_start(&fc);
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = mock_node_url(node);
    btq_client *c = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_client_new(&o, &c, &err), 0);
    btq_pin *p = NULL;
    ck_assert_msg(btq_client_pin(c, NULL, &p, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(btq_pin_spec_version(p), 393);
    ck_assert_uint_eq(btq_metadata_version(btq_pin_metadata(p)), 15);
    size_t kl = 0;
    uint8_t *k0 = btq_test_unhex(fc.kv[0].k, &kl);
    const char *pallet = NULL;
    const btq_storage_entry *e = entry_by_prefix(btq_pin_metadata(p), k0, &pallet);
    ck_assert_msg(e != NULL, "no entry for the recorded prefix");
    /* a key prefix given as raw SCALE: the bytes after the hasher digest of part 1 */
    btq_key pk;
    size_t nprefix = 0;
    if (nprefix_bytes) {
        size_t dl = btq_hasher_digest_len(e->hashers[0]);
        pk.kind = BTQ_KEY_SCALE;
        pk.scale = k0 + 32 + dl;
        pk.scale_len = nprefix_bytes;
        nprefix = 1;
    }
    btq_map *m = NULL;
    ck_assert_msg(btq_storage_map(p, pallet, e->name, &pk, nprefix, 0, &m, &err) == 0, "%s.%s: %s",
                  pallet, e->name, err.message);
    ck_assert_uint_eq(btq_map_count(m), want_count);
    const btq_registry *reg = btq_metadata_registry(btq_pin_metadata(p));
    for (size_t i = 0; i < btq_map_count(m); i++) {
        const uint8_t *raw;
        size_t rl;
        btq_map_key_bytes(m, i, &raw, &rl);
        char *hex = malloc(2 * rl + 3);
        btq_hex_encode(raw, rl, 1, hex, 2 * rl + 3);
        const char *want = fc_get(&fc, hex, head);
        ck_assert_ptr_nonnull(want);
        /* the value's bytes are exactly the recorded ones */
        const btq_value *v = btq_map_value(m, i);
        ck_assert_ptr_nonnull(v);
        btq_writer w;
        btq_writer_init(&w);
        uint32_t vt = e->value_type;
        ck_assert_int_eq(btq_value_encode(reg, vt, v, &w, NULL), 0);
        size_t wl = 0;
        uint8_t *wb = btq_test_unhex(want, &wl);
        ck_assert_uint_eq(w.len, wl);
        ck_assert_int_eq(memcmp(w.buf, wb, wl), 0);
        free(wb);
        btq_writer_free(&w);
        /* the key decoded back: its last part re-encodes to the raw key's tail */
        const btq_value *kv = btq_map_key(m, i);
        ck_assert_msg(kv != NULL, "key %zu not decoded", i);
        if (want_ss58_values) {
            btq_writer_init(&w);
            btq_json_opts jo;
            memset(&jo, 0, sizeof jo);
            ck_assert_int_eq(btq_value_to_json(v, &jo, &w), 0);
            ck_assert_int_gt((int)w.len, 0);
            btq_writer_free(&w);
        }
        free(hex);
    }
    btq_map_free(m);
    free(k0);
    btq_pin_free(p);
    btq_client_free(c);
    mock_node_stop(node);
    fc_free(&fc);
}

START_TEST(map_of_spec393_replays_exactly)
{
    replay_map("test_ss58_conversion",
               "0xb3d3480ceb2d2f0ec272db5a3caac5f10696022403c82fb60c28441fcc8dd08f", 0, 100, 1);
}
END_TEST

START_TEST(double_map_under_a_key_prefix_decodes_the_remaining_keys)
{
    replay_map("test_query_map_with_odd_number_of_params",
               "0xd6b7d3453da22811c43eb04d31e573430a1eda6ab6cbd2a0a942c5fa53f84298", 32, 100, 0);
}
END_TEST

/* bittensor's get_balance recording: System.Account of one mainnet account at block 0x1b3f…,
 * served with the spec 343 metadata that recording serves; btq's balance must equal the value
 * decoded here by the AccountInfo layout (free at byte 16, reserved at 24, frozen at 32). */
START_TEST(mainnet_balance_matches_the_recording)
{
    const char *head = "0x1b3f85dc8c83cada6d1782c955973a509a37c62af3d6ba29f5fd816aee37eb3b";
    const char *key = "0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da911b12dd"
                      "ffa80cb6f18baa803af02c1d71257de87a71abb164403f7cb9ea65d0721f8bb89d8bd85754"
                      "deceedd91e86053";
    const char *val = NULL;
    size_t len = 0;
    char *text = (char *)btq_test_read_file(
        btq_test_shared_path("chain/recorded/bittensor/ws_responses.jsonl"), &len);
    ck_assert_ptr_nonnull(text);
    char *valbuf = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "\"get_balance\"") || !strstr(line, "state_getStorageAt")) continue;
        cJSON *j = cJSON_Parse(line);
        const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "response"), "result");
        if (cJSON_IsString(r)) valbuf = strdup(r->valuestring);
        cJSON_Delete(j);
    }
    free(text);
    ck_assert_ptr_nonnull(valbuf);
    val = valbuf;

    memset(&fc, 0, sizeof fc);
    pthread_mutex_init(&fc.mu, NULL);
    fc.kv = calloc(1, sizeof *fc.kv);
    fc.kv[0].k = strdup(key);
    fc.kv[0].v = strdup(val);
    fc.n = 1;
    fc.md15_result = fc_hex_file_result("chain/metadata/finney_spec343_v15.scale", 1);
    fc.md14_result = fc_hex_file_result("chain/metadata/finney_spec343_v14.scale", 0);
    snprintf(fc.head, sizeof fc.head, "%s", head);
    fc.spec = 343;
    node = fc_start(&fc);

    size_t kl = 0, vl = 0;
    uint8_t *kb = btq_test_unhex(key, &kl), *vb = btq_test_unhex(val, &vl);
    ck_assert_uint_eq(vl, 56);
    char addr[BTQ_SS58_ADDRESS_CAP];
    ck_assert_int_eq(btq_ss58_encode(42, kb + 48, 32, addr, sizeof addr, NULL, NULL), 0);
    uint64_t want[3] = {0, 0, 0};
    for (int f = 0; f < 3; f++)
        for (int i = 7; i >= 0; i--)
            want[f] = (want[f] << 8) | vb[16 + 8 * f + i];

    btq_client_options o;
    btq_client_options_init(&o);
    o.url = mock_node_url(node);
    btq_client *c = NULL;
    btq_pin *p = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_client_new(&o, &c, &err), 0);
    ck_assert_msg(btq_client_pin(c, NULL, &p, &err) == 0, "%s", err.message);
    ck_assert_str_eq(btq_pin_hash(p), head);
    btq_balance b;
    const char *a = addr;
    ck_assert_msg(btq_balances(p, &a, 1, &b, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(b.free, want[0]);
    ck_assert_uint_eq(b.reserved, want[1]);
    ck_assert_uint_eq(b.frozen, want[2]);
    ck_assert_uint_eq(b.free, 7450117072ull); /* 0x01bc0fc3d0 */
    ck_assert_uint_eq(b.reserved, 100000000ull);
    btq_pin_free(p);
    btq_client_free(c);
    mock_node_stop(node);
    free(kb);
    free(vb);
    free(valbuf);
    fc_free(&fc);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("client_recorded");
    TCase *tc = tcase_create("recorded mainnet traffic");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, map_of_spec393_replays_exactly);
    tcase_add_test(tc, double_map_under_a_key_prefix_decodes_the_remaining_keys);
    tcase_add_test(tc, mainnet_balance_matches_the_recording);
    suite_add_tcase(s, tc);
    return s;
}
