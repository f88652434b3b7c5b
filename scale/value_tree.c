/* The value tree: one visitor that lays nodes out in the doc's arena. Containers know their
 * child count when they begin, so children are one contiguous array filled in order. */
#include <string.h>

#include "scale_internal.h"
#include "value_internal.h"

/* Children are one contiguous array filled in order, so a cursor to the next free slot is
 * all the state a container needs; begin saves the parent's cursor, end restores it. */
typedef struct tctx {
    btq_arena *arena;
    btq_value *cursor; /* the node the next visited value fills */
    int sp;
    btq_value *saved[BTQ_VALUE_MAX_DEPTH + 1];
} tctx;

static inline btq_value *slot(tctx *c, const btq_visit_info *info)
{
    btq_value *n = c->cursor++;
    n->type = info->type;
    n->type_id = info->type_id;
    n->name = info->field;
    n->vname = NULL;
    n->flags = 0;
    n->vindex = 0;
    n->aux = 0;
    n->count = 0;
    return n;
}

static int t_bool(void *u, const btq_visit_info *info, bool v)
{
    btq_value *n = slot(u, info);
    n->kind = BTQ_VALUE_BOOL;
    n->a.u = v;
    return 0;
}

static int t_u64(void *u, const btq_visit_info *info, uint64_t v)
{
    btq_value *n = slot(u, info);
    n->kind = BTQ_VALUE_UINT;
    n->a.u = v;
    return 0;
}

static int t_i64(void *u, const btq_visit_info *info, int64_t v)
{
    btq_value *n = slot(u, info);
    n->kind = BTQ_VALUE_INT;
    n->a.i = v;
    return 0;
}

static int t_big(void *u, const btq_visit_info *info, const uint8_t *le, size_t len, bool sgn)
{
    tctx *c = u;
    btq_value *n = slot(c, info);
    n->kind = sgn ? BTQ_VALUE_INT : BTQ_VALUE_UINT;
    n->flags = BTQ_VF_BIG;
    n->count = len;
    if (info->type->kind == BTQ_TYPE_COMPACT) {
        /* compact magnitudes live in the decoder's stack buffer: copy */
        uint8_t *p = btq_arena_alloc(c->arena, len);
        if (!p) return BTQ_ENOMEM;
        memcpy(p, le, len);
        n->a.p = p;
    } else {
        n->a.p = le; /* points into the doc's copy of the input */
    }
    return 0;
}

static int t_char(void *u, const btq_visit_info *info, uint32_t cp)
{
    btq_value *n = slot(u, info);
    n->kind = BTQ_VALUE_CHAR;
    n->a.u = cp;
    return 0;
}

static int t_str(void *u, const btq_visit_info *info, const char *s, size_t len)
{
    btq_value *n = slot(u, info);
    n->kind = BTQ_VALUE_STR;
    n->a.p = (const uint8_t *)s;
    n->count = len;
    return 0;
}

static int t_bytes(void *u, const btq_visit_info *info, const uint8_t *p, size_t len)
{
    btq_value *n = slot(u, info);
    n->kind = BTQ_VALUE_BYTES;
    n->a.p = p;
    n->count = len;
    return 0;
}

static int t_bitseq(void *u, const btq_visit_info *info, const uint8_t *w, size_t wl, size_t nbits)
{
    (void)wl;
    btq_value *n = slot(u, info);
    n->kind = BTQ_VALUE_BITSEQ;
    n->a.p = w;
    n->count = nbits;
    n->vindex = (uint8_t)info->type->u.bitseq.store;
    n->aux = (uint8_t)info->type->u.bitseq.order;
    return 0;
}

