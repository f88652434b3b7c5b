/* Scenario tests: subscriptions seen by the caller of include/btq/rpc.h — notifications in
 * order, notifications sent before the subscribe reply, unsubscribe, the final status on a
 * drop (no silent re-subscribe), a failing subscribe, freeing the handle, idle close. */
#define _GNU_SOURCE
#include "scenario_util.h"

static mock_node *node;
static btq_rpc *rpc;
static sc_collect *col;

static void setup(void)
{
    node = sc_node();
    rpc = sc_default_client(node);
    col = sc_collect_new(4);
}

static void teardown(void)
{
    btq_rpc_free(rpc);
    rpc = NULL;
    mock_node_stop(node);
    node = NULL;
    sc_collect_free(col);
    col = NULL;
}

static uint64_t subscribe_heads(size_t slot)
{
    uint64_t id = 0;
    ck_assert_int_eq(btq_rpc_subscribe(rpc, "chain_subscribeNewHeads", NULL,
                                       "chain_unsubscribeNewHeads", sc_sub_cb, &col->slots[slot],
                                       &id),
                     0);
    ck_assert_uint_ne(id, 0);
    return id;
}

static void wait_server_subs(unsigned n)
{
    int64_t end = sc_now_ms() + SC_WAIT_MS;
    while (mock_node_subscriptions(node) != n && sc_now_ms() < end)
        sc_sleep_ms(2);
    ck_assert_uint_eq(mock_node_subscriptions(node), n);
}

START_TEST(new_heads_notifications_arrive_in_order_then_unsubscribe_closes)
{
    setup();
    uint64_t id = subscribe_heads(0);
    wait_server_subs(1);
    ck_assert_int_eq(mock_node_notify(node, "chain_subscribeNewHeads", "{\"number\":\"0x1\"}"), 1);
    ck_assert_int_eq(mock_node_notify(node, "chain_subscribeNewHeads", "{\"number\":\"0x2\"}"), 1);
    ck_assert_int_eq(mock_node_notify(node, "chain_subscribeNewHeads", "{\"number\":\"0x3\"}"), 1);
    ck_assert_int_eq(sc_wait_notes(col, 0, 3, SC_WAIT_MS), 0);
    ck_assert_str_eq(col->slots[0].notes_text,
                     "{\"number\":\"0x1\"}\n{\"number\":\"0x2\"}\n{\"number\":\"0x3\"}");
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, id), 0);
    ck_assert_int_eq(sc_wait_done(col, 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(col->slots[0].calls, 1);
    ck_assert_int_eq(col->slots[0].status, BTQ_ECLOSED);
    ck_assert_int_eq(col->slots[0].notes, 3);
    ck_assert_int_eq(mock_node_wait_requests(node, "chain_unsubscribeNewHeads", 1, SC_WAIT_MS), 0);
    wait_server_subs(0);
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, id), BTQ_ENOTFOUND);
    ck_assert_uint_eq(sc_stats(rpc).subscriptions, 0);
    teardown();
}
END_TEST

START_TEST(notifications_sent_before_the_subscribe_reply_are_kept)
{
    setup();
    mock_node_set_sub_initial(node, "{\"number\":\"0x10\"}", 2, 1);
    subscribe_heads(0);
    ck_assert_int_eq(sc_wait_notes(col, 0, 2, SC_WAIT_MS), 0);
    ck_assert_str_eq(col->slots[0].notes_text, "{\"number\":\"0x10\"}\n{\"number\":\"0x10\"}");
    ck_assert_int_eq(mock_node_notify(node, NULL, "{\"number\":\"0x11\"}"), 1);
    ck_assert_int_eq(sc_wait_notes(col, 0, 3, SC_WAIT_MS), 0);
    ck_assert_int_eq(col->slots[0].calls, 0);
    teardown();
}
END_TEST

START_TEST(notification_right_after_the_reply_is_delivered)
{
    setup();
    mock_node_set_sub_initial(node, "\"first\"", 1, 0);
    subscribe_heads(0);
    ck_assert_int_eq(sc_wait_notes(col, 0, 1, SC_WAIT_MS), 0);
    ck_assert_str_eq(col->slots[0].notes_text, "\"first\"");
    teardown();
}
END_TEST

