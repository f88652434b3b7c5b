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

#define READER(name, ...)                                                                          \
    const uint8_t name##_in[] = {__VA_ARGS__};                                                     \
    btq_reader name;                                                                               \
    btq_reader_init(&name, name##_in, sizeof name##_in)

START_TEST(signed_reads_are_twos_complement)
{
    READER(r, 0xff, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
           0xff);
    int8_t a;
    int16_t b;
    int32_t c;
    int64_t d;
    ck_assert_int_eq(btq_read_i8(&r, &a), 0);
    ck_assert_int_eq(a, -1);
    ck_assert_int_eq(btq_read_i16(&r, &b), 0);
    ck_assert_int_eq(b, -2);
    ck_assert_int_eq(btq_read_i32(&r, &c), 0);
    ck_assert_int_eq(c, INT32_MIN);
    ck_assert_int_eq(btq_read_i64(&r, &d), 0);
    ck_assert_int_eq(d, -1);
    ck_assert_int_eq(btq_reader_expect_end(&r), 0);
}
END_TEST

START_TEST(wide_reads_fill_limbs_in_order)
{
    uint8_t in[32];
    for (int i = 0; i < 32; i++)
        in[i] = (uint8_t)(i + 1);
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    btq_u128 v;
    ck_assert_int_eq(btq_read_u128(&r, &v), 0);
    ck_assert_uint_eq(v.lo, 0x0807060504030201ull);
    ck_assert_uint_eq(v.hi, 0x100f0e0d0c0b0a09ull);
    ck_assert_int_eq(btq_read_i128(&r, &v), 0);
    ck_assert_uint_eq(v.lo, 0x1817161514131211ull);
    ck_assert_int_eq(btq_read_u128(&r, &v), BTQ_ESHORT);
    ck_assert_uint_eq(r.pos, 32);
    btq_reader_init(&r, in, sizeof in);
    btq_u256 w;
    ck_assert_int_eq(btq_read_u256(&r, &w), 0);
    ck_assert_uint_eq(w.limb[3], 0x201f1e1d1c1b1a19ull);
    btq_reader_init(&r, in, 31);
    ck_assert_int_eq(btq_read_i256(&r, &w), BTQ_ESHORT);
    ck_assert_uint_eq(r.pos, 0);
}
END_TEST

START_TEST(bool_rejects_two_at_its_offset)
{
    READER(r, 0x01, 0x00, 0x02);
    bool b;
    ck_assert_int_eq(btq_read_bool(&r, &b), 0);
    ck_assert(b);
    ck_assert_int_eq(btq_read_bool(&r, &b), 0);
    ck_assert(!b);
    ck_assert_int_eq(btq_read_bool(&r, &b), BTQ_EBADBOOL);
    ck_assert_uint_eq(r.pos, 2);
    r.pos = 3;
    ck_assert_int_eq(btq_read_bool(&r, &b), BTQ_ESHORT);
}
END_TEST

START_TEST(option_result_and_option_bool_tags)
{
    READER(r, 0x00, 0x01, 0x02, 0x00, 0x01, 0x02, 0x03);
    bool t;
    uint8_t st;
    ck_assert_int_eq(btq_read_option_tag(&r, &t), 0);
    ck_assert(!t);
    ck_assert_int_eq(btq_read_option_tag(&r, &t), 0);
    ck_assert(t);
    ck_assert_int_eq(btq_read_option_tag(&r, &t), BTQ_EBADVARIANT);
    ck_assert_int_eq(btq_read_result_tag(&r, &t), BTQ_EBADVARIANT);
    ck_assert_uint_eq(r.pos, 2);
    r.pos = 3;
    ck_assert_int_eq(btq_read_option_bool(&r, &st), 0);
    ck_assert_uint_eq(st, 0);
    ck_assert_int_eq(btq_read_option_bool(&r, &st), 0);
    ck_assert_uint_eq(st, 1);
    ck_assert_int_eq(btq_read_option_bool(&r, &st), 0);
    ck_assert_uint_eq(st, 2);
    ck_assert_int_eq(btq_read_option_bool(&r, &st), BTQ_EBADVARIANT);
    ck_assert_uint_eq(r.pos, 6);
    btq_reader_init(&r, r_in, 1);
    ck_assert_int_eq(btq_read_result_tag(&r, &t), 0);
    ck_assert(!t);
    ck_assert_int_eq(btq_read_result_tag(&r, &t), BTQ_ESHORT);
}
END_TEST

START_TEST(byte_vec_and_str_borrow_the_input)
{
    READER(r, 0x0c, 'a', 'b', 'c', 0x08, 0xc3, 0xa9, 0x04, 0xff);
    const uint8_t *p;
    const char *s;
    size_t n;
    ck_assert_int_eq(btq_read_byte_vec(&r, &p, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_ptr_eq(p, r_in + 1);
    ck_assert_int_eq(btq_read_str(&r, &s, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(btq_read_str(&r, &s, &n), BTQ_EUTF8);
    ck_assert_uint_eq(r.pos, 7);
}
END_TEST

START_TEST(byte_vec_longer_than_input_is_short_at_prefix)
{
    READER(r, 0x01, 0x10, 0x01, 0x02); /* compact 1024 bytes, two present */
    const uint8_t *p;
    size_t n;
    ck_assert_int_eq(btq_read_byte_vec(&r, &p, &n), BTQ_ESHORT);
    ck_assert_uint_eq(r.pos, 0);
    btq_reader_init(&r, r_in, 1); /* the prefix itself cut */
    ck_assert_int_eq(btq_read_byte_vec(&r, &p, &n), BTQ_ESHORT);
}
END_TEST

START_TEST(char_rejects_surrogates_and_beyond_max)
{
    READER(r, 0xff, 0xff, 0x10, 0x00, 0x00, 0xd8, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00);
    uint32_t c;
    ck_assert_int_eq(btq_read_char(&r, &c), 0);
    ck_assert_uint_eq(c, 0x10ffff);
    ck_assert_int_eq(btq_read_char(&r, &c), BTQ_EBADCHAR);
    ck_assert_uint_eq(r.pos, 4);
    r.pos = 8;
    ck_assert_int_eq(btq_read_char(&r, &c), BTQ_EBADCHAR);
    ck_assert_uint_eq(r.pos, 8);
}
END_TEST

START_TEST(length_bound_at_limit_and_above)
{
    /* 3 items of 2 bytes: 6 bytes present is the limit; 7 items would need 14 */
    READER(r, 0x0c, 1, 2, 3, 4, 5, 6);
    size_t n;
    ck_assert_int_eq(btq_read_length(&r, 2, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(r.pos, 1);
    btq_reader_init(&r, r_in, 6); /* one byte short of the limit */
    ck_assert_int_eq(btq_read_length(&r, 2, &n), BTQ_ETOOMANY);
    ck_assert_uint_eq(r.pos, 0);
}
END_TEST

START_TEST(zero_sized_items_bounded_by_constant)
{
    uint8_t buf[8];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    btq_write_compact_u64(&w, BTQ_SCALE_MAX_ZST_ITEMS);
    btq_write_compact_u64(&w, BTQ_SCALE_MAX_ZST_ITEMS + 1);
    btq_reader r;
    btq_reader_init(&r, buf, w.len);
    size_t n;
    ck_assert_int_eq(btq_read_length(&r, 0, &n), 0);
    ck_assert_uint_eq(n, BTQ_SCALE_MAX_ZST_ITEMS);
    size_t at = r.pos;
    ck_assert_int_eq(btq_read_length(&r, 0, &n), BTQ_ETOOMANY);
    ck_assert_uint_eq(r.pos, at);
}
END_TEST

START_TEST(expect_end_reports_trailing_and_null_input_is_empty)
{
    READER(r, 1, 2);
    uint8_t b;
    ck_assert_int_eq(btq_reader_expect_end(&r), BTQ_ETRAILING);
    btq_read_u8(&r, &b);
    btq_read_u8(&r, &b);
    ck_assert_int_eq(btq_reader_expect_end(&r), 0);
    btq_reader_init(&r, NULL, 5);
    ck_assert_uint_eq(btq_reader_remaining(&r), 0);
    ck_assert_int_eq(btq_read_u8(&r, &b), BTQ_ESHORT);
    const uint8_t *p;
    ck_assert_int_eq(btq_read_bytes(&r, 0, &p), 0);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/reader");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, u32_reads_little_endian);
    tcase_add_test(tc, short_input_fails_without_moving);
    tcase_add_test(tc, length_prefix_larger_than_input_is_too_many);
    tcase_add_test(tc, signed_reads_are_twos_complement);
    tcase_add_test(tc, wide_reads_fill_limbs_in_order);
    tcase_add_test(tc, bool_rejects_two_at_its_offset);
    tcase_add_test(tc, option_result_and_option_bool_tags);
    tcase_add_test(tc, byte_vec_and_str_borrow_the_input);
    tcase_add_test(tc, byte_vec_longer_than_input_is_short_at_prefix);
    tcase_add_test(tc, char_rejects_surrogates_and_beyond_max);
    tcase_add_test(tc, length_bound_at_limit_and_above);
    tcase_add_test(tc, zero_sized_items_bounded_by_constant);
    tcase_add_test(tc, expect_end_reports_trailing_and_null_input_is_empty);
    suite_add_tcase(s, tc);
    return s;
}
