/* SS58 addresses: base58(prefix || payload || blake2b-512("SS58PRE" || prefix || payload)[..k]).
 * The prefix layout follows the SS58 specification (sp-core's Ss58Codec): one byte for 0..63;
 * for 64..16383 two bytes, [01 | ident bits 7..2] then [ident bits 1..0 | ident bits 13..8]. */
#include <string.h>

#include "btq/chain.h"
#include "chain/chain_internal.h"
#include "scale_internal.h"

#define SS58_CONTEXT_LEN 7
/* The checksum's context prefix: bytes, not a C string (no NUL goes into the hash). */
static const uint8_t SS58_CONTEXT[SS58_CONTEXT_LEN] = {'S', 'S', '5', '8', 'P', 'R', 'E'};
#define SS58_MAX_BYTES (2 + BTQ_SS58_MAX_PAYLOAD + 2)

int btq_ss58_prefix_valid(uint32_t prefix)
{
    return prefix <= BTQ_SS58_MAX_PREFIX && prefix != 46 && prefix != 47;
}

int btq_ss58_payload_len_valid(size_t n)
{
    return n == 1 || n == 2 || n == 4 || n == 8 || n == 32 || n == 33;
}

/* Checksum bytes for a payload length: 2 for keys (32, 33 bytes), 1 for the short forms. */
static size_t checksum_len(size_t payload_len)
{
    return payload_len >= 32 ? 2 : 1;
}

/* Writes the prefix bytes, returns their count (1 or 2). */
static size_t put_prefix(uint8_t *p, uint32_t ident)
{
    if (ident < 64) {
        p[0] = (uint8_t)ident;
        return 1;
    }
    p[0] = (uint8_t)(((ident & 0xFCu) >> 2) | 0x40u);
    p[1] = (uint8_t)((ident >> 8) | ((ident & 0x03u) << 6));
    return 2;
}

/* blake2b-512 of "SS58PRE" || body[0..n), first k bytes into sum. body sits right after the
 * context in a buffer the caller prepared, so no copy is needed. */
static void checksum(const uint8_t *ctx_and_body, size_t n, uint8_t *sum, size_t k)
{
    uint8_t h[64];
    (void)btq_blake2b(ctx_and_body, SS58_CONTEXT_LEN + n, h, sizeof h);
    memcpy(sum, h, k);
}

int btq_ss58_encode(uint32_t prefix, const void *payload, size_t n, char *out, size_t cap,
                    size_t *out_len, btq_error *err)
{
    if (!btq_ss58_prefix_valid(prefix)) {
        if (prefix > BTQ_SS58_MAX_PREFIX)
            return btq__error_set(err, BTQ_ESS58PREFIX, 0, "prefix %u is out of range 0..%d",
                                  prefix, BTQ_SS58_MAX_PREFIX);
        return btq__error_set(err, BTQ_ESS58PREFIX, 0, "prefix %u is reserved", prefix);
    }
    if (!btq_ss58_payload_len_valid(n))
        return btq__error_set(err, BTQ_ESS58LEN, 0,
                              "payload of %zu bytes (SS58 allows 1, 2, 4, 8, 32 or 33)", n);
    if (!payload) return btq__error_set(err, BTQ_EINVAL, 0, "no payload");

    uint8_t buf[SS58_CONTEXT_LEN + SS58_MAX_BYTES];
    memcpy(buf, SS58_CONTEXT, SS58_CONTEXT_LEN);
    uint8_t *body = buf + SS58_CONTEXT_LEN;
    size_t len = put_prefix(body, prefix);
    memcpy(body + len, payload, n);
    len += n;
    size_t k = checksum_len(n);
    checksum(buf, len, body + len, k);
    len += k;

    char text[BTQ_SS58_ADDRESS_MAX + 1];
    size_t nd = btq__base58_encode_fast(body, len, text);
    if (!out || cap < nd + 1)
        return btq__error_set(err, BTQ_ENOSPACE, 0, "address needs %zu bytes, room for %zu", nd + 1,
                              cap);
    memcpy(out, text, nd);
    out[nd] = '\0';
    if (out_len) *out_len = nd;
    return 0;
}

