/* Futures (a ready-made callback target) and the blocking call built on them. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "btq/error.h"
#include "btq/rpc.h"
#include "btq/scale.h" /* btq_malloc / btq_free only */
#include "rpc/rpc_internal.h"

struct btq_future {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, status, armed, refs;
    char *result;
    size_t len;
    btq_error err;
    btq_rpc *rpc; /* set by btq_rpc_call_future: manual handles are polled while waiting */
};

static pthread_mutex_t g_wait_mu = PTHREAD_MUTEX_INITIALIZER; /* wait_all wakeups */
static pthread_cond_t g_wait_cv = PTHREAD_COND_INITIALIZER;

btq_future *btq_future_new(void)
{
    btq_future *f = btq_calloc(1, sizeof *f);
    if (!f) return NULL;
    pthread_mutex_init(&f->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cv, &ca);
    pthread_condattr_destroy(&ca);
    f->refs = 1;
    return f;
}

static void future_destroy(btq_future *f)
{
    btq_free(f->result);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    btq_free(f);
}

static void future_unref(btq_future *f)
{
    pthread_mutex_lock(&f->mu);
    int left = --f->refs;
    pthread_mutex_unlock(&f->mu);
    if (left == 0) future_destroy(f);
}

void btq_future_free(btq_future *f)
{
    if (f) future_unref(f);
}

static void future_complete(btq_future *f, int status, const char *result, size_t len,
                            const btq_error *err)
{
    char *copy = NULL;
    if (status == 0) {
        copy = btq_malloc(len + 1);
        if (copy) {
            if (len) memcpy(copy, result, len);
            copy[len] = 0;
        } else {
            status = BTQ_ENOMEM;
        }
    }
    pthread_mutex_lock(&f->mu);
    f->status = status;
    f->result = copy;
    f->len = copy ? len : 0;
    memset(&f->err, 0, sizeof f->err);
    if (status) {
        if (err) f->err = *err;
        f->err.code = status;
    }
    f->done = 1;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_mutex_lock(&g_wait_mu);
    pthread_cond_broadcast(&g_wait_cv);
    pthread_mutex_unlock(&g_wait_mu);
}

void btq_future_cb(int status, const char *result_json, size_t len, const btq_error *err,
                   void *user)
{
    if (user) future_complete(user, status, result_json, len, err);
}

static void armed_cb(int status, const char *result_json, size_t len, const btq_error *err,
                     void *user)
{
    btq_future *f = user;
    future_complete(f, status, result_json, len, err);
    future_unref(f); /* the reference held by the pending call */
}

