/* Compact integers (SCALE Compact<T>): decode with canonical-form checks.
 *
 * Modes by the low two bits of the first byte: 00 one byte (6 bits), 01 two bytes (14 bits),
 * 10 four bytes (30 bits), 11 big-integer: (b >> 2) + 4 little-endian bytes follow.
 * Canonical means the shortest mode that fits: in the 2- and 4-byte modes the value must not
 * fit the mode below, and in big-integer mode the top byte is non-zero (else fewer bytes would
 * do) and a 4-byte payload is at least 2^30 (else the 4-byte mode would do). parity-scale-codec
 * rejects exactly these, so accepting them would let two encodings of one value hash apart.
 *
 * Every function leaves r->pos unchanged on failure, so it is the offset of the compact. */
#include <string.h>

#include "btq/scale.h"
#include "scale_internal.h"

/* btq__load_le of n (1..8) bytes at p when `avail` bytes are readable from p: a whole 8-byte load
 * and a mask when the buffer allows it, which spares a variable-length copy. */
static inline uint64_t load_le_var(const uint8_t *p, size_t n, size_t avail)
{
    if (avail < 8) return btq__load_le(p, n);
    uint64_t v = btq__load_le(p, 8);
    return n >= 8 ? v : v & ((UINT64_C(1) << (8 * n)) - 1);
}

/* Decode the header of the compact at r->pos. Small modes: *small = value, *payload = NULL.
 * Big mode: *payload points at the n magnitude bytes (little-endian, top byte non-zero).
 * *used = bytes taken in total. Does not move r->pos. */
static inline int compact_peek(const btq_reader *r, uint64_t *small, const uint8_t **payload,
                               size_t *n_out, size_t *used)
{
    size_t left = btq_reader_remaining(r);
    if (left < 1) return BTQ_ESHORT;
    const uint8_t *p = r->data + r->pos;
    *payload = NULL;
    switch (p[0] & 3) {
    case 0:
        *small = (uint64_t)(p[0] >> 2);
        *used = 1;
        return 0;
    case 1:
        if (left < 2) return BTQ_ESHORT;
        *small = btq__load_le(p, 2) >> 2;
        if (*small < 64) return BTQ_ENONCANONICAL;
        *used = 2;
        return 0;
    case 2:
        if (left < 4) return BTQ_ESHORT;
        *small = btq__load_le(p, 4) >> 2;
        if (*small < (1u << 14)) return BTQ_ENONCANONICAL;
        *used = 4;
        return 0;
    default: {
        size_t n = (size_t)(p[0] >> 2) + 4;
        if (left - 1 < n) return BTQ_ESHORT;
        if (p[n] == 0) return BTQ_ENONCANONICAL;             /* top byte zero */
        if (n == 4 && p[4] < 0x40) return BTQ_ENONCANONICAL; /* < 2^30: 4-byte mode fits */
        *payload = p + 1;
        *n_out = n;
        *used = 1 + n;
        return 0;
    }
    }
}

int btq_read_compact_big(btq_reader *r, uint8_t *out, size_t cap, size_t *out_len)
{
    uint64_t v = 0;
    const uint8_t *payload;
    size_t n = 0, used;
    int rc = compact_peek(r, &v, &payload, &n, &used);
    if (rc) return rc;
    if (payload) {
        if (n > cap) return BTQ_EOVERFLOW;
        memcpy(out, payload, n);
    } else {
        uint8_t tmp[4];
        for (n = 0; v; n++, v >>= 8)
            tmp[n] = (uint8_t)v;
        if (n > cap) return BTQ_EOVERFLOW;
        if (n) memcpy(out, tmp, n);
    }
    *out_len = n;
    r->pos += used;
    return 0;
}

int btq_read_compact_u64(btq_reader *r, uint64_t *out)
{
    /* Fast path for the one-byte mode: lengths and small numbers are the common case. */
    if (btq_reader_remaining(r) >= 1 && (r->data[r->pos] & 3) == 0) {
        *out = (uint64_t)(r->data[r->pos++] >> 2);
        return 0;
    }
    uint64_t v = 0;
    const uint8_t *payload;
    size_t n = 0, used;
    int rc = compact_peek(r, &v, &payload, &n, &used);
    if (rc) return rc;
    if (payload) {
        if (n > 8) return BTQ_EOVERFLOW;
        v = load_le_var(payload, n, (size_t)(r->data + r->len - payload));
    }
    *out = v;
    r->pos += used;
    return 0;
}

int btq_read_compact_u32(btq_reader *r, uint32_t *out)
{
    size_t start = r->pos;
    uint64_t v;
    int rc = btq_read_compact_u64(r, &v);
    if (rc) return rc;
    if (v > UINT32_MAX) {
        r->pos = start;
        return BTQ_EOVERFLOW;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Decode into `nlimbs` little-endian 64-bit limbs; BTQ_EOVERFLOW if it does not fit. */
static int read_compact_limbs(btq_reader *r, uint64_t *limb, size_t nlimbs)
{
    uint64_t v = 0;
    const uint8_t *payload;
    size_t n = 0, used;
    int rc = compact_peek(r, &v, &payload, &n, &used);
    if (rc) return rc;
    memset(limb, 0, nlimbs * sizeof *limb);
    if (payload) {
        if (n > 8 * nlimbs) return BTQ_EOVERFLOW;
        for (size_t i = 0; i < n; i += 8)
            limb[i / 8] = btq__load_le(payload + i, n - i < 8 ? n - i : 8);
    } else {
        limb[0] = v;
    }
    r->pos += used;
    return 0;
}

int btq_read_compact_u128(btq_reader *r, btq_u128 *out)
{
    uint64_t v = 0;
    const uint8_t *payload;
    size_t n = 0, used;
    int rc = compact_peek(r, &v, &payload, &n, &used);
    if (rc) return rc;
    if (!payload) {
        out->lo = v;
        out->hi = 0;
    } else if (n <= 8) {
        out->lo = load_le_var(payload, n, (size_t)(r->data + r->len - payload));
        out->hi = 0;
    } else if (n <= 16) {
        out->lo = btq__load_le(payload, 8);
        out->hi = load_le_var(payload + 8, n - 8, (size_t)(r->data + r->len - payload) - 8);
    } else {
        return BTQ_EOVERFLOW;
    }
    r->pos += used;
    return 0;
}

int btq_read_compact_u256(btq_reader *r, btq_u256 *out)
{
    uint64_t limb[4];
    int rc = read_compact_limbs(r, limb, 4);
    if (rc) return rc;
    memcpy(out->limb, limb, sizeof limb);
    return 0;
}
