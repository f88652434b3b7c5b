/* Scenario tests: a btq_rpc client (include/btq/rpc.h) against the misbehaving mock node.
 * Each test provokes one fault and asserts exactly what the caller sees: status code, result
 * text, how many times the callback ran, the client's counters and what the server saw. */
#define _GNU_SOURCE
#include "scenario_util.h"

static mock_node *node;
static btq_rpc *rpc;

static void setup_default(void)
{
    node = sc_node();
    rpc = sc_default_client(node);
}

static void setup_with(void (*tweak)(btq_rpc_options *))
{
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    tweak(&o);
    rpc = sc_client(&o);
}

static void teardown(void)
{
    btq_rpc_free(rpc);
    rpc = NULL;
    mock_node_stop(node);
    node = NULL;
}

static void fault(enum mock_fault_kind kind, const char *method, unsigned count, size_t arg)
{
    mock_fault f = {.kind = kind, .method = method, .count = count, .arg = arg};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
}

static void short_deadline(btq_rpc_options *o)
{
    o->request_timeout_ms = (uint32_t)btq_test_ms(300); /* every call's deadline, scaled */
}

START_TEST(never_answered_request_ends_etimedout_at_its_deadline)
{
    setup_with(short_deadline);
    fault(MOCK_SILENT, "mock_echo", 1, 0);
    int64_t t0 = sc_now_ms();
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_echo", "[1]", 0, NULL, &e), BTQ_ETIMEDOUT);
    int64_t dt = sc_now_ms() - t0;
    ck_assert_msg(dt >= btq_test_ms(290) && dt < btq_test_ms(1500), "timed out after %lld ms",
                  (long long)dt);
    /* counters may trail the callback by a moment: wait (bounded) before asserting */
    int64_t end = sc_now_ms() + btq_test_ms(1000);
    while (sc_stats(rpc).timeouts < 1 && sc_now_ms() < end)
        sc_sleep_ms(1);
    ck_assert_uint_eq(sc_stats(rpc).timeouts, 1);
    ck_assert_int_eq(sc_wait_quiet(rpc, 1000), 0);
    /* the connection stays usable */
    sc_call_expect(rpc, "mock_echo", "[2]", "[2]");
    ck_assert_uint_eq(mock_node_requests(node, "mock_echo"), 2);
    teardown();
}
END_TEST

START_TEST(drop_mid_response_read_is_resent_once_and_answered)
{
    setup_default();
    fault(MOCK_DROP_MID, "mock_echo", 1, 0);
    sc_call_expect(rpc, "mock_echo", "[\"a\"]", "[\"a\"]");
    ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", "[\"a\"]"), 2);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 2);
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.resent, 1);
    ck_assert_uint_eq(st.responses, 1);
    ck_assert_int_eq(sc_wait_quiet(rpc, 1000), 0);
    teardown();
}
END_TEST

START_TEST(drop_before_answer_read_is_resent_once_and_answered)
{
    setup_default();
    fault(MOCK_DROP_BEFORE, "state_getStorage", 1, 0);
    mock_fault ok = {.kind = MOCK_RESULT, .method = "state_getStorage", .text = "\"0x2a\""};
    ck_assert_int_eq(mock_node_fault(node, &ok), 0);
    sc_call_expect(rpc, "state_getStorage", "[\"0x01\"]", "\"0x2a\"");
    ck_assert_uint_eq(mock_node_requests(node, "state_getStorage"), 2);
    ck_assert_uint_eq(sc_stats(rpc).resent, 1);
    teardown();
}
END_TEST

START_TEST(submission_in_flight_at_drop_ends_eoutcome_and_is_never_resent)
{
    setup_default();
    fault(MOCK_DROP_BEFORE, "author_submitExtrinsic", 1, 0);
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "author_submitExtrinsic", "[\"0x0102\"]", 0, NULL, &e),
                     BTQ_EOUTCOME);
    sc_sleep_ms(300); /* a re-send, if any, would arrive within this */
    ck_assert_uint_eq(mock_node_requests_params(node, "author_submitExtrinsic", "[\"0x0102\"]"), 1);
    ck_assert_uint_eq(sc_stats(rpc).resent, 0);
    /* the handle still works afterwards */
    sc_call_expect(rpc, "mock_echo", "[3]", "[3]");
    teardown();
}
END_TEST

