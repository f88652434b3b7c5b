/* Storage hashers: twox (xxHash64 with consecutive seeds), BLAKE2b, the concat forms, identity,
 * and the hasher names used by metadata and by people. */
#include <string.h>

#include <sodium/crypto_generichash_blake2b.h>
#include <xxhash.h>

#include "btq/chain.h"
#include "scale_internal.h"

/* Substrate serialises each XXH64 lane little-endian regardless of the host. */
static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* xxHash reads nothing when len is 0, but a NULL pointer plus 0 is not something to pass on. */
static const void *nonnull(const void *data, size_t len)
{
    static const uint8_t empty[1] = {0};
    return (data && len) ? data : empty;
}

static void twox(const void *data, size_t len, uint8_t *out, unsigned lanes)
{
    const void *p = nonnull(data, len);
    for (unsigned i = 0; i < lanes; i++)
        put_le64(out + 8 * i, (uint64_t)XXH64(p, len, i));
}

void btq_twox64(const void *data, size_t len, uint8_t out[8])
{
    twox(data, len, out, 1);
}

void btq_twox128(const void *data, size_t len, uint8_t out[16])
{
    twox(data, len, out, 2);
}

void btq_twox256(const void *data, size_t len, uint8_t out[32])
{
    twox(data, len, out, 4);
}

/* libsodium's BLAKE2b works before sodium_init(): it then runs the portable compression
 * function, which measured faster than the AVX2 one for the one-block inputs hashed here. */
int btq_blake2b(const void *data, size_t len, uint8_t *out, size_t out_len)
{
    if (!out || out_len < 1 || out_len > 64) return BTQ_EINVAL;
    const unsigned char *p = (const unsigned char *)nonnull(data, len);
    if (crypto_generichash_blake2b(out, out_len, p, (unsigned long long)len, NULL, 0) != 0)
        return BTQ_EINTERNAL;
    return 0;
}

void btq_blake2_128(const void *data, size_t len, uint8_t out[16])
{
    (void)btq_blake2b(data, len, out, 16);
}

void btq_blake2_256(const void *data, size_t len, uint8_t out[32])
{
    (void)btq_blake2b(data, len, out, 32);
}

/* ---- names ------------------------------------------------------------------------------ */

static const char *const snake_names[BTQ_HASHER_COUNT] = {
    "blake2_128", "blake2_256",    "blake2_128_concat", "twox128",
    "twox256",    "twox64_concat", "identity"};
static const char *const metadata_names[BTQ_HASHER_COUNT] = {
    "Blake2_128", "Blake2_256",   "Blake2_128Concat", "Twox128",
    "Twox256",    "Twox64Concat", "Identity"};

static int valid_hasher(btq_hasher h)
{
    return (int)h >= 0 && (int)h < BTQ_HASHER_COUNT;
}

const char *btq_hasher_name(btq_hasher h)
{
    return valid_hasher(h) ? snake_names[h] : NULL;
}

const char *btq_hasher_metadata_name(btq_hasher h)
{
    return valid_hasher(h) ? metadata_names[h] : NULL;
}

static int name_is(const char *name, size_t len, const char *candidate)
{
    return strlen(candidate) == len && memcmp(name, candidate, len) == 0;
}

int btq_hasher_from_name(const char *name, size_t len, btq_hasher *out)
{
    if (!name) return BTQ_EHASHER;
    for (int i = 0; i < BTQ_HASHER_COUNT; i++) {
        if (name_is(name, len, snake_names[i]) || name_is(name, len, metadata_names[i])) {
            if (out) *out = (btq_hasher)i;
            return 0;
        }
    }
    return BTQ_EHASHER;
}

/* ---- applying a hasher ------------------------------------------------------------------ */

size_t btq_hasher_digest_len(btq_hasher h)
{
    switch (h) {
    case BTQ_HASHER_BLAKE2_128:
    case BTQ_HASHER_BLAKE2_128_CONCAT:
    case BTQ_HASHER_TWOX128:
        return 16;
    case BTQ_HASHER_BLAKE2_256:
    case BTQ_HASHER_TWOX256:
        return 32;
    case BTQ_HASHER_TWOX64_CONCAT:
        return 8;
    case BTQ_HASHER_IDENTITY:
    default:
        return 0;
    }
}

static int is_concat(btq_hasher h)
{
    return h == BTQ_HASHER_BLAKE2_128_CONCAT || h == BTQ_HASHER_TWOX64_CONCAT ||
           h == BTQ_HASHER_IDENTITY;
}

size_t btq_hasher_output_len(btq_hasher h, size_t key_len)
{
    if (!valid_hasher(h)) return 0;
    size_t d = btq_hasher_digest_len(h);
    if (!is_concat(h)) return d;
    if (key_len > SIZE_MAX - d) return 0;
    return d + key_len;
}

int btq_hash(btq_hasher h, const void *key, size_t key_len, uint8_t *out, size_t cap,
             size_t *out_len)
{
    if (!valid_hasher(h)) return BTQ_EHASHER;
    if (!key && key_len) return BTQ_EINVAL;
    size_t need = btq_hasher_output_len(h, key_len);
    if (need == 0 && key_len) return BTQ_ENOSPACE; /* digest + key overflows size_t */
    if (!out && need) return BTQ_ENOSPACE;
    if (cap < need) return BTQ_ENOSPACE;
    switch (h) {
    case BTQ_HASHER_BLAKE2_128:
    case BTQ_HASHER_BLAKE2_128_CONCAT:
        btq_blake2_128(key, key_len, out);
        break;
    case BTQ_HASHER_BLAKE2_256:
        btq_blake2_256(key, key_len, out);
        break;
    case BTQ_HASHER_TWOX128:
        btq_twox128(key, key_len, out);
        break;
    case BTQ_HASHER_TWOX256:
        btq_twox256(key, key_len, out);
        break;
    case BTQ_HASHER_TWOX64_CONCAT:
        btq_twox64(key, key_len, out);
        break;
    case BTQ_HASHER_IDENTITY:
    default:
        break;
    }
    if (is_concat(h) && key_len) {
        size_t d = btq_hasher_digest_len(h);
        memcpy(out + d, key, key_len);
    }
    if (out_len) *out_len = need;
    return 0;
}