int btq_ss58_decode(const char *addr, size_t addr_len, int32_t expected_prefix, uint16_t *prefix,
                    uint8_t *out, size_t cap, size_t *out_len, btq_error *err)
{
    if (expected_prefix != BTQ_SS58_ANY_PREFIX &&
        (expected_prefix < 0 || !btq_ss58_prefix_valid((uint32_t)expected_prefix)))
        return btq__error_set(err, BTQ_EINVAL, 0, "expected prefix %d is not a valid network",
                              (int)expected_prefix);
    if (addr_len == 0) return btq__error_set(err, BTQ_ESS58LEN, 0, "empty address");
    if (addr_len > BTQ_SS58_ADDRESS_MAX)
        return btq__error_set(err, BTQ_ESS58LEN, 0, "address of %zu characters (at most %d)",
                              addr_len, BTQ_SS58_ADDRESS_MAX);
    if (!addr) return btq__error_set(err, BTQ_EINVAL, 0, "no address");

    uint8_t buf[SS58_CONTEXT_LEN + BTQ_SS58_ADDRESS_MAX];
    memcpy(buf, SS58_CONTEXT, SS58_CONTEXT_LEN);
    uint8_t *body = buf + SS58_CONTEXT_LEN;
    size_t len = 0;
    int rc = btq_base58_decode(addr, addr_len, body, BTQ_SS58_ADDRESS_MAX, &len, err);
    if (rc) return rc; /* BTQ_ESS58CHAR with the position; n chars never exceed n bytes */

    if (len == 0 || body[0] >= 128)
        return btq__error_set(err, BTQ_ESS58PREFIX, 0,
                              "first byte 0x%02x is not an SS58 prefix byte", len ? body[0] : 0);
    size_t plen = body[0] < 64 ? 1 : 2;
    size_t n = 0, k = 0;
    if (len >= plen + 2 && btq_ss58_payload_len_valid(len - plen - 2) && len - plen - 2 >= 32) {
        n = len - plen - 2;
        k = 2;
    } else if (len >= plen + 1 && btq_ss58_payload_len_valid(len - plen - 1) &&
               len - plen - 1 < 32) {
        n = len - plen - 1;
        k = 1;
    } else {
        return btq__error_set(err, BTQ_ESS58LEN, 0,
                              "decodes to %zu bytes: no allowed payload length fits", len);
    }
    uint32_t ident = body[0];
    if (plen == 2) {
        uint32_t lower = ((uint32_t)(body[0] & 0x3Fu) << 2) | (uint32_t)(body[1] >> 6);
        uint32_t upper = body[1] & 0x3Fu;
        ident = lower | (upper << 8);
        if (ident < 64)
            return btq__error_set(err, BTQ_ESS58PREFIX, 0,
                                  "two-byte form of prefix %u (must be one byte)", ident);
    }
    if (ident == 46 || ident == 47)
        return btq__error_set(err, BTQ_ESS58PREFIX, 0, "prefix %u is reserved", ident);

    uint8_t sum[2];
    checksum(buf, len - k, sum, k);
    if (memcmp(sum, body + len - k, k) != 0) {
        if (k == 2)
            return btq__error_set(err, BTQ_ESS58CHECKSUM, 0, "checksum %02x%02x, expected %02x%02x",
                                  body[len - 2], body[len - 1], sum[0], sum[1]);
        return btq__error_set(err, BTQ_ESS58CHECKSUM, 0, "checksum %02x, expected %02x",
                              body[len - 1], sum[0]);
    }
    if (expected_prefix != BTQ_SS58_ANY_PREFIX && ident != (uint32_t)expected_prefix)
        return btq__error_set(err, BTQ_ESS58NETWORK, 0,
                              "address has network prefix %u, expected %d", ident,
                              (int)expected_prefix);
    if (out || cap) {
        if (!out || cap < n)
            return btq__error_set(err, BTQ_ENOSPACE, 0, "payload of %zu bytes, room for %zu", n,
                                  cap);
        memcpy(out, body + plen, n);
    }
    if (prefix) *prefix = (uint16_t)ident;
    if (out_len) *out_len = n;
    return 0;
}

int btq_ss58_validate(const char *addr, size_t addr_len, int32_t expected_prefix, btq_error *err)
{
    return btq_ss58_decode(addr, addr_len, expected_prefix, NULL, NULL, 0, NULL, err);
}
