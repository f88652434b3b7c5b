/* Value tree -> SCALE bytes for a type id. The registry drives the layout and the tree must
 * fit it; a decoded tree re-encodes to exactly the bytes it came from. */
#include <string.h>

#include "scale_internal.h"
#include "value_internal.h"

typedef struct ectx {
    const btq_registry *reg;
    btq_writer *w;
    btq_error *err;
} ectx;

static int enc(ectx *c, uint32_t id, const btq_value *v, uint32_t depth);

static const char *kind_name(const btq_value *v)
{
    static const char *const names[] = {
        "bool", "unsigned integer", "signed integer", "char",     "string", "bytes",
        "bits", "composite",        "variant",        "sequence", "array",  "tuple"};
    return v->kind < sizeof names / sizeof names[0] ? names[v->kind] : "?";
}

static int mismatch(ectx *c, const btq_value *v, const char *want)
{
    return btq__error_set(c->err, BTQ_ETYPE, c->w->len, "expected %s, got %s", want, kind_name(v));
}

/* Two's complement little-endian bytes of an integer node, range-checked for width bytes. */
static int int_bytes(ectx *c, const btq_value *v, size_t width, int is_signed, uint8_t le[32])
{
    btq_u256 x;
    int neg;
    if (btq__value_int(v, &x, &neg)) return mismatch(c, v, "an integer");
    for (size_t i = 0; i < 32; i++)
        le[i] = (uint8_t)(x.limb[i / 8] >> (8 * (i % 8)));
    uint8_t ext = neg ? 0xff : 0x00;
    int ok = !(neg && !is_signed);
    for (size_t i = width; i < 32 && ok; i++)
        ok = le[i] == ext;
    if (ok && is_signed) ok = ((le[width - 1] & 0x80) != 0) == (neg != 0);
    if (!ok)
        return btq__error_set(c->err, BTQ_EOVERFLOW, c->w->len, "integer does not fit %s%zu",
                              is_signed ? "i" : "u", width * 8);
    return 0;
}

static int enc_prim(ectx *c, btq_prim p, const btq_value *v)
{
    v = btq__value_unwrap(v);
    switch (p) {
    case BTQ_PRIM_BOOL:
        if (v->kind != BTQ_VALUE_BOOL) return mismatch(c, v, "bool");
        return btq_write_bool(c->w, v->a.u != 0);
    case BTQ_PRIM_CHAR:
        if (v->kind != BTQ_VALUE_CHAR) return mismatch(c, v, "char");
        return btq_write_char(c->w, (uint32_t)v->a.u);
    case BTQ_PRIM_STR:
        if (v->kind != BTQ_VALUE_STR) return mismatch(c, v, "string");
        return btq_write_str(c->w, (const char *)v->a.p, v->count);
    default:
        break;
    }
    size_t width;
    int sgn = 0;
    switch (p) {
    case BTQ_PRIM_U8:
        width = 1;
        break;
    case BTQ_PRIM_U16:
        width = 2;
        break;
    case BTQ_PRIM_U32:
        width = 4;
        break;
    case BTQ_PRIM_U64:
        width = 8;
        break;
    case BTQ_PRIM_U128:
        width = 16;
        break;
    case BTQ_PRIM_U256:
        width = 32;
        break;
    case BTQ_PRIM_I8:
        width = 1, sgn = 1;
        break;
    case BTQ_PRIM_I16:
        width = 2, sgn = 1;
        break;
    case BTQ_PRIM_I32:
        width = 4, sgn = 1;
        break;
    case BTQ_PRIM_I64:
        width = 8, sgn = 1;
        break;
    case BTQ_PRIM_I128:
        width = 16, sgn = 1;
        break;
    case BTQ_PRIM_I256:
        width = 32, sgn = 1;
        break;
    default:
        return btq__error_set(c->err, BTQ_ETYPEID, c->w->len, "unknown primitive");
    }
    uint8_t le[32];
    int rc = int_bytes(c, v, width, sgn, le);
    return rc ? rc : btq_write_raw(c->w, le, width);
}

