/* Leaf flattening of btq's canonical JSON, driven by the type registry (see conformance_util.h
 * for the leaf model). Written from DESIGN.md §4 alone, independently of btq's printer, so it
 * also checks the printer's shape: a JSON value of the wrong shape for its type is an error
 * that names the path. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"
#include "conformance_util.h"

/* 2^53: integers at or above (in magnitude) are decimal strings, below are JSON numbers. */
#define TWO_POW_53 9007199254740992.0

void conformance_leaves_init(conformance_leaves *l)
{
    l->v = NULL;
    l->n = l->cap = 0;
}

void conformance_leaves_free(conformance_leaves *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].value);
        free(l->v[i].path);
    }
    free(l->v);
    conformance_leaves_init(l);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) abort();
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void conformance_leaves_push(conformance_leaves *l, const char *kind, const char *value,
                             size_t value_len, const char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v) abort();
    }
    l->v[l->n].kind = kind;
    l->v[l->n].value = dup_n(value, value_len);
    l->v[l->n].path = dup_n(path ? path : "", path ? strlen(path) : 0);
    l->n++;
}

typedef struct fctx {
    const btq_registry *reg;
    conformance_leaves *out;
    char *msg;
    size_t cap;
    char path[1024];
    size_t plen;
} fctx;

static int fail(fctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(fctx *c, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (c->msg && c->cap) snprintf(c->msg, c->cap, "at '%s': %s", c->path, tmp);
    return -1;
}

/* Path segments: push returns the previous length for pop. */
static size_t push_seg(fctx *c, const char *name, size_t index)
{
    size_t old = c->plen;
    int n;
    if (name)
        n = snprintf(c->path + c->plen, sizeof c->path - c->plen, "%s%s", c->plen ? "." : "", name);
    else
        n = snprintf(c->path + c->plen, sizeof c->path - c->plen, "%s%zu", c->plen ? "." : "",
                     index);
    if (n > 0 && (size_t)n < sizeof c->path - c->plen) c->plen += (size_t)n;
    return old;
}

static void pop_seg(fctx *c, size_t old)
{
    c->plen = old;
    c->path[old] = '\0';
}

static void leaf(fctx *c, const char *kind, const char *value, size_t n)
{
    conformance_leaves_push(c->out, kind, value, n, c->path);
}

static int is_u8(const btq_registry *reg, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    return t && t->kind == BTQ_TYPE_PRIMITIVE && t->u.primitive == BTQ_PRIM_U8;
}

static int is_signed_prim(btq_prim p)
{
    return p == BTQ_PRIM_I8 || p == BTQ_PRIM_I16 || p == BTQ_PRIM_I32 || p == BTQ_PRIM_I64 ||
           p == BTQ_PRIM_I128 || p == BTQ_PRIM_I256;
}

/* An integer leaf: a JSON number below 2^53 in magnitude, else a canonical decimal string. */
static int int_leaf(fctx *c, const cJSON *j, int allow_negative)
{
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d != floor(d)) return fail(c, "integer expected, got %g", d);
        if (fabs(d) >= TWO_POW_53)
            return fail(c, "integer %.0f >= 2^53 must be a decimal string (DESIGN §4)", d);
        if (d < 0 && !allow_negative) return fail(c, "negative value for an unsigned type");
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%.0f", d == 0 ? 0.0 : d);
        leaf(c, "int", buf, (size_t)n);
        return 0;
    }
    if (cJSON_IsString(j)) {
        const char *s = j->valuestring;
        size_t n = strlen(s);
        const char *digits = s;
        if (allow_negative && s[0] == '-') digits++;
        size_t nd = strlen(digits);
        if (nd == 0) return fail(c, "empty integer string");
        for (size_t i = 0; i < nd; i++)
            if (digits[i] < '0' || digits[i] > '9')
                return fail(c, "not a decimal integer: \"%s\"", s);
        if (nd > 1 && digits[0] == '0') return fail(c, "leading zero in \"%s\"", s);
        /* below 2^53 must have been a number */
        if (nd < 16 || (nd == 16 && strcmp(digits, "9007199254740992") < 0))
            return fail(c, "integer \"%s\" < 2^53 must be a JSON number (DESIGN §4)", s);
        leaf(c, "int", s, n);
        return 0;
    }
    return fail(c, "integer expected (number or decimal string)");
}

static int flat(fctx *c, uint32_t id, const cJSON *j, int depth);

