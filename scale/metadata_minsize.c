/* After the registry is read: resolve bit-sequence store/order types, compute every type's
 * min_size and reject zero-width cycles.
 *
 * One iterative depth-first pass (an explicit stack, so hostile nesting cannot exhaust the C
 * stack) over the links a value always contains at the same input position: composite fields,
 * tuple elements, array elements (len > 0) and variant fields. Sequences, compacts, bit
 * sequences and primitives are leaves with a fixed minimum. A back edge to a type still on the
 * stack closes a cycle: if no variant lies on it, every value would contain itself (no finite
 * value exists, and a decoder would recurse without consuming input) -> BTQ_ETYPECYCLE.
 * Otherwise the back edge counts as 0 bytes, which keeps min_size a safe lower bound (exact for
 * non-recursive types), as its users need: they divide remaining bytes by it. */
#include <string.h>

#include "metadata_internal.h"

enum { WHITE = 0, GRAY = 1, BLACK = 2 };
#define NONE UINT32_MAX

typedef struct frame {
    uint32_t type;
    uint32_t a, b;    /* child cursor: field / element / variant, field within variant */
    uint32_t sum;     /* bytes of the children so far (of the current variant) */
    uint32_t best;    /* variant: smallest variant so far */
    uint32_t lastvar; /* highest stack position <= this one holding a variant, or NONE */
} frame;

static uint32_t sat_add(uint32_t x, uint32_t y)
{
    return x > UINT32_MAX - y ? UINT32_MAX : x + y;
}

static uint32_t sat_mul(uint32_t x, uint32_t y)
{
    uint64_t m = (uint64_t)x * y;
    return m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
}

static uint32_t prim_size(btq_prim p)
{
    static const uint8_t w[] = {1, 4, 1, 1, 2, 4, 8, 16, 32, 1, 2, 4, 8, 16, 32};
    return (unsigned)p < sizeof w ? w[p] : 1;
}

static int is_leaf(const btq_type *t)
{
    return t->kind != BTQ_TYPE_COMPOSITE && t->kind != BTQ_TYPE_TUPLE &&
           t->kind != BTQ_TYPE_ARRAY && t->kind != BTQ_TYPE_VARIANT;
}

static uint32_t leaf_size(const btq_type *t)
{
    return t->kind == BTQ_TYPE_PRIMITIVE ? prim_size(t->u.primitive) : 1;
}

/* Next child of the frame's type, or 0 when done (variants close each variant on the way). */
static int next_child(const btq_type *t, frame *f, uint32_t *child)
{
    switch (t->kind) {
    case BTQ_TYPE_COMPOSITE:
        if (f->a >= t->u.composite.nfields) return 0;
        *child = t->u.composite.fields[f->a++].type;
        return 1;
    case BTQ_TYPE_TUPLE:
        if (f->a >= t->u.tuple.nelems) return 0;
        *child = t->u.tuple.elems[f->a++];
        return 1;
    case BTQ_TYPE_ARRAY:
        if (f->a || t->u.array.len == 0) return 0;
        f->a = 1;
        *child = t->u.array.elem;
        return 1;
    case BTQ_TYPE_VARIANT:
        while (f->a < t->u.variant.nvariants) {
            const btq_variant *v = &t->u.variant.variants[f->a];
            if (f->b < v->nfields) {
                *child = v->fields[f->b++].type;
                return 1;
            }
            if (f->sum < f->best) f->best = f->sum;
            f->a++;
            f->b = 0;
            f->sum = 0;
        }
        return 0;
    default:
        return 0;
    }
}

static uint32_t finish(const btq_type *t, const frame *f)
{
    switch (t->kind) {
    case BTQ_TYPE_ARRAY:
        return sat_mul(t->u.array.len, f->sum);
    case BTQ_TYPE_VARIANT:
        /* no variant at all: nothing decodes; 1 (the tag) is still a valid lower bound */
        return f->best == UINT32_MAX ? (t->u.variant.nvariants ? UINT32_MAX : 1)
                                     : sat_add(1, f->best);
    default:
        return f->sum;
    }
}

