/* btq metadata — summarise a runtime metadata file (offline). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/metadata.h"
#include "cli.h"

static const char help_text[] =
    "usage: btq metadata [--json] [--pallet NAME] FILE\n"
    "\n"
    "Parse runtime metadata (V14, V15 or V16) and print a summary: metadata version, runtime\n"
    "spec version (from System.Version), pallet, type and runtime API counts.\n"
    "FILE holds raw bytes starting with \"meta\", or the same as 0x-prefixed hex text; the\n"
    "Option<OpaqueMetadata> that Metadata_metadata_at_version returns is unwrapped too.\n"
    "\n"
    "options:\n"
    "  --pallet NAME  list the pallet's storage entries (modifier, hashers with key types,\n"
    "                 value type; types as path or kind, then #id), constants and calls\n"
    "  --json         JSON instead of text: the full summary (every pallet with its storage,\n"
    "                 constant and call names, every runtime API with its methods), or with\n"
    "                 --pallet the pallet's details\n"
    "\n"
    "examples:\n"
    "  btq metadata finney_spec393_v15.scale\n"
    "  btq metadata --pallet SubtensorModule finney_spec393_v15.scale\n"
    "  btq metadata --json metadata_hex.txt | jq '.pallets[].name'\n";

/* ---- type labels ----------------------------------------------------------------------- */

