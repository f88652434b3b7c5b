/* The mock node on its own, driven by a raw websocket client (no btq code involved): every
 * answer kind and every misbehaviour produce exactly the bytes and connection events the
 * scenario tests rely on. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq_test.h"
#include "mock_node.h"
#include "mock_rawclient.h"

#define WAIT_MS 3000

static mock_node *node;
static mock_raw *cli;

static int64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void start_plain(void)
{
    mock_node_opts o = {0};
    o.count_params = 1;
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    cli = mock_raw_open(mock_node_port(node), WAIT_MS);
    ck_assert_ptr_nonnull(cli);
}

static void stop_all(void)
{
    mock_raw_close(cli);
    cli = NULL;
    mock_node_stop(node);
    node = NULL;
}

/* Next message must be exactly `want`. */
static void expect_msg(const char *want)
{
    char *m;
    size_t len;
    unsigned frames;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &frames, &partial, WAIT_MS), 1);
    ck_assert_str_eq(m, want);
    ck_assert_uint_eq(len, strlen(want));
    free(m);
}

static void expect_silence(int ms)
{
    char *m = NULL;
    size_t len;
    unsigned frames;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &frames, &partial, ms), -1);
    ck_assert_ptr_null(m);
}

START_TEST(echo_answers_params_with_the_request_id)
{
    start_plain();
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"mock_echo\","
                                        "\"params\":[1, \"a\", {\"k\": true}]}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":[1,\"a\",{\"k\":true}]}");
    ck_assert_int_eq(
        mock_raw_send(cli, "{\"id\":\"x7\",\"jsonrpc\":\"2.0\",\"method\":\"mock_echo\"}"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":\"x7\",\"result\":[]}");
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), 2);
    ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", "[1,\"a\",{\"k\":true}]"), 1);
    ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", NULL), 1);
    stop_all();
}
END_TEST

START_TEST(replay_answers_recorded_results)
{
    mock_node_opts o = {0};
    o.replay_path =
        btq_test_shared_path("chain/recorded/async-substrate-interface/ws_responses.jsonl");
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    cli = mock_raw_open(mock_node_port(node), WAIT_MS);
    ck_assert_ptr_nonnull(cli);
    ck_assert_int_eq(mock_raw_send(cli,
                                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_getHead\","
                                   "\"params\":[]}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
               "\"0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3\"}");
    /* params compared as canonical JSON: whitespace does not matter */
    ck_assert_int_eq(
        mock_raw_send(
            cli, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"chain_getHeader\",\"params\":"
                 "[ \"0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3\" ]}"),
        0);
    char *m;
    size_t len;
    unsigned fr;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 1);
    ck_assert_msg(strncmp(m,
                          "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"parentHash\":\"0x58cb44a7",
                          58) == 0,
                  "got %.80s", m);
    ck_assert_ptr_nonnull(strstr(m, "\"number\":\"0x797351\""));
    free(m);
    stop_all();
}
END_TEST

START_TEST(replay_cycle_alternates_answers)
{
    mock_node_opts o = {0};
    o.replay_path = btq_test_shared_path("chain/recorded/bittensor/ws_responses.jsonl");
    o.replay_test = "retry_archive";
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    cli = mock_raw_open(mock_node_port(node), WAIT_MS);
    ck_assert_ptr_nonnull(cli);
    static const char req[] =
        "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"state_getRuntimeVersion\",\"params\":"
        "[\"0x6c0da8a9dd5994d374d43210dc401f000b2fe02541bc2e7cd54719655d751a18\"]}";
    for (int i = 0; i < 4; i++) {
        char buf[256];
        snprintf(buf, sizeof buf, req, 10 + i);
        ck_assert_int_eq(mock_raw_send(cli, buf), 0);
        char *m;
        size_t len;
        unsigned fr;
        int partial;
        ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 1);
        char head[64];
        snprintf(head, sizeof head, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"%s\":", 10 + i,
                 i % 2 == 0 ? "error" : "result");
        ck_assert_msg(strncmp(m, head, strlen(head)) == 0, "answer %d: %.60s", i, m);
        if (i % 2 == 0) ck_assert_ptr_nonnull(strstr(m, "\"code\":4003"));
        free(m);
    }
    stop_all();
}
END_TEST

START_TEST(unknown_method_and_bad_json_get_jsonrpc_errors)
{
    start_plain();
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"}"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,\"message\":\"Method not "
               "found\"}}");
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse "
               "error\"}}");
    stop_all();
}
END_TEST

