/* Shared option parsing and client set-up for the network commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "cli.h"
#include "cli_net.h"

const char btq_cli_net_help[] =
    "common options:\n"
    "  --url URL            node endpoint (ws://… or wss://…)\n"
    "  --network NAME       finney | test | archive | local (ws://127.0.0.1:9944)\n"
    "                       default: $BT_SUBTENSOR_CHAIN_ENDPOINT (URL or name), else finney\n"
    "  --block HASH|NUMBER  read at that block (default: the head, fetched once per command)\n"
    "  --finalized          read at the finalized head\n"
    "  --json               canonical JSON output\n"
    "  --timeout SECONDS    request and connect timeout (default 60 and 10)\n"
    "  --ss58-prefix N      address format (default 42)\n"
    "  --no-cache           do not use the on-disk metadata cache ($BTQ_CACHE_DIR,\n"
    "                       else $XDG_CACHE_HOME/btq, else ~/.cache/btq)\n"
    "  --ca-file FILE       wss://: trust the CAs in this PEM file instead of the system's\n"
    "  --insecure           wss://: do not verify the certificate (warns on every connect)\n"
    "  --allow-plain-ws     permit unencrypted ws:// to a host that is not this machine\n";

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    if (!s || !*s) return -1;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (unsigned)(*p - '0');
        if (v > max) return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int btq_cli_net_parse(int argc, char **argv, const char *cmd, const char *help,
                      const btq_cli_opt *extra, btq_cli_net *net, char **pos, int *npos)
{
    memset(net, 0, sizeof *net);
    net->ss58_prefix = 42;
    *npos = 0;
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == 0 || (a[1] >= '0' && a[1] <= '9')) {
            pos[(*npos)++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (btq_cli_is_help(a)) {
            fputs(help, stdout);
            fputs(btq_cli_net_help, stdout);
            return BTQ_EXIT_OK;
        }
        int matched = 0;
        for (const btq_cli_opt *o = extra; o && o->name; o++) {
            if (strcmp(a, o->name) != 0) continue;
            matched = 1;
            if (o->flag) {
                *o->flag = 1;
            } else {
                if (i + 1 >= argc) return btq_cli_fail(BTQ_EXIT_USAGE, cmd, "%s needs a value", a);
                *o->value = argv[++i];
            }
        }
        if (matched) continue;
        if (strcmp(a, "--json") == 0) {
            net->json = 1;
        } else if (strcmp(a, "--finalized") == 0) {
            net->finalized = 1;
        } else if (strcmp(a, "--no-cache") == 0) {
            net->no_cache = 1;
        } else if (strcmp(a, "--insecure") == 0) {
            net->tls_insecure = 1;
        } else if (strcmp(a, "--allow-plain-ws") == 0) {
            net->allow_plain_ws = 1;
        } else if (strcmp(a, "--ca-file") == 0) {
            if (i + 1 >= argc) return btq_cli_fail(BTQ_EXIT_USAGE, cmd, "%s needs a value", a);
            net->ca_file = argv[++i];
        } else if (strcmp(a, "--url") == 0 || strcmp(a, "--network") == 0 ||
                   strcmp(a, "--block") == 0 || strcmp(a, "--timeout") == 0 ||
                   strcmp(a, "--ss58-prefix") == 0) {
            if (i + 1 >= argc) return btq_cli_fail(BTQ_EXIT_USAGE, cmd, "%s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--url") == 0) {
                net->url = v;
            } else if (strcmp(a, "--network") == 0) {
                if (!btq_network_url(v))
                    return btq_cli_fail(BTQ_EXIT_USAGE, cmd,
                                        "unknown network '%s' (finney, test, archive or local)", v);
                net->network = v;
            } else if (strcmp(a, "--block") == 0) {
                net->block = v;
            } else if (strcmp(a, "--timeout") == 0) {
                uint32_t s;
                if (parse_u32(v, 86400, &s) || s == 0)
                    return btq_cli_fail(BTQ_EXIT_USAGE, cmd,
                                        "invalid --timeout '%s' (whole seconds, 1..86400)", v);
                net->timeout_ms = s * 1000u;
            } else {
                if (parse_u32(v, 16383, &net->ss58_prefix))
                    return btq_cli_fail(BTQ_EXIT_USAGE, cmd, "invalid --ss58-prefix '%s'", v);
            }
        } else {
            return btq_cli_fail(BTQ_EXIT_USAGE, cmd, "unknown option '%s' (see btq %s --help)", a,
                                cmd);
        }
    }
    return -1;
}

/* The endpoint in use, named in network errors (redacted by btq_cli_url). */
static char endpoint[512];

int btq_cli_report(const char *cmd, int rc, const btq_error *err)
{
    const char *msg = err && err->message[0] ? err->message : btq_strerror(rc);
    int code = btq_cli_exit_for(rc);
    if ((code == BTQ_EXIT_NETWORK || code == BTQ_EXIT_TIMEOUT || code == BTQ_EXIT_NODE) &&
        endpoint[0])
        return btq_cli_fail(code, cmd, "%s (node %s)", msg, endpoint);
    return btq_cli_fail(code, cmd, "%s", msg);
}

