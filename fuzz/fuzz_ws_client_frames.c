/* Fuzz the websocket client frame parser (src/rpc/ws_client_frames.c) and the upgrade answer
 * check. Input: two bytes that choose how the rest is split into feeds, then the server's
 * bytes. The rest is fed once in one piece and once in the chosen pieces. Invariants: no crash;
 * both runs end the same way (0, or BTQ_EPROTOCOL with a reason) after delivering the same
 * messages and control frames in the same order; every data piece lies inside the fed piece;
 * a "whole" piece is final and the only piece of its message; no more bytes are delivered than
 * were fed; control payloads are at most 125 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btq/error.h"
#include "rpc/ws_client_frames.h"

typedef struct run {
    unsigned char *log; /* events: 'M' len8 bytes (a complete message) or 'C' op len8 bytes */
    size_t len, cap;
    unsigned char *msg; /* current message so far */
    size_t msg_len, msg_pieces;
    size_t delivered;
    const unsigned char *piece; /* the piece being fed */
    size_t piece_len;
} run;

static void log_add(run *r, const void *p, size_t n)
{
    if (r->len + n > r->cap) {
        size_t nc = (r->len + n) * 2 + 64;
        unsigned char *nl = realloc(r->log, nc);
        if (!nl) abort();
        r->log = nl;
        r->cap = nc;
    }
    if (n) memcpy(r->log + r->len, p, n);
    r->len += n;
}

static void log_event(run *r, unsigned char tag, unsigned op, const unsigned char *p, size_t n)
{
    unsigned char h[10];
    h[0] = tag;
    h[1] = (unsigned char)op;
    uint64_t n64 = n;
    memcpy(h + 2, &n64, 8);
    log_add(r, h, sizeof h);
    log_add(r, p, n);
}

static int on_data(void *user, unsigned char *p, size_t n, int final, int whole)
{
    run *r = user;
    if (p < r->piece || n > r->piece_len || p + n > r->piece + r->piece_len) abort();
    if (whole && (!final || r->msg_pieces != 0)) abort();
    r->delivered += n;
    memcpy(r->msg + r->msg_len, p, n);
    r->msg_len += n;
    r->msg_pieces++;
    if (final) {
        log_event(r, 'M', 0, r->msg, r->msg_len);
        r->msg_len = 0;
        r->msg_pieces = 0;
    }
    return 0;
}

static int on_control(void *user, unsigned op, const unsigned char *p, size_t n)
{
    run *r = user;
    if (n > 125 || (op != 0x8 && op != 0x9 && op != 0xA)) abort();
    log_event(r, 'C', op, p, n);
    return 0;
}

/* Feed buf[0..n) in pieces whose sizes come from a generator seeded by seed (all in one piece
 * when seed is 0); returns the result and fills r. */
static int feed(run *r, unsigned char *buf, size_t n, unsigned seed, unsigned max_shift)
{
    btq_ws_rx s;
    btq_ws_rx_reset(&s);
    btq_ws_rx_cb cb = {on_data, on_control, r};
    uint32_t x = seed * 2654435761u + 1;
    size_t at = 0;
    int rc = 0;
    while (at < n && rc == 0) {
        size_t k = n - at;
        if (seed) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            size_t lim = (size_t)1 << max_shift;
            size_t want = 1 + x % lim;
            if (want < k) k = want;
        }
        r->piece = buf + at;
        r->piece_len = k;
        rc = btq_ws_rx_feed(&s, buf + at, k, &cb);
        at += k;
    }
    if (rc == BTQ_EPROTOCOL && (!s.why || !*s.why)) abort();
    if (rc != 0 && rc != BTQ_EPROTOCOL) abort();
    if (r->delivered > n) abort();
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    unsigned seed = data[0], max_shift = data[1] % 12;
    const uint8_t *body = data + 2;
    size_t n = size - 2;

    /* the upgrade check must hold on any bytes (NULL or a reason, never a crash) */
    char why[128];
    (void)btq_ws_hs_check((const char *)body, n, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", why, sizeof why);

    unsigned char *a = malloc(n + 1), *b = malloc(n + 1);
    run ra = {0}, rb = {0};
    ra.msg = malloc(n + 1);
    rb.msg = malloc(n + 1);
    if (!a || !b || !ra.msg || !rb.msg) abort();
    if (n) {
        memcpy(a, body, n);
        memcpy(b, body, n);
    }
    int rca = feed(&ra, a, n, 0, 0);
    int rcb = feed(&rb, b, n, seed ? seed : 1, max_shift);
    /* the same events, the same end; a message still open at the end matches too */
    if (rca != rcb || ra.len != rb.len || (ra.len && memcmp(ra.log, rb.log, ra.len) != 0)) abort();
    if (ra.msg_len != rb.msg_len || (ra.msg_len && memcmp(ra.msg, rb.msg, ra.msg_len) != 0))
        abort();
    free(ra.log);
    free(rb.log);
    free(ra.msg);
    free(rb.msg);
    free(a);
    free(b);
    return 0;
}
