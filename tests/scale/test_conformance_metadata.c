/* Conformance (issue 3): every metadata file in ../shared/chain/metadata/ parses with the
 * version and spec version its name states, and every pallet constant and every storage
 * default in each decodes with btq's dynamic decoder (all bytes consumed) and re-encodes to
 * exactly the same bytes. A one-line summary per file is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq_test.h"
#include "conformance_util.h"

/* "finney_spec343_v15" -> 343, 15 */
static void stem_versions(const char *stem, unsigned *spec, unsigned *ver)
{
    const char *s = strstr(stem, "_spec");
    const char *v = strrchr(stem, 'v');
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(v);
    *spec = (unsigned)strtoul(s + 5, NULL, 10);
    *ver = (unsigned)strtoul(v + 1, NULL, 10);
}

START_TEST(metadata_file_parses_with_the_version_and_spec_of_its_name)
{
    const char *stem = conformance_metadata_stems[_i];
    unsigned spec = 0, ver = 0;
    stem_versions(stem, &spec, &ver);
    btq_metadata *md = conformance_load_metadata(stem);
    ck_assert_uint_eq(btq_metadata_version(md), ver);
    ck_assert_uint_eq(btq_metadata_spec_version(md), spec);
    const btq_runtime_version *rv = btq_metadata_runtime_version(md);
    ck_assert_ptr_nonnull(rv);
    ck_assert_str_eq(rv->spec_name, "node-subtensor");
    ck_assert_uint_gt(btq_metadata_npallets(md), 0);
    ck_assert_ptr_nonnull(btq_metadata_pallet(md, "System"));
    ck_assert_ptr_nonnull(btq_metadata_pallet(md, "SubtensorModule"));
    const btq_registry *reg = btq_metadata_registry(md);
    ck_assert_ptr_nonnull(reg);
    /* V15+ carry runtime APIs, V14 none */
    if (ver >= 15)
        ck_assert_ptr_nonnull(btq_metadata_api_method(md, "Metadata", "metadata_at_version"));
    else
        ck_assert_uint_eq(btq_metadata_napis(md), 0);
    printf("%s: V%u spec %u, %u types, %u pallets, %u runtime APIs\n", stem,
           btq_metadata_version(md), btq_metadata_spec_version(md), reg->ntypes,
           btq_metadata_npallets(md), btq_metadata_napis(md));
    fflush(stdout);
    btq_metadata_unref(md);
}
END_TEST

START_TEST(every_constant_and_storage_default_roundtrips_exactly)
{
    const char *stem = conformance_metadata_stems[_i];
    btq_metadata *md = conformance_load_metadata(stem);
    const btq_registry *reg = btq_metadata_registry(md);
    size_t nconst = 0, ndef = 0, nnone = 0, nfail = 0;
    char msg[1024];
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pal = btq_metadata_pallet_at(md, p);
        for (uint32_t i = 0; i < pal->nconstants; i++) {
            const btq_constant *c = &pal->constants[i];
            /* the name lookup finds this very constant */
            ck_assert_ptr_eq(btq_metadata_constant(md, pal->name, c->name), c);
            nconst++;
            if (conformance_roundtrip(reg, c->type, c->value, c->value_len, 0, NULL, msg,
                                      sizeof msg) != 0) {
                if (nfail++ < 20)
                    printf("FAIL %s constant %s.%s: %s\n", stem, pal->name, c->name, msg);
            }
        }
        for (uint32_t i = 0; i < pal->nstorage; i++) {
            const btq_storage_entry *e = &pal->storage[i];
            ck_assert_ptr_eq(btq_metadata_storage(md, pal->name, e->name), e);
            int optional = e->modifier == BTQ_STORAGE_OPTIONAL;
            ndef++;
            if (optional && e->default_len == 1 && e->default_value[0] == 0) nnone++;
            if (conformance_roundtrip(reg, e->value_type, e->default_value, e->default_len,
                                      optional, NULL, msg, sizeof msg) != 0) {
                if (nfail++ < 20)
                    printf("FAIL %s default %s.%s (%s): %s\n", stem, pal->name, e->name,
                           optional ? "Optional" : "Default", msg);
            }
        }
    }
    printf("%s: %zu constants + %zu storage defaults (%zu Optional None), %zu failed "
           "decode/re-encode\n",
           stem, nconst, ndef, nnone, nfail);
    fflush(stdout);
    ck_assert_uint_gt(nconst, 0);
    ck_assert_uint_gt(ndef, 0);
    ck_assert_msg(nfail == 0, "%s: %zu constants/defaults did not round-trip (see output)", stem,
                  nfail);
    btq_metadata_unref(md);
}
END_TEST

