/* Scenario tests: connection lifecycle seen by the caller of include/btq/rpc.h — lazy connect,
 * idle close and lazy reopen, refused connections and backoff, server restart, the in-flight
 * cap with queueing, threads, manual polling, futures, freeing with calls pending. */
#define _GNU_SOURCE
#include <unistd.h>

#include "scenario_util.h"

static mock_node *node;
static btq_rpc *rpc;

static void teardown(void)
{
    btq_rpc_free(rpc);
    rpc = NULL;
    mock_node_stop(node);
    node = NULL;
}

START_TEST(no_socket_is_opened_before_the_first_request)
{
    node = sc_node();
    rpc = sc_default_client(node);
    sc_sleep_ms(200);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 0);
    ck_assert_uint_eq(sc_stats(rpc).connects, 0);
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 1);
    ck_assert_uint_eq(sc_stats(rpc).connects, 1);
    teardown();
}
END_TEST

START_TEST(idle_connection_closes_after_the_idle_timeout_and_reopens_lazily)
{
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.idle_timeout_ms = 200;
    rpc = sc_client(&o);
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    int64_t t0 = sc_now_ms();
    ck_assert_int_eq(mock_node_wait_open(node, 0, 3000), 0);
    int64_t dt = sc_now_ms() - t0;
    ck_assert_msg(dt >= 150 && dt < 2000, "idle close after %lld ms", (long long)dt);
    sc_sleep_ms(300); /* no reconnect loop while idle */
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 1);
    sc_call_expect(rpc, "mock_echo", "[2]", "[2]");
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 2);
    teardown();
}
END_TEST

START_TEST(idle_timeout_zero_keeps_the_connection_open)
{
    node = sc_node();
    rpc = sc_default_client(node); /* sc_opts sets idle_timeout_ms = 0 */
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    sc_sleep_ms(400);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_open, 1);
    teardown();
}
END_TEST

START_TEST(refused_connections_end_econnect_after_5_attempts_with_backoff)
{
    node = sc_node();
    mock_node_set_refuse(node, 1);
    rpc = sc_default_client(node); /* backoff 20 ms doubling, cap 200 ms */
    int64_t t0 = sc_now_ms();
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_echo", "[1]", 0, NULL, &e), BTQ_ECONNECT);
    int64_t dt = sc_now_ms() - t0;
    /* waits between 5 attempts: 20 + 40 + 80 + 160 ms, each -25 % at worst */
    ck_assert_msg(dt >= 225 && dt < 4000, "gave up after %lld ms", (long long)dt);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_refused, 5);
    ck_assert_uint_eq(ms.connections_accepted, 0);
    ck_assert_uint_eq(mock_node_requests(node, NULL), 0);
    sc_sleep_ms(300); /* no reconnect loop while idle */
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_refused, 5);
    teardown();
}
END_TEST

START_TEST(closed_port_ends_econnect_and_a_later_listener_is_used)
{
    node = sc_node();
    ck_assert_int_eq(mock_node_pause(node), 0);
    rpc = sc_default_client(node);
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_echo", "[1]", 0, NULL, &e), BTQ_ECONNECT);
    ck_assert_int_eq(mock_node_resume(node), 0);
    sc_call_expect(rpc, "mock_echo", "[2]", "[2]");
    teardown();
}
END_TEST

START_TEST(node_gone_while_idle_next_request_ends_econnect_then_recovers)
{
    node = sc_node();
    rpc = sc_default_client(node);
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    ck_assert_int_eq(mock_node_pause(node), 0);
    sc_sleep_ms(200); /* let the client see the close while idle */
    btq_error e = {0};
    /* this request never had a connection: connection failed */
    ck_assert_int_eq(sc_call(rpc, "mock_echo", "[2]", 0, NULL, &e), BTQ_ECONNECT);
    ck_assert_int_eq(mock_node_resume(node), 0);
    sc_call_expect(rpc, "mock_echo", "[3]", "[3]");
    ck_assert_int_eq(sc_wait_quiet(rpc, 1000), 0);
    teardown();
}
END_TEST

