/* Fuzz the sans-I/O JSON-RPC codec on untrusted node text: validation (UTF-8, grammar, nesting
 * 64), classification, batch iteration, error detail. Invariants: spans stay inside the input;
 * whatever we accept, cJSON parses too; the error message is valid UTF-8. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/error.h"
#include "btq/scale.h"
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
    /* the one-pass validate + classify the transport uses must agree with the two steps */
    btq_jr_msg one;
    if (btq_jr_validate_classify(t, size, BTQ_JR_MAX_DEPTH, &one) != rc) abort();
    if (rc == 0) {
        btq_jr_msg two;
        btq_jr_span all = {t, size};
        const char *b = t;
        while (b < t + size && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
            b++;
        if (*b == '{') {
            btq_jr_classify(all, &two);
            if (one.kind != two.kind) abort();
            if (one.kind == BTQ_JR_RESPONSE &&
                (one.id_ok != two.id_ok || (one.id_ok && one.id != two.id) ||
                 one.is_error != two.is_error || one.result.p != two.result.p ||
                 one.result.n != two.result.n || one.error.p != two.error.p))
                abort();
            if (one.kind == BTQ_JR_NOTIFICATION &&
                (one.result.p != two.result.p || one.result.n != two.result.n ||
                 one.sub.p != two.sub.p || one.method.p != two.method.p))
                abort();
        } else if (one.kind != BTQ_JR_INVALID) {
            abort();
        }
        /* accepted as caller params: a request built around them must validate and classify
         * as no response (it has a method, no result) */
        if (btq_jr_params_ok(t, size) == 0 && !memchr(t, 0, size)) {
            unsigned char *req = NULL;
            size_t rl = 0, off = 0;
            if (btq_jr_build_request(size, "fuzz_method", t, size, 16, &req, &rl, &off) == 0) {
                const char *rt = (const char *)req + 16;
                if (off + size > rl || memcmp(rt + off, t, size) != 0) abort();
                if (btq_jr_json_validate(rt, rl, BTQ_JR_MAX_DEPTH + 1) != 0) abort();
                btq_free(req);
            }
        }
    }
    /* the input's first line as a method name */
    char meth[160];
    size_t ml = 0;
    while (ml < size && ml < sizeof meth - 1 && t[ml] && t[ml] != '\n')
        ml++;
    memcpy(meth, t, ml);
    meth[ml] = 0;
    if (btq_jr_method_ok(meth)) {
        if (ml == 0 || ml > 128) abort();
        (void)btq_jr_method_is_submission(meth);
    }
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