static int t_begin(void *u, const btq_visit_info *info, size_t count)
{
    tctx *c = u;
    btq_value *n = slot(c, info);
    switch (info->type->kind) {
    case BTQ_TYPE_COMPOSITE:
        n->kind = BTQ_VALUE_COMPOSITE;
        break;
    case BTQ_TYPE_VARIANT:
        n->kind = BTQ_VALUE_VARIANT;
        n->vname = info->variant->name;
        n->vindex = info->variant->index;
        n->aux = 1;
        break;
    case BTQ_TYPE_SEQUENCE:
        n->kind = BTQ_VALUE_SEQUENCE;
        break;
    case BTQ_TYPE_ARRAY:
        n->kind = BTQ_VALUE_ARRAY;
        break;
    default:
        n->kind = BTQ_VALUE_TUPLE;
        break;
    }
    n->count = count;
    n->a.children = NULL;
    if (count) {
        if (count > SIZE_MAX / sizeof(btq_value)) return BTQ_ENOMEM;
        n->a.children = btq_arena_alloc(c->arena, count * sizeof(btq_value));
        if (!n->a.children) return BTQ_ENOMEM;
    }
    c->saved[c->sp++] = c->cursor;
    c->cursor = n->a.children;
    return 0;
}

static int t_end(void *u, const btq_visit_info *info)
{
    (void)info;
    tctx *c = u;
    c->cursor = c->saved[--c->sp];
    return 0;
}

static const btq_visitor tree_visitor = {t_bool, t_u64,   t_i64,    t_big,   t_char,
                                         t_str,  t_bytes, t_bitseq, t_begin, t_end};

/* ---- the direct decoder -------------------------------------------------------------------
 * The same tree built without the visitor's indirection (callbacks, info records, the cursor
 * stack): the registry is walked once and every node is written in place, primitive fields
 * inline. It is one-sided by design: it returns 0 only where the visitor path would succeed
 * with the very same tree, and FD_NO for every error and anything it is unsure of; the caller
 * then decodes again through the visitor, which builds the tree or reports the error with its
 * offset and path. So errors cost two passes and successes one. Out of memory is the one
 * failure reported as it is (BTQ_ENOMEM): a second pass could find memory again and hide it. */

#define FD_NO 1

typedef struct fctx {
    const btq_type *types;
    uint32_t ntypes;
    const btq_registry *reg;
    btq_reader r;
    btq_arena *arena;
} fctx;

static inline void fd_init(btq_value *n, const btq_type *t, uint32_t id, btq_value_kind kind)
{
    n->type = t;
    n->type_id = id;
    n->vname = NULL;
    n->count = 0;
    n->kind = (uint8_t)kind;
    n->flags = 0;
    n->vindex = 0;
    n->aux = 0;
}

static int fd_node(fctx *c, btq_value *n, uint32_t id, uint32_t depth);

