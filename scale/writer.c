/* SCALE writer: a growing buffer (btq allocator) or a caller's fixed buffer.
 *
 * The first failure is kept in w->err and every later write returns it without writing, so a
 * run of writes is checked once at the end (the sticky-error pattern of stdio's ferror). A
 * failed write never leaves a partial value behind: space is reserved before bytes go in. */
#include <string.h>

#include "btq/scale.h"

void btq_writer_init(btq_writer *w)
{
    memset(w, 0, sizeof *w);
}

void btq_writer_init_fixed(btq_writer *w, void *buf, size_t cap)
{
    w->buf = (uint8_t *)buf;
    w->len = 0;
    w->cap = buf ? cap : 0;
    w->err = 0;
    w->fixed = 1;
}

void btq_writer_free(btq_writer *w)
{
    if (!w) return;
    if (!w->fixed) btq_free(w->buf);
    memset(w, 0, sizeof *w);
}

int btq_writer_take(btq_writer *w, uint8_t **out, size_t *out_len)
{
    if (w->fixed) return BTQ_EINVAL; /* the caller already owns a fixed buffer */
    int rc = w->err;
    if (!rc && !w->buf) {
        /* Nothing written yet: still hand out a real allocation, so callers need no NULL case. */
        w->buf = (uint8_t *)btq_malloc(1);
        if (!w->buf) rc = BTQ_ENOMEM;
    }
    if (rc) {
        /* The writer ends empty either way, so `take` alone never leaks. */
        btq_writer_free(w);
        return rc;
    }
    *out = w->buf;
    if (out_len) *out_len = w->len;
    memset(w, 0, sizeof *w);
    return 0;
}

void btq_writer_reset(btq_writer *w)
{
    w->len = 0;
    w->err = 0;
}

static int fail(btq_writer *w, int code)
{
    if (!w->err) w->err = code;
    return w->err;
}

/* Make room for n more bytes and return where they go, or NULL with w->err set. */
static uint8_t *reserve(btq_writer *w, size_t n)
{
    if (w->err) return NULL;
    if (w->cap - w->len >= n && w->buf) return w->buf + w->len;
    if (w->fixed) {
        fail(w, BTQ_ENOSPACE);
        return NULL;
    }
    if (n > SIZE_MAX / 2 - w->len) {
        fail(w, BTQ_ENOMEM);
        return NULL;
    }
    size_t need = w->len + n;
    size_t cap = w->cap ? w->cap : 64;
    while (cap < need)
        cap *= 2;
    uint8_t *nb = (uint8_t *)btq_realloc(w->buf, cap);
    if (!nb) {
        fail(w, BTQ_ENOMEM);
        return NULL;
    }
    w->buf = nb;
    w->cap = cap;
    return w->buf + w->len;
}

int btq_write_raw(btq_writer *w, const void *data, size_t n)
{
    if (n == 0) return w->err; /* nothing to place, even with no buffer yet */
    uint8_t *p = reserve(w, n);
    if (!p) return w->err;
    memcpy(p, data, n); /* n > 0 here */
    w->len += n;
    return 0;
}

/* Store the low n <= 8 bytes of v little-endian (one unaligned store on little-endian hosts). */
static inline void store_le(uint8_t *p, uint64_t v, size_t n)
{
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                                 \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, n);
#else
    for (size_t i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
#endif
}

static inline int write_le(btq_writer *w, uint64_t v, size_t n)
{
    uint8_t *p = w->err == 0 && w->cap - w->len >= n ? w->buf + w->len : reserve(w, n);
    if (!p) return w->err;
    store_le(p, v, n);
    w->len += n;
    return 0;
}

int btq_write_bool(btq_writer *w, bool v)
{
    return write_le(w, v ? 1 : 0, 1);
}
int btq_write_u8(btq_writer *w, uint8_t v)
{
    return write_le(w, v, 1);
}
int btq_write_u16(btq_writer *w, uint16_t v)
{
    return write_le(w, v, 2);
}
int btq_write_u32(btq_writer *w, uint32_t v)
{
    return write_le(w, v, 4);
}
int btq_write_u64(btq_writer *w, uint64_t v)
{
    return write_le(w, v, 8);
}

static int write_limbs(btq_writer *w, const uint64_t *limb, size_t nlimbs)
{
    uint8_t *p = reserve(w, 8 * nlimbs);
    if (!p) return w->err;
    for (size_t i = 0; i < nlimbs; i++) {
        uint64_t v = limb[i];
        for (size_t k = 0; k < 8; k++, v >>= 8)
            *p++ = (uint8_t)v;
    }
    w->len += 8 * nlimbs;
    return 0;
}

int btq_write_u128(btq_writer *w, btq_u128 v)
{
    uint64_t limb[2] = {v.lo, v.hi};
    return write_limbs(w, limb, 2);
}

