/* Shared option parsing and connection set-up for the network commands (balance, tempo, block,
 * query, constant, call). Public headers only. */
#ifndef BTQ_CLI_NET_H
#define BTQ_CLI_NET_H

#include <stdint.h>

#include "btq/client.h"

/* Common options:
 *   --url URL            endpoint (ws:// or wss://)
 *   --network NAME       finney | test | archive | local
 *   (neither)            $BT_SUBTENSOR_CHAIN_ENDPOINT (URL or network name), else finney
 *   --block HASH|NUMBER  pin the queries to a block (default: the head, fetched once)
 *   --finalized          pin to the finalized head instead
 *   --json               canonical JSON output
 *   --timeout SECONDS    per-request and connect timeout (default 60 / 10)
 *   --ss58-prefix N      address format (default 42)
 *   --no-cache           do not use the on-disk metadata cache
 *                        ($BTQ_CACHE_DIR, else $XDG_CACHE_HOME/btq, else ~/.cache/btq) */
typedef struct btq_cli_net {
    const char *url;
    const char *network;
    const char *block;
    int finalized;
    int json;
    uint32_t timeout_ms;
    uint32_t ss58_prefix;
    int no_cache;
    int tls_insecure;
    int allow_plain_ws;
    const char *ca_file;
} btq_cli_net;

/* A command-specific option: flag (value NULL) or option with a value. */
typedef struct btq_cli_opt {
    const char *name; /* "--wallet" */
    const char **value;
    int *flag;
} btq_cli_opt;

/* Parse argv[1..): common options, extra options (NULL-terminated by name == NULL, may be
 * NULL), positional arguments into pos (at most argc entries, caller's array) and *npos.
 * Returns -1 to continue, or an exit code (help printed: 0; usage error printed: 2). */
int btq_cli_net_parse(int argc, char **argv, const char *cmd, const char *help,
                      const btq_cli_opt *extra, btq_cli_net *net, char **pos, int *npos);

/* The help text of the common options. */
extern const char btq_cli_net_help[];

/* Create the client. On failure prints one line and returns the exit code; 0 on success. */
int btq_cli_connect(const btq_cli_net *net, const char *cmd, btq_client **out);
/* Pin the block chosen by --block / --finalized (default head). Prints + exit code on error. */
int btq_cli_pin(btq_client *c, const btq_cli_net *net, const char *cmd, btq_pin **out);
/* The block selector of the options (head when none); 0 or prints + exit code. */
int btq_cli_at(const btq_cli_net *net, const char *cmd, btq_at *at);
/* Print "btq CMD: <message>" for a library failure; returns the exit code for rc. */
/* The end of a query command: q != 0 reports it (btq_cli_report), else prints w; the exit code. */
int btq_cli_finish(const char *cmd, int q, const btq_error *err, btq_writer *w);
int btq_cli_report(const char *cmd, int rc, const btq_error *err);
/* Print an unsigned amount as a canonical JSON number (decimal string from 2^53). */
void btq_cli_json_u64(uint64_t v);
/* Print a result/map/value as JSON (pretty unless compact) and a newline. */
int btq_cli_print_writer(btq_writer *w);

/* A command-line argument as JSON text: JSON values (numbers, strings in quotes, arrays,
 * objects, true/false/null) as they are; anything else (an SS58 address, a name) as a JSON
 * string. malloc'd; NULL on ENOMEM. */
char *btq_cli_arg_json(const char *arg);

#endif
