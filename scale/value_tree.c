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

int btq_value_doc_decode(btq_value_doc *doc, const btq_registry *reg, uint32_t type_id,
                         const uint8_t *bytes, size_t len, unsigned flags, const btq_value **root,
                         size_t *consumed, btq_error *err)
{
    if (!doc || !root || (!bytes && len)) return btq__error_set(err, BTQ_EINVAL, 0, "bad args");
    btq_arena_reset(&doc->arena);
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
