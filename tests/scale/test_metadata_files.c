/* Metadata: every real file in shared/chain/metadata parses, with facts checked against what is
 * known independently (file names, chain/README.md, the Bittensor runtime sources). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/metadata.h"
#include "btq_test.h"

typedef struct md_file {
    const char *name;
    unsigned version;
    uint32_t spec;
    uint32_t pallets; /* 0: not checked */
} md_file;

static const md_file files[] = {
    {"devnet_spec381_v16.scale", 16, 381, 0},  {"devnet_spec346_v16.scale", 16, 346, 0},
    {"devnet_spec240_v15.scale", 15, 240, 0},  {"finney_spec343_v14.scale", 14, 343, 0},
    {"finney_spec343_v15.scale", 15, 343, 0},  {"finney_spec393_v15.scale", 15, 393, 0},
    {"finney_spec393_v14.scale", 14, 393, 0},  {"raonet_spec218_v14.scale", 14, 218, 26},
    {"raonet_spec218_v15.scale", 15, 218, 26}, {"testfinney_spec103_v14.scale", 14, 103, 9},
};
#define NFILES ((int)(sizeof files / sizeof files[0]))

static btq_metadata *load(const char *name, uint8_t **bytes, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "chain/metadata/%s", name);
    size_t n;
    uint8_t *b = btq_test_read_file(btq_test_shared_path(rel), &n);
    ck_assert_msg(b != NULL, "cannot read %s", rel);
    btq_metadata *md = NULL;
    btq_error err = {0};
    int rc = btq_metadata_parse(b, n, &md, &err);
    ck_assert_msg(rc == 0, "%s: %s: %s at %zu", name, btq_err_name(rc), err.message, err.offset);
    if (bytes) {
        *bytes = b;
        *len = n;
    } else {
        free(b);
    }
    return md;
}

/* Follow single-field composites (newtypes such as NetUid(u16)) down to the inner type. */
static const btq_type *unwrap(const btq_registry *reg, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    for (int i = 0; t && i < 16 && t->kind == BTQ_TYPE_COMPOSITE && t->u.composite.nfields == 1;
         i++)
        t = btq_registry_type(reg, t->u.composite.fields[0].type);
    return t;
}

START_TEST(file_parses_with_version_and_spec_version_of_its_name)
{
    const md_file *f = &files[_i];
    btq_metadata *md = load(f->name, NULL, NULL);
    ck_assert_uint_eq(btq_metadata_version(md), f->version);
    ck_assert_uint_eq(btq_metadata_spec_version(md), f->spec);
    const btq_runtime_version *rv = btq_metadata_runtime_version(md);
    ck_assert_ptr_nonnull(rv);
    ck_assert_str_eq(rv->spec_name, "node-subtensor");
    ck_assert_uint_eq(rv->spec_version, f->spec);
    if (f->pallets) ck_assert_uint_eq(btq_metadata_npallets(md), f->pallets);
    ck_assert_uint_gt(btq_metadata_npallets(md), 5);
    ck_assert_uint_gt(btq_metadata_registry(md)->ntypes, 100);
    btq_metadata_unref(md);
}
END_TEST

