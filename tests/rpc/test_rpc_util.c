/* URL parsing and the plain-ws rule, backoff computation, message reassembly with a cap,
 * option defaults and argument checks of the public API. */
#include <stdlib.h>
#include <string.h>

#include "btq/error.h"
#include "btq/rpc.h"
#include "btq/scale.h"
#include "btq_test.h"
#include "rpc/rpc_util.h"

START_TEST(url_parse_splits_scheme_host_port_path)
{
    btq_url u;
    ck_assert_int_eq(btq_url_parse("ws://127.0.0.1:9944", &u), 0);
    ck_assert_int_eq(u.tls, 0);
    ck_assert_str_eq(u.host, "127.0.0.1");
    ck_assert_int_eq(u.port, 9944);
    ck_assert_str_eq(u.path, "/");
    ck_assert_int_eq(u.loopback, 1);
    ck_assert_int_eq(btq_url_parse("WSS://entrypoint-finney.opentensor.ai/rpc?x=1", &u), 0);
    ck_assert_int_eq(u.tls, 1);
    ck_assert_int_eq(u.port, 443);
    ck_assert_str_eq(u.path, "/rpc?x=1");
    ck_assert_int_eq(u.loopback, 0);
    ck_assert_int_eq(btq_url_parse("ws://[::1]:80/", &u), 0);
    ck_assert_str_eq(u.host, "::1");
    ck_assert_int_eq(u.loopback, 1);
    ck_assert_int_eq(btq_url_parse("ws://localhost?q", &u), 0);
    ck_assert_str_eq(u.path, "/?q");
    ck_assert_int_eq(u.port, 80);
}
END_TEST

START_TEST(url_parse_rejects_bad_urls)
{
    const char *bad[] = {"",         "http://x",        "ws://",     "ws://:80",
                         "ws://h:0", "ws://h:65536",    "ws://h:8a", "ws://u@h",
                         "ws://h h", "ws://h/#frag",    "ws://[::1", "ws://[::1]x",
                         "ws://h:",  "ws://ex\x01mple", "wss//h",    "ws:/h"};
    btq_url u;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(btq_url_parse(bad[i], &u) == BTQ_EURL, "%s", bad[i]);
    ck_assert_int_eq(btq_url_parse(NULL, &u), BTQ_EURL);
}
END_TEST

START_TEST(plain_ws_to_remote_host_needs_opt_in)
{
    btq_url u;
    ck_assert_int_eq(btq_url_parse("ws://10.0.0.1:9944", &u), 0);
    ck_assert_int_eq(btq_url_check(&u, 0), BTQ_EINSECURE);
    ck_assert_int_eq(btq_url_check(&u, 1), 0);
    ck_assert_int_eq(btq_url_parse("ws://127.1.2.3:9944", &u), 0);
    ck_assert_int_eq(btq_url_check(&u, 0), 0);
    ck_assert_int_eq(btq_url_parse("ws://127.0.0.1.evil.com", &u), 0);
    ck_assert_int_eq(btq_url_check(&u, 0), BTQ_EINSECURE);
    ck_assert_int_eq(btq_url_parse("wss://10.0.0.1", &u), 0);
    ck_assert_int_eq(btq_url_check(&u, 0), 0);
}
END_TEST

START_TEST(backoff_doubles_from_100ms_caps_at_10s_with_jitter)
{
    ck_assert_uint_eq(btq_backoff_ms(100, 10000, 0, 0.5), 100);
    ck_assert_uint_eq(btq_backoff_ms(100, 10000, 1, 0.5), 200);
    ck_assert_uint_eq(btq_backoff_ms(100, 10000, 3, 0.5), 800);
    ck_assert_uint_eq(btq_backoff_ms(100, 10000, 7, 0.5), 10000);
    ck_assert_uint_eq(btq_backoff_ms(100, 10000, 200, 0.5), 10000);
    ck_assert_uint_eq(btq_backoff_ms(100, 10000, 0, 0.0), 75);
    ck_assert_uint_le(btq_backoff_ms(100, 10000, 0, 0.999), 125);
    ck_assert_uint_ge(btq_backoff_ms(100, 10000, 0, 0.999), 124);
    ck_assert_uint_le(btq_backoff_ms(100, 10000, 20, 0.999), 10000); /* never above the cap */
    ck_assert_uint_ge(btq_backoff_ms(0, 0, 0, 0.0), 1);
}
END_TEST

