/* UTF-8 validation: every class of invalid sequence (RFC 3629 table 3-7) and the edges. */
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"

static int valid(const char *s)
{
    return btq_utf8_valid(s, strlen(s));
}

START_TEST(accepts_every_length_at_its_edges)
{
    ck_assert_int_eq(btq_utf8_valid("", 0), 1);
    ck_assert_int_eq(btq_utf8_valid("\0", 1), 1); /* NUL is a scalar value */
    ck_assert_int_eq(valid("\x7f"), 1);
    ck_assert_int_eq(valid("\xc2\x80"), 1);         /* U+0080 */
    ck_assert_int_eq(valid("\xdf\xbf"), 1);         /* U+07FF */
    ck_assert_int_eq(valid("\xe0\xa0\x80"), 1);     /* U+0800 */
    ck_assert_int_eq(valid("\xed\x9f\xbf"), 1);     /* U+D7FF */
    ck_assert_int_eq(valid("\xee\x80\x80"), 1);     /* U+E000 */
    ck_assert_int_eq(valid("\xef\xbf\xbf"), 1);     /* U+FFFF */
    ck_assert_int_eq(valid("\xf0\x90\x80\x80"), 1); /* U+10000 */
    ck_assert_int_eq(valid("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF */
    ck_assert_int_eq(valid("Bittensor \xcf\x84 \xe2\x82\xbf \xf0\x9f\x98\x80"), 1);
}
END_TEST

START_TEST(rejects_overlongs)
{
    ck_assert_int_eq(valid("\xc0\x80"), 0);
    ck_assert_int_eq(valid("\xc1\xbf"), 0);
    ck_assert_int_eq(valid("\xe0\x9f\xbf"), 0);
    ck_assert_int_eq(valid("\xf0\x8f\xbf\xbf"), 0);
}
END_TEST

START_TEST(rejects_surrogates_and_above_max)
{
    ck_assert_int_eq(valid("\xed\xa0\x80"), 0);     /* U+D800 */
    ck_assert_int_eq(valid("\xed\xbf\xbf"), 0);     /* U+DFFF */
    ck_assert_int_eq(valid("\xf4\x90\x80\x80"), 0); /* U+110000 */
    ck_assert_int_eq(valid("\xf5\x80\x80\x80"), 0);
    ck_assert_int_eq(valid("\xff"), 0);
}
END_TEST

START_TEST(rejects_truncated_and_stray_continuations)
{
    ck_assert_int_eq(valid("\x80"), 0);
    ck_assert_int_eq(valid("a\xbf"), 0);
    ck_assert_int_eq(valid("\xc2"), 0);
    ck_assert_int_eq(valid("\xe2\x82"), 0);
    ck_assert_int_eq(valid("\xf0\x9f\x98"), 0);
    ck_assert_int_eq(valid("\xe2\x28\xa1"), 0); /* bad second byte */
    ck_assert_int_eq(valid("\xe2\x82\x28"), 0); /* bad third byte */
    ck_assert_int_eq(valid("\xf0\x9f\x98\x28"), 0);
    /* length bound respected: a valid 2-byte sequence cut by n */
    ck_assert_int_eq(btq_utf8_valid("\xc3\xa9", 1), 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/utf8");
    TCase *tc = tcase_create("utf8");
    tcase_add_test(tc, accepts_every_length_at_its_edges);
    tcase_add_test(tc, rejects_overlongs);
    tcase_add_test(tc, rejects_surrogates_and_above_max);
    tcase_add_test(tc, rejects_truncated_and_stray_continuations);
    suite_add_tcase(s, tc);
    return s;
}