/* A primitive (the caller checked t->kind). */
static inline int fd_prim(fctx *c, btq_value *n, const btq_type *t, uint32_t id)
{
    const uint8_t *p = c->r.data + c->r.pos;
    size_t left = c->r.len - c->r.pos, w;
    switch (t->u.primitive) {
    case BTQ_PRIM_U8:
        if (BTQ_UNLIKELY(left < 1)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_UINT);
        n->a.u = p[0];
        c->r.pos += 1;
        return 0;
    case BTQ_PRIM_U16:
        if (BTQ_UNLIKELY(left < 2)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_UINT);
        n->a.u = btq__load_le(p, 2);
        c->r.pos += 2;
        return 0;
    case BTQ_PRIM_U32:
        if (BTQ_UNLIKELY(left < 4)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_UINT);
        n->a.u = btq__load_le(p, 4);
        c->r.pos += 4;
        return 0;
    case BTQ_PRIM_U64:
        if (BTQ_UNLIKELY(left < 8)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_UINT);
        n->a.u = btq__load_le(p, 8);
        c->r.pos += 8;
        return 0;
    case BTQ_PRIM_I8:
        if (BTQ_UNLIKELY(left < 1)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_INT);
        n->a.i = (int8_t)p[0];
        c->r.pos += 1;
        return 0;
    case BTQ_PRIM_I16:
        if (BTQ_UNLIKELY(left < 2)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_INT);
        n->a.i = (int16_t)(uint16_t)btq__load_le(p, 2);
        c->r.pos += 2;
        return 0;
    case BTQ_PRIM_I32:
        if (BTQ_UNLIKELY(left < 4)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_INT);
        n->a.i = (int32_t)(uint32_t)btq__load_le(p, 4);
        c->r.pos += 4;
        return 0;
    case BTQ_PRIM_I64:
        if (BTQ_UNLIKELY(left < 8)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_INT);
        n->a.i = (int64_t)btq__load_le(p, 8);
        c->r.pos += 8;
        return 0;
    case BTQ_PRIM_BOOL:
        if (BTQ_UNLIKELY(left < 1 || p[0] > 1)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_BOOL);
        n->a.u = p[0];
        c->r.pos += 1;
        return 0;
    case BTQ_PRIM_U128:
    case BTQ_PRIM_I128:
    case BTQ_PRIM_U256:
    case BTQ_PRIM_I256:
        w = (t->u.primitive == BTQ_PRIM_U128 || t->u.primitive == BTQ_PRIM_I128) ? 16 : 32;
        if (BTQ_UNLIKELY(left < w)) return FD_NO;
        fd_init(n, t, id,
                t->u.primitive == BTQ_PRIM_I128 || t->u.primitive == BTQ_PRIM_I256
                    ? BTQ_VALUE_INT
                    : BTQ_VALUE_UINT);
        n->flags = BTQ_VF_BIG;
        n->count = w;
        n->a.p = p; /* the doc's copy of the input */
        c->r.pos += w;
        return 0;
    case BTQ_PRIM_CHAR: {
        uint32_t cp;
        if (btq_read_char(&c->r, &cp)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_CHAR);
        n->a.u = cp;
        return 0;
    }
    case BTQ_PRIM_STR: {
        const char *s;
        size_t len;
        if (btq_read_str(&c->r, &s, &len)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_STR);
        n->a.p = (const uint8_t *)s;
        n->count = len;
        return 0;
    }
    }
    return FD_NO;
}

/* The children array of n (count set), or NULL for none / on failure (*rc set). */
static inline btq_value *fd_children(fctx *c, btq_value *n, size_t count, uint32_t depth, int *rc)
{
    n->count = count;
    n->a.children = NULL;
    *rc = 0;
    if (!count) return NULL;
    /* children sit one level deeper: the visitor refuses them past the limit */
    if (depth >= BTQ_VALUE_MAX_DEPTH || count > SIZE_MAX / sizeof(btq_value)) {
        *rc = FD_NO;
        return NULL;
    }
    btq_value *ch = btq_arena_alloc(c->arena, count * sizeof(btq_value));
    if (!ch) *rc = BTQ_ENOMEM;
    n->a.children = ch;
    return ch;
}

static int fd_fields(fctx *c, btq_value *n, const btq_field *f, uint32_t nf, uint32_t depth)
{
    int rc;
    btq_value *ch = fd_children(c, n, nf, depth, &rc);
    if (!ch) return rc;
    for (uint32_t i = 0; i < nf; i++) {
        uint32_t fid = f[i].type;
        ch[i].name = f[i].name;
        if (BTQ_UNLIKELY(fid >= c->ntypes)) return FD_NO;
        const btq_type *ft = &c->types[fid];
        rc = ft->kind == BTQ_TYPE_PRIMITIVE ? fd_prim(c, &ch[i], ft, fid)
                                            : fd_node(c, &ch[i], fid, depth + 1);
        if (rc) return rc;
    }
    return 0;
}

/* count elements of a valid type id, count already bounded by the input */
static int fd_elems(fctx *c, btq_value *n, uint32_t elem, size_t count, uint32_t depth)
{
    int rc;
    btq_value *ch = fd_children(c, n, count, depth, &rc);
    if (!ch) return rc;
    const btq_type *et = &c->types[elem];
    if (et->kind == BTQ_TYPE_PRIMITIVE) {
        for (size_t i = 0; i < count; i++) {
            ch[i].name = NULL;
            if ((rc = fd_prim(c, &ch[i], et, elem))) return rc;
        }
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        ch[i].name = NULL;
        if ((rc = fd_node(c, &ch[i], elem, depth + 1))) return rc;
    }
    return 0;
}

