/* The soak program (issue 7): a steady load of reads through one btq_rpc handle against the
 * misbehaving mock node, with a forced reconnect every few seconds and random faults, watching
 * the client's resident memory, open descriptors and in-flight counters over time.
 *
 *   bench_soak [--duration S] [--warmup S] [--reconnect-every S] [--fault-rate F] [--rate R]
 *              [--window W] [--interval S] [--rss-limit-kib K] [--no-rss-check]
 *              [--max-failed N] [--seed N] [--json] [--verbose]
 *
 * The mock node runs in a forked child process (so the RSS and descriptor figures are the
 * client's own); it drops every connection every --reconnect-every seconds and, for a
 * fraction --fault-rate of the requests, queues a random fault (answer cut mid-frame then
 * dropped, graceful close, junk JSON / UTF-8 frames, duplicate / wrong / unknown ids,
 * fragmented or slow answers, held answers released out of order, JSON-RPC errors, silence).
 * Every request is mock_echo with its own sequence number as parameter, so every answer's
 * identity is checked: the program counts, per request, answers (ok, JSON-RPC error, failed),
 * answers to a request already answered (duplicated), answers with another request's result
 * (wrong) and requests never answered (lost). At most --window requests are in flight; new
 * ones are submitted at --rate per second (0 = as fast as the window allows).
 *
 * Every --interval seconds it prints [t, requests done, rss KiB, open fds, in flight]. At the
 * end it drains (no new requests until every answer is in), frees the handle and checks:
 * lost = duplicated = wrong = 0, failed <= --max-failed, in flight 0 and nothing queued, the
 * descriptors back to the baseline taken before the handle existed (and no growth while
 * connected), and the RSS growth from the end of the warm-up to the end at most
 * --rss-limit-kib (default 512). Exit status 0 when every check holds, 1 otherwise.
 * --json prints the result lines of bench/README.md (case "soak", plus a "series" line whose
 * value is [[t_s, done, rss_kib, fds, in_flight], ...]). */
#define _GNU_SOURCE /* memmem in the included mock node */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "btq/rpc.h"

#include "support/mock_node.c"

typedef struct soak_opts {
    double duration, warmup, reconnect_every, fault_rate, interval;
    double rate;
    unsigned window;
    long rss_limit_kib;
    int rss_check;
    long max_failed;
    unsigned seed;
    int json, verbose;
} soak_opts;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(double ms)
{
    struct timespec ts = {(time_t)(ms / 1000),
                          (long)((ms - 1000 * (double)(time_t)(ms / 1000)) * 1e6)};
    nanosleep(&ts, NULL);
}

/* xorshift64*: the same sequence of faults for the same seed */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

/* ---- process figures ----------------------------------------------------------------------- */
static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &size, &res) != 2) res = -1;
    fclose(f);
    return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static long open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    long n = 0;
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1; /* the directory stream's own descriptor */
}

/* ---- the mock node, in the child ------------------------------------------------------------ */
typedef struct node_report {
    uint64_t requests, connections, drops, forced_drops, faults;
} node_report;

static void queue_fault(mock_node *n, uint64_t *rng, int allow_silent)
{
    mock_fault f;
    memset(&f, 0, sizeof f);
    f.method = "mock_echo";
    f.count = 1;
    switch (rng_next(rng) % (allow_silent ? 14 : 13)) {
    case 0:
        f.kind = MOCK_DROP_MID;
        break;
    case 1:
        f.kind = MOCK_CLOSE_AFTER;
        break;
    case 2:
        f.kind = MOCK_JUNK_JSON;
        f.arg = 1 + rng_next(rng) % 3;
        break;
    case 3:
        f.kind = MOCK_JUNK_UTF8;
        break;
    case 4:
        f.kind = MOCK_DUP_ID;
        break;
    case 5:
        f.kind = MOCK_WRONG_ID;
        break;
    case 6:
        f.kind = MOCK_UNKNOWN_ID;
        break;
    case 7:
        f.kind = MOCK_FRAGMENT;
        f.arg = 2 + rng_next(rng) % 30;
        break;
    case 8:
        f.kind = MOCK_SLOW;
        f.arg = 10 + rng_next(rng) % 190;
        break;
    case 9:
        f.kind = MOCK_HOLD;
        f.count = 2 + (unsigned)(rng_next(rng) % 3);
        break;
    case 10:
        f.kind = MOCK_RPC_ERROR;
        f.rpc_code = -32000 - (int)(rng_next(rng) % 10);
        f.text = "soak: injected error";
        break;
    case 11:
        f.kind = MOCK_DROP_BEFORE;
        break;
    case 12:
        f.kind = MOCK_DUP_ID;
        break;
    default:
        f.kind = MOCK_SILENT;
        break; /* answered after the next forced reconnect */
    }
    mock_node_fault(n, &f);
}

