/* The client against a fake node serving the raonet genesis state and real spec 218 metadata
 * (see fake_chain.h): balances equal the genesis, tempo, subnet existence, block pinning,
 * metadata cache / fetch sharing / V14 fallback / disk cache, storage defaults, maps, constants,
 * runtime calls and errors. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btq/client.h"
#include "fake_chain.h"

static fake_chain fc;
static mock_node *node;

static void setup(void)
{
    fc_init(&fc);
    node = fc_start(&fc);
}

static void teardown(void)
{
    mock_node_stop(node);
    fc_free(&fc);
}

static btq_client *new_client(const char *cache_dir)
{
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = mock_node_url(node);
    o.metadata_cache_dir = cache_dir;
    btq_client *c = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_client_new(&o, &c, &err) == 0, "client: %s", err.message);
    return c;
}

static btq_pin *pin_at(btq_client *c, const btq_at *at)
{
    btq_pin *p = NULL;
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_client_pin(c, at, &p, &err);
    ck_assert_msg(rc == 0, "pin: %s (%s)", err.message, btq_err_name(rc));
    return p;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Up to max genesis accounts: SS58 address and (free, reserved, frozen) decoded by offsets. */
static size_t genesis_accounts(char (*addr)[BTQ_SS58_ADDRESS_CAP], btq_balance *bal, size_t max)
{
    size_t n = 0, pl = strlen(FC_ACCOUNT_PREFIX);
    for (size_t i = 0; i < fc.n && n < max; i++) {
        if (strncmp(fc.kv[i].k, FC_ACCOUNT_PREFIX, pl) != 0) continue;
        size_t kl = 0, vl = 0;
        uint8_t *k = btq_test_unhex(fc.kv[i].k, &kl);
        uint8_t *v = btq_test_unhex(fc.kv[i].v, &vl);
        ck_assert_uint_eq(kl, 32 + 16 + 32);
        ck_assert_uint_eq(vl, 56);
        ck_assert_int_eq(btq_ss58_encode(42, k + 48, 32, addr[n], BTQ_SS58_ADDRESS_CAP, NULL, NULL),
                         0);
        bal[n].free = le64(v + 16);
        bal[n].reserved = le64(v + 24);
        bal[n].frozen = le64(v + 32);
        free(k);
        free(v);
        n++;
    }
    return n;
}

START_TEST(balances_of_genesis_accounts_equal_the_chain_spec)
{
    char addr[300][BTQ_SS58_ADDRESS_CAP];
    btq_balance want[300], got[300];
    size_t n = genesis_accounts(addr, want, 300);
    ck_assert_uint_eq(n, 202);
    const char *ptrs[300];
    for (size_t i = 0; i < n; i++)
        ptrs[i] = addr[i];
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    ck_assert_str_eq(btq_pin_hash(p), FC_H1);
    ck_assert_uint_eq(btq_pin_spec_version(p), FC_SPEC);
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_balances(p, ptrs, n, got, &err) == 0, "%s", err.message);
    int funded = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(got[i].free, want[i].free);
        ck_assert_uint_eq(got[i].reserved, want[i].reserved);
        ck_assert_uint_eq(got[i].frozen, want[i].frozen);
        funded += want[i].free > 0;
    }
    ck_assert_int_gt(funded, 0);
    /* an account that is not in storage reads as zero, not an error */
    const char *alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    btq_balance z;
    ck_assert_int_eq(btq_balances(p, &alice, 1, &z, &err), 0);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(invalid_address_is_named_in_the_error)
{
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    const char *bad = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQX";
    btq_balance b;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_balances(p, &bad, 1, &b, &err), BTQ_ESS58CHECKSUM);
    ck_assert_ptr_nonnull(strstr(err.message, bad));
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(tempo_follows_the_pinned_block)
{
    btq_client *c = new_client(NULL);
    uint16_t ids[2] = {0, 1}, t[2];
    btq_error err;
    btq_error_clear(&err);
    btq_pin *head = pin_at(c, NULL);
    ck_assert_int_eq(btq_tempo(head, ids, 2, t, &err), 0);
    ck_assert_uint_eq(t[0], 100);
    ck_assert_uint_eq(t[1], 10); /* changed at block 1 */
    btq_at at = {BTQ_AT_NUMBER, NULL, 0};
    btq_pin *old = pin_at(c, &at);
    ck_assert_str_eq(btq_pin_hash(old), FC_H0);
    ck_assert_int_eq(btq_tempo(old, ids, 2, t, &err), 0);
    ck_assert_uint_eq(t[0], 100);
    ck_assert_uint_eq(t[1], 100);
    btq_at fin = {BTQ_AT_FINALIZED, NULL, 0};
    btq_pin *f = pin_at(c, &fin);
    ck_assert_str_eq(btq_pin_hash(f), FC_H0);
    uint64_t num = 99;
    ck_assert_int_eq(btq_pin_number(head, &num, &err), 0);
    ck_assert_uint_eq(num, 1); /* "0x00000001" zero-padded */
    ck_assert_int_eq(btq_block_number(c, NULL, &num, &err), 0);
    ck_assert_uint_eq(num, 1);
    /* one metadata download for all three pins */
    ck_assert_uint_eq(btq_client_metadata_fetches(c), 1);
    btq_pin_free(f);
    btq_pin_free(old);
    btq_pin_free(head);
    btq_client_free(c);
}
END_TEST

