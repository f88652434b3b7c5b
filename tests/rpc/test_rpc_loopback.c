/* The connection manager against the in-process mock node on 127.0.0.1: echo, pipelining,
 * batches, errors, futures, manual poll, subscriptions, idle close, recording, stats. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btq/rpc.h"
#include "btq/scale.h"
#include "btq_test.h"
#include "mock_node.h"

static void usleep_(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static mock_node *start_node(void)
{
    mock_node_opts o;
    memset(&o, 0, sizeof o);
    mock_node *n = mock_node_start(&o);
    ck_assert_ptr_nonnull(n);
    return n;
}

static void log_cb(int level, const char *msg, void *user)
{
    fprintf(stderr, "rpc[%d]: %s\n", level, msg);
}

static btq_rpc *open_rpc(mock_node *n, int manual, uint32_t idle_ms)
{
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    if (getenv("BTQ_RPC_TEST_LOG")) {
        o.log = log_cb;
        o.log_level = BTQ_RPC_LOG_DEBUG;
    }
    o.url = mock_node_url(n);
    o.manual_poll = manual;
    o.idle_timeout_ms = idle_ms;
    btq_rpc *rpc = NULL;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, NULL), 0);
    return rpc;
}

START_TEST(blocking_echo_returns_params_as_raw_result)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    char *res = NULL;
    size_t len = 0;
    btq_error e;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", "[1,\"a\",{\"b\":null}]", 0, &res, &len, &e),
                     0);
    ck_assert_str_eq(res, "[1,\"a\",{\"b\":null}]");
    ck_assert_uint_eq(len, strlen(res));
    btq_free(res);
    btq_rpc_stats st;
    btq_rpc_get_stats(rpc, &st);
    ck_assert_uint_eq(st.connects, 1);
    ck_assert_uint_eq(st.responses, 1);
    ck_assert_uint_eq(st.in_flight, 0);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

START_TEST(node_error_object_reaches_caller_with_code_and_message)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    char *res = NULL;
    btq_error e;
    ck_assert_int_eq(btq_rpc_call(rpc, "no_such_method", NULL, 0, &res, NULL, &e), BTQ_ERPC);
    ck_assert_ptr_null(res);
    ck_assert_int_eq(e.code, BTQ_ERPC);
    ck_assert_int_eq(e.rpc_code, -32601);
    ck_assert_str_eq(e.message, "Method not found");
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

typedef struct counter {
    pthread_mutex_t mu;
    int ok, fail, total;
    int seen[4096];
} counter;

static void count_cb(int status, const char *r, size_t len, const btq_error *e, void *user)
{
    counter *c = user;
    pthread_mutex_lock(&c->mu);
    c->total++;
    if (status == 0) {
        int v = atoi(r + 1); /* "[N]" */
        if (v >= 0 && v < 4096) c->seen[v]++;
        c->ok++;
    } else {
        c->fail++;
    }
    pthread_mutex_unlock(&c->mu);
}

static int counter_total(counter *c)
{
    pthread_mutex_lock(&c->mu);
    int t = c->total;
    pthread_mutex_unlock(&c->mu);
    return t;
}

START_TEST(pipelined_3000_answers_each_to_its_own_request)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    static counter c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.mu, NULL);
    for (int i = 0; i < 3000; i++) {
        char p[32];
        snprintf(p, sizeof p, "[%d]", i);
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", p, 0, count_cb, &c), 0);
    }
    for (int t = 0; t < 1000 && counter_total(&c) < 3000; t++)
        usleep_(10000);
    ck_assert_int_eq(c.ok, 3000);
    for (int i = 0; i < 3000; i++)
        ck_assert_int_eq(c.seen[i], 1);
    btq_rpc_stats st;
    btq_rpc_get_stats(rpc, &st);
    ck_assert_uint_eq(st.in_flight, 0);
    ck_assert_uint_eq(st.queued, 0);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

START_TEST(batch_items_each_get_their_own_answer)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    btq_future *f[3];
    btq_rpc_batch_item it[3];
    for (int i = 0; i < 3; i++)
        f[i] = btq_future_new();
    it[0] = (btq_rpc_batch_item){"mock_echo", "[10]", 0, btq_future_cb, f[0]};
    it[1] = (btq_rpc_batch_item){"nope_missing", NULL, 0, btq_future_cb, f[1]};
    it[2] = (btq_rpc_batch_item){"mock_echo", "[12]", 0, btq_future_cb, f[2]};
    ck_assert_int_eq(btq_rpc_batch_async(rpc, it, 3), 0);
    ck_assert_int_eq(btq_future_wait_all(f, 3, 10000), 0);
    ck_assert_int_eq(btq_future_status(f[0]), 0);
    ck_assert_str_eq(btq_future_result(f[0], NULL), "[10]");
    ck_assert_int_eq(btq_future_status(f[1]), BTQ_ERPC);
    ck_assert_int_eq(btq_future_error(f[1])->rpc_code, -32601);
    ck_assert_str_eq(btq_future_result(f[2], NULL), "[12]");
    for (int i = 0; i < 3; i++)
        btq_future_free(f[i]);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

