/* bench_node: the one mock node every client of the benchmark suite talks to (bench/README.md).
 * The lws mock node (tests/support/mock_node.c) in its own process, serving the real finney
 * spec-393 V15 metadata, the recorded spec-393 runtime version and header, and the bench
 * accounts (account i: public key LE32(i) || 0x5a x 28, AccountInfo nonce i, providers 1,
 * free 1_000_000_000 + i, flags 0x80..00; every other storage key is absent).
 *
 * Usage: bench_node [--port P] [--shared DIR] [--ignore-stdin] [--verbose]
 *   prints exactly one line "ws://127.0.0.1:PORT" on stdout when ready, then serves until
 *   SIGTERM, SIGINT or end of standard input (--ignore-stdin: signals only). --verbose logs
 *   every method but chain_getHead to stderr; unknown methods are always logged (once each).
 *
 * Hot paths: chain_getHead falls through the handler at once and is answered from the mock's
 * pre-serialised replay table; storage answers are built by scanning the params text and
 * patching a pre-formatted AccountInfo (no JSON tree for the keys). */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btq/chain.h"

#include "support/mock_node.c" /* NOLINT(bugprone-suspicious-include): one TU */

#define HEAD_HASH "0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3"
#define GENESIS_HASH "0x2f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c03"
#define KEY_HEX_LEN 162 /* "0x" + 2 x (16 + 16) prefix + 2 x 16 blake2_128 + 2 x 32 pk */

static const char PROPERTIES[] = "{\"ss58Format\":42,\"tokenDecimals\":9,\"tokenSymbol\":\"TAO\"}";

/* Legacy JSON-RPC methods only: new-API clients (polkadot-api) then use their legacy mode. */
static const char *const METHODS[] = {"chain_getBlockHash",
                                      "chain_getFinalisedHead",
                                      "chain_getFinalizedHead",
                                      "chain_getHead",
                                      "chain_getHeader",
                                      "chain_getRuntimeVersion",
                                      "chain_subscribeAllHeads",
                                      "chain_subscribeFinalizedHeads",
                                      "chain_subscribeNewHead",
                                      "chain_subscribeNewHeads",
                                      "chain_unsubscribeAllHeads",
                                      "chain_unsubscribeFinalizedHeads",
                                      "chain_unsubscribeNewHead",
                                      "chain_unsubscribeNewHeads",
                                      "rpc_methods",
                                      "state_call",
                                      "state_callAt",
                                      "state_getKeysPaged",
                                      "state_getKeysPagedAt",
                                      "state_getMetadata",
                                      "state_getRuntimeVersion",
                                      "state_getStorage",
                                      "state_getStorageAt",
                                      "state_getStorageHash",
                                      "state_getStorageHashAt",
                                      "state_getStorageSize",
                                      "state_getStorageSizeAt",
                                      "state_queryStorageAt",
                                      "state_subscribeRuntimeVersion",
                                      "state_subscribeStorage",
                                      "state_unsubscribeRuntimeVersion",
                                      "state_unsubscribeStorage",
                                      "system_chain",
                                      "system_chainType",
                                      "system_health",
                                      "system_name",
                                      "system_properties",
                                      "system_version"};

static struct {
    mock_node *node;
    int verbose;
    char *metadata_hex;    /* "\"0x6d657461...\"" (state_getMetadata) */
    char *md_at_version;   /* "\"0x01<compact len>6d657461...\"" (Option<OpaqueMetadata>) */
    char *runtime_version; /* recorded spec-393 answer, canonical JSON */
    char *header;          /* recorded header of HEAD_HASH, canonical JSON */
    size_t nheaders;       /* every recorded header, by hash (parents of HEAD_HASH included) */
    char **header_hash, **header_json;
    char code_hash[70]; /* "\"0x<blake2_256 of the metadata>\"": the hash of ":code" */
    char *rpc_methods;
    char key_prefix[65];   /* hex of twox128("System") || twox128("Account"), no 0x */
    char account_tpl[115]; /* "0x" + 112 hex digits of AccountInfo for i = 0 */
    smap seen;             /* methods already logged as unknown */
} G;

