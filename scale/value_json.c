/* The canonical JSON form of a value tree (DESIGN.md §4), compact or pretty. */
#include <string.h>

#include "scale_internal.h"
#include "value_internal.h"

#define JSON_SAFE_INT (1ull << 53) /* |v| below this is exact in a double */

typedef struct jctx {
    btq_writer *w;
    const btq_json_opts *o;
    int indent;
} jctx;

static int print(jctx *c, const btq_value *v, int depth);

/* Most writes are a few bytes into a buffer with room: copied inline (the literals' memcpy
 * becomes one store); growth and errors take btq_write_raw. */
static inline void put(jctx *c, const char *s, size_t n)
{
    btq_writer *w = c->w;
    if (w->buf && !w->err && w->cap - w->len >= n) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        return;
    }
    btq_write_raw(w, s, n);
}

#define PUTS(c, lit) put(c, lit, sizeof(lit) - 1)

static void newline(jctx *c)
{
    if (!c->o->pretty) return;
    static const char spaces[] = "\n                                ";
    size_t n = (size_t)c->indent * 2;
    put(c, spaces, 1);
    while (n) {
        size_t k = n < sizeof spaces - 2 ? n : sizeof spaces - 2;
        put(c, spaces + 1, k);
        n -= k;
    }
}

static void put_u64(jctx *c, uint64_t v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(c, buf + i, sizeof buf - i);
}

/* Decimal digits of a 256-bit magnitude. */
static void put_u256(jctx *c, const btq_u256 *x)
{
    uint32_t w[8];
    for (int k = 0; k < 4; k++) {
        w[2 * k] = (uint32_t)x->limb[k];
        w[2 * k + 1] = (uint32_t)(x->limb[k] >> 32);
    }
    char buf[96];
    size_t i = sizeof buf;
    int top = 7; /* highest non-zero 32-bit word: u128 values skip half the divisions */
    while (top > 0 && w[top] == 0)
        top--;
    for (;;) {
        int zero = 1;
        uint64_t rem = 0;
        for (int k = top; k >= 0; k--) {
            uint64_t cur = (rem << 32) | w[k];
            w[k] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
            if (w[k]) zero = 0;
        }
        while (top > 0 && w[top] == 0)
            top--;
        /* nine digits per round; leading zeros only inside the number */
        for (int d = 0; d < 9; d++) {
            buf[--i] = (char)('0' + rem % 10);
            rem /= 10;
            if (zero && rem == 0) break;
        }
        if (zero) break;
    }
    put(c, buf + i, sizeof buf - i);
}

static void print_int(jctx *c, const btq_value *v)
{
    if (!(v->flags & BTQ_VF_BIG)) {
        if (v->kind == BTQ_VALUE_UINT) {
            if (v->a.u < JSON_SAFE_INT) {
                put_u64(c, v->a.u);
            } else {
                PUTS(c, "\"");
                put_u64(c, v->a.u);
                PUTS(c, "\"");
            }
            return;
        }
        int64_t i = v->a.i;
        uint64_t mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
        int q = mag >= JSON_SAFE_INT;
        if (q) PUTS(c, "\"");
        if (i < 0) PUTS(c, "-");
        put_u64(c, mag);
        if (q) PUTS(c, "\"");
        return;
    }
    btq_u256 x;
    int neg;
    btq__value_int(v, &x, &neg);
    if (neg) { /* magnitude = two's complement negation */
        uint64_t carry = 1;
        for (int k = 0; k < 4; k++) {
            uint64_t nv = ~x.limb[k] + carry;
            carry = carry && nv == 0;
            x.limb[k] = nv;
        }
    }
    int q = x.limb[1] || x.limb[2] || x.limb[3] || x.limb[0] >= JSON_SAFE_INT;
    if (q) PUTS(c, "\"");
    if (neg) PUTS(c, "-");
    put_u256(c, &x);
    if (q) PUTS(c, "\"");
}

static void put_string(jctx *c, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    btq_writer *w = c->w;
    if (w->buf && !w->err && n <= w->cap - w->len && w->cap - w->len - n >= 2) {
        /* room for all of it: copy while scanning, stop at the first byte to escape */
        uint8_t *d = w->buf + w->len;
        *d++ = '"';
        size_t i = 0;
        for (; i < n; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch < 0x20 || ch == '"' || ch == '\\') break;
            d[i] = ch;
        }
        if (i == n) {
            d[n] = '"';
            w->len += n + 2;
            return;
        }
        w->len += 1; /* the quote; the escaping loop below redoes the run from the start */
    } else {
        PUTS(c, "\"");
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
        put(c, s + run, i - run);
        run = i + 1;
        switch (ch) {
        case '"':
            PUTS(c, "\\\"");
            break;
        case '\\':
            PUTS(c, "\\\\");
            break;
        case '\n':
            PUTS(c, "\\n");
            break;
        case '\r':
            PUTS(c, "\\r");
            break;
        case '\t':
            PUTS(c, "\\t");
            break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
            put(c, e, 6);
        }
        }
    }
    put(c, s + run, n - run);
    PUTS(c, "\"");
}

static void put_hex(jctx *c, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    PUTS(c, "\"0x");
    char buf[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        buf[k++] = hex[p[i] >> 4];
        buf[k++] = hex[p[i] & 15];
        if (k == sizeof buf) {
            put(c, buf, k);
            k = 0;
        }
    }
    put(c, buf, k);
    PUTS(c, "\"");
}

static void put_char(jctx *c, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    put_string(c, u, n);
}

