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

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int btq_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!hex) return BTQ_EHEX;
    if (hex_len >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2;
        hex_len -= 2;
    }
    if (hex_len % 2) return BTQ_EHEX;
    size_t n = hex_len / 2;
    for (size_t i = 0; i < hex_len; i++)
        if (nibble(hex[i]) < 0) return BTQ_EHEX;
    if (n > cap) return BTQ_ENOSPACE;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)((unsigned)nibble(hex[2 * i]) << 4 | (unsigned)nibble(hex[2 * i + 1]));
    if (out_len) *out_len = n;
    return 0;
}
