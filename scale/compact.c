/* Compact integers (SCALE Compact<T>): decode with canonical-form checks.
 *
 * Modes by the low two bits of the first byte: 00 one byte (6 bits), 01 two bytes (14 bits),
 * 10 four bytes (30 bits), 11 big-integer: (b >> 2) + 4 little-endian bytes follow.
 * Canonical means the shortest mode that fits, and in big-integer mode no zero top byte
 * and a value above 2^30 - 1. */
#include <string.h>

#include "btq/scale.h"

int btq_read_compact_big(btq_reader *r, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t left = btq_reader_remaining(r);
    if (left < 1) return BTQ_ESHORT;
    const uint8_t *p = r->data + r->pos;
    uint8_t mode = p[0] & 3;
    uint64_t v;
    size_t used;
    switch (mode) {
    case 0:
        v = (uint64_t)(p[0] >> 2);
        used = 1;
        break;
    case 1:
        if (left < 2) return BTQ_ESHORT;
        v = (uint64_t)((p[0] | (p[1] << 8)) >> 2);
        if (v < 64) return BTQ_ENONCANONICAL;
        used = 2;
        break;
    case 2:
        if (left < 4) return BTQ_ESHORT;
        v = ((uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
             ((uint64_t)p[3] << 24)) >>
            2;
        if (v < (1u << 14)) return BTQ_ENONCANONICAL;
        used = 4;
        break;
    default: {
        size_t n = (size_t)(p[0] >> 2) + 4;
        if (left < 1 + n) return BTQ_ESHORT;
        if (p[n] == 0) return BTQ_ENONCANONICAL; /* top byte zero: a shorter form exists */
        if (n == 4 && p[4] < 0x40) return BTQ_ENONCANONICAL; /* fits in the 4-byte mode */
        if (n > cap) return BTQ_EOVERFLOW;
        memcpy(out, p + 1, n);
        *out_len = n;
        r->pos += 1 + n;
        return 0;
    }
    }
    size_t n = 0;
    while (v && n < 8) {
        if (n >= cap) return BTQ_EOVERFLOW;
        out[n++] = (uint8_t)v;
        v >>= 8;
    }
    *out_len = n;
    r->pos += used;
    return 0;
}

/* Decode into a little-endian buffer of `width` bytes; overflow if it does not fit. */
static int read_compact_width(btq_reader *r, uint8_t *le, size_t width)
{
    uint8_t tmp[BTQ_COMPACT_MAX_BYTES];
    size_t n, start = r->pos;
    int rc = btq_read_compact_big(r, tmp, sizeof tmp, &n);
    if (rc) return rc;
    if (n > width) {
        r->pos = start;
        return BTQ_EOVERFLOW;
    }
    memset(le, 0, width);
    memcpy(le, tmp, n);
    return 0;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (size_t i = 8; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

int btq_read_compact_u64(btq_reader *r, uint64_t *out)
{
    /* Fast path for the one-byte mode: lengths and small numbers are the common case. */
    if (btq_reader_remaining(r) >= 1 && (r->data[r->pos] & 3) == 0) {
        *out = (uint64_t)(r->data[r->pos++] >> 2);
        return 0;
    }
    uint8_t le[8];
    int rc = read_compact_width(r, le, 8);
    if (rc) return rc;
    *out = le64(le);
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

int btq_read_compact_u128(btq_reader *r, btq_u128 *out)
{
    uint8_t le[16];
    int rc = read_compact_width(r, le, 16);
    if (rc) return rc;
    out->lo = le64(le);
    out->hi = le64(le + 8);
    return 0;
}

int btq_read_compact_u256(btq_reader *r, btq_u256 *out)
{
    uint8_t le[32];
    int rc = read_compact_width(r, le, 32);
    if (rc) return rc;
    for (size_t i = 0; i < 4; i++)
        out->limb[i] = le64(le + 8 * i);
    return 0;
}