START_TEST(reassembly_joins_fragments_and_caps_size)
{
    btq_msgbuf b;
    btq_msgbuf_init(&b, 10);
    ck_assert_int_eq(btq_msgbuf_push(&b, "{\"a\"", 4, 0), BTQ_MSGBUF_MORE);
    ck_assert_int_eq(btq_msgbuf_push(&b, ":1}", 3, 1), BTQ_MSGBUF_DONE);
    ck_assert_str_eq(b.data, "{\"a\":1}");
    btq_msgbuf_reset(&b);
    /* exactly the cap: fine; cap + 1: too big, reported at the final fragment */
    ck_assert_int_eq(btq_msgbuf_push(&b, "0123456789", 10, 1), BTQ_MSGBUF_DONE);
    btq_msgbuf_reset(&b);
    ck_assert_int_eq(btq_msgbuf_push(&b, "01234", 5, 0), BTQ_MSGBUF_MORE);
    ck_assert_int_eq(btq_msgbuf_push(&b, "567890", 6, 0), BTQ_MSGBUF_MORE);
    ck_assert_int_eq(btq_msgbuf_push(&b, "x", 1, 1), BTQ_ETOOBIG);
    /* the next message is unaffected */
    ck_assert_int_eq(btq_msgbuf_push(&b, "[]", 2, 1), BTQ_MSGBUF_DONE);
    ck_assert_str_eq(b.data, "[]");
    btq_msgbuf_reset(&b);
    ck_assert_int_eq(btq_msgbuf_push(&b, "", 0, 1), BTQ_MSGBUF_DONE);
    ck_assert_uint_eq(b.len, 0);
    btq_msgbuf_free(&b);
}
END_TEST

START_TEST(too_big_answer_id_found_in_head_or_tail)
{
    btq_msgbuf b;
    uint64_t id = 0;
    btq_msgbuf_init(&b, 16);
    const char *h =
        "{\"jsonrpc\":\"2.0\",\"id\":31,\"result\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}";
    ck_assert_int_eq(btq_msgbuf_push(&b, h, strlen(h), 1), BTQ_ETOOBIG);
    ck_assert_int_eq(btq_msgbuf_sniff_id(&b, &id), 1);
    ck_assert_uint_eq(id, 31);
    const char *t1 = "{\"jsonrpc\":\"2.0\",\"result\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    ck_assert_int_eq(btq_msgbuf_push(&b, t1, strlen(t1), 0), BTQ_MSGBUF_MORE);
    ck_assert_int_eq(btq_msgbuf_push(&b, "xx\",\"id\":9}", 11, 1), BTQ_ETOOBIG);
    ck_assert_int_eq(btq_msgbuf_sniff_id(&b, &id), 1);
    ck_assert_uint_eq(id, 9);
    const char *n = "[{\"id\":1,\"result\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]";
    ck_assert_int_eq(btq_msgbuf_push(&b, n, strlen(n), 1), BTQ_ETOOBIG);
    ck_assert_int_eq(btq_msgbuf_sniff_id(&b, &id), 0);
    btq_msgbuf_free(&b);
}
END_TEST

START_TEST(options_defaults_match_the_design_limits)
{
    btq_rpc_options o;
    memset(&o, 0xff, sizeof o);
    btq_rpc_options_init(&o);
    ck_assert_ptr_null(o.url);
    ck_assert_uint_eq(o.request_timeout_ms, 60000);
    ck_assert_uint_eq(o.connect_timeout_ms, 10000);
    ck_assert_uint_eq(o.idle_timeout_ms, 10000);
    ck_assert_uint_eq(o.backoff_initial_ms, 100);
    ck_assert_uint_eq(o.backoff_max_ms, 10000);
    ck_assert_uint_eq(o.max_attempts, 5);
    ck_assert_uint_eq(o.max_in_flight, 1024);
    ck_assert_uint_eq(o.max_message_bytes, 16u << 20);
    ck_assert_int_eq(o.tls_insecure, 0);
    ck_assert_int_eq(o.allow_plain_ws, 0);
    ck_assert_int_eq(o.manual_poll, 0);
}
END_TEST

