/* Websocket client side without I/O: the upgrade answer check and the server frame parser. */
#define _POSIX_C_SOURCE 200809L

#include "rpc/ws_client_frames.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "btq/error.h"

/* ---- the upgrade answer --------------------------------------------------------------------- */
/* Value of header `name` in the header block [h, e) (CRLF lines); NULL if absent. */
static const char *hs_header(const char *h, const char *e, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    const char *line = h;
    while (line < e) {
        const char *eol = line;
        while (eol < e && *eol != '\r' && *eol != '\n')
            eol++;
        if ((size_t)(eol - line) > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0) {
            const char *v = line + nl + 1, *ve = eol;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        line = eol;
        while (line < e && (*line == '\r' || *line == '\n'))
            line++;
    }
    return NULL;
}

/* 1 if the comma-separated list [v, v + n) holds token t (case-insensitive). */
static int hs_has_token(const char *v, size_t n, const char *t)
{
    size_t tl = strlen(t);
    const char *e = v + n;
    while (v < e) {
        while (v < e && (*v == ' ' || *v == '\t' || *v == ','))
            v++;
        const char *s = v;
        while (v < e && *v != ',')
            v++;
        const char *te = v;
        while (te > s && (te[-1] == ' ' || te[-1] == '\t'))
            te--;
        if ((size_t)(te - s) == tl && strncasecmp(s, t, tl) == 0) return 1;
    }
    return 0;
}

const char *btq_ws_hs_check(const char *h, size_t n, const char *accept, char *why, size_t why_n)
{
    const char *e = h + n;
    if (n < 12 || strncmp(h, "HTTP/1.1 ", 9) != 0) return "websocket handshake: not an HTTP answer";
    int status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
    if (status != 101) {
        if (!why || !why_n) return "websocket handshake refused: HTTP status not 101";
        snprintf(why, why_n, "websocket handshake refused: HTTP status %.3s", h + 9);
        return why;
    }
    const char *eol = memchr(h, '\n', n);
    h = eol ? eol + 1 : e;
    size_t vl;
    const char *v = hs_header(h, e, "Upgrade", &vl);
    if (!v || vl != 9 || strncasecmp(v, "websocket", 9) != 0)
        return "websocket handshake: no Upgrade: websocket";
    v = hs_header(h, e, "Connection", &vl);
    if (!v || !hs_has_token(v, vl, "upgrade")) return "websocket handshake: no Connection: upgrade";
    v = hs_header(h, e, "Sec-WebSocket-Accept", &vl);
    if (!v || vl != strlen(accept) || memcmp(v, accept, vl) != 0)
        return "websocket handshake: wrong Sec-WebSocket-Accept";
    if (hs_header(h, e, "Sec-WebSocket-Extensions", &vl))
        return "websocket handshake: an extension nobody asked for";
    return NULL;
}

/* ---- frames ------------------------------------------------------------------------------- */
void btq_ws_rx_reset(btq_ws_rx *s)
{
    memset(s, 0, sizeof *s);
}

static int refuse(btq_ws_rx *s, const char *why)
{
    s->why = why;
    return BTQ_EPROTOCOL;
}

/* A complete header is in s->fh: check it and start the frame. */
static int start_frame(btq_ws_rx *s)
{
    unsigned op = s->fh[0] & 0x0F, l7 = s->fh[1] & 0x7F;
    uint64_t len = l7;
    if (l7 == 126) len = ((uint64_t)s->fh[2] << 8) | s->fh[3];
    if (l7 == 127) {
        len = 0;
        for (int i = 2; i < 10; i++)
            len = (len << 8) | s->fh[i];
        if (len >> 63) return refuse(s, "64-bit frame length with the top bit set");
    }
    s->fh_len = s->fh_need = 0;
    s->f_op = (uint8_t)op;
    s->f_fin = (uint8_t)(s->fh[0] >> 7);
    s->f_left = len;
    s->f_pushed = 0;
    s->ctl_len = 0;
    if (op & 8) { /* control: final, at most 125 bytes */
        if (op != 0x8 && op != 0x9 && op != 0xA) return refuse(s, "unknown control opcode");
        if (!s->f_fin) return refuse(s, "fragmented control frame");
        if (len > 125) return refuse(s, "control frame longer than 125 bytes");
    } else if (op == 0) {
        if (!s->in_msg) return refuse(s, "continuation frame outside a message");
    } else if (op == 1 || op == 2) {
        if (s->in_msg) return refuse(s, "new data frame inside a fragmented message");
        s->in_msg = 1;
    } else {
        return refuse(s, "unknown data opcode");
    }
    s->f_payload = 1;
    return 0;
}

int btq_ws_rx_feed(btq_ws_rx *s, unsigned char *p, size_t n, const btq_ws_rx_cb *cb)
{
    while (n) {
        if (!s->f_payload) {
            /* header: 2 bytes, then 2 or 8 length bytes (servers never mask) */
            s->fh[s->fh_len++] = *p++;
            n--;
            if (s->fh_len == 2) {
                unsigned l7 = s->fh[1] & 0x7F;
                if (s->fh[1] & 0x80) return refuse(s, "masked frame from the server");
                if (s->fh[0] & 0x70) return refuse(s, "RSV bits set but no extension was agreed");
                s->fh_need = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0);
            }
            if (s->fh_len < 2 || s->fh_len < s->fh_need) continue;
            int rc = start_frame(s);
            if (rc < 0) return rc;
            if (s->f_left) continue;
        }
        /* payload (possibly empty) */
        size_t k = s->f_left < n ? (size_t)s->f_left : n;
        int last = k == s->f_left;
        if (s->f_op & 8) {
            memcpy(s->ctl + s->ctl_len, p, k);
            s->ctl_len += k;
        } else {
            int whole = s->f_op != 0 && s->f_fin && last && !s->f_pushed;
            int rc = cb->data(cb->user, p, k, s->f_fin && last, whole);
            if (rc < 0) return rc;
            s->f_pushed = 1;
        }
        p += k;
        n -= k;
        s->f_left -= k;
        if (!last) continue;
        s->f_payload = 0;
        if (s->f_op & 8) {
            int rc = cb->control(cb->user, s->f_op, s->ctl, s->ctl_len);
            if (rc < 0) return rc;
        } else if (s->f_fin) {
            s->in_msg = 0;
        }
    }
    return 0;
}