int btq_rpc_call_future(btq_rpc *rpc, const char *method, const char *params_json, unsigned flags,
                        btq_future *f)
{
    if (!rpc || !f) return BTQ_EINVAL;
    pthread_mutex_lock(&f->mu);
    if (f->armed && !f->done) {
        pthread_mutex_unlock(&f->mu);
        return BTQ_EINVAL;
    }
    f->armed = 1;
    f->done = 0;
    f->refs++;
    f->rpc = rpc;
    btq_free(f->result);
    f->result = NULL;
    f->len = 0;
    pthread_mutex_unlock(&f->mu);
    int rc = btq_rpc_call_async(rpc, method, params_json, flags, armed_cb, f);
    if (rc) {
        pthread_mutex_lock(&f->mu);
        f->armed = 0;
        f->refs--;
        pthread_mutex_unlock(&f->mu);
    }
    return rc;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct timespec abs_after(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int btq_future_done(const btq_future *f)
{
    if (!f) return 0;
    btq_future *m = (btq_future *)(uintptr_t)f;
    pthread_mutex_lock(&m->mu);
    int d = m->done;
    pthread_mutex_unlock(&m->mu);
    return d;
}

int btq_future_wait(btq_future *f, int timeout_ms)
{
    if (!f) return BTQ_EINVAL;
    if (f->rpc && btq_rpc_on_loop_(f->rpc)) return btq_future_done(f) ? f->status : BTQ_EINVAL;
    int64_t end = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    if (f->rpc && btq_rpc_is_manual_(f->rpc)) {
        while (!btq_future_done(f)) {
            int64_t left = end < 0 ? 1000 : end - mono_ms();
            if (left <= 0) return BTQ_ETIMEDOUT;
            btq_rpc_poll(f->rpc, (int)(left > 1000 ? 1000 : left));
        }
        return f->status;
    }
    pthread_mutex_lock(&f->mu);
    while (!f->done) {
        if (end < 0) {
            pthread_cond_wait(&f->cv, &f->mu);
        } else {
            int64_t left = end - mono_ms();
            if (left <= 0) break;
            struct timespec ts = abs_after((int)(left > 1000000 ? 1000000 : left));
            pthread_cond_timedwait(&f->cv, &f->mu, &ts);
        }
    }
    int rc = f->done ? f->status : BTQ_ETIMEDOUT;
    pthread_mutex_unlock(&f->mu);
    return rc;
}

int btq_future_wait_all(btq_future *const *fs, size_t n, int timeout_ms)
{
    if (!fs && n) return BTQ_EINVAL;
    int64_t end = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    for (;;) {
        size_t i;
        btq_rpc *manual = NULL;
        for (i = 0; i < n; i++) {
            if (!fs[i]) return BTQ_EINVAL;
            if (!btq_future_done(fs[i])) {
                if (fs[i]->rpc && btq_rpc_on_loop_(fs[i]->rpc)) return BTQ_EINVAL;
                if (fs[i]->rpc && btq_rpc_is_manual_(fs[i]->rpc)) manual = fs[i]->rpc;
                break;
            }
        }
        if (i == n) return 0;
        int64_t left = end < 0 ? 1000 : end - mono_ms();
        if (left <= 0) return BTQ_ETIMEDOUT;
        if (left > 1000) left = 1000;
        if (manual) {
            btq_rpc_poll(manual, (int)left);
            continue;
        }
        /* wait for any completion, rechecking under the global lock to not miss it */
        pthread_mutex_lock(&g_wait_mu);
        if (!btq_future_done(fs[i])) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += left / 1000;
            ts.tv_nsec += (long)(left % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&g_wait_cv, &g_wait_mu, &ts);
        }
        pthread_mutex_unlock(&g_wait_mu);
    }
}

int btq_future_status(const btq_future *f)
{
    if (!btq_future_done(f)) return BTQ_EINVAL;
    return f->status;
}

const char *btq_future_result(const btq_future *f, size_t *len)
{
    if (!btq_future_done(f) || f->status) return NULL;
    if (len) *len = f->len;
    return f->result;
}

const btq_error *btq_future_error(const btq_future *f)
{
    if (!btq_future_done(f) || !f->status) return NULL;
    return &f->err;
}

int btq_future_reset(btq_future *f)
{
    if (!f) return BTQ_EINVAL;
    pthread_mutex_lock(&f->mu);
    if (f->armed && !f->done) {
        pthread_mutex_unlock(&f->mu);
        return BTQ_EINVAL;
    }
    btq_free(f->result);
    f->result = NULL;
    f->len = 0;
    f->done = 0;
    f->armed = 0;
    f->status = 0;
    memset(&f->err, 0, sizeof f->err);
    pthread_mutex_unlock(&f->mu);
    return 0;
}

/* ---- blocking call ------------------------------------------------------------------------ */
int btq_rpc_call(btq_rpc *rpc, const char *method, const char *params_json, unsigned flags,
                 char **result, size_t *len, btq_error *err)
{
    if (err) btq_error_clear(err);
    if (result) *result = NULL;
    if (len) *len = 0;
    if (!rpc || !result) return BTQ_EINVAL;
    if (btq_rpc_on_loop_(rpc)) return BTQ_EINVAL;
    btq_future *f = btq_future_new();
    if (!f) {
        if (err) err->code = BTQ_ENOMEM;
        return BTQ_ENOMEM;
    }
    int rc = btq_rpc_call_future(rpc, method, params_json, flags, f);
    if (rc) {
        btq_future_free(f);
        if (err) err->code = rc;
        return rc;
    }
    rc = btq_future_wait(f, -1);
    if (rc == 0) {
        pthread_mutex_lock(&f->mu);
        *result = f->result;
        if (len) *len = f->len;
        f->result = NULL;
        pthread_mutex_unlock(&f->mu);
    } else if (err) {
        *err = f->err;
        err->code = rc;
    }
    btq_future_free(f);
    return rc;
}
