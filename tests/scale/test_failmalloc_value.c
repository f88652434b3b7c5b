/* Value decoding under failing allocations (issue 7): real mainnet values decoded into a tree,
 * printed as JSON (compact and pretty), re-encoded from the tree, and decoded again into a
 * reused doc, each step run with allocation N failing for every N = 1, 2, ... until a run makes
 * fewer than N allocations (so it never met the failure and must produce the exact value).
 * Every run that meets the failure returns BTQ_ENOMEM, hands out no value (doc / root / bytes
 * NULL, the writer empty) and frees every block it allocated (failmalloc's exact count, plus
 * AddressSanitizer's leak checker in the sanitizer build). Two modes: only the Nth allocation
 * fails, or the Nth and every later one.
 *
 * Values: an AccountInfo (System.Account, finney spec 393, from the recorded get_balance
 * traffic) and NeuronInfoRuntimeApi.get_neurons_lite of the recorded metagraph test (finney
 * spec 343, ~186 KB of SCALE: a sequence of large composites with nested sequences). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "btq/metadata.h"
#include "btq/value.h"
#include "btq_test.h"
#include "failmalloc.h"

/* System.Account of 5... (recorded/bittensor/ws_responses.jsonl, test get_balance): nonce 141,
 * free 7450117072 rao, reserved 100000000, flags 1 << 127. */
static const char account_hex[] = "0x8d000000010000000100000000000000"
                                  "d0c30fbc0100000000e1f505000000000000000000000000"
                                  "00000000000000000000000000000080";

typedef struct sample {
    const char *name;
    btq_metadata *md;
    uint32_t type;
    uint8_t *bytes;
    size_t len;
    char *json; /* compact JSON of a clean run */
    size_t json_len;
} sample;

static sample samples[2];

static uint8_t *neurons_lite_bytes(size_t *len)
{
    size_t n = 0;
    char *text = (char *)btq_test_read_file(
        btq_test_shared_path("chain/recorded/bittensor/ws_responses.jsonl"), &n);
    ck_assert_msg(text != NULL, "recorded traffic missing");
    uint8_t *out = NULL;
    for (char *line = text, *next; line && *line && !out; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (!strstr(line, "\"metagraph\"") || !strstr(line, "get_neurons_lite")) continue;
        cJSON *o = cJSON_Parse(line);
        const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "response"), "result");
        if (cJSON_IsString(r)) out = btq_test_unhex(r->valuestring, len);
        cJSON_Delete(o);
    }
    free(text);
    ck_assert_msg(out != NULL, "no get_neurons_lite result in the metagraph recording");
    return out;
}

static btq_metadata *load_md(const char *rel)
{
    size_t n = 0;
    uint8_t *b = btq_test_read_file(btq_test_shared_path(rel), &n);
    ck_assert_msg(b != NULL, "cannot read %s", rel);
    btq_metadata *md = NULL;
    ck_assert_int_eq(btq_metadata_parse(b, n, &md, NULL), 0);
    free(b);
    return md;
}

static char *json_of(const btq_value *v, int pretty, size_t *len)
{
    btq_writer w;
    btq_writer_init(&w);
    btq_json_opts o = {0};
    o.pretty = pretty;
    ck_assert_int_eq(btq_value_to_json(v, &o, &w), 0);
    ck_assert_int_eq(btq_write_u8(&w, 0), 0);
    uint8_t *p = NULL;
    ck_assert_int_eq(btq_writer_take(&w, &p, len), 0);
    char *s = strdup((char *)p);
    btq_free(p);
    *len -= 1;
    return s;
}

