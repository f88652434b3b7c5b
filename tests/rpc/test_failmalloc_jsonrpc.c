/* JSON-RPC response handling under failing allocations (issue 7). For every N = 1, 2, ...
 * until a run makes fewer than N allocations (so it never met the failure and must succeed
 * with the exact result), allocation N fails, and the run must end with BTQ_ENOMEM, hand out
 * nothing half-built and free every block it allocated (failmalloc's exact count, plus
 * AddressSanitizer's leak checker in the sanitizer build). Two modes: only the Nth allocation
 * fails, or the Nth and every later one. Covered:
 *   - the sans-I/O codec: request building, message reassembly from fragments;
 *   - cJSON through the library's hooks (btq__json_parse of a recorded node answer);
 *   - the whole request table / response dispatch path of a manual-poll handle against the
 *     in-process mock node: handle creation, a blocking call, a batch of three with futures,
 *     and a subscription whose first notifications arrive before its reply (kept aside).
 * Manual-poll handles run every library allocation on the test thread, so each run is
 * deterministic. The mock node's thread is exempt (it parses with cJSON, which goes through
 * the library's hooks once they are installed). Every wait is bounded. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/rpc.h"
#include "btq/scale.h"
#include "btq_test.h"
#include "failmalloc.h"
#include "mock_node.h"
#include "rpc/json_alloc.h"
#include "rpc/jsonrpc.h"
#include "rpc/rpc_util.h"

static const char *mode_name(enum failmalloc_mode m)
{
    return m == FAILMALLOC_NTH ? "only the Nth fails" : "the Nth on fail";
}

static void assert_no_leak(const char *what, long n)
{
    long k = 0;
    size_t sz = 0;
    size_t live = failmalloc_live(&k, &sz);
    ck_assert_msg(live == 0, "%s, N=%ld: %zu blocks leaked (first: allocation %ld, %zu bytes)",
                  what, n, live, k, sz);
}

/* ---- the sans-I/O codec -------------------------------------------------------------------- */
static int op_build_request(void)
{
    unsigned char *buf = (unsigned char *)&buf;
    size_t len = 0, off = 0;
    int rc = btq_jr_build_request(7, "state_getStorage", "[\"0x26aa\"]", 10, 16, &buf, &len, &off);
    if (rc) {
        ck_assert_ptr_eq(buf, (unsigned char *)&buf); /* untouched */
        return rc;
    }
    const char *want = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"state_getStorage\","
                       "\"params\":[\"0x26aa\"]}";
    ck_assert_uint_eq(len, strlen(want));
    ck_assert(memcmp(buf + 16, want, len) == 0);
    btq_free(buf);
    return 0;
}

/* A 40 KB answer in 64 fragments of growing size: the buffer grows several times. */
static int op_reassemble(void)
{
    static char msg[40000];
    if (!msg[0]) {
        memset(msg, 'x', sizeof msg);
        memcpy(msg, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"", 34);
        memcpy(msg + sizeof msg - 2, "\"}", 2);
    }
    btq_msgbuf b;
    btq_msgbuf_init(&b, (size_t)1 << 20);
    int rc = 0;
    size_t o = 0;
    for (size_t i = 1; o < sizeof msg; i++) {
        size_t k = i * 20;
        if (k > sizeof msg - o) k = sizeof msg - o;
        rc = btq_msgbuf_push(&b, msg + o, k, o + k == sizeof msg);
        o += k;
        if (rc < 0) break;
    }
    if (rc == BTQ_MSGBUF_DONE) {
        ck_assert_uint_eq(b.len, sizeof msg);
        ck_assert(memcmp(b.data, msg, sizeof msg) == 0);
        rc = 0;
    } else {
        ck_assert_int_lt(rc, 0); /* never "more" at the final fragment */
    }
    btq_msgbuf_free(&b);
    return rc;
}

/* ---- cJSON through the hooks --------------------------------------------------------------- */
static char *recorded_line; /* one line of the recorded mainnet traffic (libc memory) */

static int op_cjson_parse(void)
{
    int rc = 1;
    const char *end = NULL;
    cJSON *j = btq__json_parse(recorded_line, strlen(recorded_line), &end, &rc);
    if (!j) {
        ck_assert_int_ne(rc, 0);
        return rc;
    }
    ck_assert_int_eq(rc, 0);
    const cJSON *r =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "response"), "result");
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(r, "specVersion");
    ck_assert(cJSON_IsNumber(sv));
    ck_assert_int_eq(sv->valueint, 393);
    ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "apis")), 10);
    cJSON_Delete(j);
    return 0;
}

/* ---- a manual-poll handle against the mock node ------------------------------------------- */
static mock_node *node;

