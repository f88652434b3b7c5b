/* Conformance (issue 3): async-substrate-interface's decode benchmarks fixture
 * (../shared/chain/recorded/async-substrate-interface/decode_fixtures.json, mainnet spec 393).
 *
 * - metadata_hex is the spec-393 V14 metadata (the same bytes as
 *   shared/chain/metadata/finney_spec393_v14.scale) and parses;
 * - registry_json (the PortableRegistry as the Python client read it, 727 types: the V15
 *   registry of the same runtime) equals btq's parsed V15 registry type by type: path, params,
 *   kind and every field / variant / element;
 * - scenarios "Uids (u16, N=100)" and "TotalHotkeyAlpha (N=100)": bytes_list = 100 storage-key
 *   suffixes then 100 values, type_strings parallel. The key layout the fixture states
 *   ("([u8; 16], scale_info::0, [u8; 0], scale_info::40)": digest length and key type per
 *   hasher) must be what btq's metadata says for the entry; each key suffix decodes part by part
 *   (hash recomputed from the decoded key and compared, every byte used, re-encoding exact);
 *   each value decodes exactly as the stated type, re-encodes exactly and equals the
 *   little-endian integer read independently; uids are unique within a subnet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/chain.h"
#include "btq/scale.h"
#include "btq_test.h"
#include "conformance_util.h"

static cJSON *load_fixture(void)
{
    size_t len = 0;
    const char *path =
        btq_test_shared_path("chain/recorded/async-substrate-interface/decode_fixtures.json");
    char *text = (char *)btq_test_read_file(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

START_TEST(fixture_metadata_is_the_spec393_v14_file_and_parses)
{
    cJSON *doc = load_fixture();
    const cJSON *hex = cJSON_GetObjectItemCaseSensitive(doc, "metadata_hex");
    ck_assert(cJSON_IsString(hex));
    size_t len = 0;
    uint8_t *bytes = conformance_unhex(hex->valuestring, &len);
    ck_assert_ptr_nonnull(bytes);
    size_t flen = 0;
    uint8_t *file =
        btq_test_read_file(btq_test_shared_path("chain/metadata/finney_spec393_v14.scale"), &flen);
    ck_assert_ptr_nonnull(file);
    ck_assert_uint_eq(len, flen);
    ck_assert(memcmp(bytes, file, len) == 0);
    btq_error err;
    memset(&err, 0, sizeof err);
    btq_metadata *md = NULL;
    ck_assert_int_eq(btq_metadata_parse(bytes, len, &md, &err), 0);
    ck_assert_uint_eq(btq_metadata_version(md), 14);
    ck_assert_uint_eq(btq_metadata_spec_version(md), 393);
    btq_metadata_unref(md);
    free(file);
    free(bytes);
    cJSON_Delete(doc);
}
END_TEST

/* ---- registry_json vs btq's registry ------------------------------------------------------ */

static const char *kind_key(btq_type_kind k)
{
    switch (k) {
    case BTQ_TYPE_COMPOSITE:
        return "composite";
    case BTQ_TYPE_VARIANT:
        return "variant";
    case BTQ_TYPE_SEQUENCE:
        return "sequence";
    case BTQ_TYPE_ARRAY:
        return "array";
    case BTQ_TYPE_TUPLE:
        return "tuple";
    case BTQ_TYPE_PRIMITIVE:
        return "primitive";
    case BTQ_TYPE_COMPACT:
        return "compact";
    case BTQ_TYPE_BITSEQ:
        return "bitSequence";
    }
    return "?";
}