static int enc_compact(ectx *c, const btq_type *t, const btq_value *v)
{
    size_t width;
    int rc = btq__compact_width(c->reg, t->u.compact.inner, &width);
    if (rc) return btq__error_set(c->err, rc, c->w->len, "unsupported compact inner type");
    if (width == 0) { /* Compact<()> */
        if (v->kind < BTQ_VALUE_COMPOSITE || v->count != 0) return mismatch(c, v, "()");
        return 0;
    }
    v = btq__value_unwrap(v);
    if (!(v->flags & BTQ_VF_BIG) && v->kind == BTQ_VALUE_UINT) {
        if (width < 8 && (v->a.u >> (8 * width)))
            return btq__error_set(c->err, BTQ_EOVERFLOW, c->w->len, "integer does not fit u%zu",
                                  width * 8);
        return btq_write_compact_u64(c->w, v->a.u);
    }
    uint8_t le[32];
    if ((rc = int_bytes(c, v, width, 0, le))) return rc;
    return btq_write_compact_big(c->w, le, width);
}

/* Fields of a composite or variant from a container node: by name when both sides are named,
 * else by position. */
static int enc_fields(ectx *c, const btq_field *fields, uint32_t n, const btq_value *v,
                      uint32_t depth)
{
    if (v->count != n)
        return btq__error_set(c->err, BTQ_ETYPE, c->w->len, "expected %u fields, got %zu", n,
                              v->count);
    for (uint32_t i = 0; i < n; i++) {
        const btq_value *child = &v->a.children[i];
        if (fields[i].name && child->name && strcmp(child->name, fields[i].name) != 0) {
            child = btq_value_field(v, fields[i].name);
            if (!child) {
                btq__error_set(c->err, BTQ_ENOTFOUND, c->w->len, "field missing");
                btq__value_path_prepend(c->err, fields[i].name, i);
                return BTQ_ENOTFOUND;
            }
        }
        int rc = enc(c, fields[i].type, child, depth + 1);
        if (rc) {
            btq__value_path_prepend(c->err, fields[i].name, i);
            return rc;
        }
    }
    return 0;
}

static int enc_elems(ectx *c, uint32_t elem, const btq_value *v, uint32_t depth)
{
    for (size_t i = 0; i < v->count; i++) {
        int rc = enc(c, elem, &v->a.children[i], depth + 1);
        if (rc) {
            btq__value_path_prepend(c->err, NULL, (uint32_t)i);
            return rc;
        }
    }
    return 0;
}

static int is_u8(const btq_registry *reg, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    return t && t->kind == BTQ_TYPE_PRIMITIVE && t->u.primitive == BTQ_PRIM_U8;
}

static int is_list(const btq_value *v)
{
    return v->kind == BTQ_VALUE_SEQUENCE || v->kind == BTQ_VALUE_ARRAY ||
           v->kind == BTQ_VALUE_TUPLE;
}

static int enc_bitseq(ectx *c, const btq_type *t, const btq_value *v)
{
    v = btq__value_unwrap(v);
    if (v->kind != BTQ_VALUE_BITSEQ) return mismatch(c, v, "bits");
    btq_bit_store store = t->u.bitseq.store;
    btq_bit_order order = t->u.bitseq.order;
    if (v->vindex == (uint8_t)store && v->aux == (uint8_t)order) {
        /* same layout: copy the words, byte for byte */
        size_t sb = (size_t)store, nbytes = (v->count + sb * 8 - 1) / (sb * 8) * sb;
        if (v->count > UINT32_MAX)
            return btq__error_set(c->err, BTQ_EOVERFLOW, c->w->len, "too many bits");
        btq_write_compact_u64(c->w, v->count);
        return btq_write_raw(c->w, v->a.p, nbytes);
    }
    bool *bits = btq_malloc(v->count ? v->count : 1);
    if (!bits) return btq__error_set(c->err, BTQ_ENOMEM, c->w->len, "out of memory");
    for (size_t i = 0; i < v->count; i++)
        btq_value_bit(v, i, &bits[i]);
    int rc = btq_write_bitseq(c->w, store, order, bits, v->count);
    btq_free(bits);
    return rc ? btq__error_set(c->err, rc, c->w->len, "bit sequence: %s", btq_strerror(rc)) : 0;
}

