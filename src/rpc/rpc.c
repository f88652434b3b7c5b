/* Connection manager: one websocket per handle, owned by one loop thread (or by the caller of
 * btq_rpc_poll in manual mode). Submissions from any thread go through a locked inbox and wake
 * the loop with lws_cancel_service (the only cross-thread lws call). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "btq/error.h"
#include "btq/rpc.h"
#include "btq/scale.h" /* btq_malloc / btq_calloc / btq_realloc / btq_free only */
#include "rpc/json_alloc.h"
#include "rpc/jsonrpc.h"
#include "rpc/rpc_internal.h"
#include "rpc/rpc_util.h"
#include "rpc/ws_client_frames.h"

#define ST_ADD(rpc, f, v) __atomic_fetch_add(&(rpc)->st.f, (uint64_t)(v), __ATOMIC_RELAXED)
#define ST_SET(rpc, f, v) __atomic_store_n(&(rpc)->st.f, (uint64_t)(v), __ATOMIC_RELAXED)
#define ST_GET(rpc, f) __atomic_load_n(&(rpc)->st.f, __ATOMIC_RELAXED)

enum { K_CALL = 0, K_SUB = 1, K_UNSUB = 2, K_UNSUB_CMD = 3 };
enum { R_INBOX = 0, R_QUEUED = 1, R_INFLIGHT = 2 };
enum { C_IDLE = 0, C_CONNECTING = 1, C_OPEN = 2, C_BACKOFF = 3, C_CLOSING = 4 };
enum { S_PENDING = 0, S_ACTIVE = 1, S_ZOMBIE = 2 };

typedef struct sub sub;
typedef struct batch batch;

typedef struct req {
    uint64_t id;
    struct req *dl_prev, *dl_next; /* deadline list (every live request, submission order) */
    struct req *q_prev, *q_next;   /* send queue / inbox */
    struct req *h_next;            /* in-flight hash chain */
    unsigned char *buf;            /* request text (NUL-terminated) */
    size_t len, params_off, method_len;
    btq_rpc_cb cb;
    void *user;
    int64_t deadline_us; /* 0 = none */
    uint32_t attempts;   /* failed connection rounds seen */
    uint8_t state, kind, nonidem, dropped;
    uint8_t inline_buf; /* buf lives in the same allocation, right after the struct */
    sub *sub;
    batch *batch;
    uint64_t target; /* K_UNSUB_CMD: local sub id */
} req;

struct batch {
    unsigned char *buf;
    size_t len, n;
    req **items;
};

struct sub {
    uint64_t local_id;
    sub *prev, *next;
    char *key; /* raw JSON token of the node's subscription id */
    size_t key_len;
    char *unsub_method;
    btq_rpc_cb cb;
    void *user;
    int state;
    int unsub_requested;      /* caller asked (guarded by lock) */
    sub *reg_prev, *reg_next; /* registry of live subscriptions (guarded by lock) */
    int in_reg;
    req *sub_req;
};

typedef struct early {
    struct early *next;
    char *key;
    size_t key_len;
    char *result;
    size_t result_len;
} early;

struct btq_rpc {
    btq_rpc_options opt;
    btq_url *urls;
    char **url_text;
    size_t n_urls, url_idx;
    FILE *rec;

    struct lws_context *ctx;
    struct lws *wsi;
    int cstate;
    int want_write; /* a WRITEABLE callback is already requested on rpc->wsi */
    int closing_idle, kill_conn, attempt_handled, ever_connected, reconnecting;
    int drop_status;
    unsigned fail_rounds;
    uint32_t bad_count;
    int last_conn_err;
    int tls_verify_failed;                 /* the certificate check of the current attempt failed */
    char last_conn_msg[BTQ_ERROR_MSG_MAX]; /* why the last attempt failed (BTQ_ETLS detail) */
    btq_msgbuf mb;
    unsigned char *wbuf;
    size_t wcap;
    size_t woff, wpend; /* ws:// only: wpend bytes at wbuf + LWS_PRE + woff not yet sent */
    uint64_t rng;

    /* ws:// connections: the websocket protocol is spoken here over an lws raw socket (lws
     * 4.1's client parser costs a function call per received byte); wss:// uses lws' ws role. */
    int raw;            /* the current connection is a raw one */
    int hs_state;       /* HS_* below */
    char hs_accept[32]; /* the Sec-WebSocket-Accept the server must answer */
    char hs_buf[4096];  /* the server's handshake answer so far */
    size_t hs_len;
    btq_ws_rx rx;            /* the server's frames (rpc/ws_client_frames.h) */
    unsigned char pong[125]; /* pong owed to the server */
    size_t pong_len;
    int pong_pending;

    lws_sorted_usec_list_t sul_connect, sul_backoff, sul_deadline, sul_idle, sul_poll;
    int64_t deadline_armed_us;

    /* loop-owned request state */
    req *dl_head, *dl_tail;
    req *q_head, *q_tail;
    req **htab;
    size_t hmask, inflight, queued;
    sub *subs; /* subscriptions known to the loop (loop thread only) */
    early *early_head;
    size_t early_count, early_bytes;

    /* shared with other threads (lock) */
    pthread_mutex_t lock;
    req *in_head, *in_tail;
    sub *reg; /* live (not yet final) subscriptions, for btq_rpc_unsubscribe */
    uint64_t next_id, next_sub_id;
    int closed;
    volatile int stop;
    pthread_t thread;
    int has_thread;
    int destroying;

    btq_rpc_stats st;
};

static _Thread_local const btq_rpc *tl_loop;

