/* libFuzzer: hex text <-> bytes (btq_hex_decode / btq_hex_encode).
 * - the input as hex text either fails with BTQ_EHEX or decodes, and then encoding gives back
 *   the input's digits in lowercase (without a 0x prefix);
 * - the input as bytes encodes to hex that decodes back to exactly those bytes;
 * - a capacity one byte short is refused with BTQ_ENOSPACE, never overrun. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    /* 1. decode arbitrary text */
    uint8_t *bytes = malloc(size / 2 + 1);
    if (!bytes) return 0;
    size_t n = 0;
    int rc = btq_hex_decode(text, size, bytes, size / 2 + 1, &n);
    if (rc == 0) {
        size_t skip = size >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') ? 2 : 0;
        if (2 * n != size - skip) abort();
        char *again = malloc(2 * n + 1);
        if (!again) abort();
        if (btq_hex_encode(bytes, n, 0, again, 2 * n + 1) != 0) abort();
        for (size_t i = 0; i < 2 * n; i++)
            if (again[i] != (char)tolower((unsigned char)text[skip + i])) abort();
        if (n && btq_hex_decode(text, size, bytes, n - 1, NULL) != BTQ_ENOSPACE) abort();
        free(again);
    } else if (rc != BTQ_EHEX) {
        abort();
    }
    free(bytes);

    /* 2. encode arbitrary bytes, with and without the prefix */
    for (int with_0x = 0; with_0x < 2; with_0x++) {
        size_t cap = 2 * size + 1 + (with_0x ? 2 : 0);
        char *hex = malloc(cap);
        uint8_t *back = malloc(size + 1);
        if (!hex || !back) abort();
        if (btq_hex_encode(data, size, with_0x, hex, cap - 1) != BTQ_ENOSPACE) abort();
        if (btq_hex_encode(data, size, with_0x, hex, cap) != 0) abort();
        if (strlen(hex) != cap - 1) abort();
        size_t bl = 0;
        if (btq_hex_decode(hex, cap - 1, back, size, &bl) != 0) abort();
        if (bl != size || memcmp(back, data, size) != 0) abort();
        free(hex);
        free(back);
    }
    return 0;
}