START_TEST(manual_poll_mode_completes_future_without_thread)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 1, 10000);
    btq_future *f = btq_future_new();
    ck_assert_int_eq(btq_rpc_call_future(rpc, "mock_echo", "[\"x\"]", 0, f), 0);
    ck_assert_int_eq(btq_future_done(f), 0);
    ck_assert_int_eq(btq_future_wait(f, 10000), 0);
    ck_assert_str_eq(btq_future_result(f, NULL), "[\"x\"]");
    ck_assert_int_eq(btq_future_reset(f), 0);
    char *res = NULL;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", "{\"k\":1}", 0, &res, NULL, NULL), 0);
    ck_assert_str_eq(res, "{\"k\":1}");
    btq_free(res);
    btq_future_free(f);
    ck_assert_int_eq(btq_rpc_poll(rpc, 0), 0);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

START_TEST(poll_is_refused_on_threaded_handle)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    ck_assert_int_eq(btq_rpc_poll(rpc, 0), BTQ_EINVAL);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

typedef struct subrec {
    pthread_mutex_t mu;
    int notes, final_status, finals;
    char last[256];
} subrec;

static void sub_cb(int status, const char *r, size_t len, const btq_error *e, void *user)
{
    subrec *s = user;
    pthread_mutex_lock(&s->mu);
    if (status == 0) {
        s->notes++;
        snprintf(s->last, sizeof s->last, "%s", r);
    } else {
        s->finals++;
        s->final_status = status;
    }
    pthread_mutex_unlock(&s->mu);
}

static int sub_get(subrec *s, int *notes, int *finals)
{
    pthread_mutex_lock(&s->mu);
    *notes = s->notes;
    *finals = s->finals;
    int st = s->final_status;
    pthread_mutex_unlock(&s->mu);
    return st;
}

START_TEST(subscription_gets_early_and_later_notifications_then_closed)
{
    mock_node *n = start_node();
    mock_node_set_sub_initial(n, "{\"number\":\"0x1\"}", 2, 1); /* before the reply */
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    static subrec s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mu, NULL);
    uint64_t id = 0;
    ck_assert_int_eq(btq_rpc_subscribe(rpc, "chain_subscribeNewHeads", NULL,
                                       "chain_unsubscribeNewHeads", sub_cb, &s, &id),
                     0);
    ck_assert_uint_ne(id, 0);
    int notes = 0, finals = 0;
    for (int t = 0; t < 500 && notes < 2; t++) {
        usleep_(10000);
        sub_get(&s, &notes, &finals);
    }
    ck_assert_int_eq(notes, 2);
    ck_assert_int_eq(mock_node_notify(n, "chain_subscribeNewHeads", "{\"number\":\"0x2\"}"), 1);
    for (int t = 0; t < 500 && notes < 3; t++) {
        usleep_(10000);
        sub_get(&s, &notes, &finals);
    }
    ck_assert_int_eq(notes, 3);
    ck_assert_str_eq(s.last, "{\"number\":\"0x2\"}");
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, id), 0);
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, id), BTQ_ENOTFOUND);
    int st = 0;
    for (int t = 0; t < 500 && finals < 1; t++) {
        usleep_(10000);
        st = sub_get(&s, &notes, &finals);
    }
    ck_assert_int_eq(finals, 1);
    ck_assert_int_eq(st, BTQ_ECLOSED);
    ck_assert_int_eq(mock_node_wait_requests(n, "chain_unsubscribeNewHeads", 1, 5000), 0);
    btq_rpc_stats stats;
    btq_rpc_get_stats(rpc, &stats);
    ck_assert_uint_eq(stats.subscriptions, 0);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

START_TEST(idle_connection_closes_and_reopens_lazily)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 200);
    char *res = NULL;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_counter", NULL, 0, &res, NULL, NULL), 0);
    btq_free(res);
    ck_assert_int_eq(mock_node_wait_open(n, 0, 5000), 0);
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_counter", NULL, 0, &res, NULL, NULL), 0);
    ck_assert_str_eq(res, "2");
    btq_free(res);
    btq_rpc_stats st;
    btq_rpc_get_stats(rpc, &st);
    ck_assert_uint_eq(st.connects, 2);
    ck_assert_uint_eq(st.reconnects, 0);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

static void cancel_cb(int status, const char *r, size_t len, const btq_error *e, void *user)
{
    *(int *)user = status;
}

