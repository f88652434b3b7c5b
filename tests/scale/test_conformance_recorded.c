/* Conformance (issue 3), recorded mainnet traffic: every storage value (state_getStorage[At],
 * state_queryStorageAt) and every runtime API result (state_call) in
 * ../shared/chain/recorded/<set>/ws_responses.jsonl decodes with the metadata of its runtime
 * version and re-encodes to the same bytes. Storage keys (also those listed by
 * state_getKeysPaged) are mapped to their entry by the 32-byte twox128(prefix) ||
 * twox128(item) prefix computed from the metadata; their hashed parts are decoded (concat
 * hashers and identity carry the key: decoded with the entry's key type, the hash recomputed
 * and compared) and every key byte must be accounted for. state_call inputs are decoded with
 * the method's input types.
 *
 * Runtime versions: each recorded test's state_getRuntimeVersion answers say which spec its
 * values come from. The bittensor recordings were served spec-343 metadata, the
 * async-substrate-interface ones spec 393 (shared/chain/README.md). A value recorded at a spec
 * for which shared/ has metadata must decode; one recorded at another spec (208, 273, 274,
 * 315, 320: no metadata in shared/) is tried with the served metadata and, when that does not
 * decode it, counted as skipped with the reason. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "btq/chain.h"
#include "btq/scale.h"
#include "btq_test.h"
#include "conformance_util.h"

typedef struct recset {
    const char *dir;
    const char *file;            /* ws_responses.jsonl, or a chopsticks transcript.json */
    const char *oracle;          /* vectors/metadata-oracle/<oracle>.json */
    const char *md_v14, *md_v15; /* md_v15 NULL: the runtime has no V15 metadata */
    uint32_t spec;
    /* what the recording holds (regression guard: a silently unmatched key or skipped value
     * changes these) */
    size_t want_values, want_keys, want_calls;
} recset;

static const recset sets[] = {
    {"chain/recorded/bittensor", "ws_responses.jsonl", "recorded-bittensor", "finney_spec343_v14",
     "finney_spec343_v15", 343, 593, 1165, 6},
    {"chain/recorded/async-substrate-interface", "ws_responses.jsonl",
     "recorded-async-substrate-interface", "finney_spec393_v14", "finney_spec393_v15", 393, 203,
     403, 4},
    /* local chopsticks nodes (not mainnet), each with the exact metadata of its runtime */
    {"chain/chopsticks/raonet-spec218", "transcript.json", "recorded-chopsticks-raonet-spec218",
     "raonet_spec218_v14", "raonet_spec218_v15", 218, 0, 0, 0},
    {"chain/chopsticks/testfinney-spec103", "transcript.json",
     "recorded-chopsticks-testfinney-spec103", "testfinney_spec103_v14", NULL, 103, 0, 0, 0},
};

typedef struct prefix_ent {
    uint8_t prefix[32];
    const btq_pallet *pallet;
    const btq_storage_entry *entry;
} prefix_ent;

typedef struct test_spec {
    char name[128];
    uint32_t specs[8];
    size_t nspecs;
} test_spec;

#define MAX_REASONS 32
typedef struct ctx {
    const recset *set;
    btq_metadata *md[2]; /* V14, V15 */
    prefix_ent *prefixes;
    size_t nprefixes;
    test_spec tests[128];
    size_t ntests;
    /* counts */
    size_t values, values_other_spec, absent, keys, key_parts, calls, calls_other_spec, call_inputs,
        failures, leaves;
    /* the differential against polkadot-js (vectors/metadata-oracle/recorded-<set>.json) */
    cJSON *oracle;
    const cJSON *onext;
    size_t line, ord, diff_values, diff_leaves, pjs_lenient, pjs_error;
    int oracle_v; /* index into md[] of the metadata the oracle used (V15 when there is one) */
    char reasons[MAX_REASONS][256];
    size_t reason_count[MAX_REASONS];
    size_t nreasons, skipped;
} ctx;