START_TEST(file_every_type_id_is_in_range_and_min_size_is_set)
{
    btq_metadata *md = load(files[_i].name, NULL, NULL);
    const btq_registry *reg = btq_metadata_registry(md);
    uint32_t n = reg->ntypes;
    for (uint32_t i = 0; i < n; i++) {
        const btq_type *t = &reg->types[i];
        ck_assert_ptr_nonnull(t->path);
        for (uint32_t j = 0; j < t->nparams; j++)
            if (t->params[j].has_type) ck_assert_uint_lt(t->params[j].type, n);
        switch (t->kind) {
        case BTQ_TYPE_COMPOSITE:
            for (uint32_t j = 0; j < t->u.composite.nfields; j++)
                ck_assert_uint_lt(t->u.composite.fields[j].type, n);
            break;
        case BTQ_TYPE_VARIANT:
            ck_assert_uint_ge(t->min_size, 1);
            for (uint32_t v = 0; v < t->u.variant.nvariants; v++)
                for (uint32_t j = 0; j < t->u.variant.variants[v].nfields; j++)
                    ck_assert_uint_lt(t->u.variant.variants[v].fields[j].type, n);
            break;
        case BTQ_TYPE_SEQUENCE:
            ck_assert_uint_eq(t->min_size, 1);
            break;
        case BTQ_TYPE_COMPACT:
            ck_assert_uint_eq(t->min_size, 1);
            break;
        case BTQ_TYPE_PRIMITIVE:
            ck_assert_uint_ge(t->min_size, 1);
            break;
        default:
            break;
        }
    }
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pl = btq_metadata_pallet_at(md, p);
        ck_assert_ptr_eq(btq_metadata_pallet(md, pl->name), pl);
        ck_assert_ptr_eq(btq_metadata_pallet_by_index(md, pl->index), pl);
        for (uint32_t e = 0; e < pl->nstorage; e++) {
            const btq_storage_entry *se = &pl->storage[e];
            ck_assert_ptr_eq(btq_pallet_storage(md, pl, se->name), se);
            ck_assert_uint_lt(se->value_type, n);
            for (uint32_t h = 0; h < se->nhashers; h++)
                ck_assert_uint_lt(se->key_types[h], n);
        }
        for (uint32_t c = 0; c < pl->nconstants; c++)
            ck_assert_ptr_eq(btq_pallet_constant(md, pl, pl->constants[c].name), &pl->constants[c]);
    }
    btq_metadata_unref(md);
}
END_TEST

START_TEST(file_tempo_is_identity_map_u16_to_u16_with_default)
{
    btq_metadata *md = load(files[_i].name, NULL, NULL);
    const btq_registry *reg = btq_metadata_registry(md);
    const btq_storage_entry *e = btq_metadata_storage(md, "SubtensorModule", "Tempo");
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(e->is_map, 1);
    ck_assert_uint_eq(e->nhashers, 1);
    ck_assert_int_eq(e->hashers[0], BTQ_HASHER_IDENTITY);
    ck_assert_int_eq(e->modifier, BTQ_STORAGE_DEFAULT);
    ck_assert_uint_eq(e->default_len, 2);
    const btq_type *k = unwrap(reg, e->key_types[0]);
    const btq_type *v = unwrap(reg, e->value_type);
    ck_assert_int_eq(k->kind, BTQ_TYPE_PRIMITIVE);
    ck_assert_int_eq(k->u.primitive, BTQ_PRIM_U16);
    ck_assert_int_eq(v->kind, BTQ_TYPE_PRIMITIVE);
    ck_assert_int_eq(v->u.primitive, BTQ_PRIM_U16);
    ck_assert_ptr_null(btq_metadata_storage(md, "SubtensorModule", "tempo"));
    ck_assert_ptr_null(btq_metadata_storage(md, "NoSuchPallet", "Tempo"));
    btq_metadata_unref(md);
}
END_TEST

START_TEST(file_system_account_is_blake2_128_concat_account_info)
{
    btq_metadata *md = load(files[_i].name, NULL, NULL);
    const btq_registry *reg = btq_metadata_registry(md);
    const btq_storage_entry *e = btq_metadata_storage(md, "System", "Account");
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->nhashers, 1);
    ck_assert_int_eq(e->hashers[0], BTQ_HASHER_BLAKE2_128_CONCAT);
    ck_assert_str_eq(btq_metadata_hasher_name(e->hashers[0]), "Blake2_128Concat");
    ck_assert_str_eq(reg->types[e->key_type].path, "sp_core::crypto::AccountId32");
    const btq_type *v = &reg->types[e->value_type];
    ck_assert_str_eq(v->path, "frame_system::AccountInfo");
    /* chain/README.md: 56 bytes from spec 218 on, 48 bytes on spec 103 */
    ck_assert_uint_eq(v->min_size, files[_i].spec >= 218 ? 56 : 48);
    ck_assert_int_eq(btq_metadata_find_type(md, "sp_core::crypto::AccountId32", &(uint32_t){0}), 0);
    ck_assert_int_eq(btq_metadata_find_type(md, "no::such::Type", &(uint32_t){0}), BTQ_ENOTFOUND);
    btq_metadata_unref(md);
}
END_TEST

