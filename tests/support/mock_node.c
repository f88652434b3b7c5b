/* The misbehaving mock node (see mock_node.h). One lws context + one service thread per node;
 * every piece of state is guarded by one recursive mutex; control functions from other threads
 * change state and wake the loop with lws_cancel_service. Server frames are built here (they are
 * unmasked) and written with LWS_WRITE_RAW, so pipelined answers go out several per write and
 * faults (partial frames, fragments, invalid UTF-8) are exact. */
#define _GNU_SOURCE
#include "mock_node.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <time.h>

/* lws 4.1.6 never frees what a TLS server vhost allocates while loading OpenSSL's default
 * verify paths (the system CA bundle) at lws_create_vhost; LeakSanitizer would fail every
 * TLS test for it. TLS mode creates its vhost with leak detection off (ASan builds only). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOCK_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(MOCK_LSAN)
#define MOCK_LSAN 1
#endif
#ifdef MOCK_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define MOCK_ACT_NONE 0
#define MOCK_ACT_DROP 1
#define MOCK_ACT_CLOSE 2

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) abort();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) abort();
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- growable byte buffer -------------------------------------------------------------------- */
typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_reserve(sbuf *b, size_t extra)
{
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

static void sb_add(sbuf *b, const void *d, size_t n)
{
    if (n == 0) return; /* b->p may still be NULL: no memcpy to it */
    sb_reserve(b, n);
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void sb_adds(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_json_string(sbuf *b, const char *s)
{
    sb_adds(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            sb_add(b, e, 2);
        } else if (*p < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", *p);
            sb_adds(b, e);
        } else {
            sb_add(b, p, 1);
        }
    }
    sb_adds(b, "\"");
}

/* ---- string map (chained) ------------------------------------------------------------------ */
typedef struct sment {
    struct sment *next;
    char *key;
    size_t klen;
    uint64_t count;
    void *val;
} sment;

typedef struct smap {
    sment **b;
    size_t nb, n;
} smap;

static uint64_t fnv(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
    return h;
}

static sment *sm_find(const smap *m, const char *k, size_t n)
{
    if (!m->nb) return NULL;
    for (sment *e = m->b[fnv(k, n) & (m->nb - 1)]; e; e = e->next)
        if (e->klen == n && memcmp(e->key, k, n) == 0) return e;
    return NULL;
}

static sment *sm_get(smap *m, const char *k, size_t n)
{
    sment *e = sm_find(m, k, n);
    if (e) return e;
    if (m->n + 1 > m->nb) {
        size_t nb = m->nb ? m->nb * 2 : 64;
        sment **b = calloc(nb, sizeof *b);
        if (!b) abort();
        for (size_t i = 0; i < m->nb; i++) {
            for (sment *x = m->b[i], *nx; x; x = nx) {
                nx = x->next;
                size_t j = fnv(x->key, x->klen) & (nb - 1);
                x->next = b[j];
                b[j] = x;
            }
        }
        free(m->b);
        m->b = b;
        m->nb = nb;
    }
    e = calloc(1, sizeof *e);
    if (!e) abort();
    e->key = xstrndup(k, n);
    e->klen = n;
    size_t j = fnv(k, n) & (m->nb - 1);
    e->next = m->b[j];
    m->b[j] = e;
    m->n++;
    return e;
}

static void sm_free(smap *m, void (*freeval)(void *))
{
    for (size_t i = 0; i < m->nb; i++) {
        for (sment *x = m->b[i], *nx; x; x = nx) {
            nx = x->next;
            if (freeval && x->val) freeval(x->val);
            free(x->key);
            free(x);
        }
    }
    free(m->b);
    memset(m, 0, sizeof *m);
}

/* ---- replay entries ---------------------------------------------------------------------------
 */
typedef struct replay {
    size_t n, cursor;
    char **tails; /* ,"result":...} or ,"error":...} */
    size_t *lens;
} replay;

static void replay_free(void *p)
{
    replay *r = p;
    for (size_t i = 0; i < r->n; i++)
        free(r->tails[i]);
    free(r->tails);
    free(r->lens);
    free(r);
}

/* ---- connections, items, rules, subscriptions -------------------------------------------------
 */
typedef struct outitem {
    struct outitem *next;
    uint8_t *mem; /* LWS_PRE headroom + data */
    size_t len;
    int64_t not_before;
    int action;
} outitem;

typedef struct conn {
    struct conn *next, *prev;
    struct lws *wsi;
    mock_node *node;
    sbuf rx;
    int rx_overflow;
    uint8_t *ready; /* LWS_PRE headroom, then ready_len bytes of frames */
    size_t ready_len, ready_cap;
    outitem *head, *tail;
    outitem *held; /* LIFO: front = last held */
    int drop_now, closing, close_pending, fin_sent, flush_armed;
    lws_sorted_usec_list_t sul;
    lws_sorted_usec_list_t flush_sul; /* writes ready answers once per read batch */
    uint64_t rx_msgs;                 /* messages received on this connection */
} conn;

typedef struct rule {
    struct rule *next;
    enum mock_fault_kind kind;
    char *method;
    unsigned remaining;
    size_t arg;
    int code;
    char *text;
} rule;

typedef struct sub {
    struct sub *next;
    conn *c;
    int kind;
    char id[32];
} sub;

static const struct {
    const char *sub, *notif, *unsub;
} SUBS[] = {
    {"chain_subscribeNewHeads", "chain_newHead", "chain_unsubscribeNewHeads"},
    {"chain_subscribeNewHead", "chain_newHead", "chain_unsubscribeNewHead"},
    {"chain_subscribeFinalizedHeads", "chain_finalizedHead", "chain_unsubscribeFinalizedHeads"},
    {"chain_subscribeAllHeads", "chain_allHead", "chain_unsubscribeAllHeads"},
    {"state_subscribeStorage", "state_storage", "state_unsubscribeStorage"},
    {"state_subscribeRuntimeVersion", "state_runtimeVersion", "state_unsubscribeRuntimeVersion"},
    {"author_submitAndWatchExtrinsic", "author_extrinsicUpdate", "author_unwatchExtrinsic"},
    {"mock_subscribe", "mock_notification", "mock_unsubscribe"},
};
#define NSUBS ((int)(sizeof SUBS / sizeof SUBS[0]))

struct mock_node {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct lws_context *ctx;
    pthread_t thread;
    int running;
    atomic_int stopping;
    int port;
    char url[64];
    mock_node_opts opts;
    char *tls_cert, *tls_key; /* TLS mode when both set (copies of the option paths) */
    struct lws_protocols protocols[2];
    struct lws_protocol_vhost_options pvo, pvo_default;

    conn *conns;
    rule *rules, *rules_tail;
    sub *subs;
    smap replay, methods, params;

    sment *last_method, *last_replay; /* hot-path caches (entries live until stop) */
    unsigned waiters;
    unsigned close_every;
    uint64_t answer_seq;
    unsigned delay_ms;
    unsigned stall_every, stall_ms; /* mock_node_set_read_stall */
    int refuse;
    uint64_t counter, submit_counter, sub_seq, wrong_seq;
    char *sub_initial;
    unsigned sub_initial_count;
    int sub_initial_before;
    mock_node_stats st;
};

static const char HEAD[] = "{\"jsonrpc\":\"2.0\",\"id\":";
#define HEAD_LEN (sizeof HEAD - 1)

/* ---- frames ------------------------------------------------------------------------------------
 */
static size_t ws_hdr(uint8_t *h, uint8_t b0, size_t len)
{
    h[0] = b0;
    if (len < 126) {
        h[1] = (uint8_t)len;
        return 2;
    }
    if (len < 65536) {
        h[1] = 126;
        h[2] = (uint8_t)(len >> 8);
        h[3] = (uint8_t)len;
        return 4;
    }
    h[1] = 127;
    for (int i = 0; i < 8; i++)
        h[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
    return 10;
}

static void wake_conn(conn *c)
{
    if (c->wsi) lws_callback_on_writable(c->wsi);
}

static void ready_reserve(conn *c, size_t extra)
{
    size_t need = LWS_PRE + c->ready_len + extra;
    if (need <= c->ready_cap) return;
    size_t cap = c->ready_cap ? c->ready_cap : 4096;
    while (cap < need)
        cap *= 2;
    c->ready = xrealloc(c->ready, cap);
    c->ready_cap = cap;
}

/* Queue one frame (header b0 = FIN|opcode) made of up to three pieces. */
static void queue_frame3(conn *c, uint8_t b0, const void *a, size_t al, const void *b, size_t bl,
                         const void *d, size_t dl, int64_t delay_us, int action)
{
    size_t len = al + bl + dl;
    uint8_t h[10];
    size_t hl = ws_hdr(h, b0, len);
    uint8_t *dst;
    c->node->st.frames_sent++;
    if (!c->head && delay_us <= 0 && action == MOCK_ACT_NONE) {
        ready_reserve(c, hl + len);
        dst = c->ready + LWS_PRE + c->ready_len;
        c->ready_len += hl + len;
    } else {
        outitem *it = calloc(1, sizeof *it);
        if (!it) abort();
        it->mem = xmalloc(LWS_PRE + hl + len);
        it->len = hl + len;
        it->not_before = delay_us > 0 ? now_us() + delay_us : 0;
        it->action = action;
        if (c->tail)
            c->tail->next = it;
        else
            c->head = it;
        c->tail = it;
        dst = it->mem + LWS_PRE;
    }
    memcpy(dst, h, hl);
    dst += hl;
    if (al) memcpy(dst, a, al);
    if (bl) memcpy(dst + al, b, bl);
    if (dl) memcpy(dst + al + bl, d, dl);
}

static void queue_frame(conn *c, uint8_t b0, const void *p, size_t len, int64_t delay_us,
                        int action)
{
    queue_frame3(c, b0, p, len, NULL, 0, NULL, 0, delay_us, action);
}

static outitem *make_item(const uint8_t *frames, size_t len)
{
    outitem *it = calloc(1, sizeof *it);
    if (!it) abort();
    it->mem = xmalloc(LWS_PRE + len);
    memcpy(it->mem + LWS_PRE, frames, len);
    it->len = len;
    return it;
}

static void append_item(conn *c, outitem *it)
{
    it->next = NULL;
    if (c->tail)
        c->tail->next = it;
    else
        c->head = it;
    c->tail = it;
}

static void release_held(mock_node *n)
{
    for (conn *c = n->conns; c; c = c->next) {
        outitem *it = c->held;
        c->held = NULL;
        while (it) { /* front = last held: appending from the front reverses the order */
            outitem *nx = it->next;
            if (c->closing)
                free(it->mem), free(it);
            else
                append_item(c, it);
            it = nx;
        }
        wake_conn(c);
    }
}

static void free_items(outitem *it)
{
    while (it) {
        outitem *nx = it->next;
        free(it->mem);
        free(it);
        it = nx;
    }
}

/* ---- answers -----------------------------------------------------------------------------------
 */
static void count_request(mock_node *n, const char *method, size_t mlen, const char *params,
                          size_t plen)
{
    n->st.requests++;
    sment *me = n->last_method;
    if (!me || me->klen != mlen || memcmp(me->key, method, mlen) != 0)
        me = n->last_method = sm_get(&n->methods, method, mlen);
    me->count++;
    if (n->opts.count_params) {
        sbuf k = {0};
        sb_add(&k, method, mlen);
        sb_add(&k, "", 1);
        sb_add(&k, params, plen);
        sm_get(&n->params, k.p, k.len)->count++;
        free(k.p);
    }
    if (n->waiters) pthread_cond_broadcast(&n->cv);
}

static rule *take_rule(mock_node *n, const char *method, size_t mlen)
{
    rule *prev = NULL;
    for (rule *r = n->rules; r; prev = r, r = r->next) {
        if (r->method && (strlen(r->method) != mlen || memcmp(r->method, method, mlen) != 0))
            continue;
        r->remaining--;
        if (r->remaining == 0) {
            if (prev)
                prev->next = r->next;
            else
                n->rules = r->next;
            if (n->rules_tail == r) n->rules_tail = prev;
            r->next = NULL;
        }
        return r;
    }
    return NULL;
}

static void free_rule(rule *r)
{
    if (!r || r->remaining) return; /* still queued: freed when consumed or cleared */
    free(r->method);
    free(r->text);
    free(r);
}

static void notif_payload(sbuf *b, const char *notif, const char *id, const char *result)
{
    sb_adds(b, "{\"jsonrpc\":\"2.0\",\"method\":\"");
    sb_adds(b, notif);
    sb_adds(b, "\",\"params\":{\"subscription\":\"");
    sb_adds(b, id);
    sb_adds(b, "\",\"result\":");
    sb_adds(b, result);
    sb_adds(b, "}}");
}

static void queue_sub_initial(mock_node *n, sub *s)
{
    for (unsigned i = 0; i < n->sub_initial_count; i++) {
        sbuf b = {0};
        notif_payload(&b, SUBS[s->kind].notif, s->id, n->sub_initial);
        queue_frame(s->c, 0x81, b.p, b.len, 0, MOCK_ACT_NONE);
        n->st.notifications++;
        free(b.p);
    }
}

typedef struct answer {
    const char *tail; /* ,"result":...} */
    size_t tail_len;
    sbuf owned;
    sub *new_sub; /* initial notifications to queue after the answer */
} answer;

static void tail_result(answer *a, const char *json, size_t len)
{
    sb_adds(&a->owned, ",\"result\":");
    sb_add(&a->owned, json, len);
    sb_adds(&a->owned, "}");
}

static void tail_error(answer *a, long code, const char *msg)
{
    char num[32];
    snprintf(num, sizeof num, "%ld", code);
    sb_adds(&a->owned, ",\"error\":{\"code\":");
    sb_adds(&a->owned, num);
    sb_adds(&a->owned, ",\"message\":");
    sb_json_string(&a->owned, msg);
    sb_adds(&a->owned, "}}");
}

static int eqs(const char *m, size_t mlen, const char *lit)
{
    return strlen(lit) == mlen && memcmp(m, lit, mlen) == 0;
}

/* First string element of a params array, copied into out (empty when none). */
static void first_param_string(const char *params, char *out, size_t cap)
{
    out[0] = 0;
    cJSON *j = cJSON_Parse(params);
    cJSON *e = j ? (cJSON_IsArray(j) ? cJSON_GetArrayItem(j, 0) : j) : NULL;
    if (e && cJSON_IsString(e)) snprintf(out, cap, "%s", e->valuestring);
    cJSON_Delete(j);
}

static void compute_answer(mock_node *n, conn *c, const char *method, size_t mlen,
                           const char *params, size_t plen, size_t idlen, const rule *r, answer *a)
{
    memset(a, 0, sizeof *a);
    if (r && r->kind == MOCK_RPC_ERROR) {
        tail_error(a, r->code, r->text ? r->text : "mock error");
        goto owned;
    }
    if (r && r->kind == MOCK_RESULT) {
        const char *t = r->text ? r->text : "null";
        tail_result(a, t, strlen(t));
        goto owned;
    }
    if (r && r->kind == MOCK_OVERSIZE) {
        /* the whole message is exactly arg bytes */
        size_t total = r->arg ? r->arg : (size_t)17 << 20;
        size_t fixed = HEAD_LEN + idlen + strlen(",\"result\":\"\"}");
        size_t sz = total > fixed ? total - fixed : 0;
        sb_reserve(&a->owned, sz + 32);
        sb_adds(&a->owned, ",\"result\":\"");
        memset(a->owned.p + a->owned.len, 'x', sz);
        a->owned.len += sz;
        sb_adds(&a->owned, "\"}");
        goto owned;
    }
    if (n->opts.handler) {
        char *m = xstrndup(method, mlen);
        char *p = xstrndup(params, plen);
        int code = 0;
        char *res = n->opts.handler(n->opts.handler_user, m, p, &code);
        free(m);
        free(p);
        if (res) {
            if (code)
                tail_error(a, code, res);
            else
                tail_result(a, res, strlen(res));
            free(res);
            goto owned;
        }
    }
    for (int k = 0; k < NSUBS; k++) {
        if (eqs(method, mlen, SUBS[k].sub)) {
            sub *s = calloc(1, sizeof *s);
            if (!s) abort();
            s->c = c;
            s->kind = k;
            snprintf(s->id, sizeof s->id, "mocksub%llu", (unsigned long long)++n->sub_seq);
            s->next = n->subs;
            n->subs = s;
            char res[48];
            snprintf(res, sizeof res, "\"%s\"", s->id);
            tail_result(a, res, strlen(res));
            if (n->sub_initial_count) {
                if (n->sub_initial_before)
                    queue_sub_initial(n, s);
                else
                    a->new_sub = s;
            }
            goto owned;
        }
        if (eqs(method, mlen, SUBS[k].unsub)) {
            char id[64];
            char *p = xstrndup(params, plen);
            first_param_string(p, id, sizeof id);
            free(p);
            int found = 0;
            for (sub **pp = &n->subs; *pp; pp = &(*pp)->next) {
                if ((*pp)->c == c && strcmp((*pp)->id, id) == 0) {
                    sub *s = *pp;
                    *pp = s->next;
                    free(s);
                    found = 1;
                    break;
                }
            }
            n->st.unsubscribes++;
            tail_result(a, found ? "true" : "false", found ? 4 : 5);
            goto owned;
        }
    }
    if (n->replay.n) {
        char stackkey[256]; /* hot path: no allocation for small keys */
        size_t klen = mlen + 1 + plen;
        char *key = klen <= sizeof stackkey ? stackkey : xmalloc(klen);
        memcpy(key, method, mlen);
        key[mlen] = 0;
        memcpy(key + mlen + 1, params, plen);
        sment *e = n->last_replay;
        if (!e || e->klen != klen || memcmp(e->key, key, klen) != 0)
            e = sm_find(&n->replay, key, klen);
        if (e) n->last_replay = e;
        if (key != stackkey) free(key);
        if (e) {
            replay *rp = e->val;
            size_t i = rp->cursor++ % rp->n;
            a->tail = rp->tails[i];
            a->tail_len = rp->lens[i];
            return;
        }
    }
    if (eqs(method, mlen, "mock_echo")) {
        tail_result(a, params, plen);
    } else if (eqs(method, mlen, "mock_counter")) {
        char num[32];
        snprintf(num, sizeof num, "%llu", (unsigned long long)++n->counter);
        tail_result(a, num, strlen(num));
    } else if (eqs(method, mlen, "author_submitExtrinsic")) {
        char h[80];
        snprintf(h, sizeof h, "\"0x%064llx\"", (unsigned long long)++n->submit_counter);
        tail_result(a, h, strlen(h));
    } else if (eqs(method, mlen, "mock_big")) {
        char *p = xstrndup(params, plen);
        cJSON *j = cJSON_Parse(p);
        free(p);
        cJSON *e = j ? cJSON_GetArrayItem(j, 0) : NULL;
        size_t sz = (e && cJSON_IsNumber(e) && e->valuedouble >= 0) ? (size_t)e->valuedouble : 0;
        cJSON_Delete(j);
        sb_reserve(&a->owned, sz + 32);
        sb_adds(&a->owned, ",\"result\":\"");
        memset(a->owned.p + a->owned.len, 'x', sz);
        a->owned.len += sz;
        sb_adds(&a->owned, "\"}");
    } else {
        tail_error(a, -32601, "Method not found");
    }
owned:
    a->tail = a->owned.p;
    a->tail_len = a->owned.len;
}

/* Frames for one single (non-batch) answer, with the fault applied. */
static void emit_answer(mock_node *n, conn *c, const char *id, size_t idlen, const answer *a,
                        const rule *r)
{
    enum mock_fault_kind kind = r ? r->kind : 0;
    int64_t delay = n->delay_ms ? (int64_t)n->delay_ms * 1000 : 0;
    int action = MOCK_ACT_NONE;
    size_t plen = HEAD_LEN + idlen + a->tail_len;

    if (kind == MOCK_SLOW) delay += (int64_t)(r->arg ? r->arg : 100) * 1000;
    if (kind == MOCK_CLOSE_AFTER) action = MOCK_ACT_CLOSE;
    if (n->close_every && (kind == 0 || kind == MOCK_SLOW || kind == MOCK_FRAGMENT ||
                           kind == MOCK_RPC_ERROR || kind == MOCK_RESULT)) {
        if (++n->answer_seq % n->close_every == 0) action = MOCK_ACT_CLOSE;
    }
    n->st.answers++;

    if (kind == MOCK_WRONG_ID || kind == MOCK_UNKNOWN_ID) {
        char wid[48];
        if (kind == MOCK_WRONG_ID)
            snprintf(wid, sizeof wid, "\"mock-wrong-%llu\"", (unsigned long long)++n->wrong_seq);
        else
            snprintf(wid, sizeof wid, "%llu", 900000000ULL + ++n->wrong_seq);
        queue_frame3(c, 0x81, HEAD, HEAD_LEN, wid, strlen(wid), a->tail, a->tail_len, delay,
                     MOCK_ACT_NONE);
    }
    if (kind == MOCK_JUNK_JSON || kind == MOCK_JUNK_UTF8) {
        size_t times = r->arg ? r->arg : 1;
        for (size_t i = 0; i < times; i++) {
            if (kind == MOCK_JUNK_JSON) {
                static const char junk[] = ",\"result\":\"truncated";
                queue_frame3(c, 0x81, HEAD, HEAD_LEN, id, idlen, junk, sizeof junk - 1, delay,
                             MOCK_ACT_NONE);
            } else {
                static const char bad[] = ",\"result\":\"\xff\xfe\xc3\x28\"}";
                queue_frame3(c, 0x81, HEAD, HEAD_LEN, id, idlen, bad, sizeof bad - 1, delay,
                             MOCK_ACT_NONE);
            }
        }
    }
    if (kind == MOCK_DROP_MID) {
        char *p = xmalloc(plen);
        memcpy(p, HEAD, HEAD_LEN);
        memcpy(p + HEAD_LEN, id, idlen);
        memcpy(p + HEAD_LEN + idlen, a->tail, a->tail_len);
        size_t part = r->arg ? r->arg : plen / 2;
        if (part >= plen) part = plen - 1;
        if (part == 0) part = 1;
        queue_frame(c, 0x01, p, part, delay, MOCK_ACT_DROP);
        free(p);
        c->closing = 1;
        n->st.drops++;
        return;
    }
    if (kind == MOCK_FRAGMENT) {
        char *p = xmalloc(plen);
        memcpy(p, HEAD, HEAD_LEN);
        memcpy(p + HEAD_LEN, id, idlen);
        memcpy(p + HEAD_LEN + idlen, a->tail, a->tail_len);
        size_t parts = r->arg ? r->arg : 16;
        if (parts > plen) parts = plen;
        size_t step = plen / parts, off = 0;
        for (size_t i = 0; i < parts; i++) {
            size_t l = (i + 1 == parts) ? plen - off : step;
            uint8_t b0 = (uint8_t)((i == 0 ? 0x01 : 0x00) | (i + 1 == parts ? 0x80 : 0x00));
            queue_frame(c, b0, p + off, l, delay, i + 1 == parts ? action : MOCK_ACT_NONE);
            off += l;
        }
        free(p);
    } else if (kind == MOCK_HOLD) {
        sbuf f = {0};
        uint8_t h[10];
        size_t hl = ws_hdr(h, 0x81, plen);
        sb_add(&f, h, hl);
        sb_add(&f, HEAD, HEAD_LEN);
        sb_add(&f, id, idlen);
        sb_add(&f, a->tail, a->tail_len);
        outitem *it = make_item((const uint8_t *)f.p, f.len);
        free(f.p);
        it->next = c->held;
        c->held = it;
        n->st.frames_sent++;
    } else {
        queue_frame3(c, 0x81, HEAD, HEAD_LEN, id, idlen, a->tail, a->tail_len, delay, action);
        if (kind == MOCK_DUP_ID) {
            n->st.answers++;
            queue_frame3(c, 0x81, HEAD, HEAD_LEN, id, idlen, a->tail, a->tail_len, delay,
                         MOCK_ACT_NONE);
        }
    }
    if (action == MOCK_ACT_CLOSE) {
        c->closing = 1;
        n->st.drops++;
    }
}

/* One request object (fast path: already split into spans). */
static void handle_one(mock_node *n, conn *c, const char *id, size_t idlen, const char *method,
                       size_t mlen, const char *params, size_t plen)
{
    count_request(n, method, mlen, params, plen);
    if (!id) return; /* a notification from the client: no answer */
    rule *r = take_rule(n, method, mlen);
    if (c->closing) {
        free_rule(r);
        return;
    }
    if (r && r->kind == MOCK_SILENT) {
        free_rule(r);
        return;
    }
    if (r && r->kind == MOCK_DROP_BEFORE) {
        c->drop_now = 1;
        c->closing = 1;
        n->st.drops++;
        free_rule(r);
        return;
    }
    answer a;
    compute_answer(n, c, method, mlen, params, plen, idlen, r, &a);
    emit_answer(n, c, id, idlen, &a, r);
    if (a.new_sub) queue_sub_initial(n, a.new_sub);
    if (r && r->kind == MOCK_HOLD && r->remaining == 0) release_held(n);
    free(a.owned.p);
    free_rule(r);
}

/* ---- request parsing ---------------------------------------------------------------------------
 */
static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static const char *skip_string(const char *p, const char *e)
{
    for (p++; p < e; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

static const char *skip_value(const char *p, const char *e)
{
    if (p >= e) return NULL;
    if (*p == '"') return skip_string(p, e);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < e) {
            if (*p == '"') {
                p = skip_string(p, e);
                if (!p) return NULL;
                continue;
            }
            if (*p == '{' || *p == '[') depth++;
            if (*p == '}' || *p == ']') {
                if (--depth == 0) return p + 1;
            }
            p++;
        }
        return NULL;
    }
    const char *s = p;
    while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' &&
           *p != '\t')
        p++;
    return p > s ? p : NULL;
}

/* 1 = parsed; 0 = let cJSON decide. */
static int fast_scan(const char *p, size_t len, const char **id, size_t *idlen, const char **method,
                     size_t *mlen, const char **params, size_t *plen)
{
    const char *e = p + len;
    *id = *method = *params = NULL;
    *idlen = *mlen = *plen = 0;
    p = skip_ws(p, e);
    if (p >= e || *p != '{') return 0;
    p = skip_ws(p + 1, e);
    if (p < e && *p == '}') return 0;
    while (p < e) {
        if (*p != '"') return 0;
        const char *k = p + 1;
        const char *ke = skip_string(p, e);
        if (!ke) return 0;
        size_t kl = (size_t)(ke - 1 - k);
        p = skip_ws(ke, e);
        if (p >= e || *p != ':') return 0;
        p = skip_ws(p + 1, e);
        const char *v = p;
        p = skip_value(p, e);
        if (!p) return 0;
        if (kl == 2 && memcmp(k, "id", 2) == 0) {
            *id = v;
            *idlen = (size_t)(p - v);
        } else if (kl == 6 && memcmp(k, "method", 6) == 0) {
            if (*v != '"' || memchr(v, '\\', (size_t)(p - v))) return 0;
            *method = v + 1;
            *mlen = (size_t)(p - v) - 2;
        } else if (kl == 6 && memcmp(k, "params", 6) == 0) {
            *params = v;
            *plen = (size_t)(p - v);
        }
        p = skip_ws(p, e);
        if (p < e && *p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        if (p < e && *p == '}') {
            p = skip_ws(p + 1, e);
            return p == e && *method;
        }
        return 0;
    }
    return 0;
}

static void send_parse_error(mock_node *n, conn *c)
{
    static const char err[] =
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}";
    n->st.answers++;
    queue_frame(c, 0x81, err, sizeof err - 1, 0, MOCK_ACT_NONE);
}

/* Canonical params text (malloc'd). */
static char *canon_params(const cJSON *p)
{
    if (!p) return xstrndup("[]", 2);
    char *s = cJSON_PrintUnformatted(p);
    if (!s) abort();
    return s;
}

static void handle_batch(mock_node *n, conn *c, cJSON *arr)
{
    sbuf out = {0};
    size_t items = 0;
    sb_adds(&out, "[");
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "method");
        if (!cJSON_IsString(m)) continue;
        cJSON *idj = cJSON_GetObjectItemCaseSensitive(it, "id");
        char *params = canon_params(cJSON_GetObjectItemCaseSensitive(it, "params"));
        size_t mlen = strlen(m->valuestring);
        count_request(n, m->valuestring, mlen, params, strlen(params));
        rule *r = idj ? take_rule(n, m->valuestring, mlen) : NULL;
        if (idj && !c->closing && !(r && r->kind == MOCK_SILENT)) {
            char *id = cJSON_PrintUnformatted(idj);
            answer a;
            compute_answer(n, c, m->valuestring, mlen, params, strlen(params), strlen(id), r, &a);
            if (items++) sb_adds(&out, ",");
            sb_add(&out, HEAD, HEAD_LEN);
            sb_adds(&out, id);
            sb_add(&out, a.tail, a.tail_len);
            n->st.answers++;
            free(a.owned.p);
            free(id);
        }
        free_rule(r);
        free(params);
    }
    sb_adds(&out, "]");
    if (items) queue_frame(c, 0x81, out.p, out.len, n->delay_ms * 1000, MOCK_ACT_NONE);
    free(out.p);
}