static const char HEXD[] = "0123456789abcdef";

static void hex_into(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = HEXD[b[i] >> 4];
        out[2 * i + 1] = HEXD[b[i] & 15];
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Account index of a storage key (hex text without quotes, len chars), or -1 when the key is
 * not a bench account's System.Account key. */
static int64_t account_of_key(const char *k, size_t len)
{
    if (len != KEY_HEX_LEN || k[0] != '0' || (k[1] != 'x' && k[1] != 'X')) return -1;
    if (strncasecmp(k + 2, G.key_prefix, 64) != 0) return -1;
    const char *pk = k + 2 + 64 + 32;
    uint8_t raw[32];
    for (size_t i = 0; i < 32; i++) {
        int hi = hexval(pk[2 * i]), lo = hexval(pk[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        raw[i] = (uint8_t)(hi << 4 | lo);
    }
    for (size_t i = 4; i < 32; i++)
        if (raw[i] != 0x5a) return -1;
    uint8_t h[16];
    btq_blake2_128(raw, 32, h);
    for (size_t i = 0; i < 16; i++) {
        int hi = hexval(k[66 + 2 * i]), lo = hexval(k[66 + 2 * i + 1]);
        if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != h[i]) return -1;
    }
    return (int64_t)((uint32_t)raw[0] | (uint32_t)raw[1] << 8 | (uint32_t)raw[2] << 16 |
                     (uint32_t)raw[3] << 24);
}

/* Append the JSON value of a key: "0x<AccountInfo>" or null. */
static void add_value(sbuf *b, const char *k, size_t len)
{
    int64_t i = account_of_key(k, len);
    if (i < 0) {
        sb_add(b, "null", 4);
        return;
    }
    sb_reserve(b, 116);
    char *v = b->p + b->len;
    v[0] = '"';
    memcpy(v + 1, G.account_tpl, 114);
    v[115] = '"';
    uint8_t le[8];
    uint32_t nonce = (uint32_t)i;
    for (int j = 0; j < 4; j++)
        le[j] = (uint8_t)(nonce >> (8 * j));
    hex_into(v + 3, le, 4);
    uint64_t free_ = 1000000000ull + (uint64_t)i;
    for (int j = 0; j < 8; j++)
        le[j] = (uint8_t)(free_ >> (8 * j));
    hex_into(v + 3 + 32, le, 8); /* nonce + consumers + providers + sufficients = 16 bytes */
    b->len += 116;
}

/* Next JSON string in [p, e): sets *s / *n to its contents (no escapes in hex keys). */
static const char *next_string(const char *p, const char *e, const char **s, size_t *n)
{
    while (p < e && *p != '"' && *p != ']')
        p++;
    if (p >= e || *p == ']') return NULL;
    const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
    if (!q) return NULL;
    *s = p + 1;
    *n = (size_t)(q - p - 1);
    return q + 1;
}

/* [{"block":HEAD,"changes":[[k,v],...]}] for params [[k,...], at?] (or a StorageChangeSet
 * alone when bare = 1, for state_subscribeStorage). */
static char *change_set(const char *params, int bare)
{
    const char *p = params, *e = params + strlen(params);
    while (p < e && *p != '[')
        p++;
    if (p < e) p++;
    while (p < e && *p != '[' && *p != ']')
        p++;
    sbuf b = {0};
    sb_reserve(&b, 64 + (size_t)(e - params) * 2);
    sb_adds(&b, bare ? "{\"block\":\"" HEAD_HASH "\",\"changes\":["
                     : "[{\"block\":\"" HEAD_HASH "\",\"changes\":[");
    if (p < e && *p == '[') {
        const char *s;
        size_t n, k = 0;
        p++;
        while ((p = next_string(p, e, &s, &n)) != NULL) {
            if (k++) sb_add(&b, ",", 1);
            sb_add(&b, "[\"", 2);
            sb_add(&b, s, n);
            sb_add(&b, "\",", 2);
            add_value(&b, s, n);
            sb_add(&b, "]", 1);
        }
    }
    sb_adds(&b, bare ? "]}" : "]}]");
    sb_add(&b, "", 1);
    return b.p;
}

static char *first_string_value(const char *params)
{
    const char *s;
    size_t n;
    const char *e = params + strlen(params);
    const char *p = params;
    if (p < e && *p == '[') p++;
    if (!next_string(p, e, &s, &n)) return NULL;
    sbuf b = {0};
    add_value(&b, s, n);
    sb_add(&b, "", 1);
    return b.p;
}

static char *block_hash(const char *params)
{
    /* [] / [null] / [n] / ["0x.."]: 0 -> genesis, anything else -> head */
    const char *p = params;
    while (*p == '[' || *p == ' ' || *p == '"')
        p++;
    int zero = 0;
    if (p[0] == '0' && (p[1] == ']' || p[1] == '"' || p[1] == ',')) zero = 1;
    if (p[0] == '0' && p[1] == 'x') {
        const char *q = p + 2;
        while (*q == '0')
            q++;
        zero = (*q == '"');
    }
    return strdup(zero ? "\"" GENESIS_HASH "\"" : "\"" HEAD_HASH "\"");
}

static char *runtime_call(const char *params, int *code)
{
    char name[64] = "", arg[32] = "";
    cJSON *j = cJSON_Parse(params);
    const cJSON *m = cJSON_GetArrayItem(j, 0), *a = cJSON_GetArrayItem(j, 1);
    if (cJSON_IsString(m)) snprintf(name, sizeof name, "%s", m->valuestring);
    if (cJSON_IsString(a)) snprintf(arg, sizeof arg, "%s", a->valuestring);
    cJSON_Delete(j);
    if (!strcmp(name, "Metadata_metadata_versions"))
        return strdup("\"0x080e0000000f000000\""); /* Vec<u32> [14, 15] */
    if (!strcmp(name, "Metadata_metadata_at_version")) {
        if (!strcasecmp(arg, "0x0f000000")) return strdup(G.md_at_version);
        return strdup("\"0x00\""); /* None */
    }
    if (!strcmp(name, "Metadata_metadata")) return strdup(G.metadata_hex); /* not exact */
    fprintf(stderr, "bench_node: state_call %s not served\n", name);
    *code = -32000;
    return strdup("Client error: Execution failed: runtime call not served by bench_node");
}

/* The recorded header of the hash in params (["0x.."]), else HEAD_HASH's. */
static const char *header_of(const char *params)
{
    const char *s;
    size_t n;
    const char *p = params;
    if (*p == '[') p++;
    if (next_string(p, params + strlen(params), &s, &n)) {
        for (size_t i = 0; i < G.nheaders; i++)
            if (strlen(G.header_hash[i]) == n && !strncasecmp(G.header_hash[i], s, n))
                return G.header_json[i];
    }
    return G.header;
}

static void log_unknown(const char *method)
{
    if (sm_find(&G.seen, method, strlen(method))) return;
    sm_get(&G.seen, method, strlen(method));
    fprintf(stderr, "bench_node: unknown method %s\n", method);
}

#define IS(lit) (strcmp(method, lit) == 0)

static char *handler(void *user, const char *method, const char *params, int *code)
{
    (void)user;
    if (method[0] == 'c' && IS("chain_getHead")) return NULL; /* replay table (hot path) */
    if (G.verbose) fprintf(stderr, "bench_node: %s %.200s\n", method, params);
    if (!strncmp(method, "state_", 6)) {
        if (IS("state_queryStorageAt")) return change_set(params, 0);
        if (IS("state_getStorage") || IS("state_getStorageAt")) {
            char *v = first_string_value(params);
            return v ? v : strdup("null");
        }
        if (IS("state_getRuntimeVersion")) return strdup(G.runtime_version);
        if (IS("state_getMetadata")) return strdup(G.metadata_hex);
        if (IS("state_call") || IS("state_callAt")) return runtime_call(params, code);
        if (IS("state_getKeysPaged") || IS("state_getKeysPagedAt") || IS("state_getKeys"))
            return strdup("[]");
        if (IS("state_getStorageHash") || IS("state_getStorageHashAt"))
            return strdup(strstr(params, "\"0x3a636f6465\"") ? G.code_hash : "null");
        if (IS("state_getStorageSize") || IS("state_getStorageSizeAt")) return strdup("null");
        if (IS("state_subscribeRuntimeVersion")) {
            mock_node_set_sub_initial(G.node, G.runtime_version, 1, 0);
            return NULL; /* the mock's subscription table answers, then the initial event */
        }
        if (IS("state_subscribeStorage")) {
            char *cs = change_set(params, 1);
            mock_node_set_sub_initial(G.node, cs, 1, 0);
            free(cs);
            return NULL;
        }
        if (!strncmp(method, "state_unsubscribe", 17)) return NULL;
    } else if (!strncmp(method, "chain_", 6)) {
        if (IS("chain_getBlockHash")) return block_hash(params);
        if (IS("chain_getHeader")) return strdup(header_of(params));
        if (IS("chain_getFinalizedHead") || IS("chain_getFinalisedHead"))
            return strdup("\"" HEAD_HASH "\"");
        if (IS("chain_getRuntimeVersion")) return strdup(G.runtime_version);
        if (IS("chain_subscribeNewHeads") || IS("chain_subscribeNewHead") ||
            IS("chain_subscribeFinalizedHeads")) {
            mock_node_set_sub_initial(G.node, G.header, 1, 0);
            return NULL;
        }
        if (IS("chain_subscribeAllHeads")) { /* no block beyond the finalized one: no event */
            mock_node_set_sub_initial(G.node, NULL, 0, 0);
            return NULL;
        }
        if (!strncmp(method, "chain_unsubscribe", 17)) return NULL;
    } else if (!strncmp(method, "system_", 7)) {
        if (IS("system_chain")) return strdup("\"Bittensor\"");
        if (IS("system_name")) return strdup("\"btq bench_node\"");
        if (IS("system_version")) return strdup("\"1.0.0\"");
        if (IS("system_properties")) return strdup(PROPERTIES);
        if (IS("system_chainType")) return strdup("\"Live\"");
        if (IS("system_health"))
            return strdup("{\"peers\":0,\"isSyncing\":false,\"shouldHavePeers\":false}");
    } else if (IS("rpc_methods")) {
        return strdup(G.rpc_methods);
    } else if (IS("chainSpec_v1_genesisHash")) {
        return strdup("\"" GENESIS_HASH "\"");
    } else if (IS("chainSpec_v1_chainName")) {
        return strdup("\"Bittensor\"");
    } else if (IS("chainSpec_v1_properties")) {
        return strdup(PROPERTIES);
    }
    log_unknown(method);
    *code = -32601;
    return strdup("Method not found");
}

/* ---- start-up -------------------------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            buf = xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* The first recorded answer to method (params[0] == param0 when set) whose result passes ok(). */
static char *recorded(const char *shared, const char *method, const char *param0,
                      int (*ok)(const cJSON *))
{
    static const char *const files[] = {
        "chain/recorded/async-substrate-interface/ws_responses.jsonl",
        "chain/recorded/bittensor/ws_responses.jsonl"};
    char *out = NULL;
    for (size_t fi = 0; fi < sizeof files / sizeof files[0] && !out; fi++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", shared, files[fi]);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        char *line = NULL;
        size_t cap = 0;
        ssize_t got;
        while (!out && (got = getline(&line, &cap, f)) > 0) {
            if (!strstr(line, method)) continue;
            cJSON *j = cJSON_ParseWithLength(line, (size_t)got);
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "method");
            const cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "params"), 0);
            const cJSON *res = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(j, "response"), "result");
            if (cJSON_IsString(m) && !strcmp(m->valuestring, method) && res &&
                (!param0 || (cJSON_IsString(p0) && !strcmp(p0->valuestring, param0))) &&
                (!ok || ok(res)))
                out = cJSON_PrintUnformatted(res);
            cJSON_Delete(j);
        }
        free(line);
        fclose(f);
    }
    return out;
}

