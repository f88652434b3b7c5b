/* btq — dynamic SCALE values: a visitor-driven decoder, a value tree in one arena, typed access,
 * path lookup, encoding back to bytes and the canonical JSON form (DESIGN.md §4).
 *
 * Layer L0 (libc only). Decoding is driven by a type registry (btq/registry.h) that the caller
 * keeps alive: trees borrow type paths, field and variant names from it.
 *
 *   btq_value_doc *doc = NULL;
 *   const btq_value *root;
 *   if (btq_value_decode(reg, account_info_type, bytes, len, BTQ_VALUE_EXACT, &doc, &root,
 *                        &err) == 0) {
 *       uint64_t free_rao;
 *       btq_value_path_u64(root, "data.free", &free_rao);
 *   }
 *   btq_value_doc_free(doc);
 */
#ifndef BTQ_VALUE_H
#define BTQ_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btq/error.h"
#include "btq/registry.h"
#include "btq/scale.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Nesting limit: a value at depth 1 is the root; a node deeper than this is BTQ_EDEPTH. */
#define BTQ_VALUE_MAX_DEPTH 256
/* Element count limit for sequences / arrays of zero-sized elements (their count is not
 * bounded by the input). */
#define BTQ_VALUE_MAX_ZST_ITEMS 65536u

/* Decode flags. */
#define BTQ_VALUE_EXACT 1u /* every input byte must be consumed, else BTQ_ETRAILING */

/* ---- visitor ----------------------------------------------------------------------------- */

/* Where the visited node sits. Valid during the callback only. */
typedef struct btq_visit_info {
    uint32_t type_id;
    const btq_type *type;       /* registry entry for type_id (borrowed) */
    const char *field;          /* field name in the parent composite/variant, or NULL */
    uint32_t index;             /* position in the parent (0 for the root) */
    uint32_t depth;             /* 1 for the root */
    size_t offset;              /* byte offset where the value starts */
    const btq_variant *variant; /* begin/end of a variant: the variant taken; else NULL */
} btq_visit_info;

/* Every callback may be NULL (ignored). A non-zero return (a negative BTQ_E* code) stops the
 * decode, which returns that code. Pointers passed (strings, bytes, words) borrow the input. */
typedef struct btq_visitor {
    int (*on_bool)(void *user, const btq_visit_info *info, bool v);
    /* u8..u64 and compact integers that fit 64 bits */
    int (*on_u64)(void *user, const btq_visit_info *info, uint64_t v);
    /* i8..i64 */
    int (*on_i64)(void *user, const btq_visit_info *info, int64_t v);
    /* u128/i128/u256/i256 (le = all 16 or 32 bytes, two's complement when signed) and compacts
     * above 64 bits (le = the significant bytes, unsigned). */
    int (*on_big)(void *user, const btq_visit_info *info, const uint8_t *le, size_t n,
                  bool is_signed);
    int (*on_char)(void *user, const btq_visit_info *info, uint32_t codepoint);
    int (*on_str)(void *user, const btq_visit_info *info, const char *s, size_t n);
    /* A sequence or array of u8. When NULL, such a value is visited as a sequence/array of
     * u8 elements instead. */
    int (*on_bytes)(void *user, const btq_visit_info *info, const uint8_t *p, size_t n);
    /* words: ceil(nbits / store bits) little-endian store words */
    int (*on_bitseq)(void *user, const btq_visit_info *info, const uint8_t *words, size_t words_len,
                     size_t nbits);
    /* Composite, variant, sequence, array, tuple: begin with the number of children that
     * follow (fields, variant fields, elements), then the children, then end. The container
     * kind is info->type->kind; for a variant info->variant is the variant taken. */
    int (*begin)(void *user, const btq_visit_info *info, size_t count);
    int (*end)(void *user, const btq_visit_info *info);
} btq_visitor;

/* Decode one value of type_id from bytes[0..len) through a visitor. *consumed (optional) gets
 * the number of bytes the value took. flags: BTQ_VALUE_EXACT. Errors: BTQ_ESHORT,
 * BTQ_ENONCANONICAL, BTQ_EOVERFLOW, BTQ_EBADBOOL, BTQ_EBADVARIANT, BTQ_ETRAILING, BTQ_EDEPTH,
 * BTQ_ETOOMANY, BTQ_EUTF8, BTQ_EBADCHAR, BTQ_ETYPEID, BTQ_EBITSEQ, or a callback's code;
 * err gets the byte offset and the value path (e.g. "data.free", "3.0"). */
