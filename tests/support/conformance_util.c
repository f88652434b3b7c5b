/* Conformance helpers: shared metadata files, decode → re-encode → canonical JSON → leaves. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/scale.h"
#include "btq_test.h"
#include "conformance_util.h"

const char *const conformance_metadata_stems[] = {
    "devnet_spec240_v15", "devnet_spec346_v16",     "devnet_spec381_v16", "finney_spec343_v14",
    "finney_spec343_v15", "finney_spec393_v14",     "finney_spec393_v15", "raonet_spec218_v14",
    "raonet_spec218_v15", "testfinney_spec103_v14",
};
const size_t conformance_metadata_count =
    sizeof conformance_metadata_stems / sizeof conformance_metadata_stems[0];

static int say(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int say(char *msg, size_t cap, const char *fmt, ...)
{
    if (msg && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

uint8_t *conformance_unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    if (!out) abort();
    size_t got = 0;
    if (btq_hex_decode(hex, n, out, n / 2 + 1, &got) != 0) {
        free(out);
        return NULL;
    }
    *len = got;
    return out;
}

btq_metadata *conformance_parse_metadata_bytes(const uint8_t *bytes, size_t len, btq_error *err)
{
    uint8_t *tmp = NULL;
    if (len >= 2 && bytes[0] == '0' && (bytes[1] == 'x' || bytes[1] == 'X')) {
        /* hex text, possibly with a trailing newline */
        char *s = malloc(len + 1);
        if (!s) abort();
        memcpy(s, bytes, len);
        s[len] = '\0';
        while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
            s[--len] = '\0';
        tmp = conformance_unhex(s, &len);
        free(s);
        if (!tmp) return NULL;
        bytes = tmp;
    }
    if (len > 5 && memcmp(bytes, "meta", 4) != 0) {
        const uint8_t *inner = NULL;
        size_t n = 0;
        if (btq_metadata_unwrap_opaque(bytes, len, &inner, &n) == 0 && inner) {
            bytes = inner;
            len = n;
        }
    }
    btq_metadata *md = NULL;
    int rc = btq_metadata_parse(bytes, len, &md, err);
    free(tmp);
    return rc == 0 ? md : NULL;
}

btq_metadata *conformance_load_metadata(const char *stem)
{
    char rel[256];
    snprintf(rel, sizeof rel, "chain/metadata/%s.scale", stem);
    size_t len = 0;
    uint8_t *bytes = btq_test_read_file(btq_test_shared_path(rel), &len);
    ck_assert_msg(bytes != NULL, "cannot read %s", btq_test_shared_path(rel));
    btq_error err;
    memset(&err, 0, sizeof err);
    btq_metadata *md = NULL;
    int rc = btq_metadata_parse(bytes, len, &md, &err);
    free(bytes);
    ck_assert_msg(rc == 0, "%s: btq_metadata_parse: %s (%s) at offset %zu: %s", stem,
                  btq_err_name(rc), btq_strerror(rc), err.offset, err.message);
    return md;
}

static char *writer_to_string(btq_writer *w)
{
    char *s = malloc(w->len + 1);
    if (!s) abort();
    if (w->len) memcpy(s, w->buf, w->len);
    s[w->len] = '\0';
    return s;
}

int conformance_roundtrip(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes,
                          size_t len, int optional, char **json_out, char *msg, size_t cap)
{
    if (json_out) *json_out = NULL;
    const uint8_t *p = bytes;
    size_t n = len;
    if (optional) {
        if (len == 0) return say(msg, cap, "Optional default is empty (want an Option tag)");
        if (bytes[0] == 0) {
            if (len != 1) return say(msg, cap, "Option None followed by %zu bytes", len - 1);
            if (json_out) {
                *json_out = malloc(5);
                if (!*json_out) abort();
                memcpy(*json_out, "null", 5);
            }
            return 0;
        }
        if (bytes[0] != 1) return say(msg, cap, "bad Option tag 0x%02x", bytes[0]);
        p++;
        n--;
    }
    btq_error err;
    memset(&err, 0, sizeof err);
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    int rc = btq_value_decode(reg, type_id, p, n, BTQ_VALUE_EXACT, &doc, &root, &err);
    if (rc) {
        return say(msg, cap, "decode type %u (%zu bytes): %s at offset %zu, path '%s': %s", type_id,
                   n, btq_err_name(rc), err.offset, err.path, err.message);
    }
    btq_writer w;
    btq_writer_init(&w);
    memset(&err, 0, sizeof err);
    rc = btq_value_encode(reg, type_id, root, &w, &err);
    if (rc || w.err) {
        btq_writer_free(&w);
        btq_value_doc_free(doc);
        return say(msg, cap, "re-encode type %u: %s, path '%s': %s", type_id,
                   btq_err_name(rc ? rc : w.err), err.path, err.message);
    }
    if (w.len != n || (n && memcmp(w.buf, p, n) != 0)) {
        size_t at = 0;
        while (at < n && at < w.len && w.buf[at] == p[at])
            at++;
        size_t wlen = w.len;
        btq_writer_free(&w);
        btq_value_doc_free(doc);
        return say(msg, cap,
                   "re-encode type %u: %zu bytes vs %zu input bytes, first difference at %zu",
                   type_id, wlen, n, at);
    }
    btq_writer_free(&w);
    if (json_out) {
        btq_writer jw;
        btq_writer_init(&jw);
        rc = btq_value_to_json(root, NULL, &jw);
        if (rc || jw.err) {
            btq_writer_free(&jw);
            btq_value_doc_free(doc);
            return say(msg, cap, "to_json type %u: %s", type_id, btq_err_name(rc ? rc : jw.err));
        }
        *json_out = writer_to_string(&jw);
        btq_writer_free(&jw);
    }
    btq_value_doc_free(doc);
    return 0;
}

int conformance_btq_leaves(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes,
                           size_t len, int optional, conformance_leaves *out, char *msg, size_t cap)
{
    char *json = NULL;
    if (conformance_roundtrip(reg, type_id, bytes, len, optional, &json, msg, cap) != 0) return -1;
    if (optional && bytes[0] == 0) {
        free(json);
        conformance_leaves_push(out, "null", "null", 4, "");
        return 0;
    }
    cJSON *j = cJSON_Parse(json);
    if (!j) {
        say(msg, cap, "btq JSON does not parse: %.200s", json);
        free(json);
        return -1;
    }
    int rc = conformance_flatten_json(reg, type_id, j, out, msg, cap);
    cJSON_Delete(j);
    free(json);
    return rc;
}