int btq_cli_finish(const char *cmd, int q, const btq_error *err, btq_writer *w)
{
    if (q) return btq_cli_report(cmd, q, err);
    btq_cli_print_writer(w);
    return BTQ_EXIT_OK;
}

static const char *cache_dir(char *buf, size_t cap)
{
    const char *d = getenv("BTQ_CACHE_DIR");
    if (d && *d) return d;
    const char *x = getenv("XDG_CACHE_HOME");
    if (x && *x && (size_t)snprintf(buf, cap, "%s/btq", x) < cap) return buf;
    const char *h = getenv("HOME");
    if (h && *h && (size_t)snprintf(buf, cap, "%s/.cache/btq", h) < cap) return buf;
    return NULL;
}

int btq_cli_connect(const btq_cli_net *net, const char *cmd, btq_client **out)
{
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = net->url;
    o.network = net->network;
    if (!o.url && !o.network) {
        const char *env = getenv("BT_SUBTENSOR_CHAIN_ENDPOINT");
        if (env && *env) {
            if (strstr(env, "://"))
                o.url = env;
            else if (btq_network_url(env))
                o.network = env;
            else {
                char shown[512];
                return btq_cli_fail(BTQ_EXIT_USAGE, cmd,
                                    "BT_SUBTENSOR_CHAIN_ENDPOINT='%s' is neither a ws:// or "
                                    "wss:// URL nor a network name",
                                    btq_cli_url(env, shown, sizeof shown));
            }
        }
    }
    if (net->timeout_ms) {
        o.request_timeout_ms = net->timeout_ms;
        o.connect_timeout_ms = net->timeout_ms < 10000 ? net->timeout_ms : 10000;
    }
    o.ss58_prefix = net->ss58_prefix;
    o.tls_insecure = net->tls_insecure;
    o.allow_plain_ws = net->allow_plain_ws;
    o.ca_file = net->ca_file;
    o.log = net->tls_insecure ? btq_cli_log_stderr : NULL; /* the per-connect insecure warning */
    char cbuf[4096];
    if (!net->no_cache) o.metadata_cache_dir = cache_dir(cbuf, sizeof cbuf);
    btq_error err;
    btq_error_clear(&err);
    /* named in error messages: redacted, never the user-info or query (API key) */
    btq_cli_url(o.url ? o.url : btq_network_url(o.network ? o.network : "finney"), endpoint,
                sizeof endpoint);
    int rc = btq_client_new(&o, out, &err);
    if (rc) {
        return btq_cli_fail(btq_cli_exit_for(rc), cmd, "cannot use endpoint '%s': %s%s", endpoint,
                            err.message[0] ? err.message : btq_strerror(rc),
                            rc == BTQ_EINSECURE ? " (use wss://, or --allow-plain-ws)" : "");
    }
    return 0;
}

int btq_cli_at(const btq_cli_net *net, const char *cmd, btq_at *at)
{
    memset(at, 0, sizeof *at);
    if (net->finalized) at->kind = BTQ_AT_FINALIZED;
    if (net->block && btq_at_parse(net->block, at) != 0)
        return btq_cli_fail(BTQ_EXIT_USAGE, cmd,
                            "invalid --block '%s' (0x + 64 hex digits, or a block number)",
                            net->block);
    return 0;
}

int btq_cli_pin(btq_client *c, const btq_cli_net *net, const char *cmd, btq_pin **out)
{
    btq_at at;
    int rc = btq_cli_at(net, cmd, &at);
    if (rc) return rc;
    btq_error err;
    btq_error_clear(&err);
    rc = btq_client_pin(c, &at, out, &err);
    if (rc) return btq_cli_report(cmd, rc, &err);
    return 0;
}

void btq_cli_json_u64(uint64_t v)
{
    if (v < (1ull << 53))
        printf("%llu", (unsigned long long)v);
    else
        printf("\"%llu\"", (unsigned long long)v);
}

int btq_cli_print_writer(btq_writer *w)
{
    if (w->err) return w->err;
    fwrite(w->buf, 1, w->len, stdout);
    fputc('\n', stdout);
    return 0;
}

char *btq_cli_arg_json(const char *arg)
{
    size_t n = strlen(arg);
    int as_is = n > 0 && (strchr("{[\"-0123456789", arg[0]) != NULL || strcmp(arg, "true") == 0 ||
                          strcmp(arg, "false") == 0 || strcmp(arg, "null") == 0);
    if (n >= 2 && arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) as_is = 0; /* hex */
    if (as_is && strchr("-0123456789", arg[0]) && strspn(arg, "-+.eE0123456789") != n)
        as_is = 0; /* starts like a number but is a word (e.g. an SS58 address) */
    if (as_is) {
        char *d = malloc(n + 1);
        if (d) memcpy(d, arg, n + 1);
        return d;
    }
    char *d = malloc(2 * n + 3);
    if (!d) return NULL;
    size_t o = 0;
    d[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (arg[i] == '"' || arg[i] == '\\') d[o++] = '\\';
        d[o++] = arg[i];
    }
    d[o++] = '"';
    d[o] = 0;
    return d;
}
