/* btq constant PALLET NAME: a runtime constant from the metadata of the pinned block. */
#include <stdio.h>
#include <stdlib.h>

#include "btq.h"
#include "cli.h"
#include "cli_net.h"

static const char help[] =
    "usage: btq constant [OPTIONS] PALLET NAME\n\n"
    "A runtime constant, decoded with the metadata of the block's runtime, printed as\n"
    "canonical JSON (pretty unless --json).\n\n"
    "examples:\n"
    "  btq constant System SS58Prefix\n"
    "  btq constant Balances ExistentialDeposit --network local\n"
    "  btq constant System Version --json\n\n";

int btq_cmd_constant(int argc, char **argv)
{
    const char *cmd = "constant";
    btq_cli_net net;
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    if (!pos) return btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
    int rc = btq_cli_net_parse(argc, argv, cmd, help, NULL, &net, pos, &npos);
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    btq_result *r = NULL;
    btq_writer w;
    btq_writer_init(&w);
    if (rc >= 0) goto out;
    if (npos != 2) {
        rc = btq_cli_fail(BTQ_EXIT_USAGE, cmd, "expected PALLET NAME (see btq constant --help)");
        goto out;
    }
    if ((rc = btq_cli_connect(&net, cmd, &c)) != 0) goto out;
    if ((rc = btq_cli_pin(c, &net, cmd, &pin)) != 0) goto out;
    btq_error err;
    btq_error_clear(&err);
    int q = btq_constant_get(pin, pos[0], pos[1], &r, &err);
    if (!q) q = btq_result_to_json(r, !net.json, &w);
    rc = btq_cli_finish(cmd, q, &err, &w);
out:
    btq_writer_free(&w);
    btq_result_free(r);
    btq_pin_free(pin);
    btq_client_free(c);
    free(pos);
    return rc;
}
