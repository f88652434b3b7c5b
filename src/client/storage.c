/* Storage keys, batched storage reads at a pinned block, map iteration, constants and runtime
 * API calls. Requests go out concurrently through transport futures; every JSON parse and
 * SCALE decode happens on the calling thread. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client_internal.h"
#include "rpc/rpc_internal.h"

#define FETCH_CHUNK 256 /* keys per state_queryStorageAt */
#define KEYS_PAGE 1000u /* keys per state_getKeysPaged */

/* ---- raw fetch --------------------------------------------------------------------------------
 * One key: state_getStorage. Several: state_queryStorageAt in chunks of FETCH_CHUNK keys, all
 * sent at once. The loop thread only copies each answer's text into its slot; the answers are
 * scanned (no JSON tree), hex-decoded into one scratch buffer and handed to a visitor on the
 * thread that finishes the fetch. */

typedef struct fetch_slot {
    btq__fetch *f;
    int done;     /* under g_wait_mu */
    int status;   /* 0 or BTQ_E* */
    int rpc_code; /* the node's JSON-RPC error code (BTQ_ERPC) */
    char *text;   /* the result's JSON text (status 0) */
    size_t len;
    char *errmsg; /* status < 0: the error's message (NULL: the code's own text) */
} fetch_slot;

struct btq__fetch {
    btq_client *c;
    const char *hash; /* the pin's (borrowed: the pin outlives the fetch's finish) */
    size_t n;
    size_t *koff; /* n + 1 offsets into khex; NULL for one key (only sent, never matched) */
    char *khex;   /* key i: "0x…" NUL-terminated at khex + koff[i] */
    size_t nchunks;
    fetch_slot *slots;
    fetch_slot slot1; /* slots == &slot1 for one chunk */
    int waiting;      /* threads waiting for a slot (under g_wait_mu) */
    void (*done)(void *);
    void *done_user;
    atomic_size_t pending; /* answers outstanding + 1 for the starter (notify form) */
    atomic_size_t refs;    /* answers outstanding + 1 for the owner */
    atomic_int aborted;    /* start failed part way: done never runs */
};

/* ---- key sets ---- */

int btq__keyset_init(btq__keyset *k, size_t n, size_t hex_cap)
{
    memset(k, 0, sizeof *k);
    k->off = btq_malloc((n + 1) * sizeof *k->off);
    k->cap = hex_cap ? hex_cap : 64;
    k->hex = btq_malloc(k->cap);
    if (!k->off || !k->hex) {
        btq__keyset_free(k);
        return BTQ_ENOMEM;
    }
    k->off[0] = 0;
    return 0;
}

/* Two hex digits per byte value. */
static const char HEXPAIR[513] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                                 "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                                 "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                                 "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                                 "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                                 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                                 "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
                                 "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

int btq__keyset_add(btq__keyset *k, const uint8_t *key, size_t len)
{
    size_t need = 2 * len + 3;
    if (k->used + need > k->cap) {
        if (k->borrowed) return BTQ_ENOSPACE;
        size_t nc = k->cap * 2 > k->used + need ? k->cap * 2 : k->used + need;
        char *nh = btq_realloc(k->hex, nc);
        if (!nh) return BTQ_ENOMEM;
        k->hex = nh;
        k->cap = nc;
    }
    char *o = k->hex + k->used;
    *o++ = '0';
    *o++ = 'x';
    for (size_t i = 0; i < len; i++, o += 2)
        memcpy(o, HEXPAIR + 2 * key[i], 2);
    *o = 0;
    k->used += need;
    k->off[++k->n] = k->used;
    return 0;
}

void btq__keyset_free(btq__keyset *k)
{
    if (!k->borrowed) {
        btq_free(k->off);
        btq_free(k->hex);
    }
    memset(k, 0, sizeof *k);
}

static const char *fkey(const btq__fetch *f, size_t i, size_t *len)
{
    *len = f->koff[i + 1] - f->koff[i] - 1;
    return f->khex + f->koff[i];
}

/* ---- lifetime ---- */

/* One lock and condition for every fetch's waiters (blocking finishes are few; answers only
 * signal when someone waits), so a fetch in flight costs no mutex of its own. */
static pthread_mutex_t g_wait_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wait_cv;
static pthread_once_t g_wait_once = PTHREAD_ONCE_INIT;

static void wait_init(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g_wait_cv, &ca);
    pthread_condattr_destroy(&ca);
}

static void fetch_destroy(btq__fetch *f)
{
    for (size_t i = 0; i < f->nchunks; i++) {
        btq_free(f->slots[i].text);
        btq_free(f->slots[i].errmsg);
    }
    if (f->slots != &f->slot1) btq_free(f->slots);
    btq_free(f->koff);
    btq_free(f->khex);
    btq_free(f);
}

static void fetch_unref(btq__fetch *f, size_t k)
{
    if (k && atomic_fetch_sub(&f->refs, k) == k) fetch_destroy(f);
}

void btq__fetch_free(btq__fetch *f)
{
    /* answers still outstanding keep the fetch alive until they arrive */
    if (f) fetch_unref(f, 1);
}

/* Drop k pending answers; the last one reports completion (notify form). */
static void fetch_pending_drop(btq__fetch *f, size_t k)
{
    if (k && atomic_fetch_sub(&f->pending, k) == k && f->done && !atomic_load(&f->aborted))
        f->done(f->done_user);
}

