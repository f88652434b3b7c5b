/* btq — chain primitives (layer L1): storage hashers, storage keys, base58 and SS58 addresses.
 *
 * Every function is pure and thread-safe (no global state, no allocation). Inputs are
 * borrowed for the duration of the call; outputs go into caller buffers whose capacity is
 * always passed and checked (BTQ_ENOSPACE when too small, nothing useful written).
 */
#ifndef BTQ_CHAIN_H
#define BTQ_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "btq/error.h"
#include "btq/hasher.h"
#include "btq/scale.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- hash functions ---------------------------------------------------------------------
 * twox64 = XXH64(x, 0); twoxN = XXH64(x, 0) || XXH64(x, 1) || ..., each 8 bytes little-endian.
 * blake2_N = unkeyed BLAKE2b with an N-bit digest. `data` may be NULL when len is 0. */
void btq_twox64(const void *data, size_t len, uint8_t out[8]);
void btq_twox128(const void *data, size_t len, uint8_t out[16]);
void btq_twox256(const void *data, size_t len, uint8_t out[32]);
void btq_blake2_128(const void *data, size_t len, uint8_t out[16]);
void btq_blake2_256(const void *data, size_t len, uint8_t out[32]);
/* Unkeyed BLAKE2b with an out_len-byte digest, 1..64; else BTQ_EINVAL. */
int btq_blake2b(const void *data, size_t len, uint8_t *out, size_t out_len);

/* ---- storage hashers ---------------------------------------------------------------------- */

/* Canonical (snake_case) name: "blake2_128", "blake2_256", "blake2_128_concat", "twox128",
 * "twox256", "twox64_concat", "identity". Static string; NULL for a value out of range. */
const char *btq_hasher_name(btq_hasher h);
/* Name of the metadata spelling: "Blake2_128", ..., "Blake2_128Concat", "Twox64Concat",
 * "Identity". Static string; NULL for a value out of range. */
const char *btq_hasher_metadata_name(btq_hasher h);
/* Parse either spelling (exact, case-sensitive; name[0..len) need not be NUL-terminated).
 * BTQ_EHASHER for anything else. */
int btq_hasher_from_name(const char *name, size_t len, btq_hasher *out);
/* Bytes the hasher produces for a key of key_len bytes (the digest, plus the key for the
 * concat forms and identity); 0 for an invalid hasher or a length that would overflow. */
size_t btq_hasher_output_len(btq_hasher h, size_t key_len);
/* Digest length of a hasher without its concatenated key (0 for identity), or 0 if invalid. */
size_t btq_hasher_digest_len(btq_hasher h);
/* Apply hasher h to the SCALE-encoded key bytes: out[0..*out_len). BTQ_EHASHER for an invalid
 * hasher, BTQ_ENOSPACE if cap < btq_hasher_output_len(h, key_len). out_len may be NULL; key and
 * out must not overlap. */
int btq_hash(btq_hasher h, const void *key, size_t key_len, uint8_t *out, size_t cap,
             size_t *out_len);

/* ---- storage keys ------------------------------------------------------------------------
 * key = twox128(pallet) || twox128(item) || hasher_1(key_1) || hasher_2(key_2) || ...
 * Names are the exact metadata names (e.g. "System", "Account"), not NUL-terminated. */
#define BTQ_STORAGE_PREFIX_LEN 32

void btq_storage_prefix(const char *pallet, size_t pallet_len, const char *item, size_t item_len,
                        uint8_t out[BTQ_STORAGE_PREFIX_LEN]);

/* Writer form: append to w (growing, or fixed with BTQ_ENOSPACE; errors are sticky as for any
 * btq_writer). Returns 0 or the writer's error. */
int btq_storage_key_write_prefix(btq_writer *w, const char *pallet, size_t pallet_len,
                                 const char *item, size_t item_len);
/* Append hasher(key). BTQ_EHASHER for an invalid hasher (also stored in w->err). */
int btq_storage_key_write_part(btq_writer *w, btq_hasher h, const void *key, size_t key_len);

/* One key part for btq_storage_key: the hasher and the SCALE-encoded key (borrowed). */
typedef struct btq_storage_key_part {
    btq_hasher hasher;
    const uint8_t *key;
    size_t key_len;
} btq_storage_key_part;

/* One-shot: the full key into out (capacity cap), its length in *out_len (may be NULL).
 * parts may be NULL when nparts is 0. BTQ_ENOSPACE, BTQ_EHASHER, BTQ_EINVAL. */
