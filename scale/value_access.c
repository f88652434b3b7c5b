/* Typed access, path lookup and the small builder over value trees. */
#include <string.h>

#include "scale_internal.h"
#include "value_internal.h"

const btq_value *btq__value_unwrap(const btq_value *v)
{
    /* Newtypes (NetUid(u16), AccountId32([u8; 32])) read as their field: the SDK bug this
     * layer exists to avoid. Bounded: trees are at most BTQ_VALUE_MAX_DEPTH deep. */
    while (v && v->kind == BTQ_VALUE_COMPOSITE && v->count == 1)
        v = &v->a.children[0];
    return v;
}

btq_value_kind btq_value_get_kind(const btq_value *v)
{
    return (btq_value_kind)v->kind;
}

uint32_t btq_value_type_id(const btq_value *v)
{
    return v && v->type ? v->type_id : UINT32_MAX;
}

const btq_type *btq_value_type(const btq_value *v)
{
    return v ? v->type : NULL;
}

const char *btq_value_type_path(const btq_value *v)
{
    return v && v->type && v->type->path ? v->type->path : "";
}

const char *btq_value_name(const btq_value *v)
{
    return v ? v->name : NULL;
}

static int is_container(const btq_value *v)
{
    return v->kind >= BTQ_VALUE_COMPOSITE;
}

size_t btq_value_count(const btq_value *v)
{
    return v ? v->count : 0;
}

const btq_value *btq_value_at(const btq_value *v, size_t i)
{
    if (!v || !is_container(v) || i >= v->count) return NULL;
    return &v->a.children[i];
}

const btq_value *btq_value_field(const btq_value *v, const char *name)
{
    if (!v || !name || !is_container(v)) return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (v->a.children[i].name && strcmp(v->a.children[i].name, name) == 0)
            return &v->a.children[i];
    return NULL;
}

int btq_value_variant(const btq_value *v, const char **name, uint8_t *index)
{
    if (!v || v->kind != BTQ_VALUE_VARIANT) return BTQ_ETYPE;
    if (name) *name = v->vname;
    if (index) *index = v->vindex;
    return 0;
}

int btq_value_bool(const btq_value *v, bool *out)
{
    v = btq__value_unwrap(v);
    if (!v || v->kind != BTQ_VALUE_BOOL) return BTQ_ETYPE;
    *out = v->a.u != 0;
    return 0;
}

/* Sign-extended limb k of a big integer stored as n little-endian bytes. */
static uint64_t big_limb(const btq_value *v, size_t k)
{
    const uint8_t *p = v->a.p;
    int neg = v->kind == BTQ_VALUE_INT && v->count && (p[v->count - 1] & 0x80);
    uint64_t x = 0;
    for (size_t j = 8; j-- > 0;) {
        size_t at = 8 * k + j;
        uint8_t b = at < v->count ? p[at] : (neg ? 0xff : 0);
        x = (x << 8) | b;
    }
    return x;
}

/* Any integer node as 256-bit two's complement. */
int btq__value_int(const btq_value *v, btq_u256 *out, int *neg)
{
    if (!v || (v->kind != BTQ_VALUE_UINT && v->kind != BTQ_VALUE_INT)) return BTQ_ETYPE;
    if (v->flags & BTQ_VF_BIG) {
        for (size_t k = 0; k < 4; k++)
            out->limb[k] = big_limb(v, k);
        *neg = v->kind == BTQ_VALUE_INT && (out->limb[3] >> 63);
    } else if (v->kind == BTQ_VALUE_INT) {
        uint64_t ext = v->a.i < 0 ? UINT64_MAX : 0;
        out->limb[0] = (uint64_t)v->a.i;
        out->limb[1] = out->limb[2] = out->limb[3] = ext;
        *neg = v->a.i < 0;
    } else {
        out->limb[0] = v->a.u;
        out->limb[1] = out->limb[2] = out->limb[3] = 0;
        *neg = 0;
    }
    return 0;
}

int btq_value_u64(const btq_value *v, uint64_t *out)
{
    v = btq__value_unwrap(v);
    if (v && !(v->flags & BTQ_VF_BIG)) {
        if (v->kind == BTQ_VALUE_UINT) {
            *out = v->a.u;
            return 0;
        }
        if (v->kind == BTQ_VALUE_INT) {
            if (v->a.i < 0) return BTQ_EOVERFLOW;
            *out = (uint64_t)v->a.i;
            return 0;
        }
    }
    btq_u256 x;
    int neg, rc = btq__value_int(v, &x, &neg);
    if (rc) return rc;
    if (neg || x.limb[1] || x.limb[2] || x.limb[3]) return BTQ_EOVERFLOW;
    *out = x.limb[0];
    return 0;
}

int btq_value_i64(const btq_value *v, int64_t *out)
{
    v = btq__value_unwrap(v);
    btq_u256 x;
    int neg, rc = btq__value_int(v, &x, &neg);
    if (rc) return rc;
    uint64_t ext = neg ? UINT64_MAX : 0;
    if (x.limb[1] != ext || x.limb[2] != ext || x.limb[3] != ext ||
        ((x.limb[0] >> 63) != (ext & 1)))
        return BTQ_EOVERFLOW;
    *out = (int64_t)x.limb[0];
    return 0;
}

