/* Canonical JSON -> value tree for a type id (the inverse of scale/value_json.c). */
#include <math.h>
#include <string.h>

#include <cJSON.h>

#include "btq/chain.h"
#include "btq/value_json.h"
#include "rpc/json_alloc.h"
#include "scale_internal.h"
#include "value_internal.h"

typedef struct jin {
    const btq_registry *reg;
    btq_value_doc *doc;
    btq_error *err;
    int32_t ss58_prefix; /* AccountId32 given as SS58 must carry this prefix; -1: any */
} jin;

static btq_value *build(jin *c, uint32_t id, const cJSON *j, int depth, int *rc);

static btq_value *fail(jin *c, int *rc, int code, const char *msg, const char *detail)
{
    *rc = btq__error_set(c->err, code, 0, "%s%s%s", msg, detail ? ": " : "", detail ? detail : "");
    return NULL;
}

static btq_value *oom(jin *c, int *rc)
{
    return fail(c, rc, BTQ_ENOMEM, "out of memory", NULL);
}

static btq_value *typed(jin *c, btq_value *v, uint32_t id, int *rc)
{
    if (!v) return oom(c, rc);
    btq_value_set_type(v, c->reg, id);
    return v;
}

/* Integer node from a number or a decimal string. */
static btq_value *integer(jin *c, const cJSON *j, int *rc)
{
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        /* doubles are exact only below 2^53: larger quantities must come as strings */
        if (!(fabs(d) < 9007199254740992.0) || floor(d) != d)
            return fail(c, rc, BTQ_ENUMBER, "integers must be whole and below 2^53 as numbers",
                        "use a decimal string");
        if (d < 0) return btq_value_new_i64(c->doc, (int64_t)d);
        return btq_value_new_u64(c->doc, (uint64_t)d);
    }
    if (!cJSON_IsString(j)) return fail(c, rc, BTQ_EJSON, "expected an integer", NULL);
    const char *s = j->valuestring;
    int neg = *s == '-';
    if (neg) s++;
    btq_u256 m;
    size_t n = strlen(s);
    if (n == 0 || n > 78 || strspn(s, "0123456789") != n || btq_u256_from_dec(s, n, &m) != 0)
        return fail(c, rc, BTQ_ENUMBER, "not a decimal integer", j->valuestring);
    if (!neg && !m.limb[1] && !m.limb[2] && !m.limb[3]) return btq_value_new_u64(c->doc, m.limb[0]);
    if (neg && !m.limb[1] && !m.limb[2] && !m.limb[3] && m.limb[0] <= (1ull << 63)) {
        if (m.limb[0] == (1ull << 63)) return btq_value_new_i64(c->doc, INT64_MIN);
        return btq_value_new_i64(c->doc, -(int64_t)m.limb[0]);
    }
    uint8_t le[32];
    if (neg) { /* two's complement of the magnitude; its top bit must end up set */
        if (m.limb[3] >> 63) return fail(c, rc, BTQ_EOVERFLOW, "integer too large", j->valuestring);
        uint64_t carry = 1;
        for (int k = 0; k < 4; k++) {
            uint64_t nv = ~m.limb[k] + carry;
            carry = carry && nv == 0;
            m.limb[k] = nv;
        }
    }
    for (size_t i = 0; i < 32; i++)
        le[i] = (uint8_t)(m.limb[i / 8] >> (8 * (i % 8)));
    return btq_value_new_big(c->doc, le, 32, neg);
}

