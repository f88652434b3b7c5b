/* btq query PALLET ITEM [KEY…]: a storage entry (or a whole map / a map under a key prefix). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "cli.h"
#include "cli_net.h"

static const char help[] =
    "usage: btq query [OPTIONS] PALLET ITEM [KEY...]\n\n"
    "Read a storage entry at the pinned block and print it as canonical JSON (pretty unless\n"
    "--json). Keys are JSON values encoded with the entry's key types (a bare word such as an\n"
    "SS58 address or 0x-hex is taken as a JSON string). With fewer keys than the map has, every\n"
    "entry under those keys is listed as [[key, value], ...]. An absent key prints the\n"
    "metadata default (Default entries) or null (Optional entries).\n\n"
    "options:\n"
    "  --limit N            at most N entries when iterating a map\n\n"
    "examples:\n"
    "  btq query SubtensorModule Tempo 1\n"
    "  btq query System Account 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n"
    "  btq query SubtensorModule NetworksAdded --json\n"
    "  btq query SubtensorModule TotalIssuance --block 4000000\n\n";

int btq_cmd_query(int argc, char **argv)
{
    const char *cmd = "query";
    const char *limit_s = NULL;
    btq_cli_opt extra[] = {{"--limit", &limit_s, NULL}, {NULL, NULL, NULL}};
    btq_cli_net net;
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    char **kj = calloc((size_t)argc + 1, sizeof *kj);
    btq_key *keys = calloc((size_t)argc + 1, sizeof *keys);
    int npos = 0, nkeys = 0;
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    btq_result *r = NULL;
    btq_map *m = NULL;
    btq_writer w;
    btq_writer_init(&w);
    int rc;
    if (!pos || !kj || !keys) {
        rc = btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
        goto out;
    }
    rc = btq_cli_net_parse(argc, argv, cmd, help, extra, &net, pos, &npos);
    if (rc >= 0) goto out;
    if (npos < 2) {
        rc = btq_cli_fail(BTQ_EXIT_USAGE, cmd,
                          "expected PALLET ITEM [KEY...] (see btq query --help)");
        goto out;
    }
    size_t limit = 0;
    if (limit_s) {
        char *end = NULL;
        unsigned long long v = strtoull(limit_s, &end, 10);
        if (!limit_s[0] || *end || limit_s[0] == '-' || v == 0) {
            rc = btq_cli_fail(BTQ_EXIT_USAGE, cmd, "invalid --limit '%s'", limit_s);
            goto out;
        }
        limit = (size_t)v;
    }
    for (int i = 2; i < npos; i++) {
        kj[nkeys] = btq_cli_arg_json(pos[i]);
        if (!kj[nkeys]) {
            rc = btq_cli_fail(BTQ_EXIT_FAILURE, cmd, "out of memory");
            goto out;
        }
        keys[nkeys].kind = BTQ_KEY_JSON;
        keys[nkeys].json = kj[nkeys];
        nkeys++;
    }
    if ((rc = btq_cli_connect(&net, cmd, &c)) != 0) goto out;
    if ((rc = btq_cli_pin(c, &net, cmd, &pin)) != 0) goto out;
    const btq_storage_entry *e = btq_metadata_storage(btq_pin_metadata(pin), pos[0], pos[1]);
    btq_error err;
    btq_error_clear(&err);
    int q;
    if (e && e->is_map && (uint32_t)nkeys < e->nhashers) {
        q = btq_storage_map(pin, pos[0], pos[1], keys, (size_t)nkeys, limit, &m, &err);
        if (!q) q = btq_map_to_json(m, !net.json, &w);
    } else {
        btq_storage_req req = {pos[0], pos[1], keys, (size_t)nkeys};
        q = btq_storage_get(pin, &req, &r, &err);
        if (!q) q = btq_result_to_json(r, !net.json, &w);
    }
    rc = btq_cli_finish(cmd, q, &err, &w);
out:
    for (int i = 0; i < nkeys; i++)
        free(kj[i]);
    free(kj);
    free(keys);
    btq_writer_free(&w);
    btq_result_free(r);
    btq_map_free(m);
    btq_pin_free(pin);
    btq_client_free(c);
    free(pos);
    return rc;
}