static const char *prim_name(btq_prim p)
{
    static const char *const names[] = {"bool", "char", "str", "u8",  "u16", "u32",  "u64", "u128",
                                        "u256", "i8",   "i16", "i32", "i64", "i128", "i256"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

static int num_is(const cJSON *j, uint32_t v)
{
    return cJSON_IsNumber(j) && j->valuedouble == (double)v;
}

static int str_is(const cJSON *j, const char *s)
{
    if (!s) return j == NULL || cJSON_IsNull(j);
    return cJSON_IsString(j) && strcmp(j->valuestring, s) == 0;
}

/* fields [{"name"?, "type", "typeName"?}] */
static int fields_equal(const cJSON *jf, uint32_t n, const btq_field *f, char *msg, size_t cap)
{
    if ((uint32_t)cJSON_GetArraySize(jf) != n) {
        snprintf(msg, cap, "%d fields vs btq %u", cJSON_GetArraySize(jf), n);
        return 0;
    }
    const cJSON *e = jf ? jf->child : NULL;
    for (uint32_t i = 0; i < n && e; i++, e = e->next) { /* sizes checked above */
        if (!str_is(cJSON_GetObjectItemCaseSensitive(e, "name"), f[i].name) ||
            !num_is(cJSON_GetObjectItemCaseSensitive(e, "type"), f[i].type) ||
            !str_is(cJSON_GetObjectItemCaseSensitive(e, "typeName"), f[i].type_name)) {
            snprintf(msg, cap, "field %u (%s: %u %s) differs", i, f[i].name ? f[i].name : "_",
                     f[i].type, f[i].type_name ? f[i].type_name : "");
            return 0;
        }
    }
    return 1;
}

static int type_equal(const btq_registry *reg, const cJSON *jt, uint32_t id, char *msg, size_t cap)
{
    const btq_type *t = btq_registry_type(reg, id);
    const cJSON *ty = cJSON_GetObjectItemCaseSensitive(jt, "type");
    /* path: ["a","b"] joined with "::" */
    char path[512] = "";
    const cJSON *seg;
    cJSON_ArrayForEach(seg, cJSON_GetObjectItemCaseSensitive(ty, "path"))
    {
        if (path[0]) strncat(path, "::", sizeof path - strlen(path) - 1);
        strncat(path, seg->valuestring, sizeof path - strlen(path) - 1);
    }
    if (strcmp(path, t->path ? t->path : "") != 0) {
        snprintf(msg, cap, "path \"%.200s\" vs btq \"%.200s\"", path, t->path);
        return 0;
    }
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(ty, "params");
    if ((uint32_t)cJSON_GetArraySize(params) != t->nparams) {
        snprintf(msg, cap, "%d params vs btq %u", cJSON_GetArraySize(params), t->nparams);
        return 0;
    }
    const cJSON *p = params ? params->child : NULL;
    for (uint32_t i = 0; i < t->nparams && p; i++, p = p->next) {
        const cJSON *pt = cJSON_GetObjectItemCaseSensitive(p, "type");
        int has = pt && !cJSON_IsNull(pt);
        if (!str_is(cJSON_GetObjectItemCaseSensitive(p, "name"), t->params[i].name) ||
            has != (t->params[i].has_type != 0) || (has && !num_is(pt, t->params[i].type))) {
            snprintf(msg, cap, "param %u differs", i);
            return 0;
        }
    }
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(ty, "def");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(def, kind_key(t->kind));
    if (!d) {
        snprintf(msg, cap, "kind %s in btq, not in the fixture", kind_key(t->kind));
        return 0;
    }
    switch (t->kind) {
    case BTQ_TYPE_COMPOSITE:
        return fields_equal(cJSON_GetObjectItemCaseSensitive(d, "fields"), t->u.composite.nfields,
                            t->u.composite.fields, msg, cap);
    case BTQ_TYPE_VARIANT: {
        const cJSON *vs = cJSON_GetObjectItemCaseSensitive(d, "variants");
        if ((uint32_t)cJSON_GetArraySize(vs) != t->u.variant.nvariants) {
            snprintf(msg, cap, "%d variants vs btq %u", cJSON_GetArraySize(vs),
                     t->u.variant.nvariants);
            return 0;
        }
        const cJSON *v = vs ? vs->child : NULL;
        for (uint32_t i = 0; i < t->u.variant.nvariants && v; i++, v = v->next) {
            const btq_variant *bv = &t->u.variant.variants[i];
            if (!str_is(cJSON_GetObjectItemCaseSensitive(v, "name"), bv->name) ||
                !num_is(cJSON_GetObjectItemCaseSensitive(v, "index"), bv->index)) {
                snprintf(msg, cap, "variant %u (%s/%u) differs", i, bv->name, bv->index);
                return 0;
            }
            if (!fields_equal(cJSON_GetObjectItemCaseSensitive(v, "fields"), bv->nfields,
                              bv->fields, msg, cap))
                return 0;
        }
        return 1;
    }
    case BTQ_TYPE_SEQUENCE:
        if (num_is(cJSON_GetObjectItemCaseSensitive(d, "type"), t->u.sequence.elem)) return 1;
        snprintf(msg, cap, "sequence element differs");
        return 0;
    case BTQ_TYPE_ARRAY:
        if (num_is(cJSON_GetObjectItemCaseSensitive(d, "type"), t->u.array.elem) &&
            num_is(cJSON_GetObjectItemCaseSensitive(d, "len"), t->u.array.len))
            return 1;
        snprintf(msg, cap, "array differs");
        return 0;
    case BTQ_TYPE_TUPLE: {
        if ((uint32_t)cJSON_GetArraySize(d) != t->u.tuple.nelems) {
            snprintf(msg, cap, "tuple arity differs");
            return 0;
        }
        const cJSON *e = d->child;
        for (uint32_t i = 0; i < t->u.tuple.nelems; i++, e = e->next)
            if (!num_is(e, t->u.tuple.elems[i])) {
                snprintf(msg, cap, "tuple element %u differs", i);
                return 0;
            }
        return 1;
    }
    case BTQ_TYPE_PRIMITIVE:
        if (str_is(d, prim_name(t->u.primitive))) return 1;
        snprintf(msg, cap, "primitive %s differs", prim_name(t->u.primitive));
        return 0;
    case BTQ_TYPE_COMPACT:
        if (num_is(cJSON_GetObjectItemCaseSensitive(d, "type"), t->u.compact.inner)) return 1;
        snprintf(msg, cap, "compact inner differs");
        return 0;
    case BTQ_TYPE_BITSEQ:
        if (num_is(cJSON_GetObjectItemCaseSensitive(d, "bitStoreType"), t->u.bitseq.store_type) &&
            num_is(cJSON_GetObjectItemCaseSensitive(d, "bitOrderType"), t->u.bitseq.order_type))
            return 1;
        snprintf(msg, cap, "bit sequence differs");
        return 0;
    }
    return 0;
}

START_TEST(fixture_registry_json_equals_btq_registry_type_by_type)
{
    cJSON *doc = load_fixture();
    const cJSON *rj = cJSON_GetObjectItemCaseSensitive(doc, "registry_json");
    ck_assert(cJSON_IsString(rj));
    cJSON *reg_json = cJSON_Parse(rj->valuestring);
    ck_assert_ptr_nonnull(reg_json);
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(reg_json, "types");
    ck_assert(cJSON_IsArray(types));
    btq_metadata *md = conformance_load_metadata("finney_spec393_v15");
    const btq_registry *reg = btq_metadata_registry(md);
    ck_assert_uint_eq((uint32_t)cJSON_GetArraySize(types), reg->ntypes);
    size_t n = 0, bad = 0;
    const cJSON *jt;
    char msg[512];
    cJSON_ArrayForEach(jt, types)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(jt, "id");
        ck_assert(num_is(id, (uint32_t)n));
        if (!type_equal(reg, jt, (uint32_t)n, msg, sizeof msg)) {
            if (bad++ < 20) printf("type %zu: %s\n", n, msg);
        }
        n++;
    }
    printf("registry_json: %zu types compared with btq's spec-393 V15 registry, %zu differ\n", n,
           bad);
    fflush(stdout);
    ck_assert_uint_eq(n, 727);
    ck_assert_msg(bad == 0, "%zu types differ", bad);
    btq_metadata_unref(md);
    cJSON_Delete(reg_json);
    cJSON_Delete(doc);
}
END_TEST

/* ---- scenarios --------------------------------------------------------------------------- */

typedef struct scenario {
    const char *name;  /* key in "scenarios" */
    const char *entry; /* SubtensorModule.<entry> */
    size_t value_len;
    uint32_t netuid_part; /* index of the netuid (u16) key part */
} scenario;

static const scenario scenarios[] = {
    {"Uids (u16, N=100)", "Uids", 2, 0},
    {"TotalHotkeyAlpha (N=100)", "TotalHotkeyAlpha", 8, 1},
};

/* "([u8; 16], scale_info::0, [u8; 0], scale_info::40)" -> digests {16, 0}, types {0, 40} */
static size_t parse_key_layout(const char *s, size_t *digests, uint32_t *types, size_t max)
{
    size_t n = 0;
    const char *p = s;
    while ((p = strstr(p, "[u8; ")) != NULL && n < max) {
        digests[n] = strtoul(p + 5, NULL, 10);
        const char *q = strstr(p, "scale_info::");
        ck_assert_ptr_nonnull(q);
        types[n] = (uint32_t)strtoul(q + 12, NULL, 10);
        n++;
        p = q;
    }
    return n;
}

static uint64_t le_uint(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

START_TEST(fixture_scenario_keys_and_values_decode_and_agree)
{
    const scenario *sc = &scenarios[_i % 2];
    const char *stem = _i < 2 ? "finney_spec393_v14" : "finney_spec393_v15";
    cJSON *doc = load_fixture();
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "scenarios"), sc->name);
    ck_assert_msg(s != NULL, "no scenario %s", sc->name);
    const cJSON *bl = cJSON_GetObjectItemCaseSensitive(s, "bytes_list");
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(s, "type_strings");
    ck_assert_int_eq(cJSON_GetArraySize(bl), 200);
    ck_assert_int_eq(cJSON_GetArraySize(ts), 200);

    btq_metadata *md = conformance_load_metadata(stem);
    const btq_registry *reg = btq_metadata_registry(md);
    const btq_storage_entry *e = btq_metadata_storage(md, "SubtensorModule", sc->entry);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->nhashers, 2);

    /* the key layout and value type the fixture states == btq's metadata */
    size_t digests[4];
    uint32_t ktypes[4];
    for (int i = 0; i < 100; i++) {
        const char *t = cJSON_GetArrayItem(ts, i)->valuestring;
        ck_assert_uint_eq(parse_key_layout(t, digests, ktypes, 4), 2);
        for (uint32_t k = 0; k < 2; k++) {
            ck_assert_uint_eq(btq_hasher_digest_len(e->hashers[k]), digests[k]);
            ck_assert_uint_eq(e->key_types[k], ktypes[k]);
        }
        const char *vt = cJSON_GetArrayItem(ts, 100 + i)->valuestring;
        ck_assert_ptr_nonnull(strstr(vt, "scale_info::"));
        ck_assert_uint_eq(e->value_type,
                          (uint32_t)strtoul(strstr(vt, "scale_info::") + 12, NULL, 10));
    }

    uint16_t netuids[100];
    uint64_t values[100];
    size_t hashed_checked = 0;
    for (int i = 0; i < 100; i++) {
        size_t klen = 0, vlen = 0;
        uint8_t *key = conformance_unhex(cJSON_GetArrayItem(bl, i)->valuestring, &klen);
        uint8_t *val = conformance_unhex(cJSON_GetArrayItem(bl, 100 + i)->valuestring, &vlen);
        ck_assert(key && val);
        ck_assert_uint_eq(klen, 50);
        size_t pos = 0;
        for (uint32_t k = 0; k < 2; k++) {
            size_t d = btq_hasher_digest_len(e->hashers[k]);
            const uint8_t *digest = key + pos;
            pos += d;
            btq_value_doc *kd = NULL;
            const btq_value *root = NULL;
            btq_error err;
            memset(&err, 0, sizeof err);
            kd = btq_value_doc_new();
            ck_assert_ptr_nonnull(kd);
            size_t used = 0;
            int rc = btq_value_doc_decode(kd, reg, e->key_types[k], key + pos, klen - pos, 0, &root,
                                          &used, &err);
            ck_assert_msg(rc == 0, "key %d part %u: %s %s", i, k, btq_err_name(rc), err.message);
            /* the hasher of the decoded key bytes reproduces the digest */
            uint8_t h[64];
            size_t hn = 0;
            ck_assert_int_eq(btq_hash(e->hashers[k], key + pos, used, h, sizeof h, &hn), 0);
            ck_assert_uint_eq(hn, d + used);
            ck_assert_msg(memcmp(h, digest, d) == 0, "key %d part %u: digest mismatch", i, k);
            if (d) hashed_checked++;
            /* re-encoding the decoded key gives its bytes */
            btq_writer w;
            btq_writer_init(&w);
            ck_assert_int_eq(btq_value_encode(reg, e->key_types[k], root, &w, &err), 0);
            ck_assert_uint_eq(w.len, used);
            ck_assert(memcmp(w.buf, key + pos, used) == 0);
            btq_writer_free(&w);
            if (k == sc->netuid_part) {
                uint64_t nu = 0;
                ck_assert_int_eq(btq_value_u64(root, &nu), 0);
                ck_assert_uint_eq(used, 2);
                ck_assert_uint_eq(nu, le_uint(key + pos, 2));
                netuids[i] = (uint16_t)nu;
            } else {
                /* the account part: an AccountId32, 32 raw bytes */
                ck_assert_str_eq(btq_value_type_path(root), "sp_core::crypto::AccountId32");
                const uint8_t *acc = NULL;
                size_t an = 0;
                ck_assert_int_eq(
                    btq_value_bytes(btq_value_at(root, 0) ? btq_value_at(root, 0) : root, &acc,
                                    &an),
                    0);
                ck_assert_uint_eq(an, 32);
                ck_assert(memcmp(acc, key + pos, 32) == 0);
            }
            btq_value_doc_free(kd);
            pos += used;
        }
        ck_assert_uint_eq(pos, klen); /* every key byte accounted for */

        /* value: exact decode + re-encode, equal to the independent little-endian read */
        char msg[512];
        ck_assert_uint_eq(vlen, sc->value_len);
        ck_assert_msg(
            conformance_roundtrip(reg, e->value_type, val, vlen, 0, NULL, msg, sizeof msg) == 0,
            "value %d: %s", i, msg);
        btq_value_doc *vd = NULL;
        const btq_value *root = NULL;
        ck_assert_int_eq(
            btq_value_decode(reg, e->value_type, val, vlen, BTQ_VALUE_EXACT, &vd, &root, NULL), 0);
        ck_assert_int_eq(btq_value_u64(root, &values[i]), 0);
        ck_assert_uint_eq(values[i], le_uint(val, vlen));
        btq_value_doc_free(vd);
        free(key);
        free(val);
    }
    /* Uids: a uid is unique within its subnet */
    size_t dup = 0;
    if (strcmp(sc->entry, "Uids") == 0)
        for (int i = 0; i < 100; i++)
            for (int j = i + 1; j < 100; j++)
                if (netuids[i] == netuids[j] && values[i] == values[j]) dup++;
    ck_assert_uint_eq(dup, 0);
    printf("%s with %s: 100 keys (200 parts, %zu hashes recomputed) and 100 values decoded, "
           "re-encoded and checked\n",
           sc->name, stem, hashed_checked);
    fflush(stdout);
    btq_metadata_unref(md);
    cJSON_Delete(doc);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("conformance_fixtures");
    TCase *tc = tcase_create("decode_fixtures");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fixture_metadata_is_the_spec393_v14_file_and_parses);
    tcase_add_test(tc, fixture_registry_json_equals_btq_registry_type_by_type);
    /* 0,1: both scenarios with the V14 metadata; 2,3: with the V15 metadata */
    tcase_add_loop_test(tc, fixture_scenario_keys_and_values_decode_and_agree, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}
