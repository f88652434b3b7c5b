/* Transport benchmark (btq side): the btq_rpc client answering chain_getHead from the mock
 * node's pre-serialised replay table. Without --url the mock runs in a forked child process,
 * so that CPU time and RSS are the client's alone; with --url it is a running bench_node.
 *   - transport.sequential:   one blocking btq_rpc_call, then the next (threaded handle);
 *   - transport.pipelined.N:  N requests in flight (1, 64, 1024), each answer's callback
 *                             submits the next request (N = 1: a sequential callback chain);
 *   - CPU time per request and peak RSS of the client process;
 *   - standalone (text) only: the blocking call in manual-poll mode, and the server's ceiling
 *     in the same run (a bare raw-socket client writing pre-built frames).
 *
 *   bench_transport [--url URL] [--json] [--pipelined N] [--sequential N] [--case C]...
 *                   [N_PIPELINED [N_SEQUENTIAL]]
 *
 * --case (repeatable) picks cases: sequential, manual, pipelined.1, pipelined.64,
 * pipelined.1024, ceiling. --json prints one result line per metric (bench/README.md). */
#define _GNU_SOURCE /* memmem in the included mock client */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "btq/rpc.h"
#include "btq/scale.h"

#include "support/mock_node.c"
#include "support/mock_rawclient.c"
#include "support/bench_clock.h"

#define METHOD "chain_getHead"
#define RESULT "\"0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3\""

static int json_out;
static int any_error;
static char url[256];
static int server_port;

/* ---- output -------------------------------------------------------------------------------- */
static void emit(const char *kase, const char *client, const char *metric, double v,
                 const char *unit)
{
    printf("{\"case\":\"%s\",\"client\":\"%s\",\"metric\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n",
           kase, client, metric, v, unit);
    fflush(stdout);
}

static void report(const char *kase, const char *label, long n, long errors, double dt, double dc)
{
    if (errors) {
        fprintf(stderr, "bench_transport: %s: %ld of %ld requests failed\n", kase, errors, n);
        any_error = 1;
    }
    if (json_out) {
        emit(kase, "btq", "req_per_s", (double)n / dt, "req/s");
        emit(kase, "btq", "cpu_us_per_req", dc / (double)n * 1e6, "us");
        emit(kase, "btq", "rss_kib", (double)bench_peak_rss_kb(), "KiB");
    } else {
        printf("%-34s %10.0f req/s   %6.2f us CPU/req   (%ld requests, %ld errors)\n", label,
               (double)n / dt, dc / (double)n * 1e6, n, errors);
    }
}

/* ---- the server child ---------------------------------------------------------------------- */
static pid_t server_pid;
static int server_ctl = -1;

static int start_server(void)
{
    char replay_path[] = "/tmp/btq_bench_replay_XXXXXX";
    int fd = mkstemp(replay_path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"method\":\"%s\",\"params\":[],\"response\":{\"result\":%s}}\n", METHOD, RESULT);
    fclose(f);
    int up[2], ctl[2];
    if (pipe(up) || pipe(ctl)) return -1;
    server_pid = fork();
    if (server_pid < 0) return -1;
    if (server_pid == 0) {
        close(up[0]);
        close(ctl[1]);
        mock_node_opts o;
        memset(&o, 0, sizeof o);
        o.replay_path = replay_path;
        mock_node *n = mock_node_start(&o);
        int port = n ? mock_node_port(n) : -1;
        if (write(up[1], &port, sizeof port) != (ssize_t)sizeof port) _exit(1);
        char c;
        while (read(ctl[0], &c, 1) > 0) {
        }
        mock_node_stop(n);
        _exit(0);
    }
    close(up[1]);
    close(ctl[0]);
    server_ctl = ctl[1];
    if (read(up[0], &server_port, sizeof server_port) != (ssize_t)sizeof server_port) return -1;
    close(up[0]);
    unlink(replay_path);
    return server_port > 0 ? 0 : -1;
}

static void stop_server(void)
{
    if (server_ctl >= 0) close(server_ctl);
    if (server_pid > 0) waitpid(server_pid, NULL, 0);
}

/* ws://127.0.0.1:PORT[/...] -> PORT (the bare client connects to 127.0.0.1 only) */
static int url_port(const char *u)
{
    const char *p = strstr(u, "://");
    if (!p || strncmp(u, "ws://", 5) != 0) return -1;
    p += 3;
    if (*p == '[') {
        p = strchr(p, ']');
        if (!p) return -1;
    }
    p = strchr(p, ':');
    return p ? atoi(p + 1) : 80;
}

/* ---- pipelined / chained ------------------------------------------------------------------- */
typedef struct run {
    btq_rpc *rpc;
    long target, sent, done, errors;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int finished;
} run;