START_TEST(file_runtime_apis_exist_from_v15)
{
    const md_file *f = &files[_i];
    btq_metadata *md = load(f->name, NULL, NULL);
    const btq_api_method *m = btq_metadata_api_method(md, "Metadata", "metadata_at_version");
    if (f->version < 15) {
        ck_assert_uint_eq(btq_metadata_napis(md), 0);
        ck_assert_ptr_null(m);
        const btq_outer_enums *o = btq_metadata_outer_enums(md);
        ck_assert_uint_eq(o->error_type, BTQ_NO_TYPE);
        ck_assert_uint_ne(o->event_type, BTQ_NO_TYPE);
        const btq_type *ev = &btq_metadata_registry(md)->types[o->event_type];
        ck_assert_int_eq(ev->kind, BTQ_TYPE_VARIANT);
        ck_assert_ptr_nonnull(btq_type_variant_by_name(ev, "System"));
        const btq_extrinsic_info *x = btq_metadata_extrinsic(md);
        ck_assert_uint_ne(x->type, BTQ_NO_TYPE);
        /* from UncheckedExtrinsic's generic parameters: the outer RuntimeCall enum */
        ck_assert_uint_ne(x->call_type, BTQ_NO_TYPE);
        const btq_type *call = &btq_metadata_registry(md)->types[x->call_type];
        ck_assert_int_eq(call->kind, BTQ_TYPE_VARIANT);
        ck_assert_ptr_nonnull(btq_type_variant_by_name(call, "SubtensorModule"));
        ck_assert_uint_eq(o->call_type, x->call_type);
    } else {
        ck_assert_ptr_nonnull(m);
        ck_assert_uint_eq(m->ninputs, 1);
        ck_assert_str_eq(m->inputs[0].name, "version");
        const btq_registry *reg = btq_metadata_registry(md);
        ck_assert_int_eq(reg->types[m->inputs[0].type].u.primitive, BTQ_PRIM_U32);
        ck_assert_str_eq(reg->types[m->output].path, "Option");
        ck_assert_ptr_nonnull(btq_metadata_api(md, "Core"));
        ck_assert_ptr_null(btq_metadata_api_method(md, "Metadata", "nope"));
        const btq_outer_enums *o = btq_metadata_outer_enums(md);
        ck_assert_int_eq(reg->types[o->call_type].kind, BTQ_TYPE_VARIANT);
        ck_assert_int_eq(reg->types[o->event_type].kind, BTQ_TYPE_VARIANT);
        const btq_extrinsic_info *x = btq_metadata_extrinsic(md);
        ck_assert_uint_eq(x->call_type, o->call_type);
        ck_assert_uint_gt(x->nextensions, 3);
        ck_assert_str_eq(x->extensions[0].identifier, "CheckNonZeroSender");
    }
    btq_metadata_unref(md);
}
END_TEST

START_TEST(file_v16_has_extension_sets_and_api_versions)
{
    btq_metadata *md = load("devnet_spec381_v16.scale", NULL, NULL);
    const btq_extrinsic_info *x = btq_metadata_extrinsic(md);
    ck_assert_uint_ge(x->nversions, 1);
    ck_assert_uint_ge(x->nsets, 1);
    for (uint32_t i = 0; i < x->nsets; i++)
        for (uint32_t j = 0; j < x->sets[i].nindices; j++)
            ck_assert_uint_lt(x->sets[i].indices[j], x->nextensions);
    ck_assert_uint_eq(btq_metadata_runtime_type(md), BTQ_NO_TYPE);
    const btq_runtime_api *core = btq_metadata_api(md, "Core");
    ck_assert_ptr_nonnull(core);
    ck_assert_uint_ge(core->version, 1);
    uint32_t assoc = 0;
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++)
        assoc += btq_metadata_pallet_at(md, p)->nassociated;
    ck_assert_uint_gt(assoc, 0);
    btq_metadata_unref(md);
}
END_TEST