int btq_write_u256(btq_writer *w, const btq_u256 *v)
{
    return write_limbs(w, v->limb, 4);
}

/* ---- compact --------------------------------------------------------------------------- */

int btq_write_compact_u64(btq_writer *w, uint64_t v)
{
    if (v < 64) return write_le(w, v << 2, 1);
    if (v < (1u << 14)) return write_le(w, (v << 2) | 1, 2);
    if (v < (1u << 30)) return write_le(w, (v << 2) | 2, 4);
    size_t n = 4;
    while (n < 8 && (v >> (8 * n)) != 0)
        n++;
    uint8_t *p = reserve(w, 1 + n);
    if (!p) return w->err;
    p[0] = (uint8_t)(((n - 4) << 2) | 3);
    store_le(p + 1, v, n);
    w->len += 1 + n;
    return 0;
}

int btq_write_compact_big(btq_writer *w, const uint8_t *le, size_t len)
{
    if (w->err) return w->err;
    while (len && le[len - 1] == 0)
        len--;
    if (len <= 4) {
        uint64_t v = 0;
        for (size_t i = len; i-- > 0;)
            v = (v << 8) | le[i];
        return btq_write_compact_u64(w, v);
    }
    if (len > BTQ_COMPACT_MAX_BYTES) return fail(w, BTQ_EOVERFLOW);
    uint8_t *p = reserve(w, 1 + len);
    if (!p) return w->err;
    p[0] = (uint8_t)(((len - 4) << 2) | 3);
    memcpy(p + 1, le, len);
    w->len += 1 + len;
    return 0;
}

static int write_compact_limbs(btq_writer *w, const uint64_t *limb, size_t nlimbs)
{
    uint8_t le[32];
    for (size_t i = 0; i < nlimbs; i++) {
        uint64_t v = limb[i];
        for (size_t k = 0; k < 8; k++, v >>= 8)
            le[8 * i + k] = (uint8_t)v;
    }
    return btq_write_compact_big(w, le, 8 * nlimbs);
}

int btq_write_compact_u128(btq_writer *w, btq_u128 v)
{
    if (!v.hi) return btq_write_compact_u64(w, v.lo);
    /* 9..16 significant bytes: always the big-integer mode */
    size_t n = 9;
    while (n < 16 && (v.hi >> (8 * (n - 8))) != 0)
        n++;
    uint8_t *p = reserve(w, 1 + n);
    if (!p) return w->err;
    p[0] = (uint8_t)(((n - 4) << 2) | 3);
    store_le(p + 1, v.lo, 8);
    store_le(p + 9, v.hi, n - 8);
    w->len += 1 + n;
    return 0;
}

int btq_write_compact_u256(btq_writer *w, const btq_u256 *v)
{
    if (!(v->limb[1] | v->limb[2] | v->limb[3])) return btq_write_compact_u64(w, v->limb[0]);
    return write_compact_limbs(w, v->limb, 4);
}

size_t btq_compact_len_u128(btq_u128 v)
{
    if (!v.hi) {
        if (v.lo < 64) return 1;
        if (v.lo < (1u << 14)) return 2;
        if (v.lo < (1u << 30)) return 4;
        size_t n = 4;
        while (n < 8 && (v.lo >> (8 * n)) != 0)
            n++;
        return 1 + n;
    }
    size_t n = 9;
    while (n < 16 && (v.hi >> (8 * (n - 8))) != 0)
        n++;
    return 1 + n;
}

/* ---- composite helpers ----------------------------------------------------------------- */

int btq_write_byte_vec(btq_writer *w, const void *data, size_t n)
{
    if (w->err) return w->err;
    /* Reserve prefix and bytes together so a failure leaves nothing half-written. */
    btq_u128 len = {(uint64_t)n, 0};
    size_t pre = btq_compact_len_u128(len);
    if (n > SIZE_MAX - pre || !reserve(w, pre + n)) return fail(w, BTQ_ENOMEM);
    btq_write_compact_u64(w, (uint64_t)n);
    return btq_write_raw(w, data, n);
}

int btq_write_str(btq_writer *w, const char *s, size_t n)
{
    if (w->err) return w->err;
    if (!btq_utf8_valid(s, n)) return fail(w, BTQ_EUTF8);
    return btq_write_byte_vec(w, s, n);
}

int btq_write_char(btq_writer *w, uint32_t cp)
{
    if (w->err) return w->err;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail(w, BTQ_EBADCHAR);
    return btq_write_u32(w, cp);
}

int btq_write_option_bool(btq_writer *w, uint8_t state)
{
    if (w->err) return w->err;
    if (state > 2) return fail(w, BTQ_EINVAL);
    return btq_write_u8(w, state);
}