START_TEST(read_in_flight_when_the_node_dies_ends_eretries_then_recovers)
{
    node = sc_node();
    rpc = sc_default_client(node);
    mock_fault f = {.kind = MOCK_SILENT, .method = "mock_echo"};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    sc_collect *c = sc_collect_new(1);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", "[\"gone\"]", 0, sc_cb, &c->slots[0]), 0);
    ck_assert_int_eq(mock_node_wait_requests(node, "mock_echo", 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(mock_node_pause(node), 0);
    ck_assert_int_eq(sc_wait_done(c, 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(c->slots[0].calls, 1);
    ck_assert_msg(c->slots[0].status == BTQ_ERETRIES, "got %s", btq_err_name(c->slots[0].status));
    ck_assert_int_eq(mock_node_resume(node), 0);
    sc_call_expect(rpc, "mock_echo", "[3]", "[3]");
    ck_assert_int_eq(sc_wait_quiet(rpc, 2000), 0);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(server_restart_next_request_succeeds)
{
    node = sc_node();
    rpc = sc_default_client(node);
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    ck_assert_int_eq(mock_node_restart(node), 0);
    sc_call_expect(rpc, "mock_echo", "[2]", "[2]");
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 2);
    teardown();
}
END_TEST

START_TEST(server_restart_with_read_in_flight_resends_it)
{
    node = sc_node();
    rpc = sc_default_client(node);
    mock_fault f = {.kind = MOCK_SILENT, .method = "mock_echo"};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    sc_collect *c = sc_collect_new(1);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", "[\"r\"]", 0, sc_cb, &c->slots[0]), 0);
    ck_assert_int_eq(mock_node_wait_requests(node, "mock_echo", 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(mock_node_restart(node), 0);
    ck_assert_int_eq(sc_wait_done(c, 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(c->slots[0].status, 0);
    ck_assert_str_eq(c->slots[0].result, "[\"r\"]");
    ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", "[\"r\"]"), 2);
    ck_assert_uint_eq(sc_stats(rpc).resent, 1);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(fallback_url_is_used_when_the_main_url_refuses)
{
    node = sc_node();
    mock_node *dead = sc_node();
    char dead_url[64];
    snprintf(dead_url, sizeof dead_url, "%s", mock_node_url(dead));
    ck_assert_int_eq(mock_node_pause(dead), 0);
    btq_rpc_options o;
    sc_opts(&o, dead_url);
    const char *fb[1] = {mock_node_url(node)};
    o.fallback_urls = fb;
    o.n_fallback_urls = 1;
    rpc = sc_client(&o);
    sc_call_expect(rpc, "mock_echo", "[\"fb\"]", "[\"fb\"]");
    mock_node_stop(dead);
    teardown();
}
END_TEST

START_TEST(in_flight_cap_1024_queues_the_rest_and_answers_all)
{
    enum { N = 1500, CAP = 1024 };
    node = sc_node();
    rpc = sc_default_client(node);
    /* hold up to CAP+1 answers: with a cap of 1024 the server sees 1024 and waits */
    mock_fault f = {.kind = MOCK_HOLD, .method = "mock_echo", .count = CAP + 1};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    sc_collect *c = sc_collect_new(N);
    for (int i = 0; i < N; i++) {
        char p[32];
        snprintf(p, sizeof p, "[%d]", i);
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", p, 0, sc_cb, &c->slots[i]), 0);
    }
    ck_assert_int_eq(mock_node_wait_requests(node, "mock_echo", CAP, SC_WAIT_MS), 0);
    sc_sleep_ms(200);
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), CAP);
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.in_flight, CAP);
    ck_assert_uint_eq(st.queued, N - CAP);
    mock_node_clear_faults(node); /* release the held answers */
    ck_assert_int_eq(sc_wait_done(c, N, SC_WAIT_MS), 0);
    for (int i = 0; i < N; i++) {
        char want[32];
        snprintf(want, sizeof want, "[%d]", i);
        ck_assert_int_eq(c->slots[i].calls, 1);
        ck_assert_int_eq(c->slots[i].status, 0);
        ck_assert_str_eq(c->slots[i].result, want);
    }
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), N);
    ck_assert_int_eq(sc_wait_quiet(rpc, 2000), 0);
    sc_collect_free(c);
    teardown();
}
END_TEST

typedef struct {
    btq_rpc *rpc;
    sc_collect *c;
    int base, n;
    int failures;
} thr_arg;

static void *submitter(void *p)
{
    thr_arg *a = p;
    for (int i = 0; i < a->n; i++) {
        char params[32];
        snprintf(params, sizeof params, "[%d]", a->base + i);
        if (btq_rpc_call_async(a->rpc, "mock_echo", params, 0, sc_cb, &a->c->slots[a->base + i]))
            a->failures++;
    }
    return NULL;
}

START_TEST(submissions_from_8_threads_are_each_answered_once)
{
    enum { T = 8, PER = 250 };
    node = sc_node();
    rpc = sc_default_client(node);
    sc_collect *c = sc_collect_new(T * PER);
    pthread_t th[T];
    thr_arg args[T];
    for (int t = 0; t < T; t++) {
        args[t] = (thr_arg){rpc, c, t * PER, PER, 0};
        ck_assert_int_eq(pthread_create(&th[t], NULL, submitter, &args[t]), 0);
    }
    for (int t = 0; t < T; t++) {
        pthread_join(th[t], NULL);
        ck_assert_int_eq(args[t].failures, 0);
    }
    ck_assert_int_eq(sc_wait_done(c, T * PER, SC_WAIT_MS), 0);
    for (int i = 0; i < T * PER; i++) {
        char want[32];
        snprintf(want, sizeof want, "[%d]", i);
        ck_assert_int_eq(c->slots[i].calls, 1);
        ck_assert_str_eq(c->slots[i].result, want);
    }
    ck_assert_uint_eq(c->extra, 0);
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), T * PER);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(manual_poll_mode_runs_callbacks_inside_poll_only)
{
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.manual_poll = 1;
    rpc = sc_client(&o);
    sc_collect *c = sc_collect_new(2);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", "[\"m\"]", 0, sc_cb, &c->slots[0]), 0);
    sc_sleep_ms(150);
    /* nothing happens without polling: no thread */
    ck_assert_uint_eq(c->done, 0);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 0);
    int64_t end = sc_now_ms() + SC_WAIT_MS;
    while (c->done < 1 && sc_now_ms() < end)
        ck_assert_int_eq(btq_rpc_poll(rpc, 50), 0);
    ck_assert_int_eq(c->slots[0].calls, 1);
    ck_assert_str_eq(c->slots[0].result, "[\"m\"]");
    /* a blocking call on a manual handle polls by itself */
    sc_call_expect(rpc, "mock_echo", "[\"b\"]", "[\"b\"]");
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(poll_on_a_threaded_handle_is_einval)
{
    node = sc_node();
    rpc = sc_default_client(node);
    ck_assert_int_eq(btq_rpc_poll(rpc, 0), BTQ_EINVAL);
    teardown();
}
END_TEST

