/* Reader: fixed-width primitives, bounds, and position left unchanged on failure. */
#include "btq/scale.h"
#include "btq_test.h"

START_TEST(u32_reads_little_endian)
{
    const uint8_t in[] = {0x78, 0x56, 0x34, 0x12};
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    uint32_t v = 0;
    ck_assert_int_eq(btq_read_u32(&r, &v), 0);
    ck_assert_uint_eq(v, 0x12345678u);
    ck_assert_int_eq(btq_reader_expect_end(&r), 0);
}
END_TEST

START_TEST(short_input_fails_without_moving)
{
    const uint8_t in[] = {1, 2, 3};
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    uint32_t v = 0;
    ck_assert_int_eq(btq_read_u32(&r, &v), BTQ_ESHORT);
    ck_assert_uint_eq(r.pos, 0);
}
END_TEST

START_TEST(length_prefix_larger_than_input_is_too_many)
{
    /* compact 1,000,000 items of 4 bytes each, but only 4 bytes follow */
    const uint8_t in[] = {0x02, 0x09, 0x3d, 0x00, 1, 2, 3, 4};
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    size_t n = 0;
    ck_assert_int_eq(btq_read_length(&r, 4, &n), BTQ_ETOOMANY);
    ck_assert_uint_eq(r.pos, 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/reader");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, u32_reads_little_endian);
    tcase_add_test(tc, short_input_fails_without_moving);
    tcase_add_test(tc, length_prefix_larger_than_input_is_too_many);
    suite_add_tcase(s, tc);
    return s;
}
