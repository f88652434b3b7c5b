/* Data-driven: every case of vectors/scale/valid.json decodes to its value (canonical JSON form)
 * with every byte consumed, and the value encodes back to exactly the same bytes; every case of
 * vectors/scale/invalid.json fails with its named error code at its byte offset.
 *
 * A tiny type-expression interpreter ("Option<Vec<(u8,Compact<u64>)>>", "BitVec<u16,Msb0>",
 * "[u8;32]", "Compact<big>", ...) drives the codec's primitives, as a real decoder would. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"

/* Check's ck_assert reports every passing check to the parent process (fork mode), which
 * costs more than the codec itself over thousands of cases: plain checks in the hot paths. */
#define REQ(c)                                                                                     \
    do {                                                                                           \
        if (!(c)) ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #c);                               \
    } while (0)
#define REQ_MSG(c, ...)                                                                            \
    do {                                                                                           \
        if (!(c)) ck_abort_msg(__VA_ARGS__);                                                       \
    } while (0)

/* ---- type expressions ---------------------------------------------------------------- */

enum kind {
    K_BOOL,
    K_UINT,
    K_INT,
    K_COMPACT,
    K_STR,
    K_CHAR,
    K_OPTION,
    K_RESULT,
    K_VEC,
    K_ARRAY,
    K_TUPLE,
    K_BITVEC
};

#define MAX_ITEMS 8
typedef struct ty {
    enum kind k;
    int bytes; /* ints: width in bytes; compact: 4/8/16/32, 0 = big */
    size_t n;  /* array length, tuple arity */
    struct ty *sub[MAX_ITEMS];
    btq_bit_store store;
    btq_bit_order order;
} ty;

static void ty_free(ty *t)
{
    if (!t) return;
    for (size_t i = 0; i < MAX_ITEMS; i++)
        ty_free(t->sub[i]);
    free(t);
}

static int ident(const char **s, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*s, word, n) != 0) return 0;
    char c = (*s)[n];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return 0;
    *s += n;
    return 1;
}

static void expect(const char **s, char c)
{
    REQ_MSG(**s == c, "type syntax: expected '%c' at \"%s\"", c, *s);
    (*s)++;
}

static ty *parse(const char **s)
{
    ty *t = calloc(1, sizeof *t);
    REQ(t != NULL);
    static const struct {
        const char *name;
        enum kind k;
        int bytes;
    } prims[] = {{"bool", K_BOOL, 1},  {"u8", K_UINT, 1},  {"u16", K_UINT, 2},
                 {"u32", K_UINT, 4},   {"u64", K_UINT, 8}, {"u128", K_UINT, 16},
                 {"u256", K_UINT, 32}, {"i8", K_INT, 1},   {"i16", K_INT, 2},
                 {"i32", K_INT, 4},    {"i64", K_INT, 8},  {"i128", K_INT, 16},
                 {"i256", K_INT, 32},  {"str", K_STR, 0},  {"char", K_CHAR, 4}};
    for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) {
        if (ident(s, prims[i].name)) {
            t->k = prims[i].k;
            t->bytes = prims[i].bytes;
            return t;
        }
    }
    if (**s == '(') {
        (*s)++;
        t->k = K_TUPLE;
        while (**s != ')') {
            REQ((t->n) < (MAX_ITEMS));
            t->sub[t->n++] = parse(s);
            if (**s == ',') (*s)++;
        }
        (*s)++;
        return t;
    }
    if (**s == '[') {
        (*s)++;
        t->k = K_ARRAY;
        t->sub[0] = parse(s);
        expect(s, ';');
        char *end;
        t->n = strtoul(*s, &end, 10);
        *s = end;
        expect(s, ']');
        return t;
    }
    if (ident(s, "Compact")) {
        expect(s, '<');
        t->k = K_COMPACT;
        if (ident(s, "u32"))
            t->bytes = 4;
        else if (ident(s, "u64"))
            t->bytes = 8;
        else if (ident(s, "u128"))
            t->bytes = 16;
        else if (ident(s, "u256"))
            t->bytes = 32;
        else if (ident(s, "big"))
            t->bytes = 0;
        else
            ck_abort_msg("compact width at \"%s\"", *s);
    } else if (ident(s, "Option")) {
        expect(s, '<');
        t->k = K_OPTION;
        t->sub[0] = parse(s);
    } else if (ident(s, "Vec")) {
        expect(s, '<');
        t->k = K_VEC;
        t->sub[0] = parse(s);
    } else if (ident(s, "Result")) {
        expect(s, '<');
        t->k = K_RESULT;
        t->sub[0] = parse(s);
        expect(s, ',');
        t->sub[1] = parse(s);
    } else if (ident(s, "BitVec")) {
        expect(s, '<');
        t->k = K_BITVEC;
        t->store = ident(s, "u8")    ? BTQ_BITSTORE_U8
                   : ident(s, "u16") ? BTQ_BITSTORE_U16
                   : ident(s, "u32") ? BTQ_BITSTORE_U32
                   : ident(s, "u64") ? BTQ_BITSTORE_U64
                                     : 0;
        REQ((t->store) != (0));
        expect(s, ',');
        if (ident(s, "Lsb0"))
            t->order = BTQ_BITORDER_LSB0;
        else if (ident(s, "Msb0"))
            t->order = BTQ_BITORDER_MSB0;
        else
            ck_abort_msg("bit order at \"%s\"", *s);
    } else {
        ck_abort_msg("unknown type at \"%s\"", *s);
    }
    expect(s, '>');
    return t;
}

