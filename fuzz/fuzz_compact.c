/* Fuzz the compact decoder at every width: the input is read as a run of compacts. Each success
 * must re-encode to exactly the bytes it consumed (so only canonical forms are accepted), the
 * widths must agree with one another, and a failure must leave the position where it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

static void same_bytes(const btq_writer *w, const uint8_t *p, size_t n)
{
    CHECK(w->err == 0);
    CHECK(w->len == n);
    CHECK(memcmp(w->buf, p, n) == 0);
}

static int known_error(int rc)
{
    return rc == BTQ_ESHORT || rc == BTQ_ENONCANONICAL || rc == BTQ_EOVERFLOW;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    btq_reader r;
    btq_reader_init(&r, data, size);
    uint8_t out[80];
    btq_writer w;
    while (btq_reader_remaining(&r) > 0) {
        size_t at = r.pos;
        const uint8_t *p = data + at;
        uint8_t big[BTQ_COMPACT_MAX_BYTES];
        size_t n;
        int rc_big = btq_read_compact_big(&r, big, sizeof big, &n);
        if (rc_big) {
            CHECK(known_error(rc_big) && rc_big != BTQ_EOVERFLOW);
            CHECK(r.pos == at);
            /* every narrower reader fails the same way at the same place */
            uint64_t v64;
            btq_u128 v128;
            btq_u256 v256;
            uint32_t v32;
            CHECK(btq_read_compact_u64(&r, &v64) == rc_big && r.pos == at);
            CHECK(btq_read_compact_u32(&r, &v32) == rc_big && r.pos == at);
            CHECK(btq_read_compact_u128(&r, &v128) == rc_big && r.pos == at);
            CHECK(btq_read_compact_u256(&r, &v256) == rc_big && r.pos == at);
            size_t len;
            CHECK(btq_read_length(&r, 1, &len) == rc_big && r.pos == at);
            return 0;
        }
        size_t used = r.pos - at;
        CHECK(n == 0 || big[n - 1] != 0);
        btq_writer_init_fixed(&w, out, sizeof out);
        btq_write_compact_big(&w, big, n);
        same_bytes(&w, p, used);

        /* each width: success iff the value fits, then the same bytes back */
        btq_reader_init(&r, data, size);
        r.pos = at;
        uint32_t v32;
        int rc = btq_read_compact_u32(&r, &v32);
        CHECK((rc == 0) == (n <= 4));
        if (rc == 0) {
            btq_writer_init_fixed(&w, out, sizeof out);
            btq_write_compact_u64(&w, v32);
            same_bytes(&w, p, used);
        } else {
            CHECK(rc == BTQ_EOVERFLOW && r.pos == at);
        }
        r.pos = at;
        uint64_t v64;
        rc = btq_read_compact_u64(&r, &v64);
        CHECK((rc == 0) == (n <= 8));
        if (rc == 0) {
            btq_writer_init_fixed(&w, out, sizeof out);
            btq_write_compact_u64(&w, v64);
            same_bytes(&w, p, used);
            btq_u128 as128 = {v64, 0};
            CHECK(btq_compact_len_u128(as128) == used);
        } else {
            CHECK(rc == BTQ_EOVERFLOW && r.pos == at);
        }
        r.pos = at;
        btq_u128 v128;
        rc = btq_read_compact_u128(&r, &v128);
        CHECK((rc == 0) == (n <= 16));
        if (rc == 0) {
            btq_writer_init_fixed(&w, out, sizeof out);
            btq_write_compact_u128(&w, v128);
            same_bytes(&w, p, used);
            CHECK(btq_compact_len_u128(v128) == used);
        } else {
            CHECK(rc == BTQ_EOVERFLOW && r.pos == at);
        }
        r.pos = at;
        btq_u256 v256;
        rc = btq_read_compact_u256(&r, &v256);
        CHECK((rc == 0) == (n <= 32));
        if (rc == 0) {
            btq_writer_init_fixed(&w, out, sizeof out);
            btq_write_compact_u256(&w, &v256);
            same_bytes(&w, p, used);
        } else {
            CHECK(rc == BTQ_EOVERFLOW && r.pos == at);
        }
        r.pos = at + used;
    }
    return 0;
}
