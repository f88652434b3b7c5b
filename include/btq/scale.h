/* btq — SCALE codec core: a bounded reader, a growing (or fixed-capacity) writer, primitives.
 *
 * Layer L0: libc only. Readers never read past their length, never allocate, and leave the
 * position unchanged when a read fails, so r->pos is the failing byte offset. Writers report
 * their first failure and keep it (sticky): a sequence of writes can be checked once at the end.
 */
#ifndef BTQ_SCALE_H
#define BTQ_SCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btq/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 128- and 256-bit integers as little-endian 64-bit limbs: portable C11, no __int128 needed.
 * Signed values use the same storage in two's complement. */
typedef struct btq_u128 {
    uint64_t lo, hi;
} btq_u128;
typedef struct btq_u256 {
    uint64_t limb[4]; /* limb[0] least significant */
} btq_u256;

/* Largest compact: the big-integer mode carries up to 67 bytes: 4 + (63 + 4) = 67 payload. */
#define BTQ_COMPACT_MAX_BYTES 67

/* ---- reader ---------------------------------------------------------------------------- */

typedef struct btq_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
} btq_reader;

void btq_reader_init(btq_reader *r, const void *data, size_t len);
static inline size_t btq_reader_remaining(const btq_reader *r)
{
    return r->len - r->pos;
}
/* BTQ_ETRAILING unless every byte was consumed. */
int btq_reader_expect_end(const btq_reader *r);

int btq_read_bool(btq_reader *r, bool *out); /* 0x00/0x01 only, else BTQ_EBADBOOL */
int btq_read_u8(btq_reader *r, uint8_t *out);
int btq_read_u16(btq_reader *r, uint16_t *out);
int btq_read_u32(btq_reader *r, uint32_t *out);
int btq_read_u64(btq_reader *r, uint64_t *out);
int btq_read_u128(btq_reader *r, btq_u128 *out);
int btq_read_u256(btq_reader *r, btq_u256 *out);
int btq_read_i8(btq_reader *r, int8_t *out);
int btq_read_i16(btq_reader *r, int16_t *out);
int btq_read_i32(btq_reader *r, int32_t *out);
int btq_read_i64(btq_reader *r, int64_t *out);
int btq_read_i128(btq_reader *r, btq_u128 *out); /* two's complement */
int btq_read_i256(btq_reader *r, btq_u256 *out); /* two's complement */

/* Compact (SCALE "Compact<T>"). Non-canonical encodings are BTQ_ENONCANONICAL; a value wider
 * than the target is BTQ_EOVERFLOW. */
int btq_read_compact_u32(btq_reader *r, uint32_t *out);
int btq_read_compact_u64(btq_reader *r, uint64_t *out);
int btq_read_compact_u128(btq_reader *r, btq_u128 *out);
int btq_read_compact_u256(btq_reader *r, btq_u256 *out);
/* Any compact, big-integer mode included: little-endian magnitude into out (capacity cap,
 * at most BTQ_COMPACT_MAX_BYTES needed), *out_len = significant bytes (0 for zero). */
int btq_read_compact_big(btq_reader *r, uint8_t *out, size_t cap, size_t *out_len);

/* A length prefix for n items each at least min_item_size bytes long: BTQ_ETOOMANY unless
 * n * min_item_size <= remaining bytes, so a hostile prefix never sizes an allocation.
 * min_item_size 0 is treated as 1 only for the bound check's purpose when elements are
 * zero-sized (caller passes 0 to skip the bound, e.g. for () elements; count is then bounded
 * by BTQ_SCALE_MAX_ZST_ITEMS). */
#define BTQ_SCALE_MAX_ZST_ITEMS 1000000u
int btq_read_length(btq_reader *r, size_t min_item_size, size_t *out_n);

/* n raw bytes, borrowed from the input. */
int btq_read_bytes(btq_reader *r, size_t n, const uint8_t **out);
/* Vec<u8>: compact length + bytes, borrowed. */
int btq_read_byte_vec(btq_reader *r, const uint8_t **out, size_t *out_len);
/* str: compact length + UTF-8 bytes (validated, BTQ_EUTF8), borrowed, not NUL-terminated. */
int btq_read_str(btq_reader *r, const char **out, size_t *out_len);
/* char: u32 that must be a Unicode scalar value (BTQ_EBADCHAR). */
int btq_read_char(btq_reader *r, uint32_t *out);

/* Option tag: 0 None, 1 Some; anything else BTQ_EBADVARIANT. */
int btq_read_option_tag(btq_reader *r, bool *is_some);
/* Option<bool> is one byte: 0 None, 1 Some(true), 2 Some(false). state: 0 None, 1 true, 2 false */
int btq_read_option_bool(btq_reader *r, uint8_t *state);
/* Result tag: 0 Ok, 1 Err. */
int btq_read_result_tag(btq_reader *r, bool *is_err);