static int fd_compact(fctx *c, btq_value *n, const btq_type *t, uint32_t id)
{
    size_t width = 0;
    if (btq__compact_width(c->reg, t->u.compact.inner, &width)) return FD_NO;
    if (width == 0) { /* Compact<()>: an empty tuple */
        fd_init(n, t, id, BTQ_VALUE_TUPLE);
        n->a.children = NULL;
        return 0;
    }
    if (width <= 8) {
        uint64_t v;
        if (btq_read_compact_u64(&c->r, &v)) return FD_NO;
        if (width < 8 && (v >> (8 * width)) != 0) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_UINT);
        n->a.u = v;
        return 0;
    }
    uint8_t le[32];
    size_t nb = 0;
    if (btq_read_compact_big(&c->r, le, sizeof le, &nb) || nb > width) return FD_NO;
    fd_init(n, t, id, BTQ_VALUE_UINT);
    if (nb <= 8) {
        uint64_t v = 0;
        for (size_t i = nb; i-- > 0;)
            v = (v << 8) | le[i];
        n->a.u = v;
        return 0;
    }
    uint8_t *p = btq_arena_alloc(c->arena, nb);
    if (!p) return BTQ_ENOMEM;
    memcpy(p, le, nb);
    n->flags = BTQ_VF_BIG;
    n->count = nb;
    n->a.p = p;
    return 0;
}

static int fd_node(fctx *c, btq_value *n, uint32_t id, uint32_t depth)
{
    if (BTQ_UNLIKELY(id >= c->ntypes || depth > BTQ_VALUE_MAX_DEPTH)) return FD_NO;
    const btq_type *t = &c->types[id];
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE:
        return fd_prim(c, n, t, id);
    case BTQ_TYPE_COMPOSITE:
        fd_init(n, t, id, BTQ_VALUE_COMPOSITE);
        return fd_fields(c, n, t->u.composite.fields, t->u.composite.nfields, depth);
    case BTQ_TYPE_VARIANT: {
        if (c->r.pos >= c->r.len) return FD_NO;
        uint8_t tag = c->r.data[c->r.pos++];
        const btq_variant *v = NULL;
        /* indexes are usually the positions */
        if (tag < t->u.variant.nvariants && t->u.variant.variants[tag].index == tag)
            v = &t->u.variant.variants[tag];
        else
            v = btq_type_variant_by_index(t, tag);
        if (!v) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_VARIANT);
        n->vname = v->name;
        n->vindex = v->index;
        n->aux = 1;
        return fd_fields(c, n, v->fields, v->nfields, depth);
    }
    case BTQ_TYPE_SEQUENCE: {
        uint32_t elem = t->u.sequence.elem;
        if (elem >= c->ntypes) return FD_NO;
        size_t ms = btq__value_min_size(c->reg, elem, depth), cnt;
        if (btq_read_length(&c->r, ms, &cnt)) return FD_NO;
        if (ms == 0 && cnt > BTQ_VALUE_MAX_ZST_ITEMS) return FD_NO;
        const btq_type *et = &c->types[elem];
        if (et->kind == BTQ_TYPE_PRIMITIVE && et->u.primitive == BTQ_PRIM_U8) {
            /* cnt <= remaining: checked by the length read (min size 1) */
            fd_init(n, t, id, BTQ_VALUE_BYTES);
            n->a.p = c->r.data + c->r.pos;
            n->count = cnt;
            c->r.pos += cnt;
            return 0;
        }
        fd_init(n, t, id, BTQ_VALUE_SEQUENCE);
        return fd_elems(c, n, elem, cnt, depth);
    }
    case BTQ_TYPE_ARRAY: {
        uint32_t elem = t->u.array.elem;
        size_t cnt = t->u.array.len, left = c->r.len - c->r.pos;
        if (elem >= c->ntypes) return FD_NO;
        const btq_type *et = &c->types[elem];
        if (et->kind == BTQ_TYPE_PRIMITIVE && et->u.primitive == BTQ_PRIM_U8) {
            if (left < cnt) return FD_NO;
            fd_init(n, t, id, BTQ_VALUE_BYTES);
            n->a.p = c->r.data + c->r.pos;
            n->count = cnt;
            c->r.pos += cnt;
            return 0;
        }
        size_t ms = btq__value_min_size(c->reg, elem, depth);
        if (ms == 0 && cnt > BTQ_VALUE_MAX_ZST_ITEMS) return FD_NO;
        if (ms && cnt > left / ms) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_ARRAY);
        return fd_elems(c, n, elem, cnt, depth);
    }
    case BTQ_TYPE_TUPLE: {
        int rc;
        fd_init(n, t, id, BTQ_VALUE_TUPLE);
        btq_value *ch = fd_children(c, n, t->u.tuple.nelems, depth, &rc);
        if (!ch) return rc;
        for (uint32_t i = 0; i < t->u.tuple.nelems; i++) {
            ch[i].name = NULL;
            if ((rc = fd_node(c, &ch[i], t->u.tuple.elems[i], depth + 1))) return rc;
        }
        return 0;
    }
    case BTQ_TYPE_COMPACT:
        return fd_compact(c, n, t, id);
    case BTQ_TYPE_BITSEQ: {
        size_t sb = (size_t)t->u.bitseq.store, nbytes, nbits;
        if ((sb != 1 && sb != 2 && sb != 4 && sb != 8) ||
            (t->u.bitseq.order != BTQ_BITORDER_LSB0 && t->u.bitseq.order != BTQ_BITORDER_MSB0))
            return FD_NO;
        const uint8_t *words;
        if (btq_read_bitseq(&c->r, t->u.bitseq.store, &words, &nbytes, &nbits)) return FD_NO;
        fd_init(n, t, id, BTQ_VALUE_BITSEQ);
        n->a.p = words;
        n->count = nbits;
        n->vindex = (uint8_t)t->u.bitseq.store;
        n->aux = (uint8_t)t->u.bitseq.order;
        return 0;
    }
    }
    return FD_NO;
}

