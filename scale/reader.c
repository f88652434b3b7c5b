/* Bounded SCALE reader: fixed-width primitives, lengths, byte strings, tags.
 * Every read checks the remaining length first and leaves pos unchanged on failure. */
#include <string.h>

#include "btq/scale.h"
#include "scale_internal.h"

/* A NULL input reads as empty; pointing at a real byte keeps `data + pos` defined (adding even
 * zero to a null pointer is undefined behaviour, and UBSan says so). */
static const uint8_t empty_input[1];

void btq_reader_init(btq_reader *r, const void *data, size_t len)
{
    r->data = data ? (const uint8_t *)data : empty_input;
    r->len = data ? len : 0;
    r->pos = 0;
}

int btq_reader_expect_end(const btq_reader *r)
{
    return r->pos == r->len ? 0 : BTQ_ETRAILING;
}

static int take(btq_reader *r, size_t n, const uint8_t **p)
{
    if (btq_reader_remaining(r) < n) return BTQ_ESHORT;
    *p = r->data + r->pos;
    r->pos += n;
    return 0;
}

/* `type` is a type name, which cannot be parenthesised (hence the NOLINT). */
#define BTQ_DEFINE_READ_UINT_(name, type, nbytes)                                                  \
    int name(btq_reader *r, type *out) /* NOLINT(bugprone-macro-parentheses) */                    \
    {                                                                                              \
        const uint8_t *p;                                                                          \
        int rc = take(r, nbytes, &p);                                                              \
        if (rc) return rc;                                                                         \
        *out = (type)btq__load_le(p, nbytes);                                                      \
        return 0;                                                                                  \
    }

BTQ_DEFINE_READ_UINT_(btq_read_u8, uint8_t, 1)
BTQ_DEFINE_READ_UINT_(btq_read_u16, uint16_t, 2)
BTQ_DEFINE_READ_UINT_(btq_read_u32, uint32_t, 4)
BTQ_DEFINE_READ_UINT_(btq_read_u64, uint64_t, 8)
BTQ_DEFINE_READ_UINT_(btq_read_i8, int8_t, 1)
BTQ_DEFINE_READ_UINT_(btq_read_i16, int16_t, 2)
BTQ_DEFINE_READ_UINT_(btq_read_i32, int32_t, 4)
BTQ_DEFINE_READ_UINT_(btq_read_i64, int64_t, 8)

int btq_read_u128(btq_reader *r, btq_u128 *out)
{
    const uint8_t *p;
    int rc = take(r, 16, &p);
    if (rc) return rc;
    out->lo = btq__load_le(p, 8);
    out->hi = btq__load_le(p + 8, 8);
    return 0;
}

int btq_read_i128(btq_reader *r, btq_u128 *out)
{
    return btq_read_u128(r, out);
}

int btq_read_u256(btq_reader *r, btq_u256 *out)
{
    const uint8_t *p;
    int rc = take(r, 32, &p);
    if (rc) return rc;
    for (size_t i = 0; i < 4; i++)
        out->limb[i] = btq__load_le(p + 8 * i, 8);
    return 0;
}

int btq_read_i256(btq_reader *r, btq_u256 *out)
{
    return btq_read_u256(r, out);
}

int btq_read_bool(btq_reader *r, bool *out)
{
    if (btq_reader_remaining(r) < 1) return BTQ_ESHORT;
    uint8_t b = r->data[r->pos];
    if (b > 1) return BTQ_EBADBOOL;
    r->pos++;
    *out = b == 1;
    return 0;
}

int btq_read_length(btq_reader *r, size_t min_item_size, size_t *out_n)
{
    size_t start = r->pos;
    uint64_t n;
    int rc = btq_read_compact_u64(r, &n);
    if (rc) return rc;
    size_t left = btq_reader_remaining(r);
    int ok = min_item_size ? n <= left / min_item_size : n <= BTQ_SCALE_MAX_ZST_ITEMS;
    if (!ok || n > SIZE_MAX) {
        r->pos = start;
        return BTQ_ETOOMANY;
    }
    *out_n = (size_t)n;
    return 0;
}

int btq_read_bytes(btq_reader *r, size_t n, const uint8_t **out)
{
    return take(r, n, out);
}

int btq_read_byte_vec(btq_reader *r, const uint8_t **out, size_t *out_len)
{
    size_t start = r->pos, n;
    int rc = btq_read_length(r, 1, &n);
    if (rc) return rc == BTQ_ETOOMANY ? BTQ_ESHORT : rc;
    rc = take(r, n, out);
    if (rc) {
        r->pos = start;
        return rc;
    }
    *out_len = n;
    return 0;
}

int btq_read_str(btq_reader *r, const char **out, size_t *out_len)
{
    size_t start = r->pos;
    const uint8_t *p;
    size_t n;
    int rc = btq_read_byte_vec(r, &p, &n);
    if (rc) return rc;
    if (!btq_utf8_valid((const char *)p, n)) {
        r->pos = start;
        return BTQ_EUTF8;
    }
    *out = (const char *)p;
    *out_len = n;
    return 0;
}

int btq_read_char(btq_reader *r, uint32_t *out)
{
    size_t start = r->pos;
    uint32_t cp;
    int rc = btq_read_u32(r, &cp);
    if (rc) return rc;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        r->pos = start;
        return BTQ_EBADCHAR;
    }
    *out = cp;
    return 0;
}

int btq_read_option_tag(btq_reader *r, bool *is_some)
{
    if (btq_reader_remaining(r) < 1) return BTQ_ESHORT;
    uint8_t b = r->data[r->pos];
    if (b > 1) return BTQ_EBADVARIANT;
    r->pos++;
    *is_some = b == 1;
    return 0;
}

int btq_read_option_bool(btq_reader *r, uint8_t *state)
{
    if (btq_reader_remaining(r) < 1) return BTQ_ESHORT;
    uint8_t b = r->data[r->pos];
    if (b > 2) return BTQ_EBADVARIANT;
    r->pos++;
    *state = b;
    return 0;
}

int btq_read_result_tag(btq_reader *r, bool *is_err)
{
    return btq_read_option_tag(r, is_err);
}