static int resolve_bitseq(md_parser *p, btq_type *types, btq_type *t, uint32_t id)
{
    const btq_type *st = &types[t->u.bitseq.store_type];
    const btq_type *ot = &types[t->u.bitseq.order_type];
    if (st->kind != BTQ_TYPE_PRIMITIVE)
        return btq__md_fail(p, BTQ_EBITSEQ,
                            "metadata: type %u: bit store type %u is not a "
                            "primitive",
                            id, t->u.bitseq.store_type);
    switch (st->u.primitive) {
    case BTQ_PRIM_U8:
        t->u.bitseq.store = BTQ_BITSTORE_U8;
        break;
    case BTQ_PRIM_U16:
        t->u.bitseq.store = BTQ_BITSTORE_U16;
        break;
    case BTQ_PRIM_U32:
        t->u.bitseq.store = BTQ_BITSTORE_U32;
        break;
    case BTQ_PRIM_U64:
        t->u.bitseq.store = BTQ_BITSTORE_U64;
        break;
    default:
        return btq__md_fail(p, BTQ_EBITSEQ, "metadata: type %u: bit store must be u8..u64", id);
    }
    size_t n = strlen(ot->path);
    const char *last = n >= 4 ? ot->path + n - 4 : "";
    if (n >= 4 && (n == 4 || last[-1] == ':') && strcmp(last, "Lsb0") == 0)
        t->u.bitseq.order = BTQ_BITORDER_LSB0;
    else if (n >= 4 && (n == 4 || last[-1] == ':') && strcmp(last, "Msb0") == 0)
        t->u.bitseq.order = BTQ_BITORDER_MSB0;
    else
        return btq__md_fail(p, BTQ_EBITSEQ,
                            "metadata: type %u: bit order type '%s' is neither "
                            "Lsb0 nor Msb0",
                            id, ot->path);
    return 0;
}

int btq__md_check_types(md_parser *p)
{
    uint32_t n = p->md->registry.ntypes;
    btq_type *types = (btq_type *)p->md->registry.types;
    if (!n) return 0;
    for (uint32_t i = 0; i < n; i++) {
        if (types[i].kind == BTQ_TYPE_BITSEQ) {
            int rc = resolve_bitseq(p, types, &types[i], i);
            if (rc) return rc;
        }
        if (is_leaf(&types[i])) types[i].min_size = leaf_size(&types[i]);
    }
    /* scratch: state + stack position per type, and the stack (depth <= n: a type is on it
     * at most once) */
    /* one scratch block: the stack, then positions, then states (n <= 100,000: no overflow) */
    frame *stack = btq_malloc((size_t)n * (sizeof(frame) + sizeof(uint32_t) + 1));
    if (!stack) return btq__md_fail(p, BTQ_ENOMEM, "metadata: out of memory");
    uint32_t *pos = (uint32_t *)(void *)(stack + n);
    uint8_t *state = (uint8_t *)(pos + n);
    memset(state, WHITE, n);
    int rc = 0;
    for (uint32_t root = 0; root < n && !rc; root++) {
        if (state[root] != WHITE || is_leaf(&types[root])) continue;
        uint32_t sp = 0;
        stack[0] =
            (frame){root, 0, 0, 0, UINT32_MAX, types[root].kind == BTQ_TYPE_VARIANT ? 0 : NONE};
        state[root] = GRAY;
        pos[root] = 0;
        sp = 1;
        while (sp) {
            frame *f = &stack[sp - 1];
            const btq_type *t = &types[f->type];
            uint32_t c;
            if (!next_child(t, f, &c)) {
                uint32_t size = finish(t, f);
                types[f->type].min_size = size;
                state[f->type] = BLACK;
                sp--;
                if (sp) stack[sp - 1].sum = sat_add(stack[sp - 1].sum, size);
                continue;
            }
            const btq_type *ct = &types[c];
            if (is_leaf(ct) || state[c] == BLACK) {
                f->sum = sat_add(f->sum, ct->min_size);
            } else if (state[c] == GRAY) {
                if (f->lastvar == NONE || f->lastvar < pos[c]) {
                    rc = btq__md_fail(p, BTQ_ETYPECYCLE,
                                      "metadata: type %u contains itself "
                                      "through type %u without a variant or length on the way",
                                      c, f->type);
                    break;
                }
                /* back edge through a variant: counts as 0 (lower bound) */
            } else {
                uint32_t lastvar = ct->kind == BTQ_TYPE_VARIANT ? sp : f->lastvar;
                stack[sp] = (frame){c, 0, 0, 0, UINT32_MAX, lastvar};
                state[c] = GRAY;
                pos[c] = sp;
                sp++;
            }
        }
    }
    btq_free(stack);
    return rc;
}
