/* btq_storage_get_async against the fake raonet node (fake_chain.h): many jobs in flight all
 * complete exactly once with the values the blocking form reads; callbacks run on the client's
 * worker thread (neither the caller's nor the transport loop's) and a callback that blocks does
 * not stall the loop; invalid requests fail synchronously without a callback; freeing the
 * client with jobs pending completes each with BTQ_ECANCELED exactly once. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/client.h"
#include "fake_chain.h"

static fake_chain fc;
static mock_node *node;

static void setup(void)
{
    fc_init(&fc);
    node = fc_start(&fc);
}

static void teardown(void)
{
    mock_node_stop(node);
    fc_free(&fc);
}

static btq_client *new_client(void)
{
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = mock_node_url(node);
    btq_client *c = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_client_new(&o, &c, &err) == 0, "client: %s", err.message);
    return c;
}

static btq_pin *pin_head(btq_client *c)
{
    btq_pin *p = NULL;
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_client_pin(c, NULL, &p, &err);
    ck_assert_msg(rc == 0, "pin: %s (%s)", err.message, btq_err_name(rc));
    return p;
}

static struct timespec deadline_in(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* ---- one record per async job ---------------------------------------------------------------- */
#define MAXN 4

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static int g_done; /* callbacks run, all jobs */

typedef struct job_rec {
    int calls;
    int status;
    int err_code; /* err->code, or 1 when err was NULL */
    int results_null;
    size_t n;
    btq_result *res[MAXN];
    pthread_t thread;
    /* gate: the callback blocks until released (0 = no gate) */
    int gated, entered, released;
} job_rec;

static void job_cb(int status, btq_result **results, size_t n, const btq_error *err, void *user)
{
    job_rec *r = user;
    pthread_mutex_lock(&g_mu);
    r->calls++;
    r->status = status;
    r->err_code = err ? err->code : 1;
    r->results_null = results == NULL;
    r->n = n;
    r->thread = pthread_self();
    for (size_t i = 0; results && i < n && i < MAXN; i++)
        r->res[i] = results[i]; /* transferred: kept, freed by the test */
    for (size_t i = MAXN; results && i < n; i++)
        btq_result_free(results[i]);
    if (r->gated) {
        r->entered = 1;
        pthread_cond_broadcast(&g_cv);
        struct timespec ts = deadline_in(10000);
        while (!r->released)
            if (pthread_cond_timedwait(&g_cv, &g_mu, &ts) != 0) break;
    }
    g_done++;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
}

static void wait_done(int want)
{
    pthread_mutex_lock(&g_mu);
    struct timespec ts = deadline_in(20000);
    while (g_done < want)
        if (pthread_cond_timedwait(&g_cv, &g_mu, &ts) != 0) break;
    int got = g_done;
    pthread_mutex_unlock(&g_mu);
    ck_assert_int_eq(got, want);
}

static void reset_done(void)
{
    pthread_mutex_lock(&g_mu);
    g_done = 0;
    pthread_mutex_unlock(&g_mu);
}

/* The transport loop thread, seen from a raw async call's callback. */
typedef struct loop_probe {
    int done;
    pthread_t thread;
} loop_probe;

static void loop_cb(int status, const char *result_json, size_t len, const btq_error *err,
                    void *user)
{
    (void)status;
    (void)result_json;
    (void)len;
    (void)err;
    loop_probe *p = user;
    pthread_mutex_lock(&g_mu);
    p->thread = pthread_self();
    p->done = 1;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
}

static pthread_t loop_thread_of(btq_client *c)
{
    loop_probe p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(
        btq_rpc_call_async(btq_client_rpc_handle(c), "chain_getHead", NULL, 0, loop_cb, &p), 0);
    pthread_mutex_lock(&g_mu);
    struct timespec ts = deadline_in(10000);
    while (!p.done)
        if (pthread_cond_timedwait(&g_cv, &g_mu, &ts) != 0) break;
    int done = p.done;
    pthread_mutex_unlock(&g_mu);
    ck_assert(done);
    return p.thread;
}

