/* Registry lookups shared by the decoder, encoder and metadata queries. */
#include <string.h>

#include "btq/registry.h"

const btq_variant *btq_type_variant_by_index(const btq_type *t, uint8_t index)
{
    if (!t || t->kind != BTQ_TYPE_VARIANT) return NULL;
    for (uint32_t i = 0; i < t->u.variant.nvariants; i++)
        if (t->u.variant.variants[i].index == index) return &t->u.variant.variants[i];
    return NULL;
}

const btq_variant *btq_type_variant_by_name(const btq_type *t, const char *name)
{
    if (!t || !name || t->kind != BTQ_TYPE_VARIANT) return NULL;
    for (uint32_t i = 0; i < t->u.variant.nvariants; i++)
        if (strcmp(t->u.variant.variants[i].name, name) == 0) return &t->u.variant.variants[i];
    return NULL;
}
