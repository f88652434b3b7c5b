/* Name lookups: one open-addressing hash table over (kind, parent, name) for pallets, storage
 * entries, constants, runtime APIs and methods, built once at parse time (the metadata is
 * immutable, so lookups are lock-free reads). On duplicate names the first one wins. */
#include <string.h>

#include "metadata_internal.h"

enum { K_PALLET = 1, K_STORAGE = 2, K_CONST = 3, K_API = 4, K_METHOD = 5 };
#define PARENT_MASK 0x0fffffffu

static uint32_t hash_name(const char *s, uint32_t kind, uint32_t parent)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        h = (h ^ *c) * 16777619u;
    h ^= kind * 0x9e3779b1u ^ parent * 0x85ebca6bu;
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    return h;
}

static const char *slot_name(const btq_metadata *md, const md_slot *s)
{
    uint32_t parent = s->key & PARENT_MASK;
    switch (s->key >> 28) {
    case K_PALLET:
        return md->pallets[s->index].name;
    case K_STORAGE:
        return md->pallets[parent].storage[s->index].name;
    case K_CONST:
        return md->pallets[parent].constants[s->index].name;
    case K_API:
        return md->apis[s->index].name;
    case K_METHOD:
        return md->apis[parent].methods[s->index].name;
    default:
        return "";
    }
}

/* Index of the item or UINT32_MAX. */
static uint32_t find(const btq_metadata *md, uint32_t kind, uint32_t parent, const char *name)
{
    if (!md->nslots || !name) return UINT32_MAX;
    uint32_t key = kind << 28 | parent, h = hash_name(name, kind, parent);
    uint32_t mask = md->nslots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        const md_slot *s = &md->slots[i];
        if (!s->key) return UINT32_MAX;
        if (s->hash == h && s->key == key && strcmp(slot_name(md, s), name) == 0) return s->index;
    }
}

static void insert(btq_metadata *md, uint32_t kind, uint32_t parent, uint32_t index,
                   const char *name)
{
    uint32_t key = kind << 28 | parent, h = hash_name(name, kind, parent);
    uint32_t mask = md->nslots - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        md_slot *s = &md->slots[i];
        if (!s->key) {
            *s = (md_slot){h, key, index};
            return;
        }
        if (s->hash == h && s->key == key && strcmp(slot_name(md, s), name) == 0) return;
    }
}

int btq__md_build_index(btq_metadata *md)
{
    size_t total = (size_t)md->npallets + md->napis;
    for (uint32_t i = 0; i < md->npallets; i++)
        total += (size_t)md->pallets[i].nstorage + md->pallets[i].nconstants;
    for (uint32_t i = 0; i < md->napis; i++)
        total += md->apis[i].nmethods;
    if (md->npallets > PARENT_MASK || md->napis > PARENT_MASK || total > UINT32_MAX / 4)
        return BTQ_ETOOMANY;
    uint32_t n = 16;
    while (n < total * 2)
        n *= 2; /* load <= 1/2 */
    md->slots = btq_arena_alloc(&md->arena, (size_t)n * sizeof *md->slots);
    if (!md->slots) return BTQ_ENOMEM;
    memset(md->slots, 0, (size_t)n * sizeof *md->slots);
    md->nslots = n;
    memset(md->pallet_by_index, 0, sizeof md->pallet_by_index);
    for (uint32_t i = 0; i < md->npallets; i++) {
        const btq_pallet *p = &md->pallets[i];
        insert(md, K_PALLET, 0, i, p->name);
        if (!md->pallet_by_index[p->index]) md->pallet_by_index[p->index] = (uint16_t)(i + 1);
        for (uint32_t j = 0; j < p->nstorage; j++)
            insert(md, K_STORAGE, i, j, p->storage[j].name);
        for (uint32_t j = 0; j < p->nconstants; j++)
            insert(md, K_CONST, i, j, p->constants[j].name);
    }
    for (uint32_t i = 0; i < md->napis; i++) {
        insert(md, K_API, 0, i, md->apis[i].name);
        for (uint32_t j = 0; j < md->apis[i].nmethods; j++)
            insert(md, K_METHOD, i, j, md->apis[i].methods[j].name);
    }
    return 0;
}

const btq_pallet *btq_metadata_pallet(const btq_metadata *md, const char *name)
{
    uint32_t i = md ? find(md, K_PALLET, 0, name) : UINT32_MAX;
    return i == UINT32_MAX ? NULL : &md->pallets[i];
}

const btq_pallet *btq_metadata_pallet_by_index(const btq_metadata *md, uint8_t index)
{
    if (!md || !md->pallet_by_index[index]) return NULL;
    return &md->pallets[md->pallet_by_index[index] - 1];
}

static uint32_t pallet_pos(const btq_metadata *md, const btq_pallet *p)
{
    if (!md || !p || p < md->pallets || p >= md->pallets + md->npallets) return UINT32_MAX;
    return (uint32_t)(p - md->pallets);
}

const btq_storage_entry *btq_pallet_storage(const btq_metadata *md, const btq_pallet *p,
                                            const char *item)
{
    uint32_t pi = pallet_pos(md, p);
    uint32_t i = pi == UINT32_MAX ? UINT32_MAX : find(md, K_STORAGE, pi, item);
    return i == UINT32_MAX ? NULL : &p->storage[i];
}

const btq_constant *btq_pallet_constant(const btq_metadata *md, const btq_pallet *p,
                                        const char *name)
{
    uint32_t pi = pallet_pos(md, p);
    uint32_t i = pi == UINT32_MAX ? UINT32_MAX : find(md, K_CONST, pi, name);
    return i == UINT32_MAX ? NULL : &p->constants[i];
}

const btq_storage_entry *btq_metadata_storage(const btq_metadata *md, const char *pallet,
                                              const char *item)
{
    return btq_pallet_storage(md, btq_metadata_pallet(md, pallet), item);
}

const btq_constant *btq_metadata_constant(const btq_metadata *md, const char *pallet,
                                          const char *name)
{
    return btq_pallet_constant(md, btq_metadata_pallet(md, pallet), name);
}

const btq_runtime_api *btq_metadata_api(const btq_metadata *md, const char *api)
{
    uint32_t i = md ? find(md, K_API, 0, api) : UINT32_MAX;
    return i == UINT32_MAX ? NULL : &md->apis[i];
}

const btq_api_method *btq_metadata_api_method(const btq_metadata *md, const char *api,
                                              const char *method)
{
    const btq_runtime_api *a = btq_metadata_api(md, api);
    if (!a) return NULL;
    uint32_t i = find(md, K_METHOD, (uint32_t)(a - md->apis), method);
    return i == UINT32_MAX ? NULL : &a->methods[i];
}

int btq_metadata_find_type(const btq_metadata *md, const char *path, uint32_t *out_id)
{
    if (!md || !path || !out_id) return BTQ_EINVAL;
    for (uint32_t i = 0; i < md->registry.ntypes; i++)
        if (strcmp(md->registry.types[i].path, path) == 0) {
            *out_id = i;
            return 0;
        }
    return BTQ_ENOTFOUND;
}
