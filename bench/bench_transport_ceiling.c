/* The mock node's own ceiling, measured with a bare C client (raw socket, pre-built masked
 * frames, no JSON parsing, counting replies) — the reference the transport benchmark's
 * figures are divided by. Two figures:
 *   pipelined:  one thread writes N pre-built requests as fast as the socket takes them while
 *               the main thread counts reply frames; replies/s = N / elapsed;
 *   sequential: one request, wait for its reply, repeat; round trips/s and mean latency.
 * The answer comes from the mock's replay table (pre-serialised), like a recorded session.
 *
 *   bench_transport_ceiling [--url ws://127.0.0.1:PORT] [--json] [--pipelined N]
 *                           [--sequential N] [--method M]
 *
 * Without --url the mock node runs in this process (its sources are compiled in: tests/support
 * is on the include path) answering M (default system_chain); with --url the bare client talks
 * to a running bench_node (loopback only) and M defaults to chain_getHead, the method the
 * transport cases use. --json prints the result lines of bench/README.md (client "bare"):
 * transport.ceiling.pipelined and transport.ceiling.sequential, req_per_s.
 */
#include "support/mock_node.c"
#include "support/mock_rawclient.c"

#include <sys/resource.h>
#include "support/bench_clock.h"

typedef struct {
    mock_raw *c;
    const uint8_t *buf;
    size_t len;
    long reps;
    int failed;
} writer_arg;

static void *writer_main(void *p)
{
    writer_arg *w = p;
    for (long i = 0; i < w->reps; i++) {
        if (mock_raw_write_all(w->c, w->buf, w->len) != 0) {
            w->failed = 1;
            break;
        }
    }
    return NULL;
}

static char *write_replay_file(const char *method)
{
    static char path[] = "/tmp/btq_bench_ceiling_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w");
    if (!f) return NULL;
    fprintf(f, "{\"method\":\"%s\",\"params\":[],\"response\":{\"result\":\"bittensor\"}}\n",
            method);
    fclose(f);
    return path;
}

static void emit(const char *kase, double v)
{
    printf("{\"case\":\"%s\",\"client\":\"bare\",\"metric\":\"req_per_s\",\"value\":%.6g,"
           "\"unit\":\"req/s\"}\n",
           kase, v);
    fflush(stdout);
}

static void emit_skip(const char *kase, const char *why)
{
    printf("{\"case\":\"%s\",\"client\":\"bare\",\"metric\":\"skipped\",\"value\":0,"
           "\"reason\":\"%s\"}\n",
           kase, why);
    fflush(stdout);
}

/* ws://127.0.0.1:PORT[/] or ws://localhost:PORT[/] -> PORT; -1 otherwise (the bare client
 * connects to 127.0.0.1 only). */
static int loopback_port(const char *u)
{
    const char *p;
    if (strncmp(u, "ws://127.0.0.1:", 15) == 0 || strncmp(u, "ws://localhost:", 15) == 0)
        p = u + 15;
    else
        return -1;
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || (*end && strcmp(end, "/") != 0) || v <= 0 || v > 65535) return -1;
    return (int)v;
}

