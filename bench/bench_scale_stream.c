/* Scale benchmark (bench/README.md, case scale.stream): N (default 1,000,000) System.Account
 * reads of the bench accounts (query q reads account q mod 10,000) streamed through one
 * client connection with a bounded window in flight (default 1024), each one
 * btq_storage_get_async at the pinned block. Every second it records [t_s, done, rss_kib,
 * open_fds]. At the end it checks every answer (the balance matches its account, none lost,
 * none answered twice), that the transport has nothing in flight or queued, and that the
 * process's open descriptors are back to the baseline once the client is freed.
 *
 * Usage: bench_scale_stream [--url URL] [--json] [--n N] [--window W] [--shared DIR]
 *   --url   a running bench_node; otherwise a mock node serving the bench accounts runs in a
 *           forked process (needs the shared data: DIR, $BTQ_SHARED_DIR or ../shared)
 * Besides the contract's metrics it prints req_per_s_warm (after the warm-up), cpu_us_per_req,
 * heap_kib_* (glibc heap in use), connects / resent (a stream should keep its one connection)
 * and dropped_messages; transport warnings go to stderr. Debug aids: BTQ_BENCH_MALLINFO=1
 * prints the allocator's figures, BTQ_BENCH_SMAPS=PREFIX copies /proc/self/smaps at warm-up
 * and at the end, BTQ_BENCH_VERBOSE=1 prints the forked mock node's counters.
 * Exit status 0 only when every check passed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btq/client.h"

#include "support/mock_node.c"
#include "support/bench_clock.h"
#include "support/bench_mock_accounts.h"

#define ACCOUNTS 10000u

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t inflight, done, failed, wrong;
    uint8_t *answers; /* per query: how many answers it got (saturating at 255) */
    btq_error first_err;
} st = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, NULL, {0}};

static void on_answer(int status, btq_result **res, size_t n, const btq_error *err, void *user)
{
    size_t q = (size_t)(uintptr_t)user;
    int ok = 0;
    if (status == 0 && n == 1) {
        uint64_t v = 0;
        ok = btq_value_path_u64(btq_result_value(res[0]), "data.free", &v) == 0 &&
             v == bma_free_of(q % ACCOUNTS);
        btq_result_free(res[0]);
    }
    pthread_mutex_lock(&st.mu);
    if (status != 0) {
        if (st.failed++ == 0 && err) st.first_err = *err;
    } else if (!ok) {
        st.wrong++;
    }
    if (st.answers[q] < 255) st.answers[q]++;
    st.inflight--;
    st.done++;
    pthread_cond_signal(&st.cv);
    pthread_mutex_unlock(&st.mu);
}

static long rss_kib_now(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &res) != 2) res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Heap bytes in use (glibc), KiB; -1 where unknown. Tells growth of live allocations apart from
 * the allocator's own fragmentation. */
static long heap_kib_now(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    if (getenv("BTQ_BENCH_MALLINFO"))
        fprintf(stderr, "mallinfo: arena %zu in use %zu free %zu mmapped %zu (%zu chunks)\n",
                mi.arena, mi.uordblks, mi.fordblks, mi.hblkhd, mi.hblks);
    return (long)(mi.uordblks / 1024);
#else
    return -1;
#endif
}

/* Debug aid: BTQ_BENCH_SMAPS=PREFIX copies /proc/self/smaps to PREFIX.TAG. */
static void smaps_dump(const char *tag)
{
    const char *pre = getenv("BTQ_BENCH_SMAPS");
    if (!pre) return;
    char path[512];
    snprintf(path, sizeof path, "%s.%s", pre, tag);
    FILE *in = fopen("/proc/self/smaps", "r"), *out = fopen(path, "w");
    char line[512];
    while (in && out && fgets(line, sizeof line, in))
        fputs(line, out);
    if (in) fclose(in);
    if (out) fclose(out);
}

static long open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

typedef struct sample {
    double t;
    size_t done;
    long rss, fds;
} sample;

/* Transport warnings (reconnects and the like) go to stderr: a stream should see none. */
static void on_log(int level, const char *msg, void *user)
{
    (void)user;
    fprintf(stderr, "scale.stream: transport [%d]: %s\n", level, msg);
}