static void on_reply(int status, const char *res, size_t len, const btq_error *e, void *user)
{
    (void)e;
    run *r = user;
    if (status || len != sizeof RESULT - 1 || memcmp(res, RESULT, len) != 0)
        __atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
    long d = __atomic_add_fetch(&r->done, 1, __ATOMIC_RELAXED);
    if (__atomic_add_fetch(&r->sent, 1, __ATOMIC_RELAXED) <= r->target) {
        if (btq_rpc_call_async(r->rpc, METHOD, "[]", 0, on_reply, r) != 0)
            __atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
    }
    if (d == r->target) {
        pthread_mutex_lock(&r->mu);
        r->finished = 1;
        pthread_cond_signal(&r->cv);
        pthread_mutex_unlock(&r->mu);
    }
}

static btq_rpc *open_rpc(int manual)
{
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = url;
    o.max_in_flight = 4096;
    o.manual_poll = manual;
    btq_rpc *rpc = NULL;
    if (btq_rpc_new(&o, &rpc, NULL) != 0) {
        fprintf(stderr, "bench_transport: cannot create the client\n");
        exit(1);
    }
    /* connect (and warm up) before timing */
    for (int i = 0; i < 100; i++) {
        char *res = NULL;
        if (btq_rpc_call(rpc, METHOD, "[]", 0, &res, NULL, NULL) != 0) {
            fprintf(stderr, "bench_transport: the node at %s does not answer %s\n", url, METHOD);
            exit(1);
        }
        btq_free(res);
    }
    return rpc;
}

static void bench_window(const char *kase, const char *label, long n, int window)
{
    if (n < window) n = window;
    btq_rpc *rpc = open_rpc(0);
    run r;
    memset(&r, 0, sizeof r);
    r.rpc = rpc;
    r.target = n;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    double c0 = bench_process_cpu_s(), t0 = bench_wall_s();
    r.sent = window;
    for (int i = 0; i < window; i++)
        if (btq_rpc_call_async(rpc, METHOD, "[]", 0, on_reply, &r) != 0) {
            fprintf(stderr, "bench_transport: submission failed\n");
            exit(1);
        }
    pthread_mutex_lock(&r.mu);
    while (!r.finished)
        pthread_cond_wait(&r.cv, &r.mu);
    pthread_mutex_unlock(&r.mu);
    double dt = bench_wall_s() - t0, dc = bench_process_cpu_s() - c0;
    report(kase, label, n, __atomic_load_n(&r.errors, __ATOMIC_RELAXED), dt, dc);
    btq_rpc_free(rpc); /* completes the (window - 1) extra requests with ECANCELED or answers */
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
}

static void bench_blocking(const char *kase, const char *label, long n, int manual)
{
    btq_rpc *rpc = open_rpc(manual);
    double c0 = bench_process_cpu_s(), t0 = bench_wall_s();
    long errors = 0;
    for (long i = 0; i < n; i++) {
        char *res = NULL;
        size_t len = 0;
        if (btq_rpc_call(rpc, METHOD, "[]", 0, &res, &len, NULL) != 0 || len != sizeof RESULT - 1 ||
            memcmp(res, RESULT, len) != 0)
            errors++;
        btq_free(res);
    }
    double dt = bench_wall_s() - t0, dc = bench_process_cpu_s() - c0;
    report(kase, label, n, errors, dt, dc);
    btq_rpc_free(rpc);
}

/* ---- the server's ceiling: a bare client (text mode; bench_transport_ceiling is the
 * program for the suite) --------------------------------------------------------------------- */
static void ceiling(long n_pipe, long n_seq)
{
    static const char req[] =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" METHOD "\",\"params\":[]}";
    mock_raw *c = mock_raw_open(server_port, 5000);
    if (!c) {
        printf("ceiling: cannot connect\n");
        return;
    }
    double t0 = bench_wall_s();
    for (long i = 0; i < n_seq; i++) {
        char *m = NULL;
        size_t len;
        unsigned fr;
        int partial;
        mock_raw_send(c, req);
        if (mock_raw_recv(c, &m, &len, &fr, &partial, 5000) != 1) break;
        free(m);
    }
    double dt = bench_wall_s() - t0;
    printf("%-34s %10.0f req/s\n", "ceiling: bare client sequential", (double)n_seq / dt);
    /* pipelined: pre-built frames, 1024 per write, count replies */
    size_t one = sizeof req - 1 + 14;
    uint8_t *frames = malloc(one * 1024);
    size_t flen = 0;
    for (int i = 0; i < 1024; i++)
        flen += mock_raw_build_frame(frames + flen, req, sizeof req - 1);
    long got = 0, sent = 0;
    t0 = bench_wall_s();
    while (got < n_pipe) {
        while (sent - got < 4096 && sent < n_pipe) {
            mock_raw_write_all(c, frames, flen);
            sent += 1024;
        }
        long k = mock_raw_count_frames(c, 5000);
        if (k <= 0) break;
        got += k;
    }
    dt = bench_wall_s() - t0;
    printf("%-34s %10.0f req/s\n", "ceiling: bare client pipelined", (double)got / dt);
    free(frames);
    mock_raw_close(c);
}