static void rpc_log(btq_rpc *rpc, int level, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void rpc_log(btq_rpc *rpc, int level, const char *fmt, ...)
{
    if (!rpc->opt.log || level > rpc->opt.log_level) return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    rpc->opt.log(level, line, rpc->opt.log_user);
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double rnd(btq_rpc *rpc)
{
    rpc->rng ^= rpc->rng << 13;
    rpc->rng ^= rpc->rng >> 7;
    rpc->rng ^= rpc->rng << 17;
    return (double)(rpc->rng >> 11) / 9007199254740992.0;
}

int btq_rpc_is_manual_(const btq_rpc *rpc)
{
    return rpc && rpc->opt.manual_poll;
}
int btq_rpc_on_loop_(const btq_rpc *rpc)
{
    return rpc && tl_loop == rpc;
}

void btq_rpc_options_init(btq_rpc_options *opt)
{
    if (!opt) return;
    memset(opt, 0, sizeof *opt);
    opt->request_timeout_ms = 60000;
    opt->connect_timeout_ms = 10000;
    opt->idle_timeout_ms = 10000;
    opt->backoff_initial_ms = 100;
    opt->backoff_max_ms = 10000;
    opt->max_attempts = 5;
    opt->max_in_flight = 1024;
    opt->max_message_bytes = (size_t)16 << 20;
    opt->max_bad_messages = 100;
    opt->log_level = BTQ_RPC_LOG_WARN;
}

static char *dupstr(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = btq_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---- request bookkeeping (loop thread) ---------------------------------------------------- */
static void req_free(req *r)
{
    if (!r) return;
    if (!r->inline_buf) btq_free(r->buf);
    btq_free(r);
}

static void dl_remove(btq_rpc *rpc, req *r)
{
    if (r->dl_prev)
        r->dl_prev->dl_next = r->dl_next;
    else if (rpc->dl_head == r)
        rpc->dl_head = r->dl_next;
    if (r->dl_next)
        r->dl_next->dl_prev = r->dl_prev;
    else if (rpc->dl_tail == r)
        rpc->dl_tail = r->dl_prev;
    r->dl_prev = r->dl_next = NULL;
}

static void q_remove(btq_rpc *rpc, req *r)
{
    if (r->q_prev)
        r->q_prev->q_next = r->q_next;
    else
        rpc->q_head = r->q_next;
    if (r->q_next)
        r->q_next->q_prev = r->q_prev;
    else
        rpc->q_tail = r->q_prev;
    r->q_prev = r->q_next = NULL;
    rpc->queued--;
}

static void q_push_back(btq_rpc *rpc, req *r)
{
    r->q_next = NULL;
    r->q_prev = rpc->q_tail;
    if (rpc->q_tail)
        rpc->q_tail->q_next = r;
    else
        rpc->q_head = r;
    rpc->q_tail = r;
    r->state = R_QUEUED;
    rpc->queued++;
}

static void q_push_front(btq_rpc *rpc, req *r)
{
    r->q_prev = NULL;
    r->q_next = rpc->q_head;
    if (rpc->q_head)
        rpc->q_head->q_prev = r;
    else
        rpc->q_tail = r;
    rpc->q_head = r;
    r->state = R_QUEUED;
    rpc->queued++;
}

static int h_grow(btq_rpc *rpc)
{
    size_t nsz = rpc->htab ? (rpc->hmask + 1) * 2 : 1024;
    req **nt = btq_calloc(nsz, sizeof *nt);
    if (!nt) return BTQ_ENOMEM;
    if (rpc->htab) {
        for (size_t i = 0; i <= rpc->hmask; i++) {
            req *r = rpc->htab[i];
            while (r) {
                req *nx = r->h_next;
                size_t b = (size_t)r->id & (nsz - 1);
                r->h_next = nt[b];
                nt[b] = r;
                r = nx;
            }
        }
        btq_free(rpc->htab);
    }
    rpc->htab = nt;
    rpc->hmask = nsz - 1;
    return 0;
}

static void h_insert(btq_rpc *rpc, req *r)
{
    if (!rpc->htab || rpc->inflight >= (rpc->hmask + 1) * 2) h_grow(rpc); /* ENOMEM: chains */
    size_t b = (size_t)r->id & rpc->hmask;
    r->h_next = rpc->htab[b];
    rpc->htab[b] = r;
    r->state = R_INFLIGHT;
    rpc->inflight++;
}

static req *h_take(btq_rpc *rpc, uint64_t id)
{
    if (!rpc->htab) return NULL;
    req **pp = &rpc->htab[(size_t)id & rpc->hmask];
    for (; *pp; pp = &(*pp)->h_next) {
        if ((*pp)->id == id) {
            req *r = *pp;
            *pp = r->h_next;
            r->h_next = NULL;
            rpc->inflight--;
            return r;
        }
    }
    return NULL;
}

static void publish_counts(btq_rpc *rpc)
{
    ST_SET(rpc, in_flight, rpc->inflight);
    ST_SET(rpc, queued, rpc->queued);
}

/* Dissolve a not-yet-written batch: its members go as single frames. */
static void batch_dissolve(batch *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i]) b->items[i]->batch = NULL;
    btq_free(b->items);
    btq_free(b->buf);
    btq_free(b);
}

/* Unlink r from every structure (not freed). */
static void req_detach(btq_rpc *rpc, req *r)
{
    if (r->state == R_QUEUED)
        q_remove(rpc, r);
    else if (r->state == R_INFLIGHT)
        h_take(rpc, r->id);
    if (r->batch) batch_dissolve(r->batch);
    dl_remove(rpc, r);
}

static void set_err(btq_error *e, int code, const char *msg)
{
    memset(e, 0, sizeof *e);
    e->code = code;
    snprintf(e->message, sizeof e->message, "%s", msg ? msg : btq_strerror(code));
}

/* ---- subscriptions ------------------------------------------------------------------------ */
static void reg_remove(btq_rpc *rpc, sub *s)
{
    pthread_mutex_lock(&rpc->lock);
    if (s->in_reg) {
        if (s->reg_prev)
            s->reg_prev->reg_next = s->reg_next;
        else
            rpc->reg = s->reg_next;
        if (s->reg_next) s->reg_next->reg_prev = s->reg_prev;
        s->in_reg = 0;
    }
    pthread_mutex_unlock(&rpc->lock);
}

static void sub_unlink_free(btq_rpc *rpc, sub *s)
{
    reg_remove(rpc, s);
    if (s->prev)
        s->prev->next = s->next;
    else if (rpc->subs == s)
        rpc->subs = s->next;
    if (s->next) s->next->prev = s->prev;
    btq_free(s->key);
    btq_free(s->unsub_method);
    btq_free(s);
}

static void sub_final(btq_rpc *rpc, sub *s, int status, const btq_error *detail)
{
    btq_error e;
    if (detail)
        e = *detail;
    else
        set_err(&e, status, NULL);
    if (s->state != S_ZOMBIE) {
        s->state = S_ZOMBIE;
        reg_remove(rpc, s);
        ST_ADD(rpc, subscriptions, (uint64_t)-1);
        s->cb(status, NULL, 0, &e, s->user);
    }
}

static void early_clear(btq_rpc *rpc)
{
    while (rpc->early_head) {
        early *x = rpc->early_head;
        rpc->early_head = x->next;
        btq_free(x->key);
        btq_free(x->result);
        btq_free(x);
    }
    rpc->early_count = 0;
    rpc->early_bytes = 0;
}

static int any_pending_sub(btq_rpc *rpc)
{
    for (sub *s = rpc->subs; s; s = s->next)
        if (s->state == S_PENDING) return 1;
    return 0;
}

/* ---- completion --------------------------------------------------------------------------- */
static int enqueue_unsub(btq_rpc *rpc, sub *s);

static void record(btq_rpc *rpc, const req *r, const char *kind, btq_jr_span v)
{
    if (!rpc->rec) return;
    const char *t = (const char *)r->buf;
    fputs("{\"method\":\"", rpc->rec);
    fwrite(t + (r->params_off - 10 - r->method_len - 1), 1, r->method_len, rpc->rec);
    fputs("\",\"params\":", rpc->rec);
    fwrite(t + r->params_off, 1, r->len - r->params_off - 1, rpc->rec);
    fprintf(rpc->rec, ",\"response\":{\"%s\":", kind);
    fwrite(v.p, 1, v.n, rpc->rec);
    fputs("}}\n", rpc->rec);
    fflush(rpc->rec);
}

/* Finish r with an error status (r already detached); frees r. */
static void req_fail(btq_rpc *rpc, req *r, int status, const btq_error *detail)
{
    btq_error e;
    if (detail)
        e = *detail;
    else
        set_err(&e, status, NULL);
    /* Count before the callback: a caller reading the stats from its callback sees it. */
    if (status == BTQ_ETIMEDOUT) ST_ADD(rpc, timeouts, 1);
    if (r->kind == K_CALL) {
        r->cb(status, NULL, 0, &e, r->user);
    } else if (r->kind == K_SUB && r->sub) {
        sub *s = r->sub;
        s->sub_req = NULL;
        sub_final(rpc, s, status, &e);
        sub_unlink_free(rpc, s);
    } else if (r->kind == K_UNSUB && r->sub) {
        sub_unlink_free(rpc, r->sub);
    }
    req_free(r);
}

static void deliver_early(btq_rpc *rpc, sub *s)
{
    early **pp = &rpc->early_head;
    while (*pp) {
        early *x = *pp;
        if (x->key_len == s->key_len && memcmp(x->key, s->key, s->key_len) == 0) {
            *pp = x->next;
            rpc->early_count--;
            rpc->early_bytes -= x->result_len;
            if (s->state == S_ACTIVE) {
                ST_ADD(rpc, notifications, 1);
                s->cb(0, x->result, x->result_len, NULL, s->user);
            }
            btq_free(x->key);
            btq_free(x->result);
            btq_free(x);
        } else {
            pp = &x->next;
        }
    }
    if (!any_pending_sub(rpc)) early_clear(rpc);
}

/* A response for r (detached). m->result/error are spans in a writable buffer. */
static void req_answer(btq_rpc *rpc, req *r, const btq_jr_msg *m)
{
    ST_ADD(rpc, responses, 1);
    if (m->is_error) {
        record(rpc, r, "error", m->error);
        btq_error e;
        memset(&e, 0, sizeof e);
        e.code = BTQ_ERPC;
        btq_jr_error_detail(m->error, &e.rpc_code, e.message, sizeof e.message);
        req_fail(rpc, r, BTQ_ERPC, &e);
        return;
    }
    record(rpc, r, "result", m->result);
    char *end = (char *)m->result.p + m->result.n;
    char saved = *end;
    if (r->kind == K_CALL) {
        *end = 0;
        r->cb(0, m->result.p, m->result.n, NULL, r->user);
        *end = saved;
    } else if (r->kind == K_SUB && r->sub) {
        sub *s = r->sub;
        s->sub_req = NULL;
        s->key = btq_malloc(m->result.n + 1);
        if (!s->key) {
            btq_error e;
            set_err(&e, BTQ_ENOMEM, NULL);
            sub_final(rpc, s, BTQ_ENOMEM, &e);
            sub_unlink_free(rpc, s);
        } else {
            memcpy(s->key, m->result.p, m->result.n);
            s->key[m->result.n] = 0;
            s->key_len = m->result.n;
            if (s->state == S_PENDING) {
                s->state = S_ACTIVE;
                deliver_early(rpc, s);
            }
            if (s->state == S_ZOMBIE && enqueue_unsub(rpc, s)) sub_unlink_free(rpc, s);
        }
    } else if (r->kind == K_UNSUB && r->sub) {
        sub_unlink_free(rpc, r->sub);
    }
    req_free(r);
}

/* Ask lws for one WRITEABLE callback (once: repeated requests cost a pollfd update each). */
static void want_write(btq_rpc *rpc)
{
    if (rpc->wsi && !rpc->want_write) {
        rpc->want_write = 1;
        lws_callback_on_writable(rpc->wsi);
    }
}

/* ---- timers ------------------------------------------------------------------------------- */
#define RPC_OF(sulp, field) ((btq_rpc *)(void *)((char *)(sulp)-offsetof(btq_rpc, field)))

static void sul_deadline_cb(lws_sorted_usec_list_t *sul);
static void sul_idle_cb(lws_sorted_usec_list_t *sul);
static void start_connect(btq_rpc *rpc);
static void kick(btq_rpc *rpc);
static int do_write(btq_rpc *rpc);

static void arm_deadline(btq_rpc *rpc)
{
    req *h = rpc->dl_head;
    while (h && !h->deadline_us)
        h = h->dl_next;
    if (!h) return;
    if (rpc->deadline_armed_us && rpc->deadline_armed_us <= h->deadline_us) return;
    int64_t d = h->deadline_us - now_us();
    if (d < 1) d = 1;
    rpc->deadline_armed_us = h->deadline_us;
    lws_sul_schedule(rpc->ctx, 0, &rpc->sul_deadline, sul_deadline_cb, d);
}

static void sul_deadline_cb(lws_sorted_usec_list_t *sul)
{
    btq_rpc *rpc = RPC_OF(sul, sul_deadline);
    rpc->deadline_armed_us = 0;
    int64_t t = now_us();
    /* deadlines grow with submission order (one timeout for all), so expired ones lead */
    req *r = rpc->dl_head;
    while (r) {
        req *nx = r->dl_next;
        if (r->deadline_us && r->deadline_us <= t) {
            if (r->kind == K_SUB && r->sub && r->state == R_INFLIGHT) {
                /* the node may still create it: unsubscribe when the answer comes */
            }
            req_detach(rpc, r);
            req_fail(rpc, r, BTQ_ETIMEDOUT, NULL);
        } else if (r->deadline_us) {
            break;
        }
        r = nx;
    }
    publish_counts(rpc);
    arm_deadline(rpc);
    kick(rpc);
}

static int is_idle(btq_rpc *rpc)
{
    return !rpc->dl_head && !rpc->q_head && !rpc->inflight && !rpc->subs;
}

static void arm_idle(btq_rpc *rpc)
{
    if (rpc->opt.idle_timeout_ms && rpc->cstate == C_OPEN && is_idle(rpc))
        lws_sul_schedule(rpc->ctx, 0, &rpc->sul_idle, sul_idle_cb,
                         (lws_usec_t)rpc->opt.idle_timeout_ms * 1000);
}

static void sul_idle_cb(lws_sorted_usec_list_t *sul)
{
    btq_rpc *rpc = RPC_OF(sul, sul_idle);
    if (rpc->cstate == C_OPEN && rpc->wsi && is_idle(rpc)) {
        rpc_log(rpc, BTQ_RPC_LOG_DEBUG, "idle: closing the connection");
        rpc->closing_idle = 1;
        want_write(rpc);
    }
}

static void sul_backoff_cb(lws_sorted_usec_list_t *sul)
{
    btq_rpc *rpc = RPC_OF(sul, sul_backoff);
    if (rpc->cstate != C_BACKOFF) return;
    rpc->cstate = C_IDLE;
    if (rpc->q_head) start_connect(rpc);
}

static void sul_poll_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul;
}

