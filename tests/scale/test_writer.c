/* Writer: growth through the btq allocator, fixed capacity, sticky errors, every write. */
#include <stdlib.h>
#include <string.h>

#include "btq/alloc.h"
#include "btq/scale.h"
#include "btq_test.h"

static void expect_bytes(const btq_writer *w, const char *hex)
{
    size_t n;
    uint8_t *want = btq_test_unhex(hex, &n);
    ck_assert_int_eq(w->err, 0);
    ck_assert_msg(w->len == n, "len %zu want %zu (%s)", w->len, n, hex);
    ck_assert_msg(memcmp(w->buf, want, n) == 0, "bytes differ from %s", hex);
    free(want);
}

START_TEST(fixed_width_writes_are_little_endian)
{
    btq_writer w;
    btq_writer_init(&w);
    btq_write_bool(&w, true);
    btq_write_bool(&w, false);
    btq_write_u8(&w, 0xab);
    btq_write_u16(&w, 0x1234);
    btq_write_u32(&w, 0x12345678u);
    btq_write_u64(&w, 0x0102030405060708ull);
    expect_bytes(&w, "0100ab34127856341208070605040302"
                     "01");
    btq_writer_reset(&w);
    btq_u128 v = {1, 2};
    btq_write_u128(&w, v);
    expect_bytes(&w, "0100000000000000"
                     "0200000000000000");
    btq_writer_reset(&w);
    btq_u256 x = {{1, 2, 3, 4}};
    btq_write_u256(&w, &x);
    expect_bytes(&w, "0100000000000000020000000000000003000000000000000400000000000000");
    btq_writer_free(&w);
}
END_TEST

START_TEST(compact_writes_every_mode)
{
    btq_writer w;
    btq_writer_init(&w);
    btq_write_compact_u64(&w, 0);
    btq_write_compact_u64(&w, 63);
    btq_write_compact_u64(&w, 64);
    btq_write_compact_u64(&w, 16383);
    btq_write_compact_u64(&w, 16384);
    btq_write_compact_u64(&w, (1u << 30) - 1);
    btq_write_compact_u64(&w, 1u << 30);
    btq_write_compact_u64(&w, UINT64_MAX);
    expect_bytes(&w, "00"
                     "fc"
                     "0101"
                     "fdff"
                     "02000100"
                     "feffffff"
                     "0300000040"
                     "13ffffffffffffffff");
    btq_writer_reset(&w);
    btq_u128 v = {0, 1}; /* 2^64 */
    btq_write_compact_u128(&w, v);
    v.hi = 0;
    v.lo = 5;
    btq_write_compact_u128(&w, v);
    expect_bytes(&w, "17000000000000000001"
                     "14");
    btq_writer_reset(&w);
    btq_u256 x = {{0, 0, 0, 1ull << 63}}; /* 2^255: 32 bytes */
    btq_write_compact_u256(&w, &x);
    ck_assert_uint_eq(w.len, 33);
    ck_assert_uint_eq(w.buf[0], ((32 - 4) << 2) | 3);
    ck_assert_uint_eq(w.buf[32], 0x80);
    btq_writer_free(&w);
}
END_TEST

