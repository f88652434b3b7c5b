/* btq — canonical JSON (DESIGN.md §4) back into value trees and SCALE bytes for a type id.
 *
 * Layer L2 (uses cJSON internally; nothing of cJSON shows here). Accepted forms, per type:
 * integers as JSON numbers (integral, |v| < 2^53) or decimal strings (optional '-'; larger
 * quantities must be strings: they are never read through a double); bool; char and str as
 * strings; u8 sequences/arrays as "0x…" hex (or arrays of numbers); named composites as objects
 * (every field, no unknown keys); a single unnamed field as the inner value; other unnamed
 * composites, tuples, sequences and arrays as arrays; Option as null or the value; other
 * variants as "Name" or {"Name": fields}; bit sequences as "0101" strings or arrays of bools;
 * AccountId32 as "0x…" hex or an SS58 address. Keys match case-sensitively.
 */
#ifndef BTQ_VALUE_JSON_H
#define BTQ_VALUE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "btq/value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* JSON text json[0..len) nesting at most this deep. */
#define BTQ_VALUE_JSON_MAX_DEPTH 64

/* Build a tree in doc (which keeps it; *out is borrowed from doc) for type_id. Every node is
 * typed. Errors: BTQ_EJSON (invalid JSON or wrong shape), BTQ_ENUMBER, BTQ_EHEX, BTQ_EUTF8,
 * BTQ_ENOTFOUND (unknown variant, missing field), BTQ_ETYPEID, BTQ_EDEPTH, BTQ_ENOMEM; err->path
 * names the place ("data.free"). Integer ranges are checked when the tree is encoded. */
int btq_value_from_json(const btq_registry *reg, uint32_t type_id, const char *json, size_t len,
                        btq_value_doc *doc, const btq_value **out, btq_error *err);

/* JSON text -> SCALE bytes appended to w (the two steps above and btq_value_encode). */
int btq_value_encode_json(const btq_registry *reg, uint32_t type_id, const char *json, size_t len,
                          btq_writer *w, btq_error *err);

/* As btq_value_encode_json, but an AccountId32 written as SS58 must carry ss58_prefix
 * (-1: any valid prefix); a wrong network is BTQ_ESS58NETWORK. */
int btq_value_encode_json_ss58(const btq_registry *reg, uint32_t type_id, const char *json,
                               size_t len, int32_t ss58_prefix, btq_writer *w, btq_error *err);

#ifdef __cplusplus
}
#endif
#endif