static void run_node(int cmd_fd, int out_fd, const soak_opts *o)
{
    mock_node_opts mo;
    memset(&mo, 0, sizeof mo);
    mock_node *n = mock_node_start(&mo);
    if (!n) {
        dprintf(out_fd, "-1\n");
        _exit(1);
    }
    dprintf(out_fd, "%d\n", mock_node_port(n));
    uint64_t rng = 0x9E3779B97F4A7C15ull ^ o->seed;
    node_report rep = {0};
    double next_drop = now_s() + o->reconnect_every;
    /* silence is only answered by a re-send after a forced reconnect */
    int allow_silent = o->reconnect_every > 0 && o->reconnect_every < 10;
    for (;;) {
        struct pollfd p = {cmd_fd, POLLIN, 0};
        if (poll(&p, 1, 5) > 0) {
            char c = 0;
            if (read(cmd_fd, &c, 1) <= 0 || c == 'q') break;
        }
        double t = now_s();
        if (o->reconnect_every > 0 && t >= next_drop) {
            mock_node_drop_all(n);
            rep.forced_drops++;
            next_drop = t + o->reconnect_every;
        }
        if (o->fault_rate > 0) {
            uint64_t reqs = mock_node_requests(n, "mock_echo");
            for (int k = 0; k < 64 && (double)rep.faults < (double)reqs * o->fault_rate; k++) {
                queue_fault(n, &rng, allow_silent);
                rep.faults++;
            }
        }
    }
    mock_node_stats st;
    mock_node_get_stats(n, &st);
    rep.requests = st.requests;
    rep.connections = st.connections_accepted;
    rep.drops = st.drops;
    mock_node_stop(n);
    if (write(out_fd, &rep, sizeof rep) != (ssize_t)sizeof rep) _exit(1);
    _exit(0);
}

/* ---- the client side --------------------------------------------------------------------------
 */
typedef struct slot {
    uint32_t seq;
    uint8_t pending;
} slot;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    slot *ring;
    uint32_t mask;
    uint32_t outstanding;
    uint64_t done, ok, rpc_errors, failed, duplicated, wrong;
    int last_fail;
} S;

static uint64_t log_counts[4];
static int log_verbose;

static void on_log(int level, const char *msg, void *user)
{
    if (level >= 0 && level < 4) __atomic_add_fetch(&log_counts[level], 1, __ATOMIC_RELAXED);
    if (log_verbose) fprintf(stderr, "bench_soak: log[%d] %s\n", level, msg);
}

static void on_answer(int status, const char *result, size_t len, const btq_error *err, void *user)
{
    uint32_t seq = (uint32_t)(uintptr_t)user;
    char want[48];
    int wl = snprintf(want, sizeof want, "[\"soak\",%u]", seq);
    pthread_mutex_lock(&S.mu);
    slot *s = &S.ring[seq & S.mask];
    if (s->seq != seq || !s->pending) {
        S.duplicated++; /* this request was answered before */
        pthread_mutex_unlock(&S.mu);
        return;
    }
    s->pending = 0;
    S.outstanding--;
    S.done++;
    if (status == 0) {
        if ((size_t)wl == len && memcmp(result, want, len) == 0)
            S.ok++;
        else
            S.wrong++;
    } else if (status == BTQ_ERPC && err && err->rpc_code <= -32000 && err->rpc_code > -32010) {
        S.rpc_errors++; /* an injected JSON-RPC error: an answer like any other */
    } else {
        S.failed++;
        S.last_fail = status;
    }
    pthread_cond_broadcast(&S.cv);
    pthread_mutex_unlock(&S.mu);
}

typedef struct sample {
    double t;
    uint64_t done;
    long rss, fds;
    uint64_t in_flight;
} sample;

static void usage(void)
{
    fprintf(stderr, "usage: bench_soak [--duration S] [--warmup S] [--reconnect-every S] "
                    "[--fault-rate F]\n"
                    "                  [--rate R] [--window W] [--interval S] [--rss-limit-kib K]\n"
                    "                  [--no-rss-check] [--max-failed N] [--seed N] [--json] "
                    "[--verbose]\n");
    exit(2);
}

