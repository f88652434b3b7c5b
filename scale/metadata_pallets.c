/* Pallets: name, storage (prefix + entries), calls / event / error type ids, constants, index;
 * V15 adds docs; V16 adds deprecation info everywhere, associated types and view functions. */
#include <string.h>

#include "metadata_internal.h"

#define MIN_PALLET 7u /* name, storage, calls, event, constants, error options/lengths, index */
#define MIN_ENTRY 6u  /* name, modifier, type tag + id, default, docs */
#define MIN_CONST 4u  /* name, type, value, docs */
#define MIN_PARAM 2u  /* name, type */

static int parse_key_types(md_parser *p, btq_storage_entry *e)
{
    if (e->nhashers == 1) {
        e->key_types = &e->key_type;
        return 0;
    }
    const btq_type *kt = &p->md->registry.types[e->key_type];
    if (kt->kind == BTQ_TYPE_TUPLE && kt->u.tuple.nelems == e->nhashers) {
        e->key_types = kt->u.tuple.elems;
        return 0;
    }
    /* n hashers over a key that is not an n-tuple (not produced by FRAME): repeat the key */
    uint32_t *ks = btq__md_alloc(p, e->nhashers ? e->nhashers : 1, sizeof *ks);
    if (!ks) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < e->nhashers; i++)
        ks[i] = e->key_type;
    e->key_types = ks;
    return 0;
}

static int parse_entry_type(md_parser *p, btq_storage_entry *e)
{
    uint8_t tag;
    int rc = btq__md_u8(p, &tag, "storage entry type");
    if (rc) return rc;
    e->nhashers = 0;
    e->hashers = NULL;
    e->key_type = BTQ_NO_TYPE;
    e->key_types = NULL;
    if (tag == 0) {
        e->is_map = 0;
        return btq__md_type_id(p, &e->value_type, "storage value type");
    }
    if (tag != 1) {
        p->r.pos--;
        return btq__md_fail(p, BTQ_EBADVARIANT, "metadata: storage entry type tag %u", tag);
    }
    e->is_map = 1;
    uint32_t nh;
    rc = btq__md_count(p, 1, &nh, "storage hashers");
    if (rc) return rc;
    btq_hasher *hs = btq__md_alloc(p, nh, sizeof *hs);
    if (!hs) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < nh; i++) {
        uint8_t h;
        if ((rc = btq__md_u8(p, &h, "storage hasher"))) return rc;
        if (h >= BTQ_HASHER_COUNT) {
            p->r.pos--;
            return btq__md_fail(p, BTQ_EHASHER, "metadata: storage hasher %u", h);
        }
        hs[i] = (btq_hasher)h;
    }
    e->nhashers = nh;
    e->hashers = hs;
    rc = btq__md_type_id(p, &e->key_type, "storage key type");
    if (!rc) rc = btq__md_type_id(p, &e->value_type, "storage value type");
    if (!rc && nh) rc = parse_key_types(p, e);
    return rc;
}

static int parse_storage(md_parser *p, btq_pallet *pl)
{
    int some = 0, rc = btq__md_option(p, &some, "pallet storage");
    if (rc || !some) return rc;
    uint32_t n;
    rc = btq__md_str(p, &pl->storage_prefix, "storage prefix");
    if (!rc) rc = btq__md_count(p, MIN_ENTRY, &n, "storage entries");
    if (rc) return rc;
    btq_storage_entry *es = btq__md_alloc(p, n, sizeof *es);
    if (!es) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        btq_storage_entry *e = &es[i];
        uint8_t mod;
        e->deprecation = BTQ_NOT_DEPRECATED;
        rc = btq__md_str(p, &e->name, "storage entry name");
        if (!rc) rc = btq__md_u8(p, &mod, "storage modifier");
        if (rc) return rc;
        if (mod > 1) {
            p->r.pos--;
            return btq__md_fail(p, BTQ_EBADVARIANT, "metadata: storage modifier %u", mod);
        }
        e->modifier = (btq_storage_modifier)mod;
        rc = parse_entry_type(p, e);
        if (!rc) rc = btq__md_bytes(p, &e->default_value, &e->default_len, "storage default");
        if (!rc) rc = btq__md_skip_docs(p);
        if (!rc && p->version >= 16) rc = btq__md_deprecation(p, &e->deprecation);
        if (rc) return rc;
    }
    pl->nstorage = n;
    pl->storage = es;
    return 0;
}

/* Option<{ty}> (V16: plus EnumDeprecationInfo) for calls, event and error. */
static int parse_enum_ref(md_parser *p, uint32_t *out, const char *what)
{
    int some = 0, rc = btq__md_option(p, &some, what);
    *out = BTQ_NO_TYPE;
    if (rc || !some) return rc;
    rc = btq__md_type_id(p, out, what);
    if (!rc && p->version >= 16) rc = btq__md_enum_deprecation(p);
    return rc;
}