START_TEST(free_cancels_pending_calls_exactly_once)
{
    mock_node *n = start_node();
    mock_fault f = {MOCK_SILENT, "mock_echo", 1, 0, 0, NULL};
    mock_node_fault(n, &f);
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    int status = 1;
    ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", NULL, 0, cancel_cb, &status), 0);
    ck_assert_int_eq(mock_node_wait_requests(n, "mock_echo", 1, 5000), 0);
    btq_rpc_free(rpc);
    ck_assert_int_eq(status, BTQ_ECANCELED);
    mock_node_stop(n);
}
END_TEST

START_TEST(request_deadline_ends_with_timeout)
{
    mock_node *n = start_node();
    mock_fault f = {MOCK_SILENT, "mock_echo", 1, 0, 0, NULL};
    mock_node_fault(n, &f);
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = mock_node_url(n);
    o.request_timeout_ms = 200;
    btq_rpc *rpc = NULL;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, NULL), 0);
    char *res = NULL;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", NULL, 0, &res, NULL, NULL), BTQ_ETIMEDOUT);
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", "[2]", 0, &res, NULL, NULL), 0);
    ck_assert_str_eq(res, "[2]");
    btq_free(res);
    btq_rpc_stats st;
    btq_rpc_get_stats(rpc, &st);
    ck_assert_uint_eq(st.timeouts, 1);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

START_TEST(recording_writes_json_lines_of_method_params_response)
{
    mock_node *n = start_node();
    char path[] = "/tmp/btq_rec_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = mock_node_url(n);
    o.record_path = path;
    btq_rpc *rpc = NULL;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, NULL), 0);
    char *res = NULL;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", "[\"0x01\"]", 0, &res, NULL, NULL), 0);
    btq_free(res);
    btq_rpc_call(rpc, "nope_missing", "[]", 0, &res, NULL, NULL);
    btq_rpc_free(rpc);
    size_t len = 0;
    char *txt = (char *)btq_test_read_file(path, &len);
    unlink(path);
    ck_assert_ptr_nonnull(txt);
    ck_assert_str_eq(txt,
                     "{\"method\":\"mock_echo\",\"params\":[\"0x01\"],\"response\":{\"result\":"
                     "[\"0x01\"]}}\n{\"method\":\"nope_missing\",\"params\":[],\"response\":"
                     "{\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}}\n");
    free(txt);
    mock_node_stop(n);
}
END_TEST

START_TEST(connection_refused_ends_with_connect_error)
{
    mock_node *n = start_node();
    char url[64];
    snprintf(url, sizeof url, "%s", mock_node_url(n));
    mock_node_stop(n); /* nothing listens there now */
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = url;
    o.backoff_initial_ms = 10;
    o.max_attempts = 3;
    btq_rpc *rpc = NULL;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, NULL), 0);
    char *res = NULL;
    btq_error e;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", NULL, 0, &res, NULL, &e), BTQ_ECONNECT);
    btq_rpc_free(rpc);
}
END_TEST

START_TEST(fallback_url_used_when_main_refuses)
{
    mock_node *dead = start_node();
    char url[64];
    snprintf(url, sizeof url, "%s", mock_node_url(dead));
    mock_node_stop(dead);
    mock_node *n = start_node();
    const char *fb[1] = {mock_node_url(n)};
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = url;
    o.fallback_urls = fb;
    o.n_fallback_urls = 1;
    btq_rpc *rpc = NULL;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, NULL), 0);
    char *res = NULL;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", "[7]", 0, &res, NULL, NULL), 0);
    ck_assert_str_eq(res, "[7]");
    btq_free(res);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

typedef struct mt_arg {
    btq_rpc *rpc;
    counter *c;
    int base;
} mt_arg;

static void *mt_submit(void *p)
{
    mt_arg *a = p;
    for (int i = 0; i < 250; i++) {
        char params[32];
        snprintf(params, sizeof params, "[%d]", a->base + i);
        if (btq_rpc_call_async(a->rpc, "mock_echo", params, 0, count_cb, a->c) != 0) abort();
    }
    return NULL;
}

