/* SCALE codec core: ns per operation for compact encode / decode over mixed widths and for
 * u128 decoding, against the JavaScript (polkadot-js) figure measured on the reference 2-core
 * machine (compact decode 240 ns).
 * usage: bench_codec [--json] [ITERATIONS]   (default 4000000 per round; best of 5 rounds)
 *   --json   result lines (bench/README.md): codec.compact_decode, codec.compact_encode,
 *            codec.compact_u128_decode, codec.compact_u128_encode, codec.u128_decode,
 *            codec.u128_to_decimal, metric ns (thread CPU time) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/scale.h"
#include "support/bench_clock.h"

/* Every result feeds this, so the compiler cannot drop the work. */
static volatile uint64_t sink;

#define NVALS 4096 /* values per pass: the buffers stay in L1/L2 like a real response would */
static uint64_t vals[NVALS];
static uint8_t enc[NVALS * 17];
static size_t enc_len;
static btq_u128 vals128[NVALS];
static uint8_t enc128[NVALS * 17];
static size_t enc128_len;
static uint8_t fixed128[NVALS * 16];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A quarter of the values in each compact mode: 1, 2, 4 bytes and the big-integer mode. */
static void setup(void)
{
    for (size_t i = 0; i < NVALS; i++) {
        uint64_t r = rng();
        switch (i & 3) {
        case 0:
            vals[i] = r % 64;
            break;
        case 1:
            vals[i] = 64 + r % (16384 - 64);
            break;
        case 2:
            vals[i] = 16384 + r % ((1u << 30) - 16384);
            break;
        default:
            vals[i] = (1ull << 30) + (r >> (r % 34));
        }
        vals128[i].lo = rng();
        vals128[i].hi = (i & 1) ? rng() >> (rng() % 64) : 0;
    }
    btq_writer w;
    btq_writer_init_fixed(&w, enc, sizeof enc);
    for (size_t i = 0; i < NVALS; i++)
        btq_write_compact_u64(&w, vals[i]);
    enc_len = w.len;
    btq_writer_init_fixed(&w, enc128, sizeof enc128);
    for (size_t i = 0; i < NVALS; i++)
        btq_write_compact_u128(&w, vals128[i]);
    enc128_len = w.len;
    btq_writer_init_fixed(&w, fixed128, sizeof fixed128);
    for (size_t i = 0; i < NVALS; i++)
        btq_write_u128(&w, vals128[i]);
    if (w.err) abort();
}

typedef void (*bench_fn)(long iters);

static void b_compact_decode_mixed(long iters)
{
    btq_reader r;
    btq_reader_init(&r, enc, enc_len);
    uint64_t acc = 0, v;
    for (long i = 0; i < iters; i++) {
        if (btq_read_compact_u64(&r, &v)) abort();
        acc += v;
        if (r.pos == enc_len) r.pos = 0;
    }
    sink += acc;
}

static void b_compact_encode_mixed(long iters)
{
    uint8_t buf[NVALS * 17];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        size_t k = (size_t)i & (NVALS - 1);
        if (k == 0) {
            acc += w.len;
            btq_writer_reset(&w);
        }
        btq_write_compact_u64(&w, vals[k]);
    }
    if (w.err) abort();
    sink += acc + buf[1];
}

static void b_compact_u128_decode(long iters)
{
    btq_reader r;
    btq_reader_init(&r, enc128, enc128_len);
    uint64_t acc = 0;
    btq_u128 v;
    for (long i = 0; i < iters; i++) {
        if (btq_read_compact_u128(&r, &v)) abort();
        acc += v.lo ^ v.hi;
        if (r.pos == enc128_len) r.pos = 0;
    }
    sink += acc;
}

static void b_compact_u128_encode(long iters)
{
    uint8_t buf[NVALS * 17];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        size_t k = (size_t)i & (NVALS - 1);
        if (k == 0) {
            acc += w.len;
            btq_writer_reset(&w);
        }
        btq_write_compact_u128(&w, vals128[k]);
    }
    if (w.err) abort();
    sink += acc + buf[1];
}

static void b_u128_decode(long iters)
{
    btq_reader r;
    btq_reader_init(&r, fixed128, sizeof fixed128);
    uint64_t acc = 0;
    btq_u128 v;
    for (long i = 0; i < iters; i++) {
        if (btq_read_u128(&r, &v)) abort();
        acc += v.lo ^ v.hi;
        if (r.pos == sizeof fixed128) r.pos = 0;
    }
    sink += acc;
}

static void b_u128_to_decimal(long iters)
{
    char buf[48];
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++)
        acc += (uint64_t)btq_u128_to_dec(vals128[(size_t)i & (NVALS - 1)], buf, sizeof buf);
    sink += acc;
}

struct bench {
    const char *name;
    const char *id; /* case id of the result line */
    bench_fn fn;
    double js_ns; /* 0: no reference figure */
};

int main(int argc, char **argv)
{
    long iters = 4000000;
    int json_out = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json_out = 1;
        else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            i++; /* no node needed */
        else if (argv[i][0] != '-')
            iters = atol(argv[i]);
        else {
            fprintf(stderr, "usage: bench_codec [--json] [ITERATIONS]\n");
            return 2;
        }
    }
    if (iters < 1) iters = 1;
    setup();
    const struct bench benches[] = {
        {"compact decode u64, mixed widths", "codec.compact_decode", b_compact_decode_mixed, 240},
        {"compact encode u64, mixed widths", "codec.compact_encode", b_compact_encode_mixed, 0},
        {"compact decode u128, mixed", "codec.compact_u128_decode", b_compact_u128_decode, 240},
        {"compact encode u128, mixed", "codec.compact_u128_encode", b_compact_u128_encode, 0},
        {"u128 decode (16 bytes LE)", "codec.u128_decode", b_u128_decode, 0},
        {"u128 to decimal", "codec.u128_to_decimal", b_u128_to_decimal, 0},
    };
    if (!json_out)
        printf("%-34s %12s %10s %10s %8s\n", "operation", "iterations", "ns/op", "JS ns/op",
               "JS/btq");
    for (size_t b = 0; b < sizeof benches / sizeof benches[0]; b++) {
        double best = 1e300;
        for (int round = 0; round < 5; round++) {
            double t0 = bench_thread_cpu_s();
            benches[b].fn(iters);
            double dt = (bench_thread_cpu_s() - t0) * 1e9 / (double)iters;
            if (dt < best) best = dt;
        }
        if (json_out)
            printf("{\"case\":\"%s\",\"client\":\"btq\",\"metric\":\"ns\",\"value\":%.6g,"
                   "\"unit\":\"ns\"}\n",
                   benches[b].id, best);
        else if (benches[b].js_ns > 0)
            printf("%-34s %12ld %10.2f %10.0f %7.0fx\n", benches[b].name, iters, best,
                   benches[b].js_ns, benches[b].js_ns / best);
        else
            printf("%-34s %12ld %10.2f %10s %8s\n", benches[b].name, iters, best, "-", "-");
    }
    return 0;
}
