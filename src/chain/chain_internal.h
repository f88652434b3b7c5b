/* Internal to src/chain (and its tests): the generic base58 paths the fast ones are checked
 * against. Not installed. */
#ifndef BTQ_CHAIN_INTERNAL_H
#define BTQ_CHAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Longest input the table-driven fast paths take: an SS58 address is at most 37 bytes and
 * 51 characters, so addresses always take them. */
#define BTQ__BASE58_FAST_MAX_BYTES 64
#define BTQ__BASE58_FAST_MAX_CHARS 88

/* Base58 text (no NUL) of in[0..n) into out (room for n * 138 / 100 + 1 characters,
 * n <= BTQ_BASE58_MAX_INPUT); returns the count. Leading zero bytes give leading '1's. */
size_t btq__base58_encode_generic(const uint8_t *in, size_t n, char *out);
size_t btq__base58_encode_fast(const uint8_t *in, size_t n, char *out); /* n <= 64 */
/* Inverse: digit values d[0..n) (each < 58) to bytes in out (room for n bytes); returns the
 * byte count. Leading zero digits give leading zero bytes, one each. */
size_t btq__base58_bytes_generic(const uint8_t *d, size_t n, uint8_t *out);
size_t btq__base58_bytes_fast(const uint8_t *d, size_t n, uint8_t *out); /* n <= 88 */

#endif