START_TEST(missing_subnet_is_enosubnet_and_all_lists_existing_ones)
{
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    uint16_t id = 7, t = 0;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_tempo(p, &id, 1, &t, &err), BTQ_ENOSUBNET);
    ck_assert_ptr_nonnull(strstr(err.message, "7"));
    uint16_t *ids = NULL, *ts = NULL;
    size_t n = 0;
    ck_assert_msg(btq_tempo_all(p, &ids, &ts, &n, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(ids[0], 0);
    ck_assert_uint_eq(ids[1], 1);
    ck_assert_uint_eq(ts[0], 100);
    ck_assert_uint_eq(ts[1], 10);
    btq_free(ids);
    btq_free(ts);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(unknown_block_number_is_eblock)
{
    btq_client *c = new_client(NULL);
    btq_at at = {BTQ_AT_NUMBER, NULL, 5};
    btq_pin *p = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_client_pin(c, &at, &p, &err), BTQ_EBLOCK);
    ck_assert_ptr_null(p);
    btq_at parsed;
    ck_assert_int_eq(btq_at_parse("12", &parsed), 0);
    ck_assert_int_eq(parsed.kind, BTQ_AT_NUMBER);
    ck_assert_int_eq(btq_at_parse(FC_H0, &parsed), 0);
    ck_assert_int_eq(parsed.kind, BTQ_AT_HASH);
    ck_assert_int_eq(btq_at_parse("0x12", &parsed), BTQ_EINVAL);
    btq_client_free(c);
}
END_TEST

START_TEST(storage_defaults_optional_none_and_unknown_names)
{
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    btq_error err;
    btq_error_clear(&err);
    /* Default entry, absent key: Tempo of subnet 9 -> metadata default, found = 0 */
    btq_key k = {BTQ_KEY_JSON, "9", NULL, NULL, 0};
    btq_storage_req r = {"SubtensorModule", "Tempo", &k, 1};
    btq_result *res = NULL;
    ck_assert_msg(btq_storage_get(p, &r, &res, &err) == 0, "%s", err.message);
    ck_assert_int_eq(btq_result_found(res), 0);
    ck_assert_ptr_nonnull(btq_result_value(res));
    btq_result_free(res);
    /* present key, raw SCALE key form */
    uint8_t one[2] = {1, 0};
    btq_key kr = {BTQ_KEY_SCALE, NULL, NULL, one, 2};
    r.keys = &kr;
    ck_assert_int_eq(btq_storage_get(p, &r, &res, &err), 0);
    ck_assert_int_eq(btq_result_found(res), 1);
    uint64_t v = 0;
    ck_assert_int_eq(btq_value_u64(btq_result_value(res), &v), 0);
    ck_assert_uint_eq(v, 10);
    btq_writer w;
    btq_writer_init(&w);
    ck_assert_int_eq(btq_result_to_json(res, 0, &w), 0);
    ck_assert_int_eq((int)w.len, 2);
    ck_assert_int_eq(memcmp(w.buf, "10", 2), 0);
    btq_writer_free(&w);
    btq_result_free(res);
    /* unknown pallet / item */
    btq_storage_req bad = {"NoSuchPallet", "Tempo", &k, 1};
    ck_assert_int_eq(btq_storage_get(p, &bad, &res, &err), BTQ_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "NoSuchPallet"));
    bad.pallet = "SubtensorModule";
    bad.item = "NoSuchItem";
    ck_assert_int_eq(btq_storage_get(p, &bad, &res, &err), BTQ_ENOTFOUND);
    /* a key text with trailing garbage is not JSON */
    btq_key junk = {BTQ_KEY_JSON, "5abc", NULL, NULL, 0};
    r.keys = &junk;
    ck_assert_int_eq(btq_storage_get(p, &r, &res, &err), BTQ_EJSON);
    r.keys = &kr;
    /* wrong key count */
    r.nkeys = 0;
    ck_assert_int_eq(btq_storage_get(p, &r, &res, &err), BTQ_EINVAL);
    /* a key that does not fit its type */
    btq_key big = {BTQ_KEY_JSON, "70000", NULL, NULL, 0};
    r.keys = &big;
    r.nkeys = 1;
    ck_assert_int_eq(btq_storage_get(p, &r, &res, &err), BTQ_EOVERFLOW);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(optional_entry_absent_is_none)
{
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    const btq_metadata *md = btq_pin_metadata(p);
    /* find any Optional map with one key in the metadata and ask for an absent key */
    const btq_pallet *pal = btq_metadata_pallet(md, "System");
    ck_assert_ptr_nonnull(pal);
    const btq_storage_entry *found = NULL;
    for (uint32_t i = 0; i < btq_metadata_npallets(md) && !found; i++) {
        const btq_pallet *pp = btq_metadata_pallet_at(md, i);
        for (uint32_t j = 0; j < pp->nstorage; j++) {
            const btq_storage_entry *e = &pp->storage[j];
            if (e->modifier == BTQ_STORAGE_OPTIONAL && e->nhashers == 1) {
                const btq_type *kt = btq_registry_type(btq_metadata_registry(md), e->key_types[0]);
                if (kt && kt->kind == BTQ_TYPE_PRIMITIVE && kt->u.primitive == BTQ_PRIM_U16) {
                    found = e;
                    pal = pp;
                    break;
                }
            }
        }
    }
    ck_assert_msg(found != NULL, "no Optional u16 map in spec 218");
    btq_key k = {BTQ_KEY_JSON, "65000", NULL, NULL, 0};
    btq_storage_req r = {pal->name, found->name, &k, 1};
    btq_result *res = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_storage_get(p, &r, &res, &err) == 0, "%s", err.message);
    ck_assert_int_eq(btq_result_found(res), 0);
    ck_assert_ptr_null(btq_result_value(res));
    btq_writer w;
    btq_writer_init(&w);
    btq_result_to_json(res, 0, &w);
    ck_assert_int_eq((int)w.len, 4);
    ck_assert_int_eq(memcmp(w.buf, "null", 4), 0);
    btq_writer_free(&w);
    btq_result_free(res);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(map_iteration_decodes_keys_back)
{
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    btq_map *m = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_storage_map(p, "System", "Account", NULL, 0, 0, &m, &err) == 0, "%s",
                  err.message);
    ck_assert_uint_eq(btq_map_count(m), 202);
    for (size_t i = 0; i < btq_map_count(m); i++) {
        const btq_value *k = btq_map_key(m, i);
        ck_assert_ptr_nonnull(k);
        const uint8_t *raw, *id;
        size_t rl, il;
        btq_map_key_bytes(m, i, &raw, &rl);
        ck_assert_int_eq(btq_value_bytes(k, &id, &il), 0);
        ck_assert_uint_eq(il, 32);
        ck_assert_int_eq(memcmp(raw + 48, id, 32), 0);
        uint64_t fr;
        ck_assert_int_eq(btq_value_path_u64(btq_map_value(m, i), "data.free", &fr), 0);
    }
    btq_map_free(m);
    /* with a limit */
    ck_assert_int_eq(btq_storage_map(p, "System", "Account", NULL, 0, 5, &m, &err), 0);
    ck_assert_uint_eq(btq_map_count(m), 5);
    btq_writer w;
    btq_writer_init(&w);
    ck_assert_int_eq(btq_map_to_json(m, 0, &w), 0);
    ck_assert_int_eq(w.buf[0], '[');
    btq_writer_free(&w);
    btq_map_free(m);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(constant_and_runtime_call)
{
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    btq_result *r = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_constant_get(p, "System", "SS58Prefix", &r, &err) == 0, "%s", err.message);
    uint64_t v = 0;
    ck_assert_int_eq(btq_value_u64(btq_result_value(r), &v), 0);
    ck_assert_uint_eq(v, 42);
    btq_result_free(r);
    ck_assert_int_eq(btq_constant_get(p, "System", "Nope", &r, &err), BTQ_ENOTFOUND);
    const char *arg = "\"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\"";
    ck_assert_msg(btq_runtime_call(p, "AccountNonceApi", "account_nonce", &arg, 1, &r, &err) == 0,
                  "%s", err.message);
    ck_assert_int_eq(btq_value_u64(btq_result_value(r), &v), 0);
    ck_assert_uint_eq(v, 5);
    btq_result_free(r);
    ck_assert_ptr_nonnull(strstr(
        fc.last_call_params, "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"));
    ck_assert_int_eq(btq_runtime_call(p, "AccountNonceApi", "account_nonce", NULL, 0, &r, &err),
                     BTQ_EINVAL);
    ck_assert_int_eq(btq_runtime_call(p, "NoApi", "x", NULL, 0, &r, &err), BTQ_ENOTFOUND);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(v14_fallback_when_v15_is_absent)
{
    fc.no_v15 = 1;
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    ck_assert_uint_eq(btq_metadata_version(btq_pin_metadata(p)), 14);
    btq_result *r = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_runtime_call(p, "Core", "version", NULL, 0, &r, &err), BTQ_ENOTSUP);
    uint16_t id = 0, t = 0;
    ck_assert_int_eq(btq_tempo(p, &id, 1, &t, &err), 0);
    ck_assert_uint_eq(t, 100);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(old_block_of_another_runtime_uses_its_own_metadata)
{
    /* block 0 runs spec 103: V14 only (the V15 call is an RPC error) and 48-byte AccountInfo */
    fc.old_runtime = 1;
    fc.md103_result = fc_hex_file_result("chain/metadata/testfinney_spec103_v14.scale", 0);
    uint8_t alice[32];
    size_t n = 0;
    const char *alice_ss58 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    ck_assert_int_eq(
        btq_ss58_decode(alice_ss58, strlen(alice_ss58), 42, NULL, alice, sizeof alice, &n, NULL),
        0);
    btq_storage_key_part part = {BTQ_HASHER_BLAKE2_128_CONCAT, alice, 32};
    uint8_t key[96];
    size_t kl = 0;
    ck_assert_int_eq(btq_storage_key("System", 6, "Account", 7, &part, 1, key, sizeof key, &kl), 0);
    btq_hex_encode(key, kl, 1, fc.old_account_key, sizeof fc.old_account_key);

    btq_client *c = new_client(NULL);
    btq_pin *head = pin_at(c, NULL);
    btq_at at = {BTQ_AT_NUMBER, NULL, 0};
    btq_pin *old = pin_at(c, &at);
    ck_assert_uint_eq(btq_pin_spec_version(head), 218);
    ck_assert_uint_eq(btq_metadata_version(btq_pin_metadata(head)), 15);
    ck_assert_uint_eq(btq_pin_spec_version(old), 103);
    ck_assert_uint_eq(btq_metadata_version(btq_pin_metadata(old)), 14);
    ck_assert_uint_eq(btq_metadata_spec_version(btq_pin_metadata(old)), 103);
    btq_balance b;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_balances(old, &alice_ss58, 1, &b, &err) == 0, "%s", err.message);
    ck_assert_uint_eq(b.free, 5000000000ull);
    ck_assert_uint_eq(b.reserved, 7);
    ck_assert_uint_eq(b.frozen, 13); /* max(misc_frozen, fee_frozen) */
    /* the head still decodes with spec 218 (56-byte AccountInfo): alice is absent -> zero */
    ck_assert_int_eq(btq_balances(head, &alice_ss58, 1, &b, &err), 0);
    ck_assert_uint_eq(b.free, 0);
    /* a second pin of each runtime downloads nothing more */
    uint64_t fetches = btq_client_metadata_fetches(c);
    btq_pin *again = pin_at(c, &at);
    ck_assert_uint_eq(btq_client_metadata_fetches(c), fetches);
    btq_pin_free(again);
    btq_pin_free(old);
    btq_pin_free(head);
    btq_client_free(c);
}
END_TEST