int btq_storage_key(const char *pallet, size_t pallet_len, const char *item, size_t item_len,
                    const btq_storage_key_part *parts, size_t nparts, uint8_t *out, size_t cap,
                    size_t *out_len);

/* ---- base58 (Bitcoin alphabet) ------------------------------------------------------------ */

/* Longest input either direction accepts (bytes to encode, characters to decode), so the
 * quadratic worst case is bounded before any work: BTQ_ETOOMANY beyond it. */
#define BTQ_BASE58_MAX_INPUT 1024

/* Encode n bytes; out gets a NUL-terminated string, cap counts the NUL. *out_len (may be
 * NULL) = characters without the NUL. BTQ_ENOSPACE, BTQ_ETOOMANY. */
int btq_base58_encode(const void *data, size_t n, char *out, size_t cap, size_t *out_len);
/* Decode s[0..n) (no whitespace allowed). BTQ_ESS58CHAR for a character outside the alphabet
 * (err->offset = its position), BTQ_ENOSPACE, BTQ_ETOOMANY. err may be NULL. */
int btq_base58_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len,
                      btq_error *err);

/* ---- SS58 addresses -----------------------------------------------------------------------
 * address = base58(prefix || payload || checksum), prefix one byte (0..63) or two bytes
 * (64..16383), checksum = the first 1 (payload of 1, 2, 4 or 8 bytes) or 2 (payload of 32 or
 * 33 bytes) bytes of blake2b-512("SS58PRE" || prefix || payload). Prefixes 46 and 47 are
 * reserved and rejected both ways. */
#define BTQ_SS58_MAX_PREFIX 16383
#define BTQ_SS58_DEFAULT_PREFIX 42 /* generic Substrate; Bittensor uses it too */
#define BTQ_SS58_ANY_PREFIX (-1)   /* btq_ss58_decode: accept any network */
#define BTQ_SS58_MAX_PAYLOAD 33
#define BTQ_SS58_ADDRESS_MAX 51 /* longest address in characters (2 + 33 + 2 bytes) */
#define BTQ_SS58_ADDRESS_CAP 52 /* a buffer that holds any address and its NUL */

/* 1 if prefix can be encoded (0..16383 except 46 and 47), else 0. */
int btq_ss58_prefix_valid(uint32_t prefix);
/* 1 if n is a payload length the format allows (1, 2, 4, 8, 32, 33), else 0. */
int btq_ss58_payload_len_valid(size_t n);

/* Encode payload[0..n) for network prefix into out (NUL-terminated; cap counts the NUL,
 * BTQ_SS58_ADDRESS_CAP always suffices). *out_len (may be NULL) = characters.
 * BTQ_ESS58PREFIX, BTQ_ESS58LEN (payload length), BTQ_ENOSPACE. err may be NULL. */
int btq_ss58_encode(uint32_t prefix, const void *payload, size_t n, char *out, size_t cap,
                    size_t *out_len, btq_error *err);

/* Decode addr[0..addr_len). expected_prefix: BTQ_SS58_ANY_PREFIX or the network the address
 * must belong to (BTQ_ESS58NETWORK otherwise; checked after the checksum). *prefix (may be
 * NULL) = the address's prefix; payload into out (capacity cap; BTQ_SS58_MAX_PAYLOAD always
 * suffices; out NULL with cap 0 skips the copy), its length in *out_len (may be NULL). Nothing
 * is written on failure.
 * Checked in this order: BTQ_EINVAL (expected_prefix out of range), BTQ_ESS58LEN (empty, or
 * longer than BTQ_SS58_ADDRESS_MAX characters), BTQ_ESS58CHAR (err->offset = the character's
 * position), BTQ_ESS58PREFIX (first byte >= 128), BTQ_ESS58LEN (a decoded length the format
 * does not allow), BTQ_ESS58PREFIX (reserved 46/47, or a two-byte form of a prefix below 64,
 * which no encoder produces: rejected rather than silently normalised), BTQ_ESS58CHECKSUM,
 * BTQ_ESS58NETWORK, BTQ_ENOSPACE.
 * err may be NULL; its message names the detail. */
int btq_ss58_decode(const char *addr, size_t addr_len, int32_t expected_prefix, uint16_t *prefix,
                    uint8_t *out, size_t cap, size_t *out_len, btq_error *err);

/* btq_ss58_decode without the payload: 0 if addr is a valid address (for expected_prefix). */
int btq_ss58_validate(const char *addr, size_t addr_len, int32_t expected_prefix, btq_error *err);

#ifdef __cplusplus
}
#endif
#endif
