/* A full client query under failing allocations (issue 7), against the in-process fake chain
 * (fake_chain.h: raonet spec 218 genesis state, real spec 218 V15 metadata). Each run creates a
 * client, pins block 1 (block hash, runtime version, the V15 metadata fetch as a ~380 KB hex
 * string, its parse), reads one account's balance and SubtensorModule.Tempo[1], and frees
 * everything; a second scenario reads Tempo[1] with btq_storage_get_async, whose decoding and
 * callback run on the client's worker thread. Allocation N fails, for every N = 1, 2, ... until
 * a run makes fewer than N allocations (it never met the failure and must return the exact
 * values). Two modes: only the Nth allocation fails, or the Nth and every later one.
 *
 * The failing allocation may land on any thread (the caller, the transport's loop thread, the
 * worker): the run must still end with BTQ_ENOMEM, no value (pin / result NULL), nothing left
 * allocated once the client is freed (failmalloc's exact count, plus AddressSanitizer's leak
 * checker in the sanitizer build), and no hang: requests time out after 10 s at most and every
 * wait here is bounded. Allocations on the loop thread interleave with the caller's, so the
 * Nth allocation is not always the same one from run to run; the loop still visits every N.
 * libwebsockets allocates through libc, outside the hooks; the mock node's server thread is
 * exempt (its cJSON calls pass through the library's hooks once they are installed). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/client.h"
#include "failmalloc.h"
#include "fake_chain.h"

static fake_chain fc;
static mock_node *node;
static char account[BTQ_SS58_ADDRESS_CAP]; /* a funded genesis account */
static uint64_t account_free;

static char *exempt_handler(void *user, const char *method, const char *params, int *code)
{
    failmalloc_exempt_thread(1); /* the server thread: neither counted nor failed */
    return fc_handler(user, method, params, code);
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void pick_account(void)
{
    size_t pl = strlen(FC_ACCOUNT_PREFIX);
    for (size_t i = 0; i < fc.n; i++) {
        if (strncmp(fc.kv[i].k, FC_ACCOUNT_PREFIX, pl) != 0) continue;
        size_t kl = 0, vl = 0;
        uint8_t *k = btq_test_unhex(fc.kv[i].k, &kl);
        uint8_t *v = btq_test_unhex(fc.kv[i].v, &vl);
        uint64_t fr = vl >= 24 ? le64(v + 16) : 0;
        if (kl == 80 && fr > 0) {
            ck_assert_int_eq(btq_ss58_encode(42, k + 48, 32, account, sizeof account, NULL, NULL),
                             0);
            account_free = fr;
        }
        free(k);
        free(v);
        if (account_free) return;
    }
    ck_abort_msg("no funded genesis account");
}

static int new_client(btq_client **c)
{
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = mock_node_url(node);
    o.request_timeout_ms = 10000; /* a lost answer shows as ETIMEDOUT, never as a hang */
    o.connect_timeout_ms = 5000;
    btq_error err;
    btq_error_clear(&err);
    *c = (btq_client *)&o;
    int rc = btq_client_new(&o, c, &err);
    if (rc) {
        ck_assert_ptr_null(*c);
        ck_assert_int_eq(err.code, rc);
    }
    return rc;
}

static int pin_block1(btq_client *c, btq_pin **pin)
{
    btq_at at = {.kind = BTQ_AT_NUMBER, .number = 1};
    btq_error err;
    btq_error_clear(&err);
    *pin = (btq_pin *)&at;
    int rc = btq_client_pin(c, &at, pin, &err);
    if (rc) {
        ck_assert_ptr_null(*pin);
        ck_assert_msg(err.code == rc, "pin: err.code %s, rc %s", btq_err_name(err.code),
                      btq_err_name(rc));
    } else {
        ck_assert_str_eq(btq_pin_hash(*pin), FC_H1);
        ck_assert_uint_eq(btq_pin_spec_version(*pin), FC_SPEC);
    }
    return rc;
}

static const btq_key tempo_key = {.kind = BTQ_KEY_JSON, .json = "1"};
static const btq_storage_req tempo_req = {
    .pallet = "SubtensorModule", .item = "Tempo", .keys = &tempo_key, .nkeys = 1};

/* pin + balance + storage value, all on the calling thread (the transport's on its loop). */
static int op_query(void)
{
    btq_client *c;
    int rc = new_client(&c);
    if (rc) return rc;
    btq_pin *pin = NULL;
    rc = pin_block1(c, &pin);
    if (!rc) {
        btq_error err;
        btq_error_clear(&err);
        btq_balance bal;
        memset(&bal, 0xAB, sizeof bal);
        const char *addr = account;
        rc = btq_balances(pin, &addr, 1, &bal, &err);
        if (rc) {
            ck_assert_msg(err.code == rc, "balances: err.code %s, rc %s", btq_err_name(err.code),
                          btq_err_name(rc));
        } else {
            ck_assert_uint_eq(bal.free, account_free);
        }
    }
    if (!rc) {
        btq_error err;
        btq_error_clear(&err);
        btq_result *r = (btq_result *)&err;
        rc = btq_storage_get(pin, &tempo_req, &r, &err);
        if (rc) {
            ck_assert_ptr_null(r);
            ck_assert_msg(err.code == rc, "storage: err.code %s, rc %s", btq_err_name(err.code),
                          btq_err_name(rc));
        } else {
            uint64_t tempo = 0;
            ck_assert_int_eq(btq_value_u64(btq_result_value(r), &tempo), 0);
            ck_assert_uint_eq(tempo, 10); /* block 1's own value (genesis has 100) */
            btq_result_free(r);
        }
    }
    btq_pin_free(pin);
    btq_client_free(c);
    return rc;
}

/* ---- the async form: decode and callback on the worker thread ----------------------------- */
typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, status, calls;
    uint64_t tempo;
} waiter;

