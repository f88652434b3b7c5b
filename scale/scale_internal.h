/* Internal helpers shared by the layers of libbtq; not installed. */
#ifndef BTQ_SCALE_INTERNAL_H
#define BTQ_SCALE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "btq/error.h"

#if defined(__GNUC__) || defined(__clang__)
#define BTQ_PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))
#define BTQ_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define BTQ_PRINTF_LIKE(a, b)
#define BTQ_UNLIKELY(x) (x)
#endif

/* Fill err (if non-NULL) and return code, so a failure site is one line:
 *   return btq__error_set(err, BTQ_ESHORT, r->pos, "u32 needs 4 bytes, %zu left", left); */
int btq__error_set(btq_error *err, int code, size_t offset, const char *fmt, ...)
    BTQ_PRINTF_LIKE(4, 5);
void btq__error_set_path(btq_error *err, const char *path);

/* Little-endian load of n <= 8 bytes (one unaligned load on little-endian hosts). */
static inline uint64_t btq__load_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                                 \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, p, n);
#else
    for (size_t i = n; i-- > 0;)
        v = (v << 8) | p[i];
#endif
    return v;
}

#endif
