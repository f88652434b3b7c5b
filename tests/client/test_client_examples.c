/* The examples/ programs run against the fake raonet node (fake_chain.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "btq/client.h"
#include "fake_chain.h"

static fake_chain fc;
static mock_node *node;

static void setup(void)
{
    fc_init(&fc);
    node = fc_start(&fc);
}

static void teardown(void)
{
    mock_node_stop(node);
    fc_free(&fc);
}

static FILE *start_example(const char *name, const char *args)
{
    const char *bin = getenv("BTQ_BINARY_DIR");
    ck_assert_ptr_nonnull(bin);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/example_%s' %s %s", bin, name, mock_node_url(node), args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    return p;
}

static int finish(FILE *p, char *out, size_t cap)
{
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(sync_balance_example_prints_a_balance)
{
    char out[4096];
    FILE *p = start_example("sync_balance", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
    ck_assert_int_eq(finish(p, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "free \xcf\x84"));
}
END_TEST

START_TEST(async_balances_example_sums_accounts)
{
    char out[8192];
    FILE *p = start_example("async_balances", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY "
                                              "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty");
    ck_assert_int_eq(finish(p, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "total \xcf\x84"));
}
END_TEST

START_TEST(tempo_all_futures_example_lists_subnets)
{
    char out[4096];
    FILE *p = start_example("tempo_all_futures", "");
    ck_assert_int_eq(finish(p, out, sizeof out), 0);
    ck_assert_str_eq(out, "netuid 0 tempo 100\nnetuid 1 tempo 10\n");
}
END_TEST

START_TEST(new_heads_example_follows_notifications)
{
    char out[4096];
    FILE *p = start_example("new_heads", "2");
    /* wait for the subscription, then send two headers */
    for (int i = 0; i < btq_test_ms(200) && mock_node_subscriptions(node) == 0; i++) {
        struct timespec ts = {0, 20000000L};
        nanosleep(&ts, NULL);
    }
    ck_assert_uint_gt(mock_node_subscriptions(node), 0);
    mock_node_notify(node, "chain_subscribeNewHeads",
                     "{\"parentHash\":\"" FC_H0 "\",\"number\":\"0x00000007\"}");
    mock_node_notify(node, "chain_subscribeNewHeads",
                     "{\"parentHash\":\"" FC_H0 "\",\"number\":\"0x08\"}");
    ck_assert_int_eq(finish(p, out, sizeof out), 0);
    ck_assert_str_eq(out, "block 7\nblock 8\n");
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("client_examples");
    TCase *tc = tcase_create("examples against the fake node");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sync_balance_example_prints_a_balance);
    tcase_add_test(tc, async_balances_example_sums_accounts);
    tcase_add_test(tc, tempo_all_futures_example_lists_subnets);
    tcase_add_test(tc, new_heads_example_follows_notifications);
    suite_add_tcase(s, tc);
    return s;
}