/* "0x…" hex, or an array of numbers 0..255, as bytes (expect: exact length or SIZE_MAX). */
static btq_value *bytes(jin *c, const cJSON *j, size_t expect, int *rc)
{
    if (cJSON_IsString(j)) {
        const char *s = j->valuestring;
        size_t n = strlen(s);
        if (n < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
            return fail(c, rc, BTQ_EHEX, "bytes must be \"0x\" hex", s);
        size_t cap = (n - 2) / 2 + 1, got = 0;
        uint8_t *buf = btq_malloc(cap);
        if (!buf) return oom(c, rc);
        int hrc = btq_hex_decode(s, n, buf, cap, &got);
        btq_value *v = NULL;
        if (hrc)
            fail(c, rc, BTQ_EHEX, "invalid hex", s);
        else if (expect != SIZE_MAX && got != expect)
            fail(c, rc, BTQ_EJSON, "wrong number of bytes", s);
        else if (!(v = btq_value_new_bytes(c->doc, buf, got)))
            oom(c, rc);
        btq_free(buf);
        return v;
    }
    return NULL; /* not a string: the caller treats it as an array of elements */
}

static btq_value *elements(jin *c, uint32_t elem, const cJSON *j, btq_value_kind kind,
                           size_t expect, int depth, int *rc)
{
    if (!cJSON_IsArray(j)) return fail(c, rc, BTQ_EJSON, "expected an array", NULL);
    size_t n = (size_t)cJSON_GetArraySize(j);
    if (expect != SIZE_MAX && n != expect)
        return fail(c, rc, BTQ_EJSON, "wrong number of elements", NULL);
    btq_value *v = btq_value_new_container(c->doc, kind, n);
    if (!v) return oom(c, rc);
    size_t i = 0;
    for (const cJSON *e = j->child; e; e = e->next, i++) {
        btq_value *x = build(c, elem, e, depth + 1, rc);
        if (!x || (*rc = btq_value_set(c->doc, v, i, NULL, x)) != 0) {
            if (x) oom(c, rc);
            btq__value_path_prepend(c->err, NULL, (uint32_t)i);
            return NULL;
        }
    }
    return v;
}

/* Fields of a composite or variant. */
static btq_value *fields(jin *c, btq_value *v, const btq_field *f, uint32_t n, const cJSON *j,
                         int depth, int *rc)
{
    if (n == 0) {
        if (!cJSON_IsNull(j) && !((cJSON_IsArray(j) || cJSON_IsObject(j)) && !j->child))
            return fail(c, rc, BTQ_EJSON, "expected no fields (null, [] or {})", NULL);
        return v;
    }
    int named = f[0].name != NULL;
    if (named) {
        if (!cJSON_IsObject(j)) return fail(c, rc, BTQ_EJSON, "expected an object", NULL);
        if ((uint32_t)cJSON_GetArraySize(j) != n) {
            for (const cJSON *k = j->child; k; k = k->next) {
                uint32_t i = 0;
                while (i < n && strcmp(f[i].name, k->string) != 0)
                    i++;
                if (i == n) return fail(c, rc, BTQ_EJSON, "unknown field", k->string);
            }
        }
    } else if (n > 1 && !cJSON_IsArray(j)) {
        return fail(c, rc, BTQ_EJSON, "expected an array of fields", NULL);
    } else if (n > 1 && (uint32_t)cJSON_GetArraySize(j) != n) {
        return fail(c, rc, BTQ_EJSON, "wrong number of fields", NULL);
    }
    const cJSON *item = n > 1 && !named ? j->child : NULL;
    for (uint32_t i = 0; i < n; i++) {
        const cJSON *x;
        if (named) {
            x = cJSON_GetObjectItemCaseSensitive(j, f[i].name);
            if (!x) {
                fail(c, rc, BTQ_ENOTFOUND, "missing field", f[i].name);
                btq__value_path_prepend(c->err, f[i].name, i);
                return NULL;
            }
        } else if (n == 1) {
            x = j; /* a single unnamed field is given as the inner value */
        } else {
            x = item;
            item = item->next;
        }
        btq_value *cv = build(c, f[i].type, x, depth + 1, rc);
        if (!cv || btq_value_set(c->doc, v, i, f[i].name, cv) != 0) {
            if (cv) oom(c, rc);
            btq__value_path_prepend(c->err, f[i].name, i);
            return NULL;
        }
    }
    return v;
}

static btq_value *variant(jin *c, uint32_t id, const btq_type *t, const cJSON *j, int depth,
                          int *rc)
{
    const btq_variant *var;
    const cJSON *body = NULL;
    int is_option = t->path && strcmp(t->path, "Option") == 0;
    if (is_option && (cJSON_IsNull(j) || !btq_type_variant_by_name(t, "Some"))) {
        var = btq_type_variant_by_name(t, "None");
        if (!var || !cJSON_IsNull(j)) return fail(c, rc, BTQ_EJSON, "bad Option", NULL);
    } else if (is_option) {
        var = btq_type_variant_by_name(t, "Some");
        body = j;
    } else if (cJSON_IsString(j)) {
        var = btq_type_variant_by_name(t, j->valuestring);
        if (!var) return fail(c, rc, BTQ_ENOTFOUND, "no such variant", j->valuestring);
        if (var->nfields) return fail(c, rc, BTQ_EJSON, "variant needs fields", var->name);
    } else if (cJSON_IsObject(j) && j->child && !j->child->next) {
        var = btq_type_variant_by_name(t, j->child->string);
        if (!var) return fail(c, rc, BTQ_ENOTFOUND, "no such variant", j->child->string);
        body = j->child;
    } else {
        return fail(c, rc, BTQ_EJSON, "expected \"Name\" or {\"Name\": …}", NULL);
    }
    btq_value *v = typed(c, btq_value_new_variant(c->doc, var->name, var->nfields), id, rc);
    if (!v) return NULL;
    if (!body) return v;
    if (!fields(c, v, var->fields, var->nfields, body, depth, rc)) {
        btq__value_path_prepend(c->err, var->name, 0);
        return NULL;
    }
    return v;
}

static btq_value *bits(jin *c, const cJSON *j, int *rc)
{
    size_t n = cJSON_IsString(j)  ? strlen(j->valuestring)
               : cJSON_IsArray(j) ? (size_t)cJSON_GetArraySize(j)
                                  : SIZE_MAX;
    if (n == SIZE_MAX) return fail(c, rc, BTQ_EJSON, "expected \"0101\" or [true, …]", NULL);
    bool *b = btq_malloc(n ? n : 1);
    if (!b) return oom(c, rc);
    const cJSON *e = cJSON_IsArray(j) ? j->child : NULL;
    for (size_t i = 0; i < n; i++) {
        int ok;
        if (e) {
            ok = cJSON_IsBool(e);
            b[i] = cJSON_IsTrue(e);
            e = e->next;
        } else {
            char ch = j->valuestring[i];
            ok = ch == '0' || ch == '1';
            b[i] = ch == '1';
        }
        if (!ok) {
            btq_free(b);
            return fail(c, rc, BTQ_EJSON, "bits must be 0/1 or booleans", NULL);
        }
    }
    btq_value *v = btq_value_new_bits(c->doc, b, n);
    btq_free(b);
    return v ? v : oom(c, rc);
}

static int is_u8(const btq_registry *reg, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    return t && t->kind == BTQ_TYPE_PRIMITIVE && t->u.primitive == BTQ_PRIM_U8;
}

/* People write accounts as SS58 addresses: decode to the 32 bytes and build the account from
 * their hex form, so the one composite path below handles both spellings. */
static btq_value *account_from_ss58(jin *c, uint32_t id, const cJSON *j, int depth, int *rc)
{
    const char *s = j->valuestring;
    uint8_t raw[33];
    size_t n = 0;
    btq_error e;
    btq_error_clear(&e);
    int src = btq_ss58_decode(s, strlen(s), c->ss58_prefix, NULL, raw, sizeof raw, &n, &e);
    if (src) return fail(c, rc, src, "invalid SS58 address", e.message[0] ? e.message : s);
    if (n != 32) return fail(c, rc, BTQ_ESS58LEN, "not a 32-byte account", s);
    char hex[2 * 32 + 3];
    btq_hex_encode(raw, 32, 1, hex, sizeof hex);
    btq__json_init();
    cJSON *tmp = cJSON_CreateString(hex);
    if (!tmp) return oom(c, rc);
    btq_value *v = build(c, id, tmp, depth, rc);
    cJSON_Delete(tmp);
    return v;
}

static btq_value *build(jin *c, uint32_t id, const cJSON *j, int depth, int *rc)
{
    const btq_type *t = btq_registry_type(c->reg, id);
    if (!t) return fail(c, rc, BTQ_ETYPEID, "type id out of range", NULL);
    if (depth > BTQ_VALUE_MAX_DEPTH) return fail(c, rc, BTQ_EDEPTH, "nesting too deep", NULL);
    if (cJSON_IsString(j) && strcmp(t->path, "sp_core::crypto::AccountId32") == 0 &&
        !(j->valuestring[0] == '0' && (j->valuestring[1] == 'x' || j->valuestring[1] == 'X')))
        return account_from_ss58(c, id, j, depth, rc);
    btq_value *v = NULL;
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE:
        switch (t->u.primitive) {
        case BTQ_PRIM_BOOL:
            if (!cJSON_IsBool(j)) return fail(c, rc, BTQ_EJSON, "expected true or false", NULL);
            v = btq_value_new_bool(c->doc, cJSON_IsTrue(j));
            break;
        case BTQ_PRIM_STR:
        case BTQ_PRIM_CHAR: {
            if (!cJSON_IsString(j)) return fail(c, rc, BTQ_EJSON, "expected a string", NULL);
            const char *s = j->valuestring;
            size_t n = strlen(s);
            if (!btq_utf8_valid(s, n)) return fail(c, rc, BTQ_EUTF8, "invalid UTF-8", NULL);
            if (t->u.primitive == BTQ_PRIM_STR) {
                v = btq_value_new_str(c->doc, s, n);
                break;
            }
            /* one code point */
            const unsigned char *u = (const unsigned char *)s;
            size_t w = u[0] < 0x80 ? 1 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3 : 4;
            if (n == 0 || n != w) return fail(c, rc, BTQ_EJSON, "expected one character", s);
            uint32_t cp = w == 1 ? u[0] : (uint32_t)(u[0] & (0xFF >> (w + 1)));
            for (size_t i = 1; i < w; i++)
                cp = (cp << 6) | (u[i] & 0x3F);
            v = btq_value_new_char(c->doc, cp);
            break;
        }
        default:
            if (!(v = integer(c, j, rc))) return *rc ? NULL : oom(c, rc);
        }
        break;
    case BTQ_TYPE_COMPACT: {
        const btq_type *in = btq_registry_type(c->reg, t->u.compact.inner);
        if (in && ((in->kind == BTQ_TYPE_TUPLE && in->u.tuple.nelems == 0) ||
                   (in->kind == BTQ_TYPE_COMPOSITE && in->u.composite.nfields == 0))) {
            v = btq_value_new_container(c->doc, BTQ_VALUE_TUPLE, 0); /* Compact<()> */
            break;
        }
        if (!(v = integer(c, j, rc))) return *rc ? NULL : oom(c, rc);
        break;
    }
    case BTQ_TYPE_COMPOSITE:
        v = typed(c, btq_value_new_container(c->doc, BTQ_VALUE_COMPOSITE, t->u.composite.nfields),
                  id, rc);
        if (!v) return NULL;
        return fields(c, v, t->u.composite.fields, t->u.composite.nfields, j, depth, rc);
    case BTQ_TYPE_VARIANT:
        return variant(c, id, t, j, depth, rc);
    case BTQ_TYPE_SEQUENCE:
        if (is_u8(c->reg, t->u.sequence.elem) && cJSON_IsString(j)) {
            if (!(v = bytes(c, j, SIZE_MAX, rc))) return NULL;
            break;
        }
        v = elements(c, t->u.sequence.elem, j, BTQ_VALUE_SEQUENCE, SIZE_MAX, depth, rc);
        if (!v) return NULL;
        break;
    case BTQ_TYPE_ARRAY:
        if (is_u8(c->reg, t->u.array.elem) && cJSON_IsString(j)) {
            if (!(v = bytes(c, j, t->u.array.len, rc))) return NULL;
            break;
        }
        v = elements(c, t->u.array.elem, j, BTQ_VALUE_ARRAY, t->u.array.len, depth, rc);
        if (!v) return NULL;
        break;
    case BTQ_TYPE_TUPLE: {
        uint32_t n = t->u.tuple.nelems;
        if (n == 0 && cJSON_IsNull(j)) {
            v = btq_value_new_container(c->doc, BTQ_VALUE_TUPLE, 0);
            break;
        }
        if (!cJSON_IsArray(j) || (uint32_t)cJSON_GetArraySize(j) != n)
            return fail(c, rc, BTQ_EJSON, "expected an array of the tuple's length", NULL);
        v = btq_value_new_container(c->doc, BTQ_VALUE_TUPLE, n);
        if (!v) return oom(c, rc);
        const cJSON *e = j->child;
        for (uint32_t i = 0; i < n; i++, e = e->next) {
            btq_value *x = build(c, t->u.tuple.elems[i], e, depth + 1, rc);
            if (!x || btq_value_set(c->doc, v, i, NULL, x) != 0) {
                if (x) oom(c, rc);
                btq__value_path_prepend(c->err, NULL, i);
                return NULL;
            }
        }
        break;
    }
    case BTQ_TYPE_BITSEQ:
        if (!(v = bits(c, j, rc))) return NULL;
        break;
    }
    return typed(c, v, id, rc);
}