static ty *parse_type(const char *s)
{
    const char *p = s;
    ty *t = parse(&p);
    REQ_MSG(*p == 0, "trailing type text in %s", s);
    return t;
}

static int is_bytes(const ty *t)
{
    return (t->k == K_VEC || t->k == K_ARRAY) && t->sub[0]->k == K_UINT && t->sub[0]->bytes == 1;
}
static int is_option_bool(const ty *t)
{
    return t->k == K_OPTION && t->sub[0]->k == K_BOOL;
}

/* Fewest bytes any value of t encodes to: the per-item bound for a length prefix. */
static size_t min_size(const ty *t)
{
    switch (t->k) {
    case K_BOOL:
    case K_UINT:
    case K_INT:
    case K_CHAR:
        return (size_t)t->bytes;
    case K_ARRAY:
        return t->n * min_size(t->sub[0]);
    case K_TUPLE: {
        size_t sum = 0;
        for (size_t i = 0; i < t->n; i++)
            sum += min_size(t->sub[i]);
        return sum;
    }
    default: /* compact, str, Option, Result, Vec, BitVec: at least one byte */
        return 1;
    }
}

/* ---- little-endian magnitudes <-> canonical JSON numbers ------------------------------ */

/* An integer in canonical form: a JSON number when |v| < 2^53, else a decimal string. */
static cJSON *json_int(const uint8_t *le, size_t n, int negative)
{
    uint8_t mag[BTQ_COMPACT_MAX_BYTES];
    memcpy(mag, le, n);
    char dec[200];
    size_t len = 0;
    /* repeated division by 10 over the byte magnitude */
    size_t top = n;
    while (top && mag[top - 1] == 0)
        top--;
    if (top <= 7) {
        uint64_t v = 0;
        for (size_t i = top; i-- > 0;)
            v = (v << 8) | mag[i];
        if (v < (1ull << 53)) return cJSON_CreateNumber(negative ? -(double)v : (double)v);
    }
    do {
        unsigned rem = 0;
        for (size_t i = top; i-- > 0;) {
            unsigned cur = (rem << 8) | mag[i];
            mag[i] = (uint8_t)(cur / 10);
            rem = cur % 10;
        }
        dec[len++] = (char)('0' + rem);
        while (top && mag[top - 1] == 0)
            top--;
    } while (top);
    char out[202];
    size_t o = 0;
    if (negative) out[o++] = '-';
    while (len)
        out[o++] = dec[--len];
    out[o] = 0;
    return cJSON_CreateString(out);
}

/* Canonical JSON integer to a little-endian magnitude of n bytes (two's complement if signed
 * and negative). */
static void int_from_json(const cJSON *j, uint8_t *le, size_t n)
{
    memset(le, 0, n);
    int neg = 0;
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        neg = d < 0;
        uint64_t v = (uint64_t)(neg ? -d : d);
        for (size_t i = 0; i < n && i < 8; i++, v >>= 8)
            le[i] = (uint8_t)v;
    } else {
        REQ(cJSON_IsString(j));
        const char *s = j->valuestring;
        if (*s == '-') {
            neg = 1;
            s++;
        }
        for (; *s; s++) {
            REQ(*s >= '0' && *s <= '9');
            unsigned carry = (unsigned)(*s - '0');
            for (size_t i = 0; i < n; i++) {
                unsigned cur = le[i] * 10u + carry;
                le[i] = (uint8_t)cur;
                carry = cur >> 8;
            }
            REQ_MSG(carry == 0, "integer too wide in vector");
        }
    }
    if (neg) { /* two's complement: invert and add one */
        unsigned carry = 1;
        for (size_t i = 0; i < n; i++) {
            unsigned cur = (uint8_t)~le[i] + carry;
            le[i] = (uint8_t)cur;
            carry = cur >> 8;
        }
    }
}

