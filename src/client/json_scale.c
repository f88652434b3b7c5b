/* JSON text -> SCALE bytes, driven by a type registry (keys, runtime call arguments). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "client_internal.h"

#define JS_MAX_DEPTH 256

typedef struct js_ctx {
    const btq_registry *reg;
    int32_t prefix;
    btq_writer *w;
    btq_error *err;
} js_ctx;

#define js_fail(cx, ...) btq__cl_fail((cx)->err, __VA_ARGS__)

/* Integer from JSON: number (integral, |v| < 2^53) or decimal string (optional '-'). */
static int js_int(js_ctx *cx, const cJSON *j, int *neg, btq_u128 *mag)
{
    *neg = 0;
    mag->lo = mag->hi = 0;
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (!(fabs(d) < 9007199254740992.0) || floor(d) != d)
            return js_fail(cx, BTQ_ENUMBER,
                           "%s: integers of 2^53 and more must be given as decimal strings",
                           "number");
        if (d < 0) {
            *neg = 1;
            d = -d;
        }
        mag->lo = (uint64_t)d;
        return 0;
    }
    if (cJSON_IsString(j)) {
        const char *s = j->valuestring;
        if (*s == '-') {
            *neg = 1;
            s++;
        }
        if (!*s || btq_u128_from_dec(s, strlen(s), mag) != 0)
            return js_fail(cx, BTQ_ENUMBER, "'%s' is not a decimal integer", j->valuestring);
        if (*neg && mag->lo == 0 && mag->hi == 0) *neg = 0;
        return 0;
    }
    return js_fail(cx, BTQ_ETYPE, "expected an integer (%s)", "number or decimal string");
}

static int js_prim_int(js_ctx *cx, btq_prim p, const cJSON *j)
{
    btq_writer *w = cx->w;
    if (p == BTQ_PRIM_U256 || p == BTQ_PRIM_I256) {
        btq_u256 v;
        memset(&v, 0, sizeof v);
        int neg = 0;
        if (cJSON_IsString(j)) {
            const char *s = j->valuestring;
            if (*s == '-') {
                neg = 1;
                s++;
            }
            if (!*s || btq_u256_from_dec(s, strlen(s), &v) != 0)
                return js_fail(cx, BTQ_ENUMBER, "'%s' is not a decimal integer", j->valuestring);
        } else {
            btq_u128 m;
            int rc = js_int(cx, j, &neg, &m);
            if (rc) return rc;
            v.limb[0] = m.lo;
            v.limb[1] = m.hi;
        }
        if (neg && p == BTQ_PRIM_U256)
            return js_fail(cx, BTQ_EOVERFLOW, "negative value for %s", "u256");
        if (p == BTQ_PRIM_I256) {
            if (!neg && (v.limb[3] >> 63))
                return js_fail(cx, BTQ_EOVERFLOW, "value out of range for %s", "i256");
            if (neg) {
                /* two's complement; magnitude may be at most 2^255 */
                if ((v.limb[3] >> 63) &&
                    !(v.limb[3] == (1ull << 63) && !v.limb[2] && !v.limb[1] && !v.limb[0]))
                    return js_fail(cx, BTQ_EOVERFLOW, "value out of range for %s", "i256");
                int carry = 1;
                for (int i = 0; i < 4; i++) {
                    v.limb[i] = ~v.limb[i] + (uint64_t)carry;
                    carry = carry && v.limb[i] == 0;
                }
            }
        }
        return btq_write_u256(w, &v);
    }
    int neg;
    btq_u128 m;
    int rc = js_int(cx, j, &neg, &m);
    if (rc) return rc;
    static const struct {
        unsigned bytes;
        int is_signed;
        const char *name;
    } info[] = {
        [BTQ_PRIM_U8] = {1, 0, "u8"},      [BTQ_PRIM_U16] = {2, 0, "u16"},
        [BTQ_PRIM_U32] = {4, 0, "u32"},    [BTQ_PRIM_U64] = {8, 0, "u64"},
        [BTQ_PRIM_U128] = {16, 0, "u128"}, [BTQ_PRIM_I8] = {1, 1, "i8"},
        [BTQ_PRIM_I16] = {2, 1, "i16"},    [BTQ_PRIM_I32] = {4, 1, "i32"},
        [BTQ_PRIM_I64] = {8, 1, "i64"},    [BTQ_PRIM_I128] = {16, 1, "i128"},
    };
    unsigned bytes = info[p].bytes;
    int sg = info[p].is_signed;
    const char *name = info[p].name;
    if (neg && !sg) return js_fail(cx, BTQ_EOVERFLOW, "negative value for %s", name);
    /* range: unsigned < 2^(8*bytes); signed positive < 2^(8*bytes-1), negative <= 2^(..-1) */
    unsigned bits = bytes * 8 - (unsigned)sg;
    int fits = 1;
    if (bits < 128) {
        btq_u128 lim = {0, 0};
        if (bits >= 64)
            lim.hi = 1ull << (bits - 64);
        else
            lim.lo = 1ull << bits;
        int lt = m.hi < lim.hi || (m.hi == lim.hi && m.lo < lim.lo);
        int eq = m.hi == lim.hi && m.lo == lim.lo;
        fits = lt || (neg && eq);
    }
    if (!fits) return js_fail(cx, BTQ_EOVERFLOW, "value out of range for %s", name);
    if (neg) { /* two's complement over 128 bits */
        m.lo = ~m.lo + 1;
        m.hi = ~m.hi + (m.lo == 0 ? 1u : 0u);
    }
    uint8_t le[16];
    for (unsigned i = 0; i < 16; i++)
        le[i] = (uint8_t)((i < 8 ? m.lo >> (8 * i) : m.hi >> (8 * (i - 8))) & 0xff);
    return btq_write_raw(w, le, bytes);
}

