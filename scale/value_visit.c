/* The registry-driven SCALE decoder: walks a type and reports every node to a visitor.
 *
 * Recursion follows the type nesting, bounded by BTQ_VALUE_MAX_DEPTH. Element counts are
 * checked against the remaining input (count * smallest element size) before any callback
 * can allocate for them. The error path ("data.free") is built while the error unwinds, so a
 * successful decode pays nothing for it. */
#include <string.h>

#include "scale_internal.h"
#include "value_internal.h"

typedef struct vctx {
    const btq_registry *reg;
    const btq_visitor *vis;
    void *user;
    btq_reader r;
    btq_error *err;
} vctx;

static int visit(vctx *c, uint32_t id, const char *field, uint32_t index, uint32_t depth);

/* Smallest encoding of a type: the parser's min_size when set, else computed (hand-built
 * registries leave it 0). 0 means zero-sized, or unknown (bad id, too deep). */
size_t btq__value_min_size(const btq_registry *reg, uint32_t id, uint32_t depth)
{
    const btq_type *t = btq_registry_type(reg, id);
    if (!t || depth > BTQ_VALUE_MAX_DEPTH) return 0;
    if (t->min_size) return t->min_size;
    size_t sum = 0;
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE:
        switch (t->u.primitive) {
        case BTQ_PRIM_BOOL:
        case BTQ_PRIM_STR:
        case BTQ_PRIM_U8:
        case BTQ_PRIM_I8:
            return 1;
        case BTQ_PRIM_U16:
        case BTQ_PRIM_I16:
            return 2;
        case BTQ_PRIM_CHAR:
        case BTQ_PRIM_U32:
        case BTQ_PRIM_I32:
            return 4;
        case BTQ_PRIM_U64:
        case BTQ_PRIM_I64:
            return 8;
        case BTQ_PRIM_U128:
        case BTQ_PRIM_I128:
            return 16;
        default:
            return 32;
        }
    case BTQ_TYPE_COMPACT:
    case BTQ_TYPE_SEQUENCE:
    case BTQ_TYPE_BITSEQ:
    case BTQ_TYPE_VARIANT:
        return 1;
    case BTQ_TYPE_COMPOSITE:
        for (uint32_t i = 0; i < t->u.composite.nfields && sum < SIZE_MAX / 2; i++)
            sum += btq__value_min_size(reg, t->u.composite.fields[i].type, depth + 1);
        return sum;
    case BTQ_TYPE_TUPLE:
        for (uint32_t i = 0; i < t->u.tuple.nelems && sum < SIZE_MAX / 2; i++)
            sum += btq__value_min_size(reg, t->u.tuple.elems[i], depth + 1);
        return sum;
    case BTQ_TYPE_ARRAY: {
        size_t e = btq__value_min_size(reg, t->u.array.elem, depth + 1);
        if (e && t->u.array.len > SIZE_MAX / 2 / e) return SIZE_MAX / 2;
        return e * t->u.array.len;
    }
    }
    return 0;
}

static int fail(vctx *c, int code, size_t offset, const char *msg)
{
    return btq__error_set(c->err, code, offset, "%s", msg);
}

/* A callback's non-zero return stops the decode with that code. */
static int cb_fail(vctx *c, int rc, const btq_visit_info *info)
{
    if (rc > 0) rc = BTQ_EINTERNAL;
    return btq__error_set(c->err, rc, info->offset, "visitor stopped the decode (%s)",
                          btq_err_name(rc));
}

#define CALL(cb, ...)                                                                              \
    do {                                                                                           \
        if (c->vis->cb) {                                                                          \
            int cb_rc_ = c->vis->cb(c->user, __VA_ARGS__);                                         \
            if (cb_rc_) return cb_fail(c, cb_rc_, info);                                           \
        }                                                                                          \
    } while (0)

