/* End-to-end client benchmark (bench/README.md, cases e2e.balances.N.concurrent / .batched):
 * the balances of N distinct bench accounts at one pinned block, every answer checked against
 * the contract (account i: free = 1_000_000_000 + i). Each case runs in a fresh forked process
 * so that its CPU time and peak RSS are its own; the figures cover the queries only (the
 * client is connected and the block pinned, with its metadata, before the clock starts).
 *   concurrent  N single-key System.Account reads in flight together: one
 *               btq_storage_get_async per account (state_getStorage at the pinned block), the
 *               decoded result delivered to a callback on the client's worker thread;
 *   batched     btq_balances_ids: the multi-key read (state_queryStorageAt chunks in flight
 *               together), decoded on the calling thread.
 * Without --json it also measures a cold start (new client + pin + one balance in a fresh
 * process: metadata downloaded, and read from the on-disk cache).
 *
 * Usage: bench_client_balances [--url URL] [--json] [--mode concurrent|batched|both] [--n N]
 *                              [--shared DIR | SHARED_DIR]
 *   --url   a running bench_node; otherwise a mock node serving the bench accounts runs in a
 *           forked process (needs the shared data: DIR, $BTQ_SHARED_DIR or ../shared)
 *   --n     one N (default: 1000 and 10000)
 * Exit status 0 only when every case ran and every balance was right. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "btq/client.h"

#include "support/mock_node.c"
#include "support/bench_clock.h"
#include "support/bench_mock_accounts.h"

enum { MODE_CONCURRENT = 1, MODE_BATCHED = 2 };

static int json_out;

static void emit(const char *kase, const char *metric, double v, const char *unit)
{
    printf(
        "{\"case\":\"%s\",\"client\":\"btq\",\"metric\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n",
        kase, metric, v, unit);
}

/* ---- concurrent: one async read per account ---------------------------------------------- */

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t done, failed;
    uint64_t *free_rao; /* per account; UINT64_MAX = no answer */
    btq_error first_err;
} conc = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, NULL, {0}};

static void conc_cb(int status, btq_result **res, size_t n, const btq_error *err, void *user)
{
    uint64_t *slot = user, v = UINT64_MAX;
    if (status == 0 && n == 1) {
        if (btq_value_path_u64(btq_result_value(res[0]), "data.free", &v) != 0) v = UINT64_MAX;
        btq_result_free(res[0]);
    }
    pthread_mutex_lock(&conc.mu);
    if (status != 0 && conc.failed++ == 0 && err) conc.first_err = *err;
    *slot = v;
    conc.done++;
    pthread_cond_signal(&conc.cv);
    pthread_mutex_unlock(&conc.mu);
}

static int run_concurrent(btq_pin *pin, size_t n, const uint8_t (*ids)[32], btq_error *err)
{
    conc.free_rao = malloc((n ? n : 1) * sizeof *conc.free_rao);
    if (!conc.free_rao) return BTQ_ENOMEM;
    for (size_t i = 0; i < n; i++)
        conc.free_rao[i] = UINT64_MAX;
    size_t started = 0;
    int rc = 0;
    for (; started < n; started++) {
        btq_key k = {BTQ_KEY_SCALE, NULL, NULL, ids[started], 32};
        btq_storage_req r = {"System", "Account", &k, 1};
        rc = btq_storage_get_async(pin, &r, 1, conc_cb, &conc.free_rao[started], err);
        if (rc) break;
    }
    pthread_mutex_lock(&conc.mu);
    while (conc.done < started)
        pthread_cond_wait(&conc.cv, &conc.mu);
    pthread_mutex_unlock(&conc.mu);
    if (!rc && conc.failed) {
        *err = conc.first_err;
        rc = err->code ? err->code : BTQ_EPROTOCOL;
    }
    return rc;
}

/* ---- one case in this process -------------------------------------------------------------- */