typedef struct {
    btq_client *c;
    int rc;
} pin_job;

static void *pin_thread(void *arg)
{
    pin_job *j = arg;
    btq_pin *p = NULL;
    j->rc = btq_client_pin(j->c, NULL, &p, NULL);
    btq_pin_free(p);
    return NULL;
}

START_TEST(concurrent_pins_share_one_metadata_fetch)
{
    fc.md_delay_ms = 200;
    btq_client *c = new_client(NULL);
    pthread_t th[6];
    pin_job jobs[6];
    for (int i = 0; i < 6; i++) {
        jobs[i].c = c;
        jobs[i].rc = -1;
        pthread_create(&th[i], NULL, pin_thread, &jobs[i]);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].rc, 0);
    }
    ck_assert_uint_eq(btq_client_metadata_fetches(c), 1);
    ck_assert_uint_eq(fc.metadata_calls, 1);
    btq_client_free(c);
}
END_TEST

START_TEST(disk_cache_lets_a_second_client_skip_the_download)
{
    char dir[] = "/tmp/btq_mdcache_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sub[300];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    btq_client *c1 = new_client(sub);
    btq_pin *p = pin_at(c1, NULL);
    btq_pin_free(p);
    ck_assert_uint_eq(btq_client_metadata_fetches(c1), 1);
    btq_client_free(c1);
    btq_client *c2 = new_client(sub);
    p = pin_at(c2, NULL);
    ck_assert_uint_eq(btq_client_metadata_fetches(c2), 0);
    ck_assert_uint_eq(btq_metadata_spec_version(btq_pin_metadata(p)), FC_SPEC);
    btq_pin_free(p);
    btq_client_free(c2);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(garbage_and_down_nodes_are_distinct_errors)
{
    fc.garbage_head = 1;
    btq_client *c = new_client(NULL);
    btq_pin *p = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_client_pin(c, NULL, &p, &err), BTQ_EPROTOCOL);
    btq_client_free(c);
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = "ws://127.0.0.1:1";
    o.connect_timeout_ms = 2000;
    ck_assert_int_eq(btq_client_new(&o, &c, &err), 0);
    int rc = btq_client_pin(c, NULL, &p, &err);
    ck_assert_msg(rc == BTQ_ECONNECT || rc == BTQ_ERETRIES, "got %s", btq_err_name(rc));
    btq_client_free(c);
    o.url = NULL;
    o.network = "nowhere";
    ck_assert_int_eq(btq_client_new(&o, &c, &err), BTQ_EINVAL);
    ck_assert_str_eq(btq_network_url("finney"), "wss://entrypoint-finney.opentensor.ai:443");
    ck_assert_str_eq(btq_network_url("local"), "ws://127.0.0.1:9944");
}
END_TEST