static char *dupmem(const char *s, size_t n)
{
    char *d = btq_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* On the loop thread: copy the answer, wake a waiter, report, drop the answer's reference. */
static void fetch_chunk_cb(int status, const char *result_json, size_t len, const btq_error *err,
                           void *user)
{
    fetch_slot *s = user;
    btq__fetch *f = s->f;
    char *text = NULL, *msg = NULL;
    if (status == 0) {
        text = dupmem(result_json, len);
        if (!text) status = BTQ_ENOMEM;
    } else if (err && err->message[0]) {
        msg = dupmem(err->message, strlen(err->message));
    }
    s->status = status;
    s->rpc_code = err ? (int)err->rpc_code : 0;
    s->text = text;
    s->len = text ? len : 0;
    s->errmsg = msg;
    pthread_mutex_lock(&g_wait_mu);
    s->done = 1; /* publishes the fields above to the thread that reads them */
    if (f->waiting) pthread_cond_broadcast(&g_wait_cv);
    pthread_mutex_unlock(&g_wait_mu);
    fetch_pending_drop(f, 1);
    fetch_unref(f, 1);
}

/* Params of chunk ci into buf (cap) or a new allocation (*heap, when larger). */
static char *chunk_params(const btq__fetch *f, size_t ci, char *buf, size_t cap, char **heap)
{
    *heap = NULL;
    size_t from = ci * FETCH_CHUNK, to = from + FETCH_CHUNK < f->n ? from + FETCH_CHUNK : f->n;
    size_t need = 16 + BTQ_HASH_HEX_LEN + (f->koff[to] - f->koff[from]) + 3 * (to - from);
    char *s = buf;
    if (need > cap) {
        s = *heap = btq_malloc(need);
        if (!s) return NULL;
    }
    size_t o = 0;
    s[o++] = '[';
    if (f->n > 1) s[o++] = '[';
    for (size_t i = from; i < to; i++) {
        if (i > from) s[o++] = ',';
        s[o++] = '"';
        size_t l;
        const char *k = fkey(f, i, &l);
        memcpy(s + o, k, l);
        o += l;
        s[o++] = '"';
    }
    if (f->n > 1) s[o++] = ']';
    s[o++] = ',';
    s[o++] = '"';
    memcpy(s + o, f->hash, BTQ_HASH_HEX_LEN);
    o += BTQ_HASH_HEX_LEN;
    s[o++] = '"';
    s[o++] = ']';
    s[o] = 0;
    return s;
}

int btq__fetch_start_keys(const btq_pin *pin, btq__keyset *keys, void (*done)(void *), void *user,
                          btq__fetch **out, btq_error *err)
{
    *out = NULL;
    pthread_once(&g_wait_once, wait_init);
    size_t n = keys->n;
    btq__fetch *f = btq_calloc(1, sizeof *f);
    if (!f) {
        btq__keyset_free(keys);
        return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    }
    f->c = pin->c;
    f->hash = pin->hash;
    f->n = n;
    f->koff = keys->off;
    f->khex = keys->hex;
    /* several keys: the fetch keeps them to match the answers; one key (the many-independent-
     * reads case): state_getStorage answers the value alone, so the key is only borrowed for
     * the request and the fetch in flight stays small */
    if (n != 1) memset(keys, 0, sizeof *keys);
    f->nchunks = n == 0 ? 0 : n == 1 ? 1 : (n + FETCH_CHUNK - 1) / FETCH_CHUNK;
    f->slots = f->nchunks <= 1 ? &f->slot1 : btq_calloc(f->nchunks, sizeof *f->slots);
    f->done = done;
    f->done_user = user;
    atomic_init(&f->pending, f->nchunks + 1);
    atomic_init(&f->refs, f->nchunks + 1);
    atomic_init(&f->aborted, 0);
    if (!f->slots) {
        f->slots = &f->slot1;
        f->nchunks = 0;
        fetch_destroy(f);
        return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    }
    const char *method = n == 1 ? "state_getStorage" : "state_queryStorageAt";
    for (size_t ci = 0; ci < f->nchunks; ci++) {
        f->slots[ci].f = f;
        char buf[1024], *heap = NULL;
        const char *params = chunk_params(f, ci, buf, sizeof buf, &heap);
        int rc =
            params ? btq_rpc_call_async(f->c->rpc, method, params, 0, fetch_chunk_cb, &f->slots[ci])
                   : BTQ_ENOMEM;
        btq_free(heap);
        if (rc) {
            /* chunks already sent still answer: the last reference frees f */
            size_t unsent = f->nchunks - ci;
            atomic_store(&f->aborted, 1);
            for (size_t k = ci; k < f->nchunks; k++)
                f->slots[k].done = 1;
            if (n == 1) f->koff = NULL, f->khex = NULL;
            fetch_pending_drop(f, unsent + 1);
            fetch_unref(f, unsent + 1);
            btq__keyset_free(keys);
            return btq__cl_fail(err, rc, "%s: %s", method, btq_strerror(rc));
        }
    }
    if (n == 1) {
        f->koff = NULL;
        f->khex = NULL;
        btq__keyset_free(keys);
    }
    *out = f;
    fetch_pending_drop(f, 1); /* may report completion right here */
    return 0;
}

static int fetch_start_bytes(const btq_pin *pin, uint8_t *const *keys, const size_t *klens,
                             size_t n, void (*done)(void *), void *user, btq__fetch **out,
                             btq_error *err)
{
    *out = NULL;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += 2 * klens[i] + 3;
    btq__keyset ks;
    if (btq__keyset_init(&ks, n, total) != 0) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    for (size_t i = 0; i < n; i++)
        if (btq__keyset_add(&ks, keys[i], klens[i]) != 0) {
            btq__keyset_free(&ks);
            return btq__cl_fail(err, BTQ_ENOMEM, NULL);
        }
    return btq__fetch_start_keys(pin, &ks, done, user, out, err);
}

int btq__fetch_start(const btq_pin *pin, uint8_t *const *keys, const size_t *klens, size_t n,
                     btq__fetch **out, btq_error *err)
{
    return fetch_start_bytes(pin, keys, klens, n, NULL, NULL, out, err);
}

int btq__fetch_start_notify(const btq_pin *pin, uint8_t *const *keys, const size_t *klens, size_t n,
                            void (*done)(void *), void *user, btq__fetch **out, btq_error *err)
{
    if (!done) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    return fetch_start_bytes(pin, keys, klens, n, done, user, out, err);
}

/* ---- answers ---- */

/* "0x…" (without quotes) into the scratch buffer *buf (cap bytes; *heap: it is btq_malloc'd,
 * else the caller's and replaced by a new allocation when short). BTQ_EPROTOCOL when not
 * even-length hex. */
static int hex_into(const char *s, size_t n, uint8_t **buf, size_t *cap, int *heap, size_t *out_len)
{
    if (n < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || (n & 1)) return BTQ_EPROTOCOL;
    size_t bl = (n - 2) / 2;
    if (bl > *cap) {
        size_t nc = bl < 256 ? 256 : bl;
        uint8_t *nb = *heap ? btq_realloc(*buf, nc) : btq_malloc(nc);
        if (!nb) return BTQ_ENOMEM;
        *buf = nb;
        *cap = nc;
        *heap = 1;
    }
    return btq_hex_decode(s, n, *buf, *cap, out_len) == 0 ? 0 : BTQ_EPROTOCOL;
}

int btq__json_hex_result(const char *text, size_t len, uint8_t **out, size_t *out_len, int *is_null)
{
    *out = NULL;
    *out_len = 0;
    if (is_null) *is_null = 0;
    const char *p = text, *e = text + len;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    if (is_null && e - p == 4 && memcmp(p, "null", 4) == 0) {
        *is_null = 1;
        return 0;
    }
    if (e - p < 2 || *p != '"' || e[-1] != '"' || memchr(p + 1, '\\', (size_t)(e - p - 2)))
        return BTQ_EPROTOCOL;
    size_t cap = 0;
    int heap = 1;
    int rc = hex_into(p + 1, (size_t)(e - p - 2), out, &cap, &heap, out_len);
    if (rc == 0 && !*out) { /* "0x": empty, but a buffer all the same */
        *out = btq_malloc(1);
        if (!*out) rc = BTQ_ENOMEM;
    }
    if (rc) {
        btq_free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return rc;
}

/* Scanner over validated JSON: whitespace, strings without escapes, values skipped. */
#define SKIP_WS(p, e)                                                                              \
    while ((p) < (e) && (*(p) == ' ' || *(p) == '\t' || *(p) == '\n' || *(p) == '\r'))             \
    (p)++

/* String at *pp (on '"'): its text without quotes. 1 ok, 0 not a plain (escape-free) string. */
static int scan_str(const char **pp, const char *e, const char **s, size_t *n)
{
    const char *p = *pp;
    if (p >= e || *p != '"') return 0;
    const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
    if (!q || memchr(p + 1, '\\', (size_t)(q - p - 1))) return 0;
    *s = p + 1;
    *n = (size_t)(q - p - 1);
    *pp = q + 1;
    return 1;
}

/* Inside a list or object body at *pp: past blanks and separating commas. 1 at the next
 * element (or the end of the text, which the caller's own check then refuses), 0 after the
 * closing `close` (consumed). */
static int scan_next(const char **pp, const char *e, char close)
{
    const char *p = *pp;
    for (;;) {
        SKIP_WS(p, e);
        if (p >= e || *p != ',') break;
        p++;
    }
    if (p < e && *p == close) {
        *pp = p + 1;
        return 0;
    }
    *pp = p;
    return 1;
}

/* Skip one validated JSON value. 1 ok, 0 at a malformed spot. */
static int skip_value(const char **pp, const char *e)
{
    const char *p = *pp;
    int depth = 0;
    do {
        SKIP_WS(p, e);
        if (p >= e) return 0;
        char ch = *p;
        if (ch == '"') {
            for (p++; p < e && *p != '"'; p++)
                if (*p == '\\') p++;
            if (p >= e) return 0;
            p++;
        } else if (ch == '[' || ch == '{') {
            depth++;
            p++;
        } else if (ch == ']' || ch == '}') {
            depth--;
            p++;
        } else if (ch == ',' || ch == ':') {
            p++;
        } else {
            while (p < e && *p != ',' && *p != ']' && *p != '}' && *p != ' ' && *p != '\n' &&
                   *p != '\t' && *p != '\r')
                p++;
        }
    } while (depth > 0);
    *pp = p;
    return 1;
}

typedef struct visit_ctx {
    btq__fetch *f;
    btq__fetch_visit_fn fn;
    void *user;
    uint8_t *buf; /* scratch for decoded values: on the stack until a value outgrows it */
    size_t cap;
    int heap;
    btq_error *err;
} visit_ctx;

/* Index of key text k among chunk [from, to), trying *next first (the node answers in order). */
static size_t match_key(const btq__fetch *f, size_t from, size_t to, size_t *next, const char *k,
                        size_t kn)
{
    size_t l;
    if (*next < to) {
        const char *w = fkey(f, *next, &l);
        if (l == kn && strncasecmp(w, k, kn) == 0) return (*next)++;
    }
    for (size_t i = from; i < to; i++) {
        const char *w = fkey(f, i, &l);
        if (l == kn && strncasecmp(w, k, kn) == 0) return i;
    }
    return SIZE_MAX;
}

/* Hand value (s, n) or absent (s NULL) of key idx to the visitor. */
static int visit_one(visit_ctx *v, size_t idx, const char *s, size_t n)
{
    size_t bl = 0;
    if (s) {
        int rc = hex_into(s, n, &v->buf, &v->cap, &v->heap, &bl);
        if (rc)
            return rc == BTQ_ENOMEM ? btq__cl_fail(v->err, rc, NULL)
                                    : btq__cl_fail(v->err, rc, "storage value is not hex");
    }
    return v->fn(v->user, idx, s ? v->buf : NULL, bl, v->err);
}

/* Fast path for a state_queryStorageAt result. Returns 0, a visitor's error, or 1 when the
 * text is not of the plain shape (the caller then falls back to the JSON tree). */
static int scan_change_sets(visit_ctx *v, size_t from, size_t to, const char *text, size_t len,
                            uint8_t *seen)
{
    const char *p = text, *e = text + len;
    size_t next = from;
    SKIP_WS(p, e);
    if (p >= e || *p++ != '[') return 1;
    for (;;) {
        if (!scan_next(&p, e, ']')) return 0;
        if (p >= e || *p++ != '{') return 1;
        int have_changes = 0;
        for (;;) { /* members */
            if (!scan_next(&p, e, '}')) break;
            const char *name;
            size_t nn;
            if (!scan_str(&p, e, &name, &nn)) return 1;
            SKIP_WS(p, e);
            if (p >= e || *p++ != ':') return 1;
            SKIP_WS(p, e);
            if (!(nn == 7 && memcmp(name, "changes", 7) == 0)) {
                if (!skip_value(&p, e)) return 1;
                continue;
            }
            if (p >= e || *p++ != '[') return 1;
            have_changes = 1;
            for (;;) { /* [key, value] pairs */
                if (!scan_next(&p, e, ']')) break;
                if (p >= e || *p++ != '[') return 1;
                SKIP_WS(p, e);
                const char *k, *val = NULL;
                size_t kn, vn = 0;
                if (!scan_str(&p, e, &k, &kn)) return 1;
                SKIP_WS(p, e);
                if (p >= e || *p++ != ',') return 1;
                SKIP_WS(p, e);
                if (e - p >= 4 && memcmp(p, "null", 4) == 0) {
                    p += 4;
                } else if (!scan_str(&p, e, &val, &vn)) {
                    return 1;
                }
                SKIP_WS(p, e);
                if (p >= e || *p++ != ']') return 1;
                size_t idx = match_key(v->f, from, to, &next, k, kn);
                if (idx == SIZE_MAX) continue; /* a key we did not ask for: ignore */
                int rc = visit_one(v, idx, val, vn);
                if (rc) return rc;
                seen[idx - from] = 1;
            }
        }
        if (!have_changes) return 1;
    }
}

/* Slow path: the same through a JSON tree (escaped strings and the like). */
static int tree_change_sets(visit_ctx *v, size_t from, size_t to, const char *text, size_t len,
                            uint8_t *seen)
{
    int prc = 0;
    cJSON *j = btq__json_parse(text, len, NULL, &prc);
    if (prc == BTQ_ENOMEM) return btq__cl_fail(v->err, BTQ_ENOMEM, NULL);
    if (!cJSON_IsArray(j)) {
        cJSON_Delete(j);
        return btq__cl_fail(v->err, BTQ_EPROTOCOL, "state_queryStorageAt: result is not an array");
    }
    size_t next = from;
    int rc = 0;
    for (const cJSON *set = j->child; set && !rc; set = set->next) {
        const cJSON *changes = cJSON_GetObjectItemCaseSensitive(set, "changes");
        if (!cJSON_IsArray(changes)) {
            rc = btq__cl_fail(v->err, BTQ_EPROTOCOL, "state_queryStorageAt: malformed change set");
            break;
        }
        for (const cJSON *ch = changes->child; ch && !rc; ch = ch->next) {
            const cJSON *k = cJSON_GetArrayItem(ch, 0), *val = cJSON_GetArrayItem(ch, 1);
            if (!cJSON_IsString(k) || !(cJSON_IsString(val) || cJSON_IsNull(val))) {
                rc = btq__cl_fail(v->err, BTQ_EPROTOCOL,
                                  "state_queryStorageAt: malformed change set");
                break;
            }
            size_t idx = match_key(v->f, from, to, &next, k->valuestring, strlen(k->valuestring));
            if (idx == SIZE_MAX) continue;
            const char *vs = cJSON_IsString(val) ? val->valuestring : NULL;
            rc = visit_one(v, idx, vs, vs ? strlen(vs) : 0);
            if (!rc) seen[idx - from] = 1;
        }
    }
    cJSON_Delete(j);
    return rc;
}

/* Fallback for nodes without state_queryStorageAt: one state_getStorage per key. */
static int fetch_one_by_one(visit_ctx *v, size_t from, size_t to)
{
    btq__fetch *f = v->f;
    for (size_t i = from; i < to; i++) {
        size_t kl;
        const char *k = fkey(f, i, &kl);
        size_t cap = kl + BTQ_HASH_HEX_LEN + 16;
        char *params = btq_malloc(cap);
        if (!params) return btq__cl_fail(v->err, BTQ_ENOMEM, NULL);
        snprintf(params, cap, "[\"%s\",\"%s\"]", k, f->hash);
        char *res = NULL;
        size_t len = 0;
        int rc = btq_client_rpc(f->c, "state_getStorage", params, &res, &len, v->err);
        btq_free(params);
        if (rc) return rc;
        uint8_t *val = NULL;
        size_t vl = 0;
        int is_null = 0;
        rc = btq__json_hex_result(res, len, &val, &vl, &is_null);
        btq_free(res);
        if (rc)
            return btq__cl_fail(v->err, rc == BTQ_ENOMEM ? rc : BTQ_EPROTOCOL,
                                "state_getStorage: value is not hex or null");
        rc = v->fn(v->user, i, val, vl, v->err);
        btq_free(val);
        if (rc) return rc;
    }
    return 0;
}

/* The answer of state_getStorage: "0x…" or null. */
static int single_value(visit_ctx *v, const fetch_slot *s, uint8_t *seen)
{
    const char *p = s->text, *e = s->text + s->len, *vs = NULL;
    size_t vn = 0;
    SKIP_WS(p, e);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    seen[0] = 1;
    if (e - p == 4 && memcmp(p, "null", 4) == 0) return v->fn(v->user, 0, NULL, 0, v->err);
    if (scan_str(&p, e, &vs, &vn) && p == e) return visit_one(v, 0, vs, vn);
    /* escapes or not a string: through the JSON tree */
    int rc = 0;
    cJSON *j = btq__json_parse(s->text, s->len, NULL, &rc);
    if (rc == BTQ_ENOMEM)
        rc = btq__cl_fail(v->err, BTQ_ENOMEM, NULL);
    else if (cJSON_IsString(j))
        rc = visit_one(v, 0, j->valuestring, strlen(j->valuestring));
    else if (cJSON_IsNull(j))
        rc = v->fn(v->user, 0, NULL, 0, v->err);
    else
        rc = btq__cl_fail(v->err, BTQ_EPROTOCOL, "state_getStorage: value is not hex or null");
    cJSON_Delete(j);
    return rc;
}

/* Wait for slot s (deadline_ns < 0: forever). 0 or BTQ_ETIMEDOUT / BTQ_EINVAL. */
static int slot_wait(btq__fetch *f, fetch_slot *s, int64_t deadline_ns)
{
    pthread_mutex_lock(&g_wait_mu);
    int rc = 0;
    if (!s->done && btq_rpc_on_loop_(f->c->rpc)) rc = BTQ_EINVAL; /* would deadlock */
    f->waiting++;
    while (!rc && !s->done) {
        if (deadline_ns < 0) {
            pthread_cond_wait(&g_wait_cv, &g_wait_mu);
        } else {
            struct timespec ts = {(time_t)(deadline_ns / 1000000000),
                                  (long)(deadline_ns % 1000000000)};
            if (pthread_cond_timedwait(&g_wait_cv, &g_wait_mu, &ts) == ETIMEDOUT && !s->done)
                rc = BTQ_ETIMEDOUT;
        }
    }
    f->waiting--;
    pthread_mutex_unlock(&g_wait_mu);
    return rc;
}

int btq__fetch_visit(btq__fetch *f, int timeout_ms, btq__fetch_visit_fn fn, void *user,
                     btq_error *err)
{
    int64_t deadline = -1;
    if (timeout_ms >= 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        deadline = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec + (int64_t)timeout_ms * 1000000;
    }
    uint8_t stackbuf[256];
    visit_ctx v = {f, fn, user, stackbuf, sizeof stackbuf, 0, err};
    uint8_t seen[FETCH_CHUNK];
    int rc = 0;
    for (size_t ci = 0; ci < f->nchunks && !rc; ci++) {
        size_t from = ci * FETCH_CHUNK, to = from + FETCH_CHUNK < f->n ? from + FETCH_CHUNK : f->n;
        fetch_slot *s = &f->slots[ci];
        const char *method = f->n == 1 ? "state_getStorage" : "state_queryStorageAt";
        rc = slot_wait(f, s, deadline);
        if (rc) {
            btq__cl_fail(err, rc, "%s: %s", method,
                         rc == BTQ_ETIMEDOUT ? "no answer in time"
                                             : "blocking call from a transport callback");
            break;
        }
        if (s->status == BTQ_ERPC && s->rpc_code == -32601 && f->n > 1) { /* method not found */
            rc = fetch_one_by_one(&v, from, to);
            continue;
        }
        if (s->status) {
            btq_error src;
            btq_error_clear(&src);
            src.rpc_code = s->rpc_code;
            if (s->errmsg) snprintf(src.message, sizeof src.message, "%s", s->errmsg);
            rc = btq__cl_rpc_fail(err, s->status, &src, method);
            break;
        }
        memset(seen, 0, to - from);
        if (f->n == 1) {
            rc = single_value(&v, s, seen);
        } else {
            rc = scan_change_sets(&v, from, to, s->text, s->len, seen);
            if (rc == 1) { /* not the plain shape: start the chunk over through a JSON tree */
                memset(seen, 0, to - from);
                rc = tree_change_sets(&v, from, to, s->text, s->len, seen);
            }
        }
        /* keys the node did not list are absent */
        for (size_t i = from; i < to && !rc; i++)
            if (!seen[i - from]) rc = fn(user, i, NULL, 0, err);
        /* the text is no longer needed: release it now (the memory peak of big reads) */
        btq_free(s->text); /* done was seen: the loop thread no longer touches the slot */
        s->text = NULL;
    }
    if (v.heap) btq_free(v.buf);
    return rc;
}

typedef struct collect_ctx {
    uint8_t **vals;
    size_t *lens;
} collect_ctx;

static int collect_cb(void *user, size_t i, const uint8_t *val, size_t len, btq_error *err)
{
    collect_ctx *c = user;
    btq_free(c->vals[i]);
    c->vals[i] = NULL;
    c->lens[i] = 0;
    if (!val) return 0;
    c->vals[i] = btq_malloc(len ? len : 1);
    if (!c->vals[i]) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    if (len) memcpy(c->vals[i], val, len);
    c->lens[i] = len;
    return 0;
}

int btq__fetch_finish(btq__fetch *f, int timeout_ms, uint8_t **vals, size_t *lens, btq_error *err)
{
    if (!f) return btq__cl_fail(err, BTQ_EINVAL, "NULL fetch");
    for (size_t i = 0; i < f->n; i++) {
        vals[i] = NULL;
        lens[i] = 0;
    }
    collect_ctx cc = {vals, lens};
    int rc = btq__fetch_visit(f, timeout_ms, collect_cb, &cc, err);
    if (rc)
        for (size_t i = 0; i < f->n; i++) {
            btq_free(vals[i]);
            vals[i] = NULL;
        }
    return rc;
}

/* ---- keys ------------------------------------------------------------------------------------ */

static int lookup_entry(const btq_pin *pin, const char *pallet, const char *item,
                        const btq_pallet **pp, const btq_storage_entry **ep, btq_error *err)
{
    /* each failure returns its code literally, so callers (and the analyser) see rc != 0 */
    if (!pallet || !item) {
        btq__cl_fail(err, BTQ_EINVAL, "pallet and item are required");
        return BTQ_EINVAL;
    }
    const btq_pallet *p = btq_metadata_pallet(pin->md, pallet);
    if (!p) {
        btq__cl_fail(err, BTQ_ENOTFOUND, "no pallet '%s' in the runtime (spec %u)", pallet,
                     (unsigned)pin->spec);
        return BTQ_ENOTFOUND;
    }
    const btq_storage_entry *e = btq_pallet_storage(pin->md, p, item);
    if (!e) {
        btq__cl_fail(err, BTQ_ENOTFOUND, "no storage entry '%s.%s' in the runtime", pallet, item);
        return BTQ_ENOTFOUND;
    }
    *pp = p;
    *ep = e;
    return 0;
}

static int encode_key(const btq_pin *pin, uint32_t type, const btq_key *k, btq_writer *w,
                      btq_error *err)
{
    const btq_registry *reg = btq_metadata_registry(pin->md);
    switch (k->kind) {
    case BTQ_KEY_JSON:
        if (!k->json) return btq__cl_fail(err, BTQ_EINVAL, "NULL JSON key");
        return btq_json_to_scale(reg, type, k->json, (int32_t)pin->c->ss58_prefix, w, err);
    case BTQ_KEY_VALUE:
        if (!k->value) return btq__cl_fail(err, BTQ_EINVAL, "NULL value key");
        return btq_value_encode(reg, type, k->value, w, err);
    case BTQ_KEY_SCALE:
        return btq_write_raw(w, k->scale, k->scale_len);
    }
    return btq__cl_fail(err, BTQ_EINVAL, "invalid key kind");
}

/* Write the key of entry e with keys[0..nkeys) (nkeys <= nhashers) into w; prefix32: the
 * entry's hashed 32-byte prefix when known (NULL: hash the names). */
static int write_key_pre(const btq_pin *pin, const btq_pallet *p, const btq_storage_entry *e,
                         const uint8_t *prefix32, const btq_key *keys, size_t nkeys, btq_writer *w,
                         btq_error *err)
{
    const char *pre = p->storage_prefix ? p->storage_prefix : p->name;
    if (prefix32)
        btq_write_raw(w, prefix32, 32);
    else
        btq_storage_key_write_prefix(w, pre, strlen(pre), e->name, strlen(e->name));
    btq_writer kw;
    btq_writer_init(&kw);
    int rc = 0;
    for (size_t i = 0; i < nkeys && !rc; i++) {
        btq_writer_reset(&kw);
        rc = encode_key(pin, e->key_types[i], &keys[i], &kw, err);
        if (rc) {
            btq__cl_prefix(err, "key %zu of %s.%s: ", i + 1, pre, e->name);
            break;
        }
        if (kw.err) {
            rc = kw.err;
            break;
        }
        rc = btq_storage_key_write_part(w, e->hashers[i], kw.buf, kw.len);
    }
    btq_writer_free(&kw);
    if (!rc && w->err) rc = w->err;
    /* codes from the writers and the hashers (BTQ_ENOMEM) carry no detail yet */
    if (rc && (!err || !err->code)) rc = btq__cl_fail(err, rc, NULL);
    return rc;
}

static int write_key(const btq_pin *pin, const btq_pallet *p, const btq_storage_entry *e,
                     const btq_key *keys, size_t nkeys, btq_writer *w, btq_error *err)
{
    return write_key_pre(pin, p, e, NULL, keys, nkeys, w, err);
}

static int build_full_key_p(const btq_pin *pin, const btq_storage_req *req, const btq_pallet **pp,
                            const btq_storage_entry **ep, btq_writer *w, btq_error *err)
{
    const btq_pallet *p = NULL;
    const btq_storage_entry *e = NULL;
    int rc = lookup_entry(pin, req->pallet, req->item, &p, &e, err);
    if (rc) return rc;
    if (req->nkeys != e->nhashers)
        return btq__cl_fail(err, BTQ_EINVAL, "%s.%s takes %u key%s, got %zu", req->pallet,
                            req->item, (unsigned)e->nhashers, e->nhashers == 1 ? "" : "s",
                            req->nkeys);
    *ep = e;
    *pp = p;
    return write_key(pin, p, e, req->keys, req->nkeys, w, err);
}

static int build_full_key(const btq_pin *pin, const btq_storage_req *req,
                          const btq_storage_entry **ep, btq_writer *w, btq_error *err)
{
    const btq_pallet *p = NULL;
    return build_full_key_p(pin, req, &p, ep, w, err);
}

int btq_storage_key_build(const btq_pin *pin, const btq_storage_req *req, uint8_t **out,
                          size_t *out_len, btq_error *err)
{
    if (!pin || !req || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    const btq_storage_entry *e = NULL;
    btq_writer w;
    btq_writer_init(&w);
    int rc = build_full_key(pin, req, &e, &w, err);
    if (rc) {
        btq_writer_free(&w);
        return rc;
    }
    return btq_writer_take(&w, out, out_len);
}

/* ---- get / get_many / ops
 * ------------------------------------------------------------------------ */

struct btq_storage_op {
    const btq_pin *pin;
    size_t n;
    const btq_storage_entry **entries;
    btq__fetch *fetch;
};

void btq_storage_op_free(btq_storage_op *op)
{
    if (!op) return;
    btq__fetch_free(op->fetch);
    btq_free(op); /* the entries are part of it */
}

static int storage_start(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                         void (*on_done)(void *), void *user, btq_storage_op **out, btq_error *err)
{
    if (!pin || (!reqs && n) || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    /* the op and its entries in one allocation */
    btq_storage_op *op = btq_calloc(1, sizeof *op + (n ? n : 1) * sizeof *op->entries);
    if (!op) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    op->entries = (const btq_storage_entry **)(void *)(op + 1);
    op->pin = pin;
    op->n = n;
    btq__keyset ks;
    memset(&ks, 0, sizeof ks);
    btq_writer w;
    btq_writer_init(&w);
    const btq_pallet *cp = NULL; /* the entry of the request before and its hashed prefix */
    size_t off1[2];              /* one request: its key on the stack */
    char hex1[512];
    uint8_t cpre[32];
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        btq_writer_reset(&w);
        const btq_storage_req *q = &reqs[i], *prev = i ? &reqs[i - 1] : NULL;
        if (cp && q->pallet && q->item && prev->pallet && prev->item &&
            strcmp(q->pallet, prev->pallet) == 0 && strcmp(q->item, prev->item) == 0 &&
            q->nkeys == op->entries[i - 1]->nhashers) {
            const btq_storage_entry *e = op->entries[i - 1];
            op->entries[i] = e;
            rc = write_key_pre(pin, cp, e, cpre, q->keys, q->nkeys, &w, err);
        } else {
            cp = NULL;
            rc = build_full_key_p(pin, q, &cp, &op->entries[i], &w, err);
            if (rc || w.len < 32)
                cp = NULL;
            else
                memcpy(cpre, w.buf, 32);
        }
        if (!rc && i == 0) {
            if (n == 1 && 2 * w.len + 3 <= sizeof hex1) { /* the fetch copies it */
                ks.off = off1;
                ks.hex = hex1;
                ks.cap = sizeof hex1;
                ks.borrowed = 1;
                off1[0] = 0;
            } else if ((rc = btq__keyset_init(&ks, n, n * (2 * w.len + 3))) != 0) {
                btq__cl_fail(err, rc, NULL);
            }
        }
        if (!rc) {
            rc = btq__keyset_add(&ks, w.buf, w.len);
            if (rc) btq__cl_fail(err, rc, NULL);
        }
    }
    btq_writer_free(&w);
    if (!rc && n == 0) {
        rc = btq__keyset_init(&ks, 0, 1);
        if (rc) btq__cl_fail(err, rc, NULL);
    }
    if (!rc) rc = btq__fetch_start_keys(pin, &ks, on_done, user, &op->fetch, err);
    btq__keyset_free(&ks);
    if (rc) {
        btq_storage_op_free(op);
        return rc;
    }
    *out = op;
    return 0;
}

int btq_storage_start(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                      btq_storage_op **out, btq_error *err)
{
    return storage_start(pin, reqs, n, NULL, NULL, out, err);
}

int btq__storage_start_notify(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                              void (*done)(void *), void *user, btq_storage_op **out,
                              btq_error *err)
{
    if (!done) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    return storage_start(pin, reqs, n, done, user, out, err);
}

/* Result for entry e from raw storage bytes (NULL = absent); takes val. */
static int entry_result(const btq_pin *pin, const btq_storage_entry *e, uint8_t *val, size_t len,
                        btq_result **out, btq_error *err)
{
    if (val) return btq__result_make(pin, e->value_type, val, len, 1, out, err);
    if (e->modifier == BTQ_STORAGE_DEFAULT) {
        uint8_t *d = btq_malloc(e->default_len ? e->default_len : 1);
        if (!d) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
        if (e->default_len) memcpy(d, e->default_value, e->default_len);
        return btq__result_make(pin, e->value_type, d, e->default_len, 0, out, err);
    }
    return btq__result_make(pin, e->value_type, NULL, 0, 0, out, err);
}

typedef struct finish_ctx {
    const btq_storage_op *op;
    btq_result **out;
} finish_ctx;

static int finish_cb(void *user, size_t i, const uint8_t *val, size_t len, btq_error *err)
{
    finish_ctx *fc = user;
    btq_result_free(fc->out[i]);
    fc->out[i] = NULL;
    uint8_t *copy = NULL;
    if (val) {
        copy = btq_malloc(len ? len : 1);
        if (!copy) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
        if (len) memcpy(copy, val, len);
    }
    return entry_result(fc->op->pin, fc->op->entries[i], copy, len, &fc->out[i], err);
}

int btq_storage_finish(btq_storage_op *op, int timeout_ms, btq_result **out, btq_error *err)
{
    if (!op || (!out && op->n)) {
        btq_storage_op_free(op);
        return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    }
    size_t n = op->n;
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    finish_ctx fc = {op, out};
    int rc = btq__fetch_visit(op->fetch, timeout_ms, finish_cb, &fc, err);
    if (rc)
        for (size_t i = 0; i < n; i++) {
            btq_result_free(out[i]);
            out[i] = NULL;
        }
    btq_storage_op_free(op);
    return rc;
}

int btq_storage_get_many(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                         btq_result **out, btq_error *err)
{
    btq_storage_op *op = NULL;
    int rc = btq_storage_start(pin, reqs, n, &op, err);
    if (rc) return rc;
    return btq_storage_finish(op, -1, out, err);
}

int btq_storage_get(const btq_pin *pin, const btq_storage_req *req, btq_result **out,
                    btq_error *err)
{
    if (!out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    return btq_storage_get_many(pin, req, 1, out, err);
}

/* ---- maps ------------------------------------------------------------------------------------ */

typedef struct map_entry {
    uint8_t *key;
    size_t key_len;
    btq_value_doc *kdoc;
    const btq_value *kval;
    btq_result *val;
} map_entry;

struct btq_map {
    size_t n;
    map_entry *e;
    uint32_t prefix;
    /* keys of several hashers after a key prefix: the metadata's registry plus one tuple type
     * of the remaining key types (the decoded keys point into it) */
    btq_type *types;
    uint32_t *tuple_elems;
    btq_registry reg;
};

size_t btq_map_count(const btq_map *m)
{
    return m ? m->n : 0;
}

const btq_value *btq_map_key(const btq_map *m, size_t i)
{
    return m && i < m->n ? m->e[i].kval : NULL;
}

void btq_map_key_bytes(const btq_map *m, size_t i, const uint8_t **p, size_t *n)
{
    if (p) *p = m && i < m->n ? m->e[i].key : NULL;
    if (n) *n = m && i < m->n ? m->e[i].key_len : 0;
}

const btq_value *btq_map_value(const btq_map *m, size_t i)
{
    return m && i < m->n ? btq_result_value(m->e[i].val) : NULL;
}

void btq_map_free(btq_map *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) {
        btq_free(m->e[i].key);
        btq_value_doc_free(m->e[i].kdoc);
        btq_result_free(m->e[i].val);
    }
    btq_free(m->e);
    btq_free(m->types);
    btq_free(m->tuple_elems);
    btq_free(m);
}

/* Registry = the metadata's + a tuple of key_types[from..nhashers) as the last type. */
static int map_tuple_registry(btq_map *m, const btq_registry *reg, const btq_storage_entry *e,
                              size_t from, uint32_t *tuple_id)
{
    uint32_t nel = e->nhashers - (uint32_t)from;
    m->types = btq_malloc(((size_t)reg->ntypes + 1) * sizeof *m->types);
    m->tuple_elems = btq_malloc(nel * sizeof *m->tuple_elems);
    if (!m->types || !m->tuple_elems) return BTQ_ENOMEM;
    memcpy(m->types, reg->types, reg->ntypes * sizeof *m->types);
    btq_type *t = &m->types[reg->ntypes];
    memset(t, 0, sizeof *t);
    t->kind = BTQ_TYPE_TUPLE;
    t->path = "";
    uint32_t minsz = 0;
    for (uint32_t i = 0; i < nel; i++) {
        m->tuple_elems[i] = e->key_types[from + i];
        minsz += reg->types[m->tuple_elems[i]].min_size;
    }
    t->min_size = minsz;
    t->u.tuple.nelems = nel;
    t->u.tuple.elems = m->tuple_elems;
    m->reg.ntypes = reg->ntypes + 1;
    m->reg.types = m->types;
    *tuple_id = reg->ntypes;
    return 0;
}

int btq_map_to_json(const btq_map *m, int pretty, btq_writer *w)
{
    if (!m || !w) return BTQ_EINVAL;
    btq_json_opts o;
    btq__json_opts(&o, &m->prefix, 0);
    (void)pretty;
    btq_write_raw(w, "[", 1);
    for (size_t i = 0; i < m->n; i++) {
        if (i) btq_write_raw(w, ",", 1);
        btq_write_raw(w, "[", 1);
        if (m->e[i].kval) {
            btq_value_to_json(m->e[i].kval, &o, w);
        } else {
            char *h = btq__bytes_to_hex(m->e[i].key, m->e[i].key_len);
            if (!h) return BTQ_ENOMEM;
            btq_write_raw(w, "\"", 1);
            btq_write_raw(w, h, strlen(h));
            btq_write_raw(w, "\"", 1);
            btq_free(h);
        }
        btq_write_raw(w, ",", 1);
        btq_result_to_json(m->e[i].val, 0, w);
        btq_write_raw(w, "]", 1);
    }
    btq_write_raw(w, "]", 1);
    return w->err;
}

/* Decode the key values after the first `skip` bytes (prefix) for hashers from..nhashers.
 * A key that cannot be decoded stays NULL (opaque); BTQ_ENOMEM is an error, never "opaque". */
static int decode_map_key(const btq_registry *reg, const btq_storage_entry *e, size_t from,
                          uint32_t type, map_entry *me, size_t skip, btq_value_doc *scratch)
{
    size_t pos = skip;
    uint8_t *cat = btq_malloc(me->key_len ? me->key_len : 1);
    size_t catlen = 0;
    int rc = 0;
    if (!cat) return BTQ_ENOMEM;
    for (size_t h = from; h < e->nhashers; h++) {
        btq_hasher hs = e->hashers[h];
        size_t dl = btq_hasher_digest_len(hs);
        int concat = hs == BTQ_HASHER_BLAKE2_128_CONCAT || hs == BTQ_HASHER_TWOX64_CONCAT ||
                     hs == BTQ_HASHER_IDENTITY;
        if (!concat || pos + dl > me->key_len) goto out;
        pos += dl;
        const btq_value *root;
        size_t used = 0;
        rc = btq_value_doc_decode(scratch, reg, e->key_types[h], me->key + pos, me->key_len - pos,
                                  0, &root, &used, NULL);
        if (rc) goto out;
        memcpy(cat + catlen, me->key + pos, used);
        catlen += used;
        pos += used;
    }
    if (pos != me->key_len) goto out;
    rc = btq_value_decode(reg, type, cat, catlen, BTQ_VALUE_EXACT, &me->kdoc, &me->kval, NULL);
    if (rc) me->kval = NULL;
out:
    btq_free(cat);
    return rc == BTQ_ENOMEM ? rc : 0;
}

int btq_storage_map(const btq_pin *pin, const char *pallet, const char *item,
                    const btq_key *prefix_keys, size_t nprefix, size_t limit, btq_map **out,
                    btq_error *err)
{
    if (!pin || !out || (nprefix && !prefix_keys))
        return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    const btq_pallet *p = NULL;
    const btq_storage_entry *e = NULL;
    int rc = lookup_entry(pin, pallet, item, &p, &e, err);
    if (rc) return rc;
    if (!e->is_map || nprefix >= e->nhashers)
        return btq__cl_fail(err, BTQ_EINVAL, "%s.%s is not a map with more than %zu key%s", pallet,
                            item, nprefix, nprefix == 1 ? "" : "s");
    btq_writer w;
    btq_writer_init(&w);
    rc = write_key(pin, p, e, prefix_keys, nprefix, &w, err);
    uint8_t *prefix = NULL;
    size_t plen = 0;
    if (rc || (rc = btq_writer_take(&w, &prefix, &plen)) != 0) {
        btq_writer_free(&w);
        return rc;
    }
    char *phex = btq__bytes_to_hex(prefix, plen);
    btq_map *m = btq_calloc(1, sizeof *m);
    size_t cap = 0;
    uint8_t **keys = NULL;
    size_t *klens = NULL;
    char *start = NULL;
    if (!phex || !m) {
        rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
        goto done;
    }
    m->prefix = pin->c->ss58_prefix;
    /* 1. keys, page by page */
    for (;;) {
        size_t want = KEYS_PAGE;
        if (limit && limit - m->n < want) want = limit - m->n;
        if (want == 0) break;
        size_t plen2 = strlen(phex) * 2 + (start ? strlen(start) : 0) + 128;
        char *params = btq_malloc(plen2);
        if (!params) {
            rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
            goto done;
        }
        snprintf(params, plen2, "[\"%s\",%zu,\"%s\",\"%s\"]", phex, want, start ? start : phex,
                 pin->hash);
        cJSON *j = NULL;
        rc = btq__cl_call_json(pin->c, "state_getKeysPaged", params, &j, err);
        btq_free(params);
        if (rc) goto done;
        if (!cJSON_IsArray(j)) {
            cJSON_Delete(j);
            rc = btq__cl_fail(err, BTQ_EPROTOCOL, "state_getKeysPaged: result is not an array");
            goto done;
        }
        size_t got = 0;
        for (const cJSON *k = j->child; k; k = k->next, got++) {
            if (m->n == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                map_entry *ne = btq_realloc(m->e, ncap * sizeof *ne);
                if (!ne) {
                    rc = BTQ_ENOMEM;
                    break;
                }
                m->e = ne;
                cap = ncap;
            }
            map_entry *me = &m->e[m->n];
            memset(me, 0, sizeof *me);
            int hrc = cJSON_IsString(k) ? btq__hex_to_bytes(k->valuestring, strlen(k->valuestring),
                                                            &me->key, &me->key_len)
                                        : BTQ_EPROTOCOL;
            if (hrc || me->key_len < plen || memcmp(me->key, prefix, plen) != 0) {
                btq_free(me->key);
                rc = hrc == BTQ_ENOMEM ? hrc : BTQ_EPROTOCOL; /* out of memory is no bad key */
                break;
            }
            m->n++;
            btq_free(start);
            start = btq__bytes_to_hex(me->key, me->key_len);
            if (!start) {
                rc = BTQ_ENOMEM;
                break;
            }
        }
        cJSON_Delete(j);
        if (rc) {
            btq__cl_fail(err, rc, "state_getKeysPaged: %s",
                         rc == BTQ_EPROTOCOL ? "a key is not hex under the prefix"
                                             : btq_strerror(rc));
            goto done;
        }
        if (got < want) break;
    }
    /* 2. values, concurrently */
    keys = btq_calloc(m->n ? m->n : 1, sizeof *keys);
    klens = btq_calloc(m->n ? m->n : 1, sizeof *klens);
    if (!keys || !klens) {
        rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
        goto done;
    }
    for (size_t i = 0; i < m->n; i++) {
        keys[i] = m->e[i].key;
        klens[i] = m->e[i].key_len;
    }
    btq__fetch *f = NULL;
    rc = btq__fetch_start(pin, keys, klens, m->n, &f, err);
    if (rc) goto done;
    uint8_t **vals = (uint8_t **)keys; /* reuse the arrays for the values */
    size_t *vlens = klens;
    rc = btq__fetch_finish(f, -1, vals, vlens, err);
    btq__fetch_free(f);
    if (rc) {
        for (size_t i = 0; i < m->n; i++)
            keys[i] = NULL;
        goto done;
    }
    /* 3. decode on this thread */
    const btq_registry *kreg = btq_metadata_registry(pin->md);
    uint32_t ktype = e->key_types[nprefix];
    if (e->nhashers - nprefix > 1) {
        ktype = e->key_type;
        if (nprefix > 0) {
            rc = map_tuple_registry(m, kreg, e, nprefix, &ktype);
            if (rc) {
                btq__cl_fail(err, rc, NULL);
                for (size_t i = 0; i < m->n; i++)
                    btq_free(vals[i]);
                goto done;
            }
            kreg = &m->reg;
        }
    }
    btq_value_doc *scratch = btq_value_doc_new();
    if (!scratch) rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
    for (size_t i = 0; i < m->n && !rc; i++) {
        rc = entry_result(pin, e, vals[i], vlens[i], &m->e[i].val, err);
        vals[i] = NULL;
        if (!rc && (rc = decode_map_key(kreg, e, nprefix, ktype, &m->e[i], plen, scratch)) != 0)
            btq__cl_fail(err, rc, NULL);
    }
    for (size_t i = 0; i < m->n; i++)
        btq_free(vals[i]);
    btq_value_doc_free(scratch);
done:
    btq_free(keys);
    btq_free(klens);
    btq_free(start);
    btq_free(phex);
    btq_free(prefix);
    if (rc) {
        btq_map_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

/* ---- constants and runtime calls ----------------------------------------------------------- */

int btq_constant_get(const btq_pin *pin, const char *pallet, const char *name, btq_result **out,
                     btq_error *err)
{
    if (!pin || !pallet || !name || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    const btq_pallet *p = btq_metadata_pallet(pin->md, pallet);
    if (!p)
        return btq__cl_fail(err, BTQ_ENOTFOUND, "no pallet '%s' in the runtime (spec %u)", pallet,
                            (unsigned)pin->spec);
    const btq_constant *k = btq_pallet_constant(pin->md, p, name);
    if (!k) return btq__cl_fail(err, BTQ_ENOTFOUND, "no constant '%s.%s'", pallet, name);
    uint8_t *b = btq_malloc(k->value_len ? k->value_len : 1);
    if (!b) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    if (k->value_len) memcpy(b, k->value, k->value_len);
    return btq__result_make(pin, k->type, b, k->value_len, 1, out, err);
}

int btq_runtime_call_raw(const btq_pin *pin, const char *name, const uint8_t *params,
                         size_t params_len, uint8_t **out, size_t *out_len, btq_error *err)
{
    if (!pin || !name || !out || !out_len) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    *out_len = 0;
    for (const char *s = name; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return btq__cl_fail(err, BTQ_EINVAL, "invalid runtime API name '%s'", name);
    char *hex = btq__bytes_to_hex(params, params_len);
    size_t cap = strlen(name) + (hex ? strlen(hex) : 0) + BTQ_HASH_HEX_LEN + 16;
    char *p = btq_malloc(cap);
    if (!hex || !p) {
        btq_free(hex);
        btq_free(p);
        return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    }
    snprintf(p, cap, "[\"%s\",\"%s\",\"%s\"]", name, hex, pin->hash);
    btq_free(hex);
    char bad[160];
    snprintf(bad, sizeof bad, "state_call %.120s: result is not hex", name);
    int rc = btq__cl_call_hex(pin->c, "state_call", p, out, out_len, NULL, bad, err);
    btq_free(p);
    return rc;
}

int btq_runtime_call(const btq_pin *pin, const char *api, const char *method,
                     const char *const *args_json, size_t nargs, btq_result **out, btq_error *err)
{
    if (!pin || !api || !method || !out || (nargs && !args_json))
        return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    const btq_api_method *m = btq_metadata_api_method(pin->md, api, method);
    if (!m) {
        if (btq_metadata_version(pin->md) < 15)
            return btq__cl_fail(err, BTQ_ENOTSUP,
                                "runtime API calls need V15 metadata; this runtime (spec %u) "
                                "offers V14 only",
                                (unsigned)pin->spec);
        if (!btq_metadata_api(pin->md, api))
            return btq__cl_fail(err, BTQ_ENOTFOUND, "no runtime API '%s'", api);
        return btq__cl_fail(err, BTQ_ENOTFOUND, "no method '%s' in runtime API '%s'", method, api);
    }
    if (nargs != m->ninputs)
        return btq__cl_fail(err, BTQ_EINVAL, "%s_%s takes %u argument%s, got %zu", api, method,
                            (unsigned)m->ninputs, m->ninputs == 1 ? "" : "s", nargs);
    const btq_registry *reg = btq_metadata_registry(pin->md);
    btq_writer w;
    btq_writer_init(&w);
    int rc = 0;
    for (size_t i = 0; i < nargs && !rc; i++) {
        rc = btq_json_to_scale(reg, m->inputs[i].type, args_json[i], (int32_t)pin->c->ss58_prefix,
                               &w, err);
        if (rc)
            btq__cl_prefix(err, "argument %zu (%s): ", i + 1,
                           m->inputs[i].name ? m->inputs[i].name : "?");
    }
    if (!rc && w.err) rc = btq__cl_fail(err, w.err, NULL);
    if (rc) {
        btq_writer_free(&w);
        return rc;
    }
    char name[512];
    snprintf(name, sizeof name, "%s_%s", api, method);
    uint8_t *res = NULL;
    size_t rlen = 0;
    rc = btq_runtime_call_raw(pin, name, w.buf, w.len, &res, &rlen, err);
    btq_writer_free(&w);
    if (rc) return rc;
    return btq__result_make(pin, m->output, res, rlen, 1, out, err);
}
