/* Base58 (Bitcoin alphabet) with bounded work.
 *
 * Inputs up to 64 bytes / 88 characters take a table-driven path: the number is split into
 * 24-bit words and each word's contribution to every base-58^5 limb is a precomputed constant,
 * so the conversion is independent multiply-adds plus one carry pass instead of the classic
 * byte-by-byte quadratic loop with a dependent division per step. Up to 39 bytes / 55
 * characters (every SS58 address) the loops have constant bounds and unroll into multiplies by
 * immediates; limbs become characters two at a time through a 3364-entry pair table.
 * Longer inputs (up to BTQ_BASE58_MAX_INPUT) take the classic loop. */
#include <string.h>

#include "base58_tables.h"
#include "btq/chain.h"
#include "chain/chain_internal.h"
#include "scale_internal.h"

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Character -> digit value, -1 outside the alphabet (0, O, I, l and everything non-ASCII). All
 * 256 bytes are covered so the decoder can look up first and check once at the end. */
static const int8_t digit_of[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  -1, -1, -1, -1, -1, -1, -1, 9,  10, 11, 12, 13, 14, 15,
    16, -1, 17, 18, 19, 20, 21, -1, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
    -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54,
    55, 56, 57, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

#define B58_5 656356768u /* 58^5 */
#define ENC_WORDS 22
#define ENC_LIMBS 18
#define DEC_LIMBS 18
#define DEC_WORDS 23

/* ---- generic (quadratic) paths ---------------------------------------------------------- */

size_t btq__base58_encode_generic(const uint8_t *in, size_t n, char *out)
{
    size_t zeros = 0;
    while (zeros < n && in[zeros] == 0)
        zeros++;
    /* Little-endian base-58 accumulator after the zero run; 138/100 > log(256)/log(58). */
    uint8_t acc[BTQ_BASE58_MAX_INPUT * 138 / 100 + 1];
    size_t len = 0;
    for (size_t i = zeros; i < n; i++) {
        uint32_t carry = in[i];
        for (size_t j = 0; j < len; j++) {
            carry += (uint32_t)acc[j] << 8;
            acc[j] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        while (carry) {
            acc[len++] = (uint8_t)(carry % 58);
            carry /= 58;
        }
    }
    memset(out, '1', zeros);
    for (size_t j = 0; j < len; j++)
        out[zeros + j] = alphabet[acc[len - 1 - j]];
    return zeros + len;
}

size_t btq__base58_bytes_generic(const uint8_t *d, size_t n, uint8_t *out)
{
    size_t zeros = 0;
    while (zeros < n && d[zeros] == 0)
        zeros++;
    uint8_t acc[BTQ_BASE58_MAX_INPUT]; /* little-endian bytes; n digits never need more */
    size_t len = 0;
    for (size_t i = zeros; i < n; i++) {
        uint32_t carry = d[i];
        for (size_t j = 0; j < len; j++) {
            carry += (uint32_t)acc[j] * 58;
            acc[j] = (uint8_t)carry;
            carry >>= 8;
        }
        while (carry) {
            acc[len++] = (uint8_t)carry;
            carry >>= 8;
        }
    }
    memset(out, 0, zeros);
    for (size_t j = 0; j < len; j++)
        out[zeros + j] = acc[len - 1 - j];
    return zeros + len;
}

/* ---- table-driven paths ------------------------------------------------------------------ */

/* Fixed-size cores for up to 39 significant bytes / 55 characters, which covers every SS58
 * address: with constant bounds the compilers unroll both loops completely, the constant
 * table entries become immediate multiplies and the zero half of the triangle disappears. */
#define FIX_ENC_WORDS 13 /* 39 bytes < 2^312 < 58^55 */
#define FIX_ENC_LIMBS 11
#define FIX_DEC_LIMBS 11 /* 55 characters < 58^55 < 2^336 */
#define FIX_DEC_WORDS 15

static void enc_mac_fixed(const uint32_t *w, uint64_t *acc)
{
#pragma GCC unroll 11
    for (size_t k = 0; k < FIX_ENC_LIMBS; k++) {
        uint64_t s = 0;
#pragma GCC unroll 13
        for (size_t i = 0; i < FIX_ENC_WORDS; i++)
            s += (uint64_t)w[i] * enc_tab[i][k];
        acc[k] = s;
    }
}

static void dec_mac_fixed(const uint32_t *limb, uint64_t *acc)
{
#pragma GCC unroll 15
    for (size_t k = 0; k < FIX_DEC_WORDS; k++) {
        uint64_t s = 0;
#pragma GCC unroll 11
        for (size_t j = 0; j < FIX_DEC_LIMBS; j++)
            s += (uint64_t)limb[j] * dec_tab[j][k];
        acc[k] = s;
    }
}

size_t btq__base58_encode_fast(const uint8_t *in, size_t n, char *out)
{
    size_t zeros = 0;
    while (zeros < n && in[zeros] == 0)
        zeros++;
    size_t m = n - zeros;
    if (m == 0) {
        memset(out, '1', zeros);
        return zeros;
    }
    /* 24-bit words, least significant first, read from a copy left-padded to whole words. */
    size_t nw = (m + 2) / 3, pad = 3 * nw - m;
    uint8_t be[3 * ENC_WORDS] = {0};
    memcpy(be + pad, in + zeros, m);
    uint32_t w[ENC_WORDS];
    for (size_t i = 0; i < nw; i++) {
        const uint8_t *q = be + 3 * (nw - 1 - i);
        w[i] = (uint32_t)q[0] << 16 | (uint32_t)q[1] << 8 | q[2];
    }
    /* Limbs needed: 8m bits / 29.28 (just under log2(58^5)), plus one. Each sum below is at most
     * 22 terms of < 2^24 * 2^29.3, so it stays under 2^58 in a uint64_t. */
    size_t nl = m * 8 * 100 / 2928 + 1;
    if (nl > ENC_LIMBS) nl = ENC_LIMBS;
    uint64_t acc[ENC_LIMBS];
    if (nw <= FIX_ENC_WORDS) {
        memset(w + nw, 0, (FIX_ENC_WORDS - nw) * sizeof w[0]);
        nl = FIX_ENC_LIMBS; /* the extra limbs are zero: leading '1's, stripped below */
        enc_mac_fixed(w, acc);
    } else {
        memset(acc, 0, sizeof acc);
        for (size_t i = 0; i < nw; i++) {
            /* The table is triangular: 2^(24 i) has only enc_used[i] non-zero limbs. */
            size_t lim = enc_used[i] < nl ? enc_used[i] : nl;
            uint64_t wi = w[i];
            for (size_t k = 0; k < lim; k++)
                acc[k] += wi * enc_tab[i][k];
        }
    }
    for (size_t k = 0; k + 1 < nl; k++) {
        acc[k + 1] += acc[k] / B58_5;
        acc[k] %= B58_5;
    }
    /* Five characters per limb, most significant limb first: one digit, then two pairs. */
    char text[ENC_LIMBS * 5];
    for (size_t k = 0; k < nl; k++) {
        uint32_t v = (uint32_t)acc[k], hi = v / 3364, lo = v % 3364;
        char *tp = text + 5 * (nl - 1 - k);
        tp[0] = alphabet[hi / 3364];
        memcpy(tp + 1, pair_tab[hi % 3364], 2);
        memcpy(tp + 3, pair_tab[lo], 2);
    }
    size_t lead = 0;
    while (lead < 5 * nl && text[lead] == '1')
        lead++;
    memset(out, '1', zeros);
    memcpy(out + zeros, text + lead, 5 * nl - lead);
    return zeros + 5 * nl - lead;
}

size_t btq__base58_bytes_fast(const uint8_t *d, size_t n, uint8_t *out)
{
    size_t zeros = 0;
    while (zeros < n && d[zeros] == 0)
        zeros++;
    const uint8_t *p = d + zeros;
    size_t m = n - zeros;
    if (m == 0) {
        memset(out, 0, zeros);
        return zeros;
    }
    /* Base-58^5 limbs, least significant first, read from a copy left-padded with zero
     * digits to whole limbs. */
    size_t nl = (m + 4) / 5, pad = 5 * nl - m;
    uint8_t padded[5 * DEC_LIMBS] = {0};
    memcpy(padded + pad, p, m);
    uint32_t limb[DEC_LIMBS];
    for (size_t j = 0; j < nl; j++) {
        const uint8_t *q = padded + 5 * (nl - 1 - j);
        limb[j] = (((q[0] * 58u + q[1]) * 58u + q[2]) * 58u + q[3]) * 58u + q[4];
    }
    /* 24-bit output words: m digits carry m * log2(58) = 5.858 m bits, plus one spare word.
     * Sums are at most 18 terms of < 2^29.3 * 2^24: under 2^58. */
    size_t nw = m * 5858 / 24000 + 2;
    if (nw > DEC_WORDS) nw = DEC_WORDS;
    uint64_t acc[DEC_WORDS];
    if (nl <= FIX_DEC_LIMBS) {
        memset(limb + nl, 0, (FIX_DEC_LIMBS - nl) * sizeof limb[0]);
        nw = FIX_DEC_WORDS; /* the extra words are zero: leading zero bytes, stripped below */
        dec_mac_fixed(limb, acc);
    } else {
        memset(acc, 0, sizeof acc);
        for (size_t j = 0; j < nl; j++) {
            size_t lim = dec_used[j] < nw ? dec_used[j] : nw;
            uint64_t lj = limb[j];
            for (size_t k = 0; k < lim; k++)
                acc[k] += lj * dec_tab[j][k];
        }
    }
    for (size_t k = 0; k + 1 < nw; k++) {
        acc[k + 1] += acc[k] >> 24;
        acc[k] &= 0xFFFFFFu;
    }
    uint8_t bytes[DEC_WORDS * 3];
    for (size_t k = 0; k < nw; k++) {
        uint8_t *bp = bytes + 3 * (nw - 1 - k);
        bp[0] = (uint8_t)(acc[k] >> 16);
        bp[1] = (uint8_t)(acc[k] >> 8);
        bp[2] = (uint8_t)acc[k];
    }
    size_t lead = 0;
    while (lead < 3 * nw && bytes[lead] == 0)
        lead++;
    memset(out, 0, zeros);
    memcpy(out + zeros, bytes + lead, 3 * nw - lead);
    return zeros + 3 * nw - lead;
}

/* ---- public API ------------------------------------------------------------------------- */

int btq_base58_encode(const void *data, size_t n, char *out, size_t cap, size_t *out_len)
{
    if (n > BTQ_BASE58_MAX_INPUT) return BTQ_ETOOMANY;
    if (!data && n) return BTQ_EINVAL;
    char text[BTQ_BASE58_MAX_INPUT * 138 / 100 + 1];
    size_t nd = n <= BTQ__BASE58_FAST_MAX_BYTES
                    ? btq__base58_encode_fast((const uint8_t *)data, n, text)
                    : btq__base58_encode_generic((const uint8_t *)data, n, text);
    if (!out || cap < nd + 1) return BTQ_ENOSPACE;
    memcpy(out, text, nd);
    out[nd] = '\0';
    if (out_len) *out_len = nd;
    return 0;
}

int btq_base58_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len,
                      btq_error *err)
{
    if (n > BTQ_BASE58_MAX_INPUT)
        return btq__error_set(err, BTQ_ETOOMANY, 0, "base58 text of %zu characters (limit %d)", n,
                              BTQ_BASE58_MAX_INPUT);
    if (!s && n) return btq__error_set(err, BTQ_EINVAL, 0, "no input");
    uint8_t digits[BTQ_BASE58_MAX_INPUT];
    int bad = 0; /* the sign bit collects any -1: one check after the loop */
    for (size_t i = 0; i < n; i++) {
        int v = digit_of[(unsigned char)s[i]];
        bad |= v;
        digits[i] = (uint8_t)v;
    }
    if (bad < 0) {
        size_t i = 0;
        while (digit_of[(unsigned char)s[i]] >= 0)
            i++;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            return btq__error_set(err, BTQ_ESS58CHAR, i,
                                  "'%c' at position %zu is not a base58 character", c, i);
        return btq__error_set(err, BTQ_ESS58CHAR, i,
                              "byte 0x%02x at position %zu is not a base58 character", c, i);
    }
    uint8_t bytes[BTQ_BASE58_MAX_INPUT];
    size_t nb = n <= BTQ__BASE58_FAST_MAX_CHARS ? btq__base58_bytes_fast(digits, n, bytes)
                                                : btq__base58_bytes_generic(digits, n, bytes);
    if ((!out && nb) || cap < nb)
        return btq__error_set(err, BTQ_ENOSPACE, 0, "%zu decoded bytes, room for %zu", nb, cap);
    if (nb) memcpy(out, bytes, nb);
    if (out_len) *out_len = nb;
    return 0;
}