/* ---- decode ------------------------------------------------------------------------- */

static cJSON *hex_json(const uint8_t *p, size_t n)
{
    char *h = malloc(2 * n + 3);
    REQ(h != NULL);
    REQ((btq_hex_encode(p, n, 1, h, 2 * n + 3)) == (0));
    cJSON *j = cJSON_CreateString(h);
    free(h);
    return j;
}

static int read_fixed_int(btq_reader *r, const ty *t, cJSON **out)
{
    const uint8_t *p;
    size_t n = (size_t)t->bytes;
    int rc = btq_read_bytes(r, n, &p);
    if (rc) return rc;
    /* cross-check the typed readers on the same bytes */
    btq_reader again;
    btq_reader_init(&again, p, n);
    uint8_t le[32];
    memcpy(le, p, n);
    switch (n) {
    case 1: {
        uint8_t v;
        REQ((btq_read_u8(&again, &v)) == (0));
        REQ((v) == (p[0]));
        break;
    }
    case 2: {
        uint16_t v;
        int16_t s;
        REQ((btq_read_u16(&again, &v)) == (0));
        REQ((v) == ((uint16_t)(p[0] | p[1] << 8)));
        again.pos = 0;
        REQ((btq_read_i16(&again, &s)) == (0));
        REQ(((uint16_t)s) == (v));
        break;
    }
    case 4: {
        uint32_t v;
        REQ((btq_read_u32(&again, &v)) == (0));
        REQ((memcmp(&v, p, 4)) == (0)); /* little-endian host */
        break;
    }
    case 8: {
        uint64_t v;
        REQ((btq_read_u64(&again, &v)) == (0));
        REQ((memcmp(&v, p, 8)) == (0));
        break;
    }
    case 16: {
        btq_u128 v;
        REQ((btq_read_u128(&again, &v)) == (0));
        REQ((memcmp(&v.lo, p, 8)) == (0));
        REQ((memcmp(&v.hi, p + 8, 8)) == (0));
        break;
    }
    default: {
        btq_u256 v;
        REQ((btq_read_u256(&again, &v)) == (0));
        REQ((memcmp(v.limb, p, 32)) == (0));
        break;
    }
    }
    int neg = t->k == K_INT && (p[n - 1] & 0x80);
    if (neg) { /* magnitude of a negative two's complement value */
        unsigned carry = 1;
        for (size_t i = 0; i < n; i++) {
            unsigned cur = (uint8_t)~le[i] + carry;
            le[i] = (uint8_t)cur;
            carry = cur >> 8;
        }
    }
    *out = json_int(le, n, neg);
    return 0;
}

static int read_compact(btq_reader *r, const ty *t, cJSON **out)
{
    uint8_t le[BTQ_COMPACT_MAX_BYTES];
    size_t n = 0;
    int rc;
    switch (t->bytes) {
    case 4: {
        uint32_t v;
        rc = btq_read_compact_u32(r, &v);
        if (rc) return rc;
        for (n = 0; n < 4; n++, v >>= 8)
            le[n] = (uint8_t)v;
        break;
    }
    case 8: {
        uint64_t v;
        rc = btq_read_compact_u64(r, &v);
        if (rc) return rc;
        for (n = 0; n < 8; n++, v >>= 8)
            le[n] = (uint8_t)v;
        break;
    }
    case 16: {
        btq_u128 v;
        rc = btq_read_compact_u128(r, &v);
        if (rc) return rc;
        memcpy(le, &v.lo, 8);
        memcpy(le + 8, &v.hi, 8);
        n = 16;
        break;
    }
    case 32: {
        btq_u256 v;
        rc = btq_read_compact_u256(r, &v);
        if (rc) return rc;
        memcpy(le, v.limb, 32);
        n = 32;
        break;
    }
    default:
        rc = btq_read_compact_big(r, le, sizeof le, &n);
        if (rc) return rc;
    }
    *out = json_int(le, n, 0);
    return 0;
}

