/* RuntimeMetadataPrefixed: magic "meta", version byte, then the V14 / V15 / V16 body. Also the
 * handle's lifecycle and whole-metadata accessors. */
#include <string.h>

#include "metadata_internal.h"
#include "scale_internal.h"

#define META_MAGIC 0x6174656du /* "meta" read as a little-endian u32 */

/* System.Version (sp_version::RuntimeVersion) by its fixed layout: spec_name, impl_name,
 * authoring_version, spec_version, impl_version, apis: Vec<([u8; 8], u32)>,
 * transaction_version. A constant that does not decode leaves the version unknown (0);
 * only running out of memory is an error. */
static int decode_runtime_version(btq_metadata *md)
{
    const btq_constant *c = btq_metadata_constant(md, "System", "Version");
    if (!c) return 0;
    btq_reader r;
    btq_reader_init(&r, c->value, c->value_len);
    const char *spec, *impl;
    size_t spec_len, impl_len, napis;
    btq_runtime_version *v = &md->runtime_version;
    if (btq_read_str(&r, &spec, &spec_len) || btq_read_str(&r, &impl, &impl_len) ||
        btq_read_u32(&r, &v->authoring_version) || btq_read_u32(&r, &v->spec_version) ||
        btq_read_u32(&r, &v->impl_version))
        return 0;
    v->spec_name = btq_arena_strdup(&md->arena, spec, spec_len);
    v->impl_name = btq_arena_strdup(&md->arena, impl, impl_len);
    if (!v->spec_name || !v->impl_name) return BTQ_ENOMEM;
    v->transaction_version = 0;
    const uint8_t *skip;
    if (!btq_read_length(&r, 12, &napis) && !btq_read_bytes(&r, napis * 12, &skip))
        (void)btq_read_u32(&r, &v->transaction_version);
    md->has_runtime_version = 1;
    return 0;
}

/* V14 has no outer enums, but the RuntimeCall is UncheckedExtrinsic's Call parameter and the
 * RuntimeEvent is the E parameter of System.Events' Vec<EventRecord<E, T>>. The error enum
 * V15 describes is synthesised by the runtime and stays unknown. */
static void derive_v14_outer(btq_metadata *md)
{
    md->outer.call_type = md->extrinsic.call_type;
    const btq_storage_entry *e = btq_metadata_storage(md, "System", "Events");
    if (!e) return;
    const btq_type *seq = &md->registry.types[e->value_type];
    if (seq->kind != BTQ_TYPE_SEQUENCE) return;
    const btq_type *rec = &md->registry.types[seq->u.sequence.elem];
    for (uint32_t i = 0; i < rec->nparams; i++)
        if (rec->params[i].has_type && strcmp(rec->params[i].name, "E") == 0) {
            md->outer.event_type = rec->params[i].type;
            return;
        }
}

static int parse_body(md_parser *p)
{
    int rc = btq__md_parse_registry(p);
    if (!rc) rc = btq__md_check_types(p);
    if (!rc) rc = btq__md_parse_pallets(p);
    if (!rc) rc = btq__md_parse_extrinsic(p);
    if (rc) return rc;
    p->md->runtime_type = BTQ_NO_TYPE;
    p->md->outer.call_type = p->md->outer.event_type = p->md->outer.error_type = BTQ_NO_TYPE;
    if (p->version <= 15 && (rc = btq__md_type_id(p, &p->md->runtime_type, "runtime type")))
        return rc;
    if (p->version >= 15) {
        rc = btq__md_parse_apis(p);
        if (!rc) rc = btq__md_parse_outer_enums(p);
        if (!rc) rc = btq__md_skip_custom(p);
        if (rc) return rc;
    }
    if (btq_reader_remaining(&p->r))
        return btq__md_fail(p, BTQ_ETRAILING, "metadata: %zu trailing bytes after the V%u body",
                            btq_reader_remaining(&p->r), p->version);
    return 0;
}

