/* Real runtime: btq_rpc against Chopsticks (tools/chopsticks.sh, pinned 1.5.1) running the
 * subtensor runtime of ../shared/chain/specs/raonet_raw_spec.json on 127.0.0.1. It installs
 * Chopsticks with npm when missing; if that or the start fails, the test FAILS (never skips).
 * Chopsticks is started once in the parent process (unchecked fixture) and always stopped. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "scenario_util.h"

static int node_port = -1;
static char run_dir[256];
static char start_error[512];

static void start_chopsticks(void)
{
    snprintf(run_dir, sizeof run_dir, "/tmp/btq_chopsticks_XXXXXX");
    if (!mkdtemp(run_dir)) {
        snprintf(start_error, sizeof start_error, "mkdtemp failed");
        return;
    }
    char script[512], spec[512], cmd[2048];
    /* the path helpers share one static buffer: copy each */
    snprintf(script, sizeof script, "%s", btq_test_source_path("tools/chopsticks.sh"));
    snprintf(spec, sizeof spec, "%s", btq_test_shared_path("chain/specs/raonet_raw_spec.json"));
    snprintf(cmd, sizeof cmd, "BTQ_CHOPSTICKS_RUN='%s' bash '%s' start '%s' %d", run_dir, script,
             spec, 8100 + (int)(getpid() % 800));
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(start_error, sizeof start_error, "popen of tools/chopsticks.sh failed");
        return;
    }
    char line[32] = {0};
    char *got = fgets(line, sizeof line, p);
    int rc = pclose(p);
    if (!got || rc != 0 || atoi(line) <= 0) {
        snprintf(start_error, sizeof start_error,
                 "tools/chopsticks.sh start failed (exit %d, output '%s'); see stderr", rc,
                 got ? line : "");
        return;
    }
    node_port = atoi(line);
    fprintf(stderr, "chopsticks listening on 127.0.0.1:%d\n", node_port);
}

static void stop_chopsticks(void)
{
    if (!run_dir[0]) return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "BTQ_CHOPSTICKS_RUN='%s' bash '%s' stop", run_dir,
             btq_test_source_path("tools/chopsticks.sh"));
    if (system(cmd) != 0) fprintf(stderr, "chopsticks stop failed\n");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", run_dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", run_dir);
}

static btq_rpc *connect_node(void)
{
    ck_assert_msg(node_port > 0, "Chopsticks is not running: %s", start_error);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", node_port);
    btq_rpc_options o;
    sc_opts(&o, url);
    o.request_timeout_ms = 60000;
    o.connect_timeout_ms = 10000;
    return sc_client(&o);
}

static char *spec_id(void)
{
    size_t len = 0;
    char *text =
        (char *)btq_test_read_file(btq_test_shared_path("chain/specs/raonet_raw_spec.json"), &len);
    ck_assert_ptr_nonnull(text);
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    ck_assert_ptr_nonnull(j);
    cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
    ck_assert(cJSON_IsString(id));
    size_t n = strlen(id->valuestring) + 3;
    char *q = malloc(n);
    snprintf(q, n, "\"%s\"", id->valuestring);
    cJSON_Delete(j);
    return q;
}

static uint64_t header_number(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    cJSON *num = cJSON_GetObjectItemCaseSensitive(j, "number");
    ck_assert(cJSON_IsString(num));
    uint64_t v = strtoull(num->valuestring, NULL, 16);
    cJSON_Delete(j);
    return v;
}

