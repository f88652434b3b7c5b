/* Client lifecycle, raw RPC, runtime + metadata cache, block pinning, results. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client_internal.h"

/* ---- error helpers ------------------------------------------------------------------------ */

int btq__cl_fail(btq_error *err, int code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        if (fmt) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(err->message, sizeof err->message, fmt, ap);
            va_end(ap);
        } else {
            snprintf(err->message, sizeof err->message, "%s", btq_strerror(code));
        }
    }
    return code;
}

int btq__cl_rpc_fail(btq_error *err, int code, const btq_error *src, const char *what)
{
    if (err) {
        err->code = code;
        err->rpc_code = src ? src->rpc_code : 0;
        const char *m = src && src->message[0] ? src->message : btq_strerror(code);
        snprintf(err->message, sizeof err->message, "%.60s: %.190s", what, m);
    }
    return code;
}

void btq__cl_prefix(btq_error *err, const char *fmt, ...)
{
    if (!err) return;
    char old[BTQ_ERROR_MSG_MAX];
    memcpy(old, err->message, sizeof old);
    old[sizeof old - 1] = 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    size_t o = n < 0 ? 0 : (size_t)n;
    if (o > sizeof err->message - 1) o = sizeof err->message - 1;
    size_t ol = strlen(old), room = sizeof err->message - 1 - o;
    if (ol > room) ol = room;
    memcpy(err->message + o, old, ol);
    err->message[o + ol] = 0;
}

/* ---- small helpers ------------------------------------------------------------------------ */