/* ---- connection --------------------------------------------------------------------------- */
static void conn_failed(btq_rpc *rpc, const char *why);
static void raw_reset(btq_rpc *rpc);

static void sul_connect_cb(lws_sorted_usec_list_t *sul)
{
    btq_rpc *rpc = RPC_OF(sul, sul_connect);
    if (rpc->cstate != C_CONNECTING) return;
    struct lws *w = rpc->wsi;
    rpc->wsi = NULL;
    if (w) lws_set_timeout(w, PENDING_TIMEOUT_AWAITING_SERVER_RESPONSE, LWS_TO_KILL_ASYNC);
    conn_failed(rpc, "connect timeout");
}

static void start_connect(btq_rpc *rpc)
{
    if (rpc->cstate != C_IDLE) return;
    const btq_url *u = &rpc->urls[rpc->url_idx];
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = rpc->ctx;
    ci.address = u->host;
    ci.port = u->port;
    ci.path = u->path;
    ci.host = u->host;
    ci.origin = u->host;
    ci.local_protocol_name = "btq-jsonrpc";
    rpc->raw = !u->tls;
    raw_reset(rpc);
    if (rpc->raw) ci.method = "RAW";
    if (u->tls) {
        ci.ssl_connection = LCCSCF_USE_SSL;
        if (rpc->opt.tls_insecure) {
            ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
                                 LCCSCF_ALLOW_EXPIRED;
            rpc_log(rpc, BTQ_RPC_LOG_WARN,
                    "TLS verification disabled (insecure) for %s: the peer is not authenticated",
                    rpc->url_text[rpc->url_idx]);
        }
    }
    rpc->wsi = NULL;
    rpc->want_write = 0;
    rpc->cstate = C_CONNECTING;
    rpc->attempt_handled = 0;
    rpc->closing_idle = 0;
    rpc->kill_conn = 0;
    rpc->drop_status = 0;
    rpc->tls_verify_failed = 0;
    rpc_log(rpc, BTQ_RPC_LOG_INFO, "connecting to %s", rpc->url_text[rpc->url_idx]);
    lws_sul_schedule(
        rpc->ctx, 0, &rpc->sul_connect, sul_connect_cb,
        (lws_usec_t)(rpc->opt.connect_timeout_ms ? rpc->opt.connect_timeout_ms : 10000) * 1000);
    struct lws *w = lws_client_connect_via_info(&ci);
    if (rpc->attempt_handled) return; /* failed synchronously, already handled */
    if (!w) {
        conn_failed(rpc, "cannot start the connection");
        return;
    }
    rpc->wsi = w;
}

static void fail_queued_after_round(btq_rpc *rpc)
{
    req *r = rpc->q_head;
    while (r) {
        req *nx = r->q_next;
        if (++r->attempts >= (rpc->opt.max_attempts ? rpc->opt.max_attempts : 1)) {
            int st = rpc->last_conn_err == BTQ_ETLS ? BTQ_ETLS
                     : r->dropped                   ? BTQ_ERETRIES
                                                    : rpc->last_conn_err;
            req_detach(rpc, r);
            if (st == BTQ_ETLS) {
                btq_error e;
                set_err(&e, st, rpc->last_conn_msg);
                req_fail(rpc, r, st, &e);
            } else {
                req_fail(rpc, r, st, NULL);
            }
        }
        r = nx;
    }
}

/* conn_failed's reason when the attempt failed for want of memory (compared by address) */
static const char conn_oom[] = "out of memory";

static void conn_failed(btq_rpc *rpc, const char *why)
{
    rpc->attempt_handled = 1;
    lws_sul_cancel(&rpc->sul_connect);
    rpc->wsi = NULL;
    rpc->cstate = C_IDLE;
    int tls = why && (strstr(why, "cert") || strstr(why, "CERT") || strstr(why, "ssl") ||
                      strstr(why, "SSL") || strstr(why, "tls") || strstr(why, "TLS") ||
                      strstr(why, "verif"));
    rpc->last_conn_err = tls ? BTQ_ETLS : BTQ_ECONNECT;
    snprintf(rpc->last_conn_msg, sizeof rpc->last_conn_msg, "%s: %s", rpc->url_text[rpc->url_idx],
             why ? why : "unknown");
    rpc_log(rpc, BTQ_RPC_LOG_WARN, "connection to %s failed: %s", rpc->url_text[rpc->url_idx],
            why ? why : "unknown");
    if (why == conn_oom) { /* an allocation failed: what waits ends BTQ_ENOMEM, not retried */
        while (rpc->q_head) {
            req *r = rpc->q_head;
            req_detach(rpc, r);
            req_fail(rpc, r, BTQ_ENOMEM, NULL);
        }
    }
    if (rpc->url_idx + 1 < rpc->n_urls) {
        rpc->url_idx++;
        rpc->cstate = C_BACKOFF;
        lws_sul_schedule(rpc->ctx, 0, &rpc->sul_backoff, sul_backoff_cb, 1000);
        return;
    }
    rpc->url_idx = 0;
    fail_queued_after_round(rpc);
    publish_counts(rpc);
    unsigned n = rpc->fail_rounds++;
    if (rpc->q_head) {
        uint32_t ms =
            btq_backoff_ms(rpc->opt.backoff_initial_ms, rpc->opt.backoff_max_ms, n, rnd(rpc));
        rpc->cstate = C_BACKOFF;
        rpc->reconnecting = 1;
        lws_sul_schedule(rpc->ctx, 0, &rpc->sul_backoff, sul_backoff_cb, (lws_usec_t)ms * 1000);
    } else {
        rpc->fail_rounds = 0; /* idle: no reconnect loop */
    }
}

static int cmp_req_id(const void *a, const void *b)
{
    uint64_t x = (*(req *const *)a)->id, y = (*(req *const *)b)->id;
    return x < y ? -1 : x > y;
}

static void conn_dropped(btq_rpc *rpc, int idle_close)
{
    lws_sul_cancel(&rpc->sul_idle);
    rpc->wsi = NULL;
    rpc->want_write = 0;
    rpc->cstate = C_IDLE;
    btq_msgbuf_reset(&rpc->mb);
    int status = rpc->drop_status;
    /* in flight: collect, then re-send reads, end submissions */
    size_t n = rpc->inflight, k = 0;
    req **all = n ? btq_malloc(n * sizeof *all) : NULL;
    if (rpc->htab) {
        for (size_t i = 0; i <= rpc->hmask; i++) {
            req *r = rpc->htab[i];
            rpc->htab[i] = NULL;
            while (r) {
                req *nx = r->h_next;
                r->h_next = NULL;
                r->state = R_QUEUED + 10; /* detached from the hash */
                if (all && k < n)
                    all[k++] = r;
                else { /* no memory for sorting: end it */
                    dl_remove(rpc, r);
                    req_fail(rpc, r, BTQ_ENOMEM, NULL);
                }
                r = nx;
            }
        }
    }
    rpc->inflight = 0;
    if (all) qsort(all, k, sizeof *all, cmp_req_id);
    for (size_t i = k; i-- > 0;) {
        req *r = all[i];
        r->state = R_INBOX;
        if (status) {
            dl_remove(rpc, r);
            req_fail(rpc, r, status, NULL);
        } else if (r->kind == K_SUB || r->kind == K_UNSUB) {
            dl_remove(rpc, r);
            req_fail(rpc, r, BTQ_ECONNLOST, NULL);
        } else if (r->nonidem) {
            dl_remove(rpc, r);
            req_fail(rpc, r, BTQ_EOUTCOME, NULL);
        } else {
            r->dropped = 1;
            q_push_front(rpc, r);
            ST_ADD(rpc, resent, 1);
        }
    }
    btq_free(all);
    /* subscriptions end: not re-subscribed (documented in rpc.h) */
    sub *s = rpc->subs;
    while (s) {
        sub *nx = s->next;
        if (s->state == S_ACTIVE) {
            sub_final(rpc, s, BTQ_ECONNLOST, NULL);
            sub_unlink_free(rpc, s);
        }
        s = nx;
    }
    early_clear(rpc);
    publish_counts(rpc);
    if (!rpc->q_head) return; /* idle: no reconnect loop */
    if (idle_close) {
        start_connect(rpc);
        return;
    }
    uint32_t ms = btq_backoff_ms(rpc->opt.backoff_initial_ms, rpc->opt.backoff_max_ms,
                                 rpc->fail_rounds, rnd(rpc));
    rpc->reconnecting = 1;
    rpc->cstate = C_BACKOFF;
    lws_sul_schedule(rpc->ctx, 0, &rpc->sul_backoff, sul_backoff_cb, (lws_usec_t)ms * 1000);
}

