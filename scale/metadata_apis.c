/* The sections after the pallets: extrinsic description, runtime type (V14/V15), runtime APIs
 * and outer enums (V15+), custom values (V15+, checked and skipped). */
#include <string.h>

#include "metadata_internal.h"

static int parse_extensions(md_parser *p, btq_extrinsic_info *x)
{
    uint32_t n;
    int rc = btq__md_count(p, 3, &n, "signed extensions");
    if (rc) return rc;
    btq_extension *es = btq__md_alloc(p, n, sizeof *es);
    if (!es) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        rc = btq__md_str(p, &es[i].identifier, "extension identifier");
        if (!rc) rc = btq__md_type_id(p, &es[i].type, "extension type");
        if (!rc) rc = btq__md_type_id(p, &es[i].additional_type, "extension additional type");
        if (rc) return rc;
    }
    x->nextensions = n;
    x->extensions = es;
    return 0;
}

/* V16: BTreeMap<u8, Vec<Compact<u32>>> of extension indices per extrinsic version. */
static int parse_extension_sets(md_parser *p, btq_extrinsic_info *x)
{
    uint32_t n;
    int rc = btq__md_count(p, 2, &n, "extensions by version");
    if (rc) return rc;
    btq_extension_set *ss = btq__md_alloc(p, n, sizeof *ss);
    if (!ss) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m;
        rc = btq__md_u8(p, &ss[i].version, "extension set version");
        if (!rc) rc = btq__md_count(p, 1, &m, "extension indices");
        if (rc) return rc;
        uint32_t *ix = btq__md_alloc(p, m, sizeof *ix);
        if (!ix) return BTQ_ENOMEM;
        for (uint32_t j = 0; j < m; j++)
            if ((rc = btq__md_compact(p, &ix[j], "extension index"))) return rc;
        ss[i].nindices = m;
        ss[i].indices = ix;
    }
    x->nsets = n;
    x->sets = ss;
    return 0;
}

/* V14 has no address/call/signature/extra fields, but UncheckedExtrinsic<Address, Call,
 * Signature, Extra> names them as generic parameters: use those when present. */
static void v14_params(md_parser *p, btq_extrinsic_info *x)
{
    const btq_type *t = &p->md->registry.types[x->type];
    for (uint32_t i = 0; i < t->nparams; i++) {
        const btq_type_param *tp = &t->params[i];
        if (!tp->has_type) continue;
        if (strcmp(tp->name, "Address") == 0)
            x->address_type = tp->type;
        else if (strcmp(tp->name, "Call") == 0)
            x->call_type = tp->type;
        else if (strcmp(tp->name, "Signature") == 0)
            x->signature_type = tp->type;
        else if (strcmp(tp->name, "Extra") == 0)
            x->extra_type = tp->type;
    }
}

int btq__md_parse_extrinsic(md_parser *p)
{
    btq_extrinsic_info *x = &p->md->extrinsic;
    memset(x, 0, sizeof *x);
    x->type = x->address_type = x->call_type = BTQ_NO_TYPE;
    x->signature_type = x->extra_type = BTQ_NO_TYPE;
    int rc;
    if (p->version == 14) {
        uint8_t *v = btq__md_alloc(p, 1, 1);
        if (!v) return BTQ_ENOMEM;
        rc = btq__md_type_id(p, &x->type, "extrinsic type");
        if (!rc) rc = btq__md_u8(p, v, "extrinsic version");
        x->nversions = 1;
        x->versions = v;
        if (rc) return rc;
        v14_params(p, x);
        return parse_extensions(p, x);
    }
    if (p->version == 15) {
        uint8_t *v = btq__md_alloc(p, 1, 1);
        if (!v) return BTQ_ENOMEM;
        rc = btq__md_u8(p, v, "extrinsic version");
        x->nversions = 1;
        x->versions = v;
        if (!rc) rc = btq__md_type_id(p, &x->address_type, "extrinsic address type");
        if (!rc) rc = btq__md_type_id(p, &x->call_type, "extrinsic call type");
        if (!rc) rc = btq__md_type_id(p, &x->signature_type, "extrinsic signature type");
        if (!rc) rc = btq__md_type_id(p, &x->extra_type, "extrinsic extra type");
        return rc ? rc : parse_extensions(p, x);
    }
    const uint8_t *vs;
    size_t nv;
    rc = btq__md_bytes(p, &vs, &nv, "extrinsic versions");
    if (rc) return rc;
    x->nversions = (uint32_t)nv;
    x->versions = vs;
    rc = btq__md_type_id(p, &x->address_type, "extrinsic address type");
    if (!rc) rc = btq__md_type_id(p, &x->call_type, "extrinsic call type");
    if (!rc) rc = btq__md_type_id(p, &x->signature_type, "extrinsic signature type");
    if (!rc) rc = parse_extension_sets(p, x);
    if (!rc) rc = parse_extensions(p, x);
    if (rc) return rc;
    for (uint32_t i = 0; i < x->nsets; i++)
        for (uint32_t j = 0; j < x->sets[i].nindices; j++)
            if (x->sets[i].indices[j] >= x->nextensions)
                return btq__md_fail(p, BTQ_ETOOMANY,
                                    "metadata: extrinsic version %u uses "
                                    "extension %u of %u",
                                    x->sets[i].version, x->sets[i].indices[j], x->nextensions);
    return 0;
}

