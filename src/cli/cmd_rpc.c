/* btq rpc METHOD [PARAMS_JSON]: one raw JSON-RPC request; prints the result, pretty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/client.h"
#include "btq/rpc.h"
#include "cli.h"

static const char usage_text[] =
    "usage: btq rpc [OPTIONS] METHOD [PARAMS_JSON]\n"
    "\n"
    "Send one JSON-RPC request and print the node's raw \"result\" as indented JSON\n"
    "(numbers and strings exactly as the node sent them).\n"
    "\n"
    "options:\n"
    "  --url URL            ws:// or wss:// endpoint (default: $BT_SUBTENSOR_CHAIN_ENDPOINT,\n"
    "                       else ws://127.0.0.1:9944)\n"
    "  --network NAME       finney | test | archive | local instead of --url\n"
    "  --timeout SECONDS    request deadline (default 60; connect + handshake at most 10)\n"
    "  --record FILE        append the request/response pair to FILE as JSON Lines\n"
    "  --insecure           wss://: do not verify the certificate (warns)\n"
    "  --ca-file FILE       wss://: trust the CAs in this PEM file instead of the system's\n"
    "  --allow-plain-ws     permit ws:// to a host other than this machine\n"
    "  --compact            print the result on one line, as received\n"
    "  -h, --help           this help\n"
    "\n"
    "examples:\n"
    "  btq rpc system_chain\n"
    "  btq rpc --url ws://127.0.0.1:9944 chain_getBlockHash '[0]'\n"
    "  btq rpc --network finney state_getRuntimeVersion\n"
    "  btq rpc state_getStorage '[\"0x26aa394eea5630e07c48ae0c9558cef7\"]' --record s.jsonl\n"
    "\n"
    "exit codes: 0 ok, 2 usage, 3 invalid PARAMS_JSON, 5 network, 6 node error, 7 timeout\n";

/* Re-indent JSON text token by token (no reparsing: big numbers stay exact). */
static void print_pretty(FILE *out, const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            fwrite(s + i, 1, (j < n ? j + 1 : n) - i, out);
            i = j;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        if (c == '{' || c == '[') {
            size_t j = i + 1;
            while (j < n && strchr(" \t\r\n", s[j]))
                j++;
            if (j < n && (s[j] == '}' || s[j] == ']')) { /* empty container */
                fputc(c, out);
                fputc(s[j], out);
                i = j;
                continue;
            }
            depth++;
            fprintf(out, "%c\n%*s", c, depth * 2, "");
        } else if (c == '}' || c == ']') {
            depth--;
            fprintf(out, "\n%*s%c", depth * 2, "", c);
        } else if (c == ',') {
            fprintf(out, ",\n%*s", depth * 2, "");
        } else if (c == ':') {
            fputs(": ", out);
        } else {
            fputc(c, out);
        }
    }
    fputc('\n', out);
}

static int need_value(int argc, char **argv, int i)
{
    if (i + 1 >= argc) {
        btq_cli_fail(BTQ_EXIT_USAGE, "rpc", "%s needs a value (see btq rpc --help)", argv[i]);
        return 0;
    }
    return 1;
}

