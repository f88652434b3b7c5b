/* Internal transport helpers: URL parsing, backoff, message reassembly with a cap. */
#include "rpc/rpc_util.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "btq/error.h"
#include "btq/rpc.h"   /* btq_url_redact */
#include "btq/scale.h" /* btq_malloc / btq_realloc / btq_free only */

static int is_loopback(const char *h)
{
    if (strcasecmp(h, "localhost") == 0 || strcmp(h, "::1") == 0) return 1;
    /* 127.a.b.c, dotted decimal */
    if (strncmp(h, "127.", 4) != 0) return 0;
    int parts = 1;
    const char *p = h + 4;
    while (*p) {
        int digits = 0, v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p - '0');
            if (++digits > 3 || v > 255) return 0;
            p++;
        }
        if (!digits) return 0;
        parts++;
        if (*p == '.')
            p++;
        else if (*p)
            return 0;
    }
    return parts == 4;
}

int btq_url_parse(const char *s, btq_url *u)
{
    if (!s || !u) return BTQ_EURL;
    memset(u, 0, sizeof *u);
    for (const char *q = s; *q; q++)
        if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f || *q == '#') return BTQ_EURL;
    const char *p;
    if (strncasecmp(s, "ws://", 5) == 0) {
        p = s + 5;
    } else if (strncasecmp(s, "wss://", 6) == 0) {
        p = s + 6;
        u->tls = 1;
    } else {
        return BTQ_EURL;
    }
    const char *auth_end = p + strcspn(p, "/?");
    if (memchr(p, '@', (size_t)(auth_end - p))) return BTQ_EURL;
    const char *host_s, *host_e, *port_s = NULL;
    if (*p == '[') {
        host_s = p + 1;
        host_e = memchr(host_s, ']', (size_t)(auth_end - host_s));
        if (!host_e) return BTQ_EURL;
        for (const char *q = host_s; q < host_e; q++)
            if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.') return BTQ_EURL;
        if (host_e + 1 < auth_end) {
            if (host_e[1] != ':') return BTQ_EURL;
            port_s = host_e + 2;
        }
    } else {
        host_s = p;
        const char *c = memchr(p, ':', (size_t)(auth_end - p));
        host_e = c ? c : auth_end;
        if (c) port_s = c + 1;
        for (const char *q = host_s; q < host_e; q++)
            if (!isalnum((unsigned char)*q) && *q != '-' && *q != '.' && *q != '_') return BTQ_EURL;
    }
    size_t hl = (size_t)(host_e - host_s);
    if (hl == 0 || hl >= BTQ_URL_HOST_MAX) return BTQ_EURL;
    memcpy(u->host, host_s, hl);
    u->host[hl] = 0;
    if (port_s) {
        if (port_s >= auth_end) return BTQ_EURL;
        long v = 0;
        for (const char *q = port_s; q < auth_end; q++) {
            if (*q < '0' || *q > '9') return BTQ_EURL;
            v = v * 10 + (*q - '0');
            if (v > 65535) return BTQ_EURL;
        }
        if (v == 0) return BTQ_EURL;
        u->port = (int)v;
    } else {
        u->port = u->tls ? 443 : 80;
    }
    const char *path = auth_end;
    size_t pl = strlen(path);
    if (pl + 2 >= BTQ_URL_PATH_MAX) return BTQ_EURL;
    if (*path != '/') {
        u->path[0] = '/';
        memcpy(u->path + 1, path, pl + 1);
    } else {
        memcpy(u->path, path, pl + 1);
    }
    u->loopback = is_loopback(u->host);
    return 0;
}

int btq_url_check(const btq_url *u, int allow_plain_ws)
{
    if (!u->tls && !u->loopback && !allow_plain_ws) return BTQ_EINSECURE;
    return 0;
}

/* btq_url_display's work; *total = the length of the whole redacted text (even when it does not
 * fit). Returns the length written (at most cap - 1). */
static size_t url_display(const char *s, char *out, size_t cap, size_t *total)
{
    size_t o = 0, t = 0;
    *total = 0;
    if (!cap) return 0;
#define PUT(c)                                                                                     \
    do {                                                                                           \
        t++;                                                                                       \
        if (o + 1 < cap) out[o++] = (c);                                                           \
    } while (0)
    if (!s) s = "(null)";
    const char *auth = strstr(s, "://");
    auth = auth ? auth + 3 : s;
    const char *auth_end = auth + strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *q = auth; q < auth_end; q++)
        if (*q == '@') at = q; /* the last '@' ends the user-info */
    for (const char *q = s; *q; q++) {
        if (q == auth && at) {
            for (const char *r = "***@"; *r; r++)
                PUT(*r);
            q = at;
            continue;
        }
        if (*q == '?' || *q == '#') { /* query and fragment: may carry keys */
            for (const char *r = "?***"; *r; r++)
                PUT(*r);
            break;
        }
        PUT((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f ? '?' : *q);
    }
#undef PUT
    out[o] = 0;
    *total = t;
    return o;
}

size_t btq_url_display(const char *s, char *out, size_t cap)
{
    size_t total;
    return url_display(s, out, cap, &total);
}

