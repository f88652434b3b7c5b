/* Secrets never reach the output (issue 7): with the most verbose logging the library has
 * (BTQ_RPC_LOG_DEBUG through the client and transport options) and the process's own stdout and
 * stderr captured into a file (libwebsockets' logging included), the paths that touch secrets
 * run: endpoint URLs with a password or an API key, wallet directories whose hotkey files hold
 * the mnemonic, private key and seed, extrinsic submissions, storage queries, raw calls whose
 * parameters carry a marker, junk frames carrying it, dropped connections (re-sends and
 * submissions ending "outcome unknown") and failed connections. None of the secret strings may
 * appear in any log line, in the captured output or in an error message; at the default level
 * no payload at all (methods, parameters, results) may be logged. Every test also checks that
 * logging did happen, so a silent library cannot pass by accident. */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btq/client.h"
#include "btq/rpc.h"
#include "fake_chain.h"

#define PASSWORD "hunter2Pa55w0rdSECRET"
#define APIKEY "apikey9f8e7d6c5b4aSECRET"
#define MNEMONIC_WORD "xylophonesecret"
#define MNEMONIC "abandon ability able about above absent absorb abstract " MNEMONIC_WORD " zoo"
#define PRIVKEY "0x5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7"
#define SEEDHEX "0x5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"
#define PAYLOAD_MARK "deadbeefcafe0b5ec7e7"
#define EXTRINSIC "0x45028400" PAYLOAD_MARK "0a0b0c0d0e0f"
#define ALICE "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"

static const char *const secrets[] = {
    PASSWORD,    APIKEY,       MNEMONIC_WORD,        &PRIVKEY[2],
    &SEEDHEX[2], PAYLOAD_MARK, "5ec7e75ec7e75ec7e7", "5eed5eed5eed5eed"};

/* ---- log capture ------------------------------------------------------------------------- */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[1 << 20];
static size_t log_len;
static unsigned log_lines;

static void on_log(int level, const char *msg, void *user)
{
    pthread_mutex_lock(&log_mu);
    int n = snprintf(log_buf + log_len, sizeof log_buf - log_len, "[%d] %s\n", level, msg);
    if (n > 0 && log_len + (size_t)n < sizeof log_buf) log_len += (size_t)n;
    log_lines++;
    pthread_mutex_unlock(&log_mu);
}

static void log_reset(void)
{
    pthread_mutex_lock(&log_mu);
    log_len = 0;
    log_lines = 0;
    log_buf[0] = 0;
    pthread_mutex_unlock(&log_mu);
}

/* ---- stdout / stderr capture --------------------------------------------------------------- */
static int saved_out = -1, saved_err = -1;
static char cap_path[64];

static void cap_begin(void)
{
    fflush(stdout);
    fflush(stderr);
    snprintf(cap_path, sizeof cap_path, "/tmp/btq_log_secrets_XXXXXX");
    int fd = mkstemp(cap_path);
    ck_assert_int_ge(fd, 0);
    saved_out = dup(1);
    saved_err = dup(2);
    ck_assert(saved_out >= 0 && saved_err >= 0);
    ck_assert_int_ge(dup2(fd, 1), 0);
    ck_assert_int_ge(dup2(fd, 2), 0);
    close(fd);
}

/* Put stdout and stderr back (no-op when not capturing). */
static void cap_restore(void)
{
    if (saved_out < 0) return;
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    saved_out = saved_err = -1;
}

/* Checked teardown: after a failure inside a capture (CK_FORK=no, e.g. under valgrind, runs the
 * tests in this process), restore the descriptors so Check's report reaches the real output,
 * show what was captured, and remove the file. */
static void cap_teardown(void)
{
    if (saved_out < 0) return;
    cap_restore();
    size_t n = 0;
    char *text = (char *)btq_test_read_file(cap_path, &n);
    if (text && n)
        fprintf(stderr, "---- captured output of the failed test ----\n%s\n----\n", text);
    free(text);
    unlink(cap_path);
}

/* Restore the descriptors; returns what was written meanwhile (malloc'd, NUL-terminated). */
static char *cap_end(void)
{
    cap_restore();
    size_t n = 0;
    char *text = (char *)btq_test_read_file(cap_path, &n);
    unlink(cap_path);
    ck_assert_ptr_nonnull(text);
    return text;
}