START_TEST(storage_op_future_form_overlaps_requests)
{
    btq_client *c = new_client(NULL);
    btq_pin *p = pin_at(c, NULL);
    btq_key k0 = {BTQ_KEY_JSON, "0", NULL, NULL, 0}, k1 = {BTQ_KEY_JSON, "1", NULL, NULL, 0};
    btq_storage_req a = {"SubtensorModule", "Tempo", &k0, 1};
    btq_storage_req b = {"SubtensorModule", "Tempo", &k1, 1};
    btq_storage_op *oa = NULL, *ob = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_storage_start(p, &a, 1, &oa, &err), 0);
    ck_assert_int_eq(btq_storage_start(p, &b, 1, &ob, &err), 0);
    btq_result *ra = NULL, *rb = NULL;
    ck_assert_int_eq(btq_storage_finish(ob, 5000, &rb, &err), 0);
    ck_assert_int_eq(btq_storage_finish(oa, 5000, &ra, &err), 0);
    uint64_t va = 0, vb = 0;
    btq_value_u64(btq_result_value(ra), &va);
    btq_value_u64(btq_result_value(rb), &vb);
    ck_assert_uint_eq(va, 100);
    ck_assert_uint_eq(vb, 10);
    btq_result_free(ra);
    btq_result_free(rb);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(format_tao_like_btcli)
{
    char b[64];
    ck_assert_int_gt(btq_format_tao(1234567890000ull, b, sizeof b), 0);
    ck_assert_str_eq(b, "\xcf\x84"
                        "1,234.567890000");
    btq_format_tao(0, b, sizeof b);
    ck_assert_str_eq(b, "\xcf\x84"
                        "0.000000000");
    btq_format_tao(UINT64_MAX, b, sizeof b);
    ck_assert_str_eq(b, "\xcf\x84"
                        "18,446,744,073.709551615");
    ck_assert_int_eq(btq_format_tao(1, b, 5), BTQ_ENOSPACE);
}
END_TEST

