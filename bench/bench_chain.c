/* Chain primitives: ns per operation for twox128, storage-key building and SS58, against the
 * JavaScript (polkadot-js) figures measured on the reference 2-core machine.
 * usage: bench_chain [--json] [ITERATIONS]   (default 1000000 per round; best of 5 rounds)
 *   --json   result lines (bench/README.md), metric ns (thread CPU time):
 *            codec.ss58_encode (32-byte id -> address, prefix 42), codec.ss58_decode,
 *            codec.storage_key (System.Account key of a 32-byte account id: twox128("System")
 *            + twox128("Account") + blake2_128concat(id), nothing cached),
 *            codec.storage_key.from_ss58 (the same from an SS58 address: decode + key, the span
 *            the JS peers' storage_key case covers), codec.storage_key.prefix_cached,
 *            codec.twox128, codec.blake2b_512, codec.base58_encode, codec.base58_decode */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/chain.h"
#include "support/bench_clock.h"

/* CPU time of this thread: on a shared, busy machine the wall clock also counts the time other
 * processes hold the core; on an idle machine the two agree. */
/* Every result feeds this, so the compiler cannot drop the work. */
static volatile uint64_t sink;

typedef void (*bench_fn)(long iters);

static void b_twox128(long iters)
{
    uint8_t out[16];
    char name[] = "SubtensorModule";
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        name[0] = (char)('A' + (i & 15)); /* vary the input */
        btq_twox128(name, sizeof name - 1, out);
        acc += out[0];
    }
    sink += acc;
}

static void b_blake2_128_concat_key(long iters)
{
    uint8_t id[32], key[80];
    memset(id, 0x5a, sizeof id);
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        memcpy(id, &i, sizeof i);
        btq_storage_key_part part = {BTQ_HASHER_BLAKE2_128_CONCAT, id, sizeof id};
        size_t n = 0;
        btq_storage_key("System", 6, "Account", 7, &part, 1, key, sizeof key, &n);
        acc += key[40] + n;
    }
    sink += acc;
}

static void b_blake2_128_concat_key_cached_prefix(long iters)
{
    uint8_t id[32], key[80];
    memset(id, 0x5a, sizeof id);
    btq_storage_prefix("System", 6, "Account", 7, key);
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        memcpy(id, &i, sizeof i);
        size_t n = 0;
        btq_hash(BTQ_HASHER_BLAKE2_128_CONCAT, id, sizeof id, key + 32, sizeof key - 32, &n);
        acc += key[40] + n;
    }
    sink += acc;
}

static void b_ss58_encode(long iters)
{
    uint8_t id[32];
    memset(id, 0xa7, sizeof id);
    char addr[BTQ_SS58_ADDRESS_CAP];
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        memcpy(id, &i, sizeof i);
        size_t n = 0;
        btq_ss58_encode(42, id, sizeof id, addr, sizeof addr, &n, NULL);
        acc += (uint64_t)addr[5] + n;
    }
    sink += acc;
}

enum { NADDR = 256 };
static char addrs[NADDR][BTQ_SS58_ADDRESS_CAP];
static size_t addr_len[NADDR];

static void b_ss58_decode(long iters)
{
    uint8_t id[32];
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        size_t k = (size_t)i % NADDR, n = 0;
        uint16_t prefix = 0;
        btq_ss58_decode(addrs[k], addr_len[k], 42, &prefix, id, sizeof id, &n, NULL);
        acc += id[3] + prefix;
    }
    sink += acc;
}

static void b_storage_key_from_ss58(long iters)
{
    uint8_t id[32], key[80];
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        size_t k = (size_t)i % NADDR, n = 0;
        uint16_t prefix = 0;
        if (btq_ss58_decode(addrs[k], addr_len[k], 42, &prefix, id, sizeof id, &n, NULL)) abort();
        btq_storage_key_part part = {BTQ_HASHER_BLAKE2_128_CONCAT, id, sizeof id};
        btq_storage_key("System", 6, "Account", 7, &part, 1, key, sizeof key, &n);
        acc += key[40] + n;
    }
    sink += acc;
}