btq_value_doc *btq_value_doc_new(void)
{
    btq_value_doc *doc = btq_malloc(sizeof *doc);
    if (!doc) return NULL;
    btq_arena_init(&doc->arena, doc->inline_buf, sizeof doc->inline_buf);
    return doc;
}

void btq_value_doc_free(btq_value_doc *doc)
{
    if (!doc) return;
    btq_arena_free(&doc->arena);
    btq_free(doc);
}

static int decode_visitor(btq_value_doc *doc, const btq_registry *reg, uint32_t type_id,
                          const uint8_t *bytes, size_t len, unsigned flags, const btq_value **root,
                          size_t *consumed, btq_error *err);

int btq_value_doc_decode(btq_value_doc *doc, const btq_registry *reg, uint32_t type_id,
                         const uint8_t *bytes, size_t len, unsigned flags, const btq_value **root,
                         size_t *consumed, btq_error *err)
{
    if (!doc || !root || (!bytes && len)) return btq__error_set(err, BTQ_EINVAL, 0, "bad args");
    *root = NULL; /* never a root into a reset or half-built tree on failure */
    btq_arena_reset(&doc->arena);
    if (reg) { /* the direct decoder first; the visitor path below on any doubt */
        btq_value *top = btq_arena_alloc(&doc->arena, sizeof(btq_value));
        uint8_t *copy = btq_arena_alloc(&doc->arena, len);
        int rc = BTQ_ENOMEM;
        if (top && copy) {
            if (len) memcpy(copy, bytes, len);
            fctx f = {reg->types, reg->ntypes, reg, {copy, len, 0}, &doc->arena};
            top->name = NULL;
            rc = fd_node(&f, top, type_id, 1);
            if (rc == 0 && (!(flags & BTQ_VALUE_EXACT) || f.r.pos == len)) {
                if (consumed) *consumed = f.r.pos;
                if (err) err->path[0] = '\0';
                *root = top;
                return 0;
            }
        }
        btq_arena_reset(&doc->arena);
        if (rc == BTQ_ENOMEM) {
            if (err) err->path[0] = '\0';
            return btq__error_set(err, BTQ_ENOMEM, 0, "out of memory");
        }
    }
    return decode_visitor(doc, reg, type_id, bytes, len, flags, root, consumed, err);
}

