/* btq CLI: command table, exit codes and shared helpers. Uses public headers only. */
#ifndef BTQ_CLI_H
#define BTQ_CLI_H

#include <stdio.h>

/* Distinct exit codes (documented in README.md and `btq --help`). */
enum {
    BTQ_EXIT_OK = 0,
    BTQ_EXIT_FAILURE = 1,  /* internal or unexpected failure */
    BTQ_EXIT_USAGE = 2,    /* bad command line */
    BTQ_EXIT_INPUT = 3,    /* invalid input: address, hex, JSON, bytes that do not decode */
    BTQ_EXIT_NOTFOUND = 4, /* unknown pallet, entry, constant, method, subnet or file */
    BTQ_EXIT_NETWORK = 5,  /* cannot connect, connection lost, TLS failure */
    BTQ_EXIT_NODE = 6,     /* the node answered with an error or with garbage */
    BTQ_EXIT_TIMEOUT = 7   /* no answer in time */
};

typedef int (*btq_cli_fn)(int argc, char **argv);

typedef struct btq_cli_command {
    const char *name;
    btq_cli_fn run; /* argv[0] is the command name */
    const char *summary;
} btq_cli_command;

/* Every command: implemented in src/cli/cmd_<name>.c. */
int btq_cmd_ss58(int argc, char **argv);
int btq_cmd_hash(int argc, char **argv);
int btq_cmd_key(int argc, char **argv);
int btq_cmd_metadata(int argc, char **argv);
int btq_cmd_decode(int argc, char **argv);
int btq_cmd_encode(int argc, char **argv);
int btq_cmd_rpc(int argc, char **argv);
int btq_cmd_balance(int argc, char **argv);
int btq_cmd_tempo(int argc, char **argv);
int btq_cmd_block(int argc, char **argv);
int btq_cmd_query(int argc, char **argv);
int btq_cmd_constant(int argc, char **argv);
int btq_cmd_call(int argc, char **argv);

/* Print "btq CMD: message" on stderr (one line) and return the exit code. */
int btq_cli_fail(int exit_code, const char *cmd, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Map a BTQ_E* library code to the CLI exit code family. */
int btq_cli_exit_for(int btq_code);
/* 1 if argv[i] equals -h or --help. */
int btq_cli_is_help(const char *arg);
/* Transport log callback for the CLI: warnings and errors on stderr, one line each
 * ("btq: warning: …"), e.g. the insecure-TLS warning on every connect. */
void btq_cli_log_stderr(int level, const char *msg, void *user);
/* url as the CLI may print it (btq_url_redact: no user-info, no query string), in buf of cap
 * bytes; returns buf. Every URL or endpoint text the CLI prints goes through this. */
const char *btq_cli_url(const char *url, char *buf, size_t cap);
/* Read a whole file (raw bytes, or "0x…" hex text when hex_ok) into a malloc'd buffer. */
int btq_cli_read_file(const char *path, int hex_ok, unsigned char **out, size_t *out_len);

#endif
