/* The bench accounts of bench/README.md and a forked mock node serving them, for the bench
 * programs that run without --url (bench_client_balances, bench_scale_stream). Include after
 * "support/mock_node.c". Everything is static inline: include it from one .c file.
 *
 * Account i: public key LE32(i) || 0x5a x 28; System.Account value (AccountInfo, 56 bytes):
 * nonce i, consumers 0, providers 1, sufficients 0, free 1_000_000_000 + i, reserved 0,
 * frozen 0, flags 0x80 << 120. Every other storage key is absent (null). */
#ifndef BTQ_BENCH_MOCK_ACCOUNTS_H
#define BTQ_BENCH_MOCK_ACCOUNTS_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define BMA_HEAD "0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3"
#define BMA_GENESIS "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03"
#define BMA_KEY_HEX_LEN 162 /* "0x" + 2 x (16 + 16 + 16 + 32) */
#define BMA_VALUE_HEX_LEN 114

static inline uint64_t bma_free_of(uint64_t i)
{
    return 1000000000ull + i;
}

static inline void bma_pk(uint32_t i, uint8_t pk[32])
{
    pk[0] = (uint8_t)i;
    pk[1] = (uint8_t)(i >> 8);
    pk[2] = (uint8_t)(i >> 16);
    pk[3] = (uint8_t)(i >> 24);
    memset(pk + 4, 0x5a, 28);
}

static inline void bma_hex(char *out, const uint8_t *b, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) {
        out[2 * k] = d[b[k] >> 4];
        out[2 * k + 1] = d[b[k] & 15];
    }
}

/* "0x" + 112 hex digits of account i's AccountInfo, NUL-terminated. */
static inline void bma_value_hex(uint32_t i, char out[BMA_VALUE_HEX_LEN + 1])
{
    uint8_t v[56];
    memset(v, 0, sizeof v);
    uint64_t fr = bma_free_of(i);
    for (int k = 0; k < 4; k++)
        v[k] = (uint8_t)(i >> (8 * k));
    v[8] = 1; /* providers */
    for (int k = 0; k < 8; k++)
        v[16 + k] = (uint8_t)(fr >> (8 * k));
    v[55] = 0x80; /* flags */
    out[0] = '0';
    out[1] = 'x';
    bma_hex(out + 2, v, sizeof v);
    out[BMA_VALUE_HEX_LEN] = 0;
}