static const char *prim_name(btq_prim p)
{
    static const char *const names[] = {"bool", "char", "str", "u8",  "u16", "u32",  "u64", "u128",
                                        "u256", "i8",   "i16", "i32", "i64", "i128", "i256"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

/* A short human label for a type: its path, or its shape for path-less types. */
static void type_label(const btq_registry *reg, uint32_t id, char *out, size_t cap)
{
    const btq_type *t = btq_registry_type(reg, id);
    if (!t) {
        snprintf(out, cap, "?");
        return;
    }
    if (t->path[0]) {
        snprintf(out, cap, "%s", t->path);
        return;
    }
    switch (t->kind) {
    case BTQ_TYPE_PRIMITIVE:
        snprintf(out, cap, "%s", prim_name(t->u.primitive));
        break;
    case BTQ_TYPE_SEQUENCE:
        snprintf(out, cap, "Vec<#%u>", t->u.sequence.elem);
        break;
    case BTQ_TYPE_ARRAY:
        snprintf(out, cap, "[#%u; %u]", t->u.array.elem, t->u.array.len);
        break;
    case BTQ_TYPE_COMPACT:
        snprintf(out, cap, "Compact<#%u>", t->u.compact.inner);
        break;
    case BTQ_TYPE_BITSEQ:
        snprintf(out, cap, "BitVec");
        break;
    case BTQ_TYPE_TUPLE: {
        size_t n = (size_t)snprintf(out, cap, "(");
        for (uint32_t i = 0; i < t->u.tuple.nelems && n < cap; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s#%u", i ? ", " : "", t->u.tuple.elems[i]);
        if (n < cap) snprintf(out + n, cap - n, ")");
        break;
    }
    case BTQ_TYPE_COMPOSITE:
        snprintf(out, cap, "struct");
        break;
    case BTQ_TYPE_VARIANT:
        snprintf(out, cap, "enum");
        break;
    default:
        snprintf(out, cap, "?");
        break;
    }
}

/* ---- JSON output ----------------------------------------------------------------------- */

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20)
            printf("\\u%04x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

static void json_hex(const uint8_t *p, size_t n)
{
    printf("\"0x");
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    putchar('"');
}

static void json_type(const btq_registry *reg, uint32_t id)
{
    char label[256];
    type_label(reg, id, label, sizeof label);
    printf("{\"id\":%u,\"label\":", id);
    json_str(label);
    putchar('}');
}

/* Names of a variant type's variants as a JSON array ([] for BTQ_NO_TYPE). */
static void json_variant_names(const btq_registry *reg, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    putchar('[');
    if (t && t->kind == BTQ_TYPE_VARIANT)
        for (uint32_t i = 0; i < t->u.variant.nvariants; i++) {
            if (i) putchar(',');
            json_str(t->u.variant.variants[i].name);
        }
    putchar(']');
}

static void json_summary(const btq_metadata *md)
{
    const btq_registry *reg = btq_metadata_registry(md);
    const btq_runtime_version *rv = btq_metadata_runtime_version(md);
    printf("{\"version\":%u,\"spec_version\":%u,\"spec_name\":", btq_metadata_version(md),
           btq_metadata_spec_version(md));
    if (rv)
        json_str(rv->spec_name);
    else
        printf("null");
    printf(",\"types\":%u,\"pallets\":[", reg->ntypes);
    for (uint32_t p = 0; p < btq_metadata_npallets(md); p++) {
        const btq_pallet *pl = btq_metadata_pallet_at(md, p);
        printf("%s{\"name\":", p ? "," : "");
        json_str(pl->name);
        printf(",\"index\":%u,\"storage\":[", pl->index);
        for (uint32_t i = 0; i < pl->nstorage; i++) {
            if (i) putchar(',');
            json_str(pl->storage[i].name);
        }
        printf("],\"constants\":[");
        for (uint32_t i = 0; i < pl->nconstants; i++) {
            if (i) putchar(',');
            json_str(pl->constants[i].name);
        }
        printf("],\"calls\":");
        json_variant_names(reg, pl->calls_type);
        putchar('}');
    }
    printf("],\"runtime_apis\":[");
    for (uint32_t a = 0; a < btq_metadata_napis(md); a++) {
        const btq_runtime_api *api = btq_metadata_api_at(md, a);
        printf("%s{\"name\":", a ? "," : "");
        json_str(api->name);
        printf(",\"methods\":[");
        for (uint32_t m = 0; m < api->nmethods; m++) {
            if (m) putchar(',');
            json_str(api->methods[m].name);
        }
        printf("]}");
    }
    printf("]}\n");
}

static void json_pallet(const btq_metadata *md, const btq_pallet *pl)
{
    const btq_registry *reg = btq_metadata_registry(md);
    printf("{\"name\":");
    json_str(pl->name);
    printf(",\"index\":%u,\"storage_prefix\":", pl->index);
    if (pl->storage_prefix)
        json_str(pl->storage_prefix);
    else
        printf("null");
    printf(",\"storage\":[");
    for (uint32_t i = 0; i < pl->nstorage; i++) {
        const btq_storage_entry *e = &pl->storage[i];
        printf("%s{\"name\":", i ? "," : "");
        json_str(e->name);
        printf(",\"modifier\":\"%s\",\"hashers\":[",
               e->modifier == BTQ_STORAGE_DEFAULT ? "Default" : "Optional");
        for (uint32_t h = 0; h < e->nhashers; h++)
            printf("%s\"%s\"", h ? "," : "", btq_metadata_hasher_name(e->hashers[h]));
        printf("],\"keys\":[");
        for (uint32_t h = 0; h < e->nhashers; h++) {
            if (h) putchar(',');
            json_type(reg, e->key_types[h]);
        }
        printf("],\"value\":");
        json_type(reg, e->value_type);
        printf(",\"default\":");
        json_hex(e->default_value, e->default_len);
        putchar('}');
    }
    printf("],\"constants\":[");
    for (uint32_t i = 0; i < pl->nconstants; i++) {
        const btq_constant *c = &pl->constants[i];
        printf("%s{\"name\":", i ? "," : "");
        json_str(c->name);
        printf(",\"type\":");
        json_type(reg, c->type);
        printf(",\"value\":");
        json_hex(c->value, c->value_len);
        putchar('}');
    }
    printf("],\"calls\":");
    json_variant_names(reg, pl->calls_type);
    printf(",\"events\":");
    json_variant_names(reg, pl->events_type);
    printf(",\"errors\":");
    json_variant_names(reg, pl->errors_type);
    printf("}\n");
}

/* ---- text output ----------------------------------------------------------------------- */

static void text_summary(const btq_metadata *md)
{
    const btq_runtime_version *rv = btq_metadata_runtime_version(md);
    printf("metadata: V%u\n", btq_metadata_version(md));
    printf("spec_name: %s\n", rv ? rv->spec_name : "unknown (no System.Version constant)");
    printf("spec_version: %u\n", btq_metadata_spec_version(md));
    printf("pallets: %u\n", btq_metadata_npallets(md));
    printf("types: %u\n", btq_metadata_registry(md)->ntypes);
    printf("runtime_apis: %u\n", btq_metadata_napis(md));
}

static void text_variants(const btq_registry *reg, const char *what, uint32_t id)
{
    const btq_type *t = btq_registry_type(reg, id);
    if (!t || t->kind != BTQ_TYPE_VARIANT) {
        printf("%s: none\n", what);
        return;
    }
    printf("%s (#%u): %u\n", what, id, t->u.variant.nvariants);
    for (uint32_t i = 0; i < t->u.variant.nvariants; i++)
        printf("  %u %s\n", t->u.variant.variants[i].index, t->u.variant.variants[i].name);
}

static void text_pallet(const btq_metadata *md, const btq_pallet *pl)
{
    const btq_registry *reg = btq_metadata_registry(md);
    char label[256];
    printf("pallet %s (index %u)\n", pl->name, pl->index);
    if (pl->storage_prefix)
        printf("storage (prefix %s): %u\n", pl->storage_prefix, pl->nstorage);
    else
        printf("storage: none\n");
    for (uint32_t i = 0; i < pl->nstorage; i++) {
        const btq_storage_entry *e = &pl->storage[i];
        printf("  %s %s ", e->name, e->modifier == BTQ_STORAGE_DEFAULT ? "Default" : "Optional");
        if (!e->nhashers) printf("plain");
        for (uint32_t h = 0; h < e->nhashers; h++) {
            type_label(reg, e->key_types[h], label, sizeof label);
            printf("%s%s(%s #%u)", h ? ", " : "", btq_metadata_hasher_name(e->hashers[h]), label,
                   e->key_types[h]);
        }
        type_label(reg, e->value_type, label, sizeof label);
        printf(" -> %s #%u\n", label, e->value_type);
    }
    printf("constants: %u\n", pl->nconstants);
    for (uint32_t i = 0; i < pl->nconstants; i++) {
        const btq_constant *c = &pl->constants[i];
        type_label(reg, c->type, label, sizeof label);
        printf("  %s: %s #%u = 0x", c->name, label, c->type);
        for (size_t b = 0; b < c->value_len && b < 32; b++)
            printf("%02x", c->value[b]);
        printf("%s\n", c->value_len > 32 ? "..." : "");
    }
    text_variants(reg, "calls", pl->calls_type);
}

/* ---- command --------------------------------------------------------------------------- */

/* Option<OpaqueMetadata> (0x01, compact length, bytes) as Metadata_metadata_at_version
 * returns it: the inner bytes, or the input unchanged. */
/* People save the Option<OpaqueMetadata> answer of Metadata_metadata_at_version too. */
static void unwrap_opaque(const unsigned char **p, size_t *n)
{
    const uint8_t *inner = NULL;
    size_t len = 0;
    if (*n < 4 || memcmp(*p, "meta", 4) == 0) return;
    if (btq_metadata_unwrap_opaque(*p, *n, &inner, &len) != 0 || !inner || len < 4 ||
        memcmp(inner, "meta", 4) != 0)
        return;
    *p = inner;
    *n = len;
}

int btq_cmd_metadata(int argc, char **argv)
{
    const char *file = NULL, *pallet = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (btq_cli_is_help(argv[i])) {
            fputs(help_text, stdout);
            return BTQ_EXIT_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--pallet") == 0) {
            if (++i >= argc) return btq_cli_fail(BTQ_EXIT_USAGE, "metadata", "--pallet needs NAME");
            pallet = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return btq_cli_fail(BTQ_EXIT_USAGE, "metadata", "unknown option '%s' (see --help)",
                                argv[i]);
        } else if (file) {
            return btq_cli_fail(BTQ_EXIT_USAGE, "metadata", "one FILE only (see --help)");
        } else {
            file = argv[i];
        }
    }
    if (!file) return btq_cli_fail(BTQ_EXIT_USAGE, "metadata", "missing FILE (see --help)");

    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = btq_cli_read_file(file, 1, &buf, &len);
    if (rc == BTQ_EIO) return btq_cli_fail(BTQ_EXIT_NOTFOUND, "metadata", "cannot read %s", file);
    if (rc) return btq_cli_fail(btq_cli_exit_for(rc), "metadata", "%s: %s", file, btq_strerror(rc));
    const unsigned char *bytes = buf;
    unwrap_opaque(&bytes, &len);
    btq_metadata *md = NULL;
    btq_error err;
    memset(&err, 0, sizeof err);
    rc = btq_metadata_parse(bytes, len, &md, &err);
    free(buf);
    if (rc) {
        const char *msg = err.message;
        if (strncmp(msg, "metadata: ", 10) == 0) msg += 10; /* already said by the prefix */
        return btq_cli_fail(btq_cli_exit_for(rc), "metadata", "%s: %s (%s at byte %zu)", file, msg,
                            btq_err_name(rc), err.offset);
    }

    int code = BTQ_EXIT_OK;
    if (pallet) {
        const btq_pallet *pl = btq_metadata_pallet(md, pallet);
        if (!pl)
            code =
                btq_cli_fail(BTQ_EXIT_NOTFOUND, "metadata", "no pallet '%s' in %s", pallet, file);
        else if (json)
            json_pallet(md, pl);
        else
            text_pallet(md, pl);
    } else if (json) {
        json_summary(md);
    } else {
        text_summary(md);
    }
    btq_metadata_unref(md);
    return code;
}
