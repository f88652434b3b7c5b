/* Sans-I/O JSON-RPC codec: strict validator, zero-copy lookup, request building. */
#include "rpc/jsonrpc.h"

#include <string.h>

#include "btq/error.h"
#include "btq/scale.h" /* btq_malloc / btq_free only */

int btq_jr_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path, 8 bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return 0;
        }
        if (n - i - 1 < need) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += need + 1;
    }
    return 1;
}

/* ---- validator -------------------------------------------------------------------------- */
/* Members of the top-level object the classification needs (first occurrence of each). */
enum { MK_ID, MK_ERROR, MK_RESULT, MK_METHOD, MK_PARAMS, MK_COUNT };

typedef struct vstate {
    const char *end;
    int max_depth;
    int depth_err;
    btq_jr_span *top; /* non-NULL: record the top-level object's members here */
    int found;        /* bit per MK_* recorded */
} vstate;

static int member_key(const char *k, size_t n)
{
    if (n == 2) return memcmp(k, "id", 2) == 0 ? MK_ID : -1;
    if (n == 5) return memcmp(k, "error", 5) == 0 ? MK_ERROR : -1;
    if (n != 6) return -1;
    if (memcmp(k, "result", 6) == 0) return MK_RESULT;
    if (memcmp(k, "method", 6) == 0) return MK_METHOD;
    return memcmp(k, "params", 6) == 0 ? MK_PARAMS : -1;
}

static const char *ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int hexc(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hexv(char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f') return (unsigned)(c - 'a' + 10);
    return (unsigned)(c - 'A' + 10);
}

/* Nonzero when one of the 8 bytes of w is '"', '\\' or a control character (< 0x20). */
static uint64_t str_special8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & highs;
}

static const char *v_string(const char *p, const char *e)
{
    /* p at opening quote */
    p++;
    while (p < e) {
        /* plain characters, 8 at a time */
        while (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            uint64_t m = str_special8(w);
            if (m) { /* the lowest flagged byte is always a real one */
                p += __builtin_ctzll(m) >> 3;
                break;
            }
            p += 8;
        }
        if (p >= e) break;
        unsigned char c = (unsigned char)*p;
        if (c == '"') return p + 1;
        if (c < 0x20) return NULL;
        if (c == '\\') {
            p++;
            if (p >= e) return NULL;
            switch (*p) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                p++;
                break;
            case 'u': {
                /* unpaired UTF-16 surrogates cannot be decoded to UTF-8: reject (as cJSON) */
                if (e - p < 5 || !hexc(p[1]) || !hexc(p[2]) || !hexc(p[3]) || !hexc(p[4]))
                    return NULL;
                unsigned cp =
                    (hexv(p[1]) << 12) | (hexv(p[2]) << 8) | (hexv(p[3]) << 4) | hexv(p[4]);
                p += 5;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return NULL;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || !hexc(p[2]) || !hexc(p[3]) ||
                        !hexc(p[4]) || !hexc(p[5]))
                        return NULL;
                    unsigned lo =
                        (hexv(p[2]) << 12) | (hexv(p[3]) << 8) | (hexv(p[4]) << 4) | hexv(p[5]);
                    if (lo < 0xDC00 || lo > 0xDFFF) return NULL;
                    p += 6;
                }
                break;
            }
            default:
                return NULL;
            }
            continue;
        }
        p++;
    }
    return NULL;
}

static const char *v_number(const char *p, const char *e)
{
    if (p < e && *p == '-') p++;
    if (p >= e) return NULL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    } else {
        return NULL;
    }
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') return NULL;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return NULL;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

static const char *v_lit(const char *p, const char *e, const char *lit, size_t n)
{
    if ((size_t)(e - p) < n || memcmp(p, lit, n) != 0) return NULL;
    return p + n;
}