/* ---- inbox -------------------------------------------------------------------------------- */
/* Queue the node-side unsubscribe of s. BTQ_ENOMEM (nothing queued, s untouched) or 0. */
static int enqueue_unsub(btq_rpc *rpc, sub *s)
{
    /* internal request: <unsub>([key]) */
    size_t pl = s->key_len + 2;
    char *params = btq_malloc(pl + 1);
    req *r = btq_calloc(1, sizeof *r);
    if (!params || !r) {
        btq_free(params);
        btq_free(r);
        return BTQ_ENOMEM;
    }
    params[0] = '[';
    memcpy(params + 1, s->key, s->key_len);
    params[pl - 1] = ']';
    params[pl] = 0;
    r->id = __atomic_add_fetch(&rpc->next_id, 1, __ATOMIC_RELAXED);
    if (btq_jr_build_request(r->id, s->unsub_method, params, pl, 0, &r->buf, &r->len,
                             &r->params_off)) {
        btq_free(params);
        btq_free(r);
        return BTQ_ENOMEM;
    }
    btq_free(params);
    r->method_len = strlen(s->unsub_method);
    r->kind = K_UNSUB;
    r->sub = s;
    if (rpc->opt.request_timeout_ms)
        r->deadline_us = now_us() + (int64_t)rpc->opt.request_timeout_ms * 1000;
    r->dl_prev = rpc->dl_tail;
    if (rpc->dl_tail)
        rpc->dl_tail->dl_next = r;
    else
        rpc->dl_head = r;
    rpc->dl_tail = r;
    q_push_back(rpc, r);
    return 0;
}

static void handle_unsub_cmd(btq_rpc *rpc, uint64_t local)
{
    sub *s;
    for (s = rpc->subs; s; s = s->next)
        if (s->local_id == local) break;
    if (!s || s->state == S_ZOMBIE) return;
    /* the final status says BTQ_ENOMEM when the node-side unsubscribe cannot even be queued */
    int urc = s->state == S_ACTIVE ? enqueue_unsub(rpc, s) : 0;
    sub_final(rpc, s, urc ? urc : BTQ_ECLOSED, NULL);
    if (urc) sub_unlink_free(rpc, s);
    /* pending: the unsubscribe goes out when the subscribe answer arrives */
}

static void drain_inbox(btq_rpc *rpc)
{
    pthread_mutex_lock(&rpc->lock);
    req *r = rpc->in_head;
    rpc->in_head = rpc->in_tail = NULL;
    pthread_mutex_unlock(&rpc->lock);
    if (!r) return;
    while (r) {
        req *nx = r->q_next;
        r->q_next = NULL;
        if (r->kind == K_UNSUB_CMD) {
            handle_unsub_cmd(rpc, r->target);
            req_free(r);
        } else {
            if (r->kind == K_SUB && r->sub) {
                sub *s = r->sub;
                s->prev = NULL;
                s->next = rpc->subs;
                if (rpc->subs) rpc->subs->prev = s;
                rpc->subs = s;
            }
            r->dl_prev = rpc->dl_tail;
            r->dl_next = NULL;
            if (rpc->dl_tail)
                rpc->dl_tail->dl_next = r;
            else
                rpc->dl_head = r;
            rpc->dl_tail = r;
            q_push_back(rpc, r);
        }
        r = nx;
    }
    lws_sul_cancel(&rpc->sul_idle);
    arm_deadline(rpc);
    publish_counts(rpc);
    kick(rpc);
}

/* Make progress: connect lazily or ask for a write slot. */
static void kick(btq_rpc *rpc)
{
    if (!rpc->q_head) {
        arm_idle(rpc);
        return;
    }
    if (rpc->cstate == C_IDLE) {
        start_connect(rpc);
    } else if (rpc->cstate == C_OPEN && rpc->wsi && rpc->inflight < rpc->opt.max_in_flight) {
        /* raw ws:// with no write slot pending: write now rather than after one more poll round
         * (lws appends to its own buffered output if an earlier write was partial) */
        if (rpc->raw && !rpc->want_write && !rpc->closing_idle && !rpc->kill_conn) {
            if (do_write(rpc) < 0) {
                rpc->kill_conn = 1; /* the next callback of this connection closes it */
                want_write(rpc);
            }
        } else {
            want_write(rpc);
        }
    }
}

/* ---- receive ------------------------------------------------------------------------------ */
static int bad_message(btq_rpc *rpc, int unknown_id)
{
    if (unknown_id)
        ST_ADD(rpc, dropped_unknown_id, 1);
    else
        ST_ADD(rpc, dropped_invalid, 1);
    rpc->bad_count++;
    if (rpc->opt.max_bad_messages && rpc->bad_count >= rpc->opt.max_bad_messages) {
        rpc_log(rpc, BTQ_RPC_LOG_WARN, "too many bad messages (%u): closing the connection",
                (unsigned)rpc->bad_count);
        rpc->kill_conn = 1;
        return -1;
    }
    return 0;
}

static int handle_notification(btq_rpc *rpc, const btq_jr_msg *m)
{
    for (sub *s = rpc->subs; s; s = s->next) {
        if (s->key && s->key_len == m->sub.n && memcmp(s->key, m->sub.p, m->sub.n) == 0) {
            if (s->state == S_ACTIVE) {
                char *end = (char *)m->result.p + m->result.n;
                char saved = *end;
                *end = 0;
                ST_ADD(rpc, notifications, 1);
                s->cb(0, m->result.p, m->result.n, NULL, s->user);
                *end = saved;
            }
            return 0;
        }
    }
    /* kept for a subscribe answer still to come: bounded in count and bytes */
    if (any_pending_sub(rpc) && rpc->early_count < 4096 &&
        rpc->early_bytes + m->result.n <= rpc->opt.max_message_bytes) {
        early *x = btq_calloc(1, sizeof *x);
        if (x) {
            x->key = btq_malloc(m->sub.n + 1);
            x->result = btq_malloc(m->result.n + 1);
            if (x->key && x->result) {
                memcpy(x->key, m->sub.p, m->sub.n);
                x->key_len = m->sub.n;
                memcpy(x->result, m->result.p, m->result.n);
                x->result[m->result.n] = 0;
                x->result_len = m->result.n;
                early **pp = &rpc->early_head;
                while (*pp)
                    pp = &(*pp)->next;
                *pp = x;
                rpc->early_count++;
                rpc->early_bytes += m->result.n;
                return 0;
            }
            btq_free(x->key);
            btq_free(x->result);
            btq_free(x);
        }
        /* out of memory: a pending subscription may lose this notification; rather than drop it
         * silently, end them with BTQ_ENOMEM (each is unsubscribed when its answer comes) */
        for (sub *s = rpc->subs; s; s = s->next)
            if (s->state == S_PENDING) sub_final(rpc, s, BTQ_ENOMEM, NULL);
        return 0;
    }
    return bad_message(rpc, 1);
}

static int handle_msg(btq_rpc *rpc, btq_jr_msg *m)
{
    switch (m->kind) {
    case BTQ_JR_RESPONSE: {
        req *r = m->id_ok ? h_take(rpc, m->id) : NULL;
        if (!r) return bad_message(rpc, 1);
        r->state = R_INBOX;
        dl_remove(rpc, r);
        publish_counts(rpc); /* counters are exact when the callback runs */
        req_answer(rpc, r, m);
        return 0;
    }
    case BTQ_JR_NOTIFICATION:
        return handle_notification(rpc, m);
    default:
        return bad_message(rpc, 0);
    }
}

static int handle_obj(btq_rpc *rpc, btq_jr_span obj)
{
    btq_jr_msg m;
    btq_jr_classify(obj, &m);
    return handle_msg(rpc, &m);
}

static int process_message(btq_rpc *rpc, char *d, size_t n)
{
    ST_ADD(rpc, bytes_received, n);
    btq_jr_msg m; /* validated and, for one object, classified in one pass */
    if (btq_jr_validate_classify(d, n, BTQ_JR_MAX_DEPTH, &m) != 0) return bad_message(rpc, 0);
    btq_jr_span all = {d, n};
    const char *p = d;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p != '[') return handle_msg(rpc, &m);
    const char *it = NULL;
    btq_jr_span el;
    int any = 0;
    while (btq_jr_json_array_next(all, &it, &el)) {
        any = 1;
        if (handle_obj(rpc, el) < 0) return -1;
    }
    return any ? 0 : bad_message(rpc, 0);
}

static int on_too_big(btq_rpc *rpc)
{
    ST_ADD(rpc, dropped_too_big, 1);
    uint64_t id;
    req *r = btq_msgbuf_sniff_id(&rpc->mb, &id) ? h_take(rpc, id) : NULL;
    rpc_log(rpc, BTQ_RPC_LOG_WARN, "message larger than %zu bytes dropped",
            rpc->opt.max_message_bytes);
    if (r) {
        r->state = R_INBOX;
        dl_remove(rpc, r);
        req_fail(rpc, r, BTQ_ETOOBIG, NULL);
        return 0;
    }
    /* cannot tell whose answer it was: close, ending what is in flight with BTQ_ETOOBIG */
    rpc->drop_status = BTQ_ETOOBIG;
    rpc->kill_conn = 1;
    return -1;
}

/* ---- write -------------------------------------------------------------------------------- */
/* Frames are built here (masked, as a client must) and several go out in one write with
 * LWS_WRITE_RAW: one syscall for many pipelined requests. The stored request text stays
 * untouched for re-sending. At most one lws_write per WRITEABLE callback; lws itself finishes
 * a partial write before it calls WRITEABLE again. */
#define WRITE_CHUNK (64 * 1024)