static void handle_message(mock_node *n, conn *c, const char *msg, size_t len)
{
    const char *id, *method, *params;
    size_t idlen, mlen, plen;
    n->st.messages_received++;
    if (fast_scan(msg, len, &id, &idlen, &method, &mlen, &params, &plen)) {
        const char *ps = params;
        size_t pl = plen;
        if (!ps || (pl == 2 && ps[0] == '[' && ps[1] == ']')) {
            handle_one(n, c, id, idlen, method, mlen, "[]", 2);
            return;
        }
        cJSON *pj = cJSON_ParseWithLength(ps, pl);
        if (pj) {
            char *canon = canon_params(pj);
            cJSON_Delete(pj);
            handle_one(n, c, id, idlen, method, mlen, canon, strlen(canon));
            free(canon);
            return;
        }
        send_parse_error(n, c);
        return;
    }
    cJSON *j = cJSON_ParseWithLength(msg, len);
    if (!j) {
        send_parse_error(n, c);
        return;
    }
    if (cJSON_IsArray(j)) {
        handle_batch(n, c, j);
    } else {
        cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "method");
        cJSON *idj = cJSON_GetObjectItemCaseSensitive(j, "id");
        if (!cJSON_IsString(m)) {
            send_parse_error(n, c);
        } else {
            char *canon = canon_params(cJSON_GetObjectItemCaseSensitive(j, "params"));
            char *idt = idj ? cJSON_PrintUnformatted(idj) : NULL;
            handle_one(n, c, idt, idt ? strlen(idt) : 0, m->valuestring, strlen(m->valuestring),
                       canon, strlen(canon));
            free(idt);
            free(canon);
        }
    }
    cJSON_Delete(j);
}