START_TEST(batch_is_answered_with_one_array)
{
    start_plain();
    ck_assert_int_eq(mock_raw_send(cli, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_echo\","
                                        "\"params\":[1]},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                                        "\"mock_counter\",\"params\":[]}]"),
                     0);
    expect_msg("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[1]},{\"jsonrpc\":\"2.0\",\"id\":2,"
               "\"result\":1}]");
    ck_assert_uint_eq(mock_node_requests(node, NULL), 2);
    stop_all();
}
END_TEST

START_TEST(silent_fault_never_answers_then_normal_again)
{
    start_plain();
    mock_fault f = {.kind = MOCK_SILENT, .method = "mock_echo"};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_echo\"}"),
                     0);
    expect_silence(300);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"mock_echo\"}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[]}");
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), 2);
    stop_all();
}
END_TEST

START_TEST(drop_mid_sends_a_partial_fragment_then_drops)
{
    start_plain();
    mock_fault f = {.kind = MOCK_DROP_MID, .arg = 10};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_echo\"}"),
                     0);
    char *m;
    size_t len;
    unsigned fr;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 0);
    ck_assert_int_eq(partial, 1);
    ck_assert_int_eq(mock_node_wait_open(node, 0, WAIT_MS), 0);
    mock_node_stats st;
    mock_node_get_stats(node, &st);
    ck_assert_uint_eq(st.drops, 1);
    stop_all();
}
END_TEST

START_TEST(wrong_and_unknown_id_come_before_the_right_answer)
{
    start_plain();
    mock_fault f = {.kind = MOCK_WRONG_ID};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    f.kind = MOCK_UNKNOWN_ID;
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"mock_echo\"}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":\"mock-wrong-1\",\"result\":[]}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":[]}");
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"mock_echo\"}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":900000002,\"result\":[]}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":[]}");
    stop_all();
}
END_TEST

START_TEST(dup_id_answers_twice)
{
    start_plain();
    mock_fault f = {.kind = MOCK_DUP_ID};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    ck_assert_int_eq(
        mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"mock_counter\"}"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":1}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":1}");
    expect_silence(100);
    stop_all();
}
END_TEST

START_TEST(junk_frames_precede_the_answer)
{
    start_plain();
    mock_fault f = {.kind = MOCK_JUNK_JSON, .arg = 2};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    f.kind = MOCK_JUNK_UTF8;
    f.arg = 1;
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_echo\"}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"truncated");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"truncated");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}");
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"mock_echo\"}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"\xff\xfe\xc3\x28\"}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[]}");
    stop_all();
}
END_TEST

START_TEST(fragment_splits_into_continuation_frames)
{
    start_plain();
    mock_fault f = {.kind = MOCK_FRAGMENT, .arg = 7};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_echo\","
                                        "\"params\":[\"abcdefghijklmnopqrstuvwxyz\"]}"),
                     0);
    char *m;
    size_t len;
    unsigned fr;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 1);
    ck_assert_str_eq(m,
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[\"abcdefghijklmnopqrstuvwxyz\"]}");
    ck_assert_uint_eq(fr, 7);
    free(m);
    stop_all();
}
END_TEST

START_TEST(oversize_and_big_results_have_the_asked_size)
{
    start_plain();
    mock_fault f = {.kind = MOCK_OVERSIZE, .arg = 200000};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_echo\"}"),
                     0);
    char *m;
    size_t len;
    unsigned fr;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 1);
    ck_assert_uint_eq(len, 200000);
    free(m);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"mock_big\","
                                        "\"params\":[70000]}"),
                     0);
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 1);
    ck_assert_uint_eq(len, strlen("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"\"}") + 70000);
    free(m);
    stop_all();
}
END_TEST

START_TEST(slow_fault_delays_the_answer)
{
    start_plain();
    mock_fault f = {.kind = MOCK_SLOW, .arg = 250};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    int64_t t0 = ms_now();
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_echo\"}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}");
    int64_t dt = ms_now() - t0;
    ck_assert_msg(dt >= 240 && dt < 2000, "answered after %lld ms", (long long)dt);
    stop_all();
}
END_TEST

START_TEST(hold_releases_answers_in_reverse_order)
{
    start_plain();
    mock_fault f = {.kind = MOCK_HOLD, .count = 3};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    for (int i = 1; i <= 4; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"mock_echo\"}", i);
        ck_assert_int_eq(mock_raw_send(cli, buf), 0);
    }
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[]}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[]}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":[]}");
    stop_all();
}
END_TEST