/* Known values, read through the dynamic decoder by path, in every file. */
START_TEST(known_constants_decode_to_known_values)
{
    const char *stem = conformance_metadata_stems[_i];
    unsigned spec = 0, ver = 0;
    stem_versions(stem, &spec, &ver);
    btq_metadata *md = conformance_load_metadata(stem);
    const btq_registry *reg = btq_metadata_registry(md);
    struct {
        const char *pallet, *name, *path;
        uint64_t want;
    } known[] = {
        {"System", "SS58Prefix", NULL, 42},
        {"Balances", "ExistentialDeposit", NULL, 500},
        {"System", "Version", "spec_version", spec},
    };
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
        const btq_constant *c = btq_metadata_constant(md, known[k].pallet, known[k].name);
        ck_assert_msg(c != NULL, "%s: no %s.%s", stem, known[k].pallet, known[k].name);
        btq_value_doc *doc = NULL;
        const btq_value *root = NULL;
        btq_error err;
        memset(&err, 0, sizeof err);
        int rc = btq_value_decode(reg, c->type, c->value, c->value_len, BTQ_VALUE_EXACT, &doc,
                                  &root, &err);
        ck_assert_msg(rc == 0, "%s %s.%s: %s %s", stem, known[k].pallet, known[k].name,
                      btq_err_name(rc), err.message);
        uint64_t got = 0;
        if (known[k].path)
            rc = btq_value_path_u64(root, known[k].path, &got);
        else
            rc = btq_value_u64(root, &got);
        ck_assert_int_eq(rc, 0);
        ck_assert_msg(got == known[k].want, "%s %s.%s = %llu, want %llu", stem, known[k].pallet,
                      known[k].name, (unsigned long long)got, (unsigned long long)known[k].want);
        btq_value_doc_free(doc);
    }
    btq_metadata_unref(md);
}
END_TEST

/* The metadata blobs inside the recordings (hex text; V15 as Option<OpaqueMetadata>, unwrapped
 * by the test) are the same metadata as the files in shared/chain/metadata/: same bytes once
 * unwrapped, and btq reads the same version, spec, types, pallets, constants and entries. */
static const struct {
    const char *recorded, *stem;
} blobs[] = {
    {"chain/recorded/bittensor/integration_websocket_metadata.txt", "finney_spec343_v14"},
    {"chain/recorded/bittensor/integration_websocket_at_version.txt", "finney_spec343_v15"},
    {"chain/recorded/async-substrate-interface/integration_websocket_at_version.txt",
     "finney_spec393_v15"},
};

START_TEST(recorded_metadata_blobs_parse_as_their_metadata_files)
{
    size_t len = 0;
    uint8_t *text = btq_test_read_file(btq_test_shared_path(blobs[_i].recorded), &len);
    ck_assert_ptr_nonnull(text);
    btq_error err;
    memset(&err, 0, sizeof err);
    btq_metadata *a = conformance_parse_metadata_bytes(text, len, &err);
    ck_assert_msg(a != NULL, "%s: %s", blobs[_i].recorded, err.message);
    free(text);
    btq_metadata *b = conformance_load_metadata(blobs[_i].stem);
    ck_assert_uint_eq(btq_metadata_version(a), btq_metadata_version(b));
    ck_assert_uint_eq(btq_metadata_spec_version(a), btq_metadata_spec_version(b));
    ck_assert_uint_eq(btq_metadata_registry(a)->ntypes, btq_metadata_registry(b)->ntypes);
    ck_assert_uint_eq(btq_metadata_npallets(a), btq_metadata_npallets(b));
    ck_assert_uint_eq(btq_metadata_napis(a), btq_metadata_napis(b));
    for (uint32_t p = 0; p < btq_metadata_npallets(a); p++) {
        const btq_pallet *pa = btq_metadata_pallet_at(a, p), *pb = btq_metadata_pallet_at(b, p);
        ck_assert_str_eq(pa->name, pb->name);
        ck_assert_uint_eq(pa->nconstants, pb->nconstants);
        ck_assert_uint_eq(pa->nstorage, pb->nstorage);
        for (uint32_t i = 0; i < pa->nconstants; i++) {
            ck_assert_uint_eq(pa->constants[i].value_len, pb->constants[i].value_len);
            ck_assert(memcmp(pa->constants[i].value, pb->constants[i].value,
                             pa->constants[i].value_len) == 0);
        }
    }
    printf("%s: same metadata as %s.scale (V%u spec %u)\n", blobs[_i].recorded, blobs[_i].stem,
           btq_metadata_version(a), btq_metadata_spec_version(a));
    fflush(stdout);
    btq_metadata_unref(a);
    btq_metadata_unref(b);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("conformance_metadata");
    TCase *tc = tcase_create("files");
    tcase_set_timeout(tc, 120);
    int n = (int)conformance_metadata_count;
    tcase_add_loop_test(tc, metadata_file_parses_with_the_version_and_spec_of_its_name, 0, n);
    tcase_add_loop_test(tc, every_constant_and_storage_default_roundtrips_exactly, 0, n);
    tcase_add_loop_test(tc, known_constants_decode_to_known_values, 0, n);
    tcase_add_loop_test(tc, recorded_metadata_blobs_parse_as_their_metadata_files, 0,
                        (int)(sizeof blobs / sizeof blobs[0]));
    suite_add_tcase(s, tc);
    return s;
}
