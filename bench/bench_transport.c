/* Transport benchmark (btq side): the btq_rpc client against the mock node on 127.0.0.1,
 * running in a forked child process so that CPU time and RSS are the client's alone.
 *   - sequential round trips/s: callback chaining (window 1) and the blocking btq_rpc_call;
 *   - pipelined throughput with 1, 64 and 1024 requests in flight (requests/s);
 *   - CPU time per request and peak RSS of the client process;
 *   - the server's ceiling in the same run: a bare raw-socket client writing pre-built frames.
 * Usage: bench_transport [N_PIPELINED (default 300000)] [N_SEQUENTIAL (default 30000)] */
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

/* ---- the server child ---------------------------------------------------------------------- */
static int server_port;
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
    run *r = user;
    if (status || len != sizeof RESULT - 1) __atomic_fetch_add(&r->errors, 1, __ATOMIC_RELAXED);
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

static btq_rpc *open_rpc_mode(int manual)
{
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", server_port);
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = url;
    o.max_in_flight = 4096;
    o.manual_poll = manual;
    btq_rpc *rpc = NULL;
    if (btq_rpc_new(&o, &rpc, NULL) != 0) {
        fprintf(stderr, "bench: cannot create the client\n");
        exit(1);
    }
    /* connect before timing */
    char *res = NULL;
    if (btq_rpc_call(rpc, METHOD, "[]", 0, &res, NULL, NULL) != 0) {
        fprintf(stderr, "bench: the mock node does not answer\n");
        exit(1);
    }
    btq_free(res);
    return rpc;
}

static btq_rpc *open_rpc(void)
{
    return open_rpc_mode(0);
}

static void bench_window(const char *label, long n, int window)
{
    btq_rpc *rpc = open_rpc();
    run r;
    memset(&r, 0, sizeof r);
    r.rpc = rpc;
    r.target = n;
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    double c0 = bench_process_cpu_s(), t0 = bench_wall_s();
    r.sent = window;
    for (int i = 0; i < window; i++)
        btq_rpc_call_async(rpc, METHOD, "[]", 0, on_reply, &r);
    pthread_mutex_lock(&r.mu);
    while (!r.finished)
        pthread_cond_wait(&r.cv, &r.mu);
    pthread_mutex_unlock(&r.mu);
    double dt = bench_wall_s() - t0, dc = bench_process_cpu_s() - c0;
    printf("%-34s %10.0f req/s   %6.2f us CPU/req   (%ld requests, %ld errors)\n", label,
           (double)n / dt, dc / (double)n * 1e6, n, r.errors);
    btq_rpc_free(rpc); /* completes the (window - 1) extra requests with ECANCELED or answers */
}

static void bench_blocking(long n, int manual)
{
    btq_rpc *rpc = open_rpc_mode(manual);
    double c0 = bench_process_cpu_s(), t0 = bench_wall_s();
    long errors = 0;
    for (long i = 0; i < n; i++) {
        char *res = NULL;
        if (btq_rpc_call(rpc, METHOD, "[]", 0, &res, NULL, NULL) != 0) errors++;
        btq_free(res);
    }
    double dt = bench_wall_s() - t0, dc = bench_process_cpu_s() - c0;
    printf("%-34s %10.0f req/s   %6.2f us CPU/req   (%ld requests, %ld errors)\n",
           manual ? "sequential, blocking, manual poll" : "sequential, blocking btq_rpc_call",
           (double)n / dt, dc / (double)n * 1e6, n, errors);
    btq_rpc_free(rpc);
}

/* ---- the server's ceiling: a bare client ---------------------------------------------------- */
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
        if (k < 0) break;
        got += k;
    }
    dt = bench_wall_s() - t0;
    printf("%-34s %10.0f req/s\n", "ceiling: bare client pipelined", (double)got / dt);
    free(frames);
    mock_raw_close(c);
}

int main(int argc, char **argv)
{
    long n_pipe = argc > 1 ? atol(argv[1]) : 300000;
    long n_seq = argc > 2 ? atol(argv[2]) : 30000;
    signal(SIGPIPE, SIG_IGN);
    if (start_server() != 0) {
        fprintf(stderr, "bench: cannot start the mock node\n");
        return 1;
    }
    printf("btq transport benchmark: mock node on 127.0.0.1:%d (separate process), method %s\n",
           server_port, METHOD);
    bench_window("sequential, callback chain (1)", n_seq, 1);
    bench_blocking(n_seq, 0);
    bench_blocking(n_seq, 1);
    bench_window("pipelined, 64 in flight", n_pipe, 64);
    bench_window("pipelined, 1024 in flight", n_pipe, 1024);
    printf("%-34s %10ld KiB (client process incl. libwebsockets)\n", "peak RSS",
           bench_peak_rss_kb());
    ceiling(n_pipe, n_seq);
    stop_server();
    return 0;
}
