/* Helpers shared by the scenario tests (tests/rpc/test_scenario_*.c, test_reconnect_bar.c):
 * a mock node + a btq_rpc client with short timeouts, and a thread-safe callback collector
 * that records how many times each callback ran, its status and its result text. */
#ifndef BTQ_SCENARIO_UTIL_H
#define BTQ_SCENARIO_UTIL_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/rpc.h"
#include "btq/scale.h"
#include "btq_test.h"
#include "mock_node.h"

/* How long a scenario waits for something that should happen. The sc_wait_* helpers below
 * (and mock_node_wait_*) multiply their timeout by btq_test_time_scale() themselves. */
#define SC_WAIT_MS 10000

static inline int64_t sc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void sc_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static inline mock_node *sc_node(void)
{
    mock_node_opts o = {0};
    o.count_params = 1;
    mock_node *n = mock_node_start(&o);
    ck_assert_ptr_nonnull(n);
    return n;
}

/* Options with short timeouts for a mock at url. */
static inline void sc_opts(btq_rpc_options *o, const char *url)
{
    btq_rpc_options_init(o);
    o->url = url;
    o->request_timeout_ms = (uint32_t)btq_test_ms(5000);
    o->connect_timeout_ms = (uint32_t)btq_test_ms(2000);
    o->idle_timeout_ms = 0;
    o->backoff_initial_ms = 20;
    o->backoff_max_ms = 200;
}

static inline btq_rpc *sc_client(const btq_rpc_options *o)
{
    btq_rpc *rpc = NULL;
    btq_error err = {0};
    int rc = btq_rpc_new(o, &rpc, &err);
    ck_assert_msg(rc == 0, "btq_rpc_new: %s (%s)", btq_err_name(rc), err.message);
    ck_assert_ptr_nonnull(rpc);
    return rpc;
}

static inline btq_rpc *sc_default_client(mock_node *n)
{
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(n));
    return sc_client(&o);
}

/* Blocking call; returns the status; *out (optional) gets the result (caller frees with free). */
static inline int sc_call(btq_rpc *rpc, const char *method, const char *params, unsigned flags,
                          char **out, btq_error *err)
{
    char *res = NULL;
    size_t len = 0;
    btq_error e = {0};
    int rc = btq_rpc_call(rpc, method, params, flags, &res, &len, &e);
    if (rc == 0) {
        ck_assert_ptr_nonnull(res);
        ck_assert_uint_eq(strlen(res), len);
    } else {
        ck_assert_ptr_null(res);
        ck_assert_int_eq(e.code, rc);
    }
    if (out) *out = res ? strdup(res) : NULL;
    btq_free(res);
    if (err) *err = e;
    return rc;
}

/* Call and require success with exactly `want` as the result text. */
static inline void sc_call_expect(btq_rpc *rpc, const char *method, const char *params,
                                  const char *want)
{
    char *res = NULL;
    btq_error e = {0};
    int rc = sc_call(rpc, method, params, 0, &res, &e);
    ck_assert_msg(rc == 0, "%s: %s (%s)", method, btq_err_name(rc), e.message);
    ck_assert_str_eq(res, want);
    free(res);
}

/* ---- collector: many async callbacks ------------------------------------------------------- */
typedef struct sc_slot {
    int calls; /* how many times the callback ran (must end 1) */
    int status;
    char *result;
    int64_t rpc_code;
    char message[BTQ_ERROR_MSG_MAX];
    struct sc_collect *owner;
    /* subscriptions: notifications seen (status 0), in order, joined by '\n' */
    int notes;
    char *notes_text;
    size_t notes_len;
} sc_slot;

typedef struct sc_collect {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t n;
    size_t done;  /* slots whose callback ran at least once (final for subscriptions) */
    size_t extra; /* callbacks beyond the first (must end 0) */
    sc_slot *slots;
} sc_collect;