static int same_bytes(const btq_result *a, const btq_result *b)
{
    const uint8_t *pa, *pb;
    size_t na, nb;
    btq_result_bytes(a, &pa, &na);
    btq_result_bytes(b, &pb, &nb);
    if (na != nb || btq_result_found(a) != btq_result_found(b)) return 0;
    return na == 0 || memcmp(pa, pb, na) == 0;
}

#define NJOBS 48
#define NNET 12

START_TEST(many_jobs_in_flight_complete_once_with_right_values_on_the_worker)
{
    btq_client *c = new_client();
    btq_pin *p = pin_head(c);
    btq_error err;
    btq_error_clear(&err);
    /* expected: Tempo of subnets 0..NNET-1 read with the blocking form */
    char txt[NNET][8];
    btq_key keys[NNET];
    btq_storage_req reqs[NNET];
    for (int i = 0; i < NNET; i++) {
        snprintf(txt[i], sizeof txt[i], "%d", i);
        keys[i] = (btq_key){BTQ_KEY_JSON, txt[i], NULL, NULL, 0};
        reqs[i] = (btq_storage_req){"SubtensorModule", "Tempo", &keys[i], 1};
    }
    btq_result *want[NNET];
    ck_assert_msg(btq_storage_get_many(p, reqs, NNET, want, &err) == 0, "%s", err.message);
    uint64_t t1 = 0;
    ck_assert_int_eq(btq_value_u64(btq_result_value(want[1]), &t1), 0);
    ck_assert_uint_eq(t1, 10); /* head block: Tempo[1] = 10 */

    pthread_t loop = loop_thread_of(c);
    static job_rec rec[NJOBS];
    memset(rec, 0, sizeof rec);
    reset_done();
    /* job j asks for (j % 3) + 1 consecutive subnets starting at j % NNET (wrapping) */
    for (int j = 0; j < NJOBS; j++) {
        size_t n = (size_t)(j % 3) + 1;
        btq_storage_req rq[MAXN];
        for (size_t i = 0; i < n; i++)
            rq[i] = reqs[((size_t)j + i) % NNET];
        int rc = btq_storage_get_async(p, rq, n, job_cb, &rec[j], &err);
        ck_assert_msg(rc == 0, "job %d: %s", j, err.message);
    }
    btq_pin_free(p); /* the jobs hold their own copy of the pin */
    wait_done(NJOBS);
    pthread_t worker = rec[0].thread;
    for (int j = 0; j < NJOBS; j++) {
        size_t n = (size_t)(j % 3) + 1;
        ck_assert_int_eq(rec[j].calls, 1);
        ck_assert_int_eq(rec[j].status, 0);
        ck_assert_int_eq(rec[j].err_code, 1); /* err NULL on success */
        ck_assert_uint_eq(rec[j].n, n);
        ck_assert(!pthread_equal(rec[j].thread, pthread_self()));
        ck_assert(!pthread_equal(rec[j].thread, loop));
        ck_assert(pthread_equal(rec[j].thread, worker)); /* one worker per client */
        for (size_t i = 0; i < n; i++) {
            ck_assert_msg(same_bytes(rec[j].res[i], want[((size_t)j + i) % NNET]),
                          "job %d result %zu differs from the blocking read", j, i);
            ck_assert_ptr_nonnull(btq_result_value(rec[j].res[i]));
            btq_result_free(rec[j].res[i]);
        }
    }
    /* nothing runs twice later */
    struct timespec pause = {0, 100 * 1000000L};
    nanosleep(&pause, NULL);
    for (int j = 0; j < NJOBS; j++)
        ck_assert_int_eq(rec[j].calls, 1);
    for (int i = 0; i < NNET; i++)
        btq_result_free(want[i]);
    btq_client_free(c);
}
END_TEST