static int bytes_leaf(fctx *c, const cJSON *j, long expect_len)
{
    if (!cJSON_IsString(j)) return fail(c, "u8 sequence must be a \"0x…\" string");
    const char *s = j->valuestring;
    size_t n = strlen(s);
    if (n < 2 || s[0] != '0' || s[1] != 'x' || (n % 2) != 0)
        return fail(c, "u8 sequence must be \"0x\" + even hex, got \"%.40s\"", s);
    for (size_t i = 2; i < n; i++) {
        char ch = s[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
            return fail(c, "u8 sequence: not lowercase hex at %zu", i);
    }
    if (expect_len >= 0 && (long)((n - 2) / 2) != expect_len)
        return fail(c, "[u8; %ld] has %zu bytes", expect_len, (n - 2) / 2);
    leaf(c, "bytes", s, n);
    return 0;
}

/* The fields of a composite or of a variant: one unnamed → the value itself; all named →
 * object in declared order; otherwise (several unnamed) → array; none → nothing expected. */
static int fields(fctx *c, uint32_t nfields, const btq_field *f, const cJSON *j, int depth)
{
    if (nfields == 0) {
        /* §4 names no form for an empty composite; accept the empty array / object / null */
        if ((cJSON_IsArray(j) || cJSON_IsObject(j)) && cJSON_GetArraySize(j) == 0) return 0;
        if (cJSON_IsNull(j)) return 0;
        return fail(c, "empty composite must be [] or {}");
    }
    if (nfields == 1 && !f[0].name) return flat(c, f[0].type, j, depth + 1);
    int named = f[0].name != NULL;
    for (uint32_t i = 1; i < nfields; i++)
        if ((f[i].name != NULL) != named) return fail(c, "mixed named/unnamed fields");
    if (named) {
        if (!cJSON_IsObject(j)) return fail(c, "named composite must be an object");
        if ((uint32_t)cJSON_GetArraySize(j) != nfields)
            return fail(c, "object has %d keys, type has %u fields", cJSON_GetArraySize(j),
                        nfields);
        const cJSON *e = j->child;
        for (uint32_t i = 0; i < nfields; i++, e = e->next) {
            if (!e->string || strcmp(e->string, f[i].name) != 0)
                return fail(c, "key %u is \"%s\", declared field is \"%s\"", i,
                            e->string ? e->string : "", f[i].name);
            size_t old = push_seg(c, f[i].name, 0);
            int rc = flat(c, f[i].type, e, depth + 1);
            pop_seg(c, old);
            if (rc) return rc;
        }
        return 0;
    }
    if (!cJSON_IsArray(j)) return fail(c, "unnamed composite must be an array");
    if ((uint32_t)cJSON_GetArraySize(j) != nfields)
        return fail(c, "array has %d items, type has %u fields", cJSON_GetArraySize(j), nfields);
    const cJSON *e = j->child;
    for (uint32_t i = 0; i < nfields; i++, e = e->next) {
        size_t old = push_seg(c, NULL, i);
        int rc = flat(c, f[i].type, e, depth + 1);
        pop_seg(c, old);
        if (rc) return rc;
    }
    return 0;
}

static int is_option_type(const btq_type *t)
{
    if (t->kind != BTQ_TYPE_VARIANT || !t->path || strcmp(t->path, "Option") != 0) return 0;
    if (t->u.variant.nvariants != 2) return 0;
    const btq_variant *none = btq_type_variant_by_name(t, "None");
    const btq_variant *some = btq_type_variant_by_name(t, "Some");
    return none && some && none->nfields == 0 && some->nfields == 1;
}

/* polkadot-js quirk: it aliases primitive_types::U128 / U256 / U512 (scale-info: a composite
 * with one field [u64; N], little-endian limbs) to its own big unsigned integer, so its leaf is
 * ONE integer where btq's JSON (faithful to the registry) has N limbs. Normalise: fold the limbs
 * into one decimal integer leaf. Returns 1 when handled, 0 when t is not such a type, -1 on a
 * shape error. */
static int uint_limbs_leaf(fctx *c, const btq_type *t, const cJSON *j)
{
    if (t->kind != BTQ_TYPE_COMPOSITE || !t->path || t->u.composite.nfields != 1) return 0;
    if (strcmp(t->path, "primitive_types::U128") != 0 &&
        strcmp(t->path, "primitive_types::U256") != 0)
        return 0;
    const btq_type *arr = btq_registry_type(c->reg, t->u.composite.fields[0].type);
    if (!arr || arr->kind != BTQ_TYPE_ARRAY || arr->u.array.len > 4) return 0;
    const btq_type *limb = btq_registry_type(c->reg, arr->u.array.elem);
    if (!limb || limb->kind != BTQ_TYPE_PRIMITIVE || limb->u.primitive != BTQ_PRIM_U64) return 0;
    if (!cJSON_IsArray(j) || (uint32_t)cJSON_GetArraySize(j) != arr->u.array.len)
        return fail(c, "%s: array of %u u64 limbs expected", t->path, arr->u.array.len);
    /* check each limb is a canonical integer leaf, then fold */
    conformance_leaves limbs;
    conformance_leaves_init(&limbs);
    conformance_leaves *saved = c->out;
    c->out = &limbs;
    int rc = 0;
    for (const cJSON *e = j->child; e && rc == 0; e = e->next)
        rc = int_leaf(c, e, 0);
    c->out = saved;
    if (rc) {
        conformance_leaves_free(&limbs);
        return -1;
    }
    btq_u256 v;
    memset(&v, 0, sizeof v);
    for (size_t i = 0; i < limbs.n; i++)
        v.limb[i] = strtoull(limbs.v[i].value, NULL, 10);
    conformance_leaves_free(&limbs);
    char buf[96];
    int n = btq_u256_to_dec(&v, buf, sizeof buf);
    if (n < 0) return fail(c, "u256 to decimal failed");
    leaf(c, "int", buf, strlen(buf));
    return 1;
}

static int flat(fctx *c, uint32_t id, const cJSON *j, int depth)
{
    if (depth > 2 * BTQ_VALUE_MAX_DEPTH) return fail(c, "too deep");
    const btq_type *t = btq_registry_type(c->reg, id);
    if (!t) return fail(c, "type id %u out of range", id);
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE:
        switch (t->u.primitive) {
        case BTQ_PRIM_BOOL:
            if (!cJSON_IsBool(j)) return fail(c, "bool expected");
            leaf(c, "bool", cJSON_IsTrue(j) ? "true" : "false", cJSON_IsTrue(j) ? 4 : 5);
            return 0;
        case BTQ_PRIM_CHAR:
        case BTQ_PRIM_STR:
            if (!cJSON_IsString(j)) return fail(c, "string expected");
            leaf(c, "str", j->valuestring, strlen(j->valuestring));
            return 0;
        default:
            return int_leaf(c, j, is_signed_prim(t->u.primitive));
        }
    case BTQ_TYPE_COMPACT:
        return int_leaf(c, j, 0);
    case BTQ_TYPE_BITSEQ: {
        if (!cJSON_IsString(j)) return fail(c, "bit sequence must be a string of 0/1");
        for (const char *p = j->valuestring; *p; p++)
            if (*p != '0' && *p != '1') return fail(c, "bit sequence: '%c'", *p);
        leaf(c, "bits", j->valuestring, strlen(j->valuestring));
        return 0;
    }
    case BTQ_TYPE_SEQUENCE:
    case BTQ_TYPE_ARRAY: {
        uint32_t elem = t->kind == BTQ_TYPE_SEQUENCE ? t->u.sequence.elem : t->u.array.elem;
        if (is_u8(c->reg, elem))
            return bytes_leaf(c, j, t->kind == BTQ_TYPE_ARRAY ? (long)t->u.array.len : -1);
        if (!cJSON_IsArray(j)) return fail(c, "sequence/array must be a JSON array");
        if (t->kind == BTQ_TYPE_ARRAY && (uint32_t)cJSON_GetArraySize(j) != t->u.array.len)
            return fail(c, "array of %u has %d items", t->u.array.len, cJSON_GetArraySize(j));
        size_t i = 0;
        for (const cJSON *e = j->child; e; e = e->next, i++) {
            size_t old = push_seg(c, NULL, i);
            int rc = flat(c, elem, e, depth + 1);
            pop_seg(c, old);
            if (rc) return rc;
        }
        return 0;
    }
    case BTQ_TYPE_TUPLE: {
        if (!cJSON_IsArray(j)) return fail(c, "tuple must be a JSON array");
        if ((uint32_t)cJSON_GetArraySize(j) != t->u.tuple.nelems)
            return fail(c, "tuple of %u has %d items", t->u.tuple.nelems, cJSON_GetArraySize(j));
        const cJSON *e = j->child;
        for (uint32_t i = 0; i < t->u.tuple.nelems; i++, e = e->next) {
            size_t old = push_seg(c, NULL, i);
            int rc = flat(c, t->u.tuple.elems[i], e, depth + 1);
            pop_seg(c, old);
            if (rc) return rc;
        }
        return 0;
    }
    case BTQ_TYPE_COMPOSITE: {
        int h = uint_limbs_leaf(c, t, j);
        if (h) return h < 0 ? -1 : 0;
        return fields(c, t->u.composite.nfields, t->u.composite.fields, j, depth);
    }
    case BTQ_TYPE_VARIANT: {
        if (is_option_type(t)) {
            if (cJSON_IsNull(j)) {
                leaf(c, "null", "null", 4);
                return 0;
            }
            const btq_variant *some = btq_type_variant_by_name(t, "Some");
            return flat(c, some->fields[0].type, j, depth + 1);
        }
        const btq_variant *v = NULL;
        const cJSON *inner = NULL;
        if (cJSON_IsString(j)) {
            v = btq_type_variant_by_name(t, j->valuestring);
            if (!v) return fail(c, "no variant \"%s\" in %s", j->valuestring, t->path);
            if (v->nfields != 0)
                return fail(c, "variant \"%s\" has fields but is printed bare", v->name);
        } else if (cJSON_IsObject(j) && cJSON_GetArraySize(j) == 1) {
            v = btq_type_variant_by_name(t, j->child->string);
            if (!v) return fail(c, "no variant \"%s\" in %s", j->child->string, t->path);
            if (v->nfields == 0)
                return fail(c, "variant \"%s\" has no fields: must be \"Name\"", v->name);
            inner = j->child;
        } else {
            return fail(c, "variant must be \"Name\" or {\"Name\": fields}");
        }
        leaf(c, "variant", v->name, strlen(v->name));
        if (!inner) return 0;
        size_t old = push_seg(c, v->name, 0);
        int rc = fields(c, v->nfields, v->fields, inner, depth);
        pop_seg(c, old);
        return rc;
    }
    }
    return fail(c, "unknown type kind %d", (int)t->kind);
}