static int enc(ectx *c, uint32_t id, const btq_value *v, uint32_t depth)
{
    const btq_type *t = btq_registry_type(c->reg, id);
    if (!t) return btq__error_set(c->err, BTQ_ETYPEID, c->w->len, "type id %u out of range", id);
    if (!v) return btq__error_set(c->err, BTQ_EINVAL, c->w->len, "missing value");
    if (depth > BTQ_VALUE_MAX_DEPTH)
        return btq__error_set(c->err, BTQ_EDEPTH, c->w->len, "nesting deeper than %d",
                              BTQ_VALUE_MAX_DEPTH);
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE:
        return enc_prim(c, t->u.primitive, v);
    case BTQ_TYPE_COMPACT:
        return enc_compact(c, t, v);
    case BTQ_TYPE_COMPOSITE:
        if (v->kind == BTQ_VALUE_COMPOSITE || (is_list(v) && t->u.composite.nfields != 1))
            return enc_fields(c, t->u.composite.fields, t->u.composite.nfields, v, depth);
        /* a newtype given as its inner value */
        if (t->u.composite.nfields == 1) {
            int rc = enc(c, t->u.composite.fields[0].type, v, depth + 1);
            if (rc) btq__value_path_prepend(c->err, t->u.composite.fields[0].name, 0);
            return rc;
        }
        return mismatch(c, v, "composite");
    case BTQ_TYPE_VARIANT: {
        if (v->kind != BTQ_VALUE_VARIANT) return mismatch(c, v, "variant");
        const btq_variant *var = v->vname ? btq_type_variant_by_name(t, v->vname)
                                          : btq_type_variant_by_index(t, v->vindex);
        if (!var)
            return btq__error_set(c->err, BTQ_ENOTFOUND, c->w->len, "no variant '%s' in %s",
                                  v->vname ? v->vname : "?", t->path ? t->path : "enum");
        btq_write_u8(c->w, var->index);
        int rc = enc_fields(c, var->fields, var->nfields, v, depth);
        if (rc) btq__value_path_prepend(c->err, var->name, 0);
        return rc;
    }
    case BTQ_TYPE_SEQUENCE: {
        uint32_t elem = t->u.sequence.elem;
        const btq_value *u = btq__value_unwrap(v);
        if (u->kind == BTQ_VALUE_BYTES && is_u8(c->reg, elem))
            return btq_write_byte_vec(c->w, u->a.p, u->count);
        if (!is_list(v)) return mismatch(c, v, "sequence");
        btq_write_compact_u64(c->w, v->count);
        return enc_elems(c, elem, v, depth);
    }
    case BTQ_TYPE_ARRAY: {
        uint32_t elem = t->u.array.elem;
        const btq_value *u = btq__value_unwrap(v);
        int bytes = u->kind == BTQ_VALUE_BYTES && is_u8(c->reg, elem);
        if (!bytes && !is_list(v)) return mismatch(c, v, "array");
        if ((bytes ? u->count : v->count) != t->u.array.len)
            return btq__error_set(c->err, BTQ_ETYPE, c->w->len, "array needs %u elements, got %zu",
                                  t->u.array.len, bytes ? u->count : v->count);
        if (bytes) return btq_write_raw(c->w, u->a.p, u->count);
        return enc_elems(c, elem, v, depth);
    }
    case BTQ_TYPE_TUPLE: {
        if (!is_list(v) && v->kind != BTQ_VALUE_COMPOSITE) return mismatch(c, v, "tuple");
        if (v->count != t->u.tuple.nelems)
            return btq__error_set(c->err, BTQ_ETYPE, c->w->len, "tuple needs %u elements, got %zu",
                                  t->u.tuple.nelems, v->count);
        for (uint32_t i = 0; i < t->u.tuple.nelems; i++) {
            int rc = enc(c, t->u.tuple.elems[i], &v->a.children[i], depth + 1);
            if (rc) {
                btq__value_path_prepend(c->err, NULL, i);
                return rc;
            }
        }
        return 0;
    }
    case BTQ_TYPE_BITSEQ:
        return enc_bitseq(c, t, v);
    }
    return btq__error_set(c->err, BTQ_ETYPEID, c->w->len, "type %u has an unknown kind", id);
}

int btq_value_encode(const btq_registry *reg, uint32_t type_id, const btq_value *v, btq_writer *w,
                     btq_error *err)
{
    if (err) err->path[0] = '\0';
    if (!reg || !v || !w) return btq__error_set(err, BTQ_EINVAL, 0, "bad args");
    if (w->err) return w->err;
    ectx c = {reg, w, err};
    size_t start = w->len;
    int rc = enc(&c, type_id, v, 1);
    if (w->err && (!rc || rc == w->err)) /* a writer failure (ENOMEM, ENOSPACE) */
        rc = btq__error_set(err, w->err, w->len, "%s", btq_strerror(w->err));
    if (rc && !w->err) w->len = start; /* nothing half-written on a shape error */
    return rc;
}