START_TEST(file_constant_values_are_copied_out_of_the_input)
{
    uint8_t *b;
    size_t n;
    btq_metadata *md = load("finney_spec393_v15.scale", &b, &n);
    const btq_constant *c = btq_metadata_constant(md, "System", "SS58Prefix");
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->value_len, 2);
    memset(b, 0xee, n); /* the metadata must not point into the caller's buffer */
    free(b);
    ck_assert_uint_eq(c->value[0] | c->value[1] << 8, 42);
    ck_assert_uint_eq(btq_metadata_spec_version(md), 393);
    btq_metadata_unref(md);
}
END_TEST

START_TEST(file_ref_keeps_metadata_alive_after_first_unref)
{
    btq_metadata *md = load("testfinney_spec103_v14.scale", NULL, NULL);
    ck_assert_ptr_eq(btq_metadata_ref(md), md);
    btq_metadata_unref(md);
    ck_assert_ptr_nonnull(btq_metadata_pallet(md, "System"));
    btq_metadata_unref(md);
    btq_metadata_unref(NULL);
    ck_assert_ptr_null(btq_metadata_ref(NULL));
}
END_TEST

START_TEST(file_truncated_at_any_offset_fails_cleanly)
{
    uint8_t *b;
    size_t n;
    btq_metadata *md = load("testfinney_spec103_v14.scale", &b, &n);
    btq_metadata_unref(md);
    /* every offset of the small file (every seventh past 4 KiB), in a fresh exact-size copy so ASan
     * sees over-reads */
    for (size_t cut = 0; cut < n; cut += (cut < 4096 ? 1 : 7)) {
        uint8_t *c = malloc(cut ? cut : 1);
        memcpy(c, b, cut);
        btq_error err = {0};
        btq_metadata *m = NULL;
        int rc = btq_metadata_parse(c, cut, &m, &err);
        ck_assert_msg(rc < 0, "cut at %zu parsed", cut);
        ck_assert_ptr_null(m);
        ck_assert_int_eq(err.code, rc);
        ck_assert_uint_le(err.offset, cut);
        free(c);
    }
    free(b);
}
END_TEST

START_TEST(file_truncated_large_v15_and_v16_fail_cleanly)
{
    const char *names[] = {"finney_spec393_v15.scale", "devnet_spec381_v16.scale"};
    for (int f = 0; f < 2; f++) {
        uint8_t *b;
        size_t n;
        btq_metadata_unref(load(names[f], &b, &n));
        for (size_t cut = 0; cut < n; cut += (cut < 1024 ? 1 : 397)) {
            uint8_t *c = malloc(cut ? cut : 1);
            memcpy(c, b, cut);
            btq_metadata *m = NULL;
            int rc = btq_metadata_parse(c, cut, &m, NULL);
            ck_assert_msg(rc < 0, "%s cut at %zu parsed", names[f], cut);
            free(c);
        }
        /* one byte more is trailing garbage */
        uint8_t *c = malloc(n + 1);
        memcpy(c, b, n);
        c[n] = 0;
        btq_metadata *m = NULL;
        ck_assert_int_eq(btq_metadata_parse(c, n + 1, &m, NULL), BTQ_ETRAILING);
        free(c);
        free(b);
    }
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("metadata_files");
    TCase *tc = tcase_create("files");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, file_parses_with_version_and_spec_version_of_its_name, 0, NFILES);
    tcase_add_loop_test(tc, file_every_type_id_is_in_range_and_min_size_is_set, 0, NFILES);
    tcase_add_loop_test(tc, file_tempo_is_identity_map_u16_to_u16_with_default, 0, NFILES);
    tcase_add_loop_test(tc, file_system_account_is_blake2_128_concat_account_info, 0, NFILES);
    tcase_add_loop_test(tc, file_runtime_apis_exist_from_v15, 0, NFILES);
    tcase_add_test(tc, file_v16_has_extension_sets_and_api_versions);
    tcase_add_test(tc, file_constant_values_are_copied_out_of_the_input);
    tcase_add_test(tc, file_ref_keeps_metadata_alive_after_first_unref);
    tcase_add_test(tc, file_truncated_at_any_offset_fails_cleanly);
    tcase_add_test(tc, file_truncated_large_v15_and_v16_fail_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