static int print_array(jctx *c, const btq_value *v, int depth)
{
    if (v->count == 0) {
        PUTS(c, "[]");
        return 0;
    }
    PUTS(c, "[");
    c->indent++;
    for (size_t i = 0; i < v->count; i++) {
        if (i) PUTS(c, ",");
        newline(c);
        int rc = print(c, &v->a.children[i], depth + 1);
        if (rc) return rc;
    }
    c->indent--;
    newline(c);
    PUTS(c, "]");
    return 0;
}

/* Fields of a composite or variant: named -> object, one unnamed -> the value, else array. */
static int print_fields(jctx *c, const btq_value *v, int depth)
{
    if (v->count == 0 || !v->a.children[0].name) {
        if (v->count == 1) return print(c, &v->a.children[0], depth + 1);
        return print_array(c, v, depth);
    }
    PUTS(c, "{");
    c->indent++;
    for (size_t i = 0; i < v->count; i++) {
        const btq_value *f = &v->a.children[i];
        if (i) PUTS(c, ",");
        newline(c);
        put_string(c, f->name ? f->name : "", f->name ? strlen(f->name) : 0);
        if (c->o->pretty)
            PUTS(c, ": ");
        else
            PUTS(c, ":");
        int rc = print(c, f, depth + 1);
        if (rc) return rc;
    }
    c->indent--;
    newline(c);
    PUTS(c, "}");
    return 0;
}

static int is_option(const btq_value *v)
{
    if (v->type) return v->type->path && strcmp(v->type->path, "Option") == 0;
    return v->vname && ((strcmp(v->vname, "None") == 0 && v->count == 0) ||
                        (strcmp(v->vname, "Some") == 0 && v->count == 1));
}

static int print_account(jctx *c, const btq_value *v)
{
    const btq_value *u = btq__value_unwrap(v);
    if (u->kind != BTQ_VALUE_BYTES || u->count != 32) return 1;
    char buf[128];
    int n = c->o->account_id(u->a.p, buf, sizeof buf, c->o->account_id_user);
    if (n < 0) return n;
    if ((size_t)n >= sizeof buf) return BTQ_ENOSPACE;
    put_string(c, buf, (size_t)n);
    return 0;
}

static int print(jctx *c, const btq_value *v, int depth)
{
    if (depth > 2 * BTQ_VALUE_MAX_DEPTH) return BTQ_EDEPTH;
    switch ((btq_value_kind)v->kind) {
    case BTQ_VALUE_BOOL:
        if (v->a.u)
            PUTS(c, "true");
        else
            PUTS(c, "false");
        return 0;
    case BTQ_VALUE_UINT:
    case BTQ_VALUE_INT:
        print_int(c, v);
        return 0;
    case BTQ_VALUE_CHAR:
        put_char(c, (uint32_t)v->a.u);
        return 0;
    case BTQ_VALUE_STR:
        put_string(c, (const char *)v->a.p, v->count);
        return 0;
    case BTQ_VALUE_BYTES:
        put_hex(c, v->a.p, v->count);
        return 0;
    case BTQ_VALUE_BITSEQ: {
        PUTS(c, "\"");
        char buf[64];
        size_t k = 0;
        for (size_t i = 0; i < v->count; i++) {
            bool b = false;
            btq_value_bit(v, i, &b);
            buf[k++] = b ? '1' : '0';
            if (k == sizeof buf) {
                put(c, buf, k);
                k = 0;
            }
        }
        put(c, buf, k);
        PUTS(c, "\"");
        return 0;
    }
    case BTQ_VALUE_COMPOSITE:
        if (c->o->account_id && v->type && v->type->path &&
            strcmp(v->type->path, "sp_core::crypto::AccountId32") == 0) {
            int rc = print_account(c, v);
            if (rc <= 0) return rc;
        }
        return print_fields(c, v, depth);
    case BTQ_VALUE_VARIANT:
        if (is_option(v)) {
            if (v->count == 0) {
                PUTS(c, "null");
                return 0;
            }
            return print_fields(c, v, depth);
        }
        if (v->count == 0) {
            put_string(c, v->vname ? v->vname : "", v->vname ? strlen(v->vname) : 0);
            return 0;
        }
        PUTS(c, "{");
        c->indent++;
        newline(c);
        put_string(c, v->vname ? v->vname : "", v->vname ? strlen(v->vname) : 0);
        if (c->o->pretty)
            PUTS(c, ": ");
        else
            PUTS(c, ":");
        {
            int rc = print_fields(c, v, depth);
            if (rc) return rc;
        }
        c->indent--;
        newline(c);
        PUTS(c, "}");
        return 0;
    case BTQ_VALUE_SEQUENCE:
    case BTQ_VALUE_ARRAY:
    case BTQ_VALUE_TUPLE:
        return print_array(c, v, depth);
    }
    return BTQ_EINVAL;
}

int btq_value_to_json(const btq_value *v, const btq_json_opts *opts, btq_writer *w)
{
    static const btq_json_opts defaults;
    if (!v || !w) return BTQ_EINVAL;
    if (w->err) return w->err;
    jctx c = {w, opts ? opts : &defaults, 0};
    size_t start = w->len;
    int rc = print(&c, v, 1);
    if (!rc) rc = w->err;
    if (rc && !w->err) w->len = start;
    return rc;
}

int btq_value_to_json_buf(const btq_value *v, const btq_json_opts *opts, char *buf, size_t cap,
                          size_t *out_len)
{
    if (!buf || cap == 0) return BTQ_EINVAL;
    btq_writer w;
    btq_writer_init_fixed(&w, buf, cap - 1); /* room for the NUL */
    int rc = btq_value_to_json(v, opts, &w);
    if (rc) {
        buf[0] = '\0';
        return rc;
    }
    buf[w.len] = '\0';
    if (out_len) *out_len = w.len;
    return 0;
}
