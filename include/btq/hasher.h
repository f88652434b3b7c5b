/* btq — storage hashers, in the order metadata encodes them (StorageHasher enum), so a parsed
 * metadata byte is a btq_hasher as is. Layer L0 (names only); the hash functions themselves are
 * in btq/chain.h. */
#ifndef BTQ_HASHER_H
#define BTQ_HASHER_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum btq_hasher {
    BTQ_HASHER_BLAKE2_128 = 0,
    BTQ_HASHER_BLAKE2_256 = 1,
    BTQ_HASHER_BLAKE2_128_CONCAT = 2,
    BTQ_HASHER_TWOX128 = 3,
    BTQ_HASHER_TWOX256 = 4,
    BTQ_HASHER_TWOX64_CONCAT = 5,
    BTQ_HASHER_IDENTITY = 6
} btq_hasher;

#define BTQ_HASHER_COUNT 7

#ifdef __cplusplus
}
#endif
#endif
