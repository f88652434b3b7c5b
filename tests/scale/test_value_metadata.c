/* The dynamic value layer against real Bittensor metadata: AccountInfo through System.Account,
 * every constant and storage default of every metadata file, recorded storage values, and a
 * synthetic value of every type id (decode -> encode byte-exact, JSON renders). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "btq/metadata.h"
#include "btq/value.h"
#include "btq_test.h"

static btq_metadata *load(const char *file)
{
    char rel[256];
    snprintf(rel, sizeof rel, "chain/metadata/%s", file);
    size_t n;
    uint8_t *b = btq_test_read_file(btq_test_shared_path(rel), &n);
    ck_assert_msg(b != NULL, "cannot read %s", rel);
    btq_metadata *md = NULL;
    btq_error err = {0};
    int rc = btq_metadata_parse(b, n, &md, &err);
    ck_assert_msg(rc == 0, "%s: %s", file, err.message);
    free(b);
    return md;
}

/* Decode exactly, re-encode byte-exactly, render JSON. Returns 0 or the failing code. */
static int round_trip(const btq_registry *reg, uint32_t type, const uint8_t *b, size_t n,
                      const char *what)
{
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    btq_error err = {0};
    int rc = btq_value_decode(reg, type, b, n, BTQ_VALUE_EXACT, &doc, &root, &err);
    ck_assert_msg(rc == 0, "%s: decode %s at %zu (%s): %s", what, btq_err_name(rc), err.offset,
                  err.path, err.message);
    btq_writer w;
    btq_writer_init(&w);
    rc = btq_value_encode(reg, type, root, &w, &err);
    ck_assert_msg(rc == 0, "%s: encode %s (%s): %s", what, btq_err_name(rc), err.path, err.message);
    ck_assert_msg(w.len == n && (n == 0 || memcmp(w.buf, b, n) == 0), "%s: bytes differ", what);
    btq_writer_reset(&w);
    ck_assert_int_eq(btq_value_to_json(root, NULL, &w), 0);
    ck_assert_uint_gt(w.len, 0);
    btq_writer_free(&w);
    btq_value_doc_free(doc);
    return 0;
}

/* Through newtypes (Cow<'static, [...]> wraps the apis Vec), like typed access does. */
static const btq_value *btq__test_unwrap(const btq_value *v)
{
    while (btq_value_get_kind(v) == BTQ_VALUE_COMPOSITE && btq_value_count(v) == 1)
        v = btq_value_at(v, 0);
    return v;
}

static const char *const files[] = {"devnet_spec381_v16.scale", "devnet_spec346_v16.scale",
                                    "devnet_spec240_v15.scale", "finney_spec343_v14.scale",
                                    "finney_spec343_v15.scale", "finney_spec393_v15.scale",
                                    "finney_spec393_v14.scale", "raonet_spec218_v14.scale",
                                    "raonet_spec218_v15.scale", "testfinney_spec103_v14.scale"};

/* Recorded mainnet System.Account value (bittensor get_balance, state_getStorageAt). */
static const char account_hex[] =
    "8d000000010000000100000000000000d0c30fbc0100000000e1f505000000000000000000000000000000000"
    "00000000000000000000080";

