/* btq block: number and hash of the current head (or of --block / --finalized). */
#include <stdio.h>
#include <stdlib.h>

#include "btq.h"
#include "cli.h"
#include "cli_net.h"

static const char help[] =
    "usage: btq block [OPTIONS]\n\n"
    "Number and hash of the head block (or of the block chosen with --block / --finalized).\n"
    "With --json: {\"number\": N, \"hash\": \"0x…\"}\n\n"
    "examples:\n"
    "  btq block\n"
    "  btq block --network local --json\n"
    "  btq block --finalized\n\n";

int btq_cmd_block(int argc, char **argv)
{
    const char *cmd = "block";
    btq_cli_net net;
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    if (!pos) return btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
    int rc = btq_cli_net_parse(argc, argv, cmd, help, NULL, &net, pos, &npos);
    btq_client *c = NULL;
    if (rc >= 0) goto out;
    if (npos) {
        rc = btq_cli_fail(BTQ_EXIT_USAGE, cmd, "unexpected argument '%s'", pos[0]);
        goto out;
    }
    btq_at at;
    if ((rc = btq_cli_at(&net, cmd, &at)) != 0) goto out;
    if ((rc = btq_cli_connect(&net, cmd, &c)) != 0) goto out;
    btq_error err;
    btq_error_clear(&err);
    char hash[67];
    uint64_t number = 0;
    int q = btq_client_block_hash(c, &at, hash, &err);
    if (!q) q = btq_block_number(c, hash, &number, &err);
    if (q) {
        rc = btq_cli_report(cmd, q, &err);
        goto out;
    }
    if (net.json) {
        printf("{\"number\": ");
        btq_cli_json_u64(number);
        printf(", \"hash\": \"%s\"}\n", hash);
    } else {
        printf("%llu %s\n", (unsigned long long)number, hash);
    }
    rc = BTQ_EXIT_OK;
out:
    btq_client_free(c);
    free(pos);
    return rc;
}