/* ---- lws glue ----------------------------------------------------------------------------------
 */
struct pss {
    conn *c;
};

static void sul_cb(lws_sorted_usec_list_t *sul)
{
    conn *c = lws_container_of(sul, conn, sul);
    mock_node *n = c->node;
    pthread_mutex_lock(&n->mu);
    wake_conn(c);
    pthread_mutex_unlock(&n->mu);
}

static void flush_cb(lws_sorted_usec_list_t *sul)
{
    conn *c = lws_container_of(sul, conn, flush_sul);
    mock_node *n = c->node;
    pthread_mutex_lock(&n->mu);
    c->flush_armed = 0;
    if (c->ready_len && !c->drop_now && !lws_partial_buffered(c->wsi)) {
        /* the read batch is done: write every answer it produced in one go, without waiting
         * for a writeable round trip (lws buffers any part the socket does not take) */
        size_t len = c->ready_len;
        c->ready_len = 0;
        if (lws_write(c->wsi, c->ready + LWS_PRE, len, LWS_WRITE_RAW) < 0) c->drop_now = 1;
    }
    if (c->ready_len || c->head || c->drop_now || c->close_pending) wake_conn(c);
    pthread_mutex_unlock(&n->mu);
}

static void drop_socket(conn *c)
{
    int fd = lws_get_socket_fd(c->wsi);
    if (fd >= 0) shutdown(fd, SHUT_RDWR);
}