static const char *v_value(vstate *st, const char *p, int depth)
{
    const char *e = st->end;
    p = ws(p, e);
    if (p >= e) return NULL;
    switch (*p) {
    case '{':
    case '[': {
        char close = *p == '{' ? '}' : ']';
        int obj = *p == '{';
        if (depth + 1 > st->max_depth) {
            st->depth_err = 1;
            return NULL;
        }
        p = ws(p + 1, e);
        if (p < e && *p == close) return p + 1;
        for (;;) {
            int mk = -1;
            if (obj) {
                p = ws(p, e);
                if (p >= e || *p != '"') return NULL;
                const char *ks = p + 1;
                p = v_string(p, e);
                if (!p) return NULL;
                if (depth == 0 && st->top) mk = member_key(ks, (size_t)(p - 1 - ks));
                p = ws(p, e);
                if (p >= e || *p != ':') return NULL;
                p++;
            }
            if (mk >= 0) p = ws(p, e);
            const char *vs = p;
            p = v_value(st, p, depth + 1);
            if (!p) return NULL;
            if (mk >= 0 && !(st->found & (1 << mk))) {
                st->found |= 1 << mk;
                st->top[mk].p = vs;
                st->top[mk].n = (size_t)(p - vs);
            }
            p = ws(p, e);
            if (p >= e) return NULL;
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == close) return p + 1;
            return NULL;
        }
    }
    case '"':
        return v_string(p, e);
    case 't':
        return v_lit(p, e, "true", 4);
    case 'f':
        return v_lit(p, e, "false", 5);
    case 'n':
        return v_lit(p, e, "null", 4);
    default:
        return v_number(p, e);
    }
}

int btq_jr_json_validate(const char *s, size_t n, int max_depth)
{
    if (!s) return BTQ_EJSON;
    if (!btq_jr_utf8_valid((const unsigned char *)s, n)) return BTQ_EUTF8;
    vstate st = {s + n, max_depth, 0, NULL, 0};
    const char *p = v_value(&st, s, 0);
    if (!p) return st.depth_err ? BTQ_EDEPTH : BTQ_EJSON;
    p = ws(p, s + n);
    return p == s + n ? 0 : BTQ_EJSON;
}

/* ---- lookup on validated text ----------------------------------------------------------- */
const char *btq_jr_json_skip(const char *p, const char *e)
{
    p = ws(p, e);
    if (p >= e) return e;
    char c = *p;
    if (c == '"') {
        const char *q = v_string(p, e);
        return q ? q : e;
    }
    if (c == '{' || c == '[') {
        /* validated: count brackets outside strings */
        int d = 0;
        while (p < e) {
            char x = *p;
            if (x == '"') {
                p = v_string(p, e);
                if (!p) return e;
                continue;
            }
            if (x == '{' || x == '[')
                d++;
            else if (x == '}' || x == ']') {
                d--;
                if (d == 0) return p + 1;
            }
            p++;
        }
        return e;
    }
    while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' && *p != '\n' &&
           *p != '\r')
        p++;
    return p;
}

int btq_jr_json_obj_get(btq_jr_span obj, const char *key, btq_jr_span *val)
{
    const char *e = obj.p + obj.n, *p = ws(obj.p, e);
    size_t kl = strlen(key);
    if (p >= e || *p != '{') return 0;
    p = ws(p + 1, e);
    while (p < e && *p == '"') {
        const char *ks = p + 1, *ke = v_string(p, e);
        if (!ke) return 0;
        int match = (size_t)(ke - 1 - ks) == kl && memcmp(ks, key, kl) == 0;
        p = ws(ke, e);
        if (p >= e || *p != ':') return 0;
        p = ws(p + 1, e);
        const char *ve = btq_jr_json_skip(p, e);
        if (match) {
            val->p = p;
            val->n = (size_t)(ve - p);
            return 1;
        }
        p = ws(ve, e);
        if (p < e && *p == ',')
            p = ws(p + 1, e);
        else
            break;
    }
    return 0;
}

int btq_jr_json_array_next(btq_jr_span arr, const char **it, btq_jr_span *elem)
{
    const char *e = arr.p + arr.n, *p;
    if (!*it) {
        p = ws(arr.p, e);
        if (p >= e || *p != '[') return 0;
        p = ws(p + 1, e);
        if (p < e && *p == ']') {
            *it = e;
            return 0;
        }
    } else {
        p = ws(*it, e);
        if (p >= e || *p != ',') {
            *it = e;
            return 0;
        }
        p = ws(p + 1, e);
    }
    if (p >= e) return 0;
    const char *ve = btq_jr_json_skip(p, e);
    elem->p = p;
    elem->n = (size_t)(ve - p);
    *it = ve;
    return 1;
}