static inline int bma_hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The account index of a System.Account key text (without quotes), or -1. The pallet and item
 * prefix and the blake2 part are not checked (the public key's 0x5a tail is). */
static inline int64_t bma_account_of_key(const char *k, size_t n)
{
    if (n != BMA_KEY_HEX_LEN || k[0] != '0' || (k[1] != 'x' && k[1] != 'X')) return -1;
    static const char sys_account[] =
        "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9";
    if (strncasecmp(k + 2, sys_account, 64) != 0) return -1;
    const char *pk = k + BMA_KEY_HEX_LEN - 64;
    uint32_t i = 0;
    for (int b = 0; b < 4; b++) {
        int hi = bma_hexval(pk[2 * b]), lo = bma_hexval(pk[2 * b + 1]);
        if (hi < 0 || lo < 0) return -1;
        i |= (uint32_t)(hi << 4 | lo) << (8 * b);
    }
    for (int b = 4; b < 32; b++)
        if (pk[2 * b] != '5' || (pk[2 * b + 1] != 'a' && pk[2 * b + 1] != 'A')) return -1;
    return i;
}

/* Next JSON string token in [p, e): *s, *n = its text without quotes; returns the end or NULL.
 * The params are canonical JSON of hex strings: no escapes to care about. */
static inline const char *bma_next_string(const char *p, const char *e, const char **s, size_t *n)
{
    const char *q = memchr(p, '"', (size_t)(e - p));
    if (!q) return NULL;
    const char *r = memchr(q + 1, '"', (size_t)(e - q - 1));
    if (!r) return NULL;
    *s = q + 1;
    *n = (size_t)(r - q - 1);
    return r + 1;
}

typedef struct bma_buf {
    char *p;
    size_t n, cap;
} bma_buf;

static inline void bma_put(bma_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = (b->n + n + 1) * 2;
        char *np = realloc(b->p, nc);
        if (!np) abort();
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static inline void bma_put_value(bma_buf *b, const char *k, size_t n)
{
    int64_t i = bma_account_of_key(k, n);
    if (i < 0) {
        bma_put(b, "null", 4);
        return;
    }
    char v[BMA_VALUE_HEX_LEN + 1];
    bma_value_hex((uint32_t)i, v);
    bma_put(b, "\"", 1);
    bma_put(b, v, BMA_VALUE_HEX_LEN);
    bma_put(b, "\"", 1);
}

static char *bma_metadata_result; /* "0x" Option<OpaqueMetadata> JSON string */

static inline char *bma_handler(void *user, const char *method, const char *params, int *code)
{
    (void)user;
    (void)code;
    const char *e = params + strlen(params);
    if (!strcmp(method, "state_getStorage")) {
        const char *s;
        size_t n;
        bma_buf b = {0};
        if (!bma_next_string(params, e, &s, &n)) return strdup("null");
        bma_put_value(&b, s, n);
        return b.p;
    }
    if (!strcmp(method, "state_queryStorageAt")) {
        bma_buf b = {0};
        bma_put(&b, "[{\"block\":\"" BMA_HEAD "\",\"changes\":[", 11 + 66 + 13);
        const char *p = params + 1, *ke = strchr(p, ']'); /* the keys array */
        if (!ke) ke = e;
        const char *s;
        size_t n;
        int first = 1;
        while ((p = bma_next_string(p, ke, &s, &n)) != NULL) {
            bma_put(&b, first ? "[\"" : ",[\"", first ? 2 : 3);
            first = 0;
            bma_put(&b, s, n);
            bma_put(&b, "\",", 2);
            bma_put_value(&b, s, n);
            bma_put(&b, "]", 1);
        }
        bma_put(&b, "]}]", 3);
        return b.p;
    }
    if (!strcmp(method, "chain_getHead") || !strcmp(method, "chain_getFinalizedHead"))
        return strdup("\"" BMA_HEAD "\"");
    if (!strcmp(method, "chain_getBlockHash"))
        return strdup(!strcmp(params, "[0]") ? "\"" BMA_GENESIS "\"" : "\"" BMA_HEAD "\"");
    if (!strcmp(method, "state_getRuntimeVersion"))
        return strdup("{\"specName\":\"node-subtensor\",\"implName\":\"node-subtensor\","
                      "\"authoringVersion\":1,\"specVersion\":393,\"implVersion\":1,\"apis\":[],"
                      "\"transactionVersion\":1,\"stateVersion\":1}");
    if (!strcmp(method, "state_call") && strstr(params, "Metadata_metadata_at_version"))
        return strdup(bma_metadata_result);
    if (!strcmp(method, "chain_getHeader"))
        return strdup("{\"parentHash\":\"" BMA_HEAD "\",\"number\":\"0x3d0900\","
                      "\"stateRoot\":\"" BMA_HEAD "\",\"extrinsicsRoot\":\"" BMA_HEAD "\","
                      "\"digest\":{\"logs\":[]}}");
    return NULL;
}

/* Load the metadata blob into bma_metadata_result. 0 or -1 (message on stderr). */
static inline int bma_load_metadata(const char *shared)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/chain/metadata/finney_spec393_v15.scale", shared);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *md = malloc(len);
    if (!md || fread(md, 1, len, f) != len) {
        fclose(f);
        free(md);
        return -1;
    }
    fclose(f);
    bma_metadata_result = malloc(2 * len + 32);
    if (!bma_metadata_result) {
        free(md);
        return -1;
    }
    uint32_t cl = (uint32_t)(len << 2) | 2u;
    size_t o = (size_t)sprintf(bma_metadata_result, "\"0x01%02x%02x%02x%02x", cl & 0xff,
                               (cl >> 8) & 0xff, (cl >> 16) & 0xff, cl >> 24);
    bma_hex(bma_metadata_result + o, md, len);
    o += 2 * len;
    strcpy(bma_metadata_result + o, "\"");
    free(md);
    return 0;
}

/* A mock node serving the bench accounts in a forked process (so that the measuring process
 * carries none of its memory, threads or descriptors). */
typedef struct bma_node {
    pid_t pid;
    int ctl;       /* write end: closing it stops the node */
    char url[128]; /* ws://127.0.0.1:PORT */
} bma_node;

static inline int bma_node_start(bma_node *nd, const char *shared)
{
    int up[2], ctl[2];
    if (pipe(up) || pipe(ctl)) return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(up[0]);
        close(ctl[1]);
        if (bma_load_metadata(shared)) _exit(1);
        mock_node_opts mo;
        memset(&mo, 0, sizeof mo);
        mo.handler = bma_handler;
        mock_node *node = mock_node_start(&mo);
        if (!node) _exit(1);
        const char *u = mock_node_url(node);
        if (write(up[1], u, strlen(u)) < 0) _exit(1);
        close(up[1]);
        char c;
        while (read(ctl[0], &c, 1) > 0) {
        }
        if (getenv("BTQ_BENCH_VERBOSE")) {
            mock_node_stats s;
            mock_node_get_stats(node, &s);
            fprintf(stderr,
                    "mock node: %llu connections, %llu requests, %llu messages, %llu answers, "
                    "%llu drops\n",
                    (unsigned long long)s.connections_accepted, (unsigned long long)s.requests,
                    (unsigned long long)s.messages_received, (unsigned long long)s.answers,
                    (unsigned long long)s.drops);
        }
        mock_node_stop(node);
        free(bma_metadata_result);
        _exit(0);
    }
    close(up[1]);
    close(ctl[0]);
    size_t o = 0;
    ssize_t r;
    while (o < sizeof nd->url - 1 && (r = read(up[0], nd->url + o, sizeof nd->url - 1 - o)) > 0)
        o += (size_t)r;
    close(up[0]);
    nd->url[o] = 0;
    nd->pid = pid;
    nd->ctl = ctl[1];
    if (o == 0) {
        close(ctl[1]);
        waitpid(pid, NULL, 0);
        fprintf(stderr, "the mock node did not start\n");
        return -1;
    }
    return 0;
}

static inline void bma_node_stop(bma_node *nd)
{
    close(nd->ctl);
    waitpid(nd->pid, NULL, 0);
}

#endif