static void b_blake2b_512(long iters)
{
    uint8_t in[41], out[64];
    memset(in, 3, sizeof in);
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        memcpy(in + 8, &i, sizeof i);
        btq_blake2b(in, sizeof in, out, sizeof out);
        acc += out[0];
    }
    sink += acc;
}

static void b_base58_encode(long iters)
{
    uint8_t in[35];
    memset(in, 0x91, sizeof in);
    in[0] = 42;
    char out[64];
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        memcpy(in + 1, &i, sizeof i);
        size_t n = 0;
        btq_base58_encode(in, sizeof in, out, sizeof out, &n);
        acc += (uint64_t)out[3] + n;
    }
    sink += acc;
}

static void b_base58_decode(long iters)
{
    uint8_t out[64];
    uint64_t acc = 0;
    for (long i = 0; i < iters; i++) {
        size_t k = (size_t)i % NADDR, n = 0;
        btq_base58_decode(addrs[k], addr_len[k], out, sizeof out, &n, NULL);
        acc += out[3] + n;
    }
    sink += acc;
}

typedef struct row {
    const char *name;
    const char *id; /* case id of the result line */
    bench_fn fn;
    double js_ns; /* 0: no JavaScript reference */
} row;

int main(int argc, char **argv)
{
    long iters = 1000000;
    int json_out = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json_out = 1;
        else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            i++; /* no node needed */
        else if (argv[i][0] != '-')
            iters = atol(argv[i]);
        else {
            fprintf(stderr, "usage: bench_chain [--json] [ITERATIONS]\n");
            return 2;
        }
    }
    if (iters < 1) iters = 1000000;
    for (int k = 0; k < NADDR; k++) {
        uint8_t id[32];
        for (int j = 0; j < 32; j++)
            id[j] = (uint8_t)(k * 31 + j * 7);
        btq_ss58_encode(42, id, sizeof id, addrs[k], sizeof addrs[k], &addr_len[k], NULL);
    }
    static const row rows[] = {
        {"twox128 (15-byte pallet name)", "codec.twox128", b_twox128, 440},
        {"System.Account key (Blake2_128Concat)", "codec.storage_key", b_blake2_128_concat_key,
         2200},
        {"  same, 32-byte prefix precomputed", "codec.storage_key.prefix_cached",
         b_blake2_128_concat_key_cached_prefix, 2200},
        {"  same, from an SS58 address", "codec.storage_key.from_ss58", b_storage_key_from_ss58, 0},
        {"SS58 encode (32-byte id, prefix 42)", "codec.ss58_encode", b_ss58_encode, 1700},
        {"SS58 decode (32-byte id, prefix 42)", "codec.ss58_decode", b_ss58_decode, 10700},
        {"  blake2b-512 of 41 bytes (checksum)", "codec.blake2b_512", b_blake2b_512, 0},
        {"  base58 encode 35 bytes", "codec.base58_encode", b_base58_encode, 0},
        {"  base58 decode 48 characters", "codec.base58_decode", b_base58_decode, 0},
    };
    if (!json_out)
        printf("%-40s %10s %9s %9s %8s\n", "operation", "iterations", "ns/op", "JS ns/op",
               "JS/btq");
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        rows[r].fn(iters / 10); /* warm up */
        double best = 1e300;
        for (int round = 0; round < 5; round++) {
            double t0 = (bench_thread_cpu_s() * 1e9);
            rows[r].fn(iters);
            double ns = ((bench_thread_cpu_s() * 1e9) - t0) / (double)iters;
            if (ns < best) best = ns;
        }
        if (json_out)
            printf("{\"case\":\"%s\",\"client\":\"btq\",\"metric\":\"ns\",\"value\":%.6g,"
                   "\"unit\":\"ns\"}\n",
                   rows[r].id, best);
        else if (rows[r].js_ns > 0)
            printf("%-40s %10ld %9.1f %9.0f %7.1fx\n", rows[r].name, iters, best, rows[r].js_ns,
                   rows[r].js_ns / best);
        else
            printf("%-40s %10ld %9.1f %9s %8s\n", rows[r].name, iters, best, "-", "-");
    }
    if (!json_out)
        printf("(thread CPU time, best of 5 rounds; inputs vary per iteration; JS figures: "
               "polkadot-js on the reference machine)\n");
    return 0;
}
