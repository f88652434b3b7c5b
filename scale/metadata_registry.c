/* The portable type registry (scale-info PortableRegistry): Vec<PortableType> where each type is
 * { id: Compact<u32>, path: Vec<String>, params: Vec<{name, Option<type>}>, def: TypeDef,
 *   docs: Vec<String> }. Ids must equal their position (scale-info always writes them so),
 * which makes btq_registry.types directly indexable. */
#include <string.h>

#include "metadata_internal.h"

/* Smallest encodings, used to bound counts by the remaining input before allocating:
 * a type is id + path + params + def tag + def body + docs = 6 bytes at least; a field is
 * name option + type + type_name option + docs = 4; a variant is name + fields + index +
 * docs = 4; a type parameter is name + option = 2. */
#define MIN_TYPE 6u
#define MIN_FIELD 4u
#define MIN_VARIANT 4u
#define MIN_PARAM 2u

static const char empty_str[1] = "";

/* Path segments joined with "::". Two passes over the segments: size, then copy. */
static int parse_path(md_parser *p, const char **out)
{
    uint32_t n;
    int rc = btq__md_count(p, 1, &n, "type path");
    if (rc) return rc;
    if (n == 0) {
        *out = empty_str;
        return 0;
    }
    size_t start = p->r.pos, total = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *s;
        size_t len;
        rc = btq_read_str(&p->r, &s, &len);
        if (rc) return btq__md_fail(p, rc, "metadata: type path segment: %s", btq_strerror(rc));
        total += len + 2;
    }
    char *d = btq__md_alloc(p, total - 1, 1); /* segments, n-1 "::" and the NUL */
    if (!d) return BTQ_ENOMEM;
    p->r.pos = start;
    char *w = d;
    for (uint32_t i = 0; i < n; i++) {
        const char *s;
        size_t len;
        (void)btq_read_str(&p->r, &s, &len); /* validated by the first pass */
        if (i) {
            *w++ = ':';
            *w++ = ':';
        }
        memcpy(w, s, len);
        w += len;
    }
    *w = '\0';
    *out = d;
    return 0;
}

static int parse_params(md_parser *p, btq_type *t)
{
    uint32_t n;
    int rc = btq__md_count(p, MIN_PARAM, &n, "type parameters");
    if (rc) return rc;
    t->nparams = n;
    t->params = NULL;
    if (!n) return 0;
    btq_type_param *ps = btq__md_alloc(p, n, sizeof *ps);
    if (!ps) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        int some = 0;
        rc = btq__md_str(p, &ps[i].name, "type parameter name");
        if (!rc) rc = btq__md_option(p, &some, "type parameter type");
        if (rc) return rc;
        ps[i].has_type = some;
        ps[i].type = 0;
        if (some && (rc = btq__md_type_id(p, &ps[i].type, "type parameter type"))) return rc;
    }
    t->params = ps;
    return 0;
}

static int parse_fields(md_parser *p, uint32_t *out_n, const btq_field **out)
{
    uint32_t n;
    int rc = btq__md_count(p, MIN_FIELD, &n, "fields");
    if (rc) return rc;
    *out_n = n;
    *out = NULL;
    if (!n) return 0;
    btq_field *fs = btq__md_alloc(p, n, sizeof *fs);
    if (!fs) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        rc = btq__md_opt_str(p, &fs[i].name, "field name");
        if (!rc) rc = btq__md_type_id(p, &fs[i].type, "field type");
        if (!rc) rc = btq__md_opt_str(p, &fs[i].type_name, "field type name");
        if (!rc) rc = btq__md_skip_docs(p);
        if (rc) return rc;
    }
    *out = fs;
    return 0;
}

static int parse_variants(md_parser *p, btq_type *t)
{
    uint32_t n;
    int rc = btq__md_count(p, MIN_VARIANT, &n, "variants");
    if (rc) return rc;
    t->u.variant.nvariants = n;
    t->u.variant.variants = NULL;
    if (!n) return 0;
    btq_variant *vs = btq__md_alloc(p, n, sizeof *vs);
    if (!vs) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        rc = btq__md_str(p, &vs[i].name, "variant name");
        if (!rc) rc = parse_fields(p, &vs[i].nfields, &vs[i].fields);
        if (!rc) rc = btq__md_u8(p, &vs[i].index, "variant index");
        if (!rc) rc = btq__md_skip_docs(p);
        if (rc) return rc;
    }
    t->u.variant.variants = vs;
    return 0;
}