static void async_cb(int status, btq_result **results, size_t n, const btq_error *err, void *user)
{
    waiter *w = user;
    uint64_t tempo = 0;
    if (status == 0) {
        ck_assert_uint_eq(n, 1);
        ck_assert_ptr_nonnull(results[0]);
        ck_assert_int_eq(btq_value_u64(btq_result_value(results[0]), &tempo), 0);
        btq_result_free(results[0]);
    } else {
        ck_assert_ptr_nonnull(err);
        ck_assert_int_eq(err->code, status);
    }
    pthread_mutex_lock(&w->mu);
    w->status = status;
    w->tempo = tempo;
    w->calls++;
    w->done = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static int op_async(void)
{
    btq_client *c;
    int rc = new_client(&c);
    if (rc) return rc;
    btq_pin *pin = NULL;
    rc = pin_block1(c, &pin);
    if (!rc) {
        waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0};
        btq_error err;
        btq_error_clear(&err);
        rc = btq_storage_get_async(pin, &tempo_req, 1, async_cb, &w, &err);
        if (!rc) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 20;
            pthread_mutex_lock(&w.mu);
            while (!w.done)
                if (pthread_cond_timedwait(&w.cv, &w.mu, &until)) break;
            int done = w.done;
            pthread_mutex_unlock(&w.mu);
            ck_assert_msg(done, "the async callback did not run within 20 s");
            rc = w.status;
            if (!rc) ck_assert_uint_eq(w.tempo, 10);
        }
        btq_pin_free(pin);
        btq_client_free(c);
        ck_assert_int_le(w.calls, 1); /* exactly once when accepted, never on an error return */
        return rc;
    }
    btq_client_free(c);
    return rc;
}

/* map iteration (state_getKeysPaged, keys decoded back) + JSON of it, a constant, and a runtime
 * call whose SS58 argument goes through the JSON reader (cJSON through the hooks) */
static int op_map_call(void)
{
    btq_client *c;
    int rc = new_client(&c);
    if (rc) return rc;
    btq_pin *pin = NULL;
    rc = pin_block1(c, &pin);
    btq_error err;
    btq_error_clear(&err);
    if (!rc) {
        btq_map *m = (btq_map *)&err;
        rc = btq_storage_map(pin, "System", "Account", NULL, 0, 5, &m, &err);
        if (rc) {
            ck_assert_ptr_null(m);
        } else {
            ck_assert_uint_eq(btq_map_count(m), 5);
            for (size_t i = 0; i < 5; i++) {
                const uint8_t *id;
                size_t il = 0;
                ck_assert_int_eq(btq_value_bytes(btq_map_key(m, i), &id, &il), 0);
                ck_assert_uint_eq(il, 32);
            }
            btq_writer w;
            btq_writer_init(&w);
            rc = btq_map_to_json(m, 0, &w);
            if (!rc) rc = w.err;
            if (!rc) ck_assert_int_eq(w.buf[0], '[');
            btq_writer_free(&w);
            btq_map_free(m);
        }
    }
    if (!rc) {
        btq_result *r = (btq_result *)&err;
        rc = btq_constant_get(pin, "System", "SS58Prefix", &r, &err);
        if (rc) {
            ck_assert_ptr_null(r);
        } else {
            uint64_t v = 0;
            ck_assert_int_eq(btq_value_u64(btq_result_value(r), &v), 0);
            ck_assert_uint_eq(v, 42);
            btq_result_free(r);
        }
    }
    if (!rc) {
        const char *arg = "\"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\"";
        btq_result *r = (btq_result *)&err;
        rc = btq_runtime_call(pin, "AccountNonceApi", "account_nonce", &arg, 1, &r, &err);
        if (rc) {
            ck_assert_ptr_null(r);
        } else {
            uint64_t v = 0;
            ck_assert_int_eq(btq_value_u64(btq_result_value(r), &v), 0);
            ck_assert_uint_eq(v, 5);
            btq_result_free(r);
        }
    }
    if (rc)
        ck_assert_msg(err.code == rc || rc == BTQ_ENOMEM, "err.code %s, rc %s",
                      btq_err_name(err.code), btq_err_name(rc));
    btq_pin_free(pin);
    btq_client_free(c);
    return rc;
}