static void assert_clean(const char *what, const char *text)
{
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        ck_assert_msg(strstr(text, secrets[i]) == NULL, "%s contains the secret '%s':\n%s", what,
                      secrets[i], text);
}

static void assert_all_clean(const char *captured)
{
    pthread_mutex_lock(&log_mu);
    assert_clean("the log", log_buf);
    pthread_mutex_unlock(&log_mu);
    assert_clean("stdout/stderr", captured);
}

/* ---- URLs ---------------------------------------------------------------------------------- */
START_TEST(url_password_never_echoed)
{
    cap_begin();
    const char *urls[] = {"ws://alice:" PASSWORD "@127.0.0.1:9944",
                          "wss://alice:" PASSWORD "@example.invalid/path?x=1",
                          "ws://" PASSWORD "@localhost", "ws://a:b@c:" PASSWORD "@127.0.0.1"};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        btq_rpc_options o;
        btq_rpc_options_init(&o);
        o.url = urls[i];
        o.log = on_log;
        o.log_level = BTQ_RPC_LOG_DEBUG;
        btq_rpc *rpc = NULL;
        btq_error err;
        btq_error_clear(&err);
        ck_assert_int_eq(btq_rpc_new(&o, &rpc, &err), BTQ_EURL);
        assert_clean("btq_rpc_new's error", err.message);
        ck_assert_msg(strstr(err.message, "***@") != NULL, "user-info not marked: %s", err.message);
        /* the same URL as a fallback, and through the client */
        const char *fb[] = {urls[i]};
        o.url = "ws://127.0.0.1:9944";
        o.fallback_urls = fb;
        o.n_fallback_urls = 1;
        btq_error_clear(&err);
        ck_assert_int_eq(btq_rpc_new(&o, &rpc, &err), BTQ_EURL);
        assert_clean("btq_rpc_new's error (fallback)", err.message);
        btq_client_options co;
        btq_client_options_init(&co);
        co.url = urls[i];
        co.log = on_log;
        co.log_level = BTQ_RPC_LOG_DEBUG;
        btq_client *c = NULL;
        btq_error_clear(&err);
        ck_assert_int_eq(btq_client_new(&co, &c, &err), BTQ_EURL);
        assert_clean("btq_client_new's error", err.message);
    }
    char *out = cap_end();
    assert_all_clean(out);
    free(out);
}
END_TEST

/* The public form applications (the btq command) print URLs with. */
START_TEST(public_url_redact_hides_secrets)
{
    static const char *const urls[] = {
        "wss://alice:" PASSWORD "@example.invalid:443/ws?api_key=" APIKEY,
        "ws://127.0.0.1:1/ws?api_key=" APIKEY "&password=" PASSWORD,
        "ws://" PASSWORD "@localhost/#" APIKEY,
        "alice:" PASSWORD "@127.0.0.1?api_key=" APIKEY, /* no scheme */
    };
    static const char *const want[] = {"wss://***@example.invalid:443/ws?***",
                                       "ws://127.0.0.1:1/ws?***", "ws://***@localhost/?***",
                                       "***@127.0.0.1?***"};
    char out[128];
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        int n = btq_url_redact(urls[i], out, sizeof out);
        ck_assert_msg(n == (int)strlen(want[i]), "%s -> %d", urls[i], n);
        ck_assert_str_eq(out, want[i]);
        assert_clean("btq_url_redact's output", out);
        /* a buffer too small: BTQ_ENOSPACE, the truncated text still redacted */
        for (size_t cap = 1; cap <= strlen(want[i]); cap++) {
            memset(out, 'x', sizeof out);
            ck_assert_int_eq(btq_url_redact(urls[i], out, cap), BTQ_ENOSPACE);
            ck_assert_uint_eq(strlen(out), cap - 1);
            ck_assert(strncmp(out, want[i], cap - 1) == 0);
        }
    }
    ck_assert_int_eq(btq_url_redact("ws://127.0.0.1:9944", out, sizeof out), 19);
    ck_assert_str_eq(out, "ws://127.0.0.1:9944");
    ck_assert_int_eq(btq_url_redact(NULL, out, sizeof out), BTQ_EINVAL);
    ck_assert_int_eq(btq_url_redact(urls[0], NULL, 8), BTQ_EINVAL);
    ck_assert_int_eq(btq_url_redact(urls[0], out, 0), BTQ_EINVAL);
}
END_TEST