START_TEST(invalid_request_fails_synchronously_and_never_calls_back)
{
    btq_client *c = new_client();
    btq_pin *p = pin_head(c);
    btq_error err;
    btq_error_clear(&err);
    btq_key k = {BTQ_KEY_JSON, "1", NULL, NULL, 0};
    btq_storage_req good = {"SubtensorModule", "Tempo", &k, 1};
    btq_storage_req bad[2] = {good, {"NoSuchPallet", "Tempo", &k, 1}};
    job_rec rb, rn, rg, rz;
    memset(&rb, 0, sizeof rb);
    memset(&rn, 0, sizeof rn);
    memset(&rg, 0, sizeof rg);
    memset(&rz, 0, sizeof rz);
    reset_done();
    ck_assert_int_eq(btq_storage_get_async(p, bad, 2, job_cb, &rb, &err), BTQ_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(err.message, "NoSuchPallet"));
    ck_assert_int_eq(btq_storage_get_async(p, &good, 1, NULL, &rn, &err), BTQ_EINVAL);
    ck_assert_int_eq(btq_storage_get_async(NULL, &good, 1, job_cb, &rn, &err), BTQ_EINVAL);
    /* a valid job after them: its callback is the only one (and zero requests is valid) */
    ck_assert_int_eq(btq_storage_get_async(p, &good, 1, job_cb, &rg, &err), 0);
    ck_assert_int_eq(btq_storage_get_async(p, NULL, 0, job_cb, &rz, &err), 0);
    wait_done(2);
    ck_assert_int_eq(rg.calls, 1);
    ck_assert_int_eq(rg.status, 0);
    uint64_t v = 0;
    ck_assert_int_eq(btq_value_u64(btq_result_value(rg.res[0]), &v), 0);
    ck_assert_uint_eq(v, 10);
    btq_result_free(rg.res[0]);
    ck_assert_int_eq(rz.calls, 1);
    ck_assert_int_eq(rz.status, 0);
    ck_assert_uint_eq(rz.n, 0);
    btq_pin_free(p);
    btq_client_free(c);
    ck_assert_int_eq(rb.calls, 0);
    ck_assert_int_eq(rn.calls, 0);
    pthread_mutex_lock(&g_mu);
    ck_assert_int_eq(g_done, 2);
    pthread_mutex_unlock(&g_mu);
}
END_TEST

START_TEST(a_blocked_callback_does_not_stall_the_transport_loop)
{
    btq_client *c = new_client();
    btq_pin *p = pin_head(c);
    btq_error err;
    btq_error_clear(&err);
    btq_key k = {BTQ_KEY_JSON, "0", NULL, NULL, 0};
    btq_storage_req r = {"SubtensorModule", "Tempo", &k, 1};
    job_rec gate;
    memset(&gate, 0, sizeof gate);
    gate.gated = 1;
    reset_done();
    ck_assert_int_eq(btq_storage_get_async(p, &r, 1, job_cb, &gate, &err), 0);
    pthread_mutex_lock(&g_mu);
    struct timespec ts = deadline_in(10000);
    while (!gate.entered)
        if (pthread_cond_timedwait(&g_cv, &g_mu, &ts) != 0) break;
    int entered = gate.entered;
    pthread_mutex_unlock(&g_mu);
    ck_assert(entered);
    /* the worker is stuck in the callback; the loop still serves blocking and raw calls */
    btq_result *res = NULL;
    ck_assert_msg(btq_storage_get(p, &r, &res, &err) == 0, "%s", err.message);
    btq_result_free(res);
    pthread_t loop = loop_thread_of(c);
    pthread_mutex_lock(&g_mu);
    ck_assert(!pthread_equal(gate.thread, loop));
    gate.released = 1;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
    wait_done(1);
    ck_assert_int_eq(gate.status, 0);
    btq_result_free(gate.res[0]);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

#define NPEND 8

START_TEST(client_free_cancels_pending_jobs_exactly_once)
{
    btq_client *c = new_client();
    btq_pin *p = pin_head(c);
    btq_error err;
    btq_error_clear(&err);
    pthread_t loop = loop_thread_of(c);
    mock_fault f;
    memset(&f, 0, sizeof f);
    f.kind = MOCK_SILENT;
    f.method = "state_getStorage"; /* one key per job */
    f.count = NPEND;
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    btq_key k = {BTQ_KEY_JSON, "1", NULL, NULL, 0};
    btq_storage_req r = {"SubtensorModule", "Tempo", &k, 1};
    job_rec rec[NPEND];
    memset(rec, 0, sizeof rec);
    reset_done();
    for (int j = 0; j < NPEND; j++)
        ck_assert_int_eq(btq_storage_get_async(p, &r, 1, job_cb, &rec[j], &err), 0);
    btq_pin_free(p);
    /* let the requests reach the (silent) node, then free with all of them pending */
    struct timespec pause = {0, 200 * 1000000L};
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&g_mu);
    ck_assert_int_eq(g_done, 0);
    pthread_mutex_unlock(&g_mu);
    btq_client_free(c);
    /* every callback ran before btq_client_free returned, once, with BTQ_ECANCELED */
    pthread_mutex_lock(&g_mu);
    ck_assert_int_eq(g_done, NPEND);
    pthread_mutex_unlock(&g_mu);
    for (int j = 0; j < NPEND; j++) {
        ck_assert_int_eq(rec[j].calls, 1);
        ck_assert_int_eq(rec[j].status, BTQ_ECANCELED);
        ck_assert_int_eq(rec[j].err_code, BTQ_ECANCELED);
        ck_assert(rec[j].results_null);
        ck_assert_uint_eq(rec[j].n, 0);
        ck_assert(!pthread_equal(rec[j].thread, pthread_self()));
        ck_assert(!pthread_equal(rec[j].thread, loop));
    }
    nanosleep(&pause, NULL);
    for (int j = 0; j < NPEND; j++)
        ck_assert_int_eq(rec[j].calls, 1);
}
END_TEST