int btq__hex_to_bytes(const char *s, size_t n, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (n < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return BTQ_EPROTOCOL;
    size_t cap = (n - 2) / 2 + 1;
    uint8_t *buf = btq_malloc(cap);
    if (!buf) return BTQ_ENOMEM;
    size_t len = 0;
    if (btq_hex_decode(s, n, buf, cap, &len) != 0) {
        btq_free(buf);
        return BTQ_EPROTOCOL;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

char *btq__bytes_to_hex(const uint8_t *p, size_t n)
{
    char *s = btq_malloc(2 * n + 3);
    if (!s) return NULL;
    if (btq_hex_encode(p, n, 1, s, 2 * n + 3) != 0) {
        btq_free(s);
        return NULL;
    }
    return s;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int btq__parse_hex_u64(const char *s, uint64_t *out)
{
    if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2]) return BTQ_EPROTOCOL;
    uint64_t v = 0;
    for (const char *p = s + 2; *p; p++) {
        int d = hexval(*p);
        if (d < 0) return BTQ_EPROTOCOL;
        if (v >> 60) return BTQ_EOVERFLOW;
        v = (v << 4) | (uint64_t)d;
    }
    *out = v;
    return 0;
}

static int is_hash_hex(const char *s)
{
    if (!s || strlen(s) != BTQ_HASH_HEX_LEN || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return 0;
    for (size_t i = 2; i < BTQ_HASH_HEX_LEN; i++)
        if (hexval(s[i]) < 0) return 0;
    return 1;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = btq_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---- networks and options ------------------------------------------------------------------ */

const char *btq_network_url(const char *name)
{
    if (!name) return NULL;
    if (strcmp(name, "finney") == 0) return "wss://entrypoint-finney.opentensor.ai:443";
    if (strcmp(name, "test") == 0) return "wss://test.finney.opentensor.ai:443";
    if (strcmp(name, "archive") == 0) return "wss://archive.chain.opentensor.ai:443";
    if (strcmp(name, "local") == 0) return "ws://127.0.0.1:9944";
    return NULL;
}

void btq_client_options_init(btq_client_options *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->ss58_prefix = BTQ_SS58_DEFAULT_PREFIX;
    o->log_level = BTQ_RPC_LOG_WARN;
}

int btq_client_new(const btq_client_options *o, btq_client **out, btq_error *err)
{
    if (!o || !out) return btq__cl_fail(err, BTQ_EINVAL, "btq_client_new: NULL argument");
    *out = NULL;
    const char *url = o->url;
    if (!url) {
        const char *net = o->network ? o->network : "finney";
        url = btq_network_url(net);
        if (!url)
            return btq__cl_fail(err, BTQ_EINVAL,
                                "unknown network '%s' (finney, test, archive or local)", net);
    }
    if (!btq_ss58_prefix_valid(o->ss58_prefix))
        return btq__cl_fail(err, BTQ_EINVAL, "invalid SS58 prefix %u", (unsigned)o->ss58_prefix);
    btq_client *c = btq_calloc(1, sizeof *c);
    if (!c) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    c->ss58_prefix = o->ss58_prefix;
    c->prefer_v14 = o->prefer_v14;
    c->request_timeout_ms = o->request_timeout_ms ? o->request_timeout_ms : 60000;
    if (o->metadata_cache_dir && o->metadata_cache_dir[0]) {
        c->cache_dir = dupstr(o->metadata_cache_dir);
        if (!c->cache_dir) {
            btq_free(c);
            return btq__cl_fail(err, BTQ_ENOMEM, NULL);
        }
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    btq__worker_init(c);

    btq_rpc_options ro;
    btq_rpc_options_init(&ro);
    ro.url = url;
    ro.fallback_urls = o->fallback_urls;
    ro.n_fallback_urls = o->n_fallback_urls;
    if (o->request_timeout_ms) ro.request_timeout_ms = o->request_timeout_ms;
    if (o->connect_timeout_ms) ro.connect_timeout_ms = o->connect_timeout_ms;
    ro.allow_plain_ws = o->allow_plain_ws;
    ro.tls_insecure = o->tls_insecure;
    ro.ca_file = o->ca_file;
    ro.log = o->log;
    ro.log_user = o->log_user;
    ro.log_level = o->log_level;
    int rc = btq_rpc_new(&ro, &c->rpc, err);
    if (rc) {
        btq_client_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void btq_client_free(btq_client *c)
{
    if (!c) return;
    /* async jobs: the running one ends; the rest, and every answer btq_rpc_free cancels, are
     * delivered as BTQ_ECANCELED by the worker, which is then joined */
    btq__worker_quiesce(c);
    btq_rpc_free(c->rpc);
    btq__worker_join(c);
    for (size_t i = 0; i < c->nmds; i++)
        btq_metadata_unref(c->mds[i].md);
    btq_free(c->mds);
    btq_free(c->cache_dir);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    btq_free(c);
}

btq_rpc *btq_client_rpc_handle(btq_client *c)
{
    return c ? c->rpc : NULL;
}

uint32_t btq_client_ss58_prefix(const btq_client *c)
{
    return c ? c->ss58_prefix : BTQ_SS58_DEFAULT_PREFIX;
}

uint64_t btq_client_metadata_fetches(const btq_client *c)
{
    if (!c) return 0;
    pthread_mutex_lock((pthread_mutex_t *)&c->mu);
    uint64_t n = c->fetches;
    pthread_mutex_unlock((pthread_mutex_t *)&c->mu);
    return n;
}

int btq_client_rpc(btq_client *c, const char *method, const char *params_json, char **result,
                   size_t *len, btq_error *err)
{
    if (!c || !method || !result) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    btq_error e;
    btq_error_clear(&e);
    int rc = btq_rpc_call(c->rpc, method, params_json, 0, result, len, &e);
    if (rc) return btq__cl_rpc_fail(err, rc, &e, method);
    return 0;
}

int btq__cl_call_json(btq_client *c, const char *method, const char *params, cJSON **out,
                      btq_error *err)
{
    *out = NULL;
    char *res = NULL;
    size_t len = 0;
    int rc = btq_client_rpc(c, method, params, &res, &len, err);
    if (rc) return rc;
    int prc = 0;
    cJSON *j = btq__json_parse(res, len, NULL, &prc);
    btq_free(res);
    if (prc == BTQ_ENOMEM) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    if (!j) return btq__cl_fail(err, BTQ_EPROTOCOL, "%s: the node's result is not JSON", method);
    *out = j;
    return 0;
}

int btq__cl_call_hex(btq_client *c, const char *method, const char *params, uint8_t **out,
                     size_t *len, int *is_null, const char *bad_msg, btq_error *err)
{
    *out = NULL;
    *len = 0;
    if (is_null) *is_null = 0;
    char *res = NULL;
    size_t rl = 0;
    int rc = btq_client_rpc(c, method, params, &res, &rl, err);
    if (rc) return rc;
    /* the text is validated JSON: a plain "0x…" string is decoded in place */
    rc = btq__json_hex_result(res, rl, out, len, is_null);
    if (rc == BTQ_EPROTOCOL) { /* escapes, or not a string: through the JSON tree */
        int prc = 0;
        cJSON *j = btq__json_parse(res, rl, NULL, &prc);
        if (prc == BTQ_ENOMEM)
            rc = BTQ_ENOMEM;
        else if (cJSON_IsString(j))
            rc = btq__hex_to_bytes(j->valuestring, strlen(j->valuestring), out, len);
        else if (is_null && cJSON_IsNull(j))
            rc = 0, *is_null = 1;
        cJSON_Delete(j);
    }
    btq_free(res);
    if (rc == BTQ_ENOMEM) return btq__cl_fail(err, rc, NULL);
    if (rc) return btq__cl_fail(err, BTQ_EPROTOCOL, "%s", bad_msg);
    return 0;
}

/* ---- metadata ------------------------------------------------------------------------------- */

static int cache_path(const btq_client *c, uint32_t spec, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s/%s-%u.scale", c->cache_dir, c->genesis + 2, (unsigned)spec);
    return n > 0 && (size_t)n < cap ? 0 : BTQ_ENOSPACE;
}

static int parse_checked(const uint8_t *b, size_t n, uint32_t spec, btq_metadata **out,
                         btq_error *err)
{
    int rc = btq_metadata_parse(b, n, out, err);
    if (rc) return rc;
    uint32_t got = btq_metadata_spec_version(*out);
    if (got && got != spec) {
        btq_metadata_unref(*out);
        *out = NULL;
        return btq__cl_fail(err, BTQ_ERUNTIME, "metadata is for spec %u, expected %u",
                            (unsigned)got, (unsigned)spec);
    }
    return 0;
}

static int disk_load(btq_client *c, uint32_t spec, btq_metadata **out)
{
    char path[4096];
    if (cache_path(c, spec, path, sizeof path)) return BTQ_ENOTFOUND;
    FILE *f = fopen(path, "rb");
    if (!f) return BTQ_ENOTFOUND;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : (size_t)1 << 19;
            uint8_t *nb = btq_realloc(buf, ncap);
            if (!nb) {
                rc = BTQ_ENOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    if (ferror(f)) rc = BTQ_EIO;
    fclose(f);
    if (!rc) rc = parse_checked(buf, len, spec, out, NULL);
    btq_free(buf);
    return rc;
}

static void disk_store(btq_client *c, uint32_t spec, const uint8_t *b, size_t n)
{
    char path[4096], tmp[4200];
    /* mkdir -p, best effort: existing directories are fine */
    snprintf(tmp, sizeof tmp, "%s", c->cache_dir);
    for (char *q = tmp + 1; *q; q++) {
        if (*q != '/') continue;
        *q = 0;
        mkdir(tmp, 0700);
        *q = '/';
    }
    mkdir(tmp, 0700);
    if (cache_path(c, spec, path, sizeof path)) return;
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) return;
    int ok = fwrite(b, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) remove(tmp);
}

static int fetch_genesis(btq_client *c, btq_error *err)
{
    pthread_mutex_lock(&c->mu);
    int have = c->have_genesis;
    pthread_mutex_unlock(&c->mu);
    if (have) return 0;
    cJSON *j = NULL;
    int rc = btq__cl_call_json(c, "chain_getBlockHash", "[0]", &j, err);
    if (rc) return rc;
    if (!j || !cJSON_IsString(j) || !is_hash_hex(j->valuestring)) {
        cJSON_Delete(j);
        return btq__cl_fail(err, BTQ_EPROTOCOL, "chain_getBlockHash(0): not a block hash");
    }
    pthread_mutex_lock(&c->mu);
    memcpy(c->genesis, j->valuestring, BTQ_HASH_HEX_LEN + 1);
    for (char *p = c->genesis; *p; p++)
        if (*p >= 'A' && *p <= 'F') *p = (char)(*p - 'A' + 'a');
    c->have_genesis = 1;
    pthread_mutex_unlock(&c->mu);
    cJSON_Delete(j);
    return 0;
}

/* Download (V15, else V14) the metadata of the runtime at hash. */
static int download_metadata(btq_client *c, const char *hash, uint32_t spec, btq_metadata **out,
                             btq_error *err)
{
    char params[160];
    uint8_t *bytes = NULL;
    size_t len = 0;
    int rc;
    if (!c->prefer_v14) {
        snprintf(params, sizeof params, "[\"Metadata_metadata_at_version\",\"0x0f000000\",\"%s\"]",
                 hash);
        pthread_mutex_lock(&c->mu);
        c->fetches++;
        pthread_mutex_unlock(&c->mu);
        btq_error e;
        btq_error_clear(&e);
        uint8_t *opt = NULL;
        size_t optlen = 0;
        rc = btq__cl_call_hex(c, "state_call", params, &opt, &optlen, NULL,
                              "Metadata_metadata_at_version: result is not hex", &e);
        if (rc == 0) {
            const uint8_t *p = NULL;
            size_t n = 0;
            int urc = btq_metadata_unwrap_opaque(opt, optlen, &p, &n);
            if (urc) {
                btq_free(opt);
                return btq__cl_fail(err, BTQ_EPROTOCOL, "Metadata_metadata_at_version: %s",
                                    urc == BTQ_EBADVARIANT ? "malformed Option tag"
                                                           : "malformed Option<OpaqueMetadata>");
            }
            if (p && opt) { /* p points into opt */
                memmove(opt, p, n);
                bytes = opt;
                len = n;
            } else {
                btq_free(opt); /* None: V15 not offered by this runtime */
            }
        } else if (rc != BTQ_ERPC) {
            if (err) *err = e;
            return rc;
        }
        /* BTQ_ERPC: the runtime has no such API (old runtime): fall back to V14 */
    }
    if (!bytes) {
        snprintf(params, sizeof params, "[\"%s\"]", hash);
        pthread_mutex_lock(&c->mu);
        c->fetches++;
        pthread_mutex_unlock(&c->mu);
        rc = btq__cl_call_hex(c, "state_getMetadata", params, &bytes, &len, NULL,
                              "state_getMetadata: result is not hex", err);
        if (rc) return rc;
    }
    rc = parse_checked(bytes, len, spec, out, err);
    if (rc == 0 && c->cache_dir && fetch_genesis(c, NULL) == 0) disk_store(c, spec, bytes, len);
    btq_free(bytes);
    return rc;
}

static btq_md_entry *md_find(btq_client *c, uint32_t spec)
{
    for (size_t i = 0; i < c->nmds; i++)
        if (c->mds[i].spec == spec) return &c->mds[i];
    return NULL;
}

/* Metadata for spec (whose runtime is live at hash): memory, disk, network; one fetch shared. */
static int metadata_for_spec(btq_client *c, const char *hash, uint32_t spec, btq_metadata **out,
                             btq_error *err)
{
    pthread_mutex_lock(&c->mu);
    for (;;) {
        btq_md_entry *e = md_find(c, spec);
        if (!e) break;
        if (e->md) {
            *out = btq_metadata_ref(e->md);
            pthread_mutex_unlock(&c->mu);
            return 0;
        }
        if (!e->fetching) break; /* previous fetch failed: try again */
        pthread_cond_wait(&c->cv, &c->mu);
    }
    btq_md_entry *e = md_find(c, spec);
    if (!e) {
        if (c->nmds == c->capmds) {
            size_t ncap = c->capmds ? c->capmds * 2 : 4;
            btq_md_entry *n = btq_realloc(c->mds, ncap * sizeof *n);
            if (!n) {
                pthread_mutex_unlock(&c->mu);
                return btq__cl_fail(err, BTQ_ENOMEM, NULL);
            }
            c->mds = n;
            c->capmds = ncap;
        }
        e = &c->mds[c->nmds++];
        e->spec = spec;
        e->md = NULL;
    }
    e->fetching = 1;
    pthread_mutex_unlock(&c->mu);

    btq_metadata *md = NULL;
    int rc = BTQ_ENOTFOUND;
    if (c->cache_dir && fetch_genesis(c, NULL) == 0) rc = disk_load(c, spec, &md);
    if (rc) rc = download_metadata(c, hash, spec, &md, err);

    pthread_mutex_lock(&c->mu);
    e = md_find(c, spec);
    e->fetching = 0;
    if (rc == 0) {
        e->md = md;
        *out = btq_metadata_ref(md);
    }
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static int runtime_spec_at(btq_client *c, const char *hash, uint32_t *spec, btq_error *err)
{
    char params[96];
    snprintf(params, sizeof params, "[\"%s\"]", hash);
    cJSON *j = NULL;
    int rc = btq__cl_call_json(c, "state_getRuntimeVersion", params, &j, err);
    if (rc) return rc;
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(j, "specVersion");
    double d = cJSON_IsNumber(sv) ? sv->valuedouble : -1;
    if (!(d >= 0 && d <= 4294967295.0) || (double)(uint32_t)d != d) {
        cJSON_Delete(j);
        return btq__cl_fail(err, BTQ_EPROTOCOL,
                            "state_getRuntimeVersion: no integer specVersion in the answer");
    }
    *spec = (uint32_t)d;
    cJSON_Delete(j);
    return 0;
}

static int head_hash(btq_client *c, const char *method, const char *params, char *out,
                     btq_error *err)
{
    cJSON *j = NULL;
    int rc = btq__cl_call_json(c, method, params, &j, err);
    if (rc) return rc;
    if (cJSON_IsNull(j)) {
        cJSON_Delete(j);
        return btq__cl_fail(err, BTQ_EBLOCK, "%s: the node has no such block", method);
    }
    if (!j || !cJSON_IsString(j) || !is_hash_hex(j->valuestring)) {
        cJSON_Delete(j);
        return btq__cl_fail(err, BTQ_EPROTOCOL, "%s: the answer is not a block hash", method);
    }
    memcpy(out, j->valuestring, BTQ_HASH_HEX_LEN + 1);
    cJSON_Delete(j);
    return 0;
}

int btq_client_metadata(btq_client *c, const char *block_hash, btq_metadata **out, uint32_t *spec,
                        btq_error *err)
{
    if (!c || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    char hash[BTQ_HASH_HEX_LEN + 1];
    int rc;
    if (block_hash) {
        if (!is_hash_hex(block_hash))
            return btq__cl_fail(err, BTQ_EINVAL, "'%s' is not a block hash (0x + 64 hex)",
                                block_hash);
        memcpy(hash, block_hash, sizeof hash);
    } else if ((rc = head_hash(c, "chain_getHead", NULL, hash, err)) != 0) {
        return rc;
    }
    uint32_t sv = 0;
    if ((rc = runtime_spec_at(c, hash, &sv, err)) != 0) return rc;
    if ((rc = metadata_for_spec(c, hash, sv, out, err)) != 0) return rc;
    if (spec) *spec = sv;
    return 0;
}

/* ---- pins ------------------------------------------------------------------------------------ */

int btq_at_parse(const char *text, btq_at *out)
{
    if (!text || !out) return BTQ_EINVAL;
    memset(out, 0, sizeof *out);
    if (strcmp(text, "head") == 0 || strcmp(text, "latest") == 0) return 0;
    if (strcmp(text, "finalized") == 0) {
        out->kind = BTQ_AT_FINALIZED;
        return 0;
    }
    if (is_hash_hex(text)) {
        out->kind = BTQ_AT_HASH;
        out->hash = text;
        return 0;
    }
    if (!text[0] || strlen(text) > 19) return BTQ_EINVAL;
    uint64_t v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9') return BTQ_EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    out->kind = BTQ_AT_NUMBER;
    out->number = v;
    return 0;
}

int btq_client_block_hash(btq_client *c, const btq_at *at, char out[67], btq_error *err)
{
    if (!c || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    out[0] = 0;
    int rc = 0;
    btq_at_kind kind = at ? at->kind : BTQ_AT_HEAD;
    char params[48];
    switch (kind) {
    case BTQ_AT_HEAD:
        rc = head_hash(c, "chain_getHead", NULL, out, err);
        break;
    case BTQ_AT_FINALIZED:
        rc = head_hash(c, "chain_getFinalizedHead", NULL, out, err);
        break;
    case BTQ_AT_HASH:
        if (!is_hash_hex(at->hash))
            rc = btq__cl_fail(err, BTQ_EINVAL, "'%s' is not a block hash (0x + 64 hex)",
                              at->hash ? at->hash : "(null)");
        else
            memcpy(out, at->hash, BTQ_HASH_HEX_LEN + 1);
        break;
    case BTQ_AT_NUMBER:
        snprintf(params, sizeof params, "[%llu]", (unsigned long long)at->number);
        rc = head_hash(c, "chain_getBlockHash", params, out, err);
        if (rc == BTQ_EBLOCK)
            btq__cl_fail(err, BTQ_EBLOCK, "block %llu not found on the node",
                         (unsigned long long)at->number);
        break;
    default:
        rc = btq__cl_fail(err, BTQ_EINVAL, "invalid block selector");
    }
    return rc;
}

int btq_client_pin(btq_client *c, const btq_at *at, btq_pin **out, btq_error *err)
{
    if (!c || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    btq_pin *p = btq_calloc(1, sizeof *p);
    if (!p) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    p->c = c;
    int rc = btq_client_block_hash(c, at, p->hash, err);
    if (!rc) rc = runtime_spec_at(c, p->hash, &p->spec, err);
    if (!rc) rc = metadata_for_spec(c, p->hash, p->spec, &p->md, err);
    if (rc) {
        btq_pin_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void btq_pin_free(btq_pin *p)
{
    if (!p) return;
    btq_metadata_unref(p->md);
    btq_free(p);
}

const char *btq_pin_hash(const btq_pin *p)
{
    return p ? p->hash : NULL;
}

uint32_t btq_pin_spec_version(const btq_pin *p)
{
    return p ? p->spec : 0;
}

const btq_metadata *btq_pin_metadata(const btq_pin *p)
{
    return p ? p->md : NULL;
}

btq_client *btq_pin_client(const btq_pin *p)
{
    return p ? p->c : NULL;
}

int btq_block_number(btq_client *c, const char *hash, uint64_t *out, btq_error *err)
{
    if (!c || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    char params[96];
    if (hash) {
        if (!is_hash_hex(hash))
            return btq__cl_fail(err, BTQ_EINVAL, "'%s' is not a block hash (0x + 64 hex)", hash);
        snprintf(params, sizeof params, "[\"%s\"]", hash);
    }
    cJSON *j = NULL;
    int rc = btq__cl_call_json(c, "chain_getHeader", hash ? params : NULL, &j, err);
    if (rc) return rc;
    if (cJSON_IsNull(j)) {
        cJSON_Delete(j);
        return btq__cl_fail(err, BTQ_EBLOCK, "chain_getHeader: block %s not found",
                            hash ? hash : "head");
    }
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(j, "number");
    rc = cJSON_IsString(num) ? btq__parse_hex_u64(num->valuestring, out) : BTQ_EPROTOCOL;
    cJSON_Delete(j);
    if (rc) return btq__cl_fail(err, BTQ_EPROTOCOL, "chain_getHeader: no hex block number");
    return 0;
}

int btq_pin_number(const btq_pin *p, uint64_t *out, btq_error *err)
{
    if (!p) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    return btq_block_number(p->c, p->hash, out, err);
}

/* ---- results ------------------------------------------------------------------------------- */

static int ss58_cb(const uint8_t id[32], char *out, size_t cap, void *user)
{
    const uint32_t *prefix = user;
    size_t n = 0;
    int rc = btq_ss58_encode(*prefix, id, 32, out, cap, &n, NULL);
    return rc ? rc : (int)n;
}

void btq__json_opts(btq_json_opts *o, const uint32_t *prefix, int pretty)
{
    memset(o, 0, sizeof *o);
    o->pretty = pretty != 0;
    o->account_id = ss58_cb;
    o->account_id_user = (void *)(uintptr_t)prefix;
}

int btq__result_make(const btq_pin *pin, uint32_t type_id, uint8_t *bytes, size_t len, int found,
                     btq_result **out, btq_error *err)
{
    *out = NULL;
    btq_result *r = btq_calloc(1, sizeof *r);
    if (!r) {
        btq_free(bytes);
        return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    }
    r->bytes = bytes;
    r->len = len;
    r->found = found;
    r->prefix = pin->c->ss58_prefix;
    if (bytes) {
        int rc = btq_value_decode(btq_metadata_registry(pin->md), type_id, bytes, len,
                                  BTQ_VALUE_EXACT, &r->doc, &r->root, err);
        if (rc) {
            btq_result_free(r);
            return rc;
        }
    }
    *out = r;
    return 0;
}

void btq_result_free(btq_result *r)
{
    if (!r) return;
    btq_value_doc_free(r->doc);
    btq_free(r->bytes);
    btq_free(r);
}

int btq_result_found(const btq_result *r)
{
    return r ? r->found : 0;
}

const btq_value *btq_result_value(const btq_result *r)
{
    return r ? r->root : NULL;
}

void btq_result_bytes(const btq_result *r, const uint8_t **p, size_t *n)
{
    if (p) *p = r ? r->bytes : NULL;
    if (n) *n = r ? r->len : 0;
}

int btq_result_to_json(const btq_result *r, int pretty, btq_writer *w)
{
    if (!r || !w) return BTQ_EINVAL;
    if (!r->root) return btq_write_raw(w, "null", 4);
    btq_json_opts o;
    btq__json_opts(&o, &r->prefix, pretty);
    return btq_value_to_json(r->root, &o, w);
}
