/* Tiny raw websocket client (see mock_rawclient.h). */
#define _GNU_SOURCE
#include "mock_rawclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t rc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int rc_wait(int fd, short ev, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - rc_now_ms();
        if (left < 0) left = 0;
        struct pollfd p = {fd, ev, 0};
        int r = poll(&p, 1, (int)left);
        if (r > 0) return 0;
        if (r == 0) return -1;
        if (errno != EINTR) return -1;
    }
}

int mock_raw_write_all(mock_raw *c, const void *p, size_t len)
{
    const uint8_t *b = p;
    while (len) {
        ssize_t w = send(c->fd, b, len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                struct pollfd pf = {c->fd, POLLOUT, 0};
                poll(&pf, 1, 1000);
                continue;
            }
            return -1;
        }
        b += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Read more bytes into the buffer; 1 = got some, 0 = EOF, -1 = timeout/error. */
static int rc_fill(mock_raw *c, int64_t deadline)
{
    if (c->off && c->off == c->len) c->off = c->len = 0;
    if (c->off > (c->cap / 2)) {
        memmove(c->buf, c->buf + c->off, c->len - c->off);
        c->len -= c->off;
        c->off = 0;
    }
    if (c->cap - c->len < 65536) {
        size_t cap = c->cap ? c->cap * 2 : 1 << 20;
        uint8_t *nb = realloc(c->buf, cap);
        if (!nb) return -1;
        c->buf = nb;
        c->cap = cap;
    }
    for (;;) {
        ssize_t r = recv(c->fd, c->buf + c->len, c->cap - c->len, MSG_DONTWAIT);
        if (r > 0) {
            c->len += (size_t)r;
            return 1;
        }
        if (r == 0) {
            c->closed = 1;
            return 0;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            c->closed = 1;
            return 0;
        }
        if (rc_wait(c->fd, POLLIN, deadline) != 0) return -1;
    }
}

mock_raw *mock_raw_open(int port, int timeout_ms)
{
    int64_t deadline = rc_now_ms() + timeout_ms;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return NULL;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return NULL;
    }
    if (rc_wait(fd, POLLOUT, deadline) != 0) {
        close(fd);
        return NULL;
    }
    int err = 0;
    socklen_t el = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err) {
        close(fd);
        return NULL;
    }
    mock_raw *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return NULL;
    }
    c->fd = fd;
    char req[256];
    int n = snprintf(req, sizeof req,
                     "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n",
                     port);
    if (mock_raw_write_all(c, req, (size_t)n) != 0) goto fail;
    for (;;) {
        if (c->len >= 4) {
            uint8_t *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
            if (end) {
                if (c->len < 12 || memcmp(c->buf, "HTTP/1.1 101", 12) != 0) goto fail;
                c->off = (size_t)(end + 4 - c->buf);
                return c;
            }
        }
        if (rc_fill(c, deadline) != 1) goto fail;
    }
fail:
    mock_raw_close(c);
    return NULL;
}

void mock_raw_close(mock_raw *c)
{
    if (!c) return;
    close(c->fd);
    free(c->buf);
    free(c);
}

size_t mock_raw_build_frame(uint8_t *out, const void *p, size_t len)
{
    static const uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};
    size_t h = 0;
    out[h++] = 0x81;
    if (len < 126) {
        out[h++] = (uint8_t)(0x80 | len);
    } else if (len < 65536) {
        out[h++] = 0x80 | 126;
        out[h++] = (uint8_t)(len >> 8);
        out[h++] = (uint8_t)len;
    } else {
        out[h++] = 0x80 | 127;
        for (int i = 0; i < 8; i++)
            out[h++] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
    }
    memcpy(out + h, mask, 4);
    h += 4;
    const uint8_t *s = p;
    for (size_t i = 0; i < len; i++)
        out[h + i] = s[i] ^ mask[i & 3];
    return h + len;
}

int mock_raw_send_frame(mock_raw *c, uint8_t b0, const void *p, size_t len)
{
    uint8_t *f = malloc(len + 14);
    if (!f) return -1;
    size_t n = mock_raw_build_frame(f, p, len);
    f[0] = b0;
    int r = mock_raw_write_all(c, f, n);
    free(f);
    return r;
}

int mock_raw_send(mock_raw *c, const char *text)
{
    return mock_raw_send_frame(c, 0x81, text, strlen(text));
}

/* Parse one frame header at the read position: 1 = whole frame available (sets fields), 0 =
 * need more. */
static int rc_frame(const mock_raw *c, uint8_t *b0, size_t *hl, uint64_t *pl)
{
    const uint8_t *p = c->buf + c->off;
    size_t avail = c->len - c->off;
    if (avail < 2) return 0;
    size_t h = 2;
    uint64_t l = p[1] & 0x7f;
    if (l == 126) {
        if (avail < 4) return 0;
        l = ((uint64_t)p[2] << 8) | p[3];
        h = 4;
    } else if (l == 127) {
        if (avail < 10) return 0;
        l = 0;
        for (int i = 0; i < 8; i++)
            l = (l << 8) | p[2 + i];
        h = 10;
    }
    if (p[1] & 0x80) h += 4; /* servers must not mask; tolerate */
    if (avail < h + l) return 0;
    *b0 = p[0];
    *hl = h;
    *pl = l;
    return 1;
}

int mock_raw_recv(mock_raw *c, char **msg, size_t *len, unsigned *frames, int *partial,
                  int timeout_ms)
{
    int64_t deadline = rc_now_ms() + timeout_ms;
    char *m = NULL;
    size_t ml = 0;
    unsigned nf = 0;
    *msg = NULL;
    *len = 0;
    if (frames) *frames = 0;
    if (partial) *partial = 0;
    for (;;) {
        uint8_t b0;
        size_t hl;
        uint64_t pl;
        while (!rc_frame(c, &b0, &hl, &pl)) {
            int r = c->closed ? 0 : rc_fill(c, deadline);
            if (r == 1) continue;
            if (partial) *partial = (nf > 0) || (c->len > c->off);
            free(m);
            return r == 0 ? 0 : -1;
        }
        const uint8_t *payload = c->buf + c->off + hl;
        c->off += hl + (size_t)pl;
        uint8_t op = b0 & 0x0f;
        if (op == 0x8) {
            free(m);
            c->closed = 1;
            if (partial) *partial = nf > 0;
            return 0;
        }
        if (op == 0x9 || op == 0xa) continue;
        char *nm = realloc(m, ml + (size_t)pl + 1);
        if (!nm) {
            free(m);
            return -1;
        }
        m = nm;
        memcpy(m + ml, payload, (size_t)pl);
        ml += (size_t)pl;
        m[ml] = 0;
        nf++;
        if (b0 & 0x80) {
            *msg = m;
            *len = ml;
            if (frames) *frames = nf;
            return 1;
        }
    }
}

long mock_raw_count_frames(mock_raw *c, int timeout_ms)
{
    int64_t deadline = rc_now_ms() + timeout_ms;
    long n = 0;
    for (;;) {
        uint8_t b0;
        size_t hl;
        uint64_t pl;
        while (rc_frame(c, &b0, &hl, &pl)) {
            c->off += hl + (size_t)pl;
            if ((b0 & 0x0f) == 0x8) return -1;
            if (b0 & 0x80) n++;
        }
        if (n) return n;
        int r = rc_fill(c, deadline);
        if (r == 0) return -1;
        if (r < 0) return 0;
    }
}
