/* Metadata parsing under failing allocations (issue 7): real V14, V15 and V16 metadata parsed
 * with allocation N failing, for every N = 1, 2, ... until a parse makes fewer than N
 * allocations (so it never met the failure and must succeed). Each run that meets the failure
 * returns BTQ_ENOMEM (also in err->code), leaves *out NULL and frees every block it allocated
 * (failmalloc's exact count; AddressSanitizer's leak checker on top in the sanitizer build).
 * Two modes: only the Nth allocation fails, or the Nth and every later one. */
#include <stdio.h>
#include <stdlib.h>

#include "btq/metadata.h"
#include "btq_test.h"
#include "failmalloc.h"

static const struct {
    const char *file;
    unsigned version;
    uint32_t spec;
} files[] = {
    {"chain/metadata/finney_spec393_v14.scale", 14, 393},
    {"chain/metadata/finney_spec393_v15.scale", 15, 393},
    {"chain/metadata/devnet_spec381_v16.scale", 16, 381},
};

static void every_n(int fi, enum failmalloc_mode mode)
{
    size_t len = 0;
    uint8_t *bytes = btq_test_read_file(btq_test_shared_path(files[fi].file), &len);
    ck_assert_msg(bytes != NULL, "cannot read %s", files[fi].file);
    failmalloc_install();

    /* the allocation count of a clean parse bounds the loop below */
    failmalloc_start(FAILMALLOC_COUNT, 0);
    btq_metadata *md = NULL;
    ck_assert_int_eq(btq_metadata_parse(bytes, len, &md, NULL), 0);
    long clean = failmalloc_stop();
    ck_assert_uint_eq(btq_metadata_version(md), files[fi].version);
    ck_assert_uint_eq(btq_metadata_spec_version(md), files[fi].spec);
    btq_metadata_unref(md);
    ck_assert_uint_eq(failmalloc_live(NULL, NULL), 0);
    ck_assert_int_ge(clean, 1);

    long n, failed_runs = 0;
    for (n = 1;; n++) {
        btq_error err;
        btq_error_clear(&err);
        md = (btq_metadata *)&err; /* must be reset to NULL on failure */
        failmalloc_start(mode, n);
        int rc = btq_metadata_parse(bytes, len, &md, &err);
        long made = failmalloc_stop();
        long k = 0;
        size_t sz = 0;
        if (made < n) { /* the failure was never reached: a normal, complete parse */
            ck_assert_msg(rc == 0, "%s, %s N=%ld (not reached): %s", files[fi].file,
                          mode == FAILMALLOC_NTH ? "nth" : "from", n, btq_err_name(rc));
            ck_assert_ptr_nonnull(md);
            ck_assert_uint_eq(btq_metadata_version(md), files[fi].version);
            ck_assert_uint_eq(btq_metadata_spec_version(md), files[fi].spec);
            ck_assert_ptr_nonnull(btq_metadata_storage(md, "System", "Account"));
            btq_metadata_unref(md);
            ck_assert_uint_eq(failmalloc_live(NULL, NULL), 0);
            break;
        }
        failed_runs++;
        ck_assert_msg(rc == BTQ_ENOMEM, "%s, failing allocation %ld (%s): %s (%s)", files[fi].file,
                      n, mode == FAILMALLOC_NTH ? "nth" : "from", btq_err_name(rc), err.message);
        ck_assert_int_eq(err.code, BTQ_ENOMEM);
        ck_assert_ptr_null(md);
        size_t live = failmalloc_live(&k, &sz);
        ck_assert_msg(live == 0, "%s N=%ld: %zu blocks leaked (first: allocation %ld, %zu bytes)",
                      files[fi].file, n, live, k, sz);
    }
    ck_assert_int_eq(failed_runs, clean); /* every allocation of a clean parse was failed once */
    printf("%s (%s): %ld allocations per parse, each failed in turn: BTQ_ENOMEM, no leak\n",
           files[fi].file, mode == FAILMALLOC_NTH ? "only the Nth fails" : "the Nth on fail",
           clean);
    fflush(stdout);
    failmalloc_uninstall();
    free(bytes);
}

START_TEST(each_failing_allocation_is_enomem_without_leak_nth_only)
{
    every_n(_i, FAILMALLOC_NTH);
}
END_TEST

START_TEST(each_failing_allocation_is_enomem_without_leak_from_nth_on)
{
    every_n(_i, FAILMALLOC_FROM);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("failmalloc_metadata");
    TCase *tc = tcase_create("every_n");
    tcase_set_timeout(tc, 120);
    int nf = (int)(sizeof files / sizeof files[0]);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_nth_only, 0, nf);
    tcase_add_loop_test(tc, each_failing_allocation_is_enomem_without_leak_from_nth_on, 0, nf);
    suite_add_tcase(s, tc);
    return s;
}