/* Loaded once in the parent process (an unchecked fixture); every forked test reads it. */
static void load_samples(void)
{
    sample *a = &samples[0];
    a->name = "AccountInfo";
    a->md = load_md("chain/metadata/finney_spec393_v15.scale");
    const btq_storage_entry *se = btq_metadata_storage(a->md, "System", "Account");
    ck_assert_ptr_nonnull(se);
    a->type = se->value_type;
    a->bytes = btq_test_unhex(account_hex, &a->len);
    ck_assert_uint_eq(a->len, 16 + 3 * 8 + 16);

    sample *b = &samples[1];
    b->name = "get_neurons_lite";
    b->md = load_md("chain/metadata/finney_spec343_v15.scale");
    const btq_api_method *m =
        btq_metadata_api_method(b->md, "NeuronInfoRuntimeApi", "get_neurons_lite");
    ck_assert_ptr_nonnull(m);
    b->type = m->output;
    b->bytes = neurons_lite_bytes(&b->len);
    ck_assert_uint_gt(b->len, 100000);

    for (int i = 0; i < 2; i++) {
        btq_value_doc *doc = NULL;
        const btq_value *root = NULL;
        sample *s = &samples[i];
        ck_assert_int_eq(btq_value_decode(btq_metadata_registry(s->md), s->type, s->bytes, s->len,
                                          BTQ_VALUE_EXACT, &doc, &root, NULL),
                         0);
        s->json = json_of(root, 0, &s->json_len);
        btq_value_doc_free(doc);
    }
}

static void free_samples(void)
{
    for (int i = 0; i < 2; i++) {
        btq_metadata_unref(samples[i].md);
        free(samples[i].bytes);
        free(samples[i].json);
    }
}

/* The checks of a complete value. */
static void check_value(const sample *s, const btq_value *root)
{
    ck_assert_ptr_nonnull(root);
    if (s == &samples[0]) {
        uint64_t v = 0;
        ck_assert_int_eq(btq_value_path_u64(root, "nonce", &v), 0);
        ck_assert_uint_eq(v, 141);
        ck_assert_int_eq(btq_value_path_u64(root, "data.free", &v), 0);
        ck_assert_uint_eq(v, 7450117072u);
        ck_assert_int_eq(btq_value_path_u64(root, "data.reserved", &v), 0);
        ck_assert_uint_eq(v, 100000000u);
    } else {
        ck_assert_int_eq(btq_value_get_kind(root), BTQ_VALUE_SEQUENCE);
        ck_assert_uint_gt(btq_value_count(root), 100);
        const btq_value *hk = NULL;
        ck_assert_int_eq(btq_value_path(root, "5.hotkey", &hk), 0);
        const uint8_t *p = NULL;
        size_t n = 0;
        ck_assert_int_eq(btq_value_bytes(hk, &p, &n), 0);
        ck_assert_uint_eq(n, 32);
    }
}

/* ---- the operations: each returns its status and owns nothing afterwards ------------------ */
enum { OP_DECODE, OP_JSON, OP_JSON_PRETTY, OP_ENCODE, OP_REDECODE, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"decode into a new doc", "JSON (compact)",
                                               "JSON (pretty)", "encode from the tree",
                                               "decode into a reused doc"};

/* Prepared outside the window for the steps after decoding. */
static btq_value_doc *pre_doc;
static const btq_value *pre_root;

static int run_op(const sample *s, int op)
{
    const btq_registry *reg = btq_metadata_registry(s->md);
    btq_error err;
    btq_error_clear(&err);
    int rc;
    switch (op) {
    case OP_DECODE: {
        btq_value_doc *doc = (btq_value_doc *)&err; /* must become NULL on failure */
        const btq_value *root = NULL;
        rc = btq_value_decode(reg, s->type, s->bytes, s->len, BTQ_VALUE_EXACT, &doc, &root, &err);
        if (rc) {
            ck_assert_ptr_null(doc);
            ck_assert_int_eq(err.code, rc);
        } else {
            check_value(s, root);
        }
        btq_value_doc_free(doc);
        break;
    }
    case OP_JSON:
    case OP_JSON_PRETTY: {
        btq_writer w;
        btq_writer_init(&w);
        btq_json_opts o = {0};
        o.pretty = op == OP_JSON_PRETTY;
        rc = btq_value_to_json(pre_root, &o, &w);
        uint8_t *p = (uint8_t *)&w;
        size_t n = 0;
        int trc = btq_writer_take(&w, &p, &n); /* a failed write is sticky: take reports it */
        if (!rc) rc = trc;
        if (trc) {
            ck_assert_ptr_eq(p, (uint8_t *)&w); /* nothing handed out */
            ck_assert_ptr_null(w.buf);
        } else if (!rc) {
            if (op == OP_JSON) {
                ck_assert_uint_eq(n, s->json_len);
                ck_assert(memcmp(p, s->json, n) == 0);
            } else {
                ck_assert_uint_gt(n, s->json_len);
            }
        }
        if (!trc) btq_free(p);
        break;
    }
    case OP_ENCODE: {
        btq_writer w;
        btq_writer_init(&w);
        rc = btq_value_encode(reg, s->type, pre_root, &w, &err);
        uint8_t *p = NULL;
        size_t n = 0;
        int trc = btq_writer_take(&w, &p, &n);
        if (!rc) rc = trc;
        if (!trc && !rc) {
            ck_assert_uint_eq(n, s->len);
            ck_assert(memcmp(p, s->bytes, n) == 0);
        }
        if (!trc) btq_free(p);
        break;
    }
    default: { /* OP_REDECODE: into pre_doc, which holds a value already */
        const btq_value *root = (const btq_value *)&err; /* must become NULL on failure */
        rc = btq_value_doc_decode(pre_doc, reg, s->type, s->bytes, s->len, BTQ_VALUE_EXACT, &root,
                                  NULL, &err);
        if (rc) {
            ck_assert_ptr_null(root);
            ck_assert_int_eq(err.code, rc);
        } else {
            check_value(s, root);
        }
        pre_root = rc ? NULL : root;
        break;
    }
    }
    return rc;
}

