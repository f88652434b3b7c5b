/* Dynamic value decoding and JSON rendering with the real finney spec-393 V15 metadata.
 * AccountInfo (System.Account, 56 bytes, recorded mainnet value) decoded through the registry:
 * a tree in a fresh doc, a tree in a reused doc, decode + path read of data.free, and a bare
 * visitor (no tree). JSON: AccountInfo and every constant of the metadata, compact form.
 * Median of 7 runs. JS references on this machine (per AccountInfo): polkadot-api 1.4 us,
 * dedot 2.5 us, polkadot-js 14 us.
 * usage: bench_value [METADATA_FILE] */
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

static const uint8_t account[56] = {
    0x8d, 0,    0, 0, 1, 0,    0,    0,    1,    0, 0, 0, 0, 0, 0, 0, 0xd0, 0xc3, 0x0f,
    0xbc, 0x01, 0, 0, 0, 0x00, 0xe1, 0xf5, 0x05, 0, 0, 0, 0, 0, 0, 0, 0,    0,    0,
    0,    0,    0, 0, 0, 0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0,    0x80};

static const btq_registry *g_reg;
static uint32_t g_type;
static volatile uint64_t g_sink;

static void run_tree_fresh(void)
{
    btq_value_doc *doc;
    const btq_value *root;
    if (btq_value_decode(g_reg, g_type, account, 56, BTQ_VALUE_EXACT, &doc, &root, NULL)) abort();
    g_sink += btq_value_count(root);
    btq_value_doc_free(doc);
}

static btq_value_doc *g_doc;
static void run_tree_reuse(void)
{
    const btq_value *root;
    if (btq_value_doc_decode(g_doc, g_reg, g_type, account, 56, BTQ_VALUE_EXACT, &root, NULL, NULL))
        abort();
    g_sink += btq_value_count(root);
}

static void run_tree_free(void)
{
    const btq_value *root;
    uint64_t free_rao;
    if (btq_value_doc_decode(g_doc, g_reg, g_type, account, 56, BTQ_VALUE_EXACT, &root, NULL,
                             NULL) ||
        btq_value_path_u64(root, "data.free", &free_rao))
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
    if (btq_value_visit(g_reg, g_type, account, 56, BTQ_VALUE_EXACT, &vis, &free_rao, NULL, NULL))
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
    for (long i = 0; i < n / 10; i++)
        fn(); /* warm up */
    for (int r = 0; r < 7; r++) {
        double t0 = (bench_thread_cpu_s() * 1e9);
        for (long i = 0; i < n; i++)
            fn();
        t[r] = ((bench_thread_cpu_s() * 1e9) - t0) / (double)n;
    }
    qsort(t, 7, sizeof t[0], cmp_double);
    return t[3];
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *shared = getenv("BTQ_SHARED_DIR");
    if (argc > 1)
        snprintf(path, sizeof path, "%s", argv[1]);
    else
        snprintf(path, sizeof path, "%s/chain/metadata/finney_spec393_v15.scale",
                 shared ? shared : "../shared");
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_value: cannot open %s\n", path);
        return 1;
    }
    static uint8_t buf[4 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    btq_metadata *md;
    if (btq_metadata_parse(buf, len, &md, NULL)) {
        fprintf(stderr, "bench_value: %s does not parse\n", path);
        return 1;
    }
    g_reg = btq_metadata_registry(md);
    g_type = btq_metadata_storage(md, "System", "Account")->value_type;
    g_doc = btq_value_doc_new();

    printf("AccountInfo (56 bytes) through the dynamic decoder, %s\n", path);
    printf("  tree, new doc per value     %8.1f ns/value\n", bench(run_tree_fresh, 2000000));
    printf("  tree, reused doc            %8.1f ns/value\n", bench(run_tree_reuse, 2000000));
    printf("  tree + path data.free       %8.1f ns/value\n", bench(run_tree_free, 2000000));
    printf("  bare visitor (data.free)    %8.1f ns/value\n", bench(run_visitor, 2000000));

    btq_writer_init(&g_w);
    btq_value_doc *adoc;
    btq_value_decode(g_reg, g_type, account, 56, BTQ_VALUE_EXACT, &adoc, &g_root, NULL);
    double ns = bench(run_json, 1000000);
    printf("JSON (compact)\n  AccountInfo                 %8.1f ns/value, %zu bytes, %.0f MB/s\n",
           ns, g_w.len, (double)g_w.len / ns * 1e3);

    /* every constant, rendered in turn: a mix of kinds and sizes */
    size_t nconst = 0, bytes = 0;
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++)
        nconst += btq_metadata_pallet_at(md, p)->nconstants;
    btq_value_doc **docs = calloc(nconst, sizeof *docs);
    const btq_value **roots = calloc(nconst, sizeof *roots);
    size_t k = 0;
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pl = btq_metadata_pallet_at(md, p);
        for (uint32_t i = 0; i < pl->nconstants; i++, k++)
            if (btq_value_decode(g_reg, pl->constants[i].type, pl->constants[i].value,
                                 pl->constants[i].value_len, BTQ_VALUE_EXACT, &docs[k], &roots[k],
                                 NULL))
                abort();
    }
    double best = 1e300;
    for (int r = 0; r < 7; r++) {
        double t0 = (bench_thread_cpu_s() * 1e9);
        bytes = 0;
        for (int rep = 0; rep < 200; rep++)
            for (size_t i = 0; i < nconst; i++) {
                btq_writer_reset(&g_w);
                btq_value_to_json(roots[i], NULL, &g_w);
                bytes += g_w.len;
            }
        double t = (bench_thread_cpu_s() * 1e9) - t0;
        if (t < best) best = t;
    }
    printf("  all %zu constants            %8.1f ns/value, %.0f MB/s\n", nconst,
           best / (200.0 * (double)nconst), (double)bytes / best * 1e3);
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