int main(int argc, char **argv)
{
    long pipelined = 2000000, sequential = 50000;
    const char *method = NULL, *url = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (i + 1 < argc && strcmp(argv[i], "--pipelined") == 0)
            pipelined = atol(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--sequential") == 0)
            sequential = atol(argv[++i]);
        else if (i + 1 < argc && strcmp(argv[i], "--method") == 0)
            method = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--url") == 0)
            url = argv[++i];
        else {
            fprintf(stderr, "usage: bench_transport_ceiling [--url ws://127.0.0.1:PORT] [--json] "
                            "[--pipelined N] [--sequential N] [--method M]\n");
            return 2;
        }
    }
    mock_node *node = NULL;
    int port;
    if (url) {
        if (!method) method = "chain_getHead";
        port = loopback_port(url);
        if (port < 0) {
            fprintf(stderr, "bench_transport_ceiling: --url must be ws://127.0.0.1:PORT\n");
            return 2;
        }
    } else {
        if (!method) method = "system_chain";
        char *replay_file = write_replay_file(method);
        if (!replay_file) {
            fprintf(stderr, "cannot write the replay file\n");
            return 1;
        }
        mock_node_opts o = {0};
        o.replay_path = replay_file;
        node = mock_node_start(&o);
        unlink(replay_file);
        if (!node) {
            fprintf(stderr, "mock node did not start\n");
            return 1;
        }
        port = mock_node_port(node);
    }
    FILE *out = json ? stderr : stdout;
    fprintf(out,
            "server ceiling (bare C client, raw socket, pre-built frames), ws://127.0.0.1:%d%s, "
            "method %s\n",
            port, node ? " (mock in this process)" : "", method);
    int failed = 0;

    /* ---- pipelined ---- */
    if (pipelined > 0) {
        mock_raw *c = mock_raw_open(port, 5000);
        if (!c) {
            fprintf(stderr, "connect failed\n");
            if (json) emit_skip("transport.ceiling.pipelined", "cannot connect");
            return 1;
        }
        enum { CHUNK = 4096 };
        char req[160];
        int rl = snprintf(req, sizeof req,
                          "{\"jsonrpc\":\"2.0\",\"id\":12345,\"method\":\"%s\","
                          "\"params\":[]}",
                          method);
        uint8_t *buf = malloc((size_t)CHUNK * ((size_t)rl + 14));
        size_t len = 0;
        for (int i = 0; i < CHUNK; i++)
            len += mock_raw_build_frame(buf + len, req, (size_t)rl);
        long reps = (pipelined + CHUNK - 1) / CHUNK;
        long total = reps * CHUNK;
        writer_arg w = {c, buf, len, reps, 0};
        pthread_t th;
        double t0 = bench_wall_s();
        pthread_create(&th, NULL, writer_main, &w);
        long got = 0;
        int stalled = 0;
        while (got < total) {
            long k = mock_raw_count_frames(c, 1000);
            if (k < 0) break;
            if (k == 0 && ++stalled > 10) break;
            if (k > 0) stalled = 0;
            got += k;
        }
        double dt = bench_wall_s() - t0;
        pthread_join(th, NULL);
        fprintf(out, "pipelined:  %ld/%ld replies in %.3f s = %.0f replies/s%s\n", got, total, dt,
                (double)got / dt, got == total && !w.failed ? "" : "  (INCOMPLETE)");
        if (got == total && !w.failed) {
            if (json) emit("transport.ceiling.pipelined", (double)got / dt);
        } else {
            failed = 1;
            if (json) emit_skip("transport.ceiling.pipelined", "incomplete: replies missing");
        }
        free(buf);
        mock_raw_close(c);
    }

    /* ---- sequential round trips ---- */
    if (sequential > 0) {
        mock_raw *c = mock_raw_open(port, 5000);
        if (!c) {
            fprintf(stderr, "connect failed\n");
            if (json) emit_skip("transport.ceiling.sequential", "cannot connect");
            return 1;
        }
        char req[160];
        int rl = snprintf(req, sizeof req,
                          "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"%s\","
                          "\"params\":[]}",
                          method);
        uint8_t frame[200];
        size_t fl = mock_raw_build_frame(frame, req, (size_t)rl);
        long done = 0;
        double t0 = bench_wall_s();
        for (long i = 0; i < sequential; i++) {
            if (mock_raw_write_all(c, frame, fl) != 0) break;
            long k = 0;
            while (k == 0) {
                k = mock_raw_count_frames(c, 2000);
                if (k == 0) break;
            }
            if (k <= 0) break;
            done += k;
        }
        double dt = bench_wall_s() - t0;
        fprintf(out,
                "sequential: %ld round trips in %.3f s = %.0f round trips/s (mean %.1f us)%s\n",
                done, dt, (double)done / dt, dt * 1e6 / (double)(done ? done : 1),
                done == sequential ? "" : "  (INCOMPLETE)");
        if (done == sequential) {
            if (json) emit("transport.ceiling.sequential", (double)done / dt);
        } else {
            failed = 1;
            if (json) emit_skip("transport.ceiling.sequential", "incomplete: replies missing");
        }
        mock_raw_close(c);
    }

    mock_node_stats st = {0};
    if (node) {
        mock_node_get_stats(node, &st);
        mock_node_stop(node);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(out, "process: %.2f s user, %.2f s system, peak RSS %ld KiB",
            (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
    if (node) fprintf(out, "; server answered %llu", (unsigned long long)st.answers);
    fprintf(out, "\n");
    return failed;
}