/* cJSON's own nesting limit is 1000; ours is tighter (DESIGN.md §3). */
static int json_depth_ok(const cJSON *j, int depth)
{
    if (depth > BTQ_VALUE_JSON_MAX_DEPTH) return 0;
    for (const cJSON *c = j->child; c; c = c->next)
        if ((cJSON_IsArray(c) || cJSON_IsObject(c)) && !json_depth_ok(c, depth + 1)) return 0;
    return 1;
}

static int from_json(const btq_registry *reg, uint32_t type_id, const char *json, size_t len,
                     int32_t ss58_prefix, btq_value_doc *doc, const btq_value **out, btq_error *err)
{
    if (err) err->path[0] = '\0';
    if (!reg || !json || !doc || !out) return btq__error_set(err, BTQ_EINVAL, 0, "bad args");
    const char *end = NULL;
    int prc = 0;
    cJSON *j = btq__json_parse(json, len, &end, &prc);
    if (prc == BTQ_ENOMEM) return btq__error_set(err, BTQ_ENOMEM, 0, "out of memory");
    if (!j) {
        size_t at = end && end >= json ? (size_t)(end - json) : 0;
        return btq__error_set(err, BTQ_EJSON, at, "invalid JSON near byte %zu", at);
    }
    /* only whitespace may follow the value */
    for (const char *p = end; p && p < json + len; p++)
        if (!strchr(" \t\r\n", *p) || *p == '\0') {
            cJSON_Delete(j);
            return btq__error_set(err, BTQ_EJSON, (size_t)(p - json),
                                  "text after the JSON value at byte %zu", (size_t)(p - json));
        }
    if (!json_depth_ok(j, 1)) {
        cJSON_Delete(j);
        return btq__error_set(err, BTQ_EDEPTH, 0, "JSON nested deeper than %d",
                              BTQ_VALUE_JSON_MAX_DEPTH);
    }
    jin c = {reg, doc, err, ss58_prefix};
    int rc = 0;
    btq_value *v = build(&c, type_id, j, 1, &rc);
    cJSON_Delete(j);
    if (!v) return rc ? rc : btq__error_set(err, BTQ_ENOMEM, 0, "out of memory");
    *out = v;
    return 0;
}

int btq_value_from_json(const btq_registry *reg, uint32_t type_id, const char *json, size_t len,
                        btq_value_doc *doc, const btq_value **out, btq_error *err)
{
    return from_json(reg, type_id, json, len, -1, doc, out, err);
}

int btq_value_encode_json(const btq_registry *reg, uint32_t type_id, const char *json, size_t len,
                          btq_writer *w, btq_error *err)
{
    return btq_value_encode_json_ss58(reg, type_id, json, len, -1, w, err);
}

int btq_value_encode_json_ss58(const btq_registry *reg, uint32_t type_id, const char *json,
                               size_t len, int32_t ss58_prefix, btq_writer *w, btq_error *err)
{
    btq_value_doc *doc = btq_value_doc_new();
    if (!doc) return btq__error_set(err, BTQ_ENOMEM, 0, "out of memory");
    const btq_value *v = NULL;
    int rc = from_json(reg, type_id, json, len, ss58_prefix, doc, &v, err);
    if (!rc) rc = btq_value_encode(reg, type_id, v, w, err);
    btq_value_doc_free(doc);
    return rc;
}
