/* Storage keys: twox128(pallet) || twox128(item) || hasher(key)..., into a caller buffer or a
 * btq_writer. */
#include <string.h>

#include "btq/chain.h"

void btq_storage_prefix(const char *pallet, size_t pallet_len, const char *item, size_t item_len,
                        uint8_t out[BTQ_STORAGE_PREFIX_LEN])
{
    btq_twox128(pallet, pallet_len, out);
    btq_twox128(item, item_len, out + 16);
}

int btq_storage_key_write_prefix(btq_writer *w, const char *pallet, size_t pallet_len,
                                 const char *item, size_t item_len)
{
    if (!w) return BTQ_EINVAL;
    if (w->err) return w->err;
    if ((!pallet && pallet_len) || (!item && item_len)) {
        if (!w->err) w->err = BTQ_EINVAL;
        return w->err;
    }
    uint8_t prefix[BTQ_STORAGE_PREFIX_LEN];
    btq_storage_prefix(pallet, pallet_len, item, item_len, prefix);
    return btq_write_raw(w, prefix, sizeof prefix);
}

/* The digest part of hasher h (none for identity) into digest[0..32). */
static void digest_of(btq_hasher h, const void *key, size_t key_len, uint8_t digest[32])
{
    switch (h) {
    case BTQ_HASHER_BLAKE2_128:
    case BTQ_HASHER_BLAKE2_128_CONCAT:
        btq_blake2_128(key, key_len, digest);
        break;
    case BTQ_HASHER_BLAKE2_256:
        btq_blake2_256(key, key_len, digest);
        break;
    case BTQ_HASHER_TWOX128:
        btq_twox128(key, key_len, digest);
        break;
    case BTQ_HASHER_TWOX256:
        btq_twox256(key, key_len, digest);
        break;
    case BTQ_HASHER_TWOX64_CONCAT:
        btq_twox64(key, key_len, digest);
        break;
    case BTQ_HASHER_IDENTITY:
    default:
        break;
    }
}

int btq_storage_key_write_part(btq_writer *w, btq_hasher h, const void *key, size_t key_len)
{
    if (!w) return BTQ_EINVAL;
    if (w->err) return w->err;
    if (!btq_hasher_name(h)) return w->err = BTQ_EHASHER;
    if (!key && key_len) return w->err = BTQ_EINVAL;
    uint8_t digest[32];
    size_t d = btq_hasher_digest_len(h);
    digest_of(h, key, key_len, digest);
    if (d) btq_write_raw(w, digest, d);
    /* The concat forms and identity append the key itself after the digest. */
    if (btq_hasher_output_len(h, key_len) != d && key_len) btq_write_raw(w, key, key_len);
    return w->err;
}

int btq_storage_key(const char *pallet, size_t pallet_len, const char *item, size_t item_len,
                    const btq_storage_key_part *parts, size_t nparts, uint8_t *out, size_t cap,
                    size_t *out_len)
{
    if ((!pallet && pallet_len) || (!item && item_len) || (!parts && nparts)) return BTQ_EINVAL;
    /* Check every part and the total size first, so a failure writes nothing. */
    size_t need = BTQ_STORAGE_PREFIX_LEN;
    for (size_t i = 0; i < nparts; i++) {
        if (!btq_hasher_name(parts[i].hasher)) return BTQ_EHASHER;
        if (!parts[i].key && parts[i].key_len) return BTQ_EINVAL;
        size_t n = btq_hasher_output_len(parts[i].hasher, parts[i].key_len);
        if ((n == 0 && parts[i].key_len) || n > SIZE_MAX - need) return BTQ_ENOSPACE;
        need += n;
    }
    if (!out || cap < need) return BTQ_ENOSPACE;
    btq_storage_prefix(pallet, pallet_len, item, item_len, out);
    size_t pos = BTQ_STORAGE_PREFIX_LEN;
    for (size_t i = 0; i < nparts; i++) {
        size_t n = 0;
        int rc =
            btq_hash(parts[i].hasher, parts[i].key, parts[i].key_len, out + pos, cap - pos, &n);
        if (rc) return rc; /* cannot happen after the checks above */
        pos += n;
    }
    if (out_len) *out_len = pos;
    return 0;
}