static int visit_prim(vctx *c, const btq_visit_info *info, btq_prim p)
{
    btq_reader *r = &c->r;
    int rc;
    switch (p) {
    case BTQ_PRIM_BOOL: {
        bool b;
        if ((rc = btq_read_bool(r, &b))) break;
        CALL(on_bool, info, b);
        return 0;
    }
    case BTQ_PRIM_CHAR: {
        uint32_t cp;
        if ((rc = btq_read_char(r, &cp))) break;
        CALL(on_char, info, cp);
        return 0;
    }
    case BTQ_PRIM_STR: {
        const char *s;
        size_t n;
        if ((rc = btq_read_str(r, &s, &n))) break;
        CALL(on_str, info, s, n);
        return 0;
    }
    case BTQ_PRIM_U8: {
        uint8_t v;
        if ((rc = btq_read_u8(r, &v))) break;
        CALL(on_u64, info, v);
        return 0;
    }
    case BTQ_PRIM_U16: {
        uint16_t v;
        if ((rc = btq_read_u16(r, &v))) break;
        CALL(on_u64, info, v);
        return 0;
    }
    case BTQ_PRIM_U32: {
        uint32_t v;
        if ((rc = btq_read_u32(r, &v))) break;
        CALL(on_u64, info, v);
        return 0;
    }
    case BTQ_PRIM_U64: {
        uint64_t v;
        if ((rc = btq_read_u64(r, &v))) break;
        CALL(on_u64, info, v);
        return 0;
    }
    case BTQ_PRIM_I8: {
        int8_t v;
        if ((rc = btq_read_i8(r, &v))) break;
        CALL(on_i64, info, v);
        return 0;
    }
    case BTQ_PRIM_I16: {
        int16_t v;
        if ((rc = btq_read_i16(r, &v))) break;
        CALL(on_i64, info, v);
        return 0;
    }
    case BTQ_PRIM_I32: {
        int32_t v;
        if ((rc = btq_read_i32(r, &v))) break;
        CALL(on_i64, info, v);
        return 0;
    }
    case BTQ_PRIM_I64: {
        int64_t v;
        if ((rc = btq_read_i64(r, &v))) break;
        CALL(on_i64, info, v);
        return 0;
    }
    case BTQ_PRIM_U128:
    case BTQ_PRIM_I128:
    case BTQ_PRIM_U256:
    case BTQ_PRIM_I256: {
        size_t n = (p == BTQ_PRIM_U128 || p == BTQ_PRIM_I128) ? 16 : 32;
        const uint8_t *le;
        if ((rc = btq_read_bytes(r, n, &le))) break;
        CALL(on_big, info, le, n, p == BTQ_PRIM_I128 || p == BTQ_PRIM_I256);
        return 0;
    }
    default:
        return fail(c, BTQ_ETYPEID, info->offset, "unknown primitive in the registry");
    }
    static const char *const names[] = {"bool", "char", "str", "u8",  "u16", "u32",  "u64", "u128",
                                        "u256", "i8",   "i16", "i32", "i64", "i128", "i256"};
    return btq__error_set(c->err, rc, r->pos, "%s: %s", names[p], btq_strerror(rc));
}