static void conn_free(mock_node *n, conn *c)
{
    lws_sul_cancel(&c->sul);
    lws_sul_cancel(&c->flush_sul);
    if (c->prev)
        c->prev->next = c->next;
    else if (n->conns == c)
        n->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    for (sub **pp = &n->subs; *pp;) {
        if ((*pp)->c == c) {
            sub *s = *pp;
            *pp = s->next;
            free(s);
        } else {
            pp = &(*pp)->next;
        }
    }
    free_items(c->head);
    free_items(c->held);
    free(c->ready);
    free(c->rx.p);
    free(c);
    if (n->st.connections_open) n->st.connections_open--;
    pthread_cond_broadcast(&n->cv);
}

static int on_writeable(mock_node *n, conn *c)
{
    if (c->drop_now) {
        drop_socket(c);
        return -1;
    }
    if (c->ready_len) {
        size_t len = c->ready_len;
        c->ready_len = 0;
        int w = lws_write(c->wsi, c->ready + LWS_PRE, len, LWS_WRITE_RAW);
        if (w < 0) return -1;
        if (c->head || c->close_pending) wake_conn(c);
        /* keep the buffer from growing without bound after one huge burst */
        if (c->ready_cap > ((size_t)4 << 20)) {
            free(c->ready);
            c->ready = NULL;
            c->ready_cap = 0;
        }
        return 0;
    }
    if (c->head) {
        outitem *it = c->head;
        int64_t now = now_us();
        if (it->not_before > now) {
            lws_sul_schedule(lws_get_context(c->wsi), 0, &c->sul, sul_cb, it->not_before - now);
            return 0;
        }
        c->head = it->next;
        if (!c->head) c->tail = NULL;
        int w = lws_write(c->wsi, it->mem + LWS_PRE, it->len, LWS_WRITE_RAW);
        int action = it->action;
        free(it->mem);
        free(it);
        if (w < 0) return -1;
        if (action == MOCK_ACT_DROP) {
            drop_socket(c);
            return -1;
        }
        if (action == MOCK_ACT_CLOSE) c->close_pending = 1;
        if (c->head || c->ready_len || c->close_pending) wake_conn(c);
        return 0;
    }
    if (c->close_pending) {
        /* Graceful close: a close frame (1001 going away) after every answer, then FIN; keep
         * reading (and ignoring) until the peer closes, so that no RST destroys answers the
         * peer has not read yet. lws ends it after 3 s at the latest. */
        if (!c->fin_sent) {
            uint8_t buf[LWS_PRE + 4];
            static const uint8_t cf[4] = {0x88, 0x02, 0x03, 0xe9};
            memcpy(buf + LWS_PRE, cf, sizeof cf);
            c->fin_sent = 1;
            if (lws_write(c->wsi, buf + LWS_PRE, sizeof cf, LWS_WRITE_RAW) < 0) return -1;
            if (lws_partial_buffered(c->wsi)) {
                wake_conn(c);
                return 0;
            }
        }
        int fd = lws_get_socket_fd(c->wsi);
        if (fd >= 0) shutdown(fd, SHUT_WR);
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_ACK, 3);
        c->close_pending = 0;
        return 0;
    }
    return 0;
}

