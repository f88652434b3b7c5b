/* Dynamic value decoding and JSON rendering with the real finney spec-393 V15 metadata.
 *
 * AccountInfo (System.Account, 56 bytes) decoded through the registry, over the 1024 bench
 * accounts of bench/README.md (nonce i, free 1e9 + i, ...; every result checked):
 *   codec.accountinfo_decode          bytes -> value tree in a reused doc (btq_value_doc_decode:
 *                                     the recommended usage; the same figure the peers' dynamic
 *                                     codecs give: bytes -> object)
 *   codec.accountinfo_decode.new_doc  the same with a fresh doc per value (btq_value_decode +
 *                                     btq_value_doc_free)
 *   codec.accountinfo_decode.path     reused doc + btq_value_path_u64(root, "data.free")
 *   codec.accountinfo_visit           the bare visitor (no tree), data.free picked out
 *   codec.json_print                  AccountInfo tree -> compact JSON (166 bytes)
 *   codec.json_print.constants        every constant of the metadata -> compact JSON, per value
 * Each figure: thread CPU time, median of 7 runs of N calls after a warm-up.
 * JS references on this machine (per AccountInfo): polkadot-api 1.4 us, dedot 2.5 us,
 * polkadot-js 14 us (bench/suite.mjs measures them in the same run).
 *
 * usage: bench_value [--json] [--n N] [--shared DIR] [METADATA_FILE]
 *   --json   result lines (bench/README.md) on stdout instead of the table
 *   --n N    calls per run (default 2,000,000; JSON rendering of the constants: N / 10,000
 *            passes over all of them) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/metadata.h"
#include "btq/value.h"
#include "support/bench_clock.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int json_out;

static void emit(const char *kase, double ns)
{
    printf(
        "{\"case\":\"%s\",\"client\":\"btq\",\"metric\":\"ns\",\"value\":%.6g,\"unit\":\"ns\"}\n",
        kase, ns);
    fflush(stdout);
}

static void emit_skipped(const char *kase, const char *reason)
{
    printf(
        "{\"case\":\"%s\",\"client\":\"btq\",\"metric\":\"skipped\",\"value\":0,\"reason\":\"%s\"}"
        "\n",
        kase, reason);
    fflush(stdout);
}

/* The bench accounts' AccountInfo values (bench/README.md). */
enum { POOL = 1024 };
static uint8_t accounts[POOL][56];

static void make_accounts(void)
{
    for (uint32_t i = 0; i < POOL; i++) {
        uint8_t *a = accounts[i];
        memset(a, 0, 56);
        for (int k = 0; k < 4; k++)
            a[k] = (uint8_t)(i >> (8 * k)); /* nonce */
        a[8] = 1;                           /* providers */
        uint64_t free_rao = 1000000000u + i;
        for (int k = 0; k < 8; k++)
            a[16 + k] = (uint8_t)(free_rao >> (8 * k));
        a[55] = 0x80; /* flags: the top bit of the u128 */
    }
}

static const btq_registry *g_reg;
static uint32_t g_type;
static volatile uint64_t g_sink;
static size_t g_i;

static void run_tree_fresh(void)
{
    btq_value_doc *doc;
    const btq_value *root;
    if (btq_value_decode(g_reg, g_type, accounts[g_i++ & (POOL - 1)], 56, BTQ_VALUE_EXACT, &doc,
                         &root, NULL))
        abort();
    g_sink += btq_value_count(root);
    btq_value_doc_free(doc);
}

static btq_value_doc *g_doc;
static void run_tree_reuse(void)
{
    const btq_value *root;
    if (btq_value_doc_decode(g_doc, g_reg, g_type, accounts[g_i++ & (POOL - 1)], 56,
                             BTQ_VALUE_EXACT, &root, NULL, NULL))
        abort();
    g_sink += btq_value_count(root);
}

static void run_tree_free(void)
{
    const btq_value *root;
    uint64_t free_rao;
    size_t i = g_i++ & (POOL - 1);
    if (btq_value_doc_decode(g_doc, g_reg, g_type, accounts[i], 56, BTQ_VALUE_EXACT, &root, NULL,
                             NULL) ||
        btq_value_path_u64(root, "data.free", &free_rao) || free_rao != 1000000000u + i)
        abort();
    g_sink += free_rao;
}

