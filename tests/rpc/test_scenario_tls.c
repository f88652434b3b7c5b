/* Scenario tests: wss:// (issue 4). The mock node serves TLS with certificates generated at run
 * time (tests/support/tls_certs.c): a valid chain is accepted for localhost and for 127.0.0.1
 * (IP SAN); a wrong host name, a wrong IP SAN, a self-signed, an expired, an unknown-CA certificate
 * and the system CAs alone all end the call with BTQ_ETLS; tls_insecure accepts the self-signed
 * certificate and warns on every connect; plain ws:// to a non-loopback host is refused with
 * BTQ_EINSECURE at creation, before any packet. Only 127.0.0.1 is ever contacted. */
#define _GNU_SOURCE
#include <unistd.h>

#include "scenario_util.h"
#include "tls_certs.h"

static tls_certs certs;
static mock_node *node;
static btq_rpc *rpc;
static char url[128];

/* ---- log collector ------------------------------------------------------------------------- */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int log_insecure_warnings; /* WARN lines about disabled verification */
static int log_tls_failures;      /* WARN lines about a failed connection naming the cert */
static char log_last[512];

static void log_cb(int level, const char *msg, void *user)
{
    (void)user;
    pthread_mutex_lock(&log_mu);
    if (level == BTQ_RPC_LOG_WARN && strstr(msg, "insecure")) log_insecure_warnings++;
    if (level == BTQ_RPC_LOG_WARN && strstr(msg, "TLS certificate verification failed"))
        log_tls_failures++;
    snprintf(log_last, sizeof log_last, "%s", msg);
    pthread_mutex_unlock(&log_mu);
}

static int log_count(const int *counter)
{
    pthread_mutex_lock(&log_mu);
    int v = *counter;
    pthread_mutex_unlock(&log_mu);
    return v;
}

static void log_reset(void)
{
    pthread_mutex_lock(&log_mu);
    log_insecure_warnings = 0;
    log_tls_failures = 0;
    log_last[0] = 0;
    pthread_mutex_unlock(&log_mu);
}

/* ---- fixtures ------------------------------------------------------------------------------ */
/* Unchecked (runs once in the parent, before the forks): the certificates are made once and
 * removed even when a test fails. */
static void certs_setup(void)
{
    ck_assert_msg(tls_certs_make(&certs) == 0, "cannot generate the test certificates");
}

static void certs_teardown(void)
{
    tls_certs_remove(&certs);
}

static void teardown(void)
{
    btq_rpc_free(rpc);
    rpc = NULL;
    mock_node_stop(node);
    node = NULL;
}

/* A TLS mock serving cert (with the shared server key); url = wss://<host>:<port>. */
static void tls_node(const char *cert, const char *host)
{
    mock_node_opts o = {0};
    o.tls_cert_path = cert;
    o.tls_key_path = certs.key;
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    ck_assert_int_eq(strncmp(mock_node_url(node), "wss://", 6), 0);
    snprintf(url, sizeof url, "wss://%s:%d", host, mock_node_port(node));
}

static void tls_opts(btq_rpc_options *o, const char *ca_file)
{
    sc_opts(o, url);
    o->ca_file = ca_file;
    o->max_attempts = 1; /* a verification failure is not worth retrying here */
    o->log = log_cb;
    o->log_level = BTQ_RPC_LOG_WARN;
    log_reset();
}

static void expect_accepted(const char *cert, const char *host, const char *ca_file)
{
    tls_node(cert, host);
    btq_rpc_options o;
    tls_opts(&o, ca_file);
    rpc = sc_client(&o);
    sc_call_expect(rpc, "mock_echo", "[\"over tls\",1]", "[\"over tls\",1]");
    sc_call_expect(rpc, "mock_counter", NULL, "1");
    ck_assert_uint_eq(sc_stats(rpc).connects, 1);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 1);
    ck_assert_uint_eq(ms.requests, 2);
    ck_assert_int_eq(log_count(&log_insecure_warnings), 0);
    teardown();
}

/* The call ends BTQ_ETLS with a message containing detail, the verification failure is logged,
 * no websocket handshake completes and the mock sees no request. */
static void expect_etls(const char *cert, const char *host, const char *ca_file, const char *detail)
{
    tls_node(cert, host);
    btq_rpc_options o;
    tls_opts(&o, ca_file);
    rpc = sc_client(&o);
    btq_error e = {0};
    int rc = sc_call(rpc, "mock_echo", "[1]", 0, NULL, &e);
    ck_assert_msg(rc == BTQ_ETLS, "want BTQ_ETLS, got %s (%s); last log: %s", btq_err_name(rc),
                  e.message, log_last);
    ck_assert_int_eq(e.code, BTQ_ETLS);
    ck_assert_msg(strstr(e.message, "TLS certificate verification failed") &&
                      strstr(e.message, detail),
                  "message: %s", e.message);
    ck_assert_uint_eq(sc_stats(rpc).connects, 0);
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 0);
    ck_assert_uint_eq(ms.requests, 0);
    ck_assert_msg(log_count(&log_tls_failures) >= 1, "no certificate failure logged; last: %s",
                  log_last);
    teardown();
}

/* ---- tests --------------------------------------------------------------------------------- */
START_TEST(valid_chain_for_localhost_with_ca_file_is_accepted)
{
    expect_accepted(certs.good, "localhost", certs.ca);
}
END_TEST

START_TEST(valid_chain_for_127_0_0_1_ip_san_with_ca_file_is_accepted)
{
    expect_accepted(certs.good, "127.0.0.1", certs.ca);
}
END_TEST