/* The primitive a compact's inner type resolves to, through newtypes (Compact<Perbill>). */
int btq__compact_width(const btq_registry *reg, uint32_t id, size_t *width)
{
    for (int guard = 0; guard < BTQ_VALUE_MAX_DEPTH; guard++) {
        const btq_type *t = btq_registry_type(reg, id);
        if (!t) return BTQ_ETYPEID;
        if (t->kind == BTQ_TYPE_COMPOSITE && t->u.composite.nfields == 1) {
            id = t->u.composite.fields[0].type;
            continue;
        }
        /* Compact<()> (e.g. MultiAddress::Index with AccountIndex = ()) encodes to nothing */
        if ((t->kind == BTQ_TYPE_TUPLE && t->u.tuple.nelems == 0) ||
            (t->kind == BTQ_TYPE_COMPOSITE && t->u.composite.nfields == 0)) {
            *width = 0;
            return 0;
        }
        if (t->kind != BTQ_TYPE_PRIMITIVE) return BTQ_ENOTSUP;
        switch (t->u.primitive) {
        case BTQ_PRIM_U8:
            *width = 1;
            return 0;
        case BTQ_PRIM_U16:
            *width = 2;
            return 0;
        case BTQ_PRIM_U32:
            *width = 4;
            return 0;
        case BTQ_PRIM_U64:
            *width = 8;
            return 0;
        case BTQ_PRIM_U128:
            *width = 16;
            return 0;
        case BTQ_PRIM_U256:
            *width = 32;
            return 0;
        default:
            return BTQ_ENOTSUP;
        }
    }
    return BTQ_EDEPTH;
}

static int visit_compact(vctx *c, const btq_visit_info *info, const btq_type *t)
{
    size_t width = 0;
    int rc = btq__compact_width(c->reg, t->u.compact.inner, &width);
    if (rc) return fail(c, rc, info->offset, "compact of a type that is not an unsigned integer");
    if (width == 0) { /* Compact<()>: an empty tuple, no bytes */
        CALL(begin, info, 0);
        CALL(end, info);
        return 0;
    }
    size_t start = c->r.pos;
    if (width <= 8) {
        uint64_t v;
        rc = btq_read_compact_u64(&c->r, &v);
        if (rc) return btq__error_set(c->err, rc, start, "compact: %s", btq_strerror(rc));
        if (width < 8 && (v >> (8 * width)) != 0) {
            c->r.pos = start;
            return fail(c, BTQ_EOVERFLOW, start, "compact value wider than its type");
        }
        CALL(on_u64, info, v);
        return 0;
    }
    uint8_t le[32];
    size_t n = 0;
    rc = btq_read_compact_big(&c->r, le, sizeof le, &n);
    if (rc) return btq__error_set(c->err, rc, start, "compact: %s", btq_strerror(rc));
    if (n > width) {
        c->r.pos = start;
        return fail(c, BTQ_EOVERFLOW, start, "compact value wider than its type");
    }
    if (n <= 8) {
        uint64_t v = 0;
        for (size_t i = n; i-- > 0;)
            v = (v << 8) | le[i];
        CALL(on_u64, info, v);
    } else {
        CALL(on_big, info, le, n, false);
    }
    return 0;
}

static int visit_bitseq(vctx *c, const btq_visit_info *info, const btq_type *t)
{
    size_t sb = (size_t)t->u.bitseq.store;
    if ((sb != 1 && sb != 2 && sb != 4 && sb != 8) ||
        (t->u.bitseq.order != BTQ_BITORDER_LSB0 && t->u.bitseq.order != BTQ_BITORDER_MSB0))
        return fail(c, BTQ_EBITSEQ, info->offset, "unsupported bit-sequence store or order");
    /* The core reader owns the bitvec layout and its limits (Compact<u32> count, 2^29-1 cap). */
    size_t start = c->r.pos, nbytes, nbits;
    const uint8_t *words;
    int rc = btq_read_bitseq(&c->r, t->u.bitseq.store, &words, &nbytes, &nbits);
    if (rc) return btq__error_set(c->err, rc, start, "bit sequence: %s", btq_strerror(rc));
    CALL(on_bitseq, info, words, nbytes, nbits);
    return 0;
}

/* A u8 element type (for the bytes fast path). */
static int is_u8(const btq_registry *reg, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    return t && t->kind == BTQ_TYPE_PRIMITIVE && t->u.primitive == BTQ_PRIM_U8;
}

