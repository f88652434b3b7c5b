/* Internal transport helpers: URL parsing, backoff, message reassembly with a cap. */
#ifndef BTQ_RPC_UTIL_H
#define BTQ_RPC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define BTQ_URL_HOST_MAX 256
#define BTQ_URL_PATH_MAX 1024

typedef struct btq_url {
    int tls;                     /* wss:// */
    int port;                    /* explicit or default 80 / 443 */
    int loopback;                /* localhost, 127.0.0.0/8, ::1 */
    char host[BTQ_URL_HOST_MAX]; /* without brackets for IPv6 */
    char path[BTQ_URL_PATH_MAX]; /* starts with '/' */
} btq_url;

/* Parse ws://host[:port][/path][?query] or wss://…; scheme case-insensitive; IPv6 in [].
 * No user-info, no fragment, no spaces or control chars. 0 or BTQ_EURL. */
int btq_url_parse(const char *s, btq_url *u);
/* 0 if the URL may be used: BTQ_EINSECURE for ws:// to a non-loopback host unless allow. */
int btq_url_check(const btq_url *u, int allow_plain_ws);
/* The URL as logs and error messages show it: user-info ("user:password@") and the query
 * (often an API key) replaced by "***", NUL-terminated in out (truncated to cap). Works on any
 * text, valid URL or not. Returns the length written. */
size_t btq_url_display(const char *s, char *out, size_t cap);

/* Reconnect delay for failure number n (0-based): min(initial * 2^n, max), then jitter in
 * [-25 %, +25 %] from r in [0, 1), never above max and at least 1 ms. */
uint32_t btq_backoff_ms(uint32_t initial_ms, uint32_t max_ms, unsigned n, double r);

/* Websocket message reassembly with a size cap. */
typedef struct btq_msgbuf {
    char *data;
    size_t len, cap, max;
    int overflow; /* the current message passed max: swallow until its final fragment */
    /* first and last bytes of the current message, to find the id of an over-cap answer */
    char head[96], tail[96];
    size_t head_len, tail_len;
    size_t total; /* bytes of the current message so far */
    int ended;    /* a message ended (DONE / ETOOBIG): the next push starts a new one */
} btq_msgbuf;

enum { BTQ_MSGBUF_MORE = 0, BTQ_MSGBUF_DONE = 1 };
void btq_msgbuf_init(btq_msgbuf *b, size_t max);
void btq_msgbuf_free(btq_msgbuf *b);
/* Append a fragment; final = last fragment of the message. Returns BTQ_MSGBUF_MORE,
 * BTQ_MSGBUF_DONE (data[0..len) complete, NUL-terminated; call btq_msgbuf_reset after use),
 * BTQ_ETOOBIG (at the final fragment of an over-cap message; reset done) or BTQ_ENOMEM. */
int btq_msgbuf_push(btq_msgbuf *b, const void *frag, size_t n, int final);
void btq_msgbuf_reset(btq_msgbuf *b);
/* After BTQ_ETOOBIG: the id of the over-cap answer when its head starts
 * {"jsonrpc":"2.0","id":N, (before any "result"/"error") or its tail ends ,"id":N}.
 * 1 found, 0 unknown. Valid until the next push. */
int btq_msgbuf_sniff_id(const btq_msgbuf *b, uint64_t *id);

#endif