START_TEST(url_api_key_never_logged)
{
    fake_chain fc;
    fc_init(&fc);
    mock_node *node = fc_start(&fc);
    char url[256], dead[256];
    snprintf(url, sizeof url, "%s/ws?apikey=" APIKEY, mock_node_url(node));
    /* a port nothing listens on (the node's, after it stops): connections fail */
    cap_begin();
    log_reset();
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = url;
    o.log = on_log;
    o.log_level = BTQ_RPC_LOG_DEBUG;
    o.backoff_initial_ms = 10;
    o.backoff_max_ms = 20;
    o.max_attempts = 2;
    btq_rpc *rpc = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, &err), 0);
    char *res = NULL;
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", "[1]", 0, &res, NULL, &err), 0);
    btq_free(res);
    mock_node_drop_all(node);
    ck_assert_int_eq(btq_rpc_call(rpc, "mock_echo", "[2]", 0, &res, NULL, &err), 0);
    btq_free(res);
    snprintf(dead, sizeof dead, "ws://127.0.0.1:%d/ws?apikey=" APIKEY, mock_node_port(node));
    btq_rpc_free(rpc);
    mock_node_stop(node);
    /* the same key on a URL that fails to connect: warnings and the error message */
    o.url = dead;
    ck_assert_int_eq(btq_rpc_new(&o, &rpc, &err), 0);
    btq_error_clear(&err);
    int rc = btq_rpc_call(rpc, "mock_echo", "[3]", 0, &res, NULL, &err);
    ck_assert_msg(rc == BTQ_ECONNECT || rc == BTQ_ERETRIES, "%s", btq_err_name(rc));
    assert_clean("the failed call's error", err.message);
    btq_rpc_free(rpc);
    char *out = cap_end();
    assert_all_clean(out);
    /* logging happened, and named the endpoint without its query */
    pthread_mutex_lock(&log_mu);
    ck_assert_msg(strstr(log_buf, "connecting to ws://127.0.0.1:") != NULL, "log:\n%s", log_buf);
    ck_assert_msg(strstr(log_buf, "/ws?***") != NULL, "log:\n%s", log_buf);
    ck_assert_msg(strstr(log_buf, "failed") != NULL, "log:\n%s", log_buf);
    pthread_mutex_unlock(&log_mu);
    free(out);
    fc_free(&fc);
}
END_TEST

