/* Fuzz the sans-I/O JSON-RPC codec on untrusted node text: validation (UTF-8, grammar, nesting
 * 64), classification, batch iteration, error detail. Invariants: spans stay inside the input;
 * whatever we accept, cJSON parses too; the error message is valid UTF-8. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/error.h"
#include "rpc/jsonrpc.h"

static void inside(const char *base, size_t n, btq_jr_span s)
{
    if (s.p && (s.p < base || s.p + s.n > base + n)) abort();
}

static void check_obj(const char *base, size_t n, btq_jr_span obj)
{
    btq_jr_msg m;
    int kind = btq_jr_classify(obj, &m);
    inside(base, n, m.result);
    inside(base, n, m.error);
    inside(base, n, m.sub);
    inside(base, n, m.method);
    if (kind == BTQ_JR_RESPONSE && m.is_error) {
        int64_t code;
        char msg[64];
        btq_jr_error_detail(m.error, &code, msg, sizeof msg);
        if (strlen(msg) >= sizeof msg) abort();
        if (!btq_jr_utf8_valid((const unsigned char *)msg, strlen(msg))) abort();
    }
    if (m.result.p && btq_jr_json_validate(m.result.p, m.result.n, BTQ_JR_MAX_DEPTH) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    if (!t) return 0;
    memcpy(t, data, size);
    t[size] = 0;
    int rc = btq_jr_json_validate(t, size, BTQ_JR_MAX_DEPTH);
    if (rc != 0 && rc != BTQ_EJSON && rc != BTQ_EUTF8 && rc != BTQ_EDEPTH) abort();
    if (rc == 0) {
        if (!memchr(t, 0, size)) {
            cJSON *j = cJSON_ParseWithLength(t, size);
            if (!j) abort(); /* we accepted something cJSON rejects */
            cJSON_Delete(j);
        }
        btq_jr_span all = {t, size};
        check_obj(t, size, all);
        const char *it = NULL;
        btq_jr_span el;
        int guard = 0;
        while (btq_jr_json_array_next(all, &it, &el)) {
            inside(t, size, el);
            check_obj(t, size, el);
            if (++guard > (int)size + 1) abort();
        }
    }
    free(t);
    return 0;
}
