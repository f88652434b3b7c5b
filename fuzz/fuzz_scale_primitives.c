/* Fuzz the SCALE primitives through a small script the input itself carries:
 *   byte 0: k = (b & 15) + 1 operations; bytes 1..k: the operations; the rest: the data.
 * Each operation reads one primitive from the data and writes it back with the matching writer.
 * When the script stops (all done or the first failure) the written bytes must equal exactly
 * the bytes consumed, and a failed read must have left the position where it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

enum {
    OP_BOOL,
    OP_U8,
    OP_U16,
    OP_U32,
    OP_U64,
    OP_U128,
    OP_U256,
    OP_I8,
    OP_I16,
    OP_I32,
    OP_I64,
    OP_I128,
    OP_I256,
    OP_COMPACT32,
    OP_COMPACT64,
    OP_COMPACT128,
    OP_COMPACT256,
    OP_COMPACT_BIG,
    OP_BYTES,
    OP_STR,
    OP_CHAR,
    OP_OPTION,
    OP_OPTION_BOOL,
    OP_RESULT,
    OP_LENGTH,
    OP_BITSEQ, /* + store and order from the op byte */
    OP_COUNT
};

/* A bit sequence read back bit by bit, written with btq_write_bitseq and read again, must give
 * the same bits (the writer zeroes padding, the input may not, so bytes can differ). */
static void bitseq_round_trip(const uint8_t *words, btq_bit_store st, btq_bit_order ord,
                              size_t bits)
{
    bool *b = malloc(bits + 1);
    CHECK(b != NULL);
    for (size_t i = 0; i < bits; i++)
        b[i] = btq_bitseq_get(words, st, ord, i);
    btq_writer w;
    btq_writer_init(&w);
    CHECK(btq_write_bitseq(&w, st, ord, b, bits) == 0);
    btq_reader r;
    btq_reader_init(&r, w.buf, w.len);
    const uint8_t *w2;
    size_t wl2, bits2;
    CHECK(btq_read_bitseq(&r, st, &w2, &wl2, &bits2) == 0 && bits2 == bits);
    CHECK(btq_reader_expect_end(&r) == 0);
    for (size_t i = 0; i < bits; i++)
        CHECK(btq_bitseq_get(w2, st, ord, i) == b[i]);
    btq_writer_free(&w);
    free(b);
}

