/* btq: command-line entry point and dispatcher. */
#include <stdio.h>
#include <string.h>

#include "btq.h"
#include "cli.h"

static const btq_cli_command commands[] = {
    {"balance", btq_cmd_balance, "free / reserved / frozen balance of accounts or a wallet"},
    {"tempo", btq_cmd_tempo, "tempo of subnets"},
    {"block", btq_cmd_block, "current block number and hash"},
    {"query", btq_cmd_query, "read a storage entry: PALLET ITEM [KEY...]"},
    {"constant", btq_cmd_constant, "read a runtime constant: PALLET NAME"},
    {"call", btq_cmd_call, "call a runtime API: API METHOD [ARG_JSON...]"},
    {"ss58", btq_cmd_ss58, "encode or decode an SS58 address"},
    {"hash", btq_cmd_hash, "hash bytes or text with a storage hasher"},
    {"key", btq_cmd_key, "build a storage key for PALLET ITEM [KEYS]"},
    {"metadata", btq_cmd_metadata, "summarise a runtime metadata file"},
    {"decode", btq_cmd_decode, "decode SCALE bytes with a metadata file"},
    {"encode", btq_cmd_encode, "encode JSON into SCALE bytes with a metadata file"},
    {"rpc", btq_cmd_rpc, "send a raw JSON-RPC request to a node"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: btq COMMAND [OPTIONS] [ARGS]\n\n"
                 "A command-line client for Substrate chains and Bittensor.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n`btq COMMAND --help` shows a command's options and examples.\n"
                 "\nexit codes: 0 ok, 1 internal failure, 2 usage, 3 invalid input, 4 not found,\n"
                 "            5 network, 6 node error, 7 timeout\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return BTQ_EXIT_USAGE;
    }
    if (btq_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return BTQ_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("btq %s (libbtq %s)\n", BTQ_VERSION_STRING, btq_version());
        return BTQ_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    return btq_cli_fail(BTQ_EXIT_USAGE, NULL, "unknown command '%s' (see btq --help)", argv[1]);
}