static int parse_def(md_parser *p, btq_type *t)
{
    uint8_t tag;
    int rc = btq__md_u8(p, &tag, "type definition");
    if (rc) return rc;
    switch (tag) {
    case BTQ_TYPE_COMPOSITE:
        t->kind = BTQ_TYPE_COMPOSITE;
        return parse_fields(p, &t->u.composite.nfields, &t->u.composite.fields);
    case BTQ_TYPE_VARIANT:
        t->kind = BTQ_TYPE_VARIANT;
        return parse_variants(p, t);
    case BTQ_TYPE_SEQUENCE:
        t->kind = BTQ_TYPE_SEQUENCE;
        return btq__md_type_id(p, &t->u.sequence.elem, "sequence element type");
    case BTQ_TYPE_ARRAY:
        t->kind = BTQ_TYPE_ARRAY;
        rc = btq__md_u32(p, &t->u.array.len, "array length");
        return rc ? rc : btq__md_type_id(p, &t->u.array.elem, "array element type");
    case BTQ_TYPE_TUPLE: {
        uint32_t n;
        t->kind = BTQ_TYPE_TUPLE;
        rc = btq__md_count(p, 1, &n, "tuple elements");
        if (rc) return rc;
        t->u.tuple.nelems = n;
        t->u.tuple.elems = NULL;
        if (!n) return 0;
        uint32_t *es = btq__md_alloc(p, n, sizeof *es);
        if (!es) return BTQ_ENOMEM;
        for (uint32_t i = 0; i < n; i++)
            if ((rc = btq__md_type_id(p, &es[i], "tuple element type"))) return rc;
        t->u.tuple.elems = es;
        return 0;
    }
    case BTQ_TYPE_PRIMITIVE: {
        uint8_t prim;
        t->kind = BTQ_TYPE_PRIMITIVE;
        rc = btq__md_u8(p, &prim, "primitive");
        if (rc) return rc;
        if (prim > BTQ_PRIM_I256) {
            p->r.pos--;
            return btq__md_fail(p, BTQ_EBADVARIANT, "metadata: unknown primitive %u", prim);
        }
        t->u.primitive = (btq_prim)prim;
        return 0;
    }
    case BTQ_TYPE_COMPACT:
        t->kind = BTQ_TYPE_COMPACT;
        return btq__md_type_id(p, &t->u.compact.inner, "compact inner type");
    case BTQ_TYPE_BITSEQ:
        t->kind = BTQ_TYPE_BITSEQ;
        rc = btq__md_type_id(p, &t->u.bitseq.store_type, "bit store type");
        if (!rc) rc = btq__md_type_id(p, &t->u.bitseq.order_type, "bit order type");
        /* store and order are resolved once every type is known (btq__md_check_types) */
        t->u.bitseq.store = BTQ_BITSTORE_U8;
        t->u.bitseq.order = BTQ_BITORDER_LSB0;
        return rc;
    default:
        p->r.pos--;
        return btq__md_fail(p, BTQ_EBADVARIANT, "metadata: unknown type definition tag %u", tag);
    }
}

int btq__md_parse_registry(md_parser *p)
{
    size_t start = p->r.pos;
    uint32_t n;
    int rc = btq__md_count(p, MIN_TYPE, &n, "types");
    if (rc) return rc;
    if (n > BTQ_METADATA_MAX_TYPES) {
        p->r.pos = start;
        return btq__md_fail(p, BTQ_ETOOMANY, "metadata: %u types, more than the limit %u", n,
                            BTQ_METADATA_MAX_TYPES);
    }
    p->ntypes = n;
    btq_type *types = n ? btq__md_alloc(p, n, sizeof *types) : NULL;
    if (n && !types) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        btq_type *t = &types[i];
        uint32_t id;
        size_t at = p->r.pos;
        rc = btq__md_compact(p, &id, "type id");
        if (rc) return rc;
        if (id != i) {
            p->r.pos = at;
            return btq__md_fail(p, BTQ_ETYPEID, "metadata: type id %u at position %u", id, i);
        }
        t->min_size = 0;
        rc = parse_path(p, &t->path);
        if (!rc) rc = parse_params(p, t);
        if (!rc) rc = parse_def(p, t);
        if (!rc) rc = btq__md_skip_docs(p);
        if (rc) return rc;
    }
    p->md->registry.ntypes = n;
    p->md->registry.types = types;
    return 0;
}