/* ---- bit sequences --------------------------------------------------------------------- */

typedef enum btq_bit_store {
    BTQ_BITSTORE_U8 = 1,
    BTQ_BITSTORE_U16 = 2,
    BTQ_BITSTORE_U32 = 4,
    BTQ_BITSTORE_U64 = 8
} btq_bit_store;
typedef enum btq_bit_order { BTQ_BITORDER_LSB0 = 0, BTQ_BITORDER_MSB0 = 1 } btq_bit_order;

/* BitVec<Store, Order>: compact bit count, then ceil(bits / store_bits) store words, each
 * little-endian. Borrows the raw words; *out_bits is the bit count. */
int btq_read_bitseq(btq_reader *r, btq_bit_store store, const uint8_t **out_words,
                    size_t *out_words_len, size_t *out_bits);
/* Bit i (0-based) of a bit sequence read by btq_read_bitseq. */
bool btq_bitseq_get(const uint8_t *words, btq_bit_store store, btq_bit_order order, size_t i);

/* ---- writer ---------------------------------------------------------------------------- */

typedef struct btq_writer {
    uint8_t *buf;
    size_t len;
    size_t cap;
    int err;   /* first error, sticky */
    int fixed; /* 1: caller's buffer, never grown (BTQ_ENOSPACE when full) */
} btq_writer;

/* Growing writer (btq allocator). Free with btq_writer_free or take the buffer. */
void btq_writer_init(btq_writer *w);
/* Fixed-capacity writer over a caller buffer. */
void btq_writer_init_fixed(btq_writer *w, void *buf, size_t cap);
void btq_writer_free(btq_writer *w);
/* Transfers the buffer (release with btq_free) to the caller; returns w->err if any. */
int btq_writer_take(btq_writer *w, uint8_t **out, size_t *out_len);
void btq_writer_reset(btq_writer *w); /* len = 0, err = 0, keeps the buffer */

int btq_write_raw(btq_writer *w, const void *data, size_t n);
int btq_write_bool(btq_writer *w, bool v);
int btq_write_u8(btq_writer *w, uint8_t v);
int btq_write_u16(btq_writer *w, uint16_t v);
int btq_write_u32(btq_writer *w, uint32_t v);
int btq_write_u64(btq_writer *w, uint64_t v);
int btq_write_u128(btq_writer *w, btq_u128 v);
int btq_write_u256(btq_writer *w, const btq_u256 *v);
int btq_write_compact_u64(btq_writer *w, uint64_t v);
int btq_write_compact_u128(btq_writer *w, btq_u128 v);
int btq_write_compact_u256(btq_writer *w, const btq_u256 *v);
/* Little-endian magnitude of any size (trailing zero bytes ignored); canonical output. */
int btq_write_compact_big(btq_writer *w, const uint8_t *le, size_t len);
int btq_write_byte_vec(btq_writer *w, const void *data, size_t n); /* compact len + bytes */
int btq_write_str(btq_writer *w, const char *s, size_t n);         /* validates UTF-8 */
int btq_write_char(btq_writer *w, uint32_t cp);
int btq_write_option_bool(btq_writer *w, uint8_t state); /* 0 None, 1 true, 2 false */
int btq_write_bitseq(btq_writer *w, btq_bit_store store, btq_bit_order order, const bool *bits,
                     size_t nbits);

/* Size in bytes of the compact encoding of v (1, 2, 4 or 5..17). */
size_t btq_compact_len_u128(btq_u128 v);

/* ---- small utilities ------------------------------------------------------------------- */

/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF), else 0. */
int btq_utf8_valid(const char *s, size_t n);

/* Lowercase hex, NUL-terminated; cap must be >= 2*n+1 (+2 with prefix). */
int btq_hex_encode(const void *data, size_t n, int with_0x, char *out, size_t cap);
/* Hex (optional 0x/0X prefix, either case, even length) into out (capacity cap). On an error
 * the bytes of out are unspecified (BTQ_ENOSPACE leaves them untouched). */
int btq_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t cap, size_t *out_len);

/* u128 helpers used by the decoder, JSON printer and CLI. */
/* Decimal digits of v, NUL-terminated; cap >= 40. Returns length or BTQ_ENOSPACE. */
int btq_u128_to_dec(btq_u128 v, char *out, size_t cap);
int btq_u128_from_dec(const char *s, size_t n, btq_u128 *out);
int btq_u256_to_dec(const btq_u256 *v, char *out, size_t cap); /* cap >= 79 */
int btq_u256_from_dec(const char *s, size_t n, btq_u256 *out);

/* Allocation through the btq hooks (see btq/alloc.h): for buffers the library hands out. */
void *btq_malloc(size_t n);
void *btq_calloc(size_t count, size_t size);
void *btq_realloc(void *p, size_t n);
void btq_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