static void every_n(const sample *s, int op, enum failmalloc_mode mode)
{
    const char *mname = mode == FAILMALLOC_NTH ? "nth" : "from";
    const btq_registry *reg = btq_metadata_registry(s->md);
    failmalloc_install();
    long clean = -1, failed_runs = 0;
    for (long n = 1;; n++) {
        /* a fresh doc per run for the steps that read a tree (a big first chunk, so that the
         * reused-doc decode needs at most a few more) */
        ck_assert_int_eq(btq_value_decode(reg, s->type, s->bytes, s->len, BTQ_VALUE_EXACT, &pre_doc,
                                          &pre_root, NULL),
                         0);
        failmalloc_start(mode, n);
        int rc = run_op(s, op);
        long made = failmalloc_stop();
        long k = 0;
        size_t sz = 0;
        if (op == OP_REDECODE && rc) {
            /* the doc survives a failed decode: it is reusable and frees cleanly */
            const btq_value *root = NULL;
            ck_assert_int_eq(btq_value_doc_decode(pre_doc, reg, s->type, s->bytes, s->len,
                                                  BTQ_VALUE_EXACT, &root, NULL, NULL),
                             0);
            check_value(s, root);
        }
        btq_value_doc_free(pre_doc);
        pre_doc = NULL;
        pre_root = NULL;
        size_t live = failmalloc_live(&k, &sz);
        ck_assert_msg(live == 0,
                      "%s, %s, N=%ld (%s): %zu blocks leaked (first: allocation %ld, "
                      "%zu bytes)",
                      s->name, op_names[op], n, mname, live, k, sz);
        if (made < n) {
            ck_assert_msg(rc == 0, "%s, %s, N=%ld not reached (%s): %s", s->name, op_names[op], n,
                          mname, btq_err_name(rc));
            clean = made;
            break;
        }
        failed_runs++;
        ck_assert_msg(rc == BTQ_ENOMEM, "%s, %s, failing allocation %ld (%s): %s", s->name,
                      op_names[op], n, mname, btq_err_name(rc));
    }
    ck_assert_int_eq(failed_runs, clean);
    printf("%s, %s (%s): %ld allocations, each failed in turn: BTQ_ENOMEM, no leak\n", s->name,
           op_names[op], mode == FAILMALLOC_NTH ? "only the Nth fails" : "the Nth on fail", clean);
    fflush(stdout);
    failmalloc_uninstall();
}

/* _i = sample * OP_COUNT + op */
START_TEST(each_failing_allocation_is_enomem_without_leak_nth_only)
{
    every_n(&samples[_i / OP_COUNT], _i % OP_COUNT, FAILMALLOC_NTH);
}
END_TEST

START_TEST(each_failing_allocation_is_enomem_without_leak_from_nth_on)
{
    every_n(&samples[_i / OP_COUNT], _i % OP_COUNT, FAILMALLOC_FROM);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("failmalloc_value");
    TCase *tc = tcase_create("every_n");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, load_samples, free_samples);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_nth_only, 0,
                        2 * OP_COUNT);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_from_nth_on, 0,
                        2 * OP_COUNT);
    suite_add_tcase(s, tc);
    return s;
}