START_TEST(non_idempotent_flag_call_at_drop_mid_response_ends_eoutcome)
{
    setup_default();
    fault(MOCK_DROP_MID, "mock_echo", 1, 0);
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_echo", "[9]", BTQ_RPC_NON_IDEMPOTENT, NULL, &e),
                     BTQ_EOUTCOME);
    sc_sleep_ms(300);
    ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", "[9]"), 1);
    teardown();
}
END_TEST

START_TEST(out_of_order_answers_reach_their_own_callers)
{
    setup_default();
    enum { N = 8 };
    fault(MOCK_HOLD, "mock_echo", N, 0);
    sc_collect *c = sc_collect_new(N);
    for (int i = 0; i < N; i++) {
        char p[32];
        snprintf(p, sizeof p, "[%d]", i);
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", p, 0, sc_cb, &c->slots[i]), 0);
    }
    ck_assert_int_eq(sc_wait_done(c, N, SC_WAIT_MS), 0);
    sc_sleep_ms(50);
    for (int i = 0; i < N; i++) {
        char want[32];
        snprintf(want, sizeof want, "[%d]", i);
        ck_assert_int_eq(c->slots[i].calls, 1);
        ck_assert_int_eq(c->slots[i].status, 0);
        ck_assert_str_eq(c->slots[i].result, want);
    }
    ck_assert_uint_eq(c->extra, 0);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(wrong_id_is_counted_and_dropped_and_the_caller_answered_once)
{
    setup_default();
    fault(MOCK_WRONG_ID, "mock_echo", 1, 0);
    sc_call_expect(rpc, "mock_echo", "[\"w\"]", "[\"w\"]");
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.dropped_unknown_id + st.dropped_invalid, 1);
    ck_assert_uint_eq(st.responses, 1);
    teardown();
}
END_TEST

START_TEST(unknown_numeric_id_is_counted_as_unknown_and_dropped)
{
    setup_default();
    fault(MOCK_UNKNOWN_ID, "mock_echo", 1, 0);
    sc_call_expect(rpc, "mock_echo", "[\"u\"]", "[\"u\"]");
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.dropped_unknown_id, 1);
    ck_assert_uint_eq(st.dropped_invalid, 0);
    teardown();
}
END_TEST

START_TEST(duplicate_answer_runs_the_callback_once_and_counts_the_copy)
{
    setup_default();
    fault(MOCK_DUP_ID, "mock_echo", 1, 0);
    sc_collect *c = sc_collect_new(1);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", "[\"d\"]", 0, sc_cb, &c->slots[0]), 0);
    ck_assert_int_eq(sc_wait_done(c, 1, SC_WAIT_MS), 0);
    int64_t end = sc_now_ms() + 2000;
    while (sc_stats(rpc).dropped_unknown_id < 1 && sc_now_ms() < end)
        sc_sleep_ms(2);
    ck_assert_int_eq(c->slots[0].calls, 1);
    ck_assert_str_eq(c->slots[0].result, "[\"d\"]");
    ck_assert_uint_eq(sc_stats(rpc).dropped_unknown_id, 1);
    ck_assert_uint_eq(c->extra, 0);
    sc_collect_free(c);
    teardown();
}
END_TEST

START_TEST(invalid_json_message_is_counted_and_dropped)
{
    setup_default();
    fault(MOCK_JUNK_JSON, "mock_echo", 1, 1);
    sc_call_expect(rpc, "mock_echo", "[\"j\"]", "[\"j\"]");
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.dropped_invalid, 1);
    ck_assert_uint_eq(st.responses, 1);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 1);
    teardown();
}
END_TEST