static int decode(btq_reader *r, const ty *t, cJSON **out);

static int decode_items(btq_reader *r, const ty *elem, size_t n, const ty *const *items,
                        cJSON **out)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *v;
        int rc = decode(r, items ? items[i] : elem, &v);
        if (rc) {
            cJSON_Delete(arr);
            return rc;
        }
        cJSON_AddItemToArray(arr, v);
    }
    *out = arr;
    return 0;
}

static int decode(btq_reader *r, const ty *t, cJSON **out)
{
    int rc;
    if (is_bytes(t)) {
        const uint8_t *p;
        size_t n = t->n;
        rc = t->k == K_VEC ? btq_read_byte_vec(r, &p, &n) : btq_read_bytes(r, n, &p);
        if (rc) return rc;
        *out = hex_json(p, n);
        return 0;
    }
    if (is_option_bool(t)) {
        uint8_t st;
        rc = btq_read_option_bool(r, &st);
        if (rc) return rc;
        *out = st == 0 ? cJSON_CreateNull() : cJSON_CreateBool(st == 1);
        return 0;
    }
    switch (t->k) {
    case K_BOOL: {
        bool b;
        rc = btq_read_bool(r, &b);
        if (rc) return rc;
        *out = cJSON_CreateBool(b);
        return 0;
    }
    case K_UINT:
    case K_INT:
        return read_fixed_int(r, t, out);
    case K_COMPACT:
        return read_compact(r, t, out);
    case K_STR: {
        const char *s;
        size_t n;
        rc = btq_read_str(r, &s, &n);
        if (rc) return rc;
        char *z = malloc(n + 1);
        memcpy(z, s, n);
        z[n] = 0;
        REQ((strlen(z)) == (n)); /* vectors hold no NUL inside strings */
        *out = cJSON_CreateString(z);
        free(z);
        return 0;
    }
    case K_CHAR: {
        uint32_t cp;
        rc = btq_read_char(r, &cp);
        if (rc) return rc;
        char u[5] = {0};
        if (cp < 0x80) {
            u[0] = (char)cp;
        } else if (cp < 0x800) {
            u[0] = (char)(0xC0 | cp >> 6);
            u[1] = (char)(0x80 | (cp & 63));
        } else if (cp < 0x10000) {
            u[0] = (char)(0xE0 | cp >> 12);
            u[1] = (char)(0x80 | ((cp >> 6) & 63));
            u[2] = (char)(0x80 | (cp & 63));
        } else {
            u[0] = (char)(0xF0 | cp >> 18);
            u[1] = (char)(0x80 | ((cp >> 12) & 63));
            u[2] = (char)(0x80 | ((cp >> 6) & 63));
            u[3] = (char)(0x80 | (cp & 63));
        }
        *out = cJSON_CreateString(u);
        return 0;
    }
    case K_OPTION: {
        bool some;
        rc = btq_read_option_tag(r, &some);
        if (rc) return rc;
        if (!some) {
            *out = cJSON_CreateNull();
            return 0;
        }
        return decode(r, t->sub[0], out);
    }
    case K_RESULT: {
        bool is_err;
        rc = btq_read_result_tag(r, &is_err);
        if (rc) return rc;
        cJSON *v;
        rc = decode(r, t->sub[is_err ? 1 : 0], &v);
        if (rc) return rc;
        *out = cJSON_CreateObject();
        cJSON_AddItemToObject(*out, is_err ? "Err" : "Ok", v);
        return 0;
    }
    case K_VEC: {
        size_t n;
        rc = btq_read_length(r, min_size(t->sub[0]), &n);
        if (rc) return rc;
        return decode_items(r, t->sub[0], n, NULL, out);
    }
    case K_ARRAY:
        return decode_items(r, t->sub[0], t->n, NULL, out);
    case K_TUPLE:
        return decode_items(r, NULL, t->n, (const ty *const *)t->sub, out);
    case K_BITVEC: {
        const uint8_t *words;
        size_t wl, bits;
        rc = btq_read_bitseq(r, t->store, &words, &wl, &bits);
        if (rc) return rc;
        char *s = malloc(bits + 1);
        for (size_t i = 0; i < bits; i++)
            s[i] = btq_bitseq_get(words, t->store, t->order, i) ? '1' : '0';
        s[bits] = 0;
        *out = cJSON_CreateString(s);
        free(s);
        return 0;
    }
    }
    return BTQ_EINTERNAL;
}