static int mock_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    struct pss *pss = user;
    struct lws_context *ctx = wsi ? lws_get_context(wsi) : NULL;
    mock_node *n = ctx ? lws_context_user(ctx) : NULL;
    int ret = 0;
    if (!n) return 0;

    switch (reason) {
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
        pthread_mutex_lock(&n->mu);
        if (n->refuse) {
            n->st.connections_refused++;
            ret = 1;
        }
        pthread_mutex_unlock(&n->mu);
        return ret;
    case LWS_CALLBACK_ESTABLISHED: {
        conn *c = calloc(1, sizeof *c);
        if (!c) abort();
        c->wsi = wsi;
        c->node = n;
        pss->c = c;
        pthread_mutex_lock(&n->mu);
        c->next = n->conns;
        if (n->conns) n->conns->prev = c;
        n->conns = c;
        n->st.connections_accepted++;
        n->st.connections_open++;
        if (n->refuse) { /* refused after the accept filter ran (race): drop */
            c->drop_now = 1;
            wake_conn(c);
        }
        pthread_cond_broadcast(&n->cv);
        pthread_mutex_unlock(&n->mu);
        return 0;
    }
    case LWS_CALLBACK_RECEIVE: {
        conn *c = pss->c;
        unsigned stall_ms = 0;
        if (!c) return -1;
        pthread_mutex_lock(&n->mu);
        int complete = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);
        size_t cap = n->opts.max_rx_bytes;
        if (!c->rx_overflow && c->rx.len + len > cap) {
            c->rx_overflow = 1;
        }
        if (complete && c->rx.len == 0 && !c->rx_overflow) {
            handle_message(n, c, in, len);
        } else if (!c->rx_overflow) {
            sb_add(&c->rx, in, len);
            if (complete) {
                handle_message(n, c, c->rx.p, c->rx.len);
                c->rx.len = 0;
            }
        }
        if (complete) {
            c->rx_overflow = 0;
            c->rx.len = 0;
            c->rx_msgs++;
            if (n->stall_every && c->rx_msgs % n->stall_every == 0) stall_ms = n->stall_ms;
        }
        if (c->ready_len && !c->head && !c->drop_now) {
            if (!c->flush_armed) {
                c->flush_armed = 1;
                lws_sul_schedule(lws_get_context(wsi), 0, &c->flush_sul, flush_cb, 0);
            }
        } else if (c->ready_len || c->head || c->drop_now) {
            wake_conn(c);
        }
        pthread_mutex_unlock(&n->mu);
        if (stall_ms) { /* read stall: the server thread neither reads nor writes meanwhile */
            struct timespec ts = {(time_t)(stall_ms / 1000), (long)(stall_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        conn *c = pss->c;
        if (!c) return -1;
        pthread_mutex_lock(&n->mu);
        ret = on_writeable(n, c);
        pthread_mutex_unlock(&n->mu);
        return ret;
    }
    case LWS_CALLBACK_CLOSED: {
        conn *c = pss ? pss->c : NULL;
        if (!c) return 0;
        pthread_mutex_lock(&n->mu);
        conn_free(n, c);
        pss->c = NULL;
        pthread_mutex_unlock(&n->mu);
        return 0;
    }
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        pthread_mutex_lock(&n->mu);
        for (conn *c = n->conns; c; c = c->next)
            if (c->ready_len || c->head || c->drop_now || c->close_pending) wake_conn(c);
        pthread_mutex_unlock(&n->mu);
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static void *service_main(void *arg)
{
    mock_node *n = arg;
    struct lws_context *ctx;
    pthread_mutex_lock(&n->mu);
    ctx = n->ctx;
    pthread_mutex_unlock(&n->mu);
    while (!atomic_load(&n->stopping)) {
        if (lws_service(ctx, 0) < 0) break;
    }
    return NULL;
}

static int node_listen(mock_node *n, int port)
{
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    int tls = n->tls_cert && n->tls_key;
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DISABLE_IPV6;
    if (tls) info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.gid = -1;
    info.uid = -1;
    info.user = n;
    info.pt_serv_buf_size = 65536;
    struct lws_context *ctx = lws_create_context(&info);
    if (!ctx) return -1;
    memset(&info, 0, sizeof info);
    info.port = port;
    info.iface = "127.0.0.1";
    info.protocols = n->protocols;
    info.pvo = &n->pvo;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    if (tls) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = n->tls_cert;
        info.ssl_private_key_filepath = n->tls_key;
    }
    info.user = n;
#ifdef MOCK_LSAN
    if (tls) __lsan_disable();
#endif
    struct lws_vhost *vh = lws_create_vhost(ctx, &info);
#ifdef MOCK_LSAN
    if (tls) __lsan_enable();
#endif
    if (!vh) {
        lws_context_destroy(ctx);
        return -1;
    }
    int real = lws_get_vhost_listen_port(vh);
    if (real <= 0) {
        lws_context_destroy(ctx);
        return -1;
    }
    pthread_mutex_lock(&n->mu);
    n->ctx = ctx;
    n->port = real;
    snprintf(n->url, sizeof n->url, "%s://127.0.0.1:%d", tls ? "wss" : "ws", real);
    atomic_store(&n->stopping, 0);
    pthread_mutex_unlock(&n->mu);
    if (pthread_create(&n->thread, NULL, service_main, n) != 0) {
        pthread_mutex_lock(&n->mu);
        n->ctx = NULL;
        pthread_mutex_unlock(&n->mu);
        lws_context_destroy(ctx);
        return -1;
    }
    n->running = 1;
    return 0;
}

int mock_node_pause(mock_node *n)
{
    if (!n || !n->running) return -1;
    pthread_mutex_lock(&n->mu);
    struct lws_context *ctx = n->ctx;
    n->ctx = NULL;
    atomic_store(&n->stopping, 1);
    pthread_mutex_unlock(&n->mu);
    lws_cancel_service(ctx);
    pthread_join(n->thread, NULL);
    lws_context_destroy(ctx);
    n->running = 0;
    pthread_mutex_lock(&n->mu);
    /* connections are gone; their subscriptions and held answers went with them */
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
    return 0;
}

int mock_node_resume(mock_node *n)
{
    if (!n || n->running) return -1;
    for (int i = 0; i < 100; i++) { /* the port may linger for a moment */
        if (node_listen(n, n->port) == 0) return 0;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return -1;
}

int mock_node_restart(mock_node *n)
{
    if (mock_node_pause(n) != 0) return -1;
    return mock_node_resume(n);
}

int mock_node_load_replay(mock_node *n, const char *path, const char *test)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int added = 0;
    pthread_mutex_lock(&n->mu);
    while ((got = getline(&line, &cap, f)) > 0) {
        cJSON *j = cJSON_ParseWithLength(line, (size_t)got);
        if (!j) continue;
        cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "test");
        cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "method");
        cJSON *resp = cJSON_GetObjectItemCaseSensitive(j, "response");
        if (!cJSON_IsString(m) || !resp ||
            (test && (!cJSON_IsString(t) || strcmp(t->valuestring, test) != 0))) {
            cJSON_Delete(j);
            continue;
        }
        char *params = canon_params(cJSON_GetObjectItemCaseSensitive(j, "params"));
        sbuf k = {0};
        sb_adds(&k, m->valuestring);
        sb_add(&k, "", 1);
        sb_adds(&k, params);
        free(params);
        if (sm_find(&n->replay, k.p, k.len)) { /* first recording wins */
            free(k.p);
            cJSON_Delete(j);
            continue;
        }
        cJSON *cyc = cJSON_GetObjectItemCaseSensitive(resp, "__cycle__");
        size_t cnt = cJSON_IsArray(cyc) ? (size_t)cJSON_GetArraySize(cyc) : 1;
        if (cnt == 0) {
            free(k.p);
            cJSON_Delete(j);
            continue;
        }
        replay *rp = calloc(1, sizeof *rp);
        if (!rp) abort();
        rp->n = cnt;
        rp->tails = calloc(cnt, sizeof *rp->tails);
        rp->lens = calloc(cnt, sizeof *rp->lens);
        if (!rp->tails || !rp->lens) abort();
        for (size_t i = 0; i < cnt; i++) {
            cJSON *r = cJSON_IsArray(cyc) ? cJSON_GetArrayItem(cyc, (int)i) : resp;
            cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
            cJSON *res = cJSON_GetObjectItemCaseSensitive(r, "result");
            sbuf tb = {0};
            char *txt = (err || res) ? cJSON_PrintUnformatted(err ? err : res) : NULL;
            sb_adds(&tb, err ? ",\"error\":" : ",\"result\":");
            sb_adds(&tb, txt ? txt : "null");
            sb_adds(&tb, "}");
            free(txt);
            rp->tails[i] = tb.p;
            rp->lens[i] = tb.len;
        }
        sm_get(&n->replay, k.p, k.len)->val = rp;
        free(k.p);
        added++;
        cJSON_Delete(j);
    }
    pthread_mutex_unlock(&n->mu);
    free(line);
    fclose(f);
    return added;
}

