/* Fuzz the websocket message reassembly with its size cap: the input is a cap byte followed by
 * fragments [len][flags][bytes...]. Invariants: a complete message equals the concatenation of
 * its fragments and is at most the cap; a message past the cap reports BTQ_ETOOBIG exactly at
 * its final fragment; the id sniffed from an over-cap message parses only digits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/error.h"
#include "rpc/rpc_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    btq_msgbuf b;
    size_t cap = (size_t)data[0] * 4;
    btq_msgbuf_init(&b, cap);
    size_t i = 1;
    unsigned char *shadow = malloc(size + 1);
    size_t slen = 0, total = 0;
    if (!shadow) return 0;
    while (i + 2 <= size) {
        size_t len = data[i];
        int final = data[i + 1] & 1;
        i += 2;
        if (len > size - i) len = size - i;
        int rc = btq_msgbuf_push(&b, data + i, len, final);
        memcpy(shadow + slen, data + i, len);
        slen += len;
        total += len;
        i += len;
        if (!final) {
            if (rc != BTQ_MSGBUF_MORE && rc != BTQ_ENOMEM) abort();
            continue;
        }
        if (rc == BTQ_MSGBUF_DONE) {
            if (total > cap || b.len != total || memcmp(b.data, shadow, total) != 0) abort();
            if (b.data[b.len] != 0) abort();
            btq_msgbuf_reset(&b);
        } else if (rc == BTQ_ETOOBIG) {
            if (total <= cap) abort();
            uint64_t id;
            (void)btq_msgbuf_sniff_id(&b, &id);
        } else if (rc != BTQ_ENOMEM) {
            abort();
        }
        slen = total = 0;
    }
    btq_msgbuf_free(&b);
    free(shadow);
    return 0;
}