START_TEST(invalid_utf8_with_the_right_id_is_dropped_not_delivered)
{
    setup_default();
    fault(MOCK_JUNK_UTF8, "mock_echo", 1, 1);
    /* the junk frame carries the request's own id: only UTF-8 validation keeps it out */
    sc_call_expect(rpc, "mock_echo", "[\"v\"]", "[\"v\"]");
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.dropped_invalid, 1);
    ck_assert_uint_eq(st.responses, 1);
    teardown();
}
END_TEST

static void three_bad(btq_rpc_options *o)
{
    o->max_bad_messages = 3;
}

START_TEST(too_many_bad_messages_close_the_connection_and_reads_are_retried)
{
    setup_with(three_bad);
    fault(MOCK_JUNK_JSON, "mock_echo", 1, 3);
    sc_call_expect(rpc, "mock_echo", "[\"b\"]", "[\"b\"]");
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.dropped_invalid, 3);
    ck_assert_uint_eq(st.resent, 1);
    ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", "[\"b\"]"), 2);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 2);
    teardown();
}
END_TEST

static void cap_64k(btq_rpc_options *o)
{
    o->max_message_bytes = 65536;
}

START_TEST(message_over_the_cap_ends_etoobig_and_is_not_resent)
{
    setup_with(cap_64k);
    fault(MOCK_OVERSIZE, "mock_echo", 1, 65537);
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_echo", "[\"big\"]", 0, NULL, &e), BTQ_ETOOBIG);
    sc_sleep_ms(200);
    ck_assert_uint_eq(mock_node_requests_params(node, "mock_echo", "[\"big\"]"), 1);
    ck_assert_uint_eq(sc_stats(rpc).dropped_too_big, 1);
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    teardown();
}
END_TEST

START_TEST(message_exactly_at_the_cap_is_accepted)
{
    setup_with(cap_64k);
    fault(MOCK_OVERSIZE, "mock_echo", 1, 65536);
    char *res = NULL;
    btq_error e = {0};
    int rc = sc_call(rpc, "mock_echo", "[]", 0, &res, &e);
    ck_assert_msg(rc == 0, "%s %s", btq_err_name(rc), e.message);
    ck_assert_ptr_nonnull(res);
    ck_assert_int_eq(res[0], '"');
    ck_assert_uint_eq(strspn(res + 1, "x"), strlen(res) - 2);
    free(res);
    ck_assert_uint_eq(sc_stats(rpc).dropped_too_big, 0);
    teardown();
}
END_TEST

START_TEST(fragmented_answer_is_reassembled)
{
    setup_default();
    fault(MOCK_FRAGMENT, "mock_big", 1, 50);
    char *res = NULL;
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_big", "[100000]", 0, &res, &e), 0);
    ck_assert_uint_eq(strlen(res), 100002);
    ck_assert_uint_eq(strspn(res + 1, "x"), 100000);
    free(res);
    teardown();
}
END_TEST

START_TEST(one_byte_fragments_are_reassembled)
{
    setup_default();
    fault(MOCK_FRAGMENT, "mock_echo", 1, 100000); /* capped to the message length */
    sc_call_expect(rpc, "mock_echo", "[\"fragments\",{\"a\":[1,2,3]}]",
                   "[\"fragments\",{\"a\":[1,2,3]}]");
    teardown();
}
END_TEST

START_TEST(large_answer_over_default_frame_sizes_arrives_whole)
{
    setup_default();
    char *res = NULL;
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_big", "[3000000]", 0, &res, &e), 0);
    ck_assert_uint_eq(strlen(res), 3000002);
    free(res);
    teardown();
}
END_TEST

START_TEST(slow_write_is_answered_before_the_deadline)
{
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.request_timeout_ms = 2000;
    rpc = sc_client(&o);
    fault(MOCK_SLOW, "mock_echo", 1, 300);
    int64_t t0 = sc_now_ms();
    sc_call_expect(rpc, "mock_echo", "[\"s\"]", "[\"s\"]");
    int64_t dt = sc_now_ms() - t0;
    ck_assert_msg(dt >= 290 && dt < 2000, "answered after %lld ms", (long long)dt);
    ck_assert_uint_eq(sc_stats(rpc).timeouts, 0);
    teardown();
}
END_TEST