static int js_enc(js_ctx *cx, uint32_t id, const cJSON *j, unsigned depth);

static int js_hex_bytes(js_ctx *cx, const cJSON *j, uint8_t **out, size_t *n)
{
    const char *s = j->valuestring;
    if (btq__hex_to_bytes(s, strlen(s), out, n) != 0)
        return js_fail(cx, BTQ_EHEX, "'%s' is not 0x-prefixed hex", s);
    return 0;
}

static int js_fields(js_ctx *cx, uint32_t nfields, const btq_field *fields, const cJSON *j,
                     unsigned depth)
{
    if (nfields == 0) {
        if (cJSON_IsNull(j) || ((cJSON_IsArray(j) || cJSON_IsObject(j)) && !j->child)) return 0;
        return js_fail(cx, BTQ_ETYPE, "expected null, [] or {}");
    }
    if (cJSON_IsObject(j) && fields[0].name) {
        for (uint32_t i = 0; i < nfields; i++) {
            const cJSON *f = cJSON_GetObjectItemCaseSensitive(j, fields[i].name);
            if (!f) {
                if (nfields == 1) return js_enc(cx, fields[0].type, j, depth + 1);
                return js_fail(cx, BTQ_ETYPE, "missing field '%s'", fields[i].name);
            }
            int rc = js_enc(cx, fields[i].type, f, depth + 1);
            if (rc) return rc;
        }
        return 0;
    }
    if (nfields == 1) return js_enc(cx, fields[0].type, j, depth + 1);
    if (cJSON_IsArray(j) && (uint32_t)cJSON_GetArraySize(j) == nfields) {
        uint32_t i = 0;
        for (const cJSON *e = j->child; e; e = e->next, i++) {
            int rc = js_enc(cx, fields[i].type, e, depth + 1);
            if (rc) return rc;
        }
        return 0;
    }
    return js_fail(cx, BTQ_ETYPE, "expected an object or an array of %u fields", nfields);
}

static int is_u8(const btq_registry *reg, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    return t && t->kind == BTQ_TYPE_PRIMITIVE && t->u.primitive == BTQ_PRIM_U8;
}