/* Every recorded chain_getHeader answer of the async-substrate-interface recording (spec 393),
 * keyed by the hash asked for. */
static void load_headers(const char *shared)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/chain/recorded/async-substrate-interface/ws_responses.jsonl",
             shared);
    FILE *f = fopen(path, "rb");
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) > 0) {
        if (!strstr(line, "\"chain_getHeader\"")) continue;
        cJSON *j = cJSON_ParseWithLength(line, (size_t)got);
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "method");
        const cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "params"), 0);
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(j, "response"), "result");
        if (cJSON_IsString(m) && !strcmp(m->valuestring, "chain_getHeader") && cJSON_IsString(p0) &&
            cJSON_IsObject(res)) {
            G.header_hash = xrealloc(G.header_hash, (G.nheaders + 1) * sizeof *G.header_hash);
            G.header_json = xrealloc(G.header_json, (G.nheaders + 1) * sizeof *G.header_json);
            G.header_hash[G.nheaders] = strdup(p0->valuestring);
            G.header_json[G.nheaders] = cJSON_PrintUnformatted(res);
            G.nheaders++;
        }
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
}

static int is_spec393(const cJSON *rv)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(rv, "specVersion");
    return cJSON_IsNumber(s) && s->valueint == 393;
}

static int load(const char *shared)
{
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/chain/metadata/finney_spec393_v15.scale", shared);
    uint8_t *md = (uint8_t *)read_file(path, &len);
    if (!md || len < 5 || memcmp(md, "meta", 4) != 0) {
        fprintf(stderr, "bench_node: cannot read the V15 metadata %s\n", path);
        free(md);
        return -1;
    }
    /* Option<OpaqueMetadata>: 0x01, compact length, bytes */
    uint8_t pre[6];
    size_t pl = 0;
    pre[pl++] = 0x01;
    if (len < 64) {
        pre[pl++] = (uint8_t)(len << 2);
    } else if (len < 16384) {
        uint16_t v = (uint16_t)(len << 2 | 1);
        pre[pl++] = (uint8_t)v;
        pre[pl++] = (uint8_t)(v >> 8);
    } else {
        uint32_t v = (uint32_t)(len << 2 | 2);
        for (int i = 0; i < 4; i++)
            pre[pl++] = (uint8_t)(v >> (8 * i));
    }
    G.metadata_hex = xmalloc(2 * len + 8);
    memcpy(G.metadata_hex, "\"0x", 3);
    hex_into(G.metadata_hex + 3, md, len);
    memcpy(G.metadata_hex + 3 + 2 * len, "\"", 2);
    G.md_at_version = xmalloc(2 * (len + pl) + 8);
    memcpy(G.md_at_version, "\"0x", 3);
    hex_into(G.md_at_version + 3, pre, pl);
    hex_into(G.md_at_version + 3 + 2 * pl, md, len);
    memcpy(G.md_at_version + 3 + 2 * (pl + len), "\"", 2);
    uint8_t ch[32];
    btq_blake2_256(md, len, ch);
    memcpy(G.code_hash, "\"0x", 3);
    hex_into(G.code_hash + 3, ch, 32);
    memcpy(G.code_hash + 67, "\"", 2);
    free(md);

    G.runtime_version = recorded(shared, "state_getRuntimeVersion", NULL, is_spec393);
    if (!G.runtime_version) {
        fprintf(stderr, "bench_node: no recorded spec-393 state_getRuntimeVersion under %s\n",
                shared);
        return -1;
    }
    G.header = recorded(shared, "chain_getHeader", HEAD_HASH, NULL);
    if (!G.header) {
        fprintf(stderr, "bench_node: no recorded header of %s under %s\n", HEAD_HASH, shared);
        return -1;
    }

    load_headers(shared);

    sbuf b = {0};
    sb_adds(&b, "{\"methods\":[");
    for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0]; i++) {
        if (i) sb_adds(&b, ",");
        sb_json_string(&b, METHODS[i]);
    }
    sb_adds(&b, "],\"version\":1}");
    sb_add(&b, "", 1);
    G.rpc_methods = b.p;

    uint8_t pfx[32];
    btq_twox128("System", 6, pfx);
    btq_twox128("Account", 7, pfx + 16);
    hex_into(G.key_prefix, pfx, 32);
    G.key_prefix[64] = 0;

    uint8_t ai[56] = {0};
    ai[8] = 1;     /* providers */
    ai[55] = 0x80; /* flags, u128 LE: the top bit */
    memcpy(G.account_tpl, "0x", 2);
    hex_into(G.account_tpl + 2, ai, 56);
    G.account_tpl[114] = 0;
    return 0;
}

