/* Balances of many accounts: the storage reads of several batches are all in flight at once
 * (btq_storage_start returns immediately), then each batch is finished (waited for and decoded
 * on this thread). Every read runs at the same pinned block.
 *
 *   example_async_balances URL|NETWORK ADDRESS...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/client.h"

#define BATCH 64

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s URL|NETWORK ADDRESS...\n", argv[0]);
        return 2;
    }
    size_t n = (size_t)argc - 2, nb = (n + BATCH - 1) / BATCH;
    btq_client_options o;
    btq_client_options_init(&o);
    if (strstr(argv[1], "://"))
        o.url = argv[1];
    else
        o.network = argv[1];
    btq_error err;
    btq_error_clear(&err);
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    int rc = btq_client_new(&o, &c, &err);
    if (!rc) rc = btq_client_pin(c, NULL, &pin, &err);
    btq_key *keys = calloc(n, sizeof *keys);
    btq_storage_req *reqs = calloc(n, sizeof *reqs);
    btq_storage_op **ops = calloc(nb, sizeof *ops);
    btq_result **res = calloc(n, sizeof *res);
    char **json = calloc(n, sizeof *json);
    if (!keys || !reqs || !ops || !res || !json) rc = BTQ_ENOMEM;
    /* keys as JSON strings: SS58 addresses are accepted for AccountId32 */
    for (size_t i = 0; i < n && !rc; i++) {
        size_t l = strlen(argv[i + 2]);
        json[i] = malloc(l + 3);
        if (!json[i]) {
            rc = BTQ_ENOMEM;
            break;
        }
        snprintf(json[i], l + 3, "\"%s\"", argv[i + 2]);
        keys[i] = (btq_key){BTQ_KEY_JSON, json[i], NULL, NULL, 0};
        reqs[i] = (btq_storage_req){"System", "Account", &keys[i], 1};
    }
    size_t started = 0;
    for (; started < nb && !rc; started++) {
        size_t from = started * BATCH, cnt = n - from < BATCH ? n - from : BATCH;
        rc = btq_storage_start(pin, reqs + from, cnt, &ops[started], &err);
    }
    for (size_t bi = 0; bi < started; bi++) {
        size_t from = bi * BATCH;
        if (rc) {
            btq_storage_op_free(ops[bi]);
            continue;
        }
        rc = btq_storage_finish(ops[bi], -1, res + from, &err);
    }
    uint64_t total = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        uint64_t free_rao = 0;
        btq_value_path_u64(btq_result_value(res[i]), "data.free", &free_rao);
        char t[48];
        btq_format_tao(free_rao, t, sizeof t);
        printf("%s %s\n", argv[i + 2], t);
        total += free_rao;
    }
    if (rc) {
        fprintf(stderr, "error: %s (%s)\n", err.message[0] ? err.message : btq_strerror(rc),
                btq_err_name(rc));
    } else {
        char t[48];
        btq_format_tao(total, t, sizeof t);
        printf("total %s at %s\n", t, btq_pin_hash(pin));
    }
    for (size_t i = 0; i < n; i++) {
        if (res) btq_result_free(res[i]);
        if (json) free(json[i]);
    }
    free(json);
    free(res);
    free(ops);
    free(reqs);
    free(keys);
    btq_pin_free(pin);
    btq_client_free(c);
    return rc ? 1 : 0;
}
