/* Bit sequences: parity-scale-codec's encoding of bitvec's BitVec<Store, Order>.
 *
 * Layout (parity-scale-codec `bit_vec.rs` with the bitvec crate): Compact<u32> bit count, then
 * ceil(bits / store_bits) store words, each encoded as its integer type (little-endian). Within
 * one word, Lsb0 puts bit i of the word's chunk at value bit (i % store_bits), Msb0 at value bit
 * (store_bits - 1 - i % store_bits). Lsb0 over any store therefore has the same bytes as Lsb0
 * over u8; Msb0 does not. Padding bits of the last word are kept as read (Rust's decoder does
 * not check them either), and written as zero. At most 2^29 - 1 bits, as in Rust. */
#include <string.h>

#include "btq/scale.h"

/* parity-scale-codec's ARCH32BIT_BITSLICE_MAX_BITS: Rust rejects longer bit sequences (a 32-bit
 * target could not hold them), so btq does too, reading and writing alike. */
#define BITSEQ_MAX_BITS 0x1FFFFFFFu

static int store_ok(btq_bit_store store)
{
    return store == BTQ_BITSTORE_U8 || store == BTQ_BITSTORE_U16 || store == BTQ_BITSTORE_U32 ||
           store == BTQ_BITSTORE_U64;
}

/* Bytes taken by `bits` bits in words of `sb` bytes. bits <= UINT32_MAX, so no overflow. */
static size_t words_bytes(uint64_t bits, size_t sb)
{
    uint64_t wbits = 8u * (uint64_t)sb;
    return (size_t)((bits + wbits - 1) / wbits) * sb;
}

int btq_read_bitseq(btq_reader *r, btq_bit_store store, const uint8_t **out_words,
                    size_t *out_words_len, size_t *out_bits)
{
    if (!store_ok(store)) return BTQ_EBITSEQ;
    size_t start = r->pos;
    uint32_t bits;
    int rc = btq_read_compact_u32(r, &bits);
    if (rc) return rc;
    if (bits > BITSEQ_MAX_BITS) {
        r->pos = start;
        return BTQ_EOVERFLOW;
    }
    size_t nb = words_bytes(bits, (size_t)store);
    if (btq_reader_remaining(r) < nb) {
        r->pos = start;
        return BTQ_ESHORT;
    }
    *out_words = r->data + r->pos;
    *out_words_len = nb;
    *out_bits = bits;
    r->pos += nb;
    return 0;
}

/* Byte and bit position of bit i inside the raw little-endian words. */
static void locate(btq_bit_store store, btq_bit_order order, size_t i, size_t *byte, unsigned *bit)
{
    size_t wbits = 8u * (size_t)store;
    size_t word = i / wbits, in = i % wbits;
    if (order == BTQ_BITORDER_MSB0) in = wbits - 1 - in;
    *byte = word * (size_t)store + in / 8;
    *bit = (unsigned)(in % 8);
}

bool btq_bitseq_get(const uint8_t *words, btq_bit_store store, btq_bit_order order, size_t i)
{
    size_t byte;
    unsigned bit;
    locate(store, order, i, &byte, &bit);
    return (words[byte] >> bit) & 1;
}

int btq_write_bitseq(btq_writer *w, btq_bit_store store, btq_bit_order order, const bool *bits,
                     size_t nbits)
{
    if (w->err) return w->err;
    if (!store_ok(store) || (order != BTQ_BITORDER_LSB0 && order != BTQ_BITORDER_MSB0)) {
        w->err = BTQ_EBITSEQ;
        return w->err;
    }
    if ((uint64_t)nbits > BITSEQ_MAX_BITS) {
        w->err = BTQ_EOVERFLOW;
        return w->err;
    }
    size_t nb = words_bytes(nbits, (size_t)store);
    btq_u128 count = {(uint64_t)nbits, 0};
    size_t pre = btq_compact_len_u128(count);
    /* Reserve through a zero write of the full size, then fill in place: one allocation and
     * nothing half-written on failure. */
    size_t at = w->len;
    if (btq_write_compact_u64(w, (uint64_t)nbits)) return w->err;
    if (w->cap - w->len < nb) {
        /* Grow by writing zeros in chunks; undo the prefix if that fails. */
        static const uint8_t zeros[64];
        size_t left = nb;
        while (left) {
            size_t k = left < sizeof zeros ? left : sizeof zeros;
            if (btq_write_raw(w, zeros, k)) {
                w->len = at;
                return w->err;
            }
            left -= k;
        }
    } else {
        memset(w->buf + w->len, 0, nb);
        w->len += nb;
    }
    uint8_t *p = w->buf + at + pre;
    for (size_t i = 0; i < nbits; i++) {
        if (!bits[i]) continue;
        size_t byte;
        unsigned bit;
        locate(store, order, i, &byte, &bit);
        p[byte] = (uint8_t)(p[byte] | (1u << bit));
    }
    return 0;
}
