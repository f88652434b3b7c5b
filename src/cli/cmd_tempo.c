/* btq tempo NETUID… | --all: SubtensorModule.Tempo of subnets at one pinned block. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "cli.h"
#include "cli_net.h"

static const char help[] =
    "usage: btq tempo [OPTIONS] NETUID...\n"
    "       btq tempo [OPTIONS] --all\n\n"
    "Tempo (blocks per epoch) of subnets, read at one block. A netuid that is not in\n"
    "SubtensorModule.NetworksAdded is an error (exit 4), never a silent default.\n"
    "With --json: {\"block\": \"0x…\", \"subnets\": [{\"netuid\": N, \"tempo\": T}, …]}\n\n"
    "options:\n"
    "  --all                every existing subnet\n\n"
    "examples:\n"
    "  btq tempo 1\n"
    "  btq tempo --network local --all --json\n"
    "  btq tempo 0 1 3 --block "
    "0x4545454545454545454545454545454545454545454545454545454545454545\n\n";

int btq_cmd_tempo(int argc, char **argv)
{
    const char *cmd = "tempo";
    int all = 0;
    btq_cli_opt extra[] = {{"--all", NULL, &all}, {NULL, NULL, NULL}};
    btq_cli_net net;
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int npos = 0;
    if (!pos) return btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
    int rc = btq_cli_net_parse(argc, argv, cmd, help, extra, &net, pos, &npos);
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    uint16_t *ids = NULL, *tempos = NULL;
    size_t n = 0;
    int lib_owned = 0;
    if (rc >= 0) goto out;
    if (all == (npos > 0)) {
        rc = btq_cli_fail(BTQ_EXIT_USAGE, cmd, "give netuids or --all (see btq tempo --help)");
        goto out;
    }
    if (!all) {
        ids = calloc((size_t)npos, sizeof *ids);
        tempos = calloc((size_t)npos, sizeof *tempos);
        if (!ids || !tempos) {
            rc = btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
            goto out;
        }
        for (int i = 0; i < npos; i++) {
            char *end = NULL;
            unsigned long v = strtoul(pos[i], &end, 10);
            if (!pos[i][0] || *end || pos[i][0] == '-' || v > 65535) {
                rc = btq_cli_fail(BTQ_EXIT_INPUT, cmd, "invalid netuid '%s' (0..65535)", pos[i]);
                goto out;
            }
            ids[i] = (uint16_t)v;
        }
        n = (size_t)npos;
    }
    if ((rc = btq_cli_connect(&net, cmd, &c)) != 0) goto out;
    if ((rc = btq_cli_pin(c, &net, cmd, &pin)) != 0) goto out;
    btq_error err;
    btq_error_clear(&err);
    int q;
    if (all) {
        q = btq_tempo_all(pin, &ids, &tempos, &n, &err);
        lib_owned = q == 0;
    } else {
        q = btq_tempo(pin, ids, n, tempos, &err);
    }
    if (q) {
        rc = btq_cli_report(cmd, q, &err);
        goto out;
    }
    if (net.json) {
        printf("{\"block\": \"%s\", \"subnets\": [", btq_pin_hash(pin));
        for (size_t i = 0; i < n; i++)
            printf("%s{\"netuid\": %u, \"tempo\": %u}", i ? ", " : "", (unsigned)ids[i],
                   (unsigned)tempos[i]);
        printf("]}\n");
    } else {
        printf("block %s\n%-8s %s\n", btq_pin_hash(pin), "netuid", "tempo");
        for (size_t i = 0; i < n; i++)
            printf("%-8u %u\n", (unsigned)ids[i], (unsigned)tempos[i]);
    }
    rc = BTQ_EXIT_OK;
out:
    if (lib_owned) {
        btq_free(ids);
        btq_free(tempos);
    } else {
        free(ids);
        free(tempos);
    }
    btq_pin_free(pin);
    btq_client_free(c);
    free(pos);
    return rc;
}