START_TEST(account_info_decodes_through_system_account)
{
    btq_metadata *md = load("finney_spec393_v15.scale");
    const btq_registry *reg = btq_metadata_registry(md);
    const btq_storage_entry *e = btq_metadata_storage(md, "System", "Account");
    ck_assert_ptr_nonnull(e);
    size_t n;
    uint8_t *b = btq_test_unhex(account_hex, &n);
    ck_assert_uint_eq(n, 56);
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    ck_assert_int_eq(btq_value_decode(reg, e->value_type, b, n, BTQ_VALUE_EXACT, &doc, &root, NULL),
                     0);
    ck_assert_str_eq(btq_value_type_path(root), "frame_system::AccountInfo");
    uint64_t v;
    ck_assert_int_eq(btq_value_path_u64(root, "nonce", &v), 0);
    ck_assert_uint_eq(v, 141);
    ck_assert_int_eq(btq_value_path_u64(root, "data.free", &v), 0);
    ck_assert_uint_eq(v, 7450117072ull);
    ck_assert_int_eq(btq_value_path_u64(root, "data.reserved", &v), 0);
    ck_assert_uint_eq(v, 100000000ull);
    char json[512];
    ck_assert_int_eq(btq_value_to_json_buf(root, NULL, json, sizeof json, NULL), 0);
    ck_assert_str_eq(json, "{\"nonce\":141,\"consumers\":1,\"providers\":1,\"sufficients\":0,"
                           "\"data\":{\"free\":7450117072,\"reserved\":100000000,\"frozen\":0,"
                           "\"flags\":\"170141183460469231731687303715884105728\"}}");
    round_trip(reg, e->value_type, b, n, "System.Account");
    btq_value_doc_free(doc);
    /* 55 bytes: the u128 flags at offset 40 is short */
    btq_error err = {0};
    ck_assert_int_eq(btq_value_decode(reg, e->value_type, b, 55, 0, &doc, &root, &err), BTQ_ESHORT);
    ck_assert_uint_eq(err.offset, 40);
    ck_assert_str_eq(err.path, "data.flags.0"); /* ExtraFlags(u128) is a newtype */
    free(b);
    btq_metadata_unref(md);
}
END_TEST

/* A Vec of tuples inside a struct: System.Version's apis: Vec<([u8; 8], u32)>. */
START_TEST(runtime_version_constant_reads_through_paths)
{
    btq_metadata *md = load("finney_spec393_v15.scale");
    const btq_constant *c = btq_metadata_constant(md, "System", "Version");
    ck_assert_ptr_nonnull(c);
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    ck_assert_int_eq(btq_value_decode(btq_metadata_registry(md), c->type, c->value, c->value_len,
                                      BTQ_VALUE_EXACT, &doc, &root, NULL),
                     0);
    uint64_t v = 0;
    ck_assert_int_eq(btq_value_path_u64(root, "spec_version", &v), 0);
    ck_assert_uint_eq(v, 393);
    const char *s;
    size_t n;
    const btq_value *name;
    ck_assert_int_eq(btq_value_path(root, "spec_name", &name), 0);
    ck_assert_int_eq(btq_value_str(name, &s, &n), 0); /* Cow<str> newtype, unwrapped */
    ck_assert_uint_eq(n, 14);
    ck_assert_int_eq(memcmp(s, "node-subtensor", 14), 0);
    const btq_value *apis;
    ck_assert_int_eq(btq_value_path(root, "apis", &apis), 0);
    ck_assert_uint_eq(btq_value_count(btq__test_unwrap(apis)), 23);
    /* an index on a newtype selects its one field, as in error paths: apis.0 is the Vec */
    ck_assert_int_eq(btq_value_path_u64(root, "apis.0.0.1", &v), 0);
    ck_assert_uint_eq(v, 5);
    const btq_value *id;
    const uint8_t *p;
    ck_assert_int_eq(btq_value_path(root, "apis.0.0.0", &id), 0);
    ck_assert_int_eq(btq_value_bytes(id, &p, &n), 0);
    ck_assert_uint_eq(n, 8);
    ck_assert_int_eq(memcmp(p, "\xdf\x6a\xcb\x68\x99\x07\x60\x9b", 8), 0);
    btq_value_doc_free(doc);
    btq_metadata_unref(md);
}
END_TEST

