/* btq — runtime metadata V14 / V15 / V16: parsing, the type registry, lookups by name.
 *
 * Layer L0 (libc only). btq_metadata_parse() reads RuntimeMetadataPrefixed bytes (magic "meta",
 * version byte) into one immutable, reference-counted btq_metadata. Everything reachable from it
 * (registry, pallets, entries, strings, default and constant bytes) lives in the metadata's own
 * arena: it never points into the caller's buffer, and every pointer returned here is borrowed,
 * valid until the last reference is dropped. Because it is immutable, a btq_metadata may be read
 * from any number of threads at once; ref/unref are atomic.
 *
 * The parser checks what consumers would otherwise have to: every type id anywhere in the
 * metadata is < registry->ntypes, bit-sequence store/order types resolve, no type is a cycle
 * through composite/tuple/array links alone (no finite value exists and a decoder would recurse
 * without consuming input: BTQ_ETYPECYCLE), and btq_type.min_size is filled for every type (a
 * lower bound, exact for non-recursive types). Docs are skipped. All strings are NUL-terminated.
 */
#ifndef BTQ_METADATA_H
#define BTQ_METADATA_H

#include <stddef.h>
#include <stdint.h>

#include "btq/error.h"
#include "btq/hasher.h"
#include "btq/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limit on untrusted input: more types than this is BTQ_ETOOMANY. */
#define BTQ_METADATA_MAX_TYPES 100000u
/* "No type" in the optional type-id fields below (calls/events/errors of a pallet that has
 * none, extrinsic fields a version does not have, ...). */
#define BTQ_NO_TYPE UINT32_MAX

typedef struct btq_metadata btq_metadata; /* opaque, reference-counted, immutable */

typedef enum btq_storage_modifier {
    BTQ_STORAGE_OPTIONAL = 0, /* absent key reads as None */
    BTQ_STORAGE_DEFAULT = 1   /* absent key reads as the entry's default bytes */
} btq_storage_modifier;

/* V16 deprecation status of an item (pallet, entry, constant, API, method). */
typedef enum btq_deprecation {
    BTQ_NOT_DEPRECATED = 0,
    BTQ_DEPRECATED_WITHOUT_NOTE = 1,
    BTQ_DEPRECATED = 2
} btq_deprecation;

typedef struct btq_storage_entry {
    const char *name;
    btq_storage_modifier modifier;
    int is_map;        /* 0: plain value; 1: map */
    uint32_t nhashers; /* 0 for a plain value */
    const btq_hasher *hashers;
    /* The key type as written (a tuple for a map with several hashers); BTQ_NO_TYPE if plain. */
    uint32_t key_type;
    /* One key type id per hasher: for one hasher {key_type}; for n > 1 hashers the elements of
     * the key tuple (or key_type repeated if the key is not an n-tuple). NULL if plain. */
    const uint32_t *key_types;
    uint32_t value_type;
    const uint8_t *default_value; /* the default's SCALE bytes (may be empty) */
    size_t default_len;
    btq_deprecation deprecation; /* V16; else BTQ_NOT_DEPRECATED */
} btq_storage_entry;

typedef struct btq_constant {
    const char *name;
    uint32_t type;
    const uint8_t *value; /* SCALE bytes of the value */
    size_t value_len;
    btq_deprecation deprecation;
} btq_constant;

typedef struct btq_param {
    const char *name;
    uint32_t type;
} btq_param;

/* V16 pallet associated type (name -> type id). */
typedef struct btq_associated_type {
    const char *name;
    uint32_t type;
} btq_associated_type;

/* V16 pallet view function. */
typedef struct btq_view_function {
    uint8_t id[32];
    const char *name;
    uint32_t ninputs;
    const btq_param *inputs;
    uint32_t output;
    btq_deprecation deprecation;
} btq_view_function;