int btq_jr_json_u64(btq_jr_span s, uint64_t *v)
{
    if (s.n == 0 || s.n > 20) return 0;
    if (s.n > 1 && s.p[0] == '0') return 0;
    uint64_t x = 0;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (c < '0' || c > '9') return 0;
        uint64_t d = (uint64_t)(c - '0');
        if (x > UINT64_MAX / 10 || (x == UINT64_MAX / 10 && d > UINT64_MAX % 10)) return 0;
        x = x * 10 + d;
    }
    *v = x;
    return 1;
}

/* ---- JSON-RPC --------------------------------------------------------------------------- */
/* One pass over the members of a validated object: the first occurrence of each key the
 * classification needs (as btq_jr_json_obj_get would find it). */
static int scan_members(btq_jr_span obj, btq_jr_span *v, int *found)
{
    const char *e = obj.p + obj.n, *p = ws(obj.p, e);
    if (p >= e || *p != '{') return 0;
    p = ws(p + 1, e);
    while (p < e && *p == '"') {
        const char *ks = p + 1, *ke = v_string(p, e);
        if (!ke) return 0;
        size_t kl = (size_t)(ke - 1 - ks);
        int k = member_key(ks, kl);
        p = ws(ke, e);
        if (p >= e || *p != ':') return 0;
        p = ws(p + 1, e);
        const char *ve = btq_jr_json_skip(p, e);
        if (k >= 0 && !(*found & (1 << k))) {
            *found |= 1 << k;
            v[k].p = p;
            v[k].n = (size_t)(ve - p);
        }
        p = ws(ve, e);
        if (p < e && *p == ',')
            p = ws(p + 1, e);
        else
            break;
    }
    return 1;
}

static int classify_members(const btq_jr_span *v, int found, btq_jr_msg *m)
{
    if (found & (1 << MK_ID)) {
        if ((found & (1 << MK_ERROR)) && v[MK_ERROR].n && v[MK_ERROR].p[0] == '{') {
            m->is_error = 1;
            m->error = v[MK_ERROR];
        } else if (found & (1 << MK_RESULT)) {
            m->result = v[MK_RESULT];
        } else {
            return m->kind = BTQ_JR_INVALID;
        }
        m->id_ok = btq_jr_json_u64(v[MK_ID], &m->id);
        return m->kind = BTQ_JR_RESPONSE;
    }
    btq_jr_span params = v[MK_PARAMS];
    if ((found & (1 << MK_METHOD)) && v[MK_METHOD].n && v[MK_METHOD].p[0] == '"' &&
        (found & (1 << MK_PARAMS)) && params.n && params.p[0] == '{' &&
        btq_jr_json_obj_get(params, "subscription", &m->sub) &&
        btq_jr_json_obj_get(params, "result", &m->result)) {
        m->method = v[MK_METHOD];
        return m->kind = BTQ_JR_NOTIFICATION;
    }
    return m->kind = BTQ_JR_INVALID;
}

int btq_jr_classify(btq_jr_span obj, btq_jr_msg *m)
{
    memset(m, 0, sizeof *m);
    const char *p = ws(obj.p, obj.p + obj.n);
    if (p >= obj.p + obj.n || *p != '{') return m->kind = BTQ_JR_INVALID;
    btq_jr_span v[MK_COUNT];
    int found = 0;
    scan_members(obj, v, &found);
    return classify_members(v, found, m);
}