static int run_case(const char *url, size_t n, int mode, const char *cache_dir, const char *label)
{
    double t0 = bench_wall_s(), c0 = bench_process_cpu_s();
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = url;
    o.metadata_cache_dir = cache_dir;
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_client_new(&o, &c, &err);
    if (!rc) rc = btq_client_pin(c, NULL, &pin, &err);
    uint8_t(*ids)[32] = malloc((n ? n : 1) * 32);
    btq_balance *b = calloc(n ? n : 1, sizeof *b);
    if (!ids || !b) return 1;
    for (size_t i = 0; i < n; i++)
        bma_pk((uint32_t)i, ids[i]);
    double t1 = bench_wall_s(), c1 = bench_process_cpu_s();
    if (!rc) {
        if (mode == MODE_CONCURRENT)
            rc = run_concurrent(pin, n, (const uint8_t(*)[32])ids, &err);
        else
            rc = btq_balances_ids(pin, (const uint8_t(*)[32])ids, n, b, &err);
    }
    double t2 = bench_wall_s(), c2 = bench_process_cpu_s();
    long rss = bench_peak_rss_kb();
    const char *mname = mode == MODE_CONCURRENT ? "concurrent" : "batched";
    if (rc) {
        fprintf(stderr, "%s %zu %s: %s (%s)\n", label, n, mname,
                err.message[0] ? err.message : btq_strerror(rc), btq_err_name(rc));
        return 1;
    }
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t got = mode == MODE_CONCURRENT ? conc.free_rao[i] : b[i].free;
        int ok = got == bma_free_of(i);
        if (mode == MODE_BATCHED) ok = ok && b[i].reserved == 0 && b[i].frozen == 0;
        if (!ok && wrong++ < 3)
            fprintf(stderr, "%s %zu %s: account %zu: free %llu, expected %llu\n", label, n, mname,
                    i, (unsigned long long)got, (unsigned long long)bma_free_of(i));
    }
    if (wrong) {
        fprintf(stderr, "%s %zu %s: %zu wrong or missing balances\n", label, n, mname, wrong);
        return 1;
    }
    double wall = t2 - t1, cpu = c2 - c1;
    if (json_out) {
        char kase[64];
        snprintf(kase, sizeof kase, "e2e.balances.%zu.%s", n, mname);
        emit(kase, "wall_ms", wall * 1e3, "ms");
        emit(kase, "cpu_ms", cpu * 1e3, "ms");
        emit(kase, "rss_kib", (double)rss, "KiB");
        emit(kase, "accounts_per_s", (double)n / wall, "accounts/s");
    } else {
        printf("%-31s %-10s %6zu accounts  start+pin %6.1f ms (cpu %5.1f)  balances %7.1f ms "
               "(cpu %7.1f, %8.0f accounts/s)  peak RSS %6.1f MiB\n",
               label, mname, n, (t1 - t0) * 1e3, (c1 - c0) * 1e3, wall * 1e3, cpu * 1e3,
               (double)n / wall, (double)rss / 1024.0);
    }
    free(conc.free_rao);
    free(ids);
    free(b);
    btq_pin_free(pin);
    btq_client_free(c);
    return 0;
}

static int fork_case(const char *url, size_t n, int mode, const char *cache_dir, const char *label)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        int r = run_case(url, n, mode, cache_dir, label);
        fflush(stdout);
        fflush(stderr);
        _exit(r);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [--url URL] [--json] [--mode concurrent|batched|both] [--n N] "
            "[--shared DIR | SHARED_DIR]\n",
            argv0);
}

int main(int argc, char **argv)
{
    const char *url = NULL, *shared = getenv("BTQ_SHARED_DIR");
    int modes = MODE_CONCURRENT | MODE_BATCHED;
    size_t ns[2] = {1000, 10000}, nn = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--json")) {
            json_out = 1;
        } else if (!strcmp(a, "--url") && more) {
            url = argv[++i];
        } else if (!strcmp(a, "--shared") && more) {
            shared = argv[++i];
        } else if (!strcmp(a, "--mode") && more) {
            const char *m = argv[++i];
            if (!strcmp(m, "concurrent"))
                modes = MODE_CONCURRENT;
            else if (!strcmp(m, "batched"))
                modes = MODE_BATCHED;
            else if (!strcmp(m, "both"))
                modes = MODE_CONCURRENT | MODE_BATCHED;
            else {
                usage(argv[0]);
                return 2;
            }
        } else if (!strcmp(a, "--n") && more) {
            char *end = NULL;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (!end || *end || v == 0 || v > 100000000ull) {
                usage(argv[0]);
                return 2;
            }
            ns[0] = (size_t)v;
            nn = 1;
        } else if (a[0] != '-') {
            shared = a;
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    if (!shared) shared = "../shared";
    bma_node node;
    memset(&node, 0, sizeof node);
    if (!url) {
        if (bma_node_start(&node, shared)) return 1;
        url = node.url;
    }
    int rc = 0;
    if (!json_out) {
        char dir[] = "/tmp/btq_bench_cache_XXXXXX";
        if (!mkdtemp(dir)) return 1;
        rc |= fork_case(url, 1, MODE_BATCHED, NULL, "cold, metadata downloaded");
        rc |= fork_case(url, 1, MODE_BATCHED, dir, "cold, fills the disk cache");
        rc |= fork_case(url, 1, MODE_BATCHED, dir, "cold, metadata from disk cache");
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) rc = 1;
    }
    for (size_t k = 0; k < nn; k++) {
        if (modes & MODE_CONCURRENT) rc |= fork_case(url, ns[k], MODE_CONCURRENT, NULL, "balances");
        if (modes & MODE_BATCHED) rc |= fork_case(url, ns[k], MODE_BATCHED, NULL, "balances");
    }
    if (node.pid) bma_node_stop(&node);
    return rc;
}