/* ---- main ---------------------------------------------------------------------------------- */
static const char *const all_cases[] = {"pipelined.1",  "sequential",     "manual",
                                        "pipelined.64", "pipelined.1024", "ceiling"};
enum { N_CASES = sizeof all_cases / sizeof all_cases[0] };

static void usage(void)
{
    fprintf(stderr, "usage: bench_transport [--url URL] [--json] [--pipelined N] "
                    "[--sequential N] [--case C]... [N_PIPELINED [N_SEQUENTIAL]]\n"
                    "cases: sequential manual pipelined.1 pipelined.64 pipelined.1024 ceiling\n");
    exit(2);
}

int main(int argc, char **argv)
{
    long n_pipe = 300000, n_seq = 30000;
    const char *ext_url = NULL;
    int want[N_CASES] = {0}, any_want = 0, npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json_out = 1;
        } else if (strcmp(a, "--url") == 0 && i + 1 < argc) {
            ext_url = argv[++i];
        } else if (strcmp(a, "--pipelined") == 0 && i + 1 < argc) {
            n_pipe = atol(argv[++i]);
        } else if (strcmp(a, "--sequential") == 0 && i + 1 < argc) {
            n_seq = atol(argv[++i]);
        } else if (strcmp(a, "--case") == 0 && i + 1 < argc) {
            const char *c = argv[++i];
            if (strncmp(c, "transport.", 10) == 0) c += 10;
            int k;
            for (k = 0; k < N_CASES; k++)
                if (strcmp(c, all_cases[k]) == 0) break;
            if (k == N_CASES) usage();
            want[k] = any_want = 1;
        } else if (a[0] != '-' && npos < 2) {
            if (npos++ == 0)
                n_pipe = atol(a);
            else
                n_seq = atol(a);
        } else {
            usage();
        }
    }
    if (n_pipe < 1 || n_seq < 1) usage();
    if (!any_want) /* defaults: the suite's cases; standalone text adds manual and ceiling */
        for (int k = 0; k < N_CASES; k++)
            want[k] = !json_out ||
                      (strcmp(all_cases[k], "manual") != 0 && strcmp(all_cases[k], "ceiling") != 0);
    signal(SIGPIPE, SIG_IGN);
    if (ext_url) {
        snprintf(url, sizeof url, "%s", ext_url);
        server_port = url_port(url);
    } else {
        if (start_server() != 0) {
            fprintf(stderr, "bench_transport: cannot start the mock node\n");
            return 1;
        }
        snprintf(url, sizeof url, "ws://127.0.0.1:%d", server_port);
    }
    if (!json_out)
        printf("btq transport benchmark: %s (%s), method %s\n", url,
               ext_url ? "external node" : "mock node in a separate process", METHOD);
    for (int k = 0; k < N_CASES; k++) {
        if (!want[k]) continue;
        const char *c = all_cases[k];
        char kase[64];
        snprintf(kase, sizeof kase, "transport.%s", c);
        if (strcmp(c, "sequential") == 0)
            bench_blocking(kase, "sequential, blocking btq_rpc_call", n_seq, 0);
        else if (strcmp(c, "manual") == 0)
            bench_blocking("transport.sequential.manual", "sequential, blocking, manual poll",
                           n_seq, 1);
        else if (strcmp(c, "pipelined.1") == 0)
            bench_window(kase, "pipelined, 1 in flight (chain)", n_seq, 1);
        else if (strcmp(c, "pipelined.64") == 0)
            bench_window(kase, "pipelined, 64 in flight", n_pipe, 64);
        else if (strcmp(c, "pipelined.1024") == 0)
            bench_window(kase, "pipelined, 1024 in flight", n_pipe, 1024);
        else if (strcmp(c, "ceiling") == 0) {
            if (json_out) continue; /* the suite takes it from bench_transport_ceiling */
            printf("%-34s %10ld KiB (client process incl. libwebsockets)\n", "peak RSS",
                   bench_peak_rss_kb());
            if (server_port > 0)
                ceiling(n_pipe, n_seq);
            else
                printf("ceiling: needs a ws://127.0.0.1:PORT URL\n");
        }
    }
    if (!ext_url) stop_server();
    return any_error ? 1 : 0;
}