int btq_value_visit(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes, size_t len,
                    unsigned flags, const btq_visitor *vis, void *user, size_t *consumed,
                    btq_error *err);

/* ---- the value tree ------------------------------------------------------------------------ */

typedef enum btq_value_kind {
    BTQ_VALUE_BOOL = 0,
    BTQ_VALUE_UINT = 1, /* unsigned integer of any width, incl. compact */
    BTQ_VALUE_INT = 2,  /* signed integer of any width */
    BTQ_VALUE_CHAR = 3,
    BTQ_VALUE_STR = 4,
    BTQ_VALUE_BYTES = 5, /* sequence or array of u8 */
    BTQ_VALUE_BITSEQ = 6,
    BTQ_VALUE_COMPOSITE = 7,
    BTQ_VALUE_VARIANT = 8,
    BTQ_VALUE_SEQUENCE = 9,
    BTQ_VALUE_ARRAY = 10,
    BTQ_VALUE_TUPLE = 11
} btq_value_kind;

/* Threads: a doc and its tree may be read from many threads at once; decoding into a doc or
 * building in it needs exclusive access. Node accessors take non-NULL nodes unless noted. */
typedef struct btq_value btq_value;         /* a node; owned by its doc */
typedef struct btq_value_doc btq_value_doc; /* owns an arena holding a tree and its bytes */

/* An empty doc (for the builder, or to reuse with btq_value_doc_decode). NULL on ENOMEM. */
btq_value_doc *btq_value_doc_new(void);
/* Frees the doc and every node and byte in it. NULL is a no-op. */
void btq_value_doc_free(btq_value_doc *doc);

/* Decode into doc, dropping whatever the doc held before (its memory is reused). The input is
 * copied into the doc: the tree does not borrow bytes. *root is owned by doc. On failure *root
 * is NULL and the doc is empty (still reusable; free it as usual). */
int btq_value_doc_decode(btq_value_doc *doc, const btq_registry *reg, uint32_t type_id,
                         const uint8_t *bytes, size_t len, unsigned flags, const btq_value **root,
                         size_t *consumed, btq_error *err);
/* One call: new doc + decode. On success *out_doc is transferred to the caller (free with
 * btq_value_doc_free); on failure *out_doc is NULL. */
int btq_value_decode(const btq_registry *reg, uint32_t type_id, const uint8_t *bytes, size_t len,
                     unsigned flags, btq_value_doc **out_doc, const btq_value **root,
                     btq_error *err);

/* Node facts. */
btq_value_kind btq_value_get_kind(const btq_value *v);
uint32_t btq_value_type_id(const btq_value *v);      /* UINT32_MAX for untyped nodes */
const btq_type *btq_value_type(const btq_value *v);  /* borrowed, NULL when untyped */
const char *btq_value_type_path(const btq_value *v); /* borrowed, "" when none */
const char *btq_value_name(const btq_value *v);      /* field name in the parent, or NULL */
/* Children (composite fields, variant fields, elements), bytes of STR/BYTES, bits of BITSEQ. */
size_t btq_value_count(const btq_value *v);
/* Child by index or by field name (borrowed), NULL when absent. */
const btq_value *btq_value_at(const btq_value *v, size_t i);
const btq_value *btq_value_field(const btq_value *v, const char *name);
/* Variant name (borrowed) and encoded index; BTQ_ETYPE when v is not a variant. */
int btq_value_variant(const btq_value *v, const char **name, uint8_t *index);

/* Typed access. Single-field composites (newtypes such as NetUid(u16)) are unwrapped first.
 * BTQ_ETYPE on a kind mismatch, BTQ_EOVERFLOW when the value does not fit. */
int btq_value_bool(const btq_value *v, bool *out);
int btq_value_u64(const btq_value *v, uint64_t *out);
int btq_value_i64(const btq_value *v, int64_t *out);
int btq_value_u128(const btq_value *v, btq_u128 *out);
int btq_value_u256(const btq_value *v, btq_u256 *out);
int btq_value_char(const btq_value *v, uint32_t *out);
/* BYTES (u8 sequence/array): borrowed pointer + length, valid while the doc lives. */
int btq_value_bytes(const btq_value *v, const uint8_t **p, size_t *n);
/* STR: borrowed UTF-8, not NUL-terminated. */
int btq_value_str(const btq_value *v, const char **s, size_t *n);
/* BITSEQ: bit i (BTQ_ENOTFOUND past the end). */
int btq_value_bit(const btq_value *v, size_t i, bool *out);