static void build_prefixes(ctx *c, const btq_metadata *md)
{
    size_t n = 0;
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++)
        n += btq_metadata_pallet_at(md, p)->nstorage;
    c->prefixes = calloc(n ? n : 1, sizeof *c->prefixes);
    ck_assert_ptr_nonnull(c->prefixes);
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pal = btq_metadata_pallet_at(md, p);
        for (uint32_t i = 0; i < pal->nstorage; i++) {
            prefix_ent *e = &c->prefixes[c->nprefixes++];
            ck_assert_ptr_nonnull(pal->storage_prefix);
            btq_storage_prefix(pal->storage_prefix, strlen(pal->storage_prefix),
                               pal->storage[i].name, strlen(pal->storage[i].name), e->prefix);
            e->pallet = pal;
            e->entry = &pal->storage[i];
        }
    }
}

static const prefix_ent *find_prefix(const ctx *c, const uint8_t *key, size_t len)
{
    if (len < 32) return NULL;
    for (size_t i = 0; i < c->nprefixes; i++)
        if (memcmp(c->prefixes[i].prefix, key, 32) == 0) return &c->prefixes[i];
    return NULL;
}

static test_spec *spec_of(ctx *c, const char *test)
{
    for (size_t i = 0; i < c->ntests; i++)
        if (strcmp(c->tests[i].name, test) == 0) return &c->tests[i];
    ck_assert_uint_lt(c->ntests, sizeof c->tests / sizeof c->tests[0]);
    test_spec *t = &c->tests[c->ntests++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", test);
    return t;
}

/* Does every runtime version answer recorded for this test name the served metadata's spec? */
static int test_at_served_spec(ctx *c, const char *test, uint32_t *other)
{
    test_spec *t = spec_of(c, test);
    *other = 0;
    for (size_t i = 0; i < t->nspecs; i++)
        if (t->specs[i] != c->set->spec) *other = t->specs[i];
    /* a test without a runtime-version answer is taken to be at the served spec */
    return *other == 0;
}

static void skip(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void skip(ctx *c, const char *fmt, ...)
{
    char r[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r, sizeof r, fmt, ap);
    va_end(ap);
    c->skipped++;
    for (size_t i = 0; i < c->nreasons; i++)
        if (strcmp(c->reasons[i], r) == 0) {
            c->reason_count[i]++;
            return;
        }
    if (c->nreasons < MAX_REASONS) {
        snprintf(c->reasons[c->nreasons], sizeof c->reasons[0], "%s", r);
        c->reason_count[c->nreasons++] = 1;
    }
}

static void failure(ctx *c, const char *test, const char *what, const char *msg)
{
    if (c->failures++ < 20) printf("FAIL %s [%s] %s: %s\n", c->set->dir, test, what, msg);
}

/* One response object -> its "result" (or NULL for an error); cycles give each element. */
typedef void (*result_fn)(ctx *c, const char *test, const cJSON *params, const cJSON *result);

static void each_result(ctx *c, const char *test, const cJSON *params, const cJSON *resp,
                        result_fn fn)
{
    const cJSON *cyc = cJSON_GetObjectItemCaseSensitive(resp, "__cycle__");
    if (cJSON_IsArray(cyc)) {
        const cJSON *r;
        cJSON_ArrayForEach(r, cyc) each_result(c, test, params, r, fn);
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(resp, "error")) {
        skip(c, "JSON-RPC error response (nothing to decode)");
        return;
    }
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(resp, "result");
    if (res) fn(c, test, params, res);
}

static void note_spec(ctx *c, const char *test, const cJSON *params, const cJSON *res)
{
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(res, "specVersion");
    if (!cJSON_IsNumber(sv)) return;
    test_spec *t = spec_of(c, test);
    for (size_t i = 0; i < t->nspecs; i++)
        if (t->specs[i] == (uint32_t)sv->valueint) return;
    if (t->nspecs < 8) t->specs[t->nspecs++] = (uint32_t)sv->valueint;
}

/* Decode the hashed key parts after the 32-byte prefix. 0 ok, -1 with msg. */
static int decode_key(const btq_metadata *md, const prefix_ent *pe, const uint8_t *key, size_t len,
                      size_t *parts, char *msg, size_t cap)
{
    const btq_registry *reg = btq_metadata_registry(md);
    const btq_storage_entry *e = pe->entry;
    size_t pos = 32;
    for (uint32_t i = 0; i < e->nhashers; i++) {
        btq_hasher h = e->hashers[i];
        size_t d = btq_hasher_digest_len(h);
        int concat = h == BTQ_HASHER_BLAKE2_128_CONCAT || h == BTQ_HASHER_TWOX64_CONCAT ||
                     h == BTQ_HASHER_IDENTITY;
        if (!concat) {
            /* opaque hasher: only whole if it is the last part */
            if (i + 1 != e->nhashers || len - pos != d) {
                snprintf(msg, cap, "opaque hasher part %u: %zu bytes left, digest %zu", i,
                         len - pos, d);
                return -1;
            }
            pos += d;
            (*parts)++;
            continue;
        }
        if (len - pos < d) {
            snprintf(msg, cap, "key part %u: short digest", i);
            return -1;
        }
        const uint8_t *digest = key + pos;
        pos += d;
        btq_value_doc *doc = btq_value_doc_new();
        ck_assert_ptr_nonnull(doc);
        const btq_value *root = NULL;
        size_t used = 0;
        btq_error err;
        memset(&err, 0, sizeof err);
        int rc = btq_value_doc_decode(doc, reg, e->key_types[i], key + pos, len - pos, 0, &root,
                                      &used, &err);
        if (rc) {
            snprintf(msg, cap, "key part %u (type %u): %s at %zu: %s", i, e->key_types[i],
                     btq_err_name(rc), err.offset, err.message);
            btq_value_doc_free(doc);
            return -1;
        }
        btq_writer w;
        btq_writer_init(&w);
        rc = btq_value_encode(reg, e->key_types[i], root, &w, &err);
        int same = rc == 0 && !w.err && w.len == used && memcmp(w.buf, key + pos, used) == 0;
        btq_writer_free(&w);
        btq_value_doc_free(doc);
        if (!same) {
            snprintf(msg, cap, "key part %u (type %u) does not re-encode", i, e->key_types[i]);
            return -1;
        }
        if (d) {
            uint8_t hbuf[64];
            size_t hn = 0;
            ck_assert_int_eq(btq_hash(h, key + pos, used, hbuf, sizeof hbuf, &hn), 0);
            if (memcmp(hbuf, digest, d) != 0) {
                snprintf(msg, cap, "key part %u: %s digest does not match the decoded key", i,
                         btq_metadata_hasher_name(h));
                return -1;
            }
        }
        pos += used;
        (*parts)++;
    }
    if (pos != len) {
        snprintf(msg, cap, "%zu key bytes left after %u parts", len - pos, e->nhashers);
        return -1;
    }
    return 0;
}

/* The oracle entry of the next recorded value (values are numbered in recording order). */
static const cJSON *oracle_take(ctx *c)
{
    const cJSON *e = c->onext;
    ck_assert_msg(e != NULL, "oracle has fewer values than the recording (ord %zu)", c->ord);
    c->onext = e->next;
    const cJSON *ord = cJSON_GetObjectItemCaseSensitive(e, "ord");
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(e, "line");
    ck_assert_msg(cJSON_IsNumber(ord) && (size_t)ord->valuedouble == c->ord &&
                      cJSON_IsNumber(line) && (size_t)line->valuedouble == c->line,
                  "oracle entry out of step: ord %zu line %zu", c->ord, c->line);
    c->ord++;
    return e;
}

static void chunk_hex(const conformance_leaves *l, size_t from, size_t to, char out[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    for (size_t i = from; i < to; i++) {
        crypto_hash_sha256_update(&st, (const unsigned char *)l->v[i].kind, strlen(l->v[i].kind));
        crypto_hash_sha256_update(&st, (const unsigned char *)"\x1f", 1);
        crypto_hash_sha256_update(&st, (const unsigned char *)l->v[i].value, strlen(l->v[i].value));
        crypto_hash_sha256_update(&st, (const unsigned char *)"\x1e", 1);
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    btq_hex_encode(h, sizeof h, 0, out, 65);
}

/* btq's leaves for a recorded value vs polkadot-js's. btq_rc: 0 when btq decoded it. */
static void oracle_compare(ctx *c, const char *test, const cJSON *oe, uint32_t type_id, size_t len,
                           int btq_rc, const conformance_leaves *got, const char *what)
{
    const cJSON *jlen = cJSON_GetObjectItemCaseSensitive(oe, "len");
    ck_assert_msg(cJSON_IsNumber(jlen) && (size_t)jlen->valuedouble == len,
                  "oracle entry %zu: length differs", c->ord - 1);
    const cJSON *jt = cJSON_GetObjectItemCaseSensitive(oe, "type");
    const cJSON *oerr = cJSON_GetObjectItemCaseSensitive(oe, "oracle_error");
    if (cJSON_IsString(oerr)) {
        if (btq_rc == 0) {
            c->pjs_error++;
            printf("  note [%s] %s: btq decodes it, polkadot-js does not: %s\n", test, what,
                   oerr->valuestring);
        }
        return;
    }
    ck_assert_msg(cJSON_IsNumber(jt) && (uint32_t)jt->valuedouble == type_id,
                  "%s: polkadot-js type %g, btq %u", what, jt ? jt->valuedouble : -1.0, type_id);
    if (btq_rc != 0) {
        /* btq rejected it (a failure or a skip above); polkadot-js "decoded" it */
        c->pjs_lenient++;
        printf("  note [%s] %s: polkadot-js accepts what btq rejects\n", test, what);
        return;
    }
    char msg[1024];
    const cJSON *leaves = cJSON_GetObjectItemCaseSensitive(oe, "leaves");
    if (leaves) {
        conformance_leaves want;
        conformance_leaves_init(&want);
        ck_assert_int_eq(conformance_leaves_from_oracle(leaves, &want, msg, sizeof msg), 0);
        int rc = conformance_leaves_compare(got, &want, msg, sizeof msg);
        conformance_leaves_free(&want);
        if (rc) {
            failure(c, test, what, msg);
            return;
        }
    } else {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(oe, "nleaves");
        const cJSON *chunks = cJSON_GetObjectItemCaseSensitive(oe, "chunks");
        const cJSON *chunk = cJSON_GetObjectItemCaseSensitive(c->oracle, "chunk");
        ck_assert(cJSON_IsNumber(n) && cJSON_IsArray(chunks) && cJSON_IsNumber(chunk));
        size_t per = (size_t)chunk->valuedouble;
        if ((size_t)n->valuedouble != got->n) {
            snprintf(msg, sizeof msg, "btq has %zu leaves, polkadot-js %.0f", got->n,
                     n->valuedouble);
            failure(c, test, what, msg);
            return;
        }
        size_t k = 0;
        const cJSON *h;
        cJSON_ArrayForEach(h, chunks)
        {
            char hex[65];
            size_t to = (k + 1) * per < got->n ? (k + 1) * per : got->n;
            chunk_hex(got, k * per, to, hex);
            if (!cJSON_IsString(h) || strcmp(hex, h->valuestring) != 0) {
                snprintf(msg, sizeof msg,
                         "leaves %zu..%zu differ from polkadot-js (btq path '%s'; regenerate "
                         "with BTQ_ORACLE_FULL=1 for every leaf)",
                         k * per, to - 1, got->v[k * per].path);
                failure(c, test, what, msg);
                return;
            }
            k++;
        }
    }
    c->diff_values++;
    c->diff_leaves += got->n;
}

/* A storage key (hex) and its value (hex string or null). */
static void storage_pair(ctx *c, const char *test, const char *key_hex, const cJSON *value)
{
    uint32_t other = 0;
    int served = test_at_served_spec(c, test, &other);
    size_t klen = 0;
    uint8_t *key = conformance_unhex(key_hex, &klen);
    ck_assert_ptr_nonnull(key);
    char msg[1024], what[512];
    const cJSON *oe = value && cJSON_IsString(value) ? oracle_take(c) : NULL;
    for (int v = 0; v < 2 && c->md[v]; v++) {
        const btq_metadata *md = c->md[v];
        /* prefixes are computed from V14 (V15 has the same pallets and entries) */
        const prefix_ent *pe0 = find_prefix(c, key, klen);
        if (!pe0) {
            if (v == 0)
                skip(c, "storage key matches no entry of the spec-%u metadata", c->set->spec);
            ck_assert(oe == NULL || cJSON_GetObjectItemCaseSensitive(oe, "oracle_error"));
            break;
        }
        const prefix_ent *pe = pe0;
        prefix_ent pv;
        if (v == 1) {
            pv = *pe0;
            pv.pallet = btq_metadata_pallet(md, pe0->pallet->name);
            ck_assert_ptr_nonnull(pv.pallet);
            pv.entry = btq_pallet_storage(md, pv.pallet, pe0->entry->name);
            ck_assert_ptr_nonnull(pv.entry);
            pe = &pv;
        }
        snprintf(what, sizeof what, "V%u %s.%s key %.80s", btq_metadata_version(md),
                 pe->pallet->name, pe->entry->name, key_hex);
        size_t parts = 0;
        if (decode_key(md, pe, key, klen, &parts, msg, sizeof msg) == 0) {
            if (v == 0) {
                c->keys++;
                c->key_parts += parts;
            }
        } else if (served) {
            failure(c, test, what, msg);
        } else if (v == 0) {
            skip(c,
                 "key recorded at spec %u (no metadata in shared/), spec-%u metadata does not "
                 "decode it",
                 other, c->set->spec);
        }
        if (!value) continue; /* key only (state_getKeysPaged) */
        if (cJSON_IsNull(value)) {
            if (v == 0) c->absent++;
            continue;
        }
        ck_assert(cJSON_IsString(value));
        size_t vlen = 0;
        uint8_t *val = conformance_unhex(value->valuestring, &vlen);
        ck_assert_ptr_nonnull(val);
        snprintf(what, sizeof what, "V%u %s.%s value %.80s", btq_metadata_version(md),
                 pe->pallet->name, pe->entry->name, value->valuestring);
        conformance_leaves leaves;
        conformance_leaves_init(&leaves);
        int rc = conformance_btq_leaves(btq_metadata_registry(md), pe->entry->value_type, val, vlen,
                                        0, &leaves, msg, sizeof msg);
        if (v == 0) c->leaves += leaves.n;
        if (v == c->oracle_v) /* the metadata the oracle decoded with */
            oracle_compare(c, test, oe, pe->entry->value_type, vlen, rc, &leaves, what);
        conformance_leaves_free(&leaves);
        free(val);
        if (rc == 0) {
            if (v == 0) {
                c->values++;
                if (!served) c->values_other_spec++;
            }
        } else if (served) {
            failure(c, test, what, msg);
        } else if (v == 0) {
            skip(c,
                 "value of %s.%s recorded at spec %u (no metadata in shared/): spec-%u "
                 "metadata does not decode it",
                 pe->pallet->name, pe->entry->name, other, c->set->spec);
        }
    }
    free(key);
}

static const char *current_method;

static void storage_result(ctx *c, const char *test, const cJSON *params, const cJSON *res)
{
    if (strcmp(current_method, "state_getKeysPaged") == 0) {
        const cJSON *k;
        cJSON_ArrayForEach(k, res) storage_pair(c, test, k->valuestring, NULL);
    } else if (strcmp(current_method, "state_queryStorageAt") == 0) {
        const cJSON *blk;
        cJSON_ArrayForEach(blk, res)
        {
            const cJSON *changes = cJSON_GetObjectItemCaseSensitive(blk, "changes"), *ch;
            cJSON_ArrayForEach(ch, changes)
            {
                ck_assert(cJSON_IsArray(ch) && cJSON_GetArraySize(ch) == 2);
                storage_pair(c, test, cJSON_GetArrayItem(ch, 0)->valuestring,
                             cJSON_GetArrayItem(ch, 1));
            }
        }
    } else { /* state_getStorage / state_getStorageAt: params[0] is the key */
        storage_pair(c, test, cJSON_GetArrayItem(params, 0)->valuestring, res);
    }
}

static void call_result(ctx *c, const char *test, const cJSON *params, const cJSON *res)
{
    const btq_metadata *md = c->md[1]; /* runtime APIs: V15 */
    if (!md) {
        if (cJSON_IsString(res)) {
            const cJSON *oe = oracle_take(c);
            ck_assert(cJSON_GetObjectItemCaseSensitive(oe, "oracle_error") != NULL);
        }
        skip(c, "state_call at spec %u: no V15 metadata (V14 describes no runtime APIs)",
             c->set->spec);
        return;
    }
    const btq_registry *reg = btq_metadata_registry(md);
    uint32_t other = 0;
    int served = test_at_served_spec(c, test, &other);
    const char *name = cJSON_GetArrayItem(params, 0)->valuestring;
    const char *us = strchr(name, '_');
    ck_assert_ptr_nonnull(us);
    char api[128];
    snprintf(api, sizeof api, "%.*s", (int)(us - name), name);
    const btq_api_method *m = btq_metadata_api_method(md, api, us + 1);
    char msg[1024], what[512];
    const cJSON *oe = cJSON_IsString(res) ? oracle_take(c) : NULL;
    if (!m) {
        ck_assert(oe == NULL || cJSON_GetObjectItemCaseSensitive(oe, "oracle_error"));
        if (served)
            failure(c, test, name, "no such runtime API method in the V15 metadata");
        else
            skip(c, "%s recorded at spec %u: not in the spec-%u metadata", name, other,
                 c->set->spec);
        return;
    }
    /* inputs: the SCALE of each input in order */
    const cJSON *in = cJSON_GetArrayItem(params, 1);
    if (cJSON_IsString(in)) {
        size_t ilen = 0;
        uint8_t *ib = conformance_unhex(in->valuestring, &ilen);
        ck_assert_ptr_nonnull(ib);
        size_t pos = 0;
        int ok = 1;
        for (uint32_t i = 0; i < m->ninputs && ok; i++) {
            btq_value_doc *doc = btq_value_doc_new();
            const btq_value *root = NULL;
            size_t used = 0;
            btq_error err;
            memset(&err, 0, sizeof err);
            if (btq_value_doc_decode(doc, reg, m->inputs[i].type, ib + pos, ilen - pos, 0, &root,
                                     &used, &err) != 0)
                ok = 0;
            pos += used;
            btq_value_doc_free(doc);
        }
        if (ok && pos == ilen) {
            c->call_inputs++;
        } else if (served) {
            snprintf(what, sizeof what, "%s input %.60s", name, in->valuestring);
            failure(c, test, what, "inputs do not decode exactly with the method's input types");
        } else {
            skip(c, "%s input recorded at spec %u: spec-%u input types do not decode it", name,
                 other, c->set->spec);
        }
        free(ib);
    }
    if (!cJSON_IsString(res)) return;
    size_t len = 0;
    uint8_t *out = conformance_unhex(res->valuestring, &len);
    ck_assert_ptr_nonnull(out);
    conformance_leaves leaves;
    conformance_leaves_init(&leaves);
    int rc = conformance_btq_leaves(reg, m->output, out, len, 0, &leaves, msg, sizeof msg);
    c->leaves += leaves.n;
    snprintf(what, sizeof what, "%s result (%zu bytes)", name, len);
    oracle_compare(c, test, oe, m->output, len, rc, &leaves, what);
    conformance_leaves_free(&leaves);
    free(out);
    if (rc == 0) {
        c->calls++;
        if (!served) c->calls_other_spec++;
    } else if (served) {
        snprintf(what, sizeof what, "%s result (%zu bytes)", name, len);
        failure(c, test, what, msg);
    } else {
        skip(c,
             "%s result recorded at spec %u (no metadata in shared/): spec-%u output type "
             "does not decode it",
             name, other, c->set->spec);
    }
}

/* The recording as an array of {test, method, params, response, line}: ws_responses.jsonl
 * has one per line; a chopsticks transcript one per call (its "line" is the call's index). */
static cJSON *load_records(const recset *set)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", set->dir, set->file);
    size_t len = 0;
    char *text = (char *)btq_test_read_file(btq_test_shared_path(rel), &len);
    ck_assert_msg(text != NULL, "cannot read %s", btq_test_shared_path(rel));
    cJSON *out = cJSON_CreateArray();
    ck_assert_ptr_nonnull(out);
    if (strstr(set->file, ".jsonl")) {
        size_t n = 0;
        for (char *line = text, *next; line && *line; line = next, n++) {
            next = strchr(line, '\n');
            if (next) *next++ = '\0';
            if (!*line) continue;
            cJSON *o = cJSON_Parse(line);
            ck_assert_ptr_nonnull(o);
            cJSON_AddNumberToObject(o, "line", (double)n);
            cJSON_AddItemToArray(out, o);
        }
    } else {
        cJSON *t = cJSON_Parse(text);
        ck_assert_ptr_nonnull(t);
        const cJSON *call;
        size_t n = 0;
        cJSON_ArrayForEach(call, cJSON_GetObjectItemCaseSensitive(t, "calls"))
        {
            const cJSON *req = cJSON_GetObjectItemCaseSensitive(call, "request");
            const cJSON *method = cJSON_GetObjectItemCaseSensitive(req, "method");
            const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
            const cJSON *resp = cJSON_GetObjectItemCaseSensitive(call, "response");
            if (cJSON_IsString(method) && params && resp) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "test", strrchr(set->dir, '/') + 1);
                cJSON_AddStringToObject(o, "method", method->valuestring);
                cJSON_AddItemToObject(o, "params", cJSON_Duplicate(params, 1));
                cJSON_AddItemToObject(o, "response", cJSON_Duplicate(resp, 1));
                cJSON_AddNumberToObject(o, "line", (double)n);
                cJSON_AddItemToArray(out, o);
            }
            n++;
        }
        cJSON_Delete(t);
    }
    free(text);
    return out;
}

static void run_records(ctx *c, const cJSON *records, int pass)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, records)
    {
        const char *test = cJSON_GetObjectItemCaseSensitive(o, "test")->valuestring;
        const char *method = cJSON_GetObjectItemCaseSensitive(o, "method")->valuestring;
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "params");
        const cJSON *resp = cJSON_GetObjectItemCaseSensitive(o, "response");
        c->line = (size_t)cJSON_GetObjectItemCaseSensitive(o, "line")->valuedouble;
        current_method = method;
        if (pass == 0) {
            if (strcmp(method, "state_getRuntimeVersion") == 0 ||
                strcmp(method, "chain_getRuntimeVersion") == 0)
                each_result(c, test, params, resp, note_spec);
        } else if (strcmp(method, "state_getStorage") == 0 ||
                   strcmp(method, "state_getStorageAt") == 0 ||
                   strcmp(method, "state_queryStorageAt") == 0 ||
                   strcmp(method, "state_getKeysPaged") == 0) {
            each_result(c, test, params, resp, storage_result);
        } else if (strcmp(method, "state_call") == 0) {
            each_result(c, test, params, resp, call_result);
        }
    }
}