START_TEST(wallet_coldkey_and_hotkey_files)
{
    char dir[] = "/tmp/btq_wallet_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/w1/hotkeys", dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/w1/coldkeypub.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"accountId\": \"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\", "
          "\"publicKey\": \"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\", "
          "\"ss58Address\": \"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\"}",
          f);
    fclose(f);
    snprintf(path, sizeof path, "%s/w1/hotkeys/h1", dir);
    f = fopen(path, "w");
    fputs("{\"secretPhrase\": \"x y z\", \"ss58Address\": "
          "\"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty\"}",
          f);
    fclose(f);
    char out[BTQ_SS58_ADDRESS_CAP];
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_wallet_coldkey(dir, "w1", out, &err), 0);
    ck_assert_str_eq(out, "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    ck_assert_int_eq(btq_wallet_hotkey(dir, "w1", "h1", out, &err), 0);
    ck_assert_str_eq(out, "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
    ck_assert_int_eq(btq_wallet_coldkey(dir, "missing", out, &err), BTQ_EWALLET);
    ck_assert_int_eq(btq_wallet_coldkey(dir, "../etc", out, &err), BTQ_EINVAL);
    snprintf(path, sizeof path, "%s/w1/coldkeypub.txt", dir);
    f = fopen(path, "w");
    fputs("{\"ss58Address\": 5}", f);
    fclose(f);
    ck_assert_int_eq(btq_wallet_coldkey(dir, "w1", out, &err), BTQ_EWALLET);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("client_fakechain");
    TCase *tc = tcase_create("fake raonet node");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, balances_of_genesis_accounts_equal_the_chain_spec);
    tcase_add_test(tc, invalid_address_is_named_in_the_error);
    tcase_add_test(tc, tempo_follows_the_pinned_block);
    tcase_add_test(tc, missing_subnet_is_enosubnet_and_all_lists_existing_ones);
    tcase_add_test(tc, unknown_block_number_is_eblock);
    tcase_add_test(tc, storage_defaults_optional_none_and_unknown_names);
    tcase_add_test(tc, optional_entry_absent_is_none);
    tcase_add_test(tc, map_iteration_decodes_keys_back);
    tcase_add_test(tc, constant_and_runtime_call);
    tcase_add_test(tc, v14_fallback_when_v15_is_absent);
    tcase_add_test(tc, old_block_of_another_runtime_uses_its_own_metadata);
    tcase_add_test(tc, concurrent_pins_share_one_metadata_fetch);
    tcase_add_test(tc, disk_cache_lets_a_second_client_skip_the_download);
    tcase_add_test(tc, garbage_and_down_nodes_are_distinct_errors);
    tcase_add_test(tc, storage_op_future_form_overlaps_requests);
    suite_add_tcase(s, tc);
    TCase *off = tcase_create("offline");
    tcase_add_test(off, format_tao_like_btcli);
    tcase_add_test(off, wallet_coldkey_and_hotkey_files);
    suite_add_tcase(s, off);
    return s;
}
