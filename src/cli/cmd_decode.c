/* btq decode — SCALE bytes to canonical JSON, driven by a metadata file. Offline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/chain.h"
#include "btq/metadata.h"
#include "btq/value.h"
#include "cli.h"
#include "cli_value.h"

static const char help_text[] =
    "usage: btq decode --metadata FILE (--type ID | --storage PALLET.ITEM |\n"
    "                  --constant PALLET.NAME | --call-output API.METHOD) [HEX]\n"
    "\n"
    "Decode SCALE bytes with the types of a runtime metadata file and print them as JSON:\n"
    "integers as numbers below 2^53 and decimal strings above, byte strings as 0x hex, structs\n"
    "as objects, enums as \"Name\" or {\"Name\": ...}, Option as null or the value, account ids "
    "as\n"
    "SS58 addresses. Every byte of HEX must belong to the value.\n"
    "\n"
    "FILE is raw metadata bytes or 0x hex text (a saved state_getMetadata / metadata_at_version\n"
    "result). HEX is the value's bytes (0x optional). Without HEX, --constant decodes the\n"
    "constant's own value and --storage the entry's default (null for an Optional entry).\n"
    "\n"
    "options:\n"
    "  --metadata FILE         runtime metadata (V14, V15 or V16)\n"
    "  --type ID               a type id of the metadata's registry\n"
    "  --storage PALLET.ITEM   the value type of a storage entry\n"
    "  --constant PALLET.NAME  the type of a constant\n"
    "  --call-output API.METHOD  the output type of a runtime API method (V15+)\n"
    "  --raw                   account ids as 0x hex instead of SS58\n"
    "  --ss58-prefix N         SS58 network prefix for account ids (default 42)\n"
    "  --compact               one line of JSON instead of indented JSON\n"
    "\n"
    "examples:\n"
    "  btq decode --metadata finney.scale --storage System.Account 0x8d0000000100...0080\n"
    "  btq decode --metadata finney.scale --constant SubtensorModule.InitialTempo\n"
    "  btq decode --metadata finney.scale --type 40 0x1900\n";

typedef struct ss58_ctx {
    uint16_t prefix;
} ss58_ctx;

static int account_ss58(const uint8_t id[32], char *out, size_t cap, void *user)
{
    const ss58_ctx *c = user;
    size_t n = 0;
    int rc = btq_ss58_encode(c->prefix, id, 32, out, cap, &n, NULL);
    return rc ? rc : (int)n;
}

int btq_cmd_decode(int argc, char **argv)
{
    const char *md_path = NULL, *kind = NULL, *spec = NULL, *hex = NULL;
    int raw = 0, compact = 0;
    unsigned long prefix = 42;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (btq_cli_is_help(a)) {
            fputs(help_text, stdout);
            return BTQ_EXIT_OK;
        }
        int takes = strcmp(a, "--metadata") == 0 || strcmp(a, "--type") == 0 ||
                    strcmp(a, "--storage") == 0 || strcmp(a, "--constant") == 0 ||
                    strcmp(a, "--call-output") == 0 || strcmp(a, "--ss58-prefix") == 0;
        if (takes && i + 1 >= argc)
            return btq_cli_fail(BTQ_EXIT_USAGE, "decode", "%s needs an argument", a);
        if (strcmp(a, "--metadata") == 0) {
            md_path = argv[++i];
        } else if (strcmp(a, "--ss58-prefix") == 0) {
            char *end;
            prefix = strtoul(argv[++i], &end, 10);
            if (!*argv[i] || *end || argv[i][0] == '-' || prefix > 16383)
                return btq_cli_fail(BTQ_EXIT_USAGE, "decode",
                                    "--ss58-prefix needs a number 0..16383, got '%s'", argv[i]);
        } else if (takes) {
            if (kind)
                return btq_cli_fail(BTQ_EXIT_USAGE, "decode",
                                    "give one of --type, --storage, --constant, --call-output");
            kind = a;
            spec = argv[++i];
        } else if (strcmp(a, "--raw") == 0) {
            raw = 1;
        } else if (strcmp(a, "--compact") == 0) {
            compact = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            return btq_cli_fail(BTQ_EXIT_USAGE, "decode", "unknown option '%s' (see --help)", a);
        } else if (!hex) {
            hex = a;
        } else {
            return btq_cli_fail(BTQ_EXIT_USAGE, "decode", "one HEX value only (got '%s' too)", a);
        }
    }
    if (!md_path)
        return btq_cli_fail(BTQ_EXIT_USAGE, "decode", "--metadata FILE is required (see --help)");
    if (!kind)
        return btq_cli_fail(BTQ_EXIT_USAGE, "decode",
                            "one of --type, --storage, --constant, --call-output is required");
    if (!hex && (strcmp(kind, "--type") == 0 || strcmp(kind, "--call-output") == 0))
        return btq_cli_fail(BTQ_EXIT_USAGE, "decode", "%s needs the HEX bytes to decode", kind);

    btq_metadata *md = NULL;
    int ex = btq_cli_load_metadata("decode", md_path, &md);
    if (ex) return ex;
    btq_cli_target t;
    ex = btq_cli_resolve_target("decode", md, kind, spec, &t);
    if (ex) {
        btq_metadata_unref(md);
        return ex;
    }
    if (!hex && t.optional_storage) { /* an absent Optional entry reads as None */
        puts("null");
        btq_metadata_unref(md);
        return BTQ_EXIT_OK;
    }

    uint8_t *bytes = NULL;
    size_t len = 0;
    if (hex) {
        size_t hl = strlen(hex);
        bytes = malloc(hl / 2 + 1);
        if (!bytes) {
            btq_metadata_unref(md);
            return btq_cli_fail(BTQ_EXIT_FAILURE, "decode", "out of memory");
        }
        if (btq_hex_decode(hex, hl, bytes, hl / 2 + 1, &len) != 0) {
            free(bytes);
            btq_metadata_unref(md);
            return btq_cli_fail(BTQ_EXIT_INPUT, "decode", "'%.40s%s' is not valid hex", hex,
                                hl > 40 ? "..." : "");
        }
    }
    btq_value_doc *doc = NULL;
    const btq_value *root = NULL;
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_value_decode(btq_metadata_registry(md), t.type, hex ? bytes : t.own_bytes,
                              hex ? len : t.own_len, BTQ_VALUE_EXACT, &doc, &root, &err);
    free(bytes);
    if (rc) {
        btq_metadata_unref(md);
        return btq_cli_fail(btq_cli_exit_for(rc), "decode",
                            "bytes do not decode as %s: %s at byte %zu%s%s%s", t.what,
                            err.message[0] ? err.message : btq_strerror(rc), err.offset,
                            err.path[0] ? " (at " : "", err.path, err.path[0] ? ")" : "");
    }
    ss58_ctx sc = {(uint16_t)prefix};
    btq_json_opts o = {!compact, raw ? NULL : account_ss58, &sc};
    btq_writer w;
    btq_writer_init(&w);
    rc = btq_value_to_json(root, &o, &w);
    if (!rc) {
        fwrite(w.buf, 1, w.len, stdout);
        fputc('\n', stdout);
    }
    btq_writer_free(&w);
    btq_value_doc_free(doc);
    btq_metadata_unref(md);
    if (rc)
        return btq_cli_fail(btq_cli_exit_for(rc), "decode", "cannot render JSON: %s",
                            btq_strerror(rc));
    return fflush(stdout) == 0 ? BTQ_EXIT_OK : BTQ_EXIT_FAILURE;
}