/* A variant enum and compacts in a runtime API result (recorded TransactionPaymentApi answer). */
START_TEST(runtime_api_output_reads_variant_and_compacts)
{
    btq_metadata *md = load("finney_spec393_v15.scale");
    const btq_api_method *m = btq_metadata_api_method(md, "TransactionPaymentApi", "query_info");
    ck_assert_ptr_nonnull(m);
    size_t n;
    uint8_t *b = btq_test_unhex("0xe2e01c272538003714020000000000", &n);
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    ck_assert_int_eq(btq_value_decode(btq_metadata_registry(md), m->output, b, n, BTQ_VALUE_EXACT,
                                      &doc, &root, NULL),
                     0);
    uint64_t v;
    ck_assert_int_eq(btq_value_path_u64(root, "weight.ref_time", &v), 0);
    ck_assert_uint_eq(v, 164051000);
    ck_assert_int_eq(btq_value_path_u64(root, "weight.proof_size", &v), 0);
    ck_assert_uint_eq(v, 3593);
    ck_assert_int_eq(btq_value_path_u64(root, "partial_fee", &v), 0);
    ck_assert_uint_eq(v, 136247);
    const btq_value *cls;
    const char *name;
    uint8_t idx;
    ck_assert_int_eq(btq_value_path(root, "class", &cls), 0);
    ck_assert_int_eq(btq_value_variant(cls, &name, &idx), 0);
    ck_assert_str_eq(name, "Normal");
    ck_assert_uint_eq(idx, 0);
    round_trip(btq_metadata_registry(md), m->output, b, n, "query_info");
    btq_value_doc_free(doc);
    free(b);
    btq_metadata_unref(md);
}
END_TEST

/* Every runtime-API answer recorded against spec 393 decodes with that metadata. */
START_TEST(recorded_runtime_api_results_decode)
{
    btq_metadata *md = load("finney_spec393_v15.scale");
    size_t n;
    char *text = (char *)btq_test_read_file(
        btq_test_shared_path("chain/recorded/async-substrate-interface/ws_responses.jsonl"), &n);
    ck_assert_ptr_nonnull(text);
    int decoded = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        cJSON *j = cJSON_Parse(line);
        ck_assert_ptr_nonnull(j);
        const cJSON *method = cJSON_GetObjectItemCaseSensitive(j, "method");
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "params");
        const cJSON *resp = cJSON_GetObjectItemCaseSensitive(j, "response");
        const cJSON *result = resp ? cJSON_GetObjectItemCaseSensitive(resp, "result") : NULL;
        if (method && cJSON_IsString(method) && strcmp(method->valuestring, "state_call") == 0 &&
            result && cJSON_IsString(result)) {
            /* "TransactionPaymentApi_query_info" -> API and method at the first '_' */
            char name[128];
            snprintf(name, sizeof name, "%s", cJSON_GetArrayItem(params, 0)->valuestring);
            char *us = strchr(name, '_');
            ck_assert_ptr_nonnull(us);
            *us = '\0';
            const btq_api_method *m = btq_metadata_api_method(md, name, us + 1);
            ck_assert_msg(m != NULL, "no method %s.%s", name, us + 1);
            size_t bl;
            uint8_t *b = btq_test_unhex(result->valuestring, &bl);
            round_trip(btq_metadata_registry(md), m->output, b, bl, name);
            free(b);
            decoded++;
        }
        cJSON_Delete(j);
    }
    ck_assert_int_ge(decoded, 4);
    free(text);
    btq_metadata_unref(md);
}
END_TEST

START_TEST(every_constant_and_default_round_trips)
{
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        btq_metadata *md = load(files[f]);
        const btq_registry *reg = btq_metadata_registry(md);
        size_t nconst = 0, ndef = 0;
        for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
            const btq_pallet *pl = btq_metadata_pallet_at(md, p);
            char what[256];
            for (uint32_t i = 0; i < pl->nconstants; i++) {
                const btq_constant *c = &pl->constants[i];
                snprintf(what, sizeof what, "%s %s.%s", files[f], pl->name, c->name);
                round_trip(reg, c->type, c->value, c->value_len, what);
                nconst++;
            }
            for (uint32_t i = 0; i < pl->nstorage; i++) {
                const btq_storage_entry *e = &pl->storage[i];
                if (e->modifier != BTQ_STORAGE_DEFAULT) continue; /* Optional: None */
                snprintf(what, sizeof what, "%s %s.%s default", files[f], pl->name, e->name);
                round_trip(reg, e->value_type, e->default_value, e->default_len, what);
                ndef++;
            }
        }
        ck_assert_uint_gt(nconst, 10);
        ck_assert_uint_gt(ndef, 10);
        btq_metadata_unref(md);
    }
}
END_TEST