static void emit(const char *metric, double v, const char *unit)
{
    printf("{\"case\":\"soak\",\"client\":\"btq\",\"metric\":\"%s\",\"value\":%.10g,"
           "\"unit\":\"%s\"}\n",
           metric, v, unit);
}

int main(int argc, char **argv)
{
    soak_opts o = {180, 30, 5, 0.01, 10, 1000, 64, 512, 1, 0, 1, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && ++i)
        if (OPT("--duration"))
            o.duration = atof(v);
        else if (OPT("--warmup"))
            o.warmup = atof(v);
        else if (OPT("--reconnect-every"))
            o.reconnect_every = atof(v);
        else if (OPT("--fault-rate"))
            o.fault_rate = atof(v);
        else if (OPT("--interval"))
            o.interval = atof(v);
        else if (OPT("--rate"))
            o.rate = atof(v);
        else if (OPT("--window"))
            o.window = (unsigned)atoi(v);
        else if (OPT("--rss-limit-kib"))
            o.rss_limit_kib = atol(v);
        else if (OPT("--max-failed"))
            o.max_failed = atol(v);
        else if (OPT("--seed"))
            o.seed = (unsigned)strtoul(v, NULL, 0);
        else if (strcmp(a, "--no-rss-check") == 0)
            o.rss_check = 0;
        else if (strcmp(a, "--json") == 0)
            o.json = 1;
        else if (strcmp(a, "--verbose") == 0)
            o.verbose = 1;
        else
            usage();
#undef OPT
    }
    if (o.duration <= 0 || o.warmup < 0 || o.warmup >= o.duration || o.interval <= 0 ||
        o.window == 0 || o.window > 65536 || o.fault_rate < 0 || o.fault_rate > 1)
        usage();
    log_verbose = o.verbose;
    pthread_mutex_init(&S.mu, NULL);
    pthread_cond_init(&S.cv, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* the node first: fork before the client has any thread */
    int cmd[2], out[2];
    if (pipe(cmd) || pipe(out)) return 1;
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        close(cmd[1]);
        close(out[0]);
        run_node(cmd[0], out[1], &o);
    }
    close(cmd[0]);
    close(out[1]);
    FILE *po = fdopen(out[0], "r");
    char line[32];
    int port = po && fgets(line, sizeof line, po) ? atoi(line) : -1;
    if (port <= 0) {
        fprintf(stderr, "bench_soak: the mock node did not start\n");
        return 1;
    }
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", port);

    /* One slot per request number, deep enough for the oldest request still unanswered: a
     * silent fault keeps one until the next forced reconnect, while the others go on. Every
     * page is written now, so that the slots touched later do not count as growth. */
    uint32_t ring = 1;
    double span = o.rate > 0 ? o.rate * (o.reconnect_every + 5) * 2 : 1 << 16;
    while (ring < 1u << 20 && (ring < o.window * 4u || ring < span))
        ring <<= 1;
    S.ring = malloc((size_t)ring * sizeof *S.ring);
    S.mask = ring - 1;
    size_t nsamples_cap = (size_t)(o.duration / o.interval) + 8, nsamples = 0;
    sample *samples = malloc(nsamples_cap * sizeof *samples);
    if (!S.ring || !samples) return 1;
    memset(S.ring, 0, (size_t)ring * sizeof *S.ring);
    memset(samples, 0, nsamples_cap * sizeof *samples);

    long fds_base = open_fds();
    btq_rpc_options ro;
    btq_rpc_options_init(&ro);
    ro.url = url;
    ro.request_timeout_ms = 30000;
    ro.log = on_log;
    ro.log_level = BTQ_RPC_LOG_DEBUG;
    btq_rpc *rpc = NULL;
    btq_error err;
    memset(&err, 0, sizeof err);
    if (btq_rpc_new(&ro, &rpc, &err)) {
        fprintf(stderr, "bench_soak: btq_rpc_new: %s\n", err.message);
        return 1;
    }
    if (!o.json)
        printf("soak against %s: %.0f s (warm-up %.0f s), reconnect every %.1f s, fault rate "
               "%.3f, rate %.0f/s, window %u\n"
               "%8s %10s %9s %5s %9s\n",
               url, o.duration, o.warmup, o.reconnect_every, o.fault_rate, o.rate, o.window, "t_s",
               "done", "rss_kib", "fds", "in_flight");
    fflush(stdout);

    double t0 = now_s(), next_sample = t0 + o.interval, warm_at = t0 + o.warmup;
    uint64_t submitted = 0, submit_errors = 0;
    long rss_warm = -1, fds_warm = -1, fds_max = -1;
    for (;;) {
        double t = now_s();
        if (t - t0 >= o.duration) break;
        /* how many are due at the steady rate, within the window */
        uint64_t due = o.rate > 0 ? (uint64_t)((t - t0) * o.rate) + 1 : UINT64_MAX;
        pthread_mutex_lock(&S.mu);
        while (submitted < due && S.outstanding < o.window) {
            uint32_t seq = (uint32_t)submitted;
            slot *s = &S.ring[seq & S.mask];
            if (s->pending) break; /* a request older than the ring: wait for it */
            s->seq = seq;
            s->pending = 1;
            S.outstanding++;
            submitted++;
            char params[48];
            snprintf(params, sizeof params, "[\"soak\",%u]", seq);
            pthread_mutex_unlock(&S.mu);
            int rc =
                btq_rpc_call_async(rpc, "mock_echo", params, 0, on_answer, (void *)(uintptr_t)seq);
            pthread_mutex_lock(&S.mu);
            if (rc) {
                s->pending = 0;
                S.outstanding--;
                submit_errors++;
            }
        }
        pthread_mutex_unlock(&S.mu);
        if (t >= next_sample) {
            btq_rpc_stats st;
            btq_rpc_get_stats(rpc, &st);
            sample sm = {t - t0, 0, rss_kib(), open_fds(), st.in_flight + st.queued};
            pthread_mutex_lock(&S.mu);
            sm.done = S.done;
            pthread_mutex_unlock(&S.mu);
            if (nsamples < nsamples_cap) samples[nsamples++] = sm;
            if (t >= warm_at) {
                if (rss_warm < 0) {
                    rss_warm = sm.rss;
                    fds_warm = sm.fds;
                }
                if (sm.fds > fds_max) fds_max = sm.fds;
            }
            if (!o.json) {
                printf("%8.1f %10llu %9ld %5ld %9llu\n", sm.t, (unsigned long long)sm.done, sm.rss,
                       sm.fds, (unsigned long long)sm.in_flight);
                fflush(stdout);
            }
            next_sample += o.interval;
        }
        /* a 1 ms tick; the answers wake us earlier when the window was full */
        pthread_mutex_lock(&S.mu);
        if (S.outstanding >= o.window || o.rate > 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 1000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&S.cv, &S.mu, &ts);
        }
        pthread_mutex_unlock(&S.mu);
    }
    double t_load = now_s() - t0;

    /* drain: every request must come back (deadline 30 s, plus reconnects) */
    double drain_until = now_s() + 60;
    for (;;) {
        pthread_mutex_lock(&S.mu);
        uint32_t left = S.outstanding;
        pthread_mutex_unlock(&S.mu);
        if (!left || now_s() > drain_until) break;
        sleep_ms(10);
    }
    btq_rpc_stats st;
    btq_rpc_get_stats(rpc, &st);
    long rss_end = rss_kib(), fds_end_connected = open_fds();
    uint64_t inflight_end = st.in_flight + st.queued;
    pthread_mutex_lock(&S.mu);
    uint64_t lost = S.outstanding; /* never answered within the drain */
    pthread_mutex_unlock(&S.mu);
    btq_rpc_free(rpc); /* completes the lost ones with BTQ_ECANCELED */
    long fds_after = open_fds();

    /* stop the node, collect its figures */
    node_report rep = {0};
    if (write(cmd[1], "q", 1) != 1) perror("bench_soak: stopping the node");
    if (fread(&rep, sizeof rep, 1, po) != 1) fprintf(stderr, "bench_soak: no node report\n");
    int wst = 0;
    waitpid(pid, &wst, 0);

    long rss_growth = rss_warm >= 0 ? rss_end - rss_warm : 0;
    /* connected, the descriptors may differ from the warm-up figure only by a reconnect in
     * progress (the old socket not yet closed, the new one open) */
    int fds_ok_connected = fds_warm < 0 || (fds_max <= fds_warm + 1);
    int ok = 1;