/* One operation; returns the read's error code (0 on success, then written back to w). */
static int step(btq_reader *r, btq_writer *w, uint8_t op)
{
    int rc;
    switch (op % OP_COUNT) {
    case OP_BOOL: {
        bool v;
        if (!(rc = btq_read_bool(r, &v))) btq_write_bool(w, v);
        return rc;
    }
    case OP_U8:
    case OP_I8: {
        uint8_t v;
        int8_t s;
        if (op % OP_COUNT == OP_U8) {
            if (!(rc = btq_read_u8(r, &v))) btq_write_u8(w, v);
        } else if (!(rc = btq_read_i8(r, &s))) {
            btq_write_u8(w, (uint8_t)s);
        }
        return rc;
    }
    case OP_U16: {
        uint16_t v;
        if (!(rc = btq_read_u16(r, &v))) btq_write_u16(w, v);
        return rc;
    }
    case OP_I16: {
        int16_t v;
        if (!(rc = btq_read_i16(r, &v))) btq_write_u16(w, (uint16_t)v);
        return rc;
    }
    case OP_U32: {
        uint32_t v;
        if (!(rc = btq_read_u32(r, &v))) btq_write_u32(w, v);
        return rc;
    }
    case OP_I32: {
        int32_t v;
        if (!(rc = btq_read_i32(r, &v))) btq_write_u32(w, (uint32_t)v);
        return rc;
    }
    case OP_U64: {
        uint64_t v;
        if (!(rc = btq_read_u64(r, &v))) btq_write_u64(w, v);
        return rc;
    }
    case OP_I64: {
        int64_t v;
        if (!(rc = btq_read_i64(r, &v))) btq_write_u64(w, (uint64_t)v);
        return rc;
    }
    case OP_U128:
    case OP_I128: {
        btq_u128 v;
        rc = op % OP_COUNT == OP_U128 ? btq_read_u128(r, &v) : btq_read_i128(r, &v);
        if (!rc) btq_write_u128(w, v);
        return rc;
    }
    case OP_U256:
    case OP_I256: {
        btq_u256 v;
        rc = op % OP_COUNT == OP_U256 ? btq_read_u256(r, &v) : btq_read_i256(r, &v);
        if (!rc) btq_write_u256(w, &v);
        return rc;
    }
    case OP_COMPACT32: {
        uint32_t v;
        if (!(rc = btq_read_compact_u32(r, &v))) btq_write_compact_u64(w, v);
        return rc;
    }
    case OP_COMPACT64: {
        uint64_t v;
        if (!(rc = btq_read_compact_u64(r, &v))) btq_write_compact_u64(w, v);
        return rc;
    }
    case OP_COMPACT128: {
        btq_u128 v;
        if (!(rc = btq_read_compact_u128(r, &v))) btq_write_compact_u128(w, v);
        return rc;
    }
    case OP_COMPACT256: {
        btq_u256 v;
        if (!(rc = btq_read_compact_u256(r, &v))) btq_write_compact_u256(w, &v);
        return rc;
    }
    case OP_COMPACT_BIG: {
        uint8_t le[BTQ_COMPACT_MAX_BYTES];
        size_t n;
        if (!(rc = btq_read_compact_big(r, le, sizeof le, &n))) btq_write_compact_big(w, le, n);
        return rc;
    }
    case OP_BYTES: {
        const uint8_t *p;
        size_t n;
        if (!(rc = btq_read_byte_vec(r, &p, &n))) btq_write_byte_vec(w, p, n);
        return rc;
    }
    case OP_STR: {
        const char *s;
        size_t n;
        if (!(rc = btq_read_str(r, &s, &n))) CHECK(btq_write_str(w, s, n) == 0);
        return rc;
    }
    case OP_CHAR: {
        uint32_t c;
        if (!(rc = btq_read_char(r, &c))) CHECK(btq_write_char(w, c) == 0);
        return rc;
    }
    case OP_OPTION:
    case OP_RESULT: {
        bool t;
        rc = op % OP_COUNT == OP_OPTION ? btq_read_option_tag(r, &t) : btq_read_result_tag(r, &t);
        if (!rc) btq_write_u8(w, t ? 1 : 0);
        return rc;
    }
    case OP_OPTION_BOOL: {
        uint8_t st;
        if (!(rc = btq_read_option_bool(r, &st))) CHECK(btq_write_option_bool(w, st) == 0);
        return rc;
    }
    case OP_LENGTH: {
        size_t n, min = (size_t)(op / OP_COUNT) % 9; /* 0..8 bytes per item */
        if ((rc = btq_read_length(r, min, &n))) return rc;
        CHECK(min ? n <= btq_reader_remaining(r) / min : n <= BTQ_SCALE_MAX_ZST_ITEMS);
        btq_write_compact_u64(w, (uint64_t)n);
        return 0;
    }
    default: { /* OP_BITSEQ */
        static const btq_bit_store stores[4] = {BTQ_BITSTORE_U8, BTQ_BITSTORE_U16, BTQ_BITSTORE_U32,
                                                BTQ_BITSTORE_U64};
        unsigned sel = (unsigned)(op / OP_COUNT);
        btq_bit_store st = stores[sel & 3];
        btq_bit_order ord = (sel & 4) ? BTQ_BITORDER_MSB0 : BTQ_BITORDER_LSB0;
        const uint8_t *words;
        size_t wl, bits;
        if ((rc = btq_read_bitseq(r, st, &words, &wl, &bits))) return rc;
        CHECK(wl % (size_t)st == 0 && wl * 8 >= bits && (wl == 0 || (wl - (size_t)st) * 8 < bits));
        btq_write_compact_u64(w, (uint64_t)bits);
        btq_write_raw(w, words, wl);
        bitseq_round_trip(words, st, ord, bits);
        return 0;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t k = (size_t)(data[0] & 15) + 1;
    if (size < 1 + k) return 0;
    const uint8_t *ops = data + 1;
    btq_reader r;
    btq_reader_init(&r, data + 1 + k, size - 1 - k);
    btq_writer w;
    btq_writer_init(&w);
    for (size_t i = 0; i < k; i++) {
        size_t at = r.pos;
        int rc = step(&r, &w, ops[i]);
        if (rc) {
            CHECK(r.pos == at);
            CHECK(rc < 0 && rc != BTQ_EINTERNAL);
            break;
        }
        CHECK(w.err == 0);
    }
    CHECK(w.err == 0);
    CHECK(w.len == r.pos);
    CHECK(r.pos == 0 || memcmp(w.buf, r.data, r.pos) == 0);
    btq_writer_free(&w);
    return 0;
}
