/* u128 / u256 <-> decimal text, portable C11 (no __int128).
 *
 * Both widths share one routine over 64-bit limbs: to text by repeated division by 10^9 on
 * 32-bit halves (each step fits a uint64_t), from text by multiply-by-10-and-add with an
 * overflow check. Text is plain ASCII digits: no sign, no spaces, no "0x"; leading zeros are
 * accepted ("007" is 7) since they do not change the value. */
#include <string.h>

#include "btq/scale.h"

/* Divide the number in limb[0..n) by 10^9 in place; return the remainder. The divisor is a
 * constant so the compiler turns each 64-bit division into a multiplication. */
#define CHUNK 1000000000u
static uint32_t divmod_chunk(uint64_t *limb, size_t n)
{
    if (n == 1) { /* one limb: a single division, no 32-bit halves */
        uint32_t r = (uint32_t)(limb[0] % CHUNK);
        limb[0] /= CHUNK;
        return r;
    }
    uint64_t rem = 0;
    for (size_t i = n; i-- > 0;) {
        uint64_t hi = (rem << 32) | (limb[i] >> 32);
        uint64_t qh = hi / CHUNK;
        rem = hi % CHUNK;
        uint64_t lo = (rem << 32) | (limb[i] & 0xFFFFFFFFu);
        uint64_t ql = lo / CHUNK;
        rem = lo % CHUNK;
        limb[i] = (qh << 32) | ql;
    }
    return (uint32_t)rem;
}

static int is_zero(const uint64_t *limb, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (limb[i]) return 0;
    return 1;
}

static int limbs_to_dec(const uint64_t *in, size_t n, char *out, size_t cap)
{
    uint64_t limb[4];
    char tmp[80]; /* 2^256 - 1 has 78 digits */
    size_t len = 0;
    memcpy(limb, in, n * sizeof *limb);
    int last;
    do {
        while (n > 1 && limb[n - 1] == 0) /* drop zero top limbs: fewer divisions */
            n--;
        uint32_t chunk = divmod_chunk(limb, n);
        last = is_zero(limb, n);
        for (int k = 0; k < 9 && (!last || chunk); k++) {
            tmp[len++] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    } while (!last);
    if (len == 0) tmp[len++] = '0';
    if (!out || cap < len + 1) return BTQ_ENOSPACE;
    for (size_t i = 0; i < len; i++)
        out[i] = tmp[len - 1 - i];
    out[len] = '\0';
    return (int)len;
}

static int limbs_from_dec(const char *s, size_t len, uint64_t *limb, size_t n)
{
    if (!s || len == 0) return BTQ_ENUMBER;
    uint64_t acc[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return BTQ_ENUMBER;
        uint64_t carry = (uint64_t)(s[i] - '0');
        /* acc = acc * 10 + digit, limb by limb on 32-bit halves */
        for (size_t k = 0; k < n; k++) {
            uint64_t lo = (acc[k] & 0xFFFFFFFFu) * 10 + carry;
            uint64_t hi = (acc[k] >> 32) * 10 + (lo >> 32);
            acc[k] = (hi << 32) | (lo & 0xFFFFFFFFu);
            carry = hi >> 32;
        }
        if (carry) return BTQ_EOVERFLOW;
    }
    memcpy(limb, acc, n * sizeof *limb);
    return 0;
}

int btq_u128_to_dec(btq_u128 v, char *out, size_t cap)
{
    uint64_t limb[2] = {v.lo, v.hi};
    return limbs_to_dec(limb, 2, out, cap);
}

int btq_u128_from_dec(const char *s, size_t n, btq_u128 *out)
{
    uint64_t limb[2];
    int rc = limbs_from_dec(s, n, limb, 2);
    if (rc) return rc;
    out->lo = limb[0];
    out->hi = limb[1];
    return 0;
}

int btq_u256_to_dec(const btq_u256 *v, char *out, size_t cap)
{
    return limbs_to_dec(v->limb, 4, out, cap);
}

int btq_u256_from_dec(const char *s, size_t n, btq_u256 *out)
{
    return limbs_from_dec(s, n, out->limb, 4);
}