static int parse_constants(md_parser *p, btq_pallet *pl)
{
    uint32_t n;
    int rc = btq__md_count(p, MIN_CONST, &n, "constants");
    if (rc) return rc;
    btq_constant *cs = btq__md_alloc(p, n, sizeof *cs);
    if (!cs) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        cs[i].deprecation = BTQ_NOT_DEPRECATED;
        rc = btq__md_str(p, &cs[i].name, "constant name");
        if (!rc) rc = btq__md_type_id(p, &cs[i].type, "constant type");
        if (!rc) rc = btq__md_bytes(p, &cs[i].value, &cs[i].value_len, "constant value");
        if (!rc) rc = btq__md_skip_docs(p);
        if (!rc && p->version >= 16) rc = btq__md_deprecation(p, &cs[i].deprecation);
        if (rc) return rc;
    }
    pl->nconstants = n;
    pl->constants = cs;
    return 0;
}

int btq__md_parse_params(md_parser *p, uint32_t *out_n, const btq_param **out)
{
    uint32_t n;
    int rc = btq__md_count(p, MIN_PARAM, &n, "parameters");
    if (rc) return rc;
    btq_param *ps = btq__md_alloc(p, n, sizeof *ps);
    if (!ps) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        rc = btq__md_str(p, &ps[i].name, "parameter name");
        if (!rc) rc = btq__md_type_id(p, &ps[i].type, "parameter type");
        if (rc) return rc;
    }
    *out_n = n;
    *out = ps;
    return 0;
}

static int parse_v16_extras(md_parser *p, btq_pallet *pl)
{
    uint32_t n;
    int rc = btq__md_count(p, 3, &n, "associated types");
    if (rc) return rc;
    btq_associated_type *as = btq__md_alloc(p, n, sizeof *as);
    if (!as) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        rc = btq__md_str(p, &as[i].name, "associated type name");
        if (!rc) rc = btq__md_type_id(p, &as[i].type, "associated type");
        if (!rc) rc = btq__md_skip_docs(p);
        if (rc) return rc;
    }
    pl->nassociated = n;
    pl->associated = as;
    rc = btq__md_count(p, 32 + 5, &n, "view functions");
    if (rc) return rc;
    btq_view_function *vs = btq__md_alloc(p, n, sizeof *vs);
    if (!vs) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *id;
        if ((rc = btq_read_bytes(&p->r, 32, &id)))
            return btq__md_fail(p, rc, "metadata: view function id: %s", btq_strerror(rc));
        memcpy(vs[i].id, id, 32);
        rc = btq__md_str(p, &vs[i].name, "view function name");
        if (!rc) rc = btq__md_parse_params(p, &vs[i].ninputs, &vs[i].inputs);
        if (!rc) rc = btq__md_type_id(p, &vs[i].output, "view function output");
        if (!rc) rc = btq__md_skip_docs(p);
        if (!rc) rc = btq__md_deprecation(p, &vs[i].deprecation);
        if (rc) return rc;
    }
    pl->nview_functions = n;
    pl->view_functions = vs;
    return 0;
}

int btq__md_parse_pallets(md_parser *p)
{
    uint32_t n;
    int rc = btq__md_count(p, MIN_PALLET, &n, "pallets");
    if (rc) return rc;
    btq_pallet *ps = btq__md_alloc(p, n, sizeof *ps);
    if (!ps) return BTQ_ENOMEM;
    memset(ps, 0, (size_t)n * sizeof *ps);
    for (uint32_t i = 0; i < n; i++) {
        btq_pallet *pl = &ps[i];
        rc = btq__md_str(p, &pl->name, "pallet name");
        if (!rc) rc = parse_storage(p, pl);
        if (!rc) rc = parse_enum_ref(p, &pl->calls_type, "pallet calls");
        if (!rc) rc = parse_enum_ref(p, &pl->events_type, "pallet event");
        if (!rc) rc = parse_constants(p, pl);
        if (!rc) rc = parse_enum_ref(p, &pl->errors_type, "pallet error");
        if (!rc && p->version >= 16) rc = parse_v16_extras(p, pl);
        if (!rc) rc = btq__md_u8(p, &pl->index, "pallet index");
        if (!rc && p->version >= 15) rc = btq__md_skip_docs(p);
        if (!rc && p->version >= 16) rc = btq__md_deprecation(p, &pl->deprecation);
        if (rc) return rc;
    }
    p->md->npallets = n;
    p->md->pallets = ps;
    return 0;
}