#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "bench_soak: FAIL: " __VA_ARGS__);                                         \
        fputc('\n', stderr);                                                                       \
        ok = 0;                                                                                    \
    } while (0)
    if (lost) FAIL("%llu requests never answered", (unsigned long long)lost);
    if (S.duplicated) FAIL("%llu answers delivered twice", (unsigned long long)S.duplicated);
    if (S.wrong) FAIL("%llu answers with another request's result", (unsigned long long)S.wrong);
    if ((long)S.failed > o.max_failed)
        FAIL("%llu requests failed (last %s), at most %ld allowed", (unsigned long long)S.failed,
             btq_err_name(S.last_fail), o.max_failed);
    if (submit_errors) FAIL("%llu submissions refused", (unsigned long long)submit_errors);
    if (inflight_end)
        FAIL("%llu requests still in flight or queued", (unsigned long long)inflight_end);
    if (fds_after != fds_base)
        FAIL("%ld descriptors after the handle was freed, %ld before it existed", fds_after,
             fds_base);
    if (!fds_ok_connected)
        FAIL("descriptors grew while connected: %ld at the end of the warm-up, up to %ld", fds_warm,
             fds_max);
    if (o.rss_check && rss_growth > o.rss_limit_kib)
        FAIL("RSS grew by %ld KiB after the warm-up (limit %ld KiB)", rss_growth, o.rss_limit_kib);
    if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0) FAIL("the mock node exited abnormally");