mock_node *mock_node_start(const mock_node_opts *opts)
{
    mock_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_settype(&at, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&n->mu, &at);
    pthread_mutexattr_destroy(&at);
    pthread_cond_init(&n->cv, NULL);
    if (opts) n->opts = *opts;
    if (!n->opts.max_rx_bytes) n->opts.max_rx_bytes = (size_t)64 << 20;
    n->opts.replay_path = NULL;
    n->opts.replay_test = NULL;
    n->opts.tls_cert_path = NULL;
    n->opts.tls_key_path = NULL;
    if (opts && opts->tls_cert_path && opts->tls_key_path) {
        n->tls_cert = strdup(opts->tls_cert_path);
        n->tls_key = strdup(opts->tls_key_path);
        if (!n->tls_cert || !n->tls_key) {
            mock_node_stop(n);
            return NULL;
        }
    }
    n->protocols[0].name = "mock-jsonrpc";
    n->protocols[0].callback = mock_cb;
    n->protocols[0].per_session_data_size = sizeof(struct pss);
    n->protocols[0].rx_buffer_size = 65536;
    n->pvo_default.name = "default";
    n->pvo_default.value = "1";
    n->pvo.name = "mock-jsonrpc";
    n->pvo.value = "";
    n->pvo.options = &n->pvo_default;
    signal(SIGPIPE, SIG_IGN); /* writes to half-closed peers must not kill the test */
    static atomic_int log_set;
    if (!atomic_exchange(&log_set, 1) && !getenv("MOCK_NODE_LWS_LOG"))
        lws_set_log_level(LLL_ERR, NULL);
    if (opts && opts->replay_path &&
        mock_node_load_replay(n, opts->replay_path, opts->replay_test) < 0) {
        mock_node_stop(n);
        return NULL;
    }
    if (node_listen(n, opts ? opts->port : 0) != 0) {
        mock_node_stop(n);
        return NULL;
    }
    return n;
}