/* ---- encode ------------------------------------------------------------------------- */

static void encode(btq_writer *w, const ty *t, const cJSON *j);

static void encode_int(btq_writer *w, const ty *t, const cJSON *j)
{
    uint8_t le[BTQ_COMPACT_MAX_BYTES + 1];
    size_t n = t->k == K_COMPACT ? (t->bytes ? (size_t)t->bytes : BTQ_COMPACT_MAX_BYTES)
                                 : (size_t)t->bytes;
    int_from_json(j, le, n);
    uint64_t lo = 0;
    for (size_t i = n < 8 ? n : 8; i-- > 0;)
        lo = (lo << 8) | le[i];
    btq_u128 v128 = {lo, 0};
    btq_u256 v256;
    if (n >= 16) memcpy(&v128.hi, le + 8, 8);
    if (n >= 32) memcpy(v256.limb, le, 32);
    if (t->k != K_COMPACT) {
        switch (n) {
        case 1:
            btq_write_u8(w, (uint8_t)lo);
            return;
        case 2:
            btq_write_u16(w, (uint16_t)lo);
            return;
        case 4:
            btq_write_u32(w, (uint32_t)lo);
            return;
        case 8:
            btq_write_u64(w, lo);
            return;
        case 16:
            btq_write_u128(w, v128);
            return;
        default:
            btq_write_u256(w, &v256);
            return;
        }
    }
    switch (t->bytes) {
    case 4:
    case 8:
        btq_write_compact_u64(w, lo);
        return;
    case 16:
        btq_write_compact_u128(w, v128);
        return;
    case 32:
        btq_write_compact_u256(w, &v256);
        return;
    default:
        btq_write_compact_big(w, le, n);
    }
}

static void encode(btq_writer *w, const ty *t, const cJSON *j)
{
    if (is_bytes(t)) {
        REQ(cJSON_IsString(j));
        size_t n;
        uint8_t *b = btq_test_unhex(j->valuestring, &n);
        if (t->k == K_VEC)
            btq_write_byte_vec(w, b, n);
        else
            btq_write_raw(w, b, n);
        free(b);
        return;
    }
    if (is_option_bool(t)) {
        btq_write_option_bool(w, cJSON_IsNull(j) ? 0 : cJSON_IsTrue(j) ? 1 : 2);
        return;
    }
    switch (t->k) {
    case K_BOOL:
        btq_write_bool(w, cJSON_IsTrue(j));
        return;
    case K_UINT:
    case K_INT:
    case K_COMPACT:
        encode_int(w, t, j);
        return;
    case K_STR:
        btq_write_str(w, j->valuestring, strlen(j->valuestring));
        return;
    case K_CHAR: {
        const unsigned char *u = (const unsigned char *)j->valuestring;
        uint32_t cp = u[0];
        size_t more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        if (more) cp &= 0x3Fu >> more;
        for (size_t i = 1; i <= more; i++)
            cp = (cp << 6) | (u[i] & 63u);
        btq_write_char(w, cp);
        return;
    }
    case K_OPTION:
        btq_write_u8(w, cJSON_IsNull(j) ? 0 : 1);
        if (!cJSON_IsNull(j)) encode(w, t->sub[0], j);
        return;
    case K_RESULT: {
        const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "Ok");
        btq_write_u8(w, ok ? 0 : 1);
        encode(w, t->sub[ok ? 0 : 1], ok ? ok : cJSON_GetObjectItemCaseSensitive(j, "Err"));
        return;
    }
    case K_VEC:
    case K_ARRAY:
    case K_TUPLE: {
        if (t->k == K_VEC) btq_write_compact_u64(w, (uint64_t)cJSON_GetArraySize(j));
        size_t i = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, j)
        {
            encode(w, t->k == K_TUPLE ? t->sub[i] : t->sub[0], e);
            i++;
        }
        return;
    }
    case K_BITVEC: {
        const char *s = j->valuestring;
        size_t n = strlen(s);
        bool *bits = malloc(n + 1);
        for (size_t i = 0; i < n; i++)
            bits[i] = s[i] == '1';
        btq_write_bitseq(w, t->store, t->order, bits, n);
        free(bits);
        return;
    }
    }
}

/* ---- exact JSON comparison (cJSON_Compare treats near doubles as equal) ----------------- */

