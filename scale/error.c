/* The one error table's strings, and the error-detail helpers every layer uses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "btq/error.h"
#include "scale_internal.h"

const char *btq_strerror(int code)
{
    switch (code) {
    case 0:
        return "success";
#define BTQ_STRERROR_CASE_(name, value, msg)                                                       \
    case value:                                                                                    \
        return msg;
        BTQ_ERRNO_MAP(BTQ_STRERROR_CASE_)
#undef BTQ_STRERROR_CASE_
    default:
        return "unknown error";
    }
}

const char *btq_err_name(int code)
{
    switch (code) {
    case 0:
        return "BTQ_OK";
#define BTQ_ERRNAME_CASE_(name, value, msg)                                                        \
    case value:                                                                                    \
        return "BTQ_" #name;
        BTQ_ERRNO_MAP(BTQ_ERRNAME_CASE_)
#undef BTQ_ERRNAME_CASE_
    default:
        return "BTQ_EUNKNOWN";
    }
}

void btq_error_clear(btq_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

int btq__error_set(btq_error *err, int code, size_t offset, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    err->offset = offset;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    } else {
        snprintf(err->message, sizeof err->message, "%s", btq_strerror(code));
    }
    return code;
}

void btq__error_set_path(btq_error *err, const char *path)
{
    if (!err || !path) return;
    snprintf(err->path, sizeof err->path, "%s", path);
}