START_TEST(compact_big_is_canonical_and_bounded)
{
    btq_writer w;
    btq_writer_init(&w);
    /* trailing zero bytes are ignored: 64 written as an 8-byte magnitude is still 2 bytes */
    const uint8_t padded[8] = {64, 0, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(btq_write_compact_big(&w, padded, sizeof padded), 0);
    ck_assert_int_eq(btq_write_compact_big(&w, padded, 0), 0); /* empty = zero */
    expect_bytes(&w, "0101"
                     "00");
    btq_writer_reset(&w);
    uint8_t big[68];
    memset(big, 0xee, sizeof big);
    ck_assert_int_eq(btq_write_compact_big(&w, big, 67), 0);
    ck_assert_uint_eq(w.len, 68);
    ck_assert_uint_eq(w.buf[0], 0xff);
    ck_assert_int_eq(btq_write_compact_big(&w, big, 68), BTQ_EOVERFLOW);
    ck_assert_int_eq(w.err, BTQ_EOVERFLOW);
    ck_assert_uint_eq(w.len, 68); /* nothing partial */
    btq_writer_free(&w);
}
END_TEST

START_TEST(fixed_writer_reports_nospace_and_sticks)
{
    uint8_t buf[4];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    ck_assert_int_eq(btq_write_u16(&w, 1), 0);
    ck_assert_int_eq(btq_write_u32(&w, 2), BTQ_ENOSPACE);
    ck_assert_uint_eq(w.len, 2);
    /* sticky: a write that would fit still fails, and nothing is written */
    ck_assert_int_eq(btq_write_u8(&w, 3), BTQ_ENOSPACE);
    ck_assert_uint_eq(w.len, 2);
    uint8_t *out;
    size_t n;
    ck_assert_int_eq(btq_writer_take(&w, &out, &n), BTQ_EINVAL);
    btq_writer_reset(&w);
    ck_assert_int_eq(btq_write_u32(&w, 0x01020304), 0);
    ck_assert_uint_eq(buf[0], 4);
}
END_TEST

START_TEST(fixed_writer_exact_capacity_byte_vec)
{
    uint8_t buf[4];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    ck_assert_int_eq(btq_write_byte_vec(&w, "abc", 3), 0);
    ck_assert_uint_eq(w.len, 4);
    ck_assert_uint_eq(buf[0], 12);
    btq_writer_init_fixed(&w, buf, 3);
    ck_assert_int_eq(btq_write_byte_vec(&w, "abc", 3), BTQ_ENOSPACE);
    ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(growing_writer_take_transfers_buffer)
{
    btq_writer w;
    btq_writer_init(&w);
    for (int i = 0; i < 10000; i++)
        ck_assert_int_eq(btq_write_u32(&w, (uint32_t)i), 0);
    uint8_t *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(btq_writer_take(&w, &out, &n), 0);
    ck_assert_uint_eq(n, 40000);
    ck_assert_uint_eq(out[4 * 9999], 9999 & 0xff);
    ck_assert_ptr_null(w.buf);
    ck_assert_uint_eq(w.len, 0);
    btq_free(out);
    /* an empty writer still hands out a real buffer */
    ck_assert_int_eq(btq_writer_take(&w, &out, &n), 0);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(n, 0);
    btq_free(out);
    btq_writer_free(NULL);
}
END_TEST

static int fail_after;
static void *failing_malloc(size_t n, void *u)
{
    (void)u;
    return fail_after-- > 0 ? malloc(n) : NULL;
}
static void *failing_realloc(void *p, size_t n, void *u)
{
    (void)u;
    return fail_after-- > 0 ? realloc(p, n) : NULL;
}
static void plain_free(void *p, void *u)
{
    (void)u;
    free(p);
}

START_TEST(allocation_failure_is_enomem_and_sticky)
{
    btq_allocator a = {failing_malloc, failing_realloc, plain_free, NULL};
    ck_assert_int_eq(btq_set_allocator(&a), 0);
    fail_after = 1;
    btq_writer w;
    btq_writer_init(&w);
    ck_assert_int_eq(btq_write_u8(&w, 1), 0); /* first allocation: 64 bytes */
    uint8_t big[100] = {0};
    ck_assert_int_eq(btq_write_raw(&w, big, sizeof big), BTQ_ENOMEM);
    ck_assert_uint_eq(w.len, 1);
    ck_assert_int_eq(btq_write_u8(&w, 2), BTQ_ENOMEM);
    uint8_t *out = NULL;
    size_t n;
    ck_assert_int_eq(btq_writer_take(&w, &out, &n), BTQ_ENOMEM);
    ck_assert_ptr_null(out);
    ck_assert_ptr_null(w.buf); /* take freed it: nothing leaks */
    btq_set_allocator(NULL);
}
END_TEST

START_TEST(str_char_and_option_bool_validate)
{
    btq_writer w;
    btq_writer_init(&w);
    ck_assert_int_eq(btq_write_str(&w, "h\xc3\xa9", 3), 0);
    ck_assert_int_eq(btq_write_char(&w, 0x1F600), 0);
    ck_assert_int_eq(btq_write_option_bool(&w, 0), 0);
    ck_assert_int_eq(btq_write_option_bool(&w, 1), 0);
    ck_assert_int_eq(btq_write_option_bool(&w, 2), 0);
    expect_bytes(&w, "0c68c3a9"
                     "00f60100"
                     "000102");
    ck_assert_int_eq(btq_write_str(&w, "\xc0\x80", 2), BTQ_EUTF8);
    btq_writer_reset(&w);
    ck_assert_int_eq(btq_write_char(&w, 0xD800), BTQ_EBADCHAR);
    btq_writer_reset(&w);
    ck_assert_int_eq(btq_write_char(&w, 0x110000), BTQ_EBADCHAR);
    btq_writer_reset(&w);
    ck_assert_int_eq(btq_write_option_bool(&w, 3), BTQ_EINVAL);
    ck_assert_uint_eq(w.len, 0);
    btq_writer_free(&w);
}
END_TEST

START_TEST(zero_length_writes_on_fresh_writers)
{
    btq_writer w;
    btq_writer_init(&w);
    ck_assert_int_eq(btq_write_raw(&w, NULL, 0), 0);
    ck_assert_uint_eq(w.len, 0);
    ck_assert_int_eq(btq_write_byte_vec(&w, NULL, 0), 0);
    expect_bytes(&w, "00");
    btq_writer_free(&w);
    btq_writer_init_fixed(&w, NULL, 0);
    ck_assert_int_eq(btq_write_raw(&w, NULL, 0), 0);
    ck_assert_int_eq(btq_write_u8(&w, 1), BTQ_ENOSPACE);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/writer");
    TCase *tc = tcase_create("writer");
    tcase_add_test(tc, fixed_width_writes_are_little_endian);
    tcase_add_test(tc, compact_writes_every_mode);
    tcase_add_test(tc, compact_big_is_canonical_and_bounded);
    tcase_add_test(tc, fixed_writer_reports_nospace_and_sticks);
    tcase_add_test(tc, fixed_writer_exact_capacity_byte_vec);
    tcase_add_test(tc, growing_writer_take_transfers_buffer);
    tcase_add_test(tc, allocation_failure_is_enomem_and_sticky);
    tcase_add_test(tc, str_char_and_option_bool_validate);
    tcase_add_test(tc, zero_length_writes_on_fresh_writers);
    suite_add_tcase(s, tc);
    return s;
}