/* One job of several state_queryStorageAt chunks (256 keys each). */
typedef struct big_rec {
    int calls, status;
    size_t n;
    int mismatches;
    const btq_result *const *want;
} big_rec;

#define NBIG 600

static void big_cb(int status, btq_result **results, size_t n, const btq_error *err, void *user)
{
    (void)err;
    big_rec *r = user;
    pthread_mutex_lock(&g_mu);
    r->calls++;
    r->status = status;
    r->n = n;
    for (size_t i = 0; i < n; i++) {
        if (!same_bytes(results[i], r->want[i % 3])) r->mismatches++;
        btq_result_free(results[i]);
    }
    g_done++;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
}

START_TEST(a_job_of_several_chunks_completes_once)
{
    btq_client *c = new_client();
    btq_pin *p = pin_head(c);
    btq_error err;
    btq_error_clear(&err);
    btq_key k[3] = {{BTQ_KEY_JSON, "0", NULL, NULL, 0},
                    {BTQ_KEY_JSON, "1", NULL, NULL, 0},
                    {BTQ_KEY_JSON, "9", NULL, NULL, 0}};
    btq_storage_req three[3];
    for (int i = 0; i < 3; i++)
        three[i] = (btq_storage_req){"SubtensorModule", "Tempo", &k[i], 1};
    btq_result *want[3];
    ck_assert_msg(btq_storage_get_many(p, three, 3, want, &err) == 0, "%s", err.message);
    btq_storage_req *reqs = malloc(NBIG * sizeof *reqs);
    for (size_t i = 0; i < NBIG; i++)
        reqs[i] = three[i % 3];
    big_rec r;
    memset(&r, 0, sizeof r);
    r.want = (const btq_result *const *)want;
    reset_done();
    ck_assert_int_eq(btq_storage_get_async(p, reqs, NBIG, big_cb, &r, &err), 0);
    free(reqs);
    wait_done(1);
    ck_assert_int_eq(r.calls, 1);
    ck_assert_int_eq(r.status, 0);
    ck_assert_uint_eq(r.n, NBIG);
    ck_assert_int_eq(r.mismatches, 0);
    for (int i = 0; i < 3; i++)
        btq_result_free(want[i]);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

START_TEST(client_without_async_jobs_frees_cleanly)
{
    btq_client *c = new_client();
    btq_client_free(c); /* no worker was ever started */
    c = new_client();
    btq_pin *p = pin_head(c);
    btq_pin_free(p);
    btq_client_free(c);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("client_async");
    TCase *tc = tcase_create("fake raonet node");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, many_jobs_in_flight_complete_once_with_right_values_on_the_worker);
    tcase_add_test(tc, invalid_request_fails_synchronously_and_never_calls_back);
    tcase_add_test(tc, a_blocked_callback_does_not_stall_the_transport_loop);
    tcase_add_test(tc, client_free_cancels_pending_jobs_exactly_once);
    tcase_add_test(tc, a_job_of_several_chunks_completes_once);
    tcase_add_test(tc, client_without_async_jobs_frees_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