int btq_value_u128(const btq_value *v, btq_u128 *out)
{
    v = btq__value_unwrap(v);
    btq_u256 x;
    int neg, rc = btq__value_int(v, &x, &neg);
    if (rc) return rc;
    if (neg || x.limb[2] || x.limb[3]) return BTQ_EOVERFLOW;
    out->lo = x.limb[0];
    out->hi = x.limb[1];
    return 0;
}

int btq_value_u256(const btq_value *v, btq_u256 *out)
{
    v = btq__value_unwrap(v);
    int neg, rc = btq__value_int(v, out, &neg);
    if (rc) return rc;
    return neg ? BTQ_EOVERFLOW : 0;
}

int btq_value_char(const btq_value *v, uint32_t *out)
{
    v = btq__value_unwrap(v);
    if (!v || v->kind != BTQ_VALUE_CHAR) return BTQ_ETYPE;
    *out = (uint32_t)v->a.u;
    return 0;
}

int btq_value_bytes(const btq_value *v, const uint8_t **p, size_t *n)
{
    v = btq__value_unwrap(v);
    if (!v || v->kind != BTQ_VALUE_BYTES) return BTQ_ETYPE;
    *p = v->a.p;
    *n = v->count;
    return 0;
}

int btq_value_str(const btq_value *v, const char **s, size_t *n)
{
    v = btq__value_unwrap(v);
    if (!v || v->kind != BTQ_VALUE_STR) return BTQ_ETYPE;
    *s = (const char *)v->a.p;
    *n = v->count;
    return 0;
}

int btq_value_bit(const btq_value *v, size_t i, bool *out)
{
    v = btq__value_unwrap(v);
    if (!v || v->kind != BTQ_VALUE_BITSEQ) return BTQ_ETYPE;
    if (i >= v->count) return BTQ_ENOTFOUND;
    size_t sb = v->vindex ? v->vindex : 1, bits = sb * 8;
    size_t word = i / bits, bit = i % bits;
    /* words are little-endian: bit k of the word is bit k%8 of byte k/8 */
    if (v->aux == BTQ_BITORDER_MSB0) bit = bits - 1 - bit;
    *out = (v->a.p[word * sb + bit / 8] >> (bit % 8)) & 1;
    return 0;
}

/* ---- path lookup ------------------------------------------------------------------------- */

static const btq_value *child_by_segment(const btq_value *v, const char *seg, size_t n)
{
    for (int guard = 0; v && guard <= BTQ_VALUE_MAX_DEPTH; guard++) {
        if (!is_container(v)) return NULL;
        int digits = 1;
        size_t idx = 0;
        for (size_t i = 0; i < n; i++) {
            if (seg[i] < '0' || seg[i] > '9' || idx > (SIZE_MAX - 9) / 10) {
                digits = 0;
                break;
            }
            idx = idx * 10 + (size_t)(seg[i] - '0');
        }
        for (size_t i = 0; i < v->count; i++) {
            const char *nm = v->a.children[i].name;
            if (nm && strlen(nm) == n && memcmp(nm, seg, n) == 0) return &v->a.children[i];
        }
        if (digits && idx < v->count) return &v->a.children[idx];
        /* not here: look through a newtype */
        if (v->kind == BTQ_VALUE_COMPOSITE && v->count == 1) {
            v = &v->a.children[0];
            continue;
        }
        return NULL;
    }
    return NULL;
}

int btq_value_path(const btq_value *v, const char *path, const btq_value **out)
{
    if (!v || !path || !out) return BTQ_EINVAL;
    const char *p = path;
    if (*p == '\0') {
        *out = v;
        return 0;
    }
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0) return BTQ_EINVAL;
        v = child_by_segment(v, p, n);
        if (!v) return BTQ_ENOTFOUND;
        if (!dot) break;
        p = dot + 1;
    }
    *out = v;
    return 0;
}

int btq_value_path_u64(const btq_value *v, const char *path, uint64_t *out)
{
    const btq_value *x;
    int rc = btq_value_path(v, path, &x);
    return rc ? rc : btq_value_u64(x, out);
}

int btq_value_path_u128(const btq_value *v, const char *path, btq_u128 *out)
{
    const btq_value *x;
    int rc = btq_value_path(v, path, &x);
    return rc ? rc : btq_value_u128(x, out);
}

/* ---- builder --------------------------------------------------------------------------------- */

static btq_value *new_node(btq_value_doc *doc, btq_value_kind kind)
{
    if (!doc) return NULL;
    btq_value *n = btq_arena_alloc(&doc->arena, sizeof *n);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->type_id = UINT32_MAX;
    return n;
}

static const uint8_t *copy_bytes(btq_value_doc *doc, const void *p, size_t n)
{
    uint8_t *d = btq_arena_alloc(&doc->arena, n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, p, n);
    d[n] = 0;
    return d;
}

