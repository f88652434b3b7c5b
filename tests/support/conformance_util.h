/* Helpers for the conformance tests (tests/scale/test_conformance_*.c): loading the shared
 * metadata files, decoding / re-encoding a value through btq's dynamic decoder, rendering it as
 * canonical JSON (DESIGN.md §4), and flattening that JSON into leaves comparable with the
 * polkadot-js oracle (tools/oracle/gen-metadata-oracle.cjs, vectors/metadata-oracle/).
 *
 * Leaf model (the same on both sides; see the generator's header comment):
 *   kind "int" (decimal), "bool" ("true"/"false"), "str" (text), "bytes" ("0x" lowercase hex),
 *   "null" (Option::None), "variant" (name of the variant taken, before its fields), "bits"
 *   (string of 0/1). Containers contribute their children's leaves in order, nothing else.
 */
#ifndef BTQ_CONFORMANCE_UTIL_H
#define BTQ_CONFORMANCE_UTIL_H

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "btq/metadata.h"
#include "btq/registry.h"
#include "btq/value.h"

/* The metadata files of ../shared/chain/metadata/, by stem (without ".scale"). */
extern const char *const conformance_metadata_stems[];
extern const size_t conformance_metadata_count;

/* Parse ../shared/chain/metadata/<stem>.scale; aborts the test (ck_assert) on failure. */
btq_metadata *conformance_load_metadata(const char *stem);
/* Parse raw or hex-text metadata bytes, also unwrapping Option<OpaqueMetadata>-style
 * "0x01 + compact length" prefixes when the bytes do not start with the magic. NULL + err. */
btq_metadata *conformance_parse_metadata_bytes(const uint8_t *bytes, size_t len, btq_error *err);

/* ---- leaves ---------------------------------------------------------------------------- */

typedef struct conformance_leaf {
    const char *kind; /* static string, one of the kinds above */
    char *value;      /* malloc'd */
    char *path;       /* malloc'd, btq-side value path for messages ("" at the root) */
} conformance_leaf;

typedef struct conformance_leaves {
    conformance_leaf *v;
    size_t n, cap;
} conformance_leaves;

void conformance_leaves_init(conformance_leaves *l);
void conformance_leaves_free(conformance_leaves *l);
void conformance_leaves_push(conformance_leaves *l, const char *kind, const char *value,
                             size_t value_len, const char *path);

/* Flatten btq canonical JSON `json` of type `type_id`, driven by the registry. Checks the §4
 * shape on the way (named composites are objects whose keys are the declared field names in
 * order, u8 sequences are lowercase 0x-hex strings, integers >= 2^53 are decimal strings and
 * smaller ones numbers, ...). Returns 0, or -1 with a message in msg (capacity cap) naming
 * the path where the JSON does not have the shape the type requires. */
int conformance_flatten_json(const btq_registry *reg, uint32_t type_id, const cJSON *json,
                             conformance_leaves *out, char *msg, size_t cap);

/* Oracle leaves ([{"kind","value"}...]) into out. -1 + msg on a malformed vector. */
int conformance_leaves_from_oracle(const cJSON *arr, conformance_leaves *out, char *msg,
                                   size_t cap);

/* Compare; 0 when equal, else -1 with the first difference described in msg. */
int conformance_leaves_compare(const conformance_leaves *btq, const conformance_leaves *oracle,
                               char *msg, size_t cap);

/* ---- btq side -------------------------------------------------------------------------- */

/* Decode bytes as type_id (exact), re-encode and compare byte for byte. When optional is
 * non-zero the bytes are an Option<type_id> (storage default of an Optional entry): 0x00 is
 * None, 0x01 + value is Some. Returns 0, or a negative code with the stage and btq's error in
 * msg. On success and when json_out is non-NULL, *json_out gets the canonical JSON
 * (malloc'd, NUL-terminated; "null" for None). */
int conformance_roundtrip(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes,
                          size_t len, int optional, char **json_out, char *msg, size_t cap);

/* Leaves of btq's canonical JSON for (type_id, bytes[, optional]): roundtrip + cJSON parse +
 * flatten. 0 or -1 with msg. */
int conformance_btq_leaves(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes,
                           size_t len, int optional, conformance_leaves *out, char *msg,
                           size_t cap);

/* Hex text "0x..." (or without 0x) into a malloc'd buffer; NULL on bad hex (no abort). */
uint8_t *conformance_unhex(const char *hex, size_t *len);

#endif