static int wbuf_reserve(btq_rpc *rpc, size_t need)
{
    if (need <= rpc->wcap) return 0;
    size_t nc = rpc->wcap ? rpc->wcap : 4096;
    while (nc < need)
        nc *= 2;
    unsigned char *nb = btq_realloc(rpc->wbuf, nc);
    if (!nb) return BTQ_ENOMEM;
    rpc->wbuf = nb;
    rpc->wcap = nc;
    return 0;
}

/* Append one masked final frame (opcode op) at rpc->wbuf + LWS_PRE + *used. */
static int append_frame_op(btq_rpc *rpc, size_t *used, unsigned op, const unsigned char *text,
                           size_t len)
{
    if (wbuf_reserve(rpc, LWS_PRE + *used + 14 + len)) return BTQ_ENOMEM;
    unsigned char *o = rpc->wbuf + LWS_PRE + *used, *start = o;
    *o++ = (unsigned char)(0x80 | op);
    if (len < 126) {
        *o++ = (unsigned char)(0x80 | len);
    } else if (len <= 0xFFFF) {
        *o++ = 0x80 | 126;
        *o++ = (unsigned char)(len >> 8);
        *o++ = (unsigned char)len;
    } else {
        *o++ = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            *o++ = (unsigned char)((uint64_t)len >> (8 * i));
    }
    rpc->rng ^= rpc->rng << 13;
    rpc->rng ^= rpc->rng >> 7;
    rpc->rng ^= rpc->rng << 17;
    uint32_t key32 = (uint32_t)(rpc->rng >> 16);
    unsigned char key[4];
    memcpy(key, &key32, 4);
    memcpy(o, key, 4);
    o += 4;
    uint64_t k8;
    unsigned char kk[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
    memcpy(&k8, kk, 8);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, text + i, 8);
        w ^= k8;
        memcpy(o + i, &w, 8);
    }
    for (; i < len; i++)
        o[i] = text[i] ^ key[i & 3];
    *used += (size_t)(o - start) + len;
    if (op == 1) ST_ADD(rpc, bytes_sent, len);
    return 0;
}

static int append_frame(btq_rpc *rpc, size_t *used, const unsigned char *text, size_t len)
{
    return append_frame_op(rpc, used, 1, text, len);
}

static int raw_flush(btq_rpc *rpc);

static int do_write(btq_rpc *rpc)
{
    if (rpc->raw) { /* what the socket did not take last time goes first */
        if (raw_flush(rpc) < 0) return -1;
        if (rpc->wpend) return 0;
    }
    size_t used = 0;
    uint32_t cap = rpc->opt.max_in_flight ? rpc->opt.max_in_flight : 1;
    if (rpc->pong_pending && append_frame_op(rpc, &used, 0xA, rpc->pong, rpc->pong_len) == 0)
        rpc->pong_pending = 0;
    while (rpc->q_head && rpc->inflight < cap && used < WRITE_CHUNK) {
        req *r = rpc->q_head;
        batch *b = r->batch;
        if (b && rpc->inflight + b->n > cap && rpc->inflight > 0) break;
        int rc =
            b ? append_frame(rpc, &used, b->buf, b->len) : append_frame(rpc, &used, r->buf, r->len);
        if (rc) { /* out of memory: send what we have, retry later */
            if (b && !used) {
                batch_dissolve(b);
                continue;
            }
            if (!used) { /* not even this one frame: end it (retrying would spin) */
                req_detach(rpc, r);
                req_fail(rpc, r, BTQ_ENOMEM, NULL);
                continue;
            }
            break;
        }
        if (b) {
            for (size_t i = 0; i < b->n; i++) {
                req *x = b->items[i];
                q_remove(rpc, x);
                x->batch = NULL;
                h_insert(rpc, x);
            }
            ST_ADD(rpc, requests_sent, b->n);
            b->n = 0;
            batch_dissolve(b);
        } else {
            q_remove(rpc, r);
            h_insert(rpc, r);
            ST_ADD(rpc, requests_sent, 1);
        }
    }
    publish_counts(rpc);
    if (used && rpc->raw) {
        rpc->woff = 0;
        rpc->wpend = used;
        if (raw_flush(rpc) < 0) return -1;
    } else if (used) {
        /* wss://: only a negative result is a failure. lws 4.1 never leaves bytes unsent: a
         * partial send keeps the rest in its own output list. When that list is not empty it
         * appends all of this frame batch and returns the count it drained of the older
         * segment, less than `used` (treating that as a failure closed healthy connections). */
        if (lws_write(rpc->wsi, rpc->wbuf + LWS_PRE, used, LWS_WRITE_RAW) < 0) return -1;
    }
    if (rpc->q_head && rpc->inflight < cap) want_write(rpc);
    return 0;
}

/* ---- ws:// on a raw socket: handshake and frames (RFC 6455, client side) ------------------ */
enum { HS_NONE = 0, HS_SEND = 1, HS_WAIT = 2, HS_DONE = 3 };

/* ws:// bytes go to the socket here, never through lws_write: lws' raw-socket role stops
 * reading while its own output list is not empty (lws 4.1, ops-raw-skt.c: "pending truncated
 * sends have uber priority"). Against a node that likewise stops reading while its answers
 * cannot be sent (the mock node does; so may any server with backpressure), both sides then
 * wait for each other until requests time out. So what the socket does not take stays in
 * wbuf (wpend bytes at woff) and we keep reading; the rest goes when it is writable again. */
static int raw_flush(btq_rpc *rpc)
{
    int fd = rpc->wsi ? (int)lws_get_socket_fd(rpc->wsi) : -1;
    if (fd < 0) return rpc->wpend ? -1 : 0;
    while (rpc->wpend) {
        ssize_t n =
            send(fd, rpc->wbuf + LWS_PRE + rpc->woff, rpc->wpend, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            return -1;
        }
        rpc->woff += (size_t)n;
        rpc->wpend -= (size_t)n;
    }
    if (!rpc->wpend) {
        rpc->woff = 0;
        return 0;
    }
    want_write(rpc);
    return 0;
}

/* Queue one control frame behind what is pending and try to send it (best effort: used just
 * before closing). */
static void raw_send_control(btq_rpc *rpc, unsigned op, const unsigned char *pl, size_t n)
{
    size_t used = rpc->woff + rpc->wpend;
    if (append_frame_op(rpc, &used, op, pl, n) == 0) {
        rpc->wpend = used - rpc->woff;
        (void)raw_flush(rpc);
    }
}

static void raw_reset(btq_rpc *rpc)
{
    rpc->woff = rpc->wpend = 0;
    rpc->hs_state = HS_NONE;
    rpc->hs_len = 0;
    btq_ws_rx_reset(&rpc->rx);
    rpc->pong_pending = 0;
}

static void on_established(btq_rpc *rpc)
{
    lws_sul_cancel(&rpc->sul_connect);
    rpc->attempt_handled = 1;
    rpc->cstate = C_OPEN;
    rpc->bad_count = 0;
    rpc->fail_rounds = 0;
    ST_ADD(rpc, connects, 1);
    if (rpc->reconnecting) ST_ADD(rpc, reconnects, 1);
    rpc->reconnecting = 0;
    rpc->ever_connected = 1;
    btq_msgbuf_reset(&rpc->mb);
    rpc_log(rpc, BTQ_RPC_LOG_INFO, "connected to %s", rpc->url_text[rpc->url_idx]);
    kick(rpc);
}

/* The upgrade request, with the same headers lws' ws role sends. */
static int raw_send_handshake(btq_rpc *rpc, struct lws *wsi)
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    const btq_url *u = &rpc->urls[rpc->url_idx];
    unsigned char nonce[16];
    if (lws_get_random(rpc->ctx, nonce, sizeof nonce) != sizeof nonce)
        for (size_t i = 0; i < sizeof nonce; i++)
            nonce[i] = (unsigned char)(rnd(rpc) * 256);
    char key[32], cat[32 + sizeof guid];
    if (lws_b64_encode_string((const char *)nonce, (int)sizeof nonce, key, (int)sizeof key) < 0)
        return -1;
    size_t kl = strlen(key);
    snprintf(cat, sizeof cat, "%s%s", key, guid); /* key then the RFC 6455 GUID */
    unsigned char sha[20];
    lws_SHA1((const unsigned char *)cat, kl + sizeof guid - 1, sha);
    if (lws_b64_encode_string((const char *)sha, (int)sizeof sha, rpc->hs_accept,
                              (int)sizeof rpc->hs_accept) < 0)
        return -1;
    int v6 = strchr(u->host, ':') != NULL;
    size_t need = strlen(u->path) + 2 * strlen(u->host) + 256;
    if (wbuf_reserve(rpc, LWS_PRE + need)) return BTQ_ENOMEM;
    char *o = (char *)rpc->wbuf + LWS_PRE;
    int n = snprintf(o, need,
                     "GET %s HTTP/1.1\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n"
                     "Host: %s%s%s\r\nOrigin: http://%s%s%s\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n",
                     u->path, v6 ? "[" : "", u->host, v6 ? "]" : "", v6 ? "[" : "", u->host,
                     v6 ? "]" : "", key);
    if (n < 0 || (size_t)n >= need) return -1;
    (void)wsi;
    rpc->hs_state = HS_WAIT;
    rpc->woff = 0;
    rpc->wpend = (size_t)n;
    return raw_flush(rpc);
}