START_TEST(answer_after_the_deadline_is_counted_unknown_and_dropped)
{
    setup_with(short_deadline);
    fault(MOCK_SLOW, "mock_echo", 1, (size_t)btq_test_ms(700)); /* after the (scaled) deadline */
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "mock_echo", "[\"late\"]", 0, NULL, &e), BTQ_ETIMEDOUT);
    int64_t end = sc_now_ms() + btq_test_ms(3000);
    while ((sc_stats(rpc).dropped_unknown_id < 1 || sc_stats(rpc).timeouts < 1) &&
           sc_now_ms() < end)
        sc_sleep_ms(5);
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.dropped_unknown_id, 1);
    ck_assert_uint_eq(st.timeouts, 1);
    ck_assert_uint_eq(st.responses, 0);
    teardown();
}
END_TEST

START_TEST(jsonrpc_error_object_returns_erpc_with_code_and_message)
{
    setup_default();
    mock_fault f = {.kind = MOCK_RPC_ERROR,
                    .method = "author_submitExtrinsic",
                    .rpc_code = 1010,
                    .text = "Invalid Transaction"};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "author_submitExtrinsic", "[\"0x00\"]", 0, NULL, &e), BTQ_ERPC);
    ck_assert_int_eq(e.code, BTQ_ERPC);
    ck_assert_int_eq(e.rpc_code, 1010);
    ck_assert_str_eq(e.message, "Invalid Transaction");
    teardown();
}
END_TEST

START_TEST(unknown_method_returns_erpc_method_not_found)
{
    setup_default();
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "no_such_method", NULL, 0, NULL, &e), BTQ_ERPC);
    ck_assert_int_eq(e.rpc_code, -32601);
    ck_assert_str_eq(e.message, "Method not found");
    teardown();
}
END_TEST

START_TEST(recorded_mainnet_answers_are_returned_verbatim)
{
    mock_node_opts o = {0};
    o.replay_path =
        btq_test_shared_path("chain/recorded/async-substrate-interface/ws_responses.jsonl");
    o.replay_test = "test_bits";
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    rpc = sc_default_client(node);
    sc_call_expect(rpc, "chain_getHead", NULL,
                   "\"0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3\"");
    char *res = NULL;
    btq_error e = {0};
    ck_assert_int_eq(
        sc_call(rpc, "chain_getHeader",
                "[\"0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3\"]", 0, &res,
                &e),
        0);
    ck_assert_ptr_nonnull(strstr(res, "\"number\":\"0x797351\""));
    ck_assert_int_eq(res[0], '{');
    free(res);
    teardown();
}
END_TEST

START_TEST(recorded_error_then_success_cycle_is_replayed)
{
    mock_node_opts o = {0};
    o.replay_path = btq_test_shared_path("chain/recorded/bittensor/ws_responses.jsonl");
    o.replay_test = "retry_archive";
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    rpc = sc_default_client(node);
    const char *p = "[\"0x6c0da8a9dd5994d374d43210dc401f000b2fe02541bc2e7cd54719655d751a18\"]";
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "state_getRuntimeVersion", p, 0, NULL, &e), BTQ_ERPC);
    ck_assert_int_eq(e.rpc_code, 4003);
    ck_assert_ptr_nonnull(strstr(e.message, "State already discarded"));
    char *res = NULL;
    ck_assert_int_eq(sc_call(rpc, "state_getRuntimeVersion", p, 0, &res, &e), 0);
    ck_assert_ptr_nonnull(strstr(res, "\"specVersion\":273"));
    free(res);
    teardown();
}
END_TEST

