/* CLI golden tests: the btq binary ($BTQ_CLI) against the fake raonet node (fake_chain.h):
 * exact --json output of balance / tempo / block / query / constant, and the exit code and
 * one-line message of each failure class. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

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

/* Run `btq ARGS` (shell words) with the node's URL appended unless no_url; capture stdout
 * (and stderr into err). Returns the exit code. */
static int run_cli(const char *args, int no_url, char *out, size_t cap, char *err, size_t ecap)
{
    const char *cli = getenv("BTQ_CLI");
    ck_assert_msg(cli != NULL, "BTQ_CLI not set");
    char errfile[] = "/tmp/btq_cli_err_XXXXXX";
    int fd = mkstemp(errfile);
    ck_assert_int_ge(fd, 0);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s --no-cache %s%s 2>'%s'", cli, args, no_url ? "" : "--url ",
             no_url ? "" : mock_node_url(node), errfile);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = 0;
    int st = pclose(p);
    FILE *e = fdopen(fd, "r");
    size_t en = fread(err, 1, ecap - 1, e);
    err[en] = 0;
    fclose(e);
    remove(errfile);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void json_u64(char *b, size_t cap, uint64_t v)
{
    if (v < (1ull << 53))
        snprintf(b, cap, "%llu", (unsigned long long)v);
    else
        snprintf(b, cap, "\"%llu\"", (unsigned long long)v);
}

