/* Hex text <-> bytes, bounded by the caller's capacity. */
#include "btq/scale.h"

static const char hexdig[] = "0123456789abcdef";

int btq_hex_encode(const void *data, size_t n, int with_0x, char *out, size_t cap)
{
    const uint8_t *p = (const uint8_t *)data;
    size_t pre = with_0x ? 2 : 0;
    if (!out || (n > (SIZE_MAX - pre - 1) / 2) || cap < pre + 2 * n + 1) return BTQ_ENOSPACE;
    char *o = out;
    if (with_0x) {
        *o++ = '0';
        *o++ = 'x';
    }
    for (size_t i = 0; i < n; i++) {
        *o++ = hexdig[p[i] >> 4];
        *o++ = hexdig[p[i] & 15];
    }
    *o = '\0';
    return 0;
}

/* A hex digit's value + 1; 0 for anything else (one table, no branches per character). */
static const uint8_t hexval[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int btq_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!hex) return BTQ_EHEX;
    if (hex_len >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2;
        hex_len -= 2;
    }
    if (hex_len % 2) return BTQ_EHEX;
    const unsigned char *p = (const unsigned char *)hex;
    size_t n = hex_len / 2;
    unsigned bad = 0;
    if (n > cap) { /* too long: still say EHEX first when it is not hex at all */
        for (size_t i = 0; i < hex_len; i++)
            bad |= hexval[p[i]] == 0;
        return bad ? BTQ_EHEX : BTQ_ENOSPACE;
    }
    /* one branch-free pass that decodes and validates (storage answers come through here) */
    for (size_t i = 0; i < n; i++) {
        unsigned hi = hexval[p[2 * i]], lo = hexval[p[2 * i + 1]];
        bad |= (hi == 0) | (lo == 0);
        out[i] = (uint8_t)((hi - 1) << 4 | (lo - 1));
    }
    if (bad) return BTQ_EHEX;
    if (out_len) *out_len = n;
    return 0;
}
