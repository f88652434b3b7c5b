/* btq encode — canonical JSON to SCALE bytes, driven by a metadata file. Offline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/metadata.h"
#include "btq/value.h"
#include "btq/value_json.h"
#include "cli.h"
#include "cli_value.h"

static const char help_text[] =
    "usage: btq encode --metadata FILE (--type ID | --storage PALLET.ITEM |\n"
    "                  --constant PALLET.NAME) JSON\n"
    "\n"
    "Encode a JSON value (the form `btq decode` prints) into SCALE bytes of a metadata type and\n"
    "print them as 0x hex. Integers of 2^53 and more must be decimal strings; byte strings and\n"
    "account ids are 0x hex; enums are \"Name\" or {\"Name\": ...}; Option is null or the value.\n"
    "JSON - reads the value from standard input.\n"
    "\n"
    "options:\n"
    "  --metadata FILE         runtime metadata (V14, V15 or V16), raw or 0x hex text\n"
    "  --type ID               a type id of the metadata's registry\n"
    "  --storage PALLET.ITEM   the value type of a storage entry\n"
    "  --constant PALLET.NAME  the type of a constant\n"
    "\n"
    "examples:\n"
    "  btq encode --metadata finney.scale --type 40 25                # -> 0x1900\n"
    "  btq encode --metadata finney.scale --storage SubtensorModule.Tempo 360\n"
    "  echo '{\"nonce\":1,...}' | btq encode --metadata finney.scale --storage System.Account -\n";

/* All of stdin into a malloc'd NUL-terminated buffer. */
static char *read_stdin(size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, stdin);
        if (n < cap - 1) break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) free(buf);
        buf = nb;
        cap *= 2;
    }
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

int btq_cmd_encode(int argc, char **argv)
{
    const char *md_path = NULL, *kind = NULL, *spec = NULL, *json = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (btq_cli_is_help(a)) {
            fputs(help_text, stdout);
            return BTQ_EXIT_OK;
        }
        int takes = strcmp(a, "--metadata") == 0 || strcmp(a, "--type") == 0 ||
                    strcmp(a, "--storage") == 0 || strcmp(a, "--constant") == 0;
        if (takes && i + 1 >= argc)
            return btq_cli_fail(BTQ_EXIT_USAGE, "encode", "%s needs an argument", a);
        if (strcmp(a, "--metadata") == 0) {
            md_path = argv[++i];
        } else if (takes) {
            if (kind)
                return btq_cli_fail(BTQ_EXIT_USAGE, "encode",
                                    "give one of --type, --storage, --constant");
            kind = a;
            spec = argv[++i];
        } else if (a[0] == '-' && a[1] == '-') {
            return btq_cli_fail(BTQ_EXIT_USAGE, "encode", "unknown option '%s' (see --help)", a);
        } else if (!json) {
            json = a;
        } else {
            return btq_cli_fail(BTQ_EXIT_USAGE, "encode",
                                "one JSON value only (quote it: got '%s' too)", a);
        }
    }
    if (!md_path)
        return btq_cli_fail(BTQ_EXIT_USAGE, "encode", "--metadata FILE is required (see --help)");
    if (!kind)
        return btq_cli_fail(BTQ_EXIT_USAGE, "encode",
                            "one of --type, --storage, --constant is required");
    if (!json) return btq_cli_fail(BTQ_EXIT_USAGE, "encode", "the JSON value is missing");

    btq_metadata *md = NULL;
    int ex = btq_cli_load_metadata("encode", md_path, &md);
    if (ex) return ex;
    btq_cli_target t;
    ex = btq_cli_resolve_target("encode", md, kind, spec, &t);
    if (ex) {
        btq_metadata_unref(md);
        return ex;
    }
    char *in = NULL;
    size_t len = strlen(json);
    if (strcmp(json, "-") == 0) {
        in = read_stdin(&len);
        if (!in) {
            btq_metadata_unref(md);
            return btq_cli_fail(BTQ_EXIT_FAILURE, "encode", "out of memory");
        }
        json = in;
    }
    btq_writer w;
    btq_writer_init(&w);
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_value_encode_json(btq_metadata_registry(md), t.type, json, len, &w, &err);
    free(in);
    btq_metadata_unref(md);
    if (rc) {
        btq_writer_free(&w);
        /* every failure here is about the JSON given (a missing field is not a lookup) */
        return btq_cli_fail(rc == BTQ_ENOMEM ? BTQ_EXIT_FAILURE : BTQ_EXIT_INPUT, "encode",
                            "JSON does not fit %s: %s%s%s%s", t.what,
                            err.message[0] ? err.message : btq_strerror(rc),
                            err.path[0] ? " (at " : "", err.path, err.path[0] ? ")" : "");
    }
    fputs("0x", stdout);
    for (size_t i = 0; i < w.len; i++)
        printf("%02x", w.buf[i]);
    fputc('\n', stdout);
    btq_writer_free(&w);
    return fflush(stdout) == 0 ? BTQ_EXIT_OK : BTQ_EXIT_FAILURE;
}