/* ---- the driver ---------------------------------------------------------------------------- */
typedef struct scenario {
    const char *name;
    int (*op)(void);
} scenario;

static const scenario scenarios[] = {
    {"pin block 1 + balance + Tempo[1]", op_query},
    {"pin block 1 + Tempo[1] async (worker thread)", op_async},
    {"pin block 1 + map of 5 accounts + constant + runtime call", op_map_call},
};

static void setup(void)
{
    fc_init(&fc);
    pick_account();
    mock_node_opts o;
    memset(&o, 0, sizeof o);
    o.handler = exempt_handler;
    o.handler_user = &fc;
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    failmalloc_install();
    /* warm-up: the server thread marks itself exempt on its first request */
    ck_assert_int_eq(op_query(), 0);
}

static void teardown(void)
{
    mock_node_stop(node);
    failmalloc_uninstall();
    fc_free(&fc);
}

static void every_n(const scenario *sc, enum failmalloc_mode mode)
{
    const char *mname = mode == FAILMALLOC_NTH ? "only the Nth fails" : "the Nth on fail";
    int verbose = getenv("BTQ_FAILMALLOC_VERBOSE") != NULL;
    const char *first_env = getenv("BTQ_FAILMALLOC_FIRST");
    long first = first_env ? atol(first_env) : 1;
    long failed_runs = 0, clean = -1, most = 0;
    for (long n = first; n < 100000; n++) {
        failmalloc_start(mode, n);
        int rc = sc->op();
        long made = failmalloc_stop();
        if (verbose)
            fprintf(stderr, "%s N=%ld: %s, %ld allocations\n", sc->name, n, btq_err_name(rc), made);
        long k = 0;
        size_t sz = 0;
        size_t live = failmalloc_live(&k, &sz);
        ck_assert_msg(live == 0,
                      "%s, N=%ld (%s): %zu blocks leaked (first: allocation %ld, %zu bytes)",
                      sc->name, n, mname, live, k, sz);
        if (made < n) {
            ck_assert_msg(rc == 0, "%s, N=%ld not reached (%s): %s", sc->name, n, mname,
                          btq_err_name(rc));
            clean = made;
            break;
        }
        failed_runs++;
        if (made > most) most = made;
        ck_assert_msg(rc == BTQ_ENOMEM, "%s, failing allocation %ld of %ld (%s): %s", sc->name, n,
                      made, mname, btq_err_name(rc));
    }
    ck_assert_int_gt(clean, 0);
    printf("%s (%s): %ld allocations in a clean run, N = %ld..%ld each BTQ_ENOMEM, no leak\n",
           sc->name, mname, clean, first, first + failed_runs - 1);
    fflush(stdout);
}

START_TEST(each_failing_allocation_is_enomem_without_leak_nth_only)
{
    every_n(&scenarios[_i], FAILMALLOC_NTH);
}
END_TEST

START_TEST(each_failing_allocation_is_enomem_without_leak_from_nth_on)
{
    every_n(&scenarios[_i], FAILMALLOC_FROM);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("failmalloc_client");
    TCase *tc = tcase_create("every_n");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    int ns = (int)(sizeof scenarios / sizeof scenarios[0]);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_nth_only, 0, ns);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_from_nth_on, 0, ns);
    suite_add_tcase(s, tc);
    return s;
}
