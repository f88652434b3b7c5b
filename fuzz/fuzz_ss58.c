/* libFuzzer: SS58 and base58 on arbitrary input.
 * - decoding the input as an address either fails with an SS58 error or succeeds, and then
 *   re-encoding (prefix, payload) gives back exactly the input (the format is canonical);
 * - the input as bytes round-trips through base58, and the table-driven base58 paths agree
 *   with the classic ones;
 * - the input's first bytes as a payload encode to an address that decodes back to them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/chain.h"
#include "chain/chain_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1. the input as an address */
    uint8_t payload[BTQ_SS58_MAX_PAYLOAD];
    uint16_t prefix = 0;
    size_t n = 0;
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_ss58_decode((const char *)data, size, BTQ_SS58_ANY_PREFIX, &prefix, payload,
                             sizeof payload, &n, &err);
    if (rc == 0) {
        char addr[BTQ_SS58_ADDRESS_CAP];
        size_t len = 0;
        if (btq_ss58_encode(prefix, payload, n, addr, sizeof addr, &len, NULL) != 0) abort();
        if (len != size || memcmp(addr, data, size) != 0) abort();
        if (btq_ss58_validate((const char *)data, size, prefix, NULL) != 0) abort();
    } else if (rc > BTQ_ESS58CHAR || rc < BTQ_ESS58NETWORK || err.code != rc) {
        abort(); /* only the SS58 errors are possible here */
    }

    /* 2. the input as bytes through base58 */
    if (size <= BTQ_BASE58_MAX_INPUT) {
        static char text[BTQ_BASE58_MAX_INPUT * 2];
        static uint8_t back[BTQ_BASE58_MAX_INPUT];
        size_t tl = 0, bl = 0;
        if (btq_base58_encode(data, size, text, sizeof text, &tl) != 0) abort();
        if (btq_base58_decode(text, tl, back, sizeof back, &bl, NULL) != 0) abort();
        if (bl != size || memcmp(back, data, size) != 0) abort();
        if (size <= BTQ__BASE58_FAST_MAX_BYTES) {
            char a[128], b[128];
            size_t na = btq__base58_encode_fast(data, size, a);
            size_t nb = btq__base58_encode_generic(data, size, b);
            if (na != nb || memcmp(a, b, na) != 0) abort();
        }
        if (size <= BTQ__BASE58_FAST_MAX_CHARS) {
            uint8_t d[BTQ__BASE58_FAST_MAX_CHARS], a[128], b[128];
            for (size_t i = 0; i < size; i++)
                d[i] = (uint8_t)(data[i] % 58);
            size_t na = btq__base58_bytes_fast(d, size, a);
            size_t nb = btq__base58_bytes_generic(d, size, b);
            if (na != nb || memcmp(a, b, na) != 0) abort();
        }
    }

    /* 3. the input as (prefix, payload) */
    if (size >= 3) {
        static const size_t lens[] = {1, 2, 4, 8, 32, 33};
        uint32_t p = ((uint32_t)data[0] << 8 | data[1]) & 0x3FFF;
        size_t len = lens[data[2] % 6];
        if (size - 3 >= len && btq_ss58_prefix_valid(p)) {
            char addr[BTQ_SS58_ADDRESS_CAP];
            size_t al = 0;
            if (btq_ss58_encode(p, data + 3, len, addr, sizeof addr, &al, NULL) != 0) abort();
            if (btq_ss58_decode(addr, al, (int32_t)p, &prefix, payload, sizeof payload, &n, NULL) !=
                0)
                abort();
            if (prefix != p || n != len || memcmp(payload, data + 3, len) != 0) abort();
        }
    }
    return 0;
}