/* One piece of a data message: reassemble (or take a whole message in place) and handle it. */
static int raw_data(btq_rpc *rpc, unsigned char *p, size_t k, int final, int whole)
{
    if (whole && k <= rpc->opt.max_message_bytes) return process_message(rpc, (char *)p, k);
    int rc = btq_msgbuf_push(&rpc->mb, p, k, final);
    int ret = 0;
    if (rc == BTQ_MSGBUF_DONE) {
        ret = process_message(rpc, rpc->mb.data, rpc->mb.len);
        btq_msgbuf_reset(&rpc->mb);
    } else if (rc == BTQ_ETOOBIG) {
        ret = on_too_big(rpc);
    } else if (rc == BTQ_ENOMEM) { /* an answer is lost: what is in flight ends ENOMEM */
        rpc->drop_status = BTQ_ENOMEM;
        rpc->kill_conn = 1;
        ret = -1;
    }
    return ret;
}

/* What the frame parser's callbacks need. */
typedef struct raw_ctx {
    btq_rpc *rpc;
    struct lws *wsi;
} raw_ctx;

/* A piece of a data message from the frame parser. -1: close the connection. */
static int raw_data_cb(void *user, unsigned char *p, size_t k, int final, int whole)
{
    btq_rpc *rpc = ((raw_ctx *)user)->rpc;
    if (rpc->cstate != C_OPEN) return 0; /* closing: late answers were not asked for */
    if (raw_data(rpc, p, k, final, whole) < 0 || rpc->kill_conn) return -1;
    return 0;
}

/* A complete control frame. -1: close the connection. */
static int raw_control_cb(void *user, unsigned op, const unsigned char *pl, size_t n)
{
    raw_ctx *c = user;
    btq_rpc *rpc = c->rpc;
    if (op == 0x9) { /* ping: pong with the same payload (the latest ping wins) */
        memcpy(rpc->pong, pl, n);
        rpc->pong_len = n;
        rpc->pong_pending = 1;
        want_write(rpc);
        return 0;
    }
    if (op != 0x8) return 0; /* pong */
    /* close: echo the status code, then close the socket */
    raw_send_control(rpc, 0x8, pl, n >= 2 ? 2 : 0);
    return -1;
}

/* Frames the server sent (rpc/ws_client_frames.c parses them). -1: close the connection; a
 * protocol violation is logged with its reason. */
static int raw_frames(btq_rpc *rpc, struct lws *wsi, unsigned char *p, size_t n)
{
    raw_ctx c = {rpc, wsi};
    const btq_ws_rx_cb cb = {raw_data_cb, raw_control_cb, &c};
    int rc = btq_ws_rx_feed(&rpc->rx, p, n, &cb);
    if (rc == BTQ_EPROTOCOL) {
        rpc_log(rpc, BTQ_RPC_LOG_WARN, "websocket protocol violation by the server: %s",
                rpc->rx.why);
        return -1;
    }
    return rc < 0 ? -1 : 0;
}

/* Bytes from a raw connection: the handshake answer first, then frames. */
static int raw_rx(btq_rpc *rpc, struct lws *wsi, unsigned char *p, size_t n)
{
    if (rpc->hs_state == HS_WAIT) {
        size_t room = sizeof rpc->hs_buf - 1 - rpc->hs_len, k = n < room ? n : room;
        memcpy(rpc->hs_buf + rpc->hs_len, p, k);
        size_t old = rpc->hs_len;
        rpc->hs_len += k;
        rpc->hs_buf[rpc->hs_len] = 0;
        char *end = strstr(rpc->hs_buf + (old > 3 ? old - 3 : 0), "\r\n\r\n");
        if (!end) {
            if (rpc->hs_len < sizeof rpc->hs_buf - 1) return 0;
            conn_failed(rpc, "websocket handshake: answer too long");
            return -1;
        }
        size_t hl = (size_t)(end + 4 - rpc->hs_buf);
        char why[128];
        const char *bad = btq_ws_hs_check(rpc->hs_buf, hl, rpc->hs_accept, why, sizeof why);
        if (bad) {
            conn_failed(rpc, bad);
            return -1;
        }
        rpc->hs_state = HS_DONE;
        on_established(rpc);
        size_t used = hl - old; /* of this chunk */
        p += used;
        n -= used;
    }
    if (rpc->hs_state != HS_DONE) return n ? -1 : 0;
    int rc = n ? raw_frames(rpc, wsi, p, n) : 0;
    publish_counts(rpc);
    drain_inbox(rpc);
    if (rc < 0 || rpc->kill_conn) return -1;
    kick(rpc);
    return 0;
}

/* ---- the lws callback --------------------------------------------------------------------- */
/* A failed wss:// connect whose certificate check failed (seen by the verify callback below):
 * write a clear reason into buf and return 1 (conn_failed maps "TLS" to BTQ_ETLS). lws 4.1
 * reports such failures only as "connect SSL err 1: ..." without the verification result.
 * 0 when the failure was something else. */
static int tls_verify_failure(btq_rpc *rpc, char *buf, size_t n)
{
    if (!rpc->tls_verify_failed || !rpc->urls[rpc->url_idx].tls) return 0;
    snprintf(buf, n, "%s",
             "TLS certificate verification failed: the server's certificate is not trusted "
             "(unknown or self-signed issuer, expired, or not issued for this host name)");
    return 1;
}

static int lws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
    (void)user;
    struct lws_context *cx = lws_get_context(wsi);
    btq_rpc *rpc = cx ? lws_context_user(cx) : NULL;
    if (!rpc || rpc->destroying) return 0;
    switch (reason) {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        drain_inbox(rpc);
        break;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (wsi != rpc->wsi || rpc->cstate != C_CONNECTING) return -1;
        on_established(rpc);
        break;
    case LWS_CALLBACK_RAW_CONNECTED: /* TCP up: send the upgrade (may come from inside connect) */
        if (!rpc->raw || rpc->cstate != C_CONNECTING || (rpc->wsi && wsi != rpc->wsi)) return -1;
        rpc->wsi = wsi;
        rpc->hs_state = HS_SEND;
        rpc->want_write = 0;
        want_write(rpc);
        break;
    case LWS_CALLBACK_RAW_RX:
        if (wsi != rpc->wsi || !rpc->raw) return -1;
        if (rpc->cstate != C_CONNECTING && rpc->cstate != C_OPEN) break;
        return raw_rx(rpc, wsi, in, len);
    case LWS_CALLBACK_RAW_WRITEABLE:
        if (wsi != rpc->wsi || !rpc->raw) return -1;
        rpc->want_write = 0;
        if (rpc->wpend) { /* the rest of an earlier write first */
            if (raw_flush(rpc) < 0) return -1;
            if (rpc->wpend) break;
        }
        if (rpc->hs_state == HS_WAIT) break; /* the handshake is out: wait for the answer */
        if (rpc->hs_state == HS_SEND) {
            int hrc = raw_send_handshake(rpc, wsi);
            if (hrc < 0) {
                conn_failed(rpc,
                            hrc == BTQ_ENOMEM ? conn_oom : "cannot send the websocket handshake");
                return -1;
            }
            break;
        }
        if (rpc->cstate != C_OPEN) return -1;
        if (rpc->kill_conn) return -1;
        if (rpc->closing_idle) {
            if (is_idle(rpc)) {
                rpc->cstate = C_CLOSING;
                static const unsigned char normal[2] = {1000 >> 8, 1000 & 0xFF};
                raw_send_control(rpc, 0x8, normal, 2);
                return -1;
            }
            rpc->closing_idle = 0;
        }
        if (do_write(rpc) < 0) return -1;
        break;
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
        /* lws' OpenSSL verify callback, once per certificate of the chain: len = preverify_ok.
         * Only note a failure; returning 0 keeps the verdict of OpenSSL / lws (tls_insecure
         * overrides are applied by lws before this is called). */
        if (!len && rpc->cstate == C_CONNECTING) rpc->tls_verify_failed = 1;
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        const char *why = NULL;
        if (wsi == rpc->wsi && rpc->cstate == C_CONNECTING)
            why = in && len ? (const char *)in : "connection error";
        else if (rpc->cstate == C_CONNECTING && !rpc->attempt_handled && !rpc->wsi)
            why = in ? (const char *)in : "connection error";
        if (!why) break;
        char tls_why[BTQ_ERROR_MSG_MAX];
        if (tls_verify_failure(rpc, tls_why, sizeof tls_why)) why = tls_why;
        conn_failed(rpc, why);
        break;
    }
    case LWS_CALLBACK_CLIENT_RECEIVE: {
        if (wsi != rpc->wsi) return -1;
        if (rpc->cstate != C_OPEN) break; /* closing: late answers were not asked for */
        int final = lws_is_final_fragment(wsi);
        int rc = btq_msgbuf_push(&rpc->mb, in, len, final);
        int ret = 0;
        if (rc == BTQ_MSGBUF_DONE) {
            ret = process_message(rpc, rpc->mb.data, rpc->mb.len);
            btq_msgbuf_reset(&rpc->mb);
        } else if (rc == BTQ_ETOOBIG) {
            ret = on_too_big(rpc);
        } else if (rc == BTQ_ENOMEM) { /* an answer is lost: what is in flight ends ENOMEM */
            rpc->drop_status = BTQ_ENOMEM;
            rpc->kill_conn = 1;
            ret = -1;
        }
        publish_counts(rpc);
        drain_inbox(rpc);
        if (rpc->kill_conn) return -1;
        if (ret < 0) return -1;
        kick(rpc);
        break;
    }
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (wsi != rpc->wsi || rpc->cstate != C_OPEN) return -1;
        rpc->want_write = 0;
        if (rpc->kill_conn) return -1;
        if (rpc->closing_idle) {
            if (is_idle(rpc)) {
                /* from here new requests wait for the close, then reconnect */
                rpc->cstate = C_CLOSING;
                lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
                return -1;
            }
            rpc->closing_idle = 0;
        }
        if (do_write(rpc) < 0) return -1;
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_RAW_CLOSE:
    case LWS_CALLBACK_WSI_DESTROY:
        if (wsi != rpc->wsi) break;
        if (rpc->cstate == C_CONNECTING) {
            conn_failed(rpc, "closed during the handshake");
        } else if (rpc->cstate == C_OPEN || rpc->cstate == C_CLOSING) {
            int idle = rpc->cstate == C_CLOSING;
            rpc_log(rpc, idle ? BTQ_RPC_LOG_DEBUG : BTQ_RPC_LOG_WARN, "connection to %s %s",
                    rpc->url_text[rpc->url_idx], idle ? "closed (idle)" : "lost");
            rpc->closing_idle = 0;
            conn_dropped(rpc, idle);
        }
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols protocols[] = {{"btq-jsonrpc", lws_cb, 0, 65536, 0, NULL, 0},
                                                 {NULL, NULL, 0, 0, 0, NULL, 0}};