static int on_u64(void *u, const btq_visit_info *info, uint64_t v)
{
    if (info->field && info->field[0] == 'f' && info->field[1] == 'r' && info->field[2] == 'e')
        *(uint64_t *)u = v;
    return 0;
}

static void run_visitor(void)
{
    static const btq_visitor vis = {.on_u64 = on_u64};
    uint64_t free_rao = 0;
    if (btq_value_visit(g_reg, g_type, accounts[g_i++ & (POOL - 1)], 56, BTQ_VALUE_EXACT, &vis,
                        &free_rao, NULL, NULL))
        abort();
    g_sink += free_rao;
}

static const btq_value *g_root;
static btq_writer g_w;
static void run_json(void)
{
    btq_writer_reset(&g_w);
    if (btq_value_to_json(g_root, NULL, &g_w)) abort();
    g_sink += g_w.len;
}

/* ns per call of fn, median of 7 runs of n calls. */
static double bench(void (*fn)(void), long n)
{
    double t[7];
    for (long i = 0; i < n / 10 + 1; i++)
        fn(); /* warm up */
    for (int r = 0; r < 7; r++) {
        double t0 = bench_thread_cpu_s();
        for (long i = 0; i < n; i++)
            fn();
        t[r] = (bench_thread_cpu_s() - t0) * 1e9 / (double)n;
    }
    qsort(t, 7, sizeof t[0], cmp_double);
    return t[3];
}

/* Every result of the tree decode is checked once before timing. */
static void check_accounts(void)
{
    for (uint32_t i = 0; i < POOL; i++) {
        const btq_value *root;
        uint64_t free_rao = 0, nonce = 0;
        if (btq_value_doc_decode(g_doc, g_reg, g_type, accounts[i], 56, BTQ_VALUE_EXACT, &root,
                                 NULL, NULL) ||
            btq_value_path_u64(root, "data.free", &free_rao) ||
            btq_value_path_u64(root, "nonce", &nonce) || free_rao != 1000000000u + i ||
            nonce != i) {
            fprintf(stderr, "bench_value: AccountInfo %u decoded wrong\n", i);
            exit(1);
        }
    }
}

/* ../shared from the working directory, else the shared/ folder beside the source checkout
 * this file was compiled from (CMake passes absolute source paths). */
static const char *default_shared(void)
{
    static char dir[4096];
    FILE *f = fopen("../shared/chain/metadata/finney_spec393_v15.scale", "rb");
    if (f) {
        fclose(f);
        return "../shared";
    }
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (dir[0] != '/' || !slash) return "../shared";
    snprintf(slash, sizeof dir - (size_t)(slash - dir), "/../../shared");
    return dir;
}

static const char *const all_cases[] = {"codec.accountinfo_decode",
                                        "codec.accountinfo_decode.new_doc",
                                        "codec.accountinfo_decode.path",
                                        "codec.accountinfo_visit",
                                        "codec.json_print",
                                        "codec.json_print.constants"};