static char *exempt_handler(void *user, const char *method, const char *params, int *code)
{
    (void)user, (void)method, (void)params, (void)code;
    failmalloc_exempt_thread(1); /* the server thread: neither counted nor failed */
    return NULL;                 /* fall through to the built-in answers */
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_cb(int level, const char *msg, void *user)
{
    (void)user;
    fprintf(stderr, "rpc[%d]: %s\n", level, msg);
}

static int open_rpc(btq_rpc **rpc)
{
    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = mock_node_url(node);
    o.manual_poll = 1;
    if (getenv("BTQ_RPC_TEST_LOG")) {
        o.log = log_cb;
        o.log_level = BTQ_RPC_LOG_DEBUG;
    }
    o.request_timeout_ms = 5000; /* bounds every wait: a lost answer shows as ETIMEDOUT */
    *rpc = (btq_rpc *)&o;
    btq_error err;
    int rc = btq_rpc_new(&o, rpc, &err);
    if (rc) ck_assert_ptr_null(*rpc);
    return rc;
}

static int op_call(void)
{
    btq_rpc *rpc;
    int rc = open_rpc(&rpc);
    if (rc) return rc;
    char *res = (char *)&rc;
    size_t len = 1;
    btq_error err;
    rc = btq_rpc_call(rpc, "mock_echo", "[1,\"two\",{\"three\":[3]}]", 0, &res, &len, &err);
    if (rc) {
        ck_assert_ptr_null(res);
        ck_assert_int_eq(err.code, rc);
    } else {
        ck_assert_str_eq(res, "[1,\"two\",{\"three\":[3]}]");
        ck_assert_uint_eq(len, strlen(res));
        btq_free(res);
    }
    btq_rpc_free(rpc);
    return rc;
}

/* Every status is 0 or BTQ_ENOMEM; returns the first failure, or 0. */
static int op_batch(void)
{
    btq_rpc *rpc;
    int rc = open_rpc(&rpc);
    if (rc) return rc;
    btq_future *f[3] = {btq_future_new(), btq_future_new(), btq_future_new()};
    int first = 0;
    if (!f[0] || !f[1] || !f[2]) {
        first = BTQ_ENOMEM;
    } else {
        btq_rpc_batch_item it[3] = {
            {"mock_echo", "[0]", 0, btq_future_cb, f[0]},
            {"mock_echo", "[\"one\"]", 0, btq_future_cb, f[1]},
            {"mock_echo", "{\"two\":2}", 0, btq_future_cb, f[2]},
        };
        rc = btq_rpc_batch_async(rpc, it, 3);
        if (rc) {
            first = rc;
        } else {
            /* futures armed by hand do not know the handle: poll it here */
            int64_t end = now_ms() + 10000;
            while (!(btq_future_done(f[0]) && btq_future_done(f[1]) && btq_future_done(f[2])) &&
                   now_ms() < end)
                btq_rpc_poll(rpc, 50);
            ck_assert_int_eq(btq_future_wait_all(f, 3, 0), 0);
            static const char *const want[3] = {"[0]", "[\"one\"]", "{\"two\":2}"};
            for (int i = 0; i < 3; i++) {
                int st = btq_future_status(f[i]);
                if (st == 0) {
                    ck_assert_str_eq(btq_future_result(f[i], NULL), want[i]);
                } else {
                    ck_assert_ptr_null(btq_future_result(f[i], NULL));
                    ck_assert_int_eq(btq_future_error(f[i])->code, st);
                    if (!first) first = st;
                    if (st != BTQ_ENOMEM) break;
                }
            }
        }
    }
    for (int i = 0; i < 3; i++)
        btq_future_free(f[i]);
    btq_rpc_free(rpc);
    return first;
}

typedef struct subst {
    int notes, final, finals;
} subst;

static void sub_cb(int status, const char *result, size_t len, const btq_error *err, void *user)
{
    subst *s = user;
    if (status == 0) {
        ck_assert_str_eq(result, "{\"number\":\"0x10\"}");
        ck_assert_uint_eq(len, strlen(result));
        s->notes++;
    } else {
        ck_assert_ptr_null(result);
        ck_assert_int_eq(err->code, status);
        s->final = status;
        s->finals++;
    }
}

/* Two notifications arrive before the subscribe reply (kept aside, then delivered), then the
 * caller unsubscribes. Returns the final status unless it is the expected BTQ_ECLOSED. */
static int op_subscribe(void)
{
    btq_rpc *rpc;
    int rc = open_rpc(&rpc);
    if (rc) return rc;
    subst s = {0, 0, 0};
    uint64_t id = 0;
    rc = btq_rpc_subscribe(rpc, "mock_subscribe", NULL, "mock_unsubscribe", sub_cb, &s, &id);
    if (rc) {
        btq_rpc_free(rpc);
        ck_assert_int_eq(s.finals, 0); /* an error return: the callback never runs */
        return rc;
    }
    int64_t end = now_ms() + 10000;
    while (s.notes < 2 && !s.finals && now_ms() < end)
        btq_rpc_poll(rpc, 50);
    ck_assert_msg(s.notes == 2 || s.finals, "a notification was lost without a final status");
    int urc = s.finals ? 0 : btq_rpc_unsubscribe(rpc, id);
    while (!s.finals && !urc && now_ms() < end)
        btq_rpc_poll(rpc, 50);
    btq_rpc_free(rpc); /* ends it with BTQ_ECANCELED if still active */
    ck_assert_int_eq(s.finals, 1);
    if (urc) return urc;
    return s.final == BTQ_ECLOSED ? 0 : s.final;
}

/* ---- the driver ---------------------------------------------------------------------------- */
typedef struct scenario {
    const char *name;
    int (*op)(void);
} scenario;

static const scenario scenarios[] = {
    {"request building", op_build_request},
    {"message reassembly", op_reassemble},
    {"cJSON parse through the hooks", op_cjson_parse},
    {"blocking call (manual-poll handle)", op_call},
    {"batch of three with futures", op_batch},
    {"subscription with early notifications", op_subscribe},
};
#define NSCEN ((int)(sizeof scenarios / sizeof scenarios[0]))

static void setup(void)
{
    size_t n = 0;
    char *text = (char *)btq_test_read_file(
        btq_test_shared_path("chain/recorded/async-substrate-interface/ws_responses.jsonl"), &n);
    ck_assert_msg(text != NULL, "recorded traffic missing");
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (strstr(line, "\"state_getRuntimeVersion\"") && strstr(line, "\"specVersion\"")) {
            recorded_line = strdup(line);
            break;
        }
    }
    free(text);
    ck_assert_ptr_nonnull(recorded_line);

    mock_node_opts o;
    memset(&o, 0, sizeof o);
    o.handler = exempt_handler;
    node = mock_node_start(&o);
    ck_assert_ptr_nonnull(node);
    mock_node_set_sub_initial(node, "{\"number\":\"0x10\"}", 2, 1);
    failmalloc_install();
    btq__json_init();
    /* warm-up: the server thread marks itself exempt on its first request */
    ck_assert_int_eq(op_call(), 0);
}