START_TEST(rpc_error_and_result_faults)
{
    start_plain();
    mock_fault f = {.kind = MOCK_RPC_ERROR, .rpc_code = 1010, .text = "Invalid \"Transaction\""};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    mock_fault g = {.kind = MOCK_RESULT, .text = "{\"a\":1}"};
    ck_assert_int_eq(mock_node_fault(node, &g), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1010,\"message\":\"Invalid "
               "\\\"Transaction\\\"\"}}");
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\"}"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"a\":1}}");
    stop_all();
}
END_TEST

START_TEST(close_every_closes_after_the_nth_answer)
{
    start_plain();
    mock_node_set_close_every(node, 2);
    for (int i = 1; i <= 3; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"mock_echo\"}", i);
        ck_assert_int_eq(mock_raw_send(cli, buf), 0);
    }
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[]}");
    char *m;
    size_t len;
    unsigned fr;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 0);
    ck_assert_int_eq(partial, 0);
    mock_raw_close(cli); /* the mock waits for the peer to close after its FIN */
    cli = NULL;
    ck_assert_int_eq(mock_node_wait_open(node, 0, WAIT_MS), 0);
    mock_node_stats st;
    mock_node_get_stats(node, &st);
    ck_assert_uint_eq(st.answers, 2);
    ck_assert_uint_eq(st.requests, 3);
    stop_all();
}
END_TEST

START_TEST(refuse_closes_at_accept)
{
    mock_node_opts o = {0};
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    mock_node_set_refuse(node, 1);
    ck_assert_ptr_null(mock_raw_open(mock_node_port(node), WAIT_MS));
    mock_node_stats st;
    mock_node_get_stats(node, &st);
    ck_assert_uint_eq(st.connections_refused, 1);
    ck_assert_uint_eq(st.connections_accepted, 0);
    mock_node_set_refuse(node, 0);
    cli = mock_raw_open(mock_node_port(node), WAIT_MS);
    ck_assert_ptr_nonnull(cli);
    stop_all();
}
END_TEST

START_TEST(pause_refuses_and_resume_listens_on_the_same_port)
{
    start_plain();
    int port = mock_node_port(node);
    ck_assert_int_gt(port, 0);
    ck_assert_int_eq(mock_node_pause(node), 0);
    char *m;
    size_t len;
    unsigned fr;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 0);
    mock_raw_close(cli);
    cli = NULL;
    ck_assert_ptr_null(mock_raw_open(port, 500));
    ck_assert_int_eq(mock_node_resume(node), 0);
    ck_assert_int_eq(mock_node_port(node), port);
    cli = mock_raw_open(port, WAIT_MS);
    ck_assert_ptr_nonnull(cli);
    ck_assert_int_eq(
        mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mock_counter\"}"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}");
    ck_assert_int_eq(mock_node_restart(node), 0);
    ck_assert_int_eq(mock_node_port(node), port);
    mock_node_stats st;
    mock_node_get_stats(node, &st);
    ck_assert_uint_eq(st.connections_accepted, 2);
    ck_assert_uint_eq(st.connections_open, 0);
    stop_all();
}
END_TEST

START_TEST(subscription_notifications_before_and_after_reply)
{
    start_plain();
    mock_node_set_sub_initial(node, "{\"number\":\"0x01\"}", 1, 1);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                                        "\"chain_subscribeNewHeads\",\"params\":[]}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"method\":\"chain_newHead\",\"params\":{\"subscription\":"
               "\"mocksub1\",\"result\":{\"number\":\"0x01\"}}}");
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"mocksub1\"}");
    ck_assert_uint_eq(mock_node_subscriptions(node), 1);
    ck_assert_int_eq(mock_node_notify(node, "chain_subscribeNewHeads", "{\"number\":\"0x02\"}"), 1);
    expect_msg("{\"jsonrpc\":\"2.0\",\"method\":\"chain_newHead\",\"params\":{\"subscription\":"
               "\"mocksub1\",\"result\":{\"number\":\"0x02\"}}}");
    ck_assert_int_eq(mock_node_notify(node, "chain_subscribeFinalizedHeads", "1"), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                                        "\"chain_unsubscribeNewHeads\",\"params\":[\"mocksub1\"]}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":true}");
    ck_assert_uint_eq(mock_node_subscriptions(node), 0);
    ck_assert_int_eq(mock_node_notify(node, NULL, "1"), 0);
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
                                        "\"chain_unsubscribeNewHeads\",\"params\":[\"mocksub1\"]}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":false}");
    stop_all();
}
END_TEST

