/* btq call API METHOD [ARG_JSON…]: a runtime API call (state_call) with V15 metadata. */
#include <stdio.h>
#include <stdlib.h>

#include "btq.h"
#include "cli.h"
#include "cli_net.h"

static const char help[] =
    "usage: btq call [OPTIONS] API METHOD [ARG...]\n\n"
    "Call a runtime API method at the pinned block: the arguments (JSON, one per method input;\n"
    "a bare word such as an SS58 address is taken as a JSON string) are encoded with the V15\n"
    "metadata's input types and the output decoded with its output type.\n\n"
    "examples:\n"
    "  btq call Core version\n"
    "  btq call AccountNonceApi account_nonce 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n"
    "  btq call SubnetInfoRuntimeApi get_subnet_info 1 --json\n\n";

int btq_cmd_call(int argc, char **argv)
{
    const char *cmd = "call";
    btq_cli_net net;
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    char **args = calloc((size_t)argc + 1, sizeof *args);
    int npos = 0, nargs = 0;
    if (!pos || !args) {
        free(pos);
        free(args);
        return btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
    }
    int rc = btq_cli_net_parse(argc, argv, cmd, help, NULL, &net, pos, &npos);
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    btq_result *r = NULL;
    btq_writer w;
    btq_writer_init(&w);
    if (rc >= 0) goto out;
    if (npos < 2) {
        rc =
            btq_cli_fail(BTQ_EXIT_USAGE, cmd, "expected API METHOD [ARG...] (see btq call --help)");
        goto out;
    }
    for (int i = 2; i < npos; i++) {
        args[nargs] = btq_cli_arg_json(pos[i]);
        if (!args[nargs]) {
            rc = btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
            goto out;
        }
        nargs++;
    }
    if ((rc = btq_cli_connect(&net, cmd, &c)) != 0) goto out;
    if ((rc = btq_cli_pin(c, &net, cmd, &pin)) != 0) goto out;
    btq_error err;
    btq_error_clear(&err);
    int q =
        btq_runtime_call(pin, pos[0], pos[1], (const char *const *)args, (size_t)nargs, &r, &err);
    if (!q) q = btq_result_to_json(r, !net.json, &w);
    rc = btq_cli_finish(cmd, q, &err, &w);
out:
    for (int i = 0; i < nargs; i++)
        free(args[i]);
    free(args);
    btq_writer_free(&w);
    btq_result_free(r);
    btq_pin_free(pin);
    btq_client_free(c);
    free(pos);
    return rc;
}