static int json_equal(const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xFF) != (b->type & 0xFF)) return 0;
    if (cJSON_IsNumber(a)) return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a)) return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsArray(a) || cJSON_IsObject(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next) {
            if (cJSON_IsObject(a) && strcmp(x->string, y->string) != 0) return 0;
            if (!json_equal(x, y)) return 0;
        }
        return !x && !y;
    }
    return 1; /* null, true, false: the type says it all */
}

/* ---- the runs ----------------------------------------------------------------------- */

static cJSON *load(const char *name)
{
    char rel[64];
    snprintf(rel, sizeof rel, "vectors/scale/%s", name);
    size_t n;
    char *text = (char *)btq_test_read_file(btq_test_source_path(rel), &n);
    REQ_MSG(text != NULL, "cannot read %s", rel);
    cJSON *doc = cJSON_ParseWithLength(text, n);
    free(text);
    REQ_MSG(doc != NULL, "bad JSON in %s", rel);
    return doc;
}

START_TEST(valid_vectors_decode_and_encode_back)
{
    cJSON *doc = load("valid.json");
    const cJSON *c;
    int count = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "cases"))
    {
        const char *type = cJSON_GetObjectItem(c, "type")->valuestring;
        const char *hex = cJSON_GetObjectItem(c, "hex")->valuestring;
        const cJSON *want = cJSON_GetObjectItem(c, "value");
        ty *t = parse_type(type);
        size_t n;
        uint8_t *in = btq_test_unhex(hex, &n);
        btq_reader r;
        btq_reader_init(&r, in, n);
        cJSON *got = NULL;
        int rc = decode(&r, t, &got);
        REQ_MSG(rc == 0, "case %d %s %s: decode %s at %zu", count, type, hex, btq_err_name(rc),
                r.pos);
        REQ_MSG(btq_reader_expect_end(&r) == 0, "case %d %s %s: %zu of %zu bytes used", count, type,
                hex, r.pos, n);
        if (!json_equal(got, want)) {
            char *g = cJSON_PrintUnformatted(got), *e = cJSON_PrintUnformatted(want);
            ck_abort_msg("case %d %s %s: decoded %.300s, want %.300s", count, type, hex, g, e);
        }
        btq_writer w;
        btq_writer_init(&w);
        encode(&w, t, want);
        REQ_MSG(w.err == 0, "case %d %s: encode %s", count, type, btq_err_name(w.err));
        REQ_MSG(w.len == n && (n == 0 || memcmp(w.buf, in, n) == 0),
                "case %d %s: encoded back differs", count, type);
        btq_writer_free(&w);
        cJSON_Delete(got);
        free(in);
        ty_free(t);
        count++;
    }
    REQ((count) > (5000));
    cJSON_Delete(doc);
}
END_TEST

START_TEST(invalid_vectors_fail_with_code_at_offset)
{
    cJSON *doc = load("invalid.json");
    const cJSON *c;
    int count = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "cases"))
    {
        const char *type = cJSON_GetObjectItem(c, "type")->valuestring;
        const char *hex = cJSON_GetObjectItem(c, "hex")->valuestring;
        const char *want = cJSON_GetObjectItem(c, "error")->valuestring;
        size_t want_off = (size_t)cJSON_GetObjectItem(c, "offset")->valuedouble;
        ty *t = parse_type(type);
        size_t n;
        uint8_t *in = btq_test_unhex(hex, &n);
        btq_reader r;
        btq_reader_init(&r, in, n);
        cJSON *got = NULL;
        int rc = decode(&r, t, &got);
        if (rc == 0) { /* exact decoding: what is left over is the error */
            rc = btq_reader_expect_end(&r);
            cJSON_Delete(got);
        }
        REQ_MSG(strcmp(btq_err_name(rc), want) == 0 && r.pos == want_off,
                "case %d %s %s: got %s at %zu, want %s at %zu", count, type, hex, btq_err_name(rc),
                r.pos, want, want_off);
        free(in);
        ty_free(t);
        count++;
    }
    REQ((count) > (100));
    cJSON_Delete(doc);
}
END_TEST

Suite *btq_test_suite(void)
{
    Suite *s = suite_create("scale/vectors");
    TCase *tc = tcase_create("vectors");
    tcase_add_test(tc, valid_vectors_decode_and_encode_back);
    tcase_add_test(tc, invalid_vectors_fail_with_code_at_offset);
    suite_add_tcase(s, tc);
    return s;
}