static void emit(int json, const char *metric, double v, const char *unit)
{
    if (json)
        printf("{\"case\":\"scale.stream\",\"client\":\"btq\",\"metric\":\"%s\",\"value\":%.6g,"
               "\"unit\":\"%s\"}\n",
               metric, v, unit);
    else
        printf("  %-16s %14.6g %s\n", metric, v, unit);
}

static void usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--url URL] [--json] [--n N] [--window W] [--shared DIR]\n", argv0);
}

int main(int argc, char **argv)
{
    const char *url = NULL, *shared = getenv("BTQ_SHARED_DIR");
    int json = 0;
    size_t n = 1000000, window = 1024;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--url") && more) {
            url = argv[++i];
        } else if (!strcmp(a, "--shared") && more) {
            shared = argv[++i];
        } else if ((!strcmp(a, "--n") || !strcmp(a, "--window")) && more) {
            char *end = NULL;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (!end || *end || v == 0 || v > 1000000000ull) {
                usage(argv[0]);
                return 2;
            }
            if (a[2] == 'n')
                n = (size_t)v;
            else
                window = (size_t)v;
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
    st.answers = calloc(n, 1);
    size_t scap = 64, ns = 0;
    sample *ser = malloc(scap * sizeof *ser);
    uint8_t(*ids)[32] = malloc((size_t)ACCOUNTS * 32);
    if (!st.answers || !ser || !ids) return 1;
    /* touch every page now so that they do not show as growth during the run (a plain memset
     * after calloc is optimised away) */
    for (size_t i = 0; i < n; i += 4096)
        ((volatile uint8_t *)st.answers)[i] = 0;
    for (uint32_t i = 0; i < ACCOUNTS; i++)
        bma_pk(i, ids[i]);

    long fds_base = open_fds();
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = url;
    o.log = on_log;
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_client_new(&o, &c, &err);
    if (!rc) rc = btq_client_pin(c, NULL, &pin, &err);
    if (rc) {
        fprintf(stderr, "scale.stream: %s (%s)\n", err.message, btq_err_name(rc));
        return 1;
    }

    size_t warm = n / 10 < 10000 ? n / 10 : 10000;
    long rss_start = -1, fds_run = -1, heap_start = -1;
    double t0 = bench_wall_s(), c0 = bench_process_cpu_s(), next_tick = t0;
    double tw = t0;
    size_t done_w = 0;
    size_t q = 0;
    pthread_mutex_lock(&st.mu);
    for (;;) {
        double now = bench_wall_s();
        if (now >= next_tick || st.done == n) {
            size_t d = st.done;
            pthread_mutex_unlock(&st.mu);
            if (ns == scap) {
                scap *= 2;
                sample *ns2 = realloc(ser, scap * sizeof *ser);
                if (!ns2) return 1;
                ser = ns2;
            }
            ser[ns++] = (sample){now - t0, d, rss_kib_now(), open_fds()};
            next_tick += 1.0;
            pthread_mutex_lock(&st.mu);
            if (d == n) break;
        }
        if (rss_start < 0 && st.done >= warm) {
            pthread_mutex_unlock(&st.mu);
            rss_start = rss_kib_now();
            heap_start = heap_kib_now();
            smaps_dump("start");
            fds_run = open_fds();
            tw = bench_wall_s();
            pthread_mutex_lock(&st.mu);
            done_w = st.done;
        }
        if (q < n && st.inflight < window && !rc) {
            st.inflight++;
            pthread_mutex_unlock(&st.mu);
            btq_key k = {BTQ_KEY_SCALE, NULL, NULL, ids[q % ACCOUNTS], 32};
            btq_storage_req r = {"System", "Account", &k, 1};
            rc = btq_storage_get_async(pin, &r, 1, on_answer, (void *)(uintptr_t)q, &err);
            pthread_mutex_lock(&st.mu);
            if (rc) {
                st.inflight--;
                fprintf(stderr, "scale.stream: query %zu: %s (%s)\n", q, err.message,
                        btq_err_name(rc));
                n = q; /* stop submitting; wait for what is in flight */
            } else {
                q++;
            }
            continue;
        }
        if (st.done == n) continue; /* take the last sample */
        double wake = next_tick;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double dl = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + (wake - now);
        ts.tv_sec = (time_t)dl;
        ts.tv_nsec = (long)((dl - (double)ts.tv_sec) * 1e9);
        pthread_cond_timedwait(&st.cv, &st.mu, &ts);
    }
    pthread_mutex_unlock(&st.mu);
    double t1 = bench_wall_s(), c1 = bench_process_cpu_s();
    long rss_end = rss_kib_now(), heap_end = heap_kib_now();
    smaps_dump("end");
    if (rss_start < 0) rss_start = rss_end;

    btq_rpc_stats rs;
    memset(&rs, 0, sizeof rs);
    btq_rpc_get_stats(btq_client_rpc_handle(c), &rs);
    btq_pin_free(pin);
    btq_client_free(c);
    long fds_end = open_fds();

    size_t lost = 0, dup = 0;
    for (size_t i = 0; i < n; i++) {
        if (st.answers[i] == 0) lost++;
        if (st.answers[i] > 1) dup++;
    }
    double secs = t1 - t0, rate = (double)n / secs;
    double rate_w = t1 > tw && n > done_w ? (double)(n - done_w) / (t1 - tw) : rate;
    if (!json) printf("scale.stream: %zu queries, window %zu, %s\n", n, window, url);
    emit(json, "req_per_s", rate, "req/s");
    emit(json, "req_per_s_warm", rate_w, "req/s");
    emit(json, "cpu_us_per_req", (c1 - c0) / (double)(n ? n : 1) * 1e6, "us");
    emit(json, "rss_kib_start", (double)rss_start, "KiB");
    emit(json, "rss_kib_end", (double)rss_end, "KiB");
    emit(json, "rss_kib_peak", (double)bench_peak_rss_kb(), "KiB");
    emit(json, "heap_kib_start", (double)heap_start, "KiB");
    emit(json, "heap_kib_end", (double)heap_end, "KiB");
    emit(json, "fds_start", (double)fds_base, "");
    emit(json, "fds_run", (double)fds_run, "");
    emit(json, "fds_end", (double)fds_end, "");
    emit(json, "inflight_end", (double)(rs.in_flight + rs.queued), "");
    emit(json, "lost", (double)lost, "");
    emit(json, "duplicated", (double)dup, "");
    emit(json, "wrong", (double)st.wrong, "");
    emit(json, "failed", (double)st.failed, "");
    emit(json, "connects", (double)rs.connects, "");
    emit(json, "resent", (double)rs.resent, "");
    emit(json, "dropped_messages",
         (double)(rs.dropped_unknown_id + rs.dropped_invalid + rs.dropped_too_big), "");
    if (json)
        printf("{\"case\":\"scale.stream\",\"client\":\"btq\",\"metric\":\"series\",\"value\":[");
    else
        printf("  series [t_s, done, rss_kib, fds]:\n");
    for (size_t i = 0; i < ns; i++)
        printf(json ? "%s[%.3f,%zu,%ld,%ld]" : "%s    [%.3f, %zu, %ld, %ld]\n",
               json && i ? "," : "", ser[i].t, ser[i].done, ser[i].rss, ser[i].fds);
    if (json) printf("],\"unit\":\"\"}\n");

    int bad = rc != 0 || lost || dup || st.wrong || st.failed || rs.in_flight || rs.queued ||
              fds_end != fds_base;
    if (st.failed)
        fprintf(stderr, "scale.stream: %zu queries failed, first: %s\n", st.failed,
                st.first_err.message);
    if (bad)
        fprintf(stderr,
                "scale.stream: FAILED (lost %zu, duplicated %zu, wrong %zu, failed %zu, in flight "
                "%llu, queued %llu, fds %ld -> %ld)\n",
                lost, dup, st.wrong, st.failed, (unsigned long long)rs.in_flight,
                (unsigned long long)rs.queued, fds_base, fds_end);
    free(st.answers);
    free(ser);
    free(ids);
    if (node.pid) bma_node_stop(&node);
    return bad ? 1 : 0;
}