/* Elements of a sequence or an array: count already checked against the input. */
static int visit_elems(vctx *c, const btq_visit_info *info, uint32_t elem, size_t n)
{
    CALL(begin, info, n);
    for (size_t i = 0; i < n; i++) {
        int rc = visit(c, elem, NULL, (uint32_t)i, info->depth + 1);
        if (rc) {
            btq__value_path_prepend(c->err, NULL, (uint32_t)i);
            return rc;
        }
    }
    CALL(end, info);
    return 0;
}

static int visit_fields(vctx *c, const btq_visit_info *info, const btq_field *fields, uint32_t n)
{
    CALL(begin, info, n);
    for (uint32_t i = 0; i < n; i++) {
        /* primitive fields (most of them) skip the general dispatch: a measurable share of
         * decoding a struct like AccountInfo */
        const btq_type *ft = btq_registry_type(c->reg, fields[i].type);
        int rc;
        if (ft && ft->kind == BTQ_TYPE_PRIMITIVE && info->depth < BTQ_VALUE_MAX_DEPTH) {
            btq_visit_info fi = {fields[i].type, ft,  fields[i].name, i, info->depth + 1,
                                 c->r.pos,       NULL};
            rc = visit_prim(c, &fi, ft->u.primitive);
        } else {
            rc = visit(c, fields[i].type, fields[i].name, i, info->depth + 1);
        }
        if (rc) {
            btq__value_path_prepend(c->err, fields[i].name, i);
            return rc;
        }
    }
    CALL(end, info);
    return 0;
}

static int visit(vctx *c, uint32_t id, const char *field, uint32_t index, uint32_t depth)
{
    const btq_type *t = btq_registry_type(c->reg, id);
    btq_visit_info inf = {id, t, field, index, depth, c->r.pos, NULL};
    const btq_visit_info *info = &inf;
    if (BTQ_UNLIKELY(!t))
        return btq__error_set(c->err, BTQ_ETYPEID, c->r.pos, "type id %u out of range", id);
    if (BTQ_UNLIKELY(depth > BTQ_VALUE_MAX_DEPTH))
        return btq__error_set(c->err, BTQ_EDEPTH, c->r.pos, "nesting deeper than %d",
                              BTQ_VALUE_MAX_DEPTH);
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE:
        return visit_prim(c, info, t->u.primitive);
    case BTQ_TYPE_COMPACT:
        return visit_compact(c, info, t);
    case BTQ_TYPE_COMPOSITE:
        return visit_fields(c, info, t->u.composite.fields, t->u.composite.nfields);
    case BTQ_TYPE_VARIANT: {
        uint8_t tag;
        if (btq_read_u8(&c->r, &tag)) return fail(c, BTQ_ESHORT, inf.offset, "variant tag missing");
        const btq_variant *v = btq_type_variant_by_index(t, tag);
        if (!v) {
            c->r.pos = inf.offset;
            return btq__error_set(c->err, BTQ_EBADVARIANT, inf.offset,
                                  "no variant with index %u in %s", tag,
                                  t->path && *t->path ? t->path : "this enum");
        }
        inf.variant = v;
        int rc = visit_fields(c, info, v->fields, v->nfields);
        if (rc) btq__value_path_prepend(c->err, v->name, 0);
        return rc;
    }
    case BTQ_TYPE_SEQUENCE: {
        uint32_t elem = t->u.sequence.elem;
        if (!btq_registry_type(c->reg, elem))
            return btq__error_set(c->err, BTQ_ETYPEID, c->r.pos, "type id %u out of range", elem);
        /* the same length check whether the bytes arrive whole or element by element */
        size_t ms = btq__value_min_size(c->reg, elem, depth), n;
        int rc = btq_read_length(&c->r, ms, &n);
        if (!rc && ms == 0 && n > BTQ_VALUE_MAX_ZST_ITEMS) {
            c->r.pos = inf.offset;
            rc = BTQ_ETOOMANY;
        }
        if (rc)
            return btq__error_set(c->err, rc, c->r.pos, "sequence length: %s", btq_strerror(rc));
        if (c->vis->on_bytes && is_u8(c->reg, elem)) {
            const uint8_t *p = NULL;
            btq_read_bytes(&c->r, n, &p); /* cannot fail: n <= remaining */
            CALL(on_bytes, info, p, n);
            return 0;
        }
        return visit_elems(c, info, elem, n);
    }
    case BTQ_TYPE_ARRAY: {
        uint32_t elem = t->u.array.elem;
        size_t n = t->u.array.len;
        if (c->vis->on_bytes && is_u8(c->reg, elem)) {
            const uint8_t *p;
            if (btq_read_bytes(&c->r, n, &p))
                return btq__error_set(c->err, BTQ_ESHORT, c->r.pos, "[u8; %zu] needs %zu bytes", n,
                                      n);
            CALL(on_bytes, info, p, n);
            return 0;
        }
        if (!btq_registry_type(c->reg, elem))
            return btq__error_set(c->err, BTQ_ETYPEID, c->r.pos, "type id %u out of range", elem);
        size_t ms = btq__value_min_size(c->reg, elem, depth);
        if (ms == 0 && n > BTQ_VALUE_MAX_ZST_ITEMS)
            return fail(c, BTQ_ETOOMANY, inf.offset, "array of zero-sized items too long");
        if (ms && n > btq_reader_remaining(&c->r) / ms)
            return fail(c, BTQ_ESHORT, inf.offset, "array longer than the input");
        return visit_elems(c, info, elem, n);
    }
    case BTQ_TYPE_TUPLE: {
        CALL(begin, info, t->u.tuple.nelems);
        for (uint32_t i = 0; i < t->u.tuple.nelems; i++) {
            int rc = visit(c, t->u.tuple.elems[i], NULL, i, depth + 1);
            if (rc) {
                btq__value_path_prepend(c->err, NULL, i);
                return rc;
            }
        }
        CALL(end, info);
        return 0;
    }
    case BTQ_TYPE_BITSEQ:
        return visit_bitseq(c, info, t);
    }
    return btq__error_set(c->err, BTQ_ETYPEID, inf.offset, "type %u has an unknown kind", id);
}