int btq_cmd_rpc(int argc, char **argv)
{
    const char *url = NULL, *network = NULL, *record = NULL, *ca_file = NULL;
    const char *method = NULL, *params = NULL;
    int insecure = 0, allow_plain = 0, compact = 0;
    double timeout = 60;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (btq_cli_is_help(a)) {
            fputs(usage_text, stdout);
            return BTQ_EXIT_OK;
        } else if (strcmp(a, "--url") == 0) {
            if (!need_value(argc, argv, i)) return BTQ_EXIT_USAGE;
            url = argv[++i];
        } else if (strcmp(a, "--network") == 0) {
            if (!need_value(argc, argv, i)) return BTQ_EXIT_USAGE;
            network = argv[++i];
        } else if (strcmp(a, "--record") == 0) {
            if (!need_value(argc, argv, i)) return BTQ_EXIT_USAGE;
            record = argv[++i];
        } else if (strcmp(a, "--ca-file") == 0) {
            if (!need_value(argc, argv, i)) return BTQ_EXIT_USAGE;
            ca_file = argv[++i];
        } else if (strcmp(a, "--timeout") == 0) {
            if (!need_value(argc, argv, i)) return BTQ_EXIT_USAGE;
            char *end = NULL;
            timeout = strtod(argv[++i], &end);
            if (!end || *end || !(timeout > 0) || timeout > 86400)
                return btq_cli_fail(BTQ_EXIT_USAGE, "rpc",
                                    "--timeout wants seconds > 0 (up to 86400), got '%s'", argv[i]);
        } else if (strcmp(a, "--insecure") == 0) {
            insecure = 1;
        } else if (strcmp(a, "--allow-plain-ws") == 0) {
            allow_plain = 1;
        } else if (strcmp(a, "--compact") == 0) {
            compact = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            return btq_cli_fail(BTQ_EXIT_USAGE, "rpc", "unknown option '%s' (see btq rpc --help)",
                                a);
        } else if (!method) {
            method = a;
        } else if (!params) {
            params = a;
        } else {
            return btq_cli_fail(BTQ_EXIT_USAGE, "rpc", "unexpected argument '%s'", a);
        }
    }
    if (!method) return btq_cli_fail(BTQ_EXIT_USAGE, "rpc", "missing METHOD (see btq rpc --help)");
    if (url && network)
        return btq_cli_fail(BTQ_EXIT_USAGE, "rpc", "give --url or --network, not both");
    if (network) {
        url = btq_network_url(network);
        if (!url)
            return btq_cli_fail(BTQ_EXIT_USAGE, "rpc",
                                "unknown network '%s' (finney, test, archive or local)", network);
    }
    if (!url) {
        const char *env = getenv("BT_SUBTENSOR_CHAIN_ENDPOINT");
        if (env && *env) url = btq_network_url(env) ? btq_network_url(env) : env;
    }
    if (!url) url = "ws://127.0.0.1:9944";

    btq_rpc_options o;
    btq_rpc_options_init(&o);
    o.url = url;
    o.manual_poll = 1; /* a single request: no thread needed */
    o.request_timeout_ms = (uint32_t)(timeout * 1000);
    if (o.request_timeout_ms == 0) o.request_timeout_ms = 1;
    o.connect_timeout_ms = o.request_timeout_ms < 10000 ? o.request_timeout_ms : 10000;
    o.max_attempts = 3;
    o.backoff_initial_ms = 100;
    o.tls_insecure = insecure;
    o.allow_plain_ws = allow_plain;
    o.log = insecure ? btq_cli_log_stderr : NULL; /* the per-connect insecure warning */
    o.ca_file = ca_file;
    o.record_path = record;
    if (insecure) fprintf(stderr, "btq rpc: warning: TLS certificate verification is disabled\n");

    char shown[512]; /* the endpoint as error messages name it: no user-info, no query */
    btq_cli_url(url, shown, sizeof shown);
    btq_error err;
    btq_rpc *rpc = NULL;
    int rc = btq_rpc_new(&o, &rpc, &err);
    if (rc) {
        if (rc == BTQ_EIO)
            return btq_cli_fail(BTQ_EXIT_FAILURE, "rpc", "cannot open --record file '%s'", record);
        return btq_cli_fail(btq_cli_exit_for(rc), "rpc", "%s",
                            err.message[0] ? err.message : btq_strerror(rc));
    }
    char *result = NULL;
    size_t len = 0;
    rc = btq_rpc_call(rpc, method, params, 0, &result, &len, &err);
    btq_rpc_free(rpc);
    if (rc == 0) {
        if (compact) {
            fwrite(result, 1, len, stdout);
            fputc('\n', stdout);
        } else {
            print_pretty(stdout, result, len);
        }
        btq_free(result);
        return fflush(stdout) == 0 ? BTQ_EXIT_OK : BTQ_EXIT_FAILURE;
    }
    switch (rc) {
    case BTQ_ERPC:
        return btq_cli_fail(BTQ_EXIT_NODE, "rpc", "node error %lld: %s", (long long)err.rpc_code,
                            err.message);
    case BTQ_EINVAL:
        return btq_cli_fail(BTQ_EXIT_USAGE, "rpc",
                            "invalid METHOD '%s' (letters, digits and _ only)", method);
    case BTQ_EJSON:
        return btq_cli_fail(BTQ_EXIT_INPUT, "rpc",
                            "PARAMS_JSON must be a JSON array or object, got '%s'", params);
    case BTQ_ETIMEDOUT:
        return btq_cli_fail(BTQ_EXIT_TIMEOUT, "rpc", "no answer from %s within %g s", shown,
                            timeout);
    case BTQ_ECONNECT:
    case BTQ_ERETRIES:
    case BTQ_ETLS:
    case BTQ_ECONNLOST:
    case BTQ_EOUTCOME:
        return btq_cli_fail(BTQ_EXIT_NETWORK, "rpc", "%s: %s", shown, btq_strerror(rc));
    default:
        return btq_cli_fail(btq_cli_exit_for(rc), "rpc", "%s: %s", shown, btq_strerror(rc));
    }
}