/* Path lookup: segments separated by '.', each a field name or a decimal index ("data.free",
 * "0.1"), the same form as btq_error.path. A name that does not match a single-field
 * composite (newtype) is looked up in its field; an index on a newtype selects its field
 * ("0"), so an error path always resolves.
 * BTQ_ENOTFOUND when absent, BTQ_EINVAL on an empty segment. */
int btq_value_path(const btq_value *v, const char *path, const btq_value **out);
int btq_value_path_u64(const btq_value *v, const char *path, uint64_t *out);
int btq_value_path_u128(const btq_value *v, const char *path, btq_u128 *out);

/* ---- builder: nodes in a doc, for encoding (JSON input, call parameters) ------------------- */
/* Every builder call returns a node owned by doc, or NULL on ENOMEM. Strings and bytes are
 * copied. Containers are created with n zeroed child slots, filled with btq_value_set. */
btq_value *btq_value_new_bool(btq_value_doc *doc, bool v);
btq_value *btq_value_new_u64(btq_value_doc *doc, uint64_t v);
btq_value *btq_value_new_i64(btq_value_doc *doc, int64_t v);
/* Integer from little-endian bytes (n <= 32): two's complement of n bytes when is_signed. */
btq_value *btq_value_new_big(btq_value_doc *doc, const uint8_t *le, size_t n, bool is_signed);
btq_value *btq_value_new_char(btq_value_doc *doc, uint32_t cp);
btq_value *btq_value_new_str(btq_value_doc *doc, const char *s, size_t n);
btq_value *btq_value_new_bytes(btq_value_doc *doc, const uint8_t *p, size_t n);
btq_value *btq_value_new_bits(btq_value_doc *doc, const bool *bits, size_t nbits);
/* kind: COMPOSITE, SEQUENCE, ARRAY or TUPLE. */
btq_value *btq_value_new_container(btq_value_doc *doc, btq_value_kind kind, size_t count);
/* A variant by name (copied) with count field slots. */
btq_value *btq_value_new_variant(btq_value_doc *doc, const char *name, size_t count);
/* Copy child into slot i of parent, under field name (copied; NULL for none). The child node
 * itself is copied, so it may be discarded; its own children are shared. */
int btq_value_set(btq_value_doc *doc, btq_value *parent, size_t i, const char *name,
                  const btq_value *child);
/* Record the type a node was built for (optional; lets the JSON printer see paths). */
void btq_value_set_type(btq_value *v, const btq_registry *reg, uint32_t type_id);

/* ---- encode ---------------------------------------------------------------------------------- */

/* Encode v as type_id into w (appended). The registry drives the layout; v must have the shape
 * the type needs: BTQ_ETYPE (err->path says where) on a mismatch, BTQ_EOVERFLOW when an integer
 * does not fit, BTQ_ENOTFOUND for an unknown variant name. Composites are matched by field
 * name when the node's children are named, else by position. */
int btq_value_encode(const btq_registry *reg, uint32_t type_id, const btq_value *v, btq_writer *w,
                     btq_error *err);

/* ---- JSON (canonical form, DESIGN.md §4) ----------------------------------------------------- */

typedef struct btq_json_opts {
    bool pretty; /* two-space indentation and newlines; compact otherwise */
    /* AccountId32 rendering (e.g. SS58, injected by higher layers). Writes a NUL-terminated
     * string into out (capacity cap) and returns its length, or a negative code. NULL: hex. */
    int (*account_id)(const uint8_t id[32], char *out, size_t cap, void *user);
    void *account_id_user;
} btq_json_opts;

/* Append the JSON of v to w (no NUL). opts may be NULL (compact, hex ids). */
int btq_value_to_json(const btq_value *v, const btq_json_opts *opts, btq_writer *w);
/* Into a caller buffer, NUL-terminated; *out_len (optional) = length without the NUL.
 * BTQ_ENOSPACE when it does not fit. */
int btq_value_to_json_buf(const btq_value *v, const btq_json_opts *opts, char *buf, size_t cap,
                          size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