static void teardown(void)
{
    failmalloc_uninstall();
    mock_node_stop(node);
    free(recorded_line);
    recorded_line = NULL;
}

static void every_n(const scenario *sc, enum failmalloc_mode mode)
{
    long failed_runs = 0, clean = -1;
    const char *first_env = getenv("BTQ_FAILMALLOC_FIRST");
    long first = first_env ? atol(first_env) : 1;
    for (long n = first; n < 100000; n++) {
        failmalloc_start(mode, n);
        int rc = sc->op();
        long made = failmalloc_stop();
        if (getenv("BTQ_FAILMALLOC_VERBOSE"))
            fprintf(stderr, "%s N=%ld: %s, %ld allocations\n", sc->name, n, btq_err_name(rc), made);
        assert_no_leak(sc->name, n);
        if (made < n) {
            ck_assert_msg(rc == 0, "%s, N=%ld not reached (%s): %s", sc->name, n, mode_name(mode),
                          btq_err_name(rc));
            clean = made;
            break;
        }
        failed_runs++;
        ck_assert_msg(rc == BTQ_ENOMEM, "%s, failing allocation %ld of %ld (%s): %s", sc->name, n,
                      made, mode_name(mode), btq_err_name(rc));
    }
    ck_assert_int_gt(clean, 0);
    ck_assert_int_eq(failed_runs, clean - first + 1);
    printf("%s (%s): %ld allocations, each failed in turn: BTQ_ENOMEM, no leak\n", sc->name,
           mode_name(mode), clean);
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

START_TEST(invalid_json_is_ejson_not_enomem)
{
    int rc = 0;
    const char *end = NULL;
    failmalloc_start(FAILMALLOC_COUNT, 0);
    ck_assert_ptr_null(btq__json_parse("{\"a\":[1,2,}", 11, &end, &rc));
    failmalloc_stop();
    ck_assert_int_eq(rc, BTQ_EJSON);
    ck_assert_int_eq(failmalloc_failures(), 0);
    assert_no_leak("invalid JSON", 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("failmalloc_jsonrpc");
    TCase *tc = tcase_create("every_n");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_nth_only, 0, NSCEN);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_from_nth_on, 0, NSCEN);
    tcase_add_test(tc, invalid_json_is_ejson_not_enomem);
    suite_add_tcase(s, tc);
    return s;
}
