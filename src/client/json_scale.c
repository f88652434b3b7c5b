/* JSON text -> SCALE bytes for a type id (storage keys, runtime call arguments): the value
 * layer's canonical JSON reader, with AccountId32 also accepted as SS58 of the client's network. */
#include <string.h>

#include "btq/value_json.h"
#include "client_internal.h"

int btq_json_to_scale(const btq_registry *reg, uint32_t type_id, const char *json,
                      int32_t ss58_prefix, btq_writer *w, btq_error *err)
{
    if (!reg || !json || !w) return BTQ_EINVAL;
    return btq_value_encode_json_ss58(reg, type_id, json, strlen(json), ss58_prefix, w, err);
}