START_TEST(subscription_ends_econnlost_on_drop_and_is_not_resubscribed)
{
    setup();
    subscribe_heads(0);
    wait_server_subs(1);
    mock_node_drop_all(node);
    ck_assert_int_eq(sc_wait_done(col, 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(col->slots[0].calls, 1);
    ck_assert_int_eq(col->slots[0].status, BTQ_ECONNLOST);
    sc_sleep_ms(300);
    ck_assert_uint_eq(mock_node_requests(node, "chain_subscribeNewHeads"), 1);
    ck_assert_uint_eq(sc_stats(rpc).subscriptions, 0);
    ck_assert_int_eq(col->slots[0].calls, 1);
    /* subscribing again works */
    subscribe_heads(1);
    wait_server_subs(1);
    ck_assert_int_eq(mock_node_notify(node, NULL, "7"), 1);
    ck_assert_int_eq(sc_wait_notes(col, 1, 1, SC_WAIT_MS), 0);
    ck_assert_str_eq(col->slots[1].notes_text, "7");
    teardown();
}
END_TEST

START_TEST(failing_subscribe_ends_erpc_with_the_node_error)
{
    setup();
    mock_fault f = {.kind = MOCK_RPC_ERROR,
                    .method = "chain_subscribeNewHeads",
                    .rpc_code = -32000,
                    .text = "subscriptions limit reached"};
    ck_assert_int_eq(mock_node_fault(node, &f), 0);
    subscribe_heads(0);
    ck_assert_int_eq(sc_wait_done(col, 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(col->slots[0].calls, 1);
    ck_assert_int_eq(col->slots[0].status, BTQ_ERPC);
    ck_assert_int_eq(col->slots[0].rpc_code, -32000);
    ck_assert_str_eq(col->slots[0].message, "subscriptions limit reached");
    ck_assert_int_eq(col->slots[0].notes, 0);
    teardown();
}
END_TEST

START_TEST(two_subscriptions_each_get_only_their_notifications)
{
    setup();
    subscribe_heads(0);
    uint64_t id = 0;
    ck_assert_int_eq(btq_rpc_subscribe(rpc, "state_subscribeStorage", "[[\"0x26aa\"]]",
                                       "state_unsubscribeStorage", sc_sub_cb, &col->slots[1], &id),
                     0);
    wait_server_subs(2);
    ck_assert_int_eq(mock_node_notify(node, "chain_subscribeNewHeads", "\"head\""), 1);
    ck_assert_int_eq(mock_node_notify(node, "state_subscribeStorage", "{\"changes\":[]}"), 1);
    ck_assert_int_eq(sc_wait_notes(col, 0, 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(sc_wait_notes(col, 1, 1, SC_WAIT_MS), 0);
    sc_sleep_ms(50);
    ck_assert_str_eq(col->slots[0].notes_text, "\"head\"");
    ck_assert_str_eq(col->slots[1].notes_text, "{\"changes\":[]}");
    ck_assert_uint_eq(mock_node_requests_params(node, "state_subscribeStorage", "[[\"0x26aa\"]]"),
                      1);
    ck_assert_uint_eq(sc_stats(rpc).subscriptions, 2);
    teardown();
}
END_TEST

START_TEST(free_ends_active_subscriptions_ecanceled)
{
    setup();
    subscribe_heads(0);
    wait_server_subs(1);
    btq_rpc_free(rpc);
    rpc = NULL;
    ck_assert_int_eq(col->slots[0].calls, 1);
    ck_assert_int_eq(col->slots[0].status, BTQ_ECANCELED);
    teardown();
}
END_TEST

START_TEST(active_subscription_keeps_an_idle_connection_open)
{
    node = sc_node();
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(node));
    o.idle_timeout_ms = 150;
    rpc = sc_client(&o);
    col = sc_collect_new(1);
    uint64_t id = subscribe_heads(0);
    wait_server_subs(1);
    sc_sleep_ms(500);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_open, 1);
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, id), 0);
    ck_assert_int_eq(sc_wait_done(col, 1, SC_WAIT_MS), 0);
    ck_assert_int_eq(mock_node_wait_open(node, 0, 3000), 0);
    teardown();
}
END_TEST

START_TEST(unsubscribe_of_an_unknown_id_is_enotfound)
{
    setup();
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, 12345), BTQ_ENOTFOUND);
    teardown();
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scenario_subscriptions");
    TCase *tc = tcase_create("subscriptions");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, new_heads_notifications_arrive_in_order_then_unsubscribe_closes);
    tcase_add_test(tc, notifications_sent_before_the_subscribe_reply_are_kept);
    tcase_add_test(tc, notification_right_after_the_reply_is_delivered);
    tcase_add_test(tc, subscription_ends_econnlost_on_drop_and_is_not_resubscribed);
    tcase_add_test(tc, failing_subscribe_ends_erpc_with_the_node_error);
    tcase_add_test(tc, two_subscriptions_each_get_only_their_notifications);
    tcase_add_test(tc, free_ends_active_subscriptions_ecanceled);
    tcase_add_test(tc, active_subscription_keeps_an_idle_connection_open);
    tcase_add_test(tc, unsubscribe_of_an_unknown_id_is_enotfound);
    suite_add_tcase(s, tc);
    return s;
}