int btq_value_visit(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes, size_t len,
                    unsigned flags, const btq_visitor *vis, void *user, size_t *consumed,
                    btq_error *err)
{
    static const btq_visitor none;
    vctx c = {reg, vis ? vis : &none, user, {0}, err};
    if (err) err->path[0] = '\0';
    if (!reg || (!bytes && len)) return btq__error_set(err, BTQ_EINVAL, 0, "no registry/input");
    btq_reader_init(&c.r, bytes, len);
    int rc = visit(&c, type_id, NULL, 0, 1);
    if (rc) return rc;
    if ((flags & BTQ_VALUE_EXACT) && c.r.pos != len)
        return btq__error_set(err, BTQ_ETRAILING, c.r.pos, "%zu trailing bytes after the value",
                              len - c.r.pos);
    if (consumed) *consumed = c.r.pos;
    return 0;
}

void btq__value_path_prepend(btq_error *err, const char *name, uint32_t index)
{
    if (!err) return;
    char seg[32];
    const char *s = name;
    if (!s) {
        /* snprintf is fine here: only on the error path */
        int k = 0;
        char tmp[12];
        uint32_t x = index;
        do {
            tmp[k++] = (char)('0' + x % 10);
            x /= 10;
        } while (x);
        for (int j = 0; j < k; j++)
            seg[j] = tmp[k - 1 - j];
        seg[k] = '\0';
        s = seg;
    }
    size_t sl = strlen(s), pl = strlen(err->path);
    size_t sep = pl ? 1 : 0;
    if (sl + sep + pl >= sizeof err->path) return; /* keep the innermost part as it is */
    memmove(err->path + sl + sep, err->path, pl + 1);
    memcpy(err->path, s, sl);
    if (sep) err->path[sl] = '.';
}