#undef FAIL

    double rate = (double)S.done / t_load;
    if (o.json) {
        emit("req_per_s", rate, "req/s");
        emit("requests", (double)S.done, "count");
        emit("rpc_errors", (double)S.rpc_errors, "count");
        emit("failed", (double)S.failed, "count");
        emit("lost", (double)lost, "count");
        emit("duplicated", (double)S.duplicated, "count");
        emit("wrong", (double)S.wrong, "count");
        emit("rss_kib_start", (double)rss_warm, "KiB");
        emit("rss_kib_end", (double)rss_end, "KiB");
        emit("rss_growth_kib", (double)rss_growth, "KiB");
        emit("fds_start", (double)fds_base, "count");
        emit("fds_connected_max", (double)fds_max, "count");
        emit("fds_end", (double)fds_after, "count");
        emit("inflight_end", (double)inflight_end, "count");
        emit("reconnects", (double)st.reconnects, "count");
        emit("resent", (double)st.resent, "count");
        emit("faults", (double)rep.faults, "count");
        printf("{\"case\":\"soak\",\"client\":\"btq\",\"metric\":\"series\",\"value\":[");
        for (size_t i = 0; i < nsamples; i++)
            printf("%s[%.1f,%llu,%ld,%ld,%llu]", i ? "," : "", samples[i].t,
                   (unsigned long long)samples[i].done, samples[i].rss, samples[i].fds,
                   (unsigned long long)samples[i].in_flight);
        printf("],\"unit\":\"[t_s,done,rss_kib,fds,in_flight]\"}\n");
    } else {
        printf("summary: %llu requests in %.0f s (%.0f/s): ok %llu, injected JSON-RPC errors "
               "%llu, failed %llu, lost %llu, duplicated %llu, wrong %llu\n",
               (unsigned long long)S.done, t_load, rate, (unsigned long long)S.ok,
               (unsigned long long)S.rpc_errors, (unsigned long long)S.failed,
               (unsigned long long)lost, (unsigned long long)S.duplicated,
               (unsigned long long)S.wrong);
        printf("  rss: %ld KiB after the warm-up, %ld KiB at the end: %+ld KiB (limit %ld%s)\n",
               rss_warm, rss_end, rss_growth, o.rss_limit_kib, o.rss_check ? "" : ", not checked");
        printf("  fds: %ld before the handle, %ld after the warm-up, at most %ld connected, %ld "
               "at the end connected, %ld after free\n",
               fds_base, fds_warm, fds_max, fds_end_connected, fds_after);
        printf("  in flight + queued at the end: %llu; client: %llu connects, %llu reconnects, "
               "%llu re-sent, %llu timeouts, %llu unknown-id and %llu invalid messages dropped\n",
               (unsigned long long)inflight_end, (unsigned long long)st.connects,
               (unsigned long long)st.reconnects, (unsigned long long)st.resent,
               (unsigned long long)st.timeouts, (unsigned long long)st.dropped_unknown_id,
               (unsigned long long)st.dropped_invalid);
        printf("  node: %llu requests, %llu connections, %llu drops (%llu forced), %llu faults "
               "queued; log lines: %llu error, %llu warn, %llu info, %llu debug\n",
               (unsigned long long)rep.requests, (unsigned long long)rep.connections,
               (unsigned long long)rep.drops, (unsigned long long)rep.forced_drops,
               (unsigned long long)rep.faults, (unsigned long long)log_counts[0],
               (unsigned long long)log_counts[1], (unsigned long long)log_counts[2],
               (unsigned long long)log_counts[3]);
        printf("%s\n", ok ? "soak: PASS" : "soak: FAIL");
    }
    fclose(po);
    close(cmd[1]);
    free(samples);
    free(S.ring);
    return ok ? 0 : 1;
}
