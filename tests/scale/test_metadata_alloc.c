/* Metadata: every allocation the parser makes goes through the btq hooks, and a failure of any
 * one of them is BTQ_ENOMEM with nothing leaked (nghttp2's failmalloc idea). */
#include <stdlib.h>

#include "btq/alloc.h"
#include "btq/metadata.h"
#include "btq_test.h"

static long budget;      /* allocations left before failing; < 0: unlimited */
static long live, total; /* outstanding blocks, allocations made */

static void *f_malloc(size_t n, void *u)
{
    (void)u;
    if (budget == 0) return NULL;
    if (budget > 0) budget--;
    void *p = malloc(n);
    if (p) live++, total++;
    return p;
}
static void *f_realloc(void *p, size_t n, void *u)
{
    (void)u;
    if (budget == 0) return NULL;
    if (budget > 0) budget--;
    void *q = realloc(p, n);
    if (q && !p) live++, total++;
    return q;
}
static void f_free(void *p, void *u)
{
    (void)u;
    if (p) live--;
    free(p);
}

static const btq_allocator failing = {f_malloc, f_realloc, f_free, NULL};

START_TEST(each_failed_allocation_is_enomem_without_leaks)
{
    size_t n;
    uint8_t *b =
        btq_test_read_file(btq_test_shared_path("chain/metadata/testfinney_spec103_v14.scale"), &n);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(btq_set_allocator(&failing), 0);
    budget = -1;
    live = total = 0;
    btq_metadata *md = NULL;
    ck_assert_int_eq(btq_metadata_parse(b, n, &md, NULL), 0);
    long needed = total;
    btq_metadata_unref(md);
    ck_assert_int_eq(live, 0);
    ck_assert_int_ge(needed, 2);
    ck_assert_int_le(needed, 8); /* a handful of arena chunks, never one per string */
    for (long k = 0; k < needed; k++) {
        budget = k;
        live = 0;
        btq_error err = {0};
        md = NULL;
        int rc = btq_metadata_parse(b, n, &md, &err);
        ck_assert_msg(rc == BTQ_ENOMEM, "failing allocation %ld: %s", k, btq_err_name(rc));
        ck_assert_int_eq(err.code, BTQ_ENOMEM);
        ck_assert_ptr_null(md);
        ck_assert_int_eq(live, 0);
    }
    btq_set_allocator(NULL);
    free(b);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("metadata_alloc");
    TCase *tc = tcase_create("alloc");
    tcase_add_loop_test(tc, each_failed_allocation_is_enomem_without_leaks, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
