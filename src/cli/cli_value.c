/* Metadata files and type targets for `btq decode` / `btq encode`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/metadata.h"
#include "cli.h"
#include "cli_value.h"

int btq_cli_load_metadata(const char *cmd, const char *path, btq_metadata **out)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = btq_cli_read_file(path, 1, &buf, &len);
    if (rc == BTQ_EIO)
        return btq_cli_fail(BTQ_EXIT_NOTFOUND, cmd, "cannot read metadata file '%s': %s", path,
                            strerror(errno));
    if (rc)
        return btq_cli_fail(btq_cli_exit_for(rc), cmd, "metadata file '%s': %s", path,
                            btq_strerror(rc));
    /* People save the Option<OpaqueMetadata> answer of Metadata_metadata_at_version too. */
    size_t off = 0;
    const uint8_t *inner = NULL;
    size_t inner_len = 0;
    if (len >= 4 && memcmp(buf, "meta", 4) != 0 &&
        btq_metadata_unwrap_opaque(buf, len, &inner, &inner_len) == 0 && inner && inner_len >= 4 &&
        memcmp(inner, "meta", 4) == 0)
        off = (size_t)(inner - buf);
    btq_error err;
    btq_error_clear(&err);
    rc = btq_metadata_parse(buf + off, len - off, out, &err);
    free(buf);
    if (rc)
        return btq_cli_fail(BTQ_EXIT_INPUT, cmd,
                            "metadata file '%s' does not parse: %s at byte %zu", path,
                            err.message[0] ? err.message : btq_strerror(rc), err.offset + off);
    return BTQ_EXIT_OK;
}

/* Split "A.B" at its first dot into a (copied into a, cap) and the rest. */
static const char *split(const char *spec, char *a, size_t cap)
{
    const char *dot = strchr(spec, '.');
    if (!dot || dot == spec || !dot[1] || (size_t)(dot - spec) >= cap) return NULL;
    memcpy(a, spec, (size_t)(dot - spec));
    a[dot - spec] = '\0';
    return dot + 1;
}

int btq_cli_resolve_target(const char *cmd, const btq_metadata *md, const char *kind,
                           const char *spec, btq_cli_target *t)
{
    memset(t, 0, sizeof *t);
    const btq_registry *reg = btq_metadata_registry(md);
    if (strcmp(kind, "--type") == 0) {
        char *end = NULL;
        errno = 0;
        unsigned long id = strtoul(spec, &end, 10);
        if (!*spec || *end || errno || spec[0] == '-' || id > UINT32_MAX)
            return btq_cli_fail(BTQ_EXIT_USAGE, cmd, "--type needs a type id (a number), got '%s'",
                                spec);
        if (!btq_registry_type(reg, (uint32_t)id))
            return btq_cli_fail(BTQ_EXIT_NOTFOUND, cmd,
                                "type id %lu is out of range (the metadata has %u types)", id,
                                reg->ntypes);
        t->type = (uint32_t)id;
        snprintf(t->what, sizeof t->what, "type %lu", id);
        return BTQ_EXIT_OK;
    }
    char a[128];
    const char *b = split(spec, a, sizeof a);
    if (!b)
        return btq_cli_fail(BTQ_EXIT_USAGE, cmd, "%s needs NAME.NAME (e.g. %s), got '%s'", kind,
                            strcmp(kind, "--call-output") == 0 ? "NeuronInfoRuntimeApi.get_neuron"
                            : strcmp(kind, "--storage") == 0   ? "System.Account"
                                                               : "Balances.ExistentialDeposit",
                            spec);
    if (strcmp(kind, "--storage") == 0) {
        const btq_storage_entry *e = btq_metadata_storage(md, a, b);
        if (!e)
            return btq_cli_fail(BTQ_EXIT_NOTFOUND, cmd, "no storage entry '%s' in the metadata%s",
                                spec, btq_metadata_pallet(md, a) ? "" : " (no such pallet)");
        t->type = e->value_type;
        t->own_bytes = e->default_value;
        t->own_len = e->default_len;
        t->optional_storage = e->modifier == BTQ_STORAGE_OPTIONAL;
    } else if (strcmp(kind, "--constant") == 0) {
        const btq_constant *c = btq_metadata_constant(md, a, b);
        if (!c)
            return btq_cli_fail(BTQ_EXIT_NOTFOUND, cmd, "no constant '%s' in the metadata%s", spec,
                                btq_metadata_pallet(md, a) ? "" : " (no such pallet)");
        t->type = c->type;
        t->own_bytes = c->value;
        t->own_len = c->value_len;
    } else {
        const btq_api_method *m = btq_metadata_api_method(md, a, b);
        if (!m)
            return btq_cli_fail(BTQ_EXIT_NOTFOUND, cmd,
                                "no runtime API method '%s' in the metadata%s", spec,
                                btq_metadata_version(md) < 15 ? " (V14 metadata has no runtime "
                                                                "APIs: use a V15 file)"
                                                              : "");
        t->type = m->output;
    }
    snprintf(t->what, sizeof t->what, "%s %s", kind + 2, spec);
    return BTQ_EXIT_OK;
}