typedef struct btq_pallet {
    const char *name;
    uint8_t index;              /* the call/event index byte of the pallet */
    const char *storage_prefix; /* NULL when the pallet has no storage */
    uint32_t nstorage;          /* entries in declaration order */
    const btq_storage_entry *storage;
    uint32_t nconstants;
    const btq_constant *constants;
    uint32_t calls_type;  /* variant type of the pallet's calls, or BTQ_NO_TYPE */
    uint32_t events_type; /* or BTQ_NO_TYPE */
    uint32_t errors_type; /* or BTQ_NO_TYPE */
    uint32_t nassociated; /* V16 */
    const btq_associated_type *associated;
    uint32_t nview_functions; /* V16 */
    const btq_view_function *view_functions;
    btq_deprecation deprecation; /* V16 */
} btq_pallet;

typedef struct btq_api_method {
    const char *name;
    uint32_t ninputs;
    const btq_param *inputs;
    uint32_t output;
    btq_deprecation deprecation; /* V16 */
} btq_api_method;

/* V15+ runtime API (trait), e.g. "Metadata" with method "metadata_at_version". */
typedef struct btq_runtime_api {
    const char *name;
    uint32_t nmethods;
    const btq_api_method *methods;
    uint32_t version; /* V16 API version; 0 before V16 */
    btq_deprecation deprecation;
} btq_runtime_api;

/* Signed extension (V14/V15) or transaction extension (V16). */
typedef struct btq_extension {
    const char *identifier;
    uint32_t type;
    uint32_t additional_type; /* "additional_signed" (V14/V15) or "implicit" (V16) */
} btq_extension;

/* V16: which extensions (indices into btq_extrinsic_info.extensions) an extrinsic version uses. */
typedef struct btq_extension_set {
    uint8_t version;
    uint32_t nindices;
    const uint32_t *indices;
} btq_extension_set;

typedef struct btq_extrinsic_info {
    uint32_t nversions; /* V14/V15: 1; V16: the supported extrinsic versions */
    const uint8_t *versions;
    uint32_t type; /* V14: the extrinsic type; else BTQ_NO_TYPE */
    /* V15+ fields; for V14 taken from the extrinsic type's generic parameters (Address, Call,
     * Signature, Extra) when it has them. BTQ_NO_TYPE when unknown. */
    uint32_t address_type;
    uint32_t call_type;
    uint32_t signature_type;
    uint32_t extra_type; /* V14 / V15 only */
    uint32_t nextensions;
    const btq_extension *extensions;
    uint32_t nsets; /* V16 only */
    const btq_extension_set *sets;
} btq_extrinsic_info;

/* Outer enums (V15+). For V14 the call and event types are derived (UncheckedExtrinsic's Call
 * parameter, System.Events' EventRecord E parameter) when present; error_type is BTQ_NO_TYPE. */
typedef struct btq_outer_enums {
    uint32_t call_type;
    uint32_t event_type;
    uint32_t error_type;
} btq_outer_enums;

/* sp_version::RuntimeVersion, decoded from the System.Version constant. */
typedef struct btq_runtime_version {
    const char *spec_name;
    const char *impl_name;
    uint32_t authoring_version;
    uint32_t spec_version;
    uint32_t impl_version;
    uint32_t transaction_version; /* 0 when the constant ends before it */
} btq_runtime_version;

/* ---- lifecycle ------------------------------------------------------------------------- */

/* Parse RuntimeMetadataPrefixed bytes (copied; bytes may be freed afterwards). On success *out
 * holds one reference. Errors: BTQ_EINVAL (NULL args), BTQ_EMAGIC, BTQ_EMDVERSION (message
 * names the version), BTQ_ESHORT, BTQ_ETOOMANY, BTQ_ETYPEID, BTQ_ETYPECYCLE, BTQ_EBITSEQ,
 * BTQ_EBADVARIANT, BTQ_EHASHER, BTQ_EUTF8, BTQ_ENONCANONICAL, BTQ_ETRAILING, BTQ_ENOMEM;
 * err (cleared first) gets the code, a message and the byte offset in bytes where it failed. Input
 * that is an Option<OpaqueMetadata> or hex is not unwrapped here. */