int btq_url_redact(const char *url, char *out, size_t cap)
{
    if (!url || !out || !cap) return BTQ_EINVAL;
    size_t total;
    url_display(url, out, cap, &total);
    if (total >= cap || total > INT_MAX) return BTQ_ENOSPACE;
    return (int)total;
}

uint32_t btq_backoff_ms(uint32_t initial_ms, uint32_t max_ms, unsigned n, double r)
{
    if (initial_ms == 0) initial_ms = 1;
    if (max_ms < initial_ms) max_ms = initial_ms;
    double d = initial_ms;
    for (unsigned i = 0; i < n && d < max_ms; i++)
        d *= 2;
    if (d > max_ms) d = max_ms;
    if (r < 0) r = 0;
    if (r >= 1) r = 0.999999;
    d = d * (0.75 + 0.5 * r);
    if (d > max_ms) d = max_ms;
    if (d < 1) d = 1;
    return (uint32_t)d;
}

void btq_msgbuf_init(btq_msgbuf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void btq_msgbuf_free(btq_msgbuf *b)
{
    btq_free(b->data);
    memset(b, 0, sizeof *b);
}

void btq_msgbuf_reset(btq_msgbuf *b)
{
    b->len = 0;
    b->overflow = 0;
    b->head_len = b->tail_len = 0;
    b->total = 0;
    b->ended = 0;
    /* give back very large buffers between messages */
    if (b->cap > (1u << 20)) {
        btq_free(b->data);
        b->data = NULL;
        b->cap = 0;
    }
}

static void keep_edges(btq_msgbuf *b, const char *f, size_t n)
{
    if (b->head_len < sizeof b->head) {
        size_t k = sizeof b->head - b->head_len;
        if (k > n) k = n;
        memcpy(b->head + b->head_len, f, k);
        b->head_len += k;
    }
    if (n >= sizeof b->tail) {
        memcpy(b->tail, f + n - sizeof b->tail, sizeof b->tail);
        b->tail_len = sizeof b->tail;
    } else {
        size_t keep = b->tail_len + n > sizeof b->tail ? sizeof b->tail - n : b->tail_len;
        memmove(b->tail, b->tail + b->tail_len - keep, keep);
        memcpy(b->tail + keep, f, n);
        b->tail_len = keep + n;
    }
}

static int digits_u64(const char *p, const char *e, uint64_t *v, const char **after)
{
    uint64_t x = 0;
    const char *s = p;
    while (p < e && *p >= '0' && *p <= '9' && p - s < 19)
        x = x * 10 + (uint64_t)(*p++ - '0');
    if (p == s) return 0;
    *v = x;
    *after = p;
    return 1;
}

int btq_msgbuf_sniff_id(const btq_msgbuf *b, uint64_t *id)
{
    static const char pre[] = "{\"jsonrpc\":\"2.0\",\"id\":";
    const char *after;
    if (b->head_len > sizeof pre - 1 && memcmp(b->head, pre, sizeof pre - 1) == 0 &&
        digits_u64(b->head + sizeof pre - 1, b->head + b->head_len, id, &after) &&
        after < b->head + b->head_len && *after == ',')
        return 1;
    /* tail: ...,"id":N} */
    size_t n = b->tail_len;
    while (n > 0 && strchr(" \t\r\n", b->tail[n - 1]))
        n--;
    if (n < 8 || b->tail[n - 1] != '}') return 0;
    size_t d = n - 1;
    while (d > 0 && b->tail[d - 1] >= '0' && b->tail[d - 1] <= '9')
        d--;
    if (d == n - 1 || d < 6 || memcmp(b->tail + d - 6, ",\"id\":", 6) != 0) return 0;
    return digits_u64(b->tail + d, b->tail + n - 1, id, &after) && after == b->tail + n - 1;
}

int btq_msgbuf_push(btq_msgbuf *b, const void *frag, size_t n, int final)
{
    if (b->ended) {
        b->head_len = b->tail_len = 0;
        b->ended = 0;
    }
    keep_edges(b, frag, n);
    b->total += n;
    if (!b->overflow) {
        if (n > b->max || b->len > b->max - n) {
            b->overflow = 1;
            b->len = 0;
        } else {
            size_t need = b->len + n + 1;
            if (need > b->cap) {
                size_t nc = b->cap ? b->cap : 4096;
                while (nc < need)
                    nc = nc > SIZE_MAX / 2 ? need : nc * 2;
                if (nc > b->max + 1) nc = b->max + 1;
                char *d = btq_realloc(b->data, nc);
                if (!d) {
                    btq_msgbuf_reset(b);
                    return BTQ_ENOMEM;
                }
                b->data = d;
                b->cap = nc;
            }
            if (n) memcpy(b->data + b->len, frag, n);
            b->len += n;
            b->data[b->len] = 0;
        }
    }
    if (!final) return BTQ_MSGBUF_MORE;
    if (b->overflow) {
        b->len = 0;
        b->overflow = 0;
        b->total = 0; /* head/tail stay for btq_msgbuf_sniff_id until the next push */
        b->ended = 1;
        return BTQ_ETOOBIG;
    }
    if (!b->data) { /* empty message */
        b->data = btq_malloc(1);
        if (!b->data) return BTQ_ENOMEM;
        b->cap = 1;
        b->data[0] = 0;
    }
    return BTQ_MSGBUF_DONE;
}