START_TEST(submissions_from_8_threads_each_answered_once)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    static counter c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.mu, NULL);
    pthread_t th[8];
    mt_arg args[8];
    for (int i = 0; i < 8; i++) {
        args[i] = (mt_arg){rpc, &c, i * 250};
        pthread_create(&th[i], NULL, mt_submit, &args[i]);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    for (int t = 0; t < 1000 && counter_total(&c) < 2000; t++)
        usleep_(10000);
    ck_assert_int_eq(c.ok, 2000);
    for (int i = 0; i < 2000; i++)
        ck_assert_int_eq(c.seen[i], 1);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

typedef struct nested {
    btq_rpc *rpc;
    int blocking_rc, async_rc, inner_status;
    btq_future *done;
} nested;

static void inner_cb(int status, const char *r, size_t len, const btq_error *e, void *user)
{
    nested *x = user;
    x->inner_status = status;
    btq_future_cb(0, "1", 1, NULL, x->done);
}

static void outer_cb(int status, const char *r, size_t len, const btq_error *e, void *user)
{
    nested *x = user;
    char *res = NULL;
    x->blocking_rc = btq_rpc_call(x->rpc, "mock_echo", NULL, 0, &res, NULL, NULL);
    x->async_rc = btq_rpc_call_async(x->rpc, "mock_echo", "[5]", 0, inner_cb, x);
}

START_TEST(blocking_call_inside_callback_refused_but_async_allowed)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_rpc(n, 0, 10000);
    static nested x;
    memset(&x, 0, sizeof x);
    x.rpc = rpc;
    x.inner_status = 1;
    x.done = btq_future_new();
    ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", NULL, 0, outer_cb, &x), 0);
    ck_assert_int_eq(btq_future_wait(x.done, 10000), 0);
    ck_assert_int_eq(x.blocking_rc, BTQ_EINVAL);
    ck_assert_int_eq(x.async_rc, 0);
    ck_assert_int_eq(x.inner_status, 0);
    btq_future_free(x.done);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

static btq_rpc *open_capped(mock_node *n, uint32_t cap)
{
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = mock_node_url(n);
    o.max_in_flight = cap;
    btq_rpc *rpc = NULL;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, NULL), 0);
    return rpc;
}

START_TEST(in_flight_cap_queues_the_rest_without_failing)
{
    mock_node *n = start_node();
    mock_node_set_delay(n, 100);
    btq_rpc *rpc = open_capped(n, 8);
    static counter c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.mu, NULL);
    for (int i = 0; i < 40; i++) {
        char p[32];
        snprintf(p, sizeof p, "[%d]", i);
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", p, 0, count_cb, &c), 0);
    }
    ck_assert_int_eq(mock_node_wait_requests(n, "mock_echo", 8, 5000), 0);
    btq_rpc_stats st;
    btq_rpc_get_stats(rpc, &st);
    ck_assert_uint_le(st.in_flight, 8);
    ck_assert_uint_ge(st.queued, 24);
    ck_assert_uint_le(mock_node_requests(n, "mock_echo"), 8);
    mock_node_set_delay(n, 0);
    for (int t = 0; t < 1000 && counter_total(&c) < 40; t++)
        usleep_(10000);
    ck_assert_int_eq(c.ok, 40);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

START_TEST(request_table_grows_past_4096_in_flight)
{
    mock_node *n = start_node();
    btq_rpc *rpc = open_capped(n, 8192);
    static counter c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.mu, NULL);
    for (int i = 0; i < 4096; i++) {
        char p[32];
        snprintf(p, sizeof p, "[%d]", i);
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", p, 0, count_cb, &c), 0);
    }
    for (int t = 0; t < 2000 && counter_total(&c) < 4096; t++)
        usleep_(10000);
    ck_assert_int_eq(c.ok, 4096);
    for (int i = 0; i < 4096; i++)
        ck_assert_int_eq(c.seen[i], 1);
    btq_rpc_free(rpc);
    mock_node_stop(n);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("rpc_loopback");
    TCase *tc = tcase_create("loopback");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, blocking_echo_returns_params_as_raw_result);
    tcase_add_test(tc, node_error_object_reaches_caller_with_code_and_message);
    tcase_add_test(tc, pipelined_3000_answers_each_to_its_own_request);
    tcase_add_test(tc, batch_items_each_get_their_own_answer);
    tcase_add_test(tc, manual_poll_mode_completes_future_without_thread);
    tcase_add_test(tc, poll_is_refused_on_threaded_handle);
    tcase_add_test(tc, subscription_gets_early_and_later_notifications_then_closed);
    tcase_add_test(tc, idle_connection_closes_and_reopens_lazily);
    tcase_add_test(tc, free_cancels_pending_calls_exactly_once);
    tcase_add_test(tc, request_deadline_ends_with_timeout);
    tcase_add_test(tc, recording_writes_json_lines_of_method_params_response);
    tcase_add_test(tc, connection_refused_ends_with_connect_error);
    tcase_add_test(tc, fallback_url_used_when_main_refuses);
    tcase_add_test(tc, submissions_from_8_threads_each_answered_once);
    tcase_add_test(tc, in_flight_cap_queues_the_rest_without_failing);
    tcase_add_test(tc, request_table_grows_past_4096_in_flight);
    tcase_add_test(tc, blocking_call_inside_callback_refused_but_async_allowed);
    suite_add_tcase(s, tc);
    return s;
}
