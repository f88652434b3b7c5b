/* Tempo of every subnet with transport futures: the subnets come from
 * SubtensorModule.NetworksAdded (map iteration), then one state_getStorage future per subnet is
 * armed at the pinned block, all are awaited together and each answer is decoded with the
 * pinned runtime's metadata.
 *
 *   example_tempo_all_futures URL|NETWORK
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/client.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s URL|NETWORK\n", argv[0]);
        return 2;
    }
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
    btq_map *nets = NULL;
    int rc = btq_client_new(&o, &c, &err);
    if (!rc) rc = btq_client_pin(c, NULL, &pin, &err);
    if (!rc) rc = btq_storage_map(pin, "SubtensorModule", "NetworksAdded", NULL, 0, 0, &nets, &err);
    size_t n = btq_map_count(nets);
    btq_future **fs = calloc(n ? n : 1, sizeof *fs);
    uint64_t *ids = calloc(n ? n : 1, sizeof *ids);
    if (!fs || !ids) rc = BTQ_ENOMEM;
    const btq_storage_entry *tempo =
        rc ? NULL : btq_metadata_storage(btq_pin_metadata(pin), "SubtensorModule", "Tempo");
    if (!rc && !tempo) rc = BTQ_ENOTFOUND;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = btq_value_u64(btq_map_key(nets, i), &ids[i]);
        uint16_t le = (uint16_t)ids[i];
        uint8_t kb[2] = {(uint8_t)(le & 0xff), (uint8_t)(le >> 8)};
        btq_key k = {BTQ_KEY_SCALE, NULL, NULL, kb, 2};
        btq_storage_req r = {"SubtensorModule", "Tempo", &k, 1};
        uint8_t *key = NULL;
        size_t klen = 0;
        if (!rc) rc = btq_storage_key_build(pin, &r, &key, &klen, &err);
        if (rc) break;
        char hex[256], params[512];
        btq_hex_encode(key, klen, 1, hex, sizeof hex);
        btq_free(key);
        snprintf(params, sizeof params, "[\"%s\",\"%s\"]", hex, btq_pin_hash(pin));
        fs[i] = btq_future_new();
        rc = fs[i] ? btq_rpc_call_future(btq_client_rpc_handle(c), "state_getStorage", params, 0,
                                         fs[i])
                   : BTQ_ENOMEM;
    }
    if (!rc) rc = btq_future_wait_all(fs, n, 30000);
    const btq_registry *reg = rc ? NULL : btq_metadata_registry(btq_pin_metadata(pin));
    for (size_t i = 0; i < n && !rc; i++) {
        if ((rc = btq_future_status(fs[i])) != 0) break;
        const char *text = btq_future_result(fs[i], NULL); /* "\"0x…\"" or null */
        uint8_t buf[64];
        size_t len = 0;
        const uint8_t *bytes = tempo->default_value;
        size_t blen = tempo->default_len;
        if (text[0] == '"') {
            rc = btq_hex_decode(text + 1, strlen(text) - 2, buf, sizeof buf, &len);
            bytes = buf;
            blen = len;
        }
        btq_value_doc *doc = NULL;
        const btq_value *v;
        uint64_t t = 0;
        if (!rc)
            rc = btq_value_decode(reg, tempo->value_type, bytes, blen, BTQ_VALUE_EXACT, &doc, &v,
                                  &err);
        if (!rc) rc = btq_value_u64(v, &t);
        btq_value_doc_free(doc);
        if (!rc)
            printf("netuid %llu tempo %llu\n", (unsigned long long)ids[i], (unsigned long long)t);
    }
    if (rc)
        fprintf(stderr, "error: %s (%s)\n", err.message[0] ? err.message : btq_strerror(rc),
                btq_err_name(rc));
    for (size_t i = 0; i < n && fs; i++)
        btq_future_free(fs[i]);
    free(fs);
    free(ids);
    btq_map_free(nets);
    btq_pin_free(pin);
    btq_client_free(c);
    return rc ? 1 : 0;
}
