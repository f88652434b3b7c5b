/* The bar for reconnects (issue 4): 1,000 concurrent reads while the server force-closes the
 * connection after every 50th response; 100 submissions in flight at a drop; the next request
 * after "retries exhausted"; the idle-close edge. */
#define _GNU_SOURCE
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

START_TEST(thousand_reads_under_close_every_50th_response_each_answered_once_with_its_own)
{
    enum { N = 1000 };
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.request_timeout_ms = 60000;
    rpc = sc_client(&o);
    mock_node_set_close_every(node, 50);
    sc_collect *c = sc_collect_new(N);
    int64_t t0 = sc_now_ms();
    for (int i = 0; i < N; i++) {
        char p[48];
        snprintf(p, sizeof p, "[%d,\"read-%d\"]", i, i);
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", p, 0, sc_cb, &c->slots[i]), 0);
    }
    int waited = sc_wait_done(c, N, 60000);
    int64_t dt = sc_now_ms() - t0;
    size_t ok = 0, bad = 0;
    for (int i = 0; i < N; i++) {
        char want[48];
        snprintf(want, sizeof want, "[%d,\"read-%d\"]", i, i);
        if (c->slots[i].calls == 1 && c->slots[i].status == 0 && c->slots[i].result &&
            strcmp(c->slots[i].result, want) == 0)
            ok++;
        else if (bad++ < 3)
            fprintf(stderr, "read %d: calls %d status %s result %s\n", i, c->slots[i].calls,
                    btq_err_name(c->slots[i].status),
                    c->slots[i].result ? c->slots[i].result : "(none)");
    }
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    btq_rpc_stats st = sc_stats(rpc);
    fprintf(stderr,
            "reconnect bar: %zu/%d answered in %lld ms; server: %llu connections, %llu requests "
            "seen, %llu answers; client: %llu resent, %llu reconnects, %llu sent, %llu dropped "
            "unknown id\n",
            ok, N, (long long)dt, (unsigned long long)ms.connections_accepted,
            (unsigned long long)ms.requests, (unsigned long long)ms.answers,
            (unsigned long long)st.resent, (unsigned long long)st.reconnects,
            (unsigned long long)st.requests_sent, (unsigned long long)st.dropped_unknown_id);
    ck_assert_int_eq(waited, 0);
    ck_assert_uint_eq(ok, N);
    ck_assert_uint_eq(c->extra, 0);
    ck_assert_int_eq(sc_wait_quiet(rpc, 2000), 0);
    st = sc_stats(rpc);
    ck_assert_uint_eq(st.in_flight, 0);
    ck_assert_uint_eq(st.queued, 0);
    ck_assert_uint_eq(st.responses, N);
    ck_assert_uint_ge(ms.connections_accepted, N / 50);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(hundred_submissions_in_flight_at_a_drop_end_eoutcome_and_are_seen_once)
{
    enum { N = 100 };
    node = sc_node();
    rpc = sc_default_client(node);
    mock_fault f = {.kind = MOCK_SILENT, .method = "author_submitExtrinsic", .count = N};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    sc_collect *c = sc_collect_new(N);
    for (int i = 0; i < N; i++) {
        char p[48];
        snprintf(p, sizeof p, "[\"0x%04x\"]", i);
        ck_assert_int_eq(
            btq_rpc_call_async(rpc, "author_submitExtrinsic", p, 0, sc_cb, &c->slots[i]), 0);
    }
    ck_assert_int_eq(mock_node_wait_requests(node, "author_submitExtrinsic", N, SC_WAIT_MS), 0);
    mock_node_drop_all(node);
    ck_assert_int_eq(sc_wait_done(c, N, SC_WAIT_MS), 0);
    sc_sleep_ms(300); /* a re-send, if any, would arrive within this */
    for (int i = 0; i < N; i++) {
        char p[48];
        snprintf(p, sizeof p, "[\"0x%04x\"]", i);
        ck_assert_int_eq(c->slots[i].calls, 1);
        ck_assert_int_eq(c->slots[i].status, BTQ_EOUTCOME);
        ck_assert_uint_eq(mock_node_requests_params(node, "author_submitExtrinsic", p), 1);
    }
    ck_assert_uint_eq(mock_node_requests(node, "author_submitExtrinsic"), N);
    ck_assert_uint_eq(c->extra, 0);
    ck_assert_uint_eq(sc_stats(rpc).resent, 0);
    ck_assert_int_eq(sc_wait_quiet(rpc, 1000), 0);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(next_request_after_retries_exhausted_succeeds_once_the_server_is_back)
{
    node = sc_node();
    rpc = sc_default_client(node);
    mock_fault f = {.kind = MOCK_SILENT, .method = "mock_echo"};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    sc_collect *c = sc_collect_new(1);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", "[1]", 0, sc_cb, &c->slots[0]), 0);
    ck_assert_int_eq(mock_node_wait_requests(node, "mock_echo", 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(mock_node_pause(node), 0);
    ck_assert_int_eq(sc_wait_done(c, 1, SC_WAIT_MS), 0);
    ck_assert_msg(c->slots[0].status == BTQ_ERETRIES, "got %s", btq_err_name(c->slots[0].status));
    ck_assert_int_eq(mock_node_resume(node), 0);
    sc_call_expect(rpc, "mock_echo", "[2]", "[2]");
    ck_assert_int_eq(sc_wait_quiet(rpc, 1000), 0);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(requests_issued_as_the_idle_timer_fires_are_neither_lost_nor_sent_twice)
{
    enum { ROUNDS = 120, BURST = 3, IDLE = 40 };
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.idle_timeout_ms = IDLE;
    rpc = sc_client(&o);
    sc_collect *c = sc_collect_new(ROUNDS * BURST + 1);
    sc_call_expect(rpc, "mock_echo", "[-1]", "[-1]");
    int64_t t0 = sc_now_ms();
    for (int r = 0; r < ROUNDS; r++) {
        /* sweep the moment of the next burst across the idle deadline: IDLE-10 .. IDLE+10 ms
         * after the previous answer */
        int delay_us = (IDLE - 10) * 1000 + (r % 41) * 500;
        struct timespec ts = {0, (long)delay_us * 1000L};
        nanosleep(&ts, NULL);
        for (int b = 0; b < BURST; b++) {
            int i = r * BURST + b;
            char p[32];
            snprintf(p, sizeof p, "[%d]", i);
            ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", p, 0, sc_cb, &c->slots[i]), 0);
        }
        ck_assert_int_eq(sc_wait_done(c, (size_t)(r + 1) * BURST, SC_WAIT_MS), 0);
    }
    int64_t dt = sc_now_ms() - t0;
    for (int i = 0; i < ROUNDS * BURST; i++) {
        char want[32];
        snprintf(want, sizeof want, "[%d]", i);
        ck_assert_int_eq(c->slots[i].calls, 1);
        ck_assert_msg(c->slots[i].status == 0, "request %d: %s", i,
                      btq_err_name(c->slots[i].status));
        ck_assert_str_eq(c->slots[i].result, want);
        ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", want), 1);
    }
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), ROUNDS * BURST + 1);
    ck_assert_uint_eq(c->extra, 0);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    fprintf(stderr, "idle edge: %d requests in %lld ms over %llu connections\n", ROUNDS * BURST,
            (long long)dt, (unsigned long long)ms.connections_accepted);
    /* the sweep must really have crossed the idle close */
    ck_assert_uint_gt(ms.connections_accepted, 10);
    sc_collect_free(c);
    teardown();
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("reconnect_bar");
    TCase *tc = tcase_create("bar");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc,
                   thousand_reads_under_close_every_50th_response_each_answered_once_with_its_own);
    tcase_add_test(tc, hundred_submissions_in_flight_at_a_drop_end_eoutcome_and_are_seen_once);
    tcase_add_test(tc, next_request_after_retries_exhausted_succeeds_once_the_server_is_back);
    tcase_add_test(tc, requests_issued_as_the_idle_timer_fires_are_neither_lost_nor_sent_twice);
    suite_add_tcase(s, tc);
    return s;
}