int btq_jr_validate_classify(const char *s, size_t n, int max_depth, btq_jr_msg *m)
{
    memset(m, 0, sizeof *m);
    if (!s) return BTQ_EJSON;
    if (!btq_jr_utf8_valid((const unsigned char *)s, n)) return BTQ_EUTF8;
    btq_jr_span v[MK_COUNT];
    vstate st = {s + n, max_depth, 0, v, 0};
    const char *b = ws(s, s + n);
    const char *p = v_value(&st, s, 0);
    if (!p) return st.depth_err ? BTQ_EDEPTH : BTQ_EJSON;
    p = ws(p, s + n);
    if (p != s + n) return BTQ_EJSON;
    if (*b == '{') classify_members(v, st.found, m);
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void btq_jr_error_detail(btq_jr_span error, int64_t *code, char *msg, size_t cap)
{
    btq_jr_span v;
    *code = 0;
    if (cap) msg[0] = 0;
    if (btq_jr_json_obj_get(error, "code", &v) && v.n > 0 && v.n <= 19) {
        int neg = v.p[0] == '-';
        btq_jr_span d = {v.p + neg, v.n - (size_t)neg};
        uint64_t u;
        if (btq_jr_json_u64(d, &u) && u <= (uint64_t)INT64_MAX)
            *code = neg ? -(int64_t)u : (int64_t)u;
    }
    if (!cap || !btq_jr_json_obj_get(error, "message", &v) || v.n < 2 || v.p[0] != '"') return;
    const char *p = v.p + 1, *e = v.p + v.n - 1;
    size_t o = 0;
    while (p < e && o + 5 < cap) {
        char c = *p++;
        if (c != '\\') {
            msg[o++] = c;
            continue;
        }
        c = *p++;
        switch (c) {
        case 'b':
            msg[o++] = '\b';
            break;
        case 'f':
            msg[o++] = '\f';
            break;
        case 'n':
            msg[o++] = '\n';
            break;
        case 'r':
            msg[o++] = '\r';
            break;
        case 't':
            msg[o++] = '\t';
            break;
        case 'u': {
            unsigned cp = (hexv(p[0]) << 12) | (hexv(p[1]) << 8) | (hexv(p[2]) << 4) | hexv(p[3]);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                unsigned lo2 =
                    (hexv(p[2]) << 12) | (hexv(p[3]) << 8) | (hexv(p[4]) << 4) | hexv(p[5]);
                if (lo2 >= 0xDC00 && lo2 <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo2 - 0xDC00);
                    p += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
            if (cp == 0) cp = 0xFFFD;
            o += put_utf8(msg + o, cp);
            break;
        }
        default:
            msg[o++] = c;
            break;
        }
    }
    /* never cut a UTF-8 sequence in half */
    if (p < e)
        while (o > 0 && ((unsigned char)msg[o - 1] & 0xC0) == 0x80)
            o--;
    if (p < e && o > 0 && ((unsigned char)msg[o - 1] & 0xC0) == 0xC0) o--;
    msg[o] = 0;
}

int btq_jr_method_ok(const char *method)
{
    if (!method || !*method) return 0;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)method; *p; p++, n++) {
        unsigned c = *p, l = c | 0x20; /* ASCII letters fold to lower case */
        if (!((l - 'a' < 26u) || (c - '0' < 10u) || c == '_')) return 0;
        if (n >= 128) return 0;
    }
    return 1;
}

int btq_jr_method_is_submission(const char *method)
{
    return strncmp(method, "author_submit", 13) == 0;
}

int btq_jr_params_ok(const char *params, size_t len)
{
    if (!params) return 0;
    if (btq_jr_json_validate(params, len, BTQ_JR_MAX_DEPTH) != 0) return BTQ_EJSON;
    const char *p = ws(params, params + len);
    return (*p == '[' || *p == '{') ? 0 : BTQ_EJSON;
}

int btq_jr_build_request(uint64_t id, const char *method, const char *params, size_t params_len,
                         size_t headroom, unsigned char **buf, size_t *len, size_t *params_off)
{
    if (!params) {
        params = "[]";
        params_len = 2;
    }
    size_t ml = strlen(method);
    size_t cap = headroom + 68 + ml + params_len; /* 22 + 20 + 11 + 11 + "}" + NUL */
    unsigned char *b = btq_malloc(cap);
    if (!b) return BTQ_ENOMEM;
    char *t = (char *)b + headroom;
    static const char pre[] = "{\"jsonrpc\":\"2.0\",\"id\":";
    memcpy(t, pre, sizeof pre - 1);
    size_t o = sizeof pre - 1;
    char dig[20];
    size_t nd = 0;
    do {
        dig[nd++] = (char)('0' + id % 10);
        id /= 10;
    } while (id);
    while (nd)
        t[o++] = dig[--nd];
    memcpy(t + o, ",\"method\":\"", 11);
    o += 11;
    memcpy(t + o, method, ml);
    o += ml;
    memcpy(t + o, "\",\"params\":", 11);
    o += 11;
    *params_off = o;
    memcpy(t + o, params, params_len);
    o += params_len;
    t[o++] = '}';
    t[o] = 0;
    *buf = b;
    *len = o;
    return 0;
}