START_TEST(chain_identity_head_runtime_and_metadata)
{
    btq_rpc *rpc = connect_node();
    char *want = spec_id();
    sc_call_expect(rpc, "system_chain", NULL, want);
    free(want);

    char *head = NULL;
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "chain_getHead", NULL, 0, &head, &e), 0);
    ck_assert_uint_eq(strlen(head), 68); /* "0x" + 64 hex digits, quoted */
    ck_assert_int_eq(strncmp(head, "\"0x", 3), 0);
    free(head);

    char *rv = NULL;
    ck_assert_int_eq(sc_call(rpc, "state_getRuntimeVersion", NULL, 0, &rv, &e), 0);
    ck_assert_ptr_nonnull(strstr(rv, "\"specName\":\"node-subtensor\""));
    ck_assert_ptr_nonnull(strstr(rv, "\"specVersion\":218"));
    free(rv);

    /* state_getMetadata = the V14 blob recorded from this runtime, byte for byte */
    char *md = NULL;
    ck_assert_int_eq(sc_call(rpc, "state_getMetadata", NULL, 0, &md, &e), 0);
    size_t blen = 0;
    uint8_t *blob =
        btq_test_read_file(btq_test_shared_path("chain/metadata/raonet_spec218_v14.scale"), &blen);
    ck_assert_ptr_nonnull(blob);
    size_t mlen = strlen(md);
    ck_assert_uint_eq(mlen, 2 * blen + 4);
    ck_assert_int_eq(strncmp(md, "\"0x6d657461", 11), 0); /* "meta" */
    md[mlen - 1] = 0;                                     /* closing quote */
    size_t got = 0;
    uint8_t *bytes = btq_test_unhex(md + 1, &got);
    ck_assert_uint_eq(got, blen);
    ck_assert(memcmp(bytes, blob, blen) == 0);
    free(bytes);
    free(blob);
    free(md);
    btq_rpc_free(rpc);
}
END_TEST

START_TEST(new_heads_subscription_sees_a_block_made_with_dev_newBlock)
{
    btq_rpc *rpc = connect_node();
    char *hdr = NULL;
    btq_error e = {0};
    ck_assert_int_eq(sc_call(rpc, "chain_getHeader", NULL, 0, &hdr, &e), 0);
    uint64_t before = header_number(hdr);
    free(hdr);

    sc_collect *c = sc_collect_new(1);
    uint64_t sid = 0;
    ck_assert_int_eq(btq_rpc_subscribe(rpc, "chain_subscribeNewHeads", NULL,
                                       "chain_unsubscribeNewHeads", sc_sub_cb, &c->slots[0], &sid),
                     0);
    /* Chopsticks announces the current head first */
    ck_assert_int_eq(sc_wait_notes(c, 0, 1, 30000), 0);

    char *made = NULL;
    ck_assert_int_eq(sc_call(rpc, "dev_newBlock", "[{\"count\":1}]", 0, &made, &e), 0);
    ck_assert_int_eq(strncmp(made, "\"0x", 3), 0);
    free(made);

    /* wait (bounded) for a notification of the new block */
    uint64_t seen = 0;
    int64_t end = sc_now_ms() + 60000;
    while (sc_now_ms() < end) {
        pthread_mutex_lock(&c->mu);
        char *last = c->slots[0].notes_text ? strrchr(c->slots[0].notes_text, '\n') : NULL;
        char *copy =
            strdup(last ? last + 1 : (c->slots[0].notes_text ? c->slots[0].notes_text : "{}"));
        pthread_mutex_unlock(&c->mu);
        cJSON *j = cJSON_Parse(copy);
        cJSON *num = j ? cJSON_GetObjectItemCaseSensitive(j, "number") : NULL;
        if (num && cJSON_IsString(num)) seen = strtoull(num->valuestring, NULL, 16);
        cJSON_Delete(j);
        free(copy);
        if (seen == before + 1) break;
        sc_sleep_ms(20);
    }
    ck_assert_msg(seen == before + 1, "head before %" PRIu64 ", last notified %" PRIu64, before,
                  seen);
    ck_assert_int_eq(c->slots[0].calls, 0);
    ck_assert_int_eq(btq_rpc_unsubscribe(rpc, sid), 0);
    ck_assert_int_eq(sc_wait_done(c, 1, 30000), 0);
    ck_assert_int_eq(c->slots[0].status, BTQ_ECLOSED);
    btq_rpc_free(rpc);
    sc_collect_free(c);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("real_node");
    TCase *tc = tcase_create("chopsticks");
    /* npm install (first run only) + startup happen in the unchecked fixture; the test bodies
     * finish within seconds */
    tcase_add_unchecked_fixture(tc, start_chopsticks, stop_chopsticks);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, chain_identity_head_runtime_and_metadata);
    tcase_add_test(tc, new_heads_subscription_sees_a_block_made_with_dev_newBlock);
    suite_add_tcase(s, tc);
    return s;
}
