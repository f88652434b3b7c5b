/* Sans-I/O websocket client side (RFC 6455) for what a server sends: the check of the server's
 * answer to the upgrade request, and a resumable parser of the (unmasked) frames that follow.
 * No sockets and no libwebsockets: the transport (rpc.c) feeds whatever bytes it read, in any
 * split, and gets data pieces and complete control frames through callbacks. */
#ifndef BTQ_WS_CLIENT_FRAMES_H
#define BTQ_WS_CLIENT_FRAMES_H

#include <stddef.h>
#include <stdint.h>

/* Check the server's answer to the upgrade request: h[0..n) is the answer up to and including
 * the empty line that ends its headers; accept is the Sec-WebSocket-Accept the server must send
 * (NUL-terminated). NULL if it is a valid 101 answer, else why not: a static string or why
 * (caller's buffer of why_n bytes, used for the HTTP status text). */
const char *btq_ws_hs_check(const char *h, size_t n, const char *accept, char *why, size_t why_n);

/* Callbacks of btq_ws_rx_feed. A negative return stops the feed, which returns that value. */
typedef struct btq_ws_rx_cb {
    /* One piece of a data message (text or binary), p[0..n) inside the fed buffer (valid during
     * the call, writable). final: the last piece of the message. whole: the complete message is
     * this one piece (one final frame, not split across feeds), so no copy is needed. A
     * message's pieces arrive in order; empty pieces are delivered too (an empty frame). */
    int (*data)(void *user, unsigned char *p, size_t n, int final, int whole);
    /* A complete control frame: op 0x8 close, 0x9 ping, 0xA pong; payload of at most 125 bytes
     * (valid during the call). */
    int (*control)(void *user, unsigned op, const unsigned char *payload, size_t n);
    void *user;
} btq_ws_rx_cb;

/* Parser state; zero it (or btq_ws_rx_reset) for each new connection. */
typedef struct btq_ws_rx {
    unsigned char fh[10];     /* frame header being collected */
    unsigned fh_len, fh_need; /* bytes in fh / bytes the header has (0: unknown yet) */
    int f_payload;            /* inside a frame's payload */
    uint64_t f_left;          /* payload bytes still to come */
    uint8_t f_op, f_fin, f_pushed, in_msg;
    unsigned char ctl[125]; /* control frame payload so far */
    size_t ctl_len;
    const char *why; /* after BTQ_EPROTOCOL: which rule the server broke */
} btq_ws_rx;

void btq_ws_rx_reset(btq_ws_rx *s);

/* Parse p[0..n): 0 when all of it was consumed (a frame may be left incomplete: the next feed
 * continues it); BTQ_EPROTOCOL when the server broke the protocol (s->why says how; the
 * connection must be closed, the state is not usable until reset); or the negative value a
 * callback returned (the rest of the input is not parsed). */
int btq_ws_rx_feed(btq_ws_rx *s, unsigned char *p, size_t n, const btq_ws_rx_cb *cb);

#endif
