/* Shared CLI helpers: one-line errors, exit-code mapping, file input. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "cli.h"

int btq_cli_fail(int exit_code, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "btq%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return exit_code;
}

int btq_cli_exit_for(int code)
{
    switch (code) {
    case 0:
        return BTQ_EXIT_OK;
    case BTQ_EINVAL:
        return BTQ_EXIT_USAGE;
    case BTQ_ENOTFOUND:
    case BTQ_ENOSUBNET:
    case BTQ_EBLOCK:
    case BTQ_EWALLET:
        return BTQ_EXIT_NOTFOUND;
    case BTQ_EURL:
    case BTQ_EINSECURE:
    case BTQ_ECONNECT:
    case BTQ_ETLS:
    case BTQ_ECONNLOST:
    case BTQ_EOUTCOME:
    case BTQ_ERETRIES:
    case BTQ_ECLOSED:
        return BTQ_EXIT_NETWORK;
    case BTQ_ETIMEDOUT:
        return BTQ_EXIT_TIMEOUT;
    case BTQ_ERPC:
    case BTQ_EPROTOCOL:
    case BTQ_ETOOBIG:
    case BTQ_ERUNTIME:
        return BTQ_EXIT_NODE;
    case BTQ_ENOMEM:
    case BTQ_EINTERNAL:
    case BTQ_EIO:
        return BTQ_EXIT_FAILURE;
    default:
        return BTQ_EXIT_INPUT;
    }
}

void btq_cli_log_stderr(int level, const char *msg, void *user)
{
    (void)user;
    if (level <= BTQ_RPC_LOG_WARN)
        fprintf(stderr, "btq: %s: %s\n", level == BTQ_RPC_LOG_ERROR ? "error" : "warning", msg);
}

const char *btq_cli_url(const char *url, char *buf, size_t cap)
{
    if (!cap) return "";
    /* BTQ_ENOSPACE still leaves a redacted (truncated) text in buf */
    if (btq_url_redact(url ? url : "", buf, cap) == BTQ_EINVAL) buf[0] = 0;
    return buf;
}

int btq_cli_is_help(const char *arg)
{
    return arg && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0);
}

int btq_cli_read_file(const char *path, int hex_ok, unsigned char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return BTQ_EIO;
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return BTQ_ENOMEM;
        }
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) break;
        unsigned char *nb = realloc(buf, cap * 2);
        if (!nb) free(buf);
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return BTQ_EIO;
    }
    if (hex_ok && len >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
        while (len > 0 && strchr(" \r\n\t", buf[len - 1]))
            len--;
        size_t n = 0;
        int rc = btq_hex_decode((const char *)buf, len, buf, len, &n);
        if (rc) {
            free(buf);
            return rc;
        }
        len = n;
    }
    *out = buf;
    *out_len = len;
    return 0;
}