START_TEST(futures_wait_all_collects_every_answer)
{
    enum { N = 32 };
    node = sc_node();
    rpc = sc_default_client(node);
    btq_future *fs[N];
    for (int i = 0; i < N; i++) {
        fs[i] = btq_future_new();
        ck_assert_ptr_nonnull(fs[i]);
        char p[32];
        snprintf(p, sizeof p, "[%d]", i);
        ck_assert_int_eq(btq_rpc_call_future(rpc, "mock_echo", p, 0, fs[i]), 0);
    }
    ck_assert_int_eq(btq_future_wait_all(fs, N, SC_WAIT_MS), 0);
    for (int i = 0; i < N; i++) {
        char want[32];
        snprintf(want, sizeof want, "[%d]", i);
        ck_assert_int_eq(btq_future_done(fs[i]), 1);
        ck_assert_int_eq(btq_future_status(fs[i]), 0);
        size_t len = 0;
        ck_assert_str_eq(btq_future_result(fs[i], &len), want);
        ck_assert_uint_eq(len, strlen(want));
        btq_future_free(fs[i]);
    }
    teardown();
}
END_TEST

START_TEST(future_wait_times_out_then_the_call_ends_etimedout)
{
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.request_timeout_ms = 400;
    rpc = sc_client(&o);
    mock_fault f = {.kind = MOCK_SILENT, .method = "mock_echo"};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    btq_future *fu = btq_future_new();
    ck_assert_int_eq(btq_rpc_call_future(rpc, "mock_echo", "[1]", 0, fu), 0);
    ck_assert_int_eq(btq_future_wait(fu, 50), BTQ_ETIMEDOUT);
    ck_assert_int_eq(btq_future_done(fu), 0);
    ck_assert_int_eq(btq_future_wait(fu, SC_WAIT_MS), BTQ_ETIMEDOUT);
    ck_assert_int_eq(btq_future_done(fu), 1);
    ck_assert_int_eq(btq_future_status(fu), BTQ_ETIMEDOUT);
    ck_assert_ptr_null(btq_future_result(fu, NULL));
    ck_assert_ptr_nonnull(btq_future_error(fu));
    ck_assert_int_eq(btq_future_error(fu)->code, BTQ_ETIMEDOUT);
    btq_future_free(fu);
    teardown();
}
END_TEST