/* decode_fixtures.json: Uids (u16, type 40) and TotalHotkeyAlpha (u64, type 6) values under the
 * V14 spec-393 registry, checked against the little-endian integers of the raw bytes. */
START_TEST(recorded_uids_and_alpha_values_decode)
{
    btq_metadata *md = load("finney_spec393_v14.scale");
    const btq_registry *reg = btq_metadata_registry(md);
    size_t n;
    char *text = (char *)btq_test_read_file(
        btq_test_shared_path("chain/recorded/async-substrate-interface/decode_fixtures.json"), &n);
    ck_assert_ptr_nonnull(text);
    static const struct {
        const char *scenario;
        uint32_t type;
        size_t width;
    } sc[] = {{"\"Uids (u16, N=100)\"", 40, 2}, {"\"TotalHotkeyAlpha (N=100)\"", 6, 8}};
    for (size_t s = 0; s < 2; s++) {
        char *at = strstr(text, sc[s].scenario);
        ck_assert_ptr_nonnull(at);
        at = strstr(at, "\"bytes_list\"");
        ck_assert_ptr_nonnull(at);
        at = strchr(at, '[');
        /* skip the 100 key suffixes, then read the 100 values */
        int checked = 0;
        for (int i = 0; i < 200; i++) {
            char *q = strchr(at, '"');
            char *e = strchr(q + 1, '"');
            at = e + 1;
            if (i < 100) continue;
            char hex[64];
            size_t hl = (size_t)(e - q - 1);
            ck_assert_uint_lt(hl, sizeof hex);
            memcpy(hex, q + 1, hl);
            hex[hl] = '\0';
            size_t bl;
            uint8_t *b = btq_test_unhex(hex, &bl);
            ck_assert_uint_eq(bl, sc[s].width);
            uint64_t want = 0;
            for (size_t k = bl; k-- > 0;)
                want = (want << 8) | b[k];
            btq_value_doc *doc = NULL;
            const btq_value *root;
            ck_assert_int_eq(
                btq_value_decode(reg, sc[s].type, b, bl, BTQ_VALUE_EXACT, &doc, &root, NULL), 0);
            uint64_t got = 0;
            ck_assert_int_eq(btq_value_u64(root, &got), 0);
            ck_assert_uint_eq(got, want);
            btq_value_doc_free(doc);
            free(b);
            checked++;
        }
        ck_assert_int_eq(checked, 100);
    }
    free(text);
    btq_metadata_unref(md);
}
END_TEST

/* A valid encoding of any type: the variant picked by seed, sequences of one element until
 * deep, zero bytes elsewhere. Returns 0, or -1 when the type is too recursive to finish. */
