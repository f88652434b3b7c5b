/* Shared by `btq decode` and `btq encode`: metadata loading and type targets. */
#ifndef BTQ_CLI_VALUE_H
#define BTQ_CLI_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "btq/metadata.h"

/* What a command decodes or encodes: a type id, and the bytes to use when no HEX is given. */
typedef struct btq_cli_target {
    uint32_t type;
    const uint8_t *own_bytes; /* constant value or storage default (borrowed from md), or NULL */
    size_t own_len;
    int optional_storage; /* an Optional storage entry: its default is None (prints null) */
    char what[160];       /* "type 3", "storage System.Account", ... for messages */
} btq_cli_target;

/* Read FILE (raw, 0x-hex text, or an Option<OpaqueMetadata> wrapper) and parse it. Returns a
 * CLI exit code; prints the one-line error itself. */
int btq_cli_load_metadata(const char *cmd, const char *path, btq_metadata **out);

/* kind: "--type", "--storage", "--constant" or "--call-output"; spec its argument. Returns a
 * CLI exit code (printing the error) and fills t. */
int btq_cli_resolve_target(const char *cmd, const btq_metadata *md, const char *kind,
                           const char *spec, btq_cli_target *t);

#endif