START_TEST(unsolicited_non_jsonrpc_message_is_dropped_without_harm)
{
    setup_default();
    sc_call_expect(rpc, "mock_echo", "[0]", "[0]"); /* connect */
    ck_assert_int_eq(mock_node_send_raw(node, "{\"hello\":1}", 11), 1);
    ck_assert_int_eq(mock_node_send_raw(node, "[1,2", 4), 1);
    int64_t end = sc_now_ms() + 2000;
    while (sc_stats(rpc).dropped_invalid + sc_stats(rpc).dropped_unknown_id < 2 &&
           sc_now_ms() < end)
        sc_sleep_ms(2);
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.dropped_invalid + st.dropped_unknown_id, 2);
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    teardown();
}
END_TEST

START_TEST(batch_items_each_get_their_own_answer)
{
    setup_default();
    sc_collect *c = sc_collect_new(3);
    btq_rpc_batch_item items[3] = {
        {"mock_echo", "[\"x\"]", 0, sc_cb, &c->slots[0]},
        {"no_such_method", NULL, 0, sc_cb, &c->slots[1]},
        {"mock_echo", "[\"z\"]", 0, sc_cb, &c->slots[2]},
    };
    ck_assert_int_eq(btq_rpc_batch_async(rpc, items, 3), 0);
    ck_assert_int_eq(sc_wait_done(c, 3, SC_WAIT_MS), 0);
    ck_assert_int_eq(c->slots[0].status, 0);
    ck_assert_str_eq(c->slots[0].result, "[\"x\"]");
    ck_assert_int_eq(c->slots[1].status, BTQ_ERPC);
    ck_assert_int_eq(c->slots[1].rpc_code, -32601);
    ck_assert_int_eq(c->slots[2].status, 0);
    ck_assert_str_eq(c->slots[2].result, "[\"z\"]");
    ck_assert_uint_eq(mock_node_requests(node, NULL), 3);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.messages_received, 1);
    sc_collect_free(c);
    teardown();
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scenario_faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, never_answered_request_ends_etimedout_at_its_deadline);
    tcase_add_test(tc, drop_mid_response_read_is_resent_once_and_answered);
    tcase_add_test(tc, drop_before_answer_read_is_resent_once_and_answered);
    tcase_add_test(tc, submission_in_flight_at_drop_ends_eoutcome_and_is_never_resent);
    tcase_add_test(tc, non_idempotent_flag_call_at_drop_mid_response_ends_eoutcome);
    tcase_add_test(tc, out_of_order_answers_reach_their_own_callers);
    tcase_add_test(tc, wrong_id_is_counted_and_dropped_and_the_caller_answered_once);
    tcase_add_test(tc, unknown_numeric_id_is_counted_as_unknown_and_dropped);
    tcase_add_test(tc, duplicate_answer_runs_the_callback_once_and_counts_the_copy);
    tcase_add_test(tc, invalid_json_message_is_counted_and_dropped);
    tcase_add_test(tc, invalid_utf8_with_the_right_id_is_dropped_not_delivered);
    tcase_add_test(tc, too_many_bad_messages_close_the_connection_and_reads_are_retried);
    tcase_add_test(tc, message_over_the_cap_ends_etoobig_and_is_not_resent);
    tcase_add_test(tc, message_exactly_at_the_cap_is_accepted);
    tcase_add_test(tc, fragmented_answer_is_reassembled);
    tcase_add_test(tc, one_byte_fragments_are_reassembled);
    tcase_add_test(tc, large_answer_over_default_frame_sizes_arrives_whole);
    tcase_add_test(tc, slow_write_is_answered_before_the_deadline);
    tcase_add_test(tc, answer_after_the_deadline_is_counted_unknown_and_dropped);
    tcase_add_test(tc, jsonrpc_error_object_returns_erpc_with_code_and_message);
    tcase_add_test(tc, unknown_method_returns_erpc_method_not_found);
    tcase_add_test(tc, recorded_mainnet_answers_are_returned_verbatim);
    tcase_add_test(tc, recorded_error_then_success_cycle_is_replayed);
    tcase_add_test(tc, unsolicited_non_jsonrpc_message_is_dropped_without_harm);
    tcase_add_test(tc, batch_items_each_get_their_own_answer);
    suite_add_tcase(s, tc);
    return s;
}