START_TEST(wrong_host_name_ends_etls)
{
    expect_etls(certs.wrong_name, "localhost", certs.ca, "not trusted");
}
END_TEST

START_TEST(certificate_without_the_ip_san_for_127_0_0_1_ends_etls)
{
    expect_etls(certs.wrong_name, "127.0.0.1", certs.ca, "not trusted");
}
END_TEST

/* The same certificate twice: its DNS name is right (accepted as localhost), its only IP SAN is
 * another address, so the same server reached as 127.0.0.1 is refused — the IP is checked. */
START_TEST(certificate_naming_the_right_host_is_accepted_by_name)
{
    expect_accepted(certs.wrong_ip, "localhost", certs.ca);
}
END_TEST

START_TEST(certificate_with_a_wrong_ip_san_for_127_0_0_1_ends_etls)
{
    expect_etls(certs.wrong_ip, "127.0.0.1", certs.ca, "not trusted");
}
END_TEST

START_TEST(self_signed_certificate_ends_etls)
{
    expect_etls(certs.self_signed, "localhost", certs.ca, "not trusted");
}
END_TEST

START_TEST(expired_certificate_ends_etls)
{
    expect_etls(certs.expired, "localhost", certs.ca, "not trusted");
}
END_TEST

START_TEST(unknown_ca_ends_etls)
{
    expect_etls(certs.unknown_ca, "localhost", certs.ca, "not trusted");
}
END_TEST

START_TEST(system_cas_alone_reject_the_test_certificate_with_etls)
{
    expect_etls(certs.good, "localhost", NULL, "not trusted");
}
END_TEST

START_TEST(insecure_accepts_self_signed_and_warns_on_every_connect)
{
    tls_node(certs.self_signed, "localhost");
    btq_rpc_options o;
    tls_opts(&o, NULL);
    o.tls_insecure = 1;
    o.idle_timeout_ms = 200;
    rpc = sc_client(&o);
    log_reset(); /* count the per-connect warnings only (btq_rpc_new warns once as well) */
    sc_call_expect(rpc, "mock_echo", "[1]", "[1]");
    ck_assert_int_eq(log_count(&log_insecure_warnings), 1);
    ck_assert_int_eq(mock_node_wait_open(node, 0, 3000), 0); /* idle close */
    sc_call_expect(rpc, "mock_echo", "[2]", "[2]");
    mock_node_stats ms;
    mock_node_get_stats(node, &ms);
    ck_assert_uint_eq(ms.connections_accepted, 2);
    btq_rpc_stats st = sc_stats(rpc);
    ck_assert_uint_eq(st.connects, 2);
    ck_assert_int_eq(log_count(&log_insecure_warnings), (int)st.connects);
    teardown();
}
END_TEST

START_TEST(plain_ws_to_a_non_loopback_host_is_einsecure_before_any_connection)
{
    btq_rpc_options o;
    btq_rpc *r = NULL;
    btq_error e = {0};
    /* TEST-NET-1: must be refused by the URL check, never contacted */
    sc_opts(&o, "ws://192.0.2.1:9944");
    int64_t t0 = sc_now_ms();
    int rc = btq_rpc_new(&o, &r, &e);
    int64_t dt = sc_now_ms() - t0;
    ck_assert_int_eq(rc, BTQ_EINSECURE);
    ck_assert_int_eq(e.code, BTQ_EINSECURE);
    ck_assert_ptr_null(r);
    ck_assert_msg(dt < 100, "BTQ_EINSECURE took %lld ms", (long long)dt);
    /* same for a non-loopback fallback behind a loopback main URL */
    const char *fb[] = {"ws://192.0.2.1:9944"};
    sc_opts(&o, "ws://127.0.0.1:1");
    o.fallback_urls = fb;
    o.n_fallback_urls = 1;
    t0 = sc_now_ms();
    rc = btq_rpc_new(&o, &r, &e);
    dt = sc_now_ms() - t0;
    ck_assert_int_eq(rc, BTQ_EINSECURE);
    ck_assert_ptr_null(r);
    ck_assert_msg(dt < 100, "BTQ_EINSECURE took %lld ms", (long long)dt);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("rpc_scenario_tls");
    TCase *tc = tcase_create("tls");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, certs_setup, certs_teardown);
    tcase_add_test(tc, valid_chain_for_localhost_with_ca_file_is_accepted);
    tcase_add_test(tc, valid_chain_for_127_0_0_1_ip_san_with_ca_file_is_accepted);
    tcase_add_test(tc, wrong_host_name_ends_etls);
    tcase_add_test(tc, certificate_without_the_ip_san_for_127_0_0_1_ends_etls);
    tcase_add_test(tc, certificate_naming_the_right_host_is_accepted_by_name);
    tcase_add_test(tc, certificate_with_a_wrong_ip_san_for_127_0_0_1_ends_etls);
    tcase_add_test(tc, self_signed_certificate_ends_etls);
    tcase_add_test(tc, expired_certificate_ends_etls);
    tcase_add_test(tc, unknown_ca_ends_etls);
    tcase_add_test(tc, system_cas_alone_reject_the_test_certificate_with_etls);
    tcase_add_test(tc, insecure_accepts_self_signed_and_warns_on_every_connect);
    tcase_add_test(tc, plain_ws_to_a_non_loopback_host_is_einsecure_before_any_connection);
    suite_add_tcase(s, tc);
    return s;
}