/* ---- payloads -------------------------------------------------------------------------------- */
/* Storage, submissions and raw calls with faults, through a client logging at `level`. */
static void exercise(int level)
{
    fake_chain fc;
    fc_init(&fc);
    mock_node *node = fc_start(&fc);
    cap_begin();
    log_reset();
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = mock_node_url(node);
    o.log = on_log;
    if (level >= 0) o.log_level = level;
    btq_client *c = NULL;
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_client_new(&o, &c, &err) == 0, "%s", err.message);

    /* a storage query */
    btq_pin *pin = NULL;
    ck_assert_msg(btq_client_pin(c, NULL, &pin, &err) == 0, "%s", err.message);
    btq_key k = {BTQ_KEY_JSON, "1", NULL, NULL, 0};
    btq_storage_req q = {"SubtensorModule", "Tempo", &k, 1};
    btq_result *r = NULL;
    ck_assert_msg(btq_storage_get(pin, &q, &r, &err) == 0, "%s", err.message);
    btq_result_free(r);

    /* a submission answered, then one in flight at a drop (outcome unknown) */
    char *res = NULL;
    ck_assert_int_eq(
        btq_client_rpc(c, "author_submitExtrinsic", "[\"" EXTRINSIC "\"]", &res, NULL, &err), 0);
    btq_free(res);
    mock_fault f;
    memset(&f, 0, sizeof f);
    f.kind = MOCK_DROP_BEFORE;
    f.method = "author_submitExtrinsic";
    mock_node_fault(node, &f);
    btq_error_clear(&err);
    ck_assert_int_eq(
        btq_client_rpc(c, "author_submitExtrinsic", "[\"" EXTRINSIC "\"]", &res, NULL, &err),
        BTQ_EOUTCOME);
    assert_clean("the outcome-unknown error", err.message);

    /* reads carrying the marker through a cut answer (re-sent), junk, duplicates and an error */
    static const enum mock_fault_kind kinds[] = {MOCK_DROP_MID,   MOCK_JUNK_JSON, MOCK_JUNK_UTF8,
                                                 MOCK_DUP_ID,     MOCK_WRONG_ID,  MOCK_FRAGMENT,
                                                 MOCK_CLOSE_AFTER};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        memset(&f, 0, sizeof f);
        f.kind = kinds[i];
        f.method = "mock_echo";
        mock_node_fault(node, &f);
        btq_error_clear(&err);
        ck_assert_msg(btq_client_rpc(c, "mock_echo", "[\"" PAYLOAD_MARK "\"]", &res, NULL, &err) ==
                          0,
                      "fault %d: %s", (int)kinds[i], err.message);
        ck_assert_ptr_nonnull(strstr(res, PAYLOAD_MARK));
        btq_free(res);
    }
    /* MOCK_CLOSE_AFTER answered, then began closing that connection; the client may not have
     * read the close frame yet. A request written on it now would reach the mock while it is
     * closing: the mock takes the next rule for it but never answers, and the client re-sends
     * the read on a new connection, where it is answered normally (the MOCK_RPC_ERROR rule
     * below would be lost: the call succeeds). Wait until the client has closed its side. */
    ck_assert_msg(mock_node_wait_open(node, 0, btq_test_ms(30000)) == 0,
                  "the connection closed by MOCK_CLOSE_AFTER is still open");
    memset(&f, 0, sizeof f);
    f.kind = MOCK_RPC_ERROR;
    f.method = "mock_echo";
    f.rpc_code = -32000;
    f.text = "rejected " PAYLOAD_MARK; /* the node's own message: handed to the caller only */
    mock_node_fault(node, &f);
    ck_assert_msg(btq_client_rpc(c, "mock_echo", "[\"" PAYLOAD_MARK "\"]", &res, NULL, &err) ==
                      BTQ_ERPC,
                  "the call meant to get the armed MOCK_RPC_ERROR: %s", err.message);
    /* a raw junk frame with the marker, sent to the connection between requests */
    const char junk[] = "{\"jsonrpc\":\"2.0\",\"id\":" PAYLOAD_MARK "}";
    mock_node_send_raw(node, junk, sizeof junk - 1);
    ck_assert_int_eq(btq_client_rpc(c, "mock_echo", "[\"" PAYLOAD_MARK "\"]", &res, NULL, &err), 0);
    btq_free(res);
    /* a dropped connection with reads in flight */
    memset(&f, 0, sizeof f);
    f.kind = MOCK_SILENT;
    f.method = "mock_echo";
    mock_node_fault(node, &f);
    uint64_t seen = mock_node_requests(node, "mock_echo");
    btq_future *fu = btq_future_new();
    ck_assert_int_eq(
        btq_rpc_call_future(btq_client_rpc_handle(c), "mock_echo", "[\"" PAYLOAD_MARK "\"]", 0, fu),
        0);
    ck_assert_int_eq(mock_node_wait_requests(node, "mock_echo", seen + 1, btq_test_ms(10000)), 0);
    mock_node_drop_all(node);
    ck_assert_int_eq(btq_future_wait(fu, btq_test_ms(30000)), 0);
    btq_future_free(fu);

    btq_pin_free(pin);
    btq_client_free(c);
    mock_node_stop(node);
    char *out = cap_end();
    assert_all_clean(out);
    pthread_mutex_lock(&log_mu);
    /* logging happened: the dropped connections are warnings at every level */
    ck_assert_msg(log_lines >= 2, "only %u log lines", log_lines);
    ck_assert_msg(strstr(log_buf, "lost") != NULL, "log:\n%s", log_buf);
    /* the storage key, the extrinsic and the result texts are payloads too */
    ck_assert_msg(strstr(log_buf, "658faa38") == NULL, "storage key logged:\n%s", log_buf);
    ck_assert_msg(strstr(log_buf, "45028400") == NULL, "extrinsic logged:\n%s", log_buf);
    if (level < 0) {
        /* default level: no payload at all, not even method names or results */
        static const char *const payload_bits[] = {"mock_echo", "author_submit", "state_", "chain_",
                                                   "params",    "result",        "0x"};
        for (size_t i = 0; i < sizeof payload_bits / sizeof *payload_bits; i++)
            ck_assert_msg(strstr(log_buf, payload_bits[i]) == NULL, "default level logs '%s':\n%s",
                          payload_bits[i], log_buf);
        ck_assert_msg(strstr(log_buf, "[3]") == NULL && strstr(log_buf, "[2]") == NULL,
                      "default level logs info/debug lines:\n%s", log_buf);
    } else {
        ck_assert_msg(strstr(log_buf, "connected to") != NULL, "log:\n%s", log_buf);
    }
    /* and the library itself printed nothing */
    ck_assert_msg(out[0] == 0, "output on stdout/stderr:\n%s", out);
    pthread_mutex_unlock(&log_mu);
    free(out);
    fc_free(&fc);
}