START_TEST(drop_all_ends_every_connection)
{
    start_plain();
    mock_raw *second = mock_raw_open(mock_node_port(node), WAIT_MS);
    ck_assert_ptr_nonnull(second);
    ck_assert_int_eq(mock_node_wait_open(node, 2, WAIT_MS), 0);
    mock_node_drop_all(node);
    ck_assert_int_eq(mock_node_wait_open(node, 0, WAIT_MS), 0);
    char *m;
    size_t len;
    unsigned fr;
    int partial;
    ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 0);
    mock_raw_close(second);
    mock_node_stats st;
    mock_node_get_stats(node, &st);
    ck_assert_uint_eq(st.drops, 2);
    stop_all();
}
END_TEST

START_TEST(pipelined_requests_all_answered_in_order)
{
    start_plain();
    enum { N = 20000 };
    size_t cap = (size_t)N * 96;
    uint8_t *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    size_t off = 0;
    for (int i = 0; i < N; i++) {
        char req[96];
        int l = snprintf(req, sizeof req,
                         "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"mock_echo\"}", i);
        off += mock_raw_build_frame(buf + off, req, (size_t)l);
    }
    ck_assert_int_eq(mock_raw_write_all(cli, buf, off), 0);
    free(buf);
    for (int i = 0; i < N; i++) {
        char *m;
        size_t len;
        unsigned fr;
        int partial;
        ck_assert_int_eq(mock_raw_recv(cli, &m, &len, &fr, &partial, WAIT_MS), 1);
        char want[96];
        snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":[]}", i);
        ck_assert_str_eq(m, want);
        free(m);
    }
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), N);
    stop_all();
}
END_TEST

static char *handler(void *user, const char *method, const char *params, int *code)
{
    (void)user;
    if (strcmp(method, "h_fail") == 0) {
        *code = -32000;
        return strdup("handler says no");
    }
    if (strcmp(method, "h_ok") == 0) {
        size_t n = strlen(params) + 16;
        char *s = malloc(n);
        snprintf(s, n, "{\"p\":%s}", params);
        return s;
    }
    return NULL;
}

START_TEST(handler_answers_first)
{
    mock_node_opts o = {0};
    o.handler = handler;
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    cli = mock_raw_open(mock_node_port(node), WAIT_MS);
    ck_assert_ptr_nonnull(cli);
    ck_assert_int_eq(mock_raw_send(cli,
                                   "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"h_ok\",\"params\":"
                                   "[2]}"),
                     0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"p\":[2]}}");
    ck_assert_int_eq(mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"h_fail\"}"), 0);
    expect_msg(
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32000,\"message\":\"handler says "
        "no\"}}");
    ck_assert_int_eq(
        mock_raw_send(cli, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"mock_counter\"}"), 0);
    expect_msg("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":1}");
    stop_all();
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("mock_node");
    TCase *tc = tcase_create("mock_node");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, echo_answers_params_with_the_request_id);
    tcase_add_test(tc, replay_answers_recorded_results);
    tcase_add_test(tc, replay_cycle_alternates_answers);
    tcase_add_test(tc, unknown_method_and_bad_json_get_jsonrpc_errors);
    tcase_add_test(tc, batch_is_answered_with_one_array);
    tcase_add_test(tc, silent_fault_never_answers_then_normal_again);
    tcase_add_test(tc, drop_mid_sends_a_partial_fragment_then_drops);
    tcase_add_test(tc, wrong_and_unknown_id_come_before_the_right_answer);
    tcase_add_test(tc, dup_id_answers_twice);
    tcase_add_test(tc, junk_frames_precede_the_answer);
    tcase_add_test(tc, fragment_splits_into_continuation_frames);
    tcase_add_test(tc, oversize_and_big_results_have_the_asked_size);
    tcase_add_test(tc, slow_fault_delays_the_answer);
    tcase_add_test(tc, hold_releases_answers_in_reverse_order);
    tcase_add_test(tc, rpc_error_and_result_faults);
    tcase_add_test(tc, close_every_closes_after_the_nth_answer);
    tcase_add_test(tc, refuse_closes_at_accept);
    tcase_add_test(tc, pause_refuses_and_resume_listens_on_the_same_port);
    tcase_add_test(tc, subscription_notifications_before_and_after_reply);
    tcase_add_test(tc, drop_all_ends_every_connection);
    tcase_add_test(tc, pipelined_requests_all_answered_in_order);
    tcase_add_test(tc, handler_answers_first);
    suite_add_tcase(s, tc);
    return s;
}