static inline sc_collect *sc_collect_new(size_t n)
{
    sc_collect *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->n = n;
    c->slots = calloc(n ? n : 1, sizeof *c->slots);
    ck_assert_ptr_nonnull(c->slots);
    for (size_t i = 0; i < n; i++)
        c->slots[i].owner = c;
    return c;
}

static inline void sc_collect_free(sc_collect *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->slots[i].result);
        free(c->slots[i].notes_text);
    }
    free(c->slots);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* btq_rpc_cb for calls: user = &slots[i]. */
static inline void sc_cb(int status, const char *result, size_t len, const btq_error *err,
                         void *user)
{
    sc_slot *s = user;
    sc_collect *c = s->owner;
    pthread_mutex_lock(&c->mu);
    s->calls++;
    if (s->calls == 1) {
        s->status = status;
        if (status == 0 && result) {
            s->result = malloc(len + 1);
            if (s->result) {
                memcpy(s->result, result, len);
                s->result[len] = 0;
            }
        }
        if (err) {
            s->rpc_code = err->rpc_code;
            snprintf(s->message, sizeof s->message, "%s", err->message);
        }
        c->done++;
    } else {
        c->extra++;
    }
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* btq_rpc_cb for subscriptions: notifications (status 0) are appended; the final status counts
 * as the slot's one completion. */
static inline void sc_sub_cb(int status, const char *result, size_t len, const btq_error *err,
                             void *user)
{
    sc_slot *s = user;
    sc_collect *c = s->owner;
    pthread_mutex_lock(&c->mu);
    if (status == 0) {
        char *t = realloc(s->notes_text, s->notes_len + len + 2);
        if (t) {
            s->notes_text = t;
            if (s->notes_len) t[s->notes_len++] = '\n';
            memcpy(t + s->notes_len, result, len);
            s->notes_len += len;
            t[s->notes_len] = 0;
        }
        s->notes++;
    } else {
        s->calls++;
        if (s->calls == 1) {
            s->status = status;
            if (err) {
                s->rpc_code = err->rpc_code;
                snprintf(s->message, sizeof s->message, "%s", err->message);
            }
            c->done++;
        } else {
            c->extra++;
        }
    }
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Wait until `count` slots completed; 0 or -1 on timeout. */
static inline int sc_wait_done(sc_collect *c, size_t count, int timeout_ms)
{
    int64_t end = sc_now_ms() + btq_test_ms(timeout_ms);
    pthread_mutex_lock(&c->mu);
    while (c->done < count) {
        int64_t left = end - sc_now_ms();
        if (left <= 0) break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)(left / 1000);
        ts.tv_nsec += (long)(left % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&c->cv, &c->mu, &ts);
    }
    int rc = c->done >= count ? 0 : -1;
    pthread_mutex_unlock(&c->mu);
    return rc;
}

/* Wait until slot i has seen `count` notifications; 0 or -1. */
static inline int sc_wait_notes(sc_collect *c, size_t i, int count, int timeout_ms)
{
    int64_t end = sc_now_ms() + btq_test_ms(timeout_ms);
    for (;;) {
        pthread_mutex_lock(&c->mu);
        int rc = c->slots[i].notes >= count ? 0 : -1;
        pthread_mutex_unlock(&c->mu);
        if (rc == 0 || sc_now_ms() > end) return rc;
        sc_sleep_ms(2);
    }
}

static inline btq_rpc_stats sc_stats(btq_rpc *rpc)
{
    btq_rpc_stats st;
    memset(&st, 0, sizeof st);
    ck_assert_int_eq(btq_rpc_get_stats(rpc, &st), 0);
    return st;
}

/* Poll until the client reports nothing in flight or queued; 0 or -1. */
static inline int sc_wait_quiet(btq_rpc *rpc, int timeout_ms)
{
    int64_t end = sc_now_ms() + btq_test_ms(timeout_ms);
    for (;;) {
        btq_rpc_stats st = sc_stats(rpc);
        if (st.in_flight == 0 && st.queued == 0) return 0;
        if (sc_now_ms() > end) return -1;
        sc_sleep_ms(2);
    }
}

#endif