int btq_metadata_parse(const void *bytes, size_t len, btq_metadata **out, btq_error *err)
{
    if (err) btq_error_clear(err);
    if (!out || (!bytes && len)) return btq__error_set(err, BTQ_EINVAL, 0, "metadata: NULL");
    *out = NULL;
    md_parser p = {.err = err};
    btq_reader_init(&p.r, bytes, len);
    uint32_t magic;
    uint8_t version;
    if (btq_read_u32(&p.r, &magic)) {
        /* a prefix of "meta" is merely short; anything else is not metadata */
        int code = len == 0 || memcmp(bytes, "meta", len) == 0 ? BTQ_ESHORT : BTQ_EMAGIC;
        return btq__error_set(err, code, 0, "metadata: %zu bytes, too short for the 'meta' magic",
                              len);
    }
    if (magic != META_MAGIC)
        return btq__error_set(err, BTQ_EMAGIC, 0, "metadata: bad magic 0x%08x (want 'meta')",
                              (unsigned)magic);
    if (btq_read_u8(&p.r, &version))
        return btq__error_set(err, BTQ_ESHORT, 4, "metadata: no version byte after the magic");
    if (version < 14 || version > 16)
        return btq__error_set(err, BTQ_EMDVERSION, 4,
                              "metadata: version V%u not supported (V14, V15 and V16 are)",
                              (unsigned)version);
    btq_metadata *md = btq_calloc(1, sizeof *md);
    if (!md) return btq__error_set(err, BTQ_ENOMEM, 0, "metadata: out of memory");
    atomic_init(&md->refs, 1);
    md->version = version;
    /* The kept structures are usually a bit smaller than the input (docs are dropped), so one
     * chunk of the input's size rarely needs a second. */
    btq_arena_init(&md->arena, NULL, 0);
    btq_arena_hint(&md->arena, len + len / 4);
    p.md = md;
    p.arena = &md->arena;
    p.version = version;
    int rc = parse_body(&p);
    if (!rc) rc = btq__md_build_index(md);
    if (!rc) rc = decode_runtime_version(md);
    if (!rc && version == 14) derive_v14_outer(md);
    if (rc) {
        if (err && err->code != rc) /* failures outside the reader wrappers */
            btq__error_set(err, rc, p.r.pos, "metadata: %s", btq_strerror(rc));
        btq_metadata_unref(md);
        return rc;
    }
    *out = md;
    return 0;
}

btq_metadata *btq_metadata_ref(btq_metadata *md)
{
    if (md) atomic_fetch_add_explicit(&md->refs, 1, memory_order_relaxed);
    return md;
}

void btq_metadata_unref(btq_metadata *md)
{
    if (!md) return;
    if (atomic_fetch_sub_explicit(&md->refs, 1, memory_order_acq_rel) != 1) return;
    btq_arena_free(&md->arena);
    btq_free(md);
}

unsigned btq_metadata_version(const btq_metadata *md)
{
    return md ? md->version : 0;
}

const btq_registry *btq_metadata_registry(const btq_metadata *md)
{
    return md ? &md->registry : NULL;
}

uint32_t btq_metadata_spec_version(const btq_metadata *md)
{
    return md && md->has_runtime_version ? md->runtime_version.spec_version : 0;
}

const btq_runtime_version *btq_metadata_runtime_version(const btq_metadata *md)
{
    return md && md->has_runtime_version ? &md->runtime_version : NULL;
}

uint32_t btq_metadata_runtime_type(const btq_metadata *md)
{
    return md ? md->runtime_type : BTQ_NO_TYPE;
}

const btq_extrinsic_info *btq_metadata_extrinsic(const btq_metadata *md)
{
    return md ? &md->extrinsic : NULL;
}

const btq_outer_enums *btq_metadata_outer_enums(const btq_metadata *md)
{
    return md ? &md->outer : NULL;
}

uint32_t btq_metadata_npallets(const btq_metadata *md)
{
    return md ? md->npallets : 0;
}

const btq_pallet *btq_metadata_pallet_at(const btq_metadata *md, uint32_t i)
{
    return md && i < md->npallets ? &md->pallets[i] : NULL;
}

uint32_t btq_metadata_napis(const btq_metadata *md)
{
    return md ? md->napis : 0;
}

const btq_runtime_api *btq_metadata_api_at(const btq_metadata *md, uint32_t i)
{
    return md && i < md->napis ? &md->apis[i] : NULL;
}

const char *btq_metadata_hasher_name(btq_hasher h)
{
    static const char *const names[BTQ_HASHER_COUNT] = {
        "Blake2_128", "Blake2_256",   "Blake2_128Concat", "Twox128",
        "Twox256",    "Twox64Concat", "Identity"};
    return (unsigned)h < BTQ_HASHER_COUNT ? names[h] : "?";
}
