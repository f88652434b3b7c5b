/* File and hex helpers for tests (see btq_test.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"

static const char *join(const char *env, const char *fallback, const char *rel)
{
    static char buf[4096];
    const char *base = getenv(env);
    if (!base) base = fallback;
    snprintf(buf, sizeof buf, "%s/%s", base, rel);
    return buf;
}

const char *btq_test_shared_path(const char *rel)
{
    return join("BTQ_SHARED_DIR", "../shared", rel);
}

const char *btq_test_source_path(const char *rel)
{
    return join("BTQ_SOURCE_DIR", ".", rel);
}

uint8_t *btq_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return NULL;
    }
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    uint8_t *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = 0;
    if (len) *len = (size_t)n;
    return buf;
}

uint8_t *btq_test_unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    ck_assert_ptr_nonnull(out);
    size_t got = 0;
    int rc = btq_hex_decode(hex, n, out, n / 2 + 1, &got);
    ck_assert_msg(rc == 0, "bad hex in test data (%d)", rc);
    if (len) *len = got;
    return out;
}

uint8_t *btq_test_read_bytes_or_hex(const char *path, size_t *len)
{
    size_t n;
    uint8_t *raw = btq_test_read_file(path, &n);
    if (!raw) return NULL;
    if (n >= 2 && raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X')) {
        while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r' || raw[n - 1] == ' '))
            n--;
        raw[n] = 0;
        uint8_t *bytes = btq_test_unhex((const char *)raw, len);
        free(raw);
        return bytes;
    }
    if (len) *len = n;
    return raw;
}

int btq_test_time_scale(void)
{
    const char *s = getenv("BTQ_TEST_TIME_SCALE");
    long v = s ? strtol(s, NULL, 10) : 1;
    return v < 1 ? 1 : v > 1000 ? 1000 : (int)v;
}

int btq_test_ms(int ms)
{
    long long v = (long long)ms * btq_test_time_scale();
    return v > INT_MAX ? INT_MAX : (int)v;
}
