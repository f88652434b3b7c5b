/* libFuzzer: arbitrary bytes into btq_metadata_unwrap_opaque and btq_metadata_parse. On
 * success, check the contract consumers rely on (every type id in range, lookups find what
 * iteration finds) and walk everything. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/metadata.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

static void check_types(const btq_registry *reg)
{
    uint32_t n = reg->ntypes;
    for (uint32_t i = 0; i < n; i++) {
        const btq_type *t = &reg->types[i];
        CHECK(t->path != NULL);
        (void)strlen(t->path);
        for (uint32_t j = 0; j < t->nparams; j++)
            CHECK(!t->params[j].has_type || t->params[j].type < n);
        switch (t->kind) {
        case BTQ_TYPE_COMPOSITE:
            for (uint32_t j = 0; j < t->u.composite.nfields; j++)
                CHECK(t->u.composite.fields[j].type < n);
            break;
        case BTQ_TYPE_VARIANT:
            for (uint32_t v = 0; v < t->u.variant.nvariants; v++) {
                const btq_variant *var = &t->u.variant.variants[v];
                CHECK(btq_type_variant_by_index(t, var->index) != NULL);
                for (uint32_t j = 0; j < var->nfields; j++)
                    CHECK(var->fields[j].type < n);
            }
            break;
        case BTQ_TYPE_SEQUENCE:
            CHECK(t->u.sequence.elem < n);
            break;
        case BTQ_TYPE_ARRAY:
            CHECK(t->u.array.elem < n);
            break;
        case BTQ_TYPE_TUPLE:
            for (uint32_t j = 0; j < t->u.tuple.nelems; j++)
                CHECK(t->u.tuple.elems[j] < n);
            break;
        case BTQ_TYPE_COMPACT:
            CHECK(t->u.compact.inner < n);
            break;
        case BTQ_TYPE_BITSEQ:
            CHECK(t->u.bitseq.store_type < n && t->u.bitseq.order_type < n);
            break;
        case BTQ_TYPE_PRIMITIVE:
            CHECK(t->u.primitive <= BTQ_PRIM_I256);
            break;
        default:
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The Option<OpaqueMetadata> wrapper the client unwraps first: the inner span must lie
     * inside the input and be the whole rest of it. */
    const uint8_t *inner = NULL;
    size_t inner_len = 0;
    if (btq_metadata_unwrap_opaque(data, size, &inner, &inner_len) == 0) {
        CHECK(inner ? inner >= data && inner + inner_len == data + size : inner_len == 0);
        CHECK(size && data[0] == (inner ? 1 : 0));
    }
    btq_metadata *md = NULL;
    btq_error err;
    memset(&err, 0, sizeof err);
    int rc = btq_metadata_parse(data, size, &md, &err);
    if (rc) {
        CHECK(rc < 0 && md == NULL && err.code == rc && err.offset <= size);
        return 0;
    }
    const btq_registry *reg = btq_metadata_registry(md);
    check_types(reg);
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pl = btq_metadata_pallet_at(md, p);
        CHECK(btq_metadata_pallet(md, pl->name) != NULL);
        for (uint32_t e = 0; e < pl->nstorage; e++) {
            const btq_storage_entry *se = &pl->storage[e];
            CHECK(btq_pallet_storage(md, pl, se->name) != NULL);
            CHECK(se->value_type < reg->ntypes);
            for (uint32_t h = 0; h < se->nhashers; h++)
                CHECK(se->key_types[h] < reg->ntypes && se->hashers[h] < BTQ_HASHER_COUNT);
        }
        for (uint32_t c = 0; c < pl->nconstants; c++)
            CHECK(btq_pallet_constant(md, pl, pl->constants[c].name) != NULL);
    }
    for (uint32_t a = 0; a < btq_metadata_napis(md); a++) {
        const btq_runtime_api *api = btq_metadata_api_at(md, a);
        const btq_runtime_api *found = btq_metadata_api(md, api->name);
        CHECK(found != NULL && strcmp(found->name, api->name) == 0);
        if (found != api) continue; /* a duplicate name: the first one wins */
        for (uint32_t m = 0; m < api->nmethods; m++)
            CHECK(btq_metadata_api_method(md, api->name, api->methods[m].name) != NULL);
    }
    /* the remaining accessors, and lookups that must agree with iteration */
    CHECK(btq_metadata_version(md) >= 14 && btq_metadata_version(md) <= 16);
    (void)btq_metadata_runtime_version(md);
    uint32_t rt = btq_metadata_runtime_type(md);
    CHECK(rt == BTQ_NO_TYPE || rt < reg->ntypes);
    CHECK(btq_metadata_extrinsic(md) != NULL && btq_metadata_outer_enums(md) != NULL);
    for (int h = 0; h <= BTQ_HASHER_COUNT; h++)
        CHECK(btq_metadata_hasher_name((btq_hasher)h) != NULL);
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pl = btq_metadata_pallet_at(md, p);
        const btq_pallet *byi = btq_metadata_pallet_by_index(md, pl->index);
        CHECK(byi != NULL && byi->index == pl->index);
        if (btq_metadata_pallet(md, pl->name) != pl) continue; /* a duplicate name */
        if (pl->nstorage) CHECK(btq_metadata_storage(md, pl->name, pl->storage[0].name) != NULL);
        if (pl->nconstants)
            CHECK(btq_metadata_constant(md, pl->name, pl->constants[0].name) != NULL);
    }
    uint32_t id = 0;
    if (reg->ntypes && reg->types[0].path[0] &&
        btq_metadata_find_type(md, reg->types[0].path, &id) == 0)
        CHECK(id < reg->ntypes && strcmp(reg->types[id].path, reg->types[0].path) == 0);
    CHECK(btq_metadata_find_type(md, "no::such::Type", &id) == BTQ_ENOTFOUND);
    (void)btq_metadata_spec_version(md);
    btq_metadata_unref(btq_metadata_ref(md));
    btq_metadata_unref(md);
    return 0;
}