/* ---- lifecycle ---------------------------------------------------------------------------- */
static void *loop_main(void *arg)
{
    btq_rpc *rpc = arg;
    tl_loop = rpc;
    while (!__atomic_load_n(&rpc->stop, __ATOMIC_ACQUIRE)) {
        if (lws_service(rpc->ctx, 0) < 0) break;
        drain_inbox(rpc); /* submissions made by callbacks of this round */
    }
    tl_loop = NULL;
    return NULL;
}

static pthread_once_t lws_log_once = PTHREAD_ONCE_INIT;
static void lws_quiet(void)
{
    lws_set_log_level(0, NULL);
} /* the library never prints */

static void free_urls(btq_rpc *rpc)
{
    if (rpc->url_text)
        for (size_t i = 0; i < rpc->n_urls; i++)
            btq_free(rpc->url_text[i]);
    btq_free(rpc->url_text);
    btq_free(rpc->urls);
}

static int oom(btq_error *err)
{
    if (err) set_err(err, BTQ_ENOMEM, NULL);
    return BTQ_ENOMEM;
}

int btq_rpc_new(const btq_rpc_options *opt, btq_rpc **out, btq_error *err)
{
    if (err) btq_error_clear(err);
    if (!opt || !out) return BTQ_EINVAL;
    *out = NULL;
    btq__json_init(); /* cJSON through the btq hooks, before any thread of ours uses it */
    if (!opt->url) {
        if (err) set_err(err, BTQ_EURL, "no endpoint URL given");
        return BTQ_EURL;
    }
    if (opt->n_fallback_urls && !opt->fallback_urls) return BTQ_EINVAL;
    btq_rpc *rpc = btq_calloc(1, sizeof *rpc);
    if (!rpc) return oom(err);
    rpc->opt = *opt;
    rpc->opt.fallback_urls = NULL;
    rpc->opt.ca_file = NULL;
    rpc->opt.record_path = NULL;
    rpc->opt.url = NULL;
    if (!rpc->opt.max_in_flight) rpc->opt.max_in_flight = 1024;
    if (!rpc->opt.max_message_bytes) rpc->opt.max_message_bytes = (size_t)16 << 20;
    if (!rpc->opt.max_attempts) rpc->opt.max_attempts = 1;
    rpc->n_urls = 1 + opt->n_fallback_urls;
    rpc->urls = btq_calloc(rpc->n_urls, sizeof *rpc->urls);
    rpc->url_text = btq_calloc(rpc->n_urls, sizeof *rpc->url_text);
    if (!rpc->urls || !rpc->url_text) {
        free_urls(rpc);
        btq_free(rpc);
        return oom(err);
    }
    for (size_t i = 0; i < rpc->n_urls; i++) {
        const char *s = i ? opt->fallback_urls[i - 1] : opt->url;
        int rc = btq_url_parse(s, &rpc->urls[i]);
        if (!rc) rc = btq_url_check(&rpc->urls[i], opt->allow_plain_ws);
        /* logs and messages show the URL without user-info and query (credentials) */
        char shown[BTQ_URL_HOST_MAX + BTQ_URL_PATH_MAX + 16];
        btq_url_display(s, shown, sizeof shown);
        if (rc) {
            if (err) {
                set_err(err, rc, NULL);
                snprintf(err->message, sizeof err->message, "%s: %.180s",
                         rc == BTQ_EURL ? "invalid endpoint URL"
                                        : "plain ws:// to a non-loopback host needs opt-in",
                         shown);
            }
            free_urls(rpc);
            btq_free(rpc);
            return rc;
        }
        rpc->url_text[i] = dupstr(shown);
        if (!rpc->url_text[i]) {
            free_urls(rpc);
            btq_free(rpc);
            return oom(err);
        }
    }
    if (opt->record_path) {
        rpc->rec = fopen(opt->record_path, "a");
        if (!rpc->rec) {
            if (err) set_err(err, BTQ_EIO, "cannot open the recording file");
            free_urls(rpc);
            btq_free(rpc);
            return BTQ_EIO;
        }
    }
    if (h_grow(rpc)) { /* the in-flight table exists from the start: h_insert cannot fail */
        if (rpc->rec) fclose(rpc->rec);
        free_urls(rpc);
        btq_free(rpc);
        return oom(err);
    }
    pthread_mutex_init(&rpc->lock, NULL);
    btq_msgbuf_init(&rpc->mb, rpc->opt.max_message_bytes);
    rpc->rng = (uint64_t)now_us() ^ (uint64_t)(uintptr_t)rpc ^ 0x9E3779B97F4A7C15ull;
    if (!rpc->rng) rpc->rng = 1;
    pthread_once(&lws_log_once, lws_quiet);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.gid = -1;
    info.uid = -1;
    info.user = rpc;
    info.fd_limit_per_thread = 16;
    info.pt_serv_buf_size = 32768; /* raw ws:// reads: many pipelined answers per recv */
    info.client_ssl_ca_filepath = opt->ca_file;
    int any_tls = 0;
    for (size_t i = 0; i < rpc->n_urls; i++)
        any_tls |= rpc->urls[i].tls;
    if (any_tls) info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.timeout_secs =
        (rpc->opt.connect_timeout_ms ? rpc->opt.connect_timeout_ms : 10000) / 1000 + 1;
    rpc->ctx = lws_create_context(&info);
    if (!rpc->ctx) {
        if (err) set_err(err, BTQ_EINTERNAL, "cannot create the websocket context");
        pthread_mutex_destroy(&rpc->lock);
        if (rpc->rec) fclose(rpc->rec);
        btq_free(rpc->htab);
        free_urls(rpc);
        btq_free(rpc);
        return opt->ca_file ? BTQ_ETLS : BTQ_EINTERNAL;
    }
    if (opt->tls_insecure && any_tls)
        rpc_log(rpc, BTQ_RPC_LOG_WARN, "TLS certificate verification is disabled (insecure)");
    if (!opt->manual_poll) {
        if (pthread_create(&rpc->thread, NULL, loop_main, rpc) != 0) {
            lws_context_destroy(rpc->ctx);
            pthread_mutex_destroy(&rpc->lock);
            if (rpc->rec) fclose(rpc->rec);
            btq_free(rpc->htab);
            free_urls(rpc);
            btq_free(rpc);
            return BTQ_EINTERNAL;
        }
        rpc->has_thread = 1;
    }
    *out = rpc;
    return 0;
}

static void cancel_all(btq_rpc *rpc)
{
    /* inbox first: it never reached the loop */
    pthread_mutex_lock(&rpc->lock);
    req *r = rpc->in_head;
    rpc->in_head = rpc->in_tail = NULL;
    pthread_mutex_unlock(&rpc->lock);
    while (r) {
        req *nx = r->q_next;
        r->q_next = NULL;
        r->state = R_INBOX;
        if (r->kind == K_UNSUB_CMD)
            req_free(r);
        else
            req_fail(rpc, r, BTQ_ECANCELED, NULL);
        r = nx;
    }
    while (rpc->dl_head) {
        r = rpc->dl_head;
        req_detach(rpc, r);
        req_fail(rpc, r, BTQ_ECANCELED, NULL);
    }
    while (rpc->subs) {
        sub *s = rpc->subs;
        sub_final(rpc, s, BTQ_ECANCELED, NULL);
        sub_unlink_free(rpc, s);
    }
    early_clear(rpc);
}

void btq_rpc_free(btq_rpc *rpc)
{
    if (!rpc) return;
    if (tl_loop == rpc) return; /* from its own callback: would join itself (documented misuse) */
    pthread_mutex_lock(&rpc->lock);
    rpc->closed = 1;
    pthread_mutex_unlock(&rpc->lock);
    if (rpc->has_thread) {
        __atomic_store_n(&rpc->stop, 1, __ATOMIC_RELEASE);
        lws_cancel_service(rpc->ctx);
        pthread_join(rpc->thread, NULL);
    }
    /* tear down the socket without reacting to its callbacks */
    rpc->destroying = 1;
    rpc->wsi = NULL;
    rpc->cstate = C_BACKOFF;
    lws_sul_cancel(&rpc->sul_connect);
    lws_sul_cancel(&rpc->sul_backoff);
    lws_sul_cancel(&rpc->sul_deadline);
    lws_sul_cancel(&rpc->sul_idle);
    lws_sul_cancel(&rpc->sul_poll);
    lws_context_destroy(rpc->ctx);
    rpc->ctx = NULL;
    const btq_rpc *prev = tl_loop;
    tl_loop = rpc;
    cancel_all(rpc);
    tl_loop = prev;
    btq_free(rpc->htab);
    btq_free(rpc->wbuf);
    btq_msgbuf_free(&rpc->mb);
    if (rpc->rec) fclose(rpc->rec);
    pthread_mutex_destroy(&rpc->lock);
    free_urls(rpc);
    btq_free(rpc);
}