static void never_cb(int status, const char *r, size_t len, const btq_error *e, void *user)
{
    ck_abort_msg("callback must not run after an error return");
}

START_TEST(new_rejects_bad_urls_and_calls_reject_bad_arguments)
{
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    btq_rpc *rpc = (btq_rpc *)1;
    btq_error e;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, &e), BTQ_EURL);
    ck_assert_ptr_null(rpc);
    o.url = "http://127.0.0.1";
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, &e), BTQ_EURL);
    o.url = "ws://192.0.2.1:9944";
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, &e), BTQ_EINSECURE);
    ck_assert_int_eq(e.code, BTQ_EINSECURE);
    const char *fb[1] = {"bogus"};
    o.url = "ws://127.0.0.1:1";
    o.fallback_urls = fb;
    o.n_fallback_urls = 1;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, &e), BTQ_EURL);
    o.n_fallback_urls = 0;
    o.manual_poll = 1;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, &e), 0); /* lazy: no connection yet */
    ck_assert_int_eq(btq_rpc_call_async(rpc, "bad method", NULL, 0, never_cb, NULL), BTQ_EINVAL);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "m", "[1,", 0, never_cb, NULL), BTQ_EJSON);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "m", "5", 0, never_cb, NULL), BTQ_EJSON);
    ck_assert_int_eq(btq_rpc_call_async(rpc, "m", NULL, 0, NULL, NULL), BTQ_EINVAL);
    ck_assert_int_eq(btq_rpc_batch_async(rpc, NULL, 0), BTQ_EINVAL);
    ck_assert_int_eq(btq_rpc_subscribe(rpc, "a_sub", NULL, NULL, never_cb, NULL, NULL), BTQ_EINVAL);
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, 12345), BTQ_ENOTFOUND);
    btq_rpc_stats st;
    ck_assert_int_eq(btq_rpc_get_stats(rpc, &st), 0);
    ck_assert_uint_eq(st.connects, 0);
    btq_rpc_free(rpc);
    btq_rpc_free(NULL);
}
END_TEST

START_TEST(future_wait_times_out_then_completes_by_hand)
{
    btq_future *f = btq_future_new();
    ck_assert_int_eq(btq_future_wait(f, 20), BTQ_ETIMEDOUT);
    ck_assert_int_eq(btq_future_status(f), BTQ_EINVAL);
    ck_assert_ptr_null(btq_future_result(f, NULL));
    btq_future_cb(0, "\"ok\"", 4, NULL, f);
    ck_assert_int_eq(btq_future_wait(f, 0), 0);
    size_t len = 0;
    ck_assert_str_eq(btq_future_result(f, &len), "\"ok\"");
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(btq_future_reset(f), 0);
    btq_error e = {0};
    e.code = BTQ_ERPC;
    e.rpc_code = -5;
    btq_future_cb(BTQ_ERPC, NULL, 0, &e, f);
    btq_future *all[1] = {f};
    ck_assert_int_eq(btq_future_wait_all(all, 1, 100), 0);
    ck_assert_int_eq(btq_future_error(f)->rpc_code, -5);
    btq_future_free(f);
    btq_future_free(NULL);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("rpc_util");
    TCase *tc = tcase_create("util");
    tcase_add_test(tc, url_parse_splits_scheme_host_port_path);
    tcase_add_test(tc, url_parse_rejects_bad_urls);
    tcase_add_test(tc, plain_ws_to_remote_host_needs_opt_in);
    tcase_add_test(tc, backoff_doubles_from_100ms_caps_at_10s_with_jitter);
    tcase_add_test(tc, reassembly_joins_fragments_and_caps_size);
    tcase_add_test(tc, too_big_answer_id_found_in_head_or_tail);
    tcase_add_test(tc, options_defaults_match_the_design_limits);
    tcase_add_test(tc, new_rejects_bad_urls_and_calls_reject_bad_arguments);
    tcase_add_test(tc, future_wait_times_out_then_completes_by_hand);
    suite_add_tcase(s, tc);
    return s;
}
