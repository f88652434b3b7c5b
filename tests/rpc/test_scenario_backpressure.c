/* Back-pressure on the client's writes: a node that reads slowly (it pauses now and then, and
 * answers what it read in between) makes the client's socket choke, so lws keeps part of a write
 * in its own output list and the client writes again from kick() on top of it. Regression: a
 * partial write used to be taken as a failure there and closed a healthy connection. */
#define _GNU_SOURCE
#include "scenario_util.h"

/* params of pad + a few bytes: ["<i>-xxxx..."], answered by mock_echo with the same text */
static char *big_params(size_t i, size_t pad)
{
    char *p = malloc(pad + 64);
    ck_assert_ptr_nonnull(p);
    int k = snprintf(p, 64, "[\"%zu-", i);
    memset(p + k, 'x', pad);
    memcpy(p + (size_t)k + pad, "\"]", 3);
    return p;
}

START_TEST(choked_writes_never_close_the_connection_and_every_request_is_answered_once)
{
    /* 600 requests of 64 KiB (~40 MB each way); the node sleeps 30 ms after every 16th, so
     * the client's socket fills while answers keep coming. Before the fix this reconnected in
     * every run (connects 2). */
    enum { N = 600, PAD = 65536 };
    mock_node *n = sc_node();
    mock_node_set_read_stall(n, 16, 30);
    btq_rpc_options o;
    sc_opts(&o, mock_node_url(n));
    o.request_timeout_ms = (uint32_t)btq_test_ms(60000);
    btq_rpc *rpc = sc_client(&o);
    sc_collect *c = sc_collect_new(N);
    char **params = calloc(N, sizeof *params);
    ck_assert_ptr_nonnull(params);
    for (size_t i = 0; i < N; i++) {
        params[i] = big_params(i, PAD);
        ck_assert_int_eq(btq_rpc_call_async(rpc, "mock_echo", params[i], 0, sc_cb, &c->slots[i]),
                         0);
    }
    ck_assert_msg(sc_wait_done(c, N, 120000) == 0, "only %zu of %d answered", c->done, (int)N);
    sc_sleep_ms(50); /* a duplicate answer would show up here */
    pthread_mutex_lock(&c->mu);
    ck_assert_uint_eq(c->extra, 0);
    for (size_t i = 0; i < N; i++) {
        ck_assert_int_eq(c->slots[i].calls, 1);
        ck_assert_msg(c->slots[i].status == 0, "request %zu: %s (%s)", i,
                      btq_err_name(c->slots[i].status), c->slots[i].message);
        ck_assert_ptr_nonnull(c->slots[i].result);
        ck_assert_msg(strcmp(c->slots[i].result, params[i]) == 0, "request %zu: wrong answer", i);
    }
    pthread_mutex_unlock(&c->mu);
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.connects, 1);
    ck_assert_uint_eq(st.reconnects, 0);
    mock_node_stats ms;
    mock_node_get_stats(n, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 1);
    ck_assert_uint_eq(ms.requests, N);
    btq_rpc_free(rpc);
    for (size_t i = 0; i < N; i++)
        free(params[i]);
    free(params);
    sc_collect_free(c);
    mock_node_stop(n);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scenario_backpressure");
    TCase *tc = tcase_create("backpressure");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, choked_writes_never_close_the_connection_and_every_request_is_answered_once);
    suite_add_tcase(s, tc);
    return s;
}
