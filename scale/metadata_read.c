/* Reader wrappers for the metadata parser: each names what it was reading when it fails, checks
 * type ids against the registry size and copies kept strings and bytes into the arena. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "metadata_internal.h"
#include "scale_internal.h"

int btq__md_fail(md_parser *p, int code, const char *fmt, ...)
{
    if (p->err) {
        char msg[BTQ_ERROR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        btq__error_set(p->err, code, p->r.pos, "%s", msg);
    }
    return code;
}

static int rfail(md_parser *p, int rc, const char *what)
{
    return btq__md_fail(p, rc, "metadata: %s: %s", what ? what : "value", btq_strerror(rc));
}

int btq__md_u8_slow(md_parser *p, uint8_t *out, const char *what)
{
    int rc = btq_read_u8(&p->r, out);
    return rc ? rfail(p, rc, what) : 0;
}

int btq__md_u32(md_parser *p, uint32_t *out, const char *what)
{
    int rc = btq_read_u32(&p->r, out);
    return rc ? rfail(p, rc, what) : 0;
}

int btq__md_compact_slow(md_parser *p, uint32_t *out, const char *what)
{
    int rc = btq_read_compact_u32(&p->r, out);
    return rc ? rfail(p, rc, what) : 0;
}

int btq__md_type_id_slow(md_parser *p, uint32_t *out, const char *what)
{
    size_t start = p->r.pos;
    uint32_t id;
    int rc = btq_read_compact_u32(&p->r, &id);
    if (rc) return rfail(p, rc, what);
    if (id >= p->ntypes) {
        p->r.pos = start;
        return btq__md_fail(p, BTQ_ETYPEID, "metadata: %s: type id %u out of range (%u types)",
                            what ? what : "type", id, p->ntypes);
    }
    *out = id;
    return 0;
}

int btq__md_count_slow(md_parser *p, size_t min_item, uint32_t *out, const char *what)
{
    size_t n;
    int rc = btq_read_length(&p->r, min_item, &n);
    if (rc) return rfail(p, rc, what);
    if (n > UINT32_MAX) return btq__md_fail(p, BTQ_ETOOMANY, "metadata: %s: too many", what);
    *out = (uint32_t)n;
    return 0;
}

/* 1 if s[0..n) is ASCII: 8 bytes at a time, the common case for metadata names. */
static int is_ascii(const uint8_t *s, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= s[i];
    return (acc & 0x8080808080808080ull) == 0;
}

int btq__md_str(md_parser *p, const char **out, const char *what)
{
    const uint8_t *b = p->r.data + p->r.pos;
    size_t left = p->r.len - p->r.pos;
    if (left && (b[0] & 3) == 0 && (size_t)(b[0] >> 2) < left && is_ascii(b + 1, b[0] >> 2)) {
        size_t n = b[0] >> 2;
        char *d = btq_arena_strdup(p->arena, (const char *)b + 1, n);
        if (!d) return btq__md_fail(p, BTQ_ENOMEM, "metadata: out of memory");
        p->r.pos += n + 1;
        *out = d;
        return 0;
    }
    const char *s;
    size_t n;
    int rc = btq_read_str(&p->r, &s, &n);
    if (rc) return rfail(p, rc, what);
    char *d = btq_arena_strdup(p->arena, s, n);
    if (!d) return btq__md_fail(p, BTQ_ENOMEM, "metadata: out of memory");
    *out = d;
    return 0;
}

int btq__md_option_slow(md_parser *p, int *is_some, const char *what)
{
    bool some;
    int rc = btq_read_option_tag(&p->r, &some);
    if (rc) return rfail(p, rc, what);
    *is_some = some;
    return 0;
}

int btq__md_opt_str(md_parser *p, const char **out, const char *what)
{
    int some = 0, rc = btq__md_option(p, &some, what);
    if (rc) return rc;
    if (!some) {
        *out = NULL;
        return 0;
    }
    return btq__md_str(p, out, what);
}

int btq__md_bytes(md_parser *p, const uint8_t **out, size_t *out_len, const char *what)
{
    const uint8_t *b;
    size_t n;
    int rc = btq_read_byte_vec(&p->r, &b, &n);
    if (rc) return rfail(p, rc, what);
    uint8_t *d = btq_arena_alloc(p->arena, n);
    if (!d) return btq__md_fail(p, BTQ_ENOMEM, "metadata: out of memory");
    if (n) memcpy(d, b, n);
    *out = d;
    *out_len = n;
    return 0;
}

int btq__md_skip_str(md_parser *p, const char *what)
{
    /* Skipped text is not validated as UTF-8: it is never shown, and skipping stays cheap. */
    size_t left = p->r.len - p->r.pos;
    if (left >= 2) {
        const uint8_t *b = p->r.data + p->r.pos;
        size_t n = SIZE_MAX, hdr = 0;
        if ((b[0] & 3) == 0) {
            n = b[0] >> 2;
            hdr = 1;
        } else if ((b[0] & 3) == 1 && (b[0] | (size_t)b[1] << 8) >> 2 >= 64) {
            n = (b[0] | (size_t)b[1] << 8) >> 2;
            hdr = 2;
        }
        if (n != SIZE_MAX && n <= left - hdr) {
            p->r.pos += hdr + n;
            return 0;
        }
    }
    const uint8_t *bytes;
    size_t n;
    int rc = btq_read_byte_vec(&p->r, &bytes, &n);
    return rc ? rfail(p, rc, what) : 0;
}

int btq__md_skip_docs(md_parser *p)
{
    uint32_t n;
    int rc = btq__md_count(p, 1, &n, "docs");
    for (uint32_t i = 0; !rc && i < n; i++)
        rc = btq__md_skip_str(p, "docs");
    return rc;
}

static int skip_note(md_parser *p)
{
    int rc = btq__md_skip_str(p, "deprecation note");
    if (rc) return rc;
    int some = 0;
    rc = btq__md_option(p, &some, "deprecation since");
    if (!rc && some) rc = btq__md_skip_str(p, "deprecation since");
    return rc;
}

int btq__md_deprecation(md_parser *p, btq_deprecation *out)
{
    uint8_t tag;
    int rc = btq__md_u8(p, &tag, "deprecation info");
    if (rc) return rc;
    if (tag > 2) {
        p->r.pos--;
        return btq__md_fail(p, BTQ_EBADVARIANT, "metadata: deprecation info tag %u", tag);
    }
    *out = (btq_deprecation)tag;
    return tag == 2 ? skip_note(p) : 0;
}

int btq__md_enum_deprecation(md_parser *p)
{
    uint32_t n;
    int rc = btq__md_count(p, 2, &n, "enum deprecation info");
    for (uint32_t i = 0; !rc && i < n; i++) {
        uint8_t index, tag;
        rc = btq__md_u8(p, &index, "deprecated variant index");
        if (!rc) rc = btq__md_u8(p, &tag, "variant deprecation info");
        if (rc) break;
        /* VariantDeprecationInfo shares ItemDeprecationInfo's indices 1 and 2. */
        if (tag != 1 && tag != 2) {
            p->r.pos--;
            return btq__md_fail(p, BTQ_EBADVARIANT, "metadata: variant deprecation tag %u", tag);
        }
        if (tag == 2) rc = skip_note(p);
    }
    return rc;
}

void *btq__md_alloc(md_parser *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        btq__md_fail(p, BTQ_ENOMEM, "metadata: allocation too large");
        return NULL;
    }
    void *d = btq_arena_alloc(p->arena, count * size);
    if (!d) btq__md_fail(p, BTQ_ENOMEM, "metadata: out of memory");
    return d;
}
