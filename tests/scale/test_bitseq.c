/* Bit sequences: Lsb0/Msb0 over u8/u16/u32/u64 stores, read, bit access, write, bounds. */
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"

static const btq_bit_store stores[4] = {BTQ_BITSTORE_U8, BTQ_BITSTORE_U16, BTQ_BITSTORE_U32,
                                        BTQ_BITSTORE_U64};

START_TEST(lsb0_u8_matches_bitvec_layout)
{
    /* bitvec![u8, Lsb0; 1,0,1,1,0,0,0,0, 1] = compact 9, 0b00001101, 0b00000001 */
    const uint8_t in[] = {0x24, 0x0d, 0x01};
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    const uint8_t *words;
    size_t wl, bits;
    ck_assert_int_eq(btq_read_bitseq(&r, BTQ_BITSTORE_U8, &words, &wl, &bits), 0);
    ck_assert_uint_eq(bits, 9);
    ck_assert_uint_eq(wl, 2);
    ck_assert_uint_eq(r.pos, 3);
    const int want[9] = {1, 0, 1, 1, 0, 0, 0, 0, 1};
    for (size_t i = 0; i < 9; i++)
        ck_assert_int_eq(btq_bitseq_get(words, BTQ_BITSTORE_U8, BTQ_BITORDER_LSB0, i), want[i]);
}
END_TEST

START_TEST(msb0_u16_puts_first_bit_in_top_of_word)
{
    /* bitvec![u16, Msb0; 1, 1] = compact 2, one u16 0xC000 little-endian */
    btq_writer w;
    btq_writer_init(&w);
    const bool b[2] = {true, true};
    ck_assert_int_eq(btq_write_bitseq(&w, BTQ_BITSTORE_U16, BTQ_BITORDER_MSB0, b, 2), 0);
    ck_assert_uint_eq(w.len, 3);
    ck_assert_uint_eq(w.buf[0], 0x08);
    ck_assert_uint_eq(w.buf[1], 0x00);
    ck_assert_uint_eq(w.buf[2], 0xC0);
    btq_writer_reset(&w);
    /* the same bits Lsb0 over u32: one u32 0x00000003 */
    ck_assert_int_eq(btq_write_bitseq(&w, BTQ_BITSTORE_U32, BTQ_BITORDER_LSB0, b, 2), 0);
    ck_assert_uint_eq(w.len, 5);
    ck_assert_uint_eq(w.buf[1], 0x03);
    ck_assert_uint_eq(w.buf[4], 0x00);
    btq_writer_free(&w);
}
END_TEST

START_TEST(write_then_read_every_store_and_order)
{
    bool bits[131];
    for (size_t i = 0; i < 131; i++)
        bits[i] = ((i * 7 + 3) % 5) < 2;
    for (int s = 0; s < 4; s++) {
        for (int o = 0; o < 2; o++) {
            for (size_t n = 0; n <= 131; n += 13) {
                btq_writer w;
                btq_writer_init(&w);
                ck_assert_int_eq(btq_write_bitseq(&w, stores[s], (btq_bit_order)o, bits, n), 0);
                btq_reader r;
                btq_reader_init(&r, w.buf, w.len);
                const uint8_t *words;
                size_t wl, nb;
                ck_assert_int_eq(btq_read_bitseq(&r, stores[s], &words, &wl, &nb), 0);
                ck_assert_uint_eq(nb, n);
                size_t sb = (size_t)stores[s];
                ck_assert_uint_eq(wl, (n + 8 * sb - 1) / (8 * sb) * sb);
                ck_assert_int_eq(btq_reader_expect_end(&r), 0);
                for (size_t i = 0; i < n; i++)
                    ck_assert_int_eq(btq_bitseq_get(words, stores[s], (btq_bit_order)o, i),
                                     bits[i]);
                btq_writer_free(&w);
            }
        }
    }
}
END_TEST

START_TEST(short_words_fail_at_the_prefix)
{
    /* 17 bits over u16 need 4 bytes of words; 3 given */
    const uint8_t in[] = {0x44, 1, 2, 3};
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    const uint8_t *words;
    size_t wl, bits;
    ck_assert_int_eq(btq_read_bitseq(&r, BTQ_BITSTORE_U16, &words, &wl, &bits), BTQ_ESHORT);
    ck_assert_uint_eq(r.pos, 0);
    /* with u8 store 3 bytes are enough */
    ck_assert_int_eq(btq_read_bitseq(&r, BTQ_BITSTORE_U8, &words, &wl, &bits), 0);
    ck_assert_uint_eq(r.pos, 4);
}
END_TEST