/* ---- submission (any thread) -------------------------------------------------------------- */
static req *make_req(btq_rpc *rpc, uint64_t id, const char *method, const char *params,
                     unsigned flags, btq_rpc_cb cb, void *user, int *rc)
{
    /* one allocation: the struct, then the request text */
    const size_t head = (sizeof(req) + 15) & ~(size_t)15;
    unsigned char *mem;
    size_t len, params_off;
    *rc = btq_jr_build_request(id, method, params, params ? strlen(params) : 0, head, &mem, &len,
                               &params_off);
    if (*rc) return NULL;
    req *r = (req *)(void *)mem;
    memset(r, 0, sizeof *r);
    r->buf = mem + head;
    r->inline_buf = 1;
    r->len = len;
    r->params_off = params_off;
    r->id = id;
    r->method_len = strlen(method);
    r->cb = cb;
    r->user = user;
    r->nonidem = (flags & BTQ_RPC_NON_IDEMPOTENT) || btq_jr_method_is_submission(method);
    if (rpc->opt.request_timeout_ms)
        r->deadline_us = now_us() + (int64_t)rpc->opt.request_timeout_ms * 1000;
    return r;
}

static int check_call(const char *method, const char *params)
{
    if (!btq_jr_method_ok(method)) return BTQ_EINVAL;
    if (params && btq_jr_params_ok(params, strlen(params)) != 0) return BTQ_EJSON;
    return 0;
}

/* Append a chain of reqs to the inbox and wake the loop. Fails with BTQ_ECLOSED. */
static int submit_chain(btq_rpc *rpc, req *first, req *last)
{
    pthread_mutex_lock(&rpc->lock);
    if (rpc->closed) {
        pthread_mutex_unlock(&rpc->lock);
        return BTQ_ECLOSED;
    }
    int was_empty = rpc->in_head == NULL;
    if (rpc->in_tail)
        rpc->in_tail->q_next = first;
    else
        rpc->in_head = first;
    rpc->in_tail = last;
    pthread_mutex_unlock(&rpc->lock);
    /* on the loop thread the inbox is drained after the current callback */
    if (was_empty && tl_loop != rpc) lws_cancel_service(rpc->ctx);
    return 0;
}

static uint64_t take_ids(btq_rpc *rpc, uint64_t n)
{
    return __atomic_fetch_add(&rpc->next_id, n, __ATOMIC_RELAXED) + 1;
}

int btq_rpc_call_async(btq_rpc *rpc, const char *method, const char *params_json, unsigned flags,
                       btq_rpc_cb cb, void *user)
{
    if (!rpc || !cb) return BTQ_EINVAL;
    int rc = check_call(method, params_json);
    if (rc) return rc;
    req *r = make_req(rpc, take_ids(rpc, 1), method, params_json, flags, cb, user, &rc);
    if (!r) return rc;
    rc = submit_chain(rpc, r, r);
    if (rc) req_free(r);
    return rc;
}

int btq_rpc_batch_async(btq_rpc *rpc, const btq_rpc_batch_item *items, size_t n)
{
    if (!rpc || !items || n == 0 || n > 1024) return BTQ_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].cb) return BTQ_EINVAL;
        int rc = check_call(items[i].method, items[i].params_json);
        if (rc) return rc;
    }
    batch *b = btq_calloc(1, sizeof *b);
    req **rs = btq_calloc(n, sizeof *rs);
    size_t total = 2;
    int rc = 0;
    if (!b || !rs) rc = BTQ_ENOMEM;
    uint64_t id0 = rc ? 0 : take_ids(rpc, n);
    for (size_t i = 0; !rc && i < n; i++) {
        rs[i] = make_req(rpc, id0 + i, items[i].method, items[i].params_json, items[i].flags,
                         items[i].cb, items[i].user, &rc);
        if (rs[i]) total += rs[i]->len + 1;
    }
    if (!rc) {
        b->buf = btq_malloc(total + 1);
        if (!b->buf) rc = BTQ_ENOMEM;
    }
    if (rc) {
        for (size_t i = 0; rs && i < n; i++)
            req_free(rs[i]);
        btq_free(rs);
        if (b) btq_free(b->buf);
        btq_free(b);
        return rc;
    }
    size_t o = 0;
    b->buf[o++] = '[';
    for (size_t i = 0; i < n; i++) {
        if (i) b->buf[o++] = ',';
        memcpy(b->buf + o, rs[i]->buf, rs[i]->len);
        o += rs[i]->len;
        rs[i]->batch = b;
        if (i + 1 < n) rs[i]->q_next = rs[i + 1];
    }
    b->buf[o++] = ']';
    b->buf[o] = 0;
    b->len = o;
    b->n = n;
    b->items = rs;
    rc = submit_chain(rpc, rs[0], rs[n - 1]);
    if (rc) {
        batch_dissolve(b);
        for (size_t i = 0; i < n; i++)
            req_free(rs[i]);
    }
    return rc;
}

int btq_rpc_subscribe(btq_rpc *rpc, const char *sub_method, const char *params_json,
                      const char *unsub_method, btq_rpc_cb cb, void *user, uint64_t *sub_id)
{
    if (!rpc || !cb || !btq_jr_method_ok(unsub_method)) return BTQ_EINVAL;
    int rc = check_call(sub_method, params_json);
    if (rc) return rc;
    sub *s = btq_calloc(1, sizeof *s);
    if (!s) return BTQ_ENOMEM;
    s->unsub_method = dupstr(unsub_method);
    s->cb = cb;
    s->user = user;
    s->state = S_PENDING;
    req *r = s->unsub_method
                 ? make_req(rpc, take_ids(rpc, 1), sub_method, params_json, 0, NULL, NULL, &rc)
                 : NULL;
    if (!r) {
        btq_free(s->unsub_method);
        btq_free(s);
        return rc ? rc : BTQ_ENOMEM;
    }
    r->kind = K_SUB;
    r->nonidem = 1;
    r->sub = s;
    s->sub_req = r;
    pthread_mutex_lock(&rpc->lock);
    if (rpc->closed) {
        pthread_mutex_unlock(&rpc->lock);
        req_free(r);
        btq_free(s->unsub_method);
        btq_free(s);
        return BTQ_ECLOSED;
    }
    s->local_id = ++rpc->next_sub_id;
    s->reg_next = rpc->reg;
    if (rpc->reg) rpc->reg->reg_prev = s;
    rpc->reg = s;
    s->in_reg = 1;
    int was_empty = rpc->in_head == NULL;
    if (rpc->in_tail)
        rpc->in_tail->q_next = r;
    else
        rpc->in_head = r;
    rpc->in_tail = r;
    if (sub_id) *sub_id = s->local_id;
    ST_ADD(rpc, subscriptions, 1);
    pthread_mutex_unlock(&rpc->lock);
    if (was_empty && tl_loop != rpc) lws_cancel_service(rpc->ctx);
    return 0;
}

int btq_rpc_unsubscribe(btq_rpc *rpc, uint64_t sub_id)
{
    if (!rpc || !sub_id) return BTQ_EINVAL;
    req *r = btq_calloc(1, sizeof *r);
    if (!r) return BTQ_ENOMEM;
    r->kind = K_UNSUB_CMD;
    r->target = sub_id;
    pthread_mutex_lock(&rpc->lock);
    sub *s;
    for (s = rpc->reg; s; s = s->reg_next)
        if (s->local_id == sub_id) break;
    if (!s || s->unsub_requested || rpc->closed) {
        pthread_mutex_unlock(&rpc->lock);
        btq_free(r);
        return BTQ_ENOTFOUND;
    }
    s->unsub_requested = 1;
    int was_empty = rpc->in_head == NULL;
    if (rpc->in_tail)
        rpc->in_tail->q_next = r;
    else
        rpc->in_head = r;
    rpc->in_tail = r;
    pthread_mutex_unlock(&rpc->lock);
    if (was_empty && tl_loop != rpc) lws_cancel_service(rpc->ctx);
    return 0;
}

int btq_rpc_poll(btq_rpc *rpc, int timeout_ms)
{
    if (!rpc || !rpc->opt.manual_poll) return BTQ_EINVAL;
    if (tl_loop == rpc) return BTQ_EINVAL; /* not from a callback */
    const btq_rpc *prev = tl_loop;
    tl_loop = rpc;
    drain_inbox(rpc);
    if (timeout_ms <= 0)
        lws_cancel_service(rpc->ctx);
    else
        lws_sul_schedule(rpc->ctx, 0, &rpc->sul_poll, sul_poll_cb, (lws_usec_t)timeout_ms * 1000);
    lws_service(rpc->ctx, 0);
    lws_sul_cancel(&rpc->sul_poll);
    drain_inbox(rpc);
    tl_loop = prev;
    return 0;
}

int btq_rpc_get_stats(btq_rpc *rpc, btq_rpc_stats *out)
{
    if (!rpc || !out) return BTQ_EINVAL;
    out->in_flight = ST_GET(rpc, in_flight);
    out->queued = ST_GET(rpc, queued);
    out->subscriptions = ST_GET(rpc, subscriptions);
    out->requests_sent = ST_GET(rpc, requests_sent);
    out->responses = ST_GET(rpc, responses);
    out->notifications = ST_GET(rpc, notifications);
    out->connects = ST_GET(rpc, connects);
    out->reconnects = ST_GET(rpc, reconnects);
    out->resent = ST_GET(rpc, resent);
    out->timeouts = ST_GET(rpc, timeouts);
    out->dropped_unknown_id = ST_GET(rpc, dropped_unknown_id);
    out->dropped_invalid = ST_GET(rpc, dropped_invalid);
    out->dropped_too_big = ST_GET(rpc, dropped_too_big);
    out->bytes_sent = ST_GET(rpc, bytes_sent);
    out->bytes_received = ST_GET(rpc, bytes_received);
    return 0;
}
