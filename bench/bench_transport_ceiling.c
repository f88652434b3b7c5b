/* The mock node's own ceiling, measured with a bare C client (raw socket, pre-built masked
 * frames, no JSON parsing, counting replies) — the reference the transport benchmark's
 * figures are divided by. Two figures:
 *   pipelined:  one thread writes N pre-built requests as fast as the socket takes them while
 *               the main thread counts reply frames; replies/s = N / elapsed;
 *   sequential: one request, wait for its reply, repeat; round trips/s and mean latency.
 * The answer comes from the mock's replay table (pre-serialised), like a recorded session.
 *
 *   bench_transport_ceiling [--pipelined N] [--sequential N] [--method M]
 *
 * The mock node sources are compiled into this program (tests/support is on the include path).
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

int main(int argc, char **argv)
{
    long pipelined = 2000000, sequential = 50000;
    const char *method = "system_chain";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--pipelined") == 0)
            pipelined = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--sequential") == 0)
            sequential = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--method") == 0)
            method = argv[i + 1];
    }
    char *replay_file = write_replay_file(method);
    if (!replay_file) {
        fprintf(stderr, "cannot write the replay file\n");
        return 1;
    }
    mock_node_opts o = {0};
    o.replay_path = replay_file;
    mock_node *node = mock_node_start(&o);
    unlink(replay_file);
    if (!node) {
        fprintf(stderr, "mock node did not start\n");
        return 1;
    }
    printf("mock node ceiling (bare C client, raw socket, pre-built frames), ws://127.0.0.1:%d, "
           "method %s\n",
           mock_node_port(node), method);

    /* ---- pipelined ---- */
    if (pipelined > 0) {
        mock_raw *c = mock_raw_open(mock_node_port(node), 5000);
        if (!c) {
            fprintf(stderr, "connect failed\n");
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
        printf("pipelined:  %ld/%ld replies in %.3f s = %.0f replies/s%s\n", got, total, dt,
               (double)got / dt, got == total && !w.failed ? "" : "  (INCOMPLETE)");
        free(buf);
        mock_raw_close(c);
    }

    /* ---- sequential round trips ---- */
    if (sequential > 0) {
        mock_raw *c = mock_raw_open(mock_node_port(node), 5000);
        if (!c) {
            fprintf(stderr, "connect failed\n");
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
        printf("sequential: %ld round trips in %.3f s = %.0f round trips/s (mean %.1f us)%s\n",
               done, dt, (double)done / dt, dt * 1e6 / (double)(done ? done : 1),
               done == sequential ? "" : "  (INCOMPLETE)");
        mock_raw_close(c);
    }

    mock_node_stats st;
    mock_node_get_stats(node, &st);
    mock_node_stop(node);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("process: %.2f s user, %.2f s system, peak RSS %ld KiB; server answered %llu\n",
           (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
           (unsigned long long)st.answers);
    return 0;
}
