/* Internal helpers shared by the layers of libbtq; not installed. */
#ifndef BTQ_SCALE_INTERNAL_H
#define BTQ_SCALE_INTERNAL_H

#include <stddef.h>

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

#endif