START_TEST(bit_count_beyond_u32_overflows_compact_u32)
{
    const uint8_t in[] = {0x07, 0, 0, 0, 0, 1}; /* 2^32 bits */
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    const uint8_t *words;
    size_t wl, bits;
    ck_assert_int_eq(btq_read_bitseq(&r, BTQ_BITSTORE_U8, &words, &wl, &bits), BTQ_EOVERFLOW);
    ck_assert_uint_eq(r.pos, 0);
}
END_TEST

START_TEST(bad_store_or_order_is_ebitseq)
{
    const uint8_t in[] = {0x00};
    btq_reader r;
    btq_reader_init(&r, in, sizeof in);
    const uint8_t *words;
    size_t wl, bits;
    ck_assert_int_eq(btq_read_bitseq(&r, (btq_bit_store)3, &words, &wl, &bits), BTQ_EBITSEQ);
    btq_writer w;
    btq_writer_init(&w);
    const bool b[1] = {true};
    ck_assert_int_eq(btq_write_bitseq(&w, (btq_bit_store)16, BTQ_BITORDER_LSB0, b, 1), BTQ_EBITSEQ);
    btq_writer_reset(&w);
    ck_assert_int_eq(btq_write_bitseq(&w, BTQ_BITSTORE_U8, (btq_bit_order)2, b, 1), BTQ_EBITSEQ);
    ck_assert_uint_eq(w.len, 0);
    btq_writer_free(&w);
}
END_TEST

START_TEST(fixed_writer_too_small_leaves_nothing)
{
    uint8_t buf[2];
    btq_writer w;
    btq_writer_init_fixed(&w, buf, sizeof buf);
    bool b[9] = {true};
    ck_assert_int_eq(btq_write_bitseq(&w, BTQ_BITSTORE_U8, BTQ_BITORDER_LSB0, b, 9), BTQ_ENOSPACE);
    ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(bit_count_limit_is_rusts_2_pow_29_minus_1)
{
    /* 0x1FFFFFFF bits: allowed (then short of words); 0x20000000: over the limit */
    const uint8_t at_limit[] = {0xfe, 0xff, 0xff, 0x7f, 0x00};
    const uint8_t over[] = {0x02, 0x00, 0x00, 0x80, 0x00};
    btq_reader r;
    const uint8_t *words;
    size_t wl, bits;
    btq_reader_init(&r, at_limit, sizeof at_limit);
    ck_assert_int_eq(btq_read_bitseq(&r, BTQ_BITSTORE_U8, &words, &wl, &bits), BTQ_ESHORT);
    btq_reader_init(&r, over, sizeof over);
    ck_assert_int_eq(btq_read_bitseq(&r, BTQ_BITSTORE_U8, &words, &wl, &bits), BTQ_EOVERFLOW);
    ck_assert_uint_eq(r.pos, 0);
    btq_writer w;
    btq_writer_init(&w);
    const bool one = true; /* never read: the count is refused first */
    ck_assert_int_eq(btq_write_bitseq(&w, BTQ_BITSTORE_U8, BTQ_BITORDER_LSB0, &one, 0x20000000u),
                     BTQ_EOVERFLOW);
    ck_assert_uint_eq(w.len, 0);
    btq_writer_free(&w);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/bitseq");
    TCase *tc = tcase_create("bitseq");
    tcase_add_test(tc, lsb0_u8_matches_bitvec_layout);
    tcase_add_test(tc, msb0_u16_puts_first_bit_in_top_of_word);
    tcase_add_test(tc, write_then_read_every_store_and_order);
    tcase_add_test(tc, short_words_fail_at_the_prefix);
    tcase_add_test(tc, bit_count_beyond_u32_overflows_compact_u32);
    tcase_add_test(tc, bad_store_or_order_is_ebitseq);
    tcase_add_test(tc, fixed_writer_too_small_leaves_nothing);
    tcase_add_test(tc, bit_count_limit_is_rusts_2_pow_29_minus_1);
    suite_add_tcase(s, tc);
    return s;
}