int btq_metadata_parse(const void *bytes, size_t len, btq_metadata **out, btq_error *err);

/* The metadata inside an Option<OpaqueMetadata>, the answer of
 * state_call("Metadata_metadata_at_version", v): 0x01, a compact length, the bytes.
 * 0 with *inner borrowed from bytes (NULL and *inner_len 0 for None, 0x00); BTQ_EBADVARIANT for
 * another tag, BTQ_ESHORT when the length runs past the input, BTQ_ETRAILING after it. */
int btq_metadata_unwrap_opaque(const void *bytes, size_t len, const uint8_t **inner,
                               size_t *inner_len);
/* One more reference (returns md). NULL-safe. */
btq_metadata *btq_metadata_ref(btq_metadata *md);
/* Drop one reference; the last one frees everything. unref(NULL) is a no-op. */
void btq_metadata_unref(btq_metadata *md);

/* ---- whole-metadata accessors (all borrowed) ------------------------------------------- */

unsigned btq_metadata_version(const btq_metadata *md); /* 14, 15 or 16 */
const btq_registry *btq_metadata_registry(const btq_metadata *md);
/* spec_version from System.Version, or 0 when there is no such constant or it does not decode. */
uint32_t btq_metadata_spec_version(const btq_metadata *md);
/* The decoded System.Version, or NULL as above. */
const btq_runtime_version *btq_metadata_runtime_version(const btq_metadata *md);
/* V14/V15 "ty" (the RuntimeMetadata's runtime type), BTQ_NO_TYPE for V16. */
uint32_t btq_metadata_runtime_type(const btq_metadata *md);
const btq_extrinsic_info *btq_metadata_extrinsic(const btq_metadata *md);
const btq_outer_enums *btq_metadata_outer_enums(const btq_metadata *md);

uint32_t btq_metadata_npallets(const btq_metadata *md);
const btq_pallet *btq_metadata_pallet_at(const btq_metadata *md, uint32_t i); /* decl. order */
uint32_t btq_metadata_napis(const btq_metadata *md);
const btq_runtime_api *btq_metadata_api_at(const btq_metadata *md, uint32_t i);

/* ---- lookups by name (hash index built at parse time; NULL when not found or a name is NULL;
 * ---- on duplicate names the first declared wins; names are matched case-sensitively) ------ */

const btq_pallet *btq_metadata_pallet(const btq_metadata *md, const char *name);
const btq_pallet *btq_metadata_pallet_by_index(const btq_metadata *md, uint8_t index);
const btq_storage_entry *btq_metadata_storage(const btq_metadata *md, const char *pallet,
                                              const char *item);
const btq_constant *btq_metadata_constant(const btq_metadata *md, const char *pallet,
                                          const char *name);
const btq_runtime_api *btq_metadata_api(const btq_metadata *md, const char *api);
const btq_api_method *btq_metadata_api_method(const btq_metadata *md, const char *api,
                                              const char *method);
/* Within one pallet of md (p must belong to md). */
const btq_storage_entry *btq_pallet_storage(const btq_metadata *md, const btq_pallet *p,
                                            const char *item);
const btq_constant *btq_pallet_constant(const btq_metadata *md, const btq_pallet *p,
                                        const char *name);
/* First type (lowest id) whose path is exactly path (e.g. "sp_core::crypto::AccountId32"):
 * 0 and *out_id, or BTQ_ENOTFOUND. Linear scan: cache the result. */
int btq_metadata_find_type(const btq_metadata *md, const char *path, uint32_t *out_id);

/* "Blake2_128Concat", "Twox64Concat", "Identity", ... (the metadata spelling); "?" if unknown. */
const char *btq_metadata_hasher_name(btq_hasher h);

#ifdef __cplusplus
}
#endif
#endif
