/* Decoded async-callback form of storage reads: btq_storage_get_async. The requests go out at
 * once through the transport; when every answer of a job has arrived, the transport's loop
 * thread only queues the job (cheap) and the client's worker thread decodes it
 * (btq_storage_finish) and runs the callback, so decoding never stalls the loop that serves
 * every other request. One worker per client, created on first use, joined in
 * btq_client_free; jobs still pending then complete with BTQ_ECANCELED exactly once. */
#include <string.h>

#include "client_internal.h"

typedef struct btq__job {
    struct btq__job *next;
    btq_client *c;
    btq_pin pin; /* a copy holding its own metadata reference: the caller's pin may go */
    btq_storage_op *op;
    size_t n;
    btq_storage_cb cb;
    void *user;
    int arrived; /* every answer is in (set by the fetch's done hook) */
    int armed;   /* btq_storage_get_async has finished setting the job up */
} btq__job;

void btq__worker_init(btq_client *c)
{
    pthread_mutex_init(&c->wmu, NULL);
    pthread_cond_init(&c->wcv, NULL);
    c->worker_started = 0;
    c->wstop = 0;
    c->wbusy = 0;
    c->wlive = 0;
    c->qhead = c->qtail = NULL;
}

/* Under wmu. */
static void enqueue_locked(btq_client *c, btq__job *j)
{
    j->next = NULL;
    if (c->qtail)
        c->qtail->next = j;
    else
        c->qhead = j;
    c->qtail = j;
    pthread_cond_broadcast(&c->wcv);
}

/* The fetch's done hook: on the loop thread (or the starting thread). Only queues. */
static void job_arrived(void *user)
{
    btq__job *j = user;
    btq_client *c = j->c;
    pthread_mutex_lock(&c->wmu);
    j->arrived = 1;
    if (j->armed) enqueue_locked(c, j);
    pthread_mutex_unlock(&c->wmu);
}

static void job_free(btq__job *j)
{
    btq_metadata_unref(j->pin.md);
    btq_free(j);
}

/* Decode (or cancel) one job and run its callback; on the worker, without wmu. */
static void job_run(btq__job *j, int cancel)
{
    btq_error e;
    btq_error_clear(&e);
    btq_result **res = NULL;
    int rc = 0;
    if (cancel) {
        btq_storage_op_free(j->op);
        rc = btq__cl_fail(&e, BTQ_ECANCELED, "storage read canceled: the client was freed");
    } else if (j->n && !(res = btq_calloc(j->n, sizeof *res))) {
        btq_storage_op_free(j->op);
        rc = btq__cl_fail(&e, BTQ_ENOMEM, NULL);
    } else {
        /* every answer is in: finish does not wait, it parses and decodes here */
        rc = btq_storage_finish(j->op, -1, res, &e);
    }
    j->op = NULL;
    if (rc) {
        if (e.code == 0) e.code = rc;
        j->cb(rc, NULL, 0, &e, j->user);
    } else {
        j->cb(0, res, j->n, NULL, j->user);
    }
    btq_free(res); /* the array only: the results now belong to the callback */
    job_free(j);
}

static void *worker_main(void *arg)
{
    btq_client *c = arg;
    pthread_mutex_lock(&c->wmu);
    for (;;) {
        while (!c->qhead && !(c->wstop && c->wlive == 0))
            pthread_cond_wait(&c->wcv, &c->wmu);
        if (!c->qhead) break; /* stopping and nothing left */
        btq__job *j = c->qhead;
        c->qhead = j->next;
        if (!c->qhead) c->qtail = NULL;
        int cancel = c->wstop;
        c->wbusy = 1;
        pthread_mutex_unlock(&c->wmu);
        job_run(j, cancel);
        pthread_mutex_lock(&c->wmu);
        c->wbusy = 0;
        c->wlive--;
        pthread_cond_broadcast(&c->wcv);
    }
    pthread_mutex_unlock(&c->wmu);
    return NULL;
}

void btq__worker_quiesce(btq_client *c)
{
    pthread_mutex_lock(&c->wmu);
    c->wstop = 1;
    pthread_cond_broadcast(&c->wcv);
    /* the job running now (it may still use the transport) ends first; later ones cancel */
    while (c->wbusy)
        pthread_cond_wait(&c->wcv, &c->wmu);
    pthread_mutex_unlock(&c->wmu);
}

void btq__worker_join(btq_client *c)
{
    pthread_mutex_lock(&c->wmu);
    c->wstop = 1;
    int started = c->worker_started;
    pthread_cond_broadcast(&c->wcv);
    pthread_mutex_unlock(&c->wmu);
    if (started) pthread_join(c->worker, NULL);
    pthread_cond_destroy(&c->wcv);
    pthread_mutex_destroy(&c->wmu);
}

int btq_storage_get_async(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                          btq_storage_cb cb, void *user, btq_error *err)
{
    if (!pin || !cb || (!reqs && n)) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    btq_client *c = pin->c;
    btq__job *j = btq_calloc(1, sizeof *j);
    if (!j) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    j->c = c;
    j->pin = *pin;
    j->pin.md = btq_metadata_ref(pin->md);
    j->n = n;
    j->cb = cb;
    j->user = user;

    pthread_mutex_lock(&c->wmu);
    int rc = 0;
    if (c->wstop) {
        rc = btq__cl_fail(err, BTQ_ECLOSED, "the client is being freed");
    } else if (!c->worker_started) {
        if (pthread_create(&c->worker, NULL, worker_main, c) != 0)
            rc = btq__cl_fail(err, BTQ_ENOMEM, "cannot start the client's worker thread");
        else
            c->worker_started = 1;
    }
    if (!rc) c->wlive++; /* from here btq_client_free waits for this job */
    pthread_mutex_unlock(&c->wmu);
    if (rc) {
        job_free(j);
        return rc;
    }

    btq_storage_op *op = NULL;
    rc = btq__storage_start_notify(&j->pin, reqs, n, job_arrived, j, &op, err);
    pthread_mutex_lock(&c->wmu);
    if (rc) {
        /* nothing was sent, or what was sent frees itself: job_arrived never runs */
        c->wlive--;
        pthread_cond_broadcast(&c->wcv);
    } else {
        j->op = op;
        j->armed = 1;
        if (j->arrived) enqueue_locked(c, j);
    }
    pthread_mutex_unlock(&c->wmu);
    if (rc) job_free(j);
    return rc;
}