int main(int argc, char **argv)
{
    const char *file = NULL, *shared = getenv("BTQ_SHARED_DIR");
    long n = 2000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json_out = 1;
        else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
            n = atol(argv[++i]);
        else if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc)
            shared = argv[++i];
        else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            i++; /* no node needed */
        else if (argv[i][0] != '-')
            file = argv[i];
        else {
            fprintf(stderr, "usage: bench_value [--json] [--n N] [--shared DIR] [METADATA_FILE]\n");
            return 2;
        }
    }
    if (n < 1) n = 1;
    char path[8192];
    if (file)
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%s/chain/metadata/finney_spec393_v15.scale",
                 shared ? shared : default_shared());
    FILE *f = fopen(path, "rb");
    static uint8_t buf[4 << 20];
    size_t len = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    btq_metadata *md = NULL;
    if (!f || btq_metadata_parse(buf, len, &md, NULL)) {
        fprintf(stderr, "bench_value: %s: %s\n", path, f ? "does not parse" : "cannot open");
        if (json_out)
            for (size_t k = 0; k < sizeof all_cases / sizeof all_cases[0]; k++)
                emit_skipped(all_cases[k], "no finney spec-393 V15 metadata (--shared DIR)");
        return 1;
    }
    const btq_storage_entry *acc = btq_metadata_storage(md, "System", "Account");
    if (!acc) {
        fprintf(stderr, "bench_value: no System.Account in %s\n", path);
        return 1;
    }
    g_reg = btq_metadata_registry(md);
    g_type = acc->value_type;
    g_doc = btq_value_doc_new();
    make_accounts();
    check_accounts();

    double ns_reuse = bench(run_tree_reuse, n);
    double ns_fresh = bench(run_tree_fresh, n);
    double ns_path = bench(run_tree_free, n);
    double ns_visit = bench(run_visitor, n);

    btq_writer_init(&g_w);
    btq_value_doc *adoc;
    if (btq_value_decode(g_reg, g_type, accounts[5], 56, BTQ_VALUE_EXACT, &adoc, &g_root, NULL))
        abort();
    double ns_json = bench(run_json, n / 2 + 1);
    size_t json_len = g_w.len;

    /* every constant, rendered in turn: a mix of kinds and sizes */
    size_t nconst = 0, bytes = 0;
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++)
        nconst += btq_metadata_pallet_at(md, p)->nconstants;
    btq_value_doc **docs = calloc(nconst ? nconst : 1, sizeof *docs);
    const btq_value **roots = calloc(nconst ? nconst : 1, sizeof *roots);
    if (!docs || !roots) abort();
    size_t k = 0;
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pl = btq_metadata_pallet_at(md, p);
        for (uint32_t i = 0; i < pl->nconstants; i++, k++)
            if (btq_value_decode(g_reg, pl->constants[i].type, pl->constants[i].value,
                                 pl->constants[i].value_len, BTQ_VALUE_EXACT, &docs[k], &roots[k],
                                 NULL))
                abort();
    }
    long passes = n / 10000 + 1;
    double runs[7];
    for (int r = 0; r < 7; r++) {
        double t0 = bench_thread_cpu_s();
        bytes = 0;
        for (long rep = 0; rep < passes; rep++)
            for (size_t i = 0; i < nconst; i++) {
                btq_writer_reset(&g_w);
                btq_value_to_json(roots[i], NULL, &g_w);
                bytes += g_w.len;
            }
        runs[r] = (bench_thread_cpu_s() - t0) * 1e9;
    }
    qsort(runs, 7, sizeof runs[0], cmp_double);
    double per_const = nconst ? runs[3] / ((double)passes * (double)nconst) : 0;

    if (json_out) {
        emit("codec.accountinfo_decode", ns_reuse);
        emit("codec.accountinfo_decode.new_doc", ns_fresh);
        emit("codec.accountinfo_decode.path", ns_path);
        emit("codec.accountinfo_visit", ns_visit);
        emit("codec.json_print", ns_json);
        emit("codec.json_print.constants", per_const);
    } else {
        printf("AccountInfo (56 bytes, %d bench accounts) through the dynamic decoder, %s\n", POOL,
               path);
        printf("  tree, reused doc            %8.1f ns/value   (codec.accountinfo_decode)\n",
               ns_reuse);
        printf("  tree, new doc per value     %8.1f ns/value\n", ns_fresh);
        printf("  tree + path data.free       %8.1f ns/value\n", ns_path);
        printf("  bare visitor (data.free)    %8.1f ns/value\n", ns_visit);
        printf("  JS on this machine: polkadot-api 1.4 us, dedot 2.5 us, polkadot-js 14 us "
               "(reused doc: %.0fx polkadot-api)\n",
               1400.0 / ns_reuse);
        printf("JSON (compact)\n  AccountInfo                 %8.1f ns/value, %zu bytes, %.0f "
               "MB/s\n",
               ns_json, json_len, (double)json_len / ns_json * 1e3);
        printf("  all %zu constants            %8.1f ns/value, %.0f MB/s\n", nconst, per_const,
               (double)bytes / runs[3] * 1e3);
    }
    for (size_t i = 0; i < nconst; i++)
        btq_value_doc_free(docs[i]);
    free(docs);
    free(roots);
    btq_value_doc_free(adoc);
    btq_value_doc_free(g_doc);
    btq_writer_free(&g_w);
    btq_metadata_unref(md);
    return 0;
}