static int js_enc(js_ctx *cx, uint32_t id, const cJSON *j, unsigned depth)
{
    const btq_type *t = btq_registry_type(cx->reg, id);
    btq_writer *w = cx->w;
    if (!t) return js_fail(cx, BTQ_ETYPEID, "type id %u out of range", id);
    if (depth > JS_MAX_DEPTH)
        return js_fail(cx, BTQ_EDEPTH, "JSON nested deeper than %u", JS_MAX_DEPTH);
    if (strcmp(t->path, "sp_core::crypto::AccountId32") == 0 && cJSON_IsString(j)) {
        const char *s = j->valuestring;
        uint8_t id32[33];
        size_t n = 0;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            if (btq_hex_decode(s, strlen(s), id32, sizeof id32, &n) != 0 || n != 32)
                return js_fail(cx, BTQ_EHEX, "'%s' is not a 32-byte hex account id", s);
        } else {
            int rc = btq_ss58_decode(s, strlen(s), cx->prefix, NULL, id32, sizeof id32, &n, NULL);
            if (rc) return js_fail(cx, rc, "invalid SS58 address '%s'", s);
            if (n != 32) return js_fail(cx, BTQ_ESS58LEN, "'%s' is not a 32-byte account", s);
        }
        return btq_write_raw(w, id32, 32);
    }
    switch (t->kind) {
    case BTQ_TYPE_COMPOSITE:
        return js_fields(cx, t->u.composite.nfields, t->u.composite.fields, j, depth);
    case BTQ_TYPE_VARIANT: {
        if (strcmp(t->path, "Option") == 0) {
            if (cJSON_IsNull(j)) return btq_write_u8(w, 0);
            const btq_variant *some = btq_type_variant_by_name(t, "Some");
            if (!some || some->nfields != 1)
                return js_fail(cx, BTQ_ETYPE, "malformed %s type", "Option");
            btq_write_u8(w, some->index);
            return js_enc(cx, some->fields[0].type, j, depth + 1);
        }
        const char *name = NULL;
        const cJSON *body = NULL;
        if (cJSON_IsString(j)) {
            name = j->valuestring;
        } else if (cJSON_IsObject(j) && j->child && !j->child->next) {
            name = j->child->string;
            body = j->child;
        } else {
            return js_fail(cx, BTQ_ETYPE, "expected \"Variant\" or {\"Variant\": …} for %s",
                           t->path);
        }
        const btq_variant *v = btq_type_variant_by_name(t, name);
        if (!v) return js_fail(cx, BTQ_ENOTFOUND, "no variant '%s'", name);
        btq_write_u8(w, v->index);
        if (!body) {
            if (v->nfields)
                return js_fail(cx, BTQ_ETYPE, "variant '%s' needs %u fields", name, v->nfields);
            return 0;
        }
        return js_fields(cx, v->nfields, v->fields, body, depth);
    }
    case BTQ_TYPE_SEQUENCE: {
        uint32_t el = t->u.sequence.elem;
        if (cJSON_IsString(j) && is_u8(cx->reg, el)) {
            uint8_t *b;
            size_t n;
            int rc = js_hex_bytes(cx, j, &b, &n);
            if (rc) return rc;
            rc = btq_write_byte_vec(w, b, n);
            btq_free(b);
            return rc;
        }
        if (!cJSON_IsArray(j)) return js_fail(cx, BTQ_ETYPE, "expected an array%s", "");
        btq_write_compact_u64(w, (uint64_t)cJSON_GetArraySize(j));
        for (const cJSON *e = j->child; e; e = e->next) {
            int rc = js_enc(cx, el, e, depth + 1);
            if (rc) return rc;
        }
        return w->err;
    }
    case BTQ_TYPE_ARRAY: {
        uint32_t el = t->u.array.elem, len = t->u.array.len;
        if (cJSON_IsString(j) && is_u8(cx->reg, el)) {
            uint8_t *b;
            size_t n;
            int rc = js_hex_bytes(cx, j, &b, &n);
            if (rc) return rc;
            if (n != len) {
                btq_free(b);
                return js_fail(cx, BTQ_ETYPE, "%s: expected %u bytes", j->valuestring, len);
            }
            rc = btq_write_raw(w, b, n);
            btq_free(b);
            return rc;
        }
        if (!cJSON_IsArray(j) || (uint32_t)cJSON_GetArraySize(j) != len)
            return js_fail(cx, BTQ_ETYPE, "expected an array of %u elements", len);
        for (const cJSON *e = j->child; e; e = e->next) {
            int rc = js_enc(cx, el, e, depth + 1);
            if (rc) return rc;
        }
        return w->err;
    }
    case BTQ_TYPE_TUPLE: {
        uint32_t n = t->u.tuple.nelems;
        if (n == 0) {
            if (cJSON_IsNull(j) || (cJSON_IsArray(j) && !j->child)) return 0;
            return js_fail(cx, BTQ_ETYPE, "expected %s", "null or []");
        }
        if (n == 1 && !cJSON_IsArray(j)) return js_enc(cx, t->u.tuple.elems[0], j, depth + 1);
        if (!cJSON_IsArray(j) || (uint32_t)cJSON_GetArraySize(j) != n)
            return js_fail(cx, BTQ_ETYPE, "expected an array of %u elements", n);
        uint32_t i = 0;
        for (const cJSON *e = j->child; e; e = e->next, i++) {
            int rc = js_enc(cx, t->u.tuple.elems[i], e, depth + 1);
            if (rc) return rc;
        }
        return 0;
    }
    case BTQ_TYPE_PRIMITIVE:
        switch (t->u.primitive) {
        case BTQ_PRIM_BOOL:
            if (!cJSON_IsBool(j)) return js_fail(cx, BTQ_ETYPE, "expected %s", "true or false");
            return btq_write_bool(w, cJSON_IsTrue(j));
        case BTQ_PRIM_STR:
            if (!cJSON_IsString(j)) return js_fail(cx, BTQ_ETYPE, "expected %s", "a string");
            return btq_write_str(w, j->valuestring, strlen(j->valuestring));
        case BTQ_PRIM_CHAR: {
            if (!cJSON_IsString(j)) return js_fail(cx, BTQ_ETYPE, "expected %s", "a char");
            const unsigned char *s = (const unsigned char *)j->valuestring;
            size_t n = strlen((const char *)s);
            uint32_t cp = 0;
            if (n == 1)
                cp = s[0];
            else if (n == 2 && (s[0] & 0xe0) == 0xc0)
                cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
            else if (n == 3 && (s[0] & 0xf0) == 0xe0)
                cp = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
                     (s[2] & 0x3f);
            else if (n == 4 && (s[0] & 0xf8) == 0xf0)
                cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
                     ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
            else
                return js_fail(cx, BTQ_ETYPE, "expected %s", "one character");
            return btq_write_char(w, cp);
        }
        default:
            return js_prim_int(cx, t->u.primitive, j);
        }
    case BTQ_TYPE_COMPACT: {
        const btq_type *in = btq_registry_type(cx->reg, t->u.compact.inner);
        unsigned guard = 0;
        while (in && in->kind == BTQ_TYPE_COMPOSITE && in->u.composite.nfields == 1 && guard++ < 16)
            in = btq_registry_type(cx->reg, in->u.composite.fields[0].type);
        if (!in || in->kind != BTQ_TYPE_PRIMITIVE)
            return js_fail(cx, BTQ_ETYPE, "unsupported compact type %s", t->path);
        if (cJSON_IsObject(j) && j->child && !j->child->next) j = j->child;
        if (in->u.primitive == BTQ_PRIM_U256) {
            btq_u256 v;
            memset(&v, 0, sizeof v);
            if (cJSON_IsString(j)) {
                if (btq_u256_from_dec(j->valuestring, strlen(j->valuestring), &v) != 0)
                    return js_fail(cx, BTQ_ENUMBER, "'%s' is not a decimal integer",
                                   j->valuestring);
            } else {
                int neg;
                btq_u128 m;
                int rc = js_int(cx, j, &neg, &m);
                if (rc) return rc;
                if (neg) return js_fail(cx, BTQ_EOVERFLOW, "negative %s", "compact");
                v.limb[0] = m.lo;
                v.limb[1] = m.hi;
            }
            return btq_write_compact_u256(w, &v);
        }
        int neg;
        btq_u128 m;
        int rc = js_int(cx, j, &neg, &m);
        if (rc) return rc;
        if (neg) return js_fail(cx, BTQ_EOVERFLOW, "negative %s", "compact");
        return btq_write_compact_u128(w, m);
    }
    case BTQ_TYPE_BITSEQ: {
        if (!cJSON_IsString(j)) return js_fail(cx, BTQ_ETYPE, "expected %s", "a 0/1 string");
        const char *s = j->valuestring;
        size_t n = strlen(s);
        bool *bits = btq_malloc(n ? n * sizeof *bits : 1);
        if (!bits) return BTQ_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            if (s[i] != '0' && s[i] != '1') {
                btq_free(bits);
                return js_fail(cx, BTQ_ETYPE, "'%s' is not a string of 0 and 1", s);
            }
            bits[i] = s[i] == '1';
        }
        int rc = btq_write_bitseq(w, t->u.bitseq.store, t->u.bitseq.order, bits, n);
        btq_free(bits);
        return rc;
    }
    }
    return js_fail(cx, BTQ_ETYPE, "unsupported type kind %u", (unsigned)t->kind);
}

int btq_json_to_scale(const btq_registry *reg, uint32_t type_id, const char *json,
                      int32_t ss58_prefix, btq_writer *w, btq_error *err)
{
    if (!reg || !json || !w) return BTQ_EINVAL;
    cJSON *j = cJSON_ParseWithOpts(json, NULL, 1); /* the whole text must be one value */
    if (!j) {
        if (err) {
            err->code = BTQ_EJSON;
            snprintf(err->message, sizeof err->message, "'%.200s' is not valid JSON", json);
        }
        return BTQ_EJSON;
    }
    js_ctx cx = {reg, ss58_prefix, w, err};
    int rc = js_enc(&cx, type_id, j, 1);
    cJSON_Delete(j);
    if (!rc && w->err) rc = w->err;
    return rc;
}