START_TEST(balance_json_is_exact_for_genesis_accounts)
{
    /* the first three funded genesis accounts, decoded here by offsets as the oracle */
    size_t pl = strlen(FC_ACCOUNT_PREFIX);
    char args[2048] = "balance --json";
    char want[4096];
    size_t wo = (size_t)snprintf(want, sizeof want, "{\"block\": \"%s\", \"accounts\": [", FC_H1);
    int taken = 0;
    for (size_t i = 0; i < fc.n && taken < 3; i++) {
        if (strncmp(fc.kv[i].k, FC_ACCOUNT_PREFIX, pl) != 0) continue;
        size_t kl, vl;
        uint8_t *k = btq_test_unhex(fc.kv[i].k, &kl), *v = btq_test_unhex(fc.kv[i].v, &vl);
        uint64_t fr = le64(v + 16), re = le64(v + 24), fz = le64(v + 32);
        if (fr == 0) {
            free(k);
            free(v);
            continue;
        }
        char a[BTQ_SS58_ADDRESS_CAP];
        ck_assert_int_eq(btq_ss58_encode(42, k + 48, 32, a, sizeof a, NULL, NULL), 0);
        strcat(args, " ");
        strcat(args, a);
        char f1[32], f2[32], f3[32], f4[32];
        json_u64(f1, sizeof f1, fr);
        json_u64(f2, sizeof f2, re);
        json_u64(f3, sizeof f3, fz);
        json_u64(f4, sizeof f4, fr + re);
        wo += (size_t)snprintf(want + wo, sizeof want - wo,
                               "%s{\"address\": \"%s\", \"free\": %s, \"reserved\": %s, "
                               "\"frozen\": %s, \"total\": %s}",
                               taken ? ", " : "", a, f1, f2, f3, f4);
        taken++;
        free(k);
        free(v);
    }
    ck_assert_int_eq(taken, 3);
    snprintf(want + wo, sizeof want - wo, "]}\n");
    char out[8192], err[2048];
    int rc = run_cli(args, 0, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_str_eq(out, want);
}
END_TEST

START_TEST(balance_human_output_uses_tao)
{
    char out[8192], err[2048];
    int rc = run_cli("balance 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", 0, out, sizeof out,
                     err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_ptr_nonnull(strstr(out, "\xcf\x84"
                                      "0.000000000"));
    ck_assert_ptr_nonnull(strstr(out, "\ntotal"));
}
END_TEST

START_TEST(tempo_json_all_and_pinned)
{
    char out[4096], err[2048], want[512];
    int rc = run_cli("tempo --all --json", 0, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    snprintf(want, sizeof want,
             "{\"block\": \"%s\", \"subnets\": [{\"netuid\": 0, \"tempo\": 100}, {\"netuid\": 1, "
             "\"tempo\": 10}]}\n",
             FC_H1);
    ck_assert_str_eq(out, want);
    rc = run_cli("tempo 1 --json --block 0", 0, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    snprintf(want, sizeof want,
             "{\"block\": \"%s\", \"subnets\": [{\"netuid\": 1, \"tempo\": 100}]}\n", FC_H0);
    ck_assert_str_eq(out, want);
}
END_TEST

START_TEST(block_query_constant_json)
{
    char out[4096], err[2048], want[512];
    int rc = run_cli("block --json", 0, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    snprintf(want, sizeof want, "{\"number\": 1, \"hash\": \"%s\"}\n", FC_H1);
    ck_assert_str_eq(out, want);
    rc = run_cli("query SubtensorModule Tempo 1 --json", 0, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_str_eq(out, "10\n");
    rc = run_cli("constant System SS58Prefix --json", 0, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_str_eq(out, "42\n");
    rc = run_cli("query SubtensorModule NetworksAdded --json", 0, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_str_eq(out, "[[0,true],[1,true]]\n");
    /* an SS58 key given bare on the command line (starts with a digit, is not a number) */
    rc = run_cli("query System Account 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY --json", 0,
                 out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    ck_assert_msg(strncmp(out, "{\"nonce\":0,", 11) == 0, "%s", out);
}
END_TEST

START_TEST(endpoint_from_environment_variable)
{
    char out[4096], err[2048], want[512];
    setenv("BT_SUBTENSOR_CHAIN_ENDPOINT", mock_node_url(node), 1);
    int rc = run_cli("block --json", 1, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    snprintf(want, sizeof want, "{\"number\": 1, \"hash\": \"%s\"}\n", FC_H1);
    ck_assert_str_eq(out, want);
}
END_TEST

static void expect_fail(const char *args, int no_url, int code, const char *needle)
{
    char out[4096], err[2048];
    int rc = run_cli(args, no_url, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == code, "'%s': exit %d (want %d): %s", args, rc, code, err);
    ck_assert_msg(strstr(err, needle) != NULL, "'%s': stderr '%s' lacks '%s'", args, err, needle);
    /* one line */
    char *nl = strchr(err, '\n');
    ck_assert_msg(nl && nl[1] == 0, "'%s': not one line: '%s'", args, err);
    ck_assert_str_eq(out, "");
}

START_TEST(each_failure_has_its_exit_code_and_one_line)
{
    expect_fail("balance 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQX", 0, 3,
                "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQX");
    expect_fail("query NoSuchPallet Foo", 0, 4, "NoSuchPallet");
    expect_fail("query SubtensorModule NoSuchItem", 0, 4, "NoSuchItem");
    expect_fail("constant System Nope", 0, 4, "Nope");
    expect_fail("tempo 7", 0, 4, "subnet 7 does not exist");
    expect_fail("tempo", 0, 2, "--all");
    expect_fail("balance --bogus", 0, 2, "--bogus");
    expect_fail("tempo 1 --block 77", 0, 4, "77");
    expect_fail("block --url ws://127.0.0.1:1 --timeout 3", 1, 5, "ws://127.0.0.1:1");
    fc.garbage_head = 1; /* the node is in this process: the flag is live */
    expect_fail("block", 0, 6, "not a block hash");
}
END_TEST

START_TEST(help_for_every_network_command)
{
    const char *cmds[] = {"balance", "tempo", "block", "query", "constant", "call"};
    for (size_t i = 0; i < 6; i++) {
        char args[64], out[8192], err[2048];
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        int rc = run_cli(args, 1, out, sizeof out, err, sizeof err);
        ck_assert_int_eq(rc, 0);
        ck_assert_ptr_nonnull(strstr(out, "usage: btq"));
        ck_assert_ptr_nonnull(strstr(out, "examples:"));
        ck_assert_ptr_nonnull(strstr(out, "--network"));
    }
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("client_cli");
    TCase *tc = tcase_create("btq against the fake raonet node");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, balance_json_is_exact_for_genesis_accounts);
    tcase_add_test(tc, balance_human_output_uses_tao);
    tcase_add_test(tc, tempo_json_all_and_pinned);
    tcase_add_test(tc, block_query_constant_json);
    tcase_add_test(tc, endpoint_from_environment_variable);
    tcase_add_test(tc, each_failure_has_its_exit_code_and_one_line);
    tcase_add_test(tc, help_for_every_network_command);
    suite_add_tcase(s, tc);
    return s;
}