btq_value *btq_value_new_bool(btq_value_doc *doc, bool v)
{
    btq_value *n = new_node(doc, BTQ_VALUE_BOOL);
    if (n) n->a.u = v;
    return n;
}

btq_value *btq_value_new_u64(btq_value_doc *doc, uint64_t v)
{
    btq_value *n = new_node(doc, BTQ_VALUE_UINT);
    if (n) n->a.u = v;
    return n;
}

btq_value *btq_value_new_i64(btq_value_doc *doc, int64_t v)
{
    btq_value *n = new_node(doc, BTQ_VALUE_INT);
    if (n) n->a.i = v;
    return n;
}

btq_value *btq_value_new_big(btq_value_doc *doc, const uint8_t *le, size_t len, bool is_signed)
{
    if (len > 32 || (len && !le)) return NULL;
    btq_value *n = new_node(doc, is_signed ? BTQ_VALUE_INT : BTQ_VALUE_UINT);
    if (!n) return NULL;
    n->flags = BTQ_VF_BIG;
    n->count = len;
    n->a.p = copy_bytes(doc, le, len);
    return n->a.p ? n : NULL;
}

btq_value *btq_value_new_char(btq_value_doc *doc, uint32_t cp)
{
    btq_value *n = new_node(doc, BTQ_VALUE_CHAR);
    if (n) n->a.u = cp;
    return n;
}

btq_value *btq_value_new_str(btq_value_doc *doc, const char *s, size_t len)
{
    if (len && !s) return NULL;
    btq_value *n = new_node(doc, BTQ_VALUE_STR);
    if (!n) return NULL;
    n->count = len;
    n->a.p = copy_bytes(doc, s, len);
    return n->a.p ? n : NULL;
}

btq_value *btq_value_new_bytes(btq_value_doc *doc, const uint8_t *p, size_t len)
{
    if (len && !p) return NULL;
    btq_value *n = new_node(doc, BTQ_VALUE_BYTES);
    if (!n) return NULL;
    n->count = len;
    n->a.p = copy_bytes(doc, p, len);
    return n->a.p ? n : NULL;
}

btq_value *btq_value_new_bits(btq_value_doc *doc, const bool *bits, size_t nbits)
{
    if (nbits && !bits) return NULL;
    btq_value *n = new_node(doc, BTQ_VALUE_BITSEQ);
    if (!n) return NULL;
    /* stored as u8 words, Lsb0: the encoder re-packs for the target type */
    uint8_t *w = btq_arena_alloc(&doc->arena, nbits / 8 + 1);
    if (!w) return NULL;
    memset(w, 0, nbits / 8 + 1);
    for (size_t i = 0; i < nbits; i++)
        if (bits[i]) w[i / 8] = (uint8_t)(w[i / 8] | (1u << (i % 8)));
    n->a.p = w;
    n->count = nbits;
    n->vindex = 1;
    n->aux = BTQ_BITORDER_LSB0;
    return n;
}

static btq_value *new_children(btq_value_doc *doc, btq_value *n, size_t count)
{
    if (!n) return NULL;
    n->count = count;
    if (count) {
        if (count > SIZE_MAX / sizeof(btq_value)) return NULL;
        n->a.children = btq_arena_alloc(&doc->arena, count * sizeof(btq_value));
        if (!n->a.children) return NULL;
        memset(n->a.children, 0, count * sizeof(btq_value));
        for (size_t i = 0; i < count; i++) {
            n->a.children[i].type_id = UINT32_MAX;
            n->a.children[i].kind = BTQ_VALUE_TUPLE; /* an empty tuple until set */
        }
    }
    return n;
}

btq_value *btq_value_new_container(btq_value_doc *doc, btq_value_kind kind, size_t count)
{
    if (kind != BTQ_VALUE_COMPOSITE && kind != BTQ_VALUE_SEQUENCE && kind != BTQ_VALUE_ARRAY &&
        kind != BTQ_VALUE_TUPLE)
        return NULL;
    return new_children(doc, new_node(doc, kind), count);
}

btq_value *btq_value_new_variant(btq_value_doc *doc, const char *name, size_t count)
{
    if (!name) return NULL;
    btq_value *n = new_node(doc, BTQ_VALUE_VARIANT);
    if (!n) return NULL;
    n->vname = (const char *)copy_bytes(doc, name, strlen(name));
    if (!n->vname) return NULL;
    return new_children(doc, n, count);
}

int btq_value_set(btq_value_doc *doc, btq_value *parent, size_t i, const char *name,
                  const btq_value *child)
{
    if (!doc || !parent || !child || !is_container(parent) || i >= parent->count) return BTQ_EINVAL;
    btq_value *slot = &parent->a.children[i];
    *slot = *child;
    slot->name = NULL;
    if (name) {
        slot->name = (const char *)copy_bytes(doc, name, strlen(name));
        if (!slot->name) return BTQ_ENOMEM;
    }
    return 0;
}

void btq_value_set_type(btq_value *v, const btq_registry *reg, uint32_t type_id)
{
    if (!v) return;
    v->type = btq_registry_type(reg, type_id);
    v->type_id = v->type ? type_id : UINT32_MAX;
}