void mock_node_stop(mock_node *n)
{
    if (!n) return;
    if (n->running) mock_node_pause(n);
    for (rule *r = n->rules, *nx; r; r = nx) {
        nx = r->next;
        r->remaining = 0;
        free_rule(r);
    }
    for (sub *s = n->subs, *nx; s; s = nx) {
        nx = s->next;
        free(s);
    }
    sm_free(&n->replay, replay_free);
    sm_free(&n->methods, NULL);
    sm_free(&n->params, NULL);
    free(n->sub_initial);
    free(n->tls_cert);
    free(n->tls_key);
    pthread_cond_destroy(&n->cv);
    pthread_mutex_destroy(&n->mu);
    free(n);
}

int mock_node_port(const mock_node *n)
{
    return n ? n->port : -1;
}

const char *mock_node_url(const mock_node *n)
{
    return n ? n->url : NULL;
}

/* ---- control -----------------------------------------------------------------------------------
 */
static void kick(mock_node *n)
{
    if (n->ctx) lws_cancel_service(n->ctx);
}

int mock_node_fault(mock_node *n, const mock_fault *f)
{
    if (!n || !f || !f->kind) return -1;
    rule *r = calloc(1, sizeof *r);
    if (!r) return -1;
    r->kind = f->kind;
    r->method = f->method ? strdup(f->method) : NULL;
    r->remaining = f->count ? f->count : 1;
    r->arg = f->arg;
    r->code = f->rpc_code;
    r->text = f->text ? strdup(f->text) : NULL;
    pthread_mutex_lock(&n->mu);
    if (n->rules_tail)
        n->rules_tail->next = r;
    else
        n->rules = r;
    n->rules_tail = r;
    pthread_mutex_unlock(&n->mu);
    return 0;
}

void mock_node_clear_faults(mock_node *n)
{
    pthread_mutex_lock(&n->mu);
    for (rule *r = n->rules, *nx; r; r = nx) {
        nx = r->next;
        r->remaining = 0;
        free_rule(r);
    }
    n->rules = n->rules_tail = NULL;
    /* release held answers in arrival order */
    for (conn *c = n->conns; c; c = c->next) {
        outitem *rev = NULL;
        while (c->held) {
            outitem *it = c->held;
            c->held = it->next;
            it->next = rev;
            rev = it;
        }
        c->held = rev;
    }
    release_held(n);
    kick(n);
    pthread_mutex_unlock(&n->mu);
}