int btq__md_parse_apis(md_parser *p)
{
    uint32_t n;
    int rc = btq__md_count(p, 3, &n, "runtime APIs");
    if (rc) return rc;
    btq_runtime_api *as = btq__md_alloc(p, n, sizeof *as);
    if (!as) return BTQ_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        btq_runtime_api *a = &as[i];
        uint32_t m;
        a->version = 0;
        a->deprecation = BTQ_NOT_DEPRECATED;
        rc = btq__md_str(p, &a->name, "runtime API name");
        if (!rc) rc = btq__md_count(p, 4, &m, "runtime API methods");
        if (rc) return rc;
        btq_api_method *ms = btq__md_alloc(p, m, sizeof *ms);
        if (!ms) return BTQ_ENOMEM;
        for (uint32_t j = 0; j < m; j++) {
            ms[j].deprecation = BTQ_NOT_DEPRECATED;
            rc = btq__md_str(p, &ms[j].name, "runtime API method name");
            if (!rc) rc = btq__md_parse_params(p, &ms[j].ninputs, &ms[j].inputs);
            if (!rc) rc = btq__md_type_id(p, &ms[j].output, "runtime API method output");
            if (!rc) rc = btq__md_skip_docs(p);
            if (!rc && p->version >= 16) rc = btq__md_deprecation(p, &ms[j].deprecation);
            if (rc) return rc;
        }
        a->nmethods = m;
        a->methods = ms;
        rc = btq__md_skip_docs(p);
        if (!rc && p->version >= 16) rc = btq__md_compact(p, &a->version, "runtime API version");
        if (!rc && p->version >= 16) rc = btq__md_deprecation(p, &a->deprecation);
        if (rc) return rc;
    }
    p->md->napis = n;
    p->md->apis = as;
    return 0;
}

int btq__md_parse_outer_enums(md_parser *p)
{
    btq_outer_enums *o = &p->md->outer;
    int rc = btq__md_type_id(p, &o->call_type, "outer call enum");
    if (!rc) rc = btq__md_type_id(p, &o->event_type, "outer event enum");
    if (!rc) rc = btq__md_type_id(p, &o->error_type, "outer error enum");
    return rc;
}

int btq__md_skip_custom(md_parser *p)
{
    uint32_t n;
    int rc = btq__md_count(p, 3, &n, "custom values");
    for (uint32_t i = 0; !rc && i < n; i++) {
        uint32_t ty;
        const uint8_t *b;
        size_t len;
        rc = btq__md_skip_str(p, "custom value name");
        if (!rc) rc = btq__md_type_id(p, &ty, "custom value type");
        if (!rc && (rc = btq_read_byte_vec(&p->r, &b, &len)))
            rc = btq__md_fail(p, rc, "metadata: custom value: %s", btq_strerror(rc));
    }
    return rc;
}