START_TEST(payloads_never_logged_at_debug)
{
    exercise(BTQ_RPC_LOG_DEBUG);
}
END_TEST

START_TEST(default_level_logs_no_payload)
{
    exercise(-1);
}
END_TEST

/* ---- wallets --------------------------------------------------------------------------------- */
static void write_file(const char *dir, const char *name, const char *text)
{
    char p[512];
    int n = snprintf(p, sizeof p, "%s/%s", dir, name);
    ck_assert(n > 0 && (size_t)n < sizeof p); /* a truncated path would write elsewhere */
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

#define HOTKEY_JSON(addr)                                                                          \
    "{\"accountId\": \"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\", "     \
    "\"publicKey\": \"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\", "      \
    "\"privateKey\": \"" PRIVKEY "\", \"secretPhrase\": \"" MNEMONIC "\", "                        \
    "\"secretSeed\": \"" SEEDHEX "\"" addr "}"

START_TEST(wallet_secrets_never_appear)
{
    char root[] = "/tmp/btq_wallets_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(root));
    char d[512];
    snprintf(d, sizeof d, "%s/w", root);
    ck_assert_int_eq(mkdir(d, 0700), 0);
    snprintf(d, sizeof d, "%s/w/hotkeys", root);
    ck_assert_int_eq(mkdir(d, 0700), 0);
    write_file(d, "good", HOTKEY_JSON(", \"ss58Address\": \"" ALICE "\""));
    write_file(d, "noaddr", HOTKEY_JSON(""));
    write_file(d, "badaddr", HOTKEY_JSON(", \"ss58Address\": \"" MNEMONIC "\""));
    write_file(d, "broken", "{\"secretPhrase\": \"" MNEMONIC "\", \"privateKey\": \"" PRIVKEY);
    snprintf(d, sizeof d, "%s/w", root);
    write_file(d, "coldkeypub.txt", "not json " MNEMONIC " " PRIVKEY);

    cap_begin();
    char out_addr[BTQ_SS58_ADDRESS_CAP];
    btq_error err;
    btq_error_clear(&err);
    ck_assert_msg(btq_wallet_hotkey(root, "w", "good", out_addr, &err) == 0, "%s", err.message);
    ck_assert_str_eq(out_addr, ALICE);
    static const char *const bad[] = {"noaddr", "badaddr", "broken", "missing"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        btq_error_clear(&err);
        ck_assert_int_eq(btq_wallet_hotkey(root, "w", bad[i], out_addr, &err), BTQ_EWALLET);
        assert_clean("the wallet error", err.message);
    }
    btq_error_clear(&err);
    ck_assert_int_eq(btq_wallet_coldkey(root, "w", out_addr, &err), BTQ_EWALLET);
    assert_clean("the coldkey error", err.message);
    char *out = cap_end();
    assert_all_clean(out);
    ck_assert_msg(out[0] == 0, "output on stdout/stderr:\n%s", out);
    free(out);

    static const char *const files[] = {"w/hotkeys/good", "w/hotkeys/noaddr", "w/hotkeys/badaddr",
                                        "w/hotkeys/broken", "w/coldkeypub.txt"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(d, sizeof d, "%s/%s", root, files[i]);
        unlink(d);
    }
    snprintf(d, sizeof d, "%s/w/hotkeys", root);
    rmdir(d);
    snprintf(d, sizeof d, "%s/w", root);
    rmdir(d);
    rmdir(root);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("log_secrets");
    TCase *tc = tcase_create("secrets");
    tcase_set_timeout(tc, 120.0 * btq_test_time_scale());
    tcase_add_checked_fixture(tc, NULL, cap_teardown);
    tcase_add_test(tc, url_password_never_echoed);
    tcase_add_test(tc, public_url_redact_hides_secrets);
    tcase_add_test(tc, url_api_key_never_logged);
    tcase_add_test(tc, payloads_never_logged_at_debug);
    tcase_add_test(tc, default_level_logs_no_payload);
    tcase_add_test(tc, wallet_secrets_never_appear);
    suite_add_tcase(s, tc);
    return s;
}