void mock_node_set_close_every(mock_node *n, unsigned every)
{
    pthread_mutex_lock(&n->mu);
    n->close_every = every;
    n->answer_seq = 0;
    pthread_mutex_unlock(&n->mu);
}

void mock_node_set_delay(mock_node *n, unsigned ms)
{
    pthread_mutex_lock(&n->mu);
    n->delay_ms = ms;
    pthread_mutex_unlock(&n->mu);
}

void mock_node_set_read_stall(mock_node *n, unsigned every, unsigned ms)
{
    pthread_mutex_lock(&n->mu);
    n->stall_every = ms ? every : 0;
    n->stall_ms = ms;
    pthread_mutex_unlock(&n->mu);
}

void mock_node_set_refuse(mock_node *n, int refuse)
{
    pthread_mutex_lock(&n->mu);
    n->refuse = refuse;
    pthread_mutex_unlock(&n->mu);
}

void mock_node_drop_all(mock_node *n)
{
    pthread_mutex_lock(&n->mu);
    for (conn *c = n->conns; c; c = c->next) {
        if (!c->drop_now) n->st.drops++;
        c->drop_now = 1;
        c->closing = 1;
    }
    kick(n);
    pthread_mutex_unlock(&n->mu);
}

int mock_node_send_raw(mock_node *n, const char *data, size_t len)
{
    int reached = 0;
    pthread_mutex_lock(&n->mu);
    for (conn *c = n->conns; c; c = c->next) {
        if (c->closing) continue;
        queue_frame(c, 0x81, data, len, 0, MOCK_ACT_NONE);
        reached++;
    }
    kick(n);
    pthread_mutex_unlock(&n->mu);
    return reached;
}

int mock_node_notify(mock_node *n, const char *sub_method, const char *result_json)
{
    int sent = 0;
    pthread_mutex_lock(&n->mu);
    for (sub *s = n->subs; s; s = s->next) {
        if (sub_method && strcmp(SUBS[s->kind].sub, sub_method) != 0) continue;
        if (s->c->closing) continue;
        sbuf b = {0};
        notif_payload(&b, SUBS[s->kind].notif, s->id, result_json);
        queue_frame(s->c, 0x81, b.p, b.len, 0, MOCK_ACT_NONE);
        free(b.p);
        n->st.notifications++;
        sent++;
    }
    kick(n);
    pthread_mutex_unlock(&n->mu);
    return sent;
}

void mock_node_set_sub_initial(mock_node *n, const char *result_json, unsigned count,
                               int before_reply)
{
    pthread_mutex_lock(&n->mu);
    free(n->sub_initial);
    n->sub_initial = result_json && count ? strdup(result_json) : NULL;
    n->sub_initial_count = n->sub_initial ? count : 0;
    n->sub_initial_before = before_reply;
    pthread_mutex_unlock(&n->mu);
}

unsigned mock_node_subscriptions(mock_node *n)
{
    unsigned k = 0;
    pthread_mutex_lock(&n->mu);
    for (sub *s = n->subs; s; s = s->next)
        k++;
    pthread_mutex_unlock(&n->mu);
    return k;
}

void mock_node_get_stats(mock_node *n, mock_node_stats *out)
{
    pthread_mutex_lock(&n->mu);
    *out = n->st;
    pthread_mutex_unlock(&n->mu);
}

static uint64_t requests_locked(mock_node *n, const char *method)
{
    if (!method) return n->st.requests;
    sment *e = sm_find(&n->methods, method, strlen(method));
    return e ? e->count : 0;
}

uint64_t mock_node_requests(mock_node *n, const char *method)
{
    pthread_mutex_lock(&n->mu);
    uint64_t v = requests_locked(n, method);
    pthread_mutex_unlock(&n->mu);
    return v;
}

uint64_t mock_node_requests_params(mock_node *n, const char *method, const char *params_json)
{
    cJSON *p = params_json ? cJSON_Parse(params_json) : NULL;
    char *canon = canon_params(p);
    cJSON_Delete(p);
    sbuf k = {0};
    sb_adds(&k, method);
    sb_add(&k, "", 1);
    sb_adds(&k, canon);
    free(canon);
    pthread_mutex_lock(&n->mu);
    sment *e = sm_find(&n->params, k.p, k.len);
    uint64_t v = e ? e->count : 0;
    pthread_mutex_unlock(&n->mu);
    free(k.p);
    return v;
}

/* The mock_node_wait_* timeouts are how long a test is willing to wait: multiplied by
 * BTQ_TEST_TIME_SCALE (see btq_test_ms in btq_test.h; inline here because the benchmarks
 * include this file without the test support library). */
static void deadline_after(struct timespec *ts, int timeout_ms)
{
    const char *scale = getenv("BTQ_TEST_TIME_SCALE");
    long f = scale ? strtol(scale, NULL, 10) : 1;
    if (f > 1 && f <= 1000) timeout_ms = (int)(timeout_ms * f > INT_MAX ? INT_MAX : timeout_ms * f);
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += timeout_ms / 1000;
    ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int mock_node_wait_requests(mock_node *n, const char *method, uint64_t count, int timeout_ms)
{
    struct timespec ts;
    deadline_after(&ts, timeout_ms);
    int rc = 0;
    pthread_mutex_lock(&n->mu);
    while (requests_locked(n, method) < count) {
        n->waiters++;
        int w = pthread_cond_timedwait(&n->cv, &n->mu, &ts);
        n->waiters--;
        if (w == ETIMEDOUT) {
            rc = requests_locked(n, method) >= count ? 0 : -1;
            break;
        }
    }
    pthread_mutex_unlock(&n->mu);
    return rc;
}

int mock_node_wait_connections(mock_node *n, uint64_t count, int timeout_ms)
{
    struct timespec ts;
    deadline_after(&ts, timeout_ms);
    int rc = 0;
    pthread_mutex_lock(&n->mu);
    while (n->st.connections_accepted < count) {
        n->waiters++;
        int w = pthread_cond_timedwait(&n->cv, &n->mu, &ts);
        n->waiters--;
        if (w == ETIMEDOUT) {
            rc = n->st.connections_accepted >= count ? 0 : -1;
            break;
        }
    }
    pthread_mutex_unlock(&n->mu);
    return rc;
}

int mock_node_wait_open(mock_node *n, uint64_t count, int timeout_ms)
{
    struct timespec ts;
    deadline_after(&ts, timeout_ms);
    int rc = 0;
    pthread_mutex_lock(&n->mu);
    while (n->st.connections_open != count) {
        n->waiters++;
        int w = pthread_cond_timedwait(&n->cv, &n->mu, &ts);
        n->waiters--;
        if (w == ETIMEDOUT) {
            rc = n->st.connections_open == count ? 0 : -1;
            break;
        }
    }
    pthread_mutex_unlock(&n->mu);
    return rc;
}