START_TEST(recorded_storage_values_and_runtime_api_results_decode)
{
    static ctx cbuf;
    ctx *c = &cbuf;
    memset(c, 0, sizeof *c);
    c->set = &sets[_i];
    c->md[0] = conformance_load_metadata(c->set->md_v14);
    c->md[1] = c->set->md_v15 ? conformance_load_metadata(c->set->md_v15) : NULL;
    c->oracle_v = c->md[1] ? 1 : 0;
    ck_assert_uint_eq(btq_metadata_spec_version(c->md[0]), c->set->spec);
    if (c->md[1]) ck_assert_uint_eq(btq_metadata_spec_version(c->md[1]), c->set->spec);
    build_prefixes(c, c->md[0]);
    {
        char vrel[256];
        snprintf(vrel, sizeof vrel, "vectors/metadata-oracle/%s.json", c->set->oracle);
        size_t vlen = 0;
        char *vtext = (char *)btq_test_read_file(btq_test_source_path(vrel), &vlen);
        ck_assert_msg(vtext != NULL, "cannot read %s", btq_test_source_path(vrel));
        c->oracle = cJSON_Parse(vtext);
        free(vtext);
        ck_assert_ptr_nonnull(c->oracle);
        const cJSON *entries = cJSON_GetObjectItemCaseSensitive(c->oracle, "entries");
        ck_assert(cJSON_IsArray(entries));
        c->onext = entries->child;
    }

    cJSON *records = load_records(c->set);
    run_records(c, records, 0);
    run_records(c, records, 1);
    cJSON_Delete(records);

    printf("%s (spec-%u metadata V14%s): %zu storage values decoded and re-encoded (%zu of "
           "them recorded at another spec), %zu absent (null), %zu keys decoded (%zu hashed "
           "parts checked), %zu runtime API results (%zu recorded at another spec) and %zu call "
           "inputs decoded; %zu failures; %zu skipped:\n",
           c->set->dir, c->set->spec, c->md[1] ? "+V15" : "", c->values, c->values_other_spec,
           c->absent, c->keys, c->key_parts, c->calls, c->calls_other_spec, c->call_inputs,
           c->failures, c->skipped);
    for (size_t i = 0; i < c->nreasons; i++)
        printf("  skipped %zu: %s\n", c->reason_count[i], c->reasons[i]);
    for (size_t i = 0; i < c->ntests; i++) {
        printf("  test %s: spec", c->tests[i].name);
        for (size_t k = 0; k < c->tests[i].nspecs; k++)
            printf(" %u", c->tests[i].specs[k]);
        printf("\n");
    }
    fflush(stdout);
    ck_assert_uint_gt(c->values, 0);
    if (c->md[1]) ck_assert_uint_gt(c->calls, 0);
    ck_assert_uint_gt(c->keys, 0);
    printf("  (every decoded value re-encoded byte-exactly; its canonical JSON parsed back and "
           "flattened to %zu leaves with the shape its type requires)\n",
           c->leaves);
    printf("  polkadot-js differential (V%u): %zu values, %zu leaves equal; %zu values only "
           "polkadot-js accepts, %zu only btq decodes\n",
           btq_metadata_version(c->md[c->oracle_v]), c->diff_values, c->diff_leaves, c->pjs_lenient,
           c->pjs_error);
    ck_assert_msg(c->onext == NULL, "oracle has more values than the recording");
    ck_assert_uint_eq(c->diff_values, c->values + c->calls);
    fflush(stdout);
    if (c->set->want_values) {
        ck_assert_uint_eq(c->values, c->set->want_values);
        ck_assert_uint_eq(c->keys, c->set->want_keys);
        ck_assert_uint_eq(c->calls, c->set->want_calls);
    }
    ck_assert_msg(c->failures == 0, "%zu recorded values failed to decode (see output)",
                  c->failures);
    free(c->prefixes);
    cJSON_Delete(c->oracle);
    btq_metadata_unref(c->md[0]);
    if (c->md[1]) btq_metadata_unref(c->md[1]);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("conformance_recorded");
    TCase *tc = tcase_create("mainnet");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, recorded_storage_values_and_runtime_api_results_decode, 0,
                        (int)(sizeof sets / sizeof sets[0]));
    suite_add_tcase(s, tc);
    return s;
}