static int write_replay(char *path_out, size_t cap)
{
    snprintf(path_out, cap, "/tmp/bench_node_replay_XXXXXX");
    int fd = mkstemp(path_out);
    if (fd < 0) return -1;
    static const char line[] =
        "{\"method\":\"chain_getHead\",\"params\":[],\"response\":{\"result\":\"" HEAD_HASH
        "\"}}\n";
    ssize_t w = write(fd, line, sizeof line - 1);
    close(fd);
    return w == (ssize_t)(sizeof line - 1) ? 0 : -1;
}

static void *stdin_watch(void *arg)
{
    (void)arg;
    char buf[4096];
    for (;;) {
        ssize_t r = read(0, buf, sizeof buf);
        if (r == 0 || (r < 0 && errno != EINTR)) break;
    }
    kill(getpid(), SIGUSR1); /* to the process: the main thread's sigwait takes it */
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_node [--port P] [--shared DIR] [--ignore-stdin] [--verbose]\n");
}

int main(int argc, char **argv)
{
    const char *shared = getenv("BTQ_SHARED_DIR");
    int port = 0, watch_stdin = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 0 || v > 65535) {
                usage();
                return 2;
            }
            port = (int)v;
        } else if (!strcmp(argv[i], "--shared") && i + 1 < argc) {
            shared = argv[++i];
        } else if (!strcmp(argv[i], "--ignore-stdin")) {
            watch_stdin = 0;
        } else if (!strcmp(argv[i], "--verbose")) {
            G.verbose = 1;
        } else {
            usage();
            return 2;
        }
    }
    if (!shared || !*shared) shared = "../shared";
    /* A 10,000-key answer is megabytes: keep freed memory in the heap for the next one instead
     * of a fresh mmap per request, whose page faults would cost more than building it. */
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    if (load(shared)) return 1;

    /* SIGTERM / SIGINT (and SIGUSR1 from the stdin watcher) are taken by sigwait in the main
     * thread only: block them before any thread starts so that every thread inherits the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1); /* end of standard input */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    lws_set_log_level(0, NULL);

    char replay_path[64];
    if (write_replay(replay_path, sizeof replay_path)) {
        fprintf(stderr, "bench_node: cannot write the replay table\n");
        return 1;
    }
    mock_node_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.port = port;
    mo.handler = handler;
    mock_node *node = mock_node_start(&mo);
    if (!node) {
        unlink(replay_path);
        fprintf(stderr, "bench_node: cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }
    G.node = node;
    int added = mock_node_load_replay(node, replay_path, NULL);
    unlink(replay_path);
    if (added != 1) {
        fprintf(stderr, "bench_node: cannot load the replay table\n");
        mock_node_stop(node);
        return 1;
    }

    pthread_t watcher;
    if (watch_stdin && pthread_create(&watcher, NULL, stdin_watch, NULL) == 0)
        pthread_detach(watcher);

    printf("%s\n", mock_node_url(node));
    fflush(stdout);

    int sig = 0;
    sigwait(&set, &sig);
    mock_node_stats st;
    mock_node_get_stats(node, &st);
    if (G.verbose)
        fprintf(stderr, "bench_node: %s, %llu connections, %llu requests\n",
                sig == SIGINT ? "SIGINT" : "stopping", (unsigned long long)st.connections_accepted,
                (unsigned long long)st.requests);
    mock_node_stop(node);
    free(G.metadata_hex);
    free(G.md_at_version);
    free(G.runtime_version);
    free(G.header);
    for (size_t i = 0; i < G.nheaders; i++) {
        free(G.header_hash[i]);
        free(G.header_json[i]);
    }
    free(G.header_hash);
    free(G.header_json);
    free(G.rpc_methods);
    sm_free(&G.seen, NULL);
    return 0;
}