int conformance_flatten_json(const btq_registry *reg, uint32_t type_id, const cJSON *json,
                             conformance_leaves *out, char *msg, size_t cap)
{
    fctx c;
    memset(&c, 0, sizeof c);
    c.reg = reg;
    c.out = out;
    c.msg = msg;
    c.cap = cap;
    return flat(&c, type_id, json, 1);
}

int conformance_leaves_from_oracle(const cJSON *arr, conformance_leaves *out, char *msg, size_t cap)
{
    static const char *const kinds[] = {"int", "bool", "str", "bytes", "null", "variant", "bits"};
    if (!cJSON_IsArray(arr)) {
        snprintf(msg, cap, "oracle leaves: not an array");
        return -1;
    }
    for (const cJSON *e = arr->child; e; e = e->next) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "kind");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
        if (!cJSON_IsString(k) || !cJSON_IsString(v)) {
            snprintf(msg, cap, "oracle leaf without kind/value");
            return -1;
        }
        const char *kind = NULL;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (strcmp(k->valuestring, kinds[i]) == 0) kind = kinds[i];
        if (!kind) {
            snprintf(msg, cap, "oracle leaf of unknown kind \"%s\"", k->valuestring);
            return -1;
        }
        conformance_leaves_push(out, kind, v->valuestring, strlen(v->valuestring), NULL);
    }
    return 0;
}

int conformance_leaves_compare(const conformance_leaves *b, const conformance_leaves *o, char *msg,
                               size_t cap)
{
    size_t n = b->n < o->n ? b->n : o->n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(b->v[i].kind, o->v[i].kind) != 0 || strcmp(b->v[i].value, o->v[i].value) != 0) {
            snprintf(msg, cap,
                     "leaf %zu (btq path '%s'): btq %s \"%.200s\" vs polkadot-js %s \"%.200s\"", i,
                     b->v[i].path, b->v[i].kind, b->v[i].value, o->v[i].kind, o->v[i].value);
            return -1;
        }
    }
    if (b->n != o->n) {
        snprintf(msg, cap, "btq has %zu leaves, polkadot-js %zu (first extra: %s \"%.100s\")", b->n,
                 o->n, b->n > o->n ? b->v[n].kind : o->v[n].kind,
                 b->n > o->n ? b->v[n].value : o->v[n].value);
        return -1;
    }
    return 0;
}