static int gen(const btq_registry *reg, uint32_t id, btq_writer *w, int depth, unsigned seed)
{
    const btq_type *t = btq_registry_type(reg, id);
    if (!t || depth > 60) return -1;
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE: {
        static const size_t width[] = {1, 4, 1, 1, 2, 4, 8, 16, 32, 1, 2, 4, 8, 16, 32};
        uint8_t z[32] = {0};
        if (t->u.primitive == BTQ_PRIM_STR) return btq_write_str(w, "s\xc3\xa9", 3);
        if (t->u.primitive != BTQ_PRIM_BOOL && t->u.primitive != BTQ_PRIM_CHAR)
            memset(z, (int)(0x11 * (seed % 15 + 1)), sizeof z);
        return btq_write_raw(w, z, width[t->u.primitive]);
    }
    case BTQ_TYPE_COMPACT: {
        const btq_type *in = btq_registry_type(reg, t->u.compact.inner);
        if (in && in->min_size == 0) return 0; /* Compact<()> is empty */
    }
        return btq_write_compact_u64(w, depth % 2 ? 63 : 64); /* fits every inner width */
    case BTQ_TYPE_BITSEQ: {
        const bool bits[] = {true, false, true, true, false, false, true, false, true};
        return btq_write_bitseq(w, t->u.bitseq.store, t->u.bitseq.order, bits, 9);
    }
    case BTQ_TYPE_COMPOSITE:
        for (uint32_t i = 0; i < t->u.composite.nfields; i++)
            if (gen(reg, t->u.composite.fields[i].type, w, depth + 1, seed)) return -1;
        return 0;
    case BTQ_TYPE_TUPLE:
        for (uint32_t i = 0; i < t->u.tuple.nelems; i++)
            if (gen(reg, t->u.tuple.elems[i], w, depth + 1, seed)) return -1;
        return 0;
    case BTQ_TYPE_ARRAY:
        for (uint32_t i = 0; i < t->u.array.len; i++)
            if (gen(reg, t->u.array.elem, w, depth + 1, seed)) return -1;
        return 0;
    case BTQ_TYPE_SEQUENCE:
        if (depth > 8) return btq_write_compact_u64(w, 0);
        btq_write_compact_u64(w, 1);
        return gen(reg, t->u.sequence.elem, w, depth + 1, seed);
    case BTQ_TYPE_VARIANT: {
        if (t->u.variant.nvariants == 0) return -1;
        const btq_variant *v = &t->u.variant.variants[seed % t->u.variant.nvariants];
        if (depth > 8) /* prefer a variant without fields to end recursion */
            for (uint32_t i = 0; i < t->u.variant.nvariants; i++)
                if (t->u.variant.variants[i].nfields == 0) v = &t->u.variant.variants[i];
        btq_write_u8(w, v->index);
        for (uint32_t i = 0; i < v->nfields; i++)
            if (gen(reg, v->fields[i].type, w, depth + 1, seed * 31 + i)) return -1;
        return 0;
    }
    }
    return -1;
}

START_TEST(synthetic_value_of_every_type_round_trips)
{
    const char *which[] = {"finney_spec393_v15.scale", "devnet_spec381_v16.scale"};
    for (size_t f = 0; f < 2; f++) {
        btq_metadata *md = load(which[f]);
        const btq_registry *reg = btq_metadata_registry(md);
        size_t done = 0;
        for (unsigned seed = 0; seed < 4; seed++) {
            for (uint32_t id = 0; id < reg->ntypes; id++) {
                btq_writer w;
                btq_writer_init(&w);
                if (gen(reg, id, &w, 0, seed + id) == 0 && w.err == 0) {
                    char what[96];
                    snprintf(what, sizeof what, "%s type %u seed %u", which[f], id, seed);
                    round_trip(reg, id, w.buf, w.len, what);
                    done++;
                }
                btq_writer_free(&w);
            }
        }
        ck_assert_uint_gt(done, 3 * reg->ntypes);
        btq_metadata_unref(md);
    }
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/value_metadata");
    TCase *tc = tcase_create("metadata");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, account_info_decodes_through_system_account);
    tcase_add_test(tc, runtime_version_constant_reads_through_paths);
    tcase_add_test(tc, runtime_api_output_reads_variant_and_compacts);
    tcase_add_test(tc, recorded_runtime_api_results_decode);
    tcase_add_test(tc, every_constant_and_default_round_trips);
    tcase_add_test(tc, recorded_uids_and_alpha_values_decode);
    tcase_add_test(tc, synthetic_value_of_every_type_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