int btq__value_doc_decode_visitor(btq_value_doc *doc, const btq_registry *reg, uint32_t type_id,
                                  const uint8_t *bytes, size_t len, unsigned flags,
                                  const btq_value **root, size_t *consumed, btq_error *err)
{
    if (!doc || !root || (!bytes && len)) return btq__error_set(err, BTQ_EINVAL, 0, "bad args");
    *root = NULL;
    btq_arena_reset(&doc->arena);
    return decode_visitor(doc, reg, type_id, bytes, len, flags, root, consumed, err);
}

/* The tree through the visitor, into a reset doc. */
static int decode_visitor(btq_value_doc *doc, const btq_registry *reg, uint32_t type_id,
                          const uint8_t *bytes, size_t len, unsigned flags, const btq_value **root,
                          size_t *consumed, btq_error *err)
{
    tctx c;
    c.arena = &doc->arena;
    c.sp = 0;
    btq_value *top = btq_arena_alloc(&doc->arena, sizeof(btq_value));
    c.cursor = top;
    /* the tree must not borrow the caller's buffer */
    uint8_t *copy = btq_arena_alloc(&doc->arena, len);
    if (!top || !copy) return btq__error_set(err, BTQ_ENOMEM, 0, "out of memory");
    if (len) memcpy(copy, bytes, len);
    int rc = btq_value_visit(reg, type_id, copy, len, flags, &tree_visitor, &c, consumed, err);
    if (rc) {
        btq_arena_reset(&doc->arena);
        return rc;
    }
    *root = top;
    return 0;
}

int btq_value_decode(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes, size_t len,
                     unsigned flags, btq_value_doc **out_doc, const btq_value **root,
                     btq_error *err)
{
    if (!out_doc) return btq__error_set(err, BTQ_EINVAL, 0, "bad args");
    *out_doc = NULL;
    btq_value_doc *doc = btq_value_doc_new();
    if (!doc) return btq__error_set(err, BTQ_ENOMEM, 0, "out of memory");
    int rc = btq_value_doc_decode(doc, reg, type_id, bytes, len, flags, root, NULL, err);
    if (rc) {
        btq_value_doc_free(doc);
        return rc;
    }
    *out_doc = doc;
    return 0;
}

/* Bytes a node's a.p points at (STR, BYTES, BIG integers, BITSEQ words). */
static size_t node_bytes(const btq_value *v)
{
    if (v->kind == BTQ_VALUE_BITSEQ) {
        size_t wbits = 8u * (size_t)(v->vindex ? v->vindex : 1);
        return (v->count + wbits - 1) / wbits * (wbits / 8);
    }
    return v->count;
}

int btq__value_same(const btq_value *a, const btq_value *b)
{
    if (a->kind != b->kind || a->flags != b->flags || a->vindex != b->vindex || a->aux != b->aux ||
        a->count != b->count || a->type != b->type || a->type_id != b->type_id ||
        a->name != b->name || a->vname != b->vname)
        return 0;
    switch (a->kind) {
    case BTQ_VALUE_BOOL:
    case BTQ_VALUE_CHAR:
        return a->a.u == b->a.u;
    case BTQ_VALUE_UINT:
    case BTQ_VALUE_INT:
        if (!(a->flags & BTQ_VF_BIG)) return a->a.u == b->a.u;
        /* fall through */
    case BTQ_VALUE_STR:
    case BTQ_VALUE_BYTES:
    case BTQ_VALUE_BITSEQ: {
        size_t n = node_bytes(a);
        return n == 0 || (a->a.p && b->a.p && memcmp(a->a.p, b->a.p, n) == 0);
    }
    default:
        if (!a->count) return a->a.children == NULL && b->a.children == NULL;
        for (size_t i = 0; i < a->count; i++)
            if (!btq__value_same(&a->a.children[i], &b->a.children[i])) return 0;
        return 1;
    }
}
