/* `btq rpc` against the in-process mock node: pretty result, node error, timeout, recording. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "btq_test.h"
#include "mock_node.h"

static char out_path[64], err_path[64];

/* Run the CLI with args (shell words); returns its exit code; stdout/stderr in files. */
static int run_cli(const char *args)
{
    const char *cli = getenv("BTQ_CLI");
    ck_assert_ptr_nonnull(cli);
    snprintf(out_path, sizeof out_path, "/tmp/btq_cli_out_%d", (int)getpid());
    snprintf(err_path, sizeof err_path, "/tmp/btq_cli_err_%d", (int)getpid());
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "env -u BT_SUBTENSOR_CHAIN_ENDPOINT '%s' %s >%s 2>%s", cli, args,
             out_path, err_path);
    int st = system(cmd);
    ck_assert_int_ne(st, -1);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
    size_t n;
    char *t = (char *)btq_test_read_file(path, &n);
    ck_assert_ptr_nonnull(t);
    return t;
}

static mock_node *node(void)
{
    mock_node_opts o;
    memset(&o, 0, sizeof o);
    mock_node *n = mock_node_start(&o);
    ck_assert_ptr_nonnull(n);
    return n;
}

START_TEST(cli_prints_result_pretty_and_exact)
{
    mock_node *n = node();
    mock_fault f = {
        MOCK_RESULT,
        "system_health",
        1,
        0,
        0,
        "{\"peers\":0,\"big\":123456789012345678901234567890,\"l\":[],\"s\":\"a,b:{\"}"};
    mock_node_fault(n, &f);
    char args[256];
    snprintf(args, sizeof args, "rpc --url %s system_health", mock_node_url(n));
    ck_assert_int_eq(run_cli(args), 0);
    char *out = slurp(out_path);
    ck_assert_str_eq(out, "{\n  \"peers\": 0,\n  \"big\": 123456789012345678901234567890,\n"
                          "  \"l\": [],\n  \"s\": \"a,b:{\"\n}\n");
    free(out);
    snprintf(args, sizeof args, "rpc --url %s --compact mock_echo '[1, 2]'", mock_node_url(n));
    ck_assert_int_eq(run_cli(args), 0);
    out = slurp(out_path);
    ck_assert_str_eq(out, "[1,2]\n");
    free(out);
    mock_node_stop(n);
}
END_TEST

START_TEST(cli_node_error_exits_6_with_code_and_message)
{
    mock_node *n = node();
    char args[256];
    snprintf(args, sizeof args, "rpc --url %s no_such_method '[]'", mock_node_url(n));
    ck_assert_int_eq(run_cli(args), 6);
    char *err = slurp(err_path);
    ck_assert_str_eq(err, "btq rpc: node error -32601: Method not found\n");
    free(err);
    mock_node_stop(n);
}
END_TEST

START_TEST(cli_silent_node_exits_7_after_timeout)
{
    mock_node *n = node();
    mock_fault f = {MOCK_SILENT, "system_chain", 1, 0, 0, NULL};
    mock_node_fault(n, &f);
    char args[256];
    snprintf(args, sizeof args, "rpc --url %s --timeout 0.3 system_chain", mock_node_url(n));
    ck_assert_int_eq(run_cli(args), 7);
    char *err = slurp(err_path);
    ck_assert_ptr_nonnull(strstr(err, "no answer from"));
    free(err);
    mock_node_stop(n);
}
END_TEST

START_TEST(cli_record_appends_json_line)
{
    mock_node *n = node();
    char rec[64], args[512];
    snprintf(rec, sizeof rec, "/tmp/btq_cli_rec_%d.jsonl", (int)getpid());
    unlink(rec);
    snprintf(args, sizeof args, "rpc --url %s --record %s mock_echo '[\"0xab\"]'", mock_node_url(n),
             rec);
    ck_assert_int_eq(run_cli(args), 0);
    char *t = slurp(rec);
    unlink(rec);
    ck_assert_str_eq(t, "{\"method\":\"mock_echo\",\"params\":[\"0xab\"],\"response\":{\"result\":"
                        "[\"0xab\"]}}\n");
    free(t);
    mock_node_stop(n);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("rpc_cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, cli_prints_result_pretty_and_exact);
    tcase_add_test(tc, cli_node_error_exits_6_with_code_and_message);
    tcase_add_test(tc, cli_silent_node_exits_7_after_timeout);
    tcase_add_test(tc, cli_record_appends_json_line);
    suite_add_tcase(s, tc);
    return s;
}