START_TEST(free_with_calls_pending_ends_them_ecanceled_once)
{
    node = sc_node();
    rpc = sc_default_client(node);
    mock_fault f = {.kind = MOCK_SILENT, .method = "mock_echo", .count = 3};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    sc_collect *c = sc_collect_new(3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", "[1]", 0, sc_cb, &c->slots[i]), 0);
    ck_assert_int_eq(mock_node_wait_requests(node, "mock_echo", 3, SC_WAIT_MS), 0);
    btq_rpc_free(rpc);
    rpc = NULL;
    ck_assert_uint_eq(c->done, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(c->slots[i].calls, 1);
        ck_assert_int_eq(c->slots[i].status, BTQ_ECANCELED);
    }
    ck_assert_int_eq(mock_node_wait_open(node, 0, SC_WAIT_MS), 0);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(bad_urls_are_rejected_at_creation)
{
    btq_rpc_options o;
    btq_rpc *r = NULL;
    btq_error e = {0};
    sc_opts(&o, "http://127.0.0.1:1");
    ck_assert_int_eq(btq_rpc_new(&o, &r, &e), BTQ_EURL);
    ck_assert_ptr_null(r);
    sc_opts(&o, "ws://203.0.113.7:9944"); /* TEST-NET-3: never contacted (lazy + refused) */
    ck_assert_int_eq(btq_rpc_new(&o, &r, &e), BTQ_EINSECURE);
    ck_assert_ptr_null(r);
}
END_TEST

START_TEST(recording_writes_one_json_line_per_answered_request)
{
    node = sc_node();
    char path[] = "/tmp/btq_scenario_recXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.record_path = path;
    rpc = sc_client(&o);
    sc_call_expect(rpc, "mock_echo", "[1,\"two\"]", "[1,\"two\"]");
    sc_call_expect(rpc, "mock_counter", NULL, "1");
    btq_rpc_free(rpc);
    rpc = NULL;
    size_t len = 0;
    char *text = (char *)btq_test_read_file(path, &len);
    unlink(path);
    ck_assert_ptr_nonnull(text);
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    ck_assert_int_eq(lines, 2);
    ck_assert_ptr_nonnull(strstr(text, "\"method\":\"mock_echo\""));
    ck_assert_ptr_nonnull(strstr(text, "\"method\":\"mock_counter\""));
    /* a recording replays: the mock node accepts it as its replay file */
    mock_node_stop(node);
    char *rp = strdup(path);
    FILE *f = fopen(rp, "w");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, len, f);
    fclose(f);
    free(text);
    mock_node_opts mo = {0};
    mo.replay_path = rp;
    mo.handler = NULL;
    node = mock_node_start(&mo);
    ck_assert_ptr_nonnull(node);
    unlink(rp);
    free(rp);
    rpc = sc_default_client(node);
    sc_call_expect(rpc, "mock_counter", NULL, "1");
    sc_call_expect(rpc, "mock_counter", NULL, "1"); /* replayed, not the built-in counter */
    teardown();
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scenario_connection");
    TCase *tc = tcase_create("connection");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, no_socket_is_opened_before_the_first_request);
    tcase_add_test(tc, idle_connection_closes_after_the_idle_timeout_and_reopens_lazily);
    tcase_add_test(tc, idle_timeout_zero_keeps_the_connection_open);
    tcase_add_test(tc, refused_connections_end_econnect_after_5_attempts_with_backoff);
    tcase_add_test(tc, closed_port_ends_econnect_and_a_later_listener_is_used);
    tcase_add_test(tc, node_gone_while_idle_next_request_ends_econnect_then_recovers);
    tcase_add_test(tc, read_in_flight_when_the_node_dies_ends_eretries_then_recovers);
    tcase_add_test(tc, server_restart_next_request_succeeds);
    tcase_add_test(tc, server_restart_with_read_in_flight_resends_it);
    tcase_add_test(tc, fallback_url_is_used_when_the_main_url_refuses);
    tcase_add_test(tc, in_flight_cap_1024_queues_the_rest_and_answers_all);
    tcase_add_test(tc, submissions_from_8_threads_are_each_answered_once);
    tcase_add_test(tc, manual_poll_mode_runs_callbacks_inside_poll_only);
    tcase_add_test(tc, poll_on_a_threaded_handle_is_einval);
    tcase_add_test(tc, futures_wait_all_collects_every_answer);
    tcase_add_test(tc, future_wait_times_out_then_the_call_ends_etimedout);
    tcase_add_test(tc, free_with_calls_pending_ends_them_ecanceled_once);
    tcase_add_test(tc, bad_urls_are_rejected_at_creation);
    tcase_add_test(tc, recording_writes_one_json_line_per_answered_request);
    suite_add_tcase(s, tc);
    return s;
}
