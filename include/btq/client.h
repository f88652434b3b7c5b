/* btq — the client (layer L2): runtime and metadata cache, block pinning, storage queries, map
 * iteration, constants, runtime API calls, Bittensor helpers and wallets.
 *
 *   btq_client_options o;
 *   btq_client_options_init(&o);
 *   o.network = "finney";                      // or o.url = "ws://127.0.0.1:9944"
 *   btq_client *c;
 *   if (btq_client_new(&o, &c, &err) == 0) {
 *       btq_pin *pin;                          // one block + its runtime metadata
 *       if (btq_client_pin(c, NULL, &pin, &err) == 0) {
 *           btq_balance b;
 *           const char *addr = "5F...";
 *           btq_balances(pin, &addr, 1, &b, &err);
 *           btq_pin_free(pin);
 *       }
 *       btq_client_free(c);
 *   }
 *
 * THREADS. A btq_client may be used from any number of threads at once. A btq_pin is immutable
 * once made and may be shared by threads; it borrows its client (free pins first). Every
 * blocking call sends its requests through the transport (btq/rpc.h) and then decodes on the
 * CALLING thread: metadata parsing and value decoding never run on the transport's loop
 * thread, so queries issued from several threads scale with the cores. Blocking calls must not
 * be made from a transport callback.
 * The async-callback form (btq_storage_get_async) decodes on a client-owned worker thread.
 *
 * OWNERSHIP. Whoever calls _new / a function returning an object through an out-pointer owns
 * it and frees it with the matching _free; _free(NULL) is a no-op. Accessors return borrowed
 * pointers valid while their owner lives.
 *
 * ERRORS. Every fallible call returns 0 or a negative BTQ_E* code; err (optional, caller-owned)
 * gets a message naming the input that failed. An absent storage key is not an error: a
 * Default entry yields its metadata default, an Optional entry a "none" result.
 */
#ifndef BTQ_CLIENT_H
#define BTQ_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "btq/chain.h"
#include "btq/error.h"
#include "btq/metadata.h"
#include "btq/rpc.h"
#include "btq/scale.h"
#include "btq/value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct btq_client btq_client;
typedef struct btq_pin btq_pin;

/* ---- networks ------------------------------------------------------------------------------
 * finney  wss://entrypoint-finney.opentensor.ai:443
 * test    wss://test.finney.opentensor.ai:443
 * archive wss://archive.chain.opentensor.ai:443
 * local   ws://127.0.0.1:9944
 * The URL of a network name (static string), or NULL for an unknown name. */
const char *btq_network_url(const char *name);

/* ---- client -------------------------------------------------------------------------------- */
typedef struct btq_client_options {
    const char *url;                  /* ws:// or wss:// endpoint; copied. Wins over network */
    const char *network;              /* finney | test | archive | local, used when url NULL */
    const char *const *fallback_urls; /* tried in order when the main URL fails; copied */
    size_t n_fallback_urls;
    uint32_t request_timeout_ms;    /* per request, default 60000 */
    uint32_t connect_timeout_ms;    /* connect + handshake, default 10000 */
    uint32_t ss58_prefix;           /* address format for input and output, default 42 */
    const char *metadata_cache_dir; /* on-disk metadata cache (created if missing); NULL =
                                       memory only. Files: GENESIS-SPEC.scale */
    int prefer_v14;                 /* 1: never ask for V15 metadata */
    int allow_plain_ws;             /* passed to the transport (see btq/rpc.h) */
    int tls_insecure;               /* passed to the transport (warns on every connect) */
    const char *ca_file;            /* passed to the transport; copied */
    btq_rpc_log_fn log;             /* transport log callback, NULL = silent */
    void *log_user;
    int log_level; /* highest level passed to log (btq/rpc.h), default BTQ_RPC_LOG_WARN */
} btq_client_options;

/* Defaults: no URL (network "finney" when neither url nor network is set), prefix 42. */
void btq_client_options_init(btq_client_options *o);
/* Validates the options (BTQ_EINVAL, BTQ_EURL, BTQ_EINSECURE). Does not connect. */
int btq_client_new(const btq_client_options *o, btq_client **out, btq_error *err);
/* Closes the connection and frees. Every pin of this client must have been freed. */
/* Pending btq_storage_get_async jobs complete with BTQ_ECANCELED before this returns. Not from a
 * btq_storage_get_async callback. */
void btq_client_free(btq_client *c);

/* The transport handle (borrowed, lives as long as the client): raw async calls, batches,
 * futures and subscriptions (btq/rpc.h). */
btq_rpc *btq_client_rpc_handle(btq_client *c);
/* Blocking raw JSON-RPC passthrough: *result (transferred, free with btq_free) = the raw JSON
 * text of "result". params_json: a JSON array/object text or NULL for []. */
int btq_client_rpc(btq_client *c, const char *method, const char *params_json, char **result,
                   size_t *len, btq_error *err);
uint32_t btq_client_ss58_prefix(const btq_client *c);
/* Requests this client has sent for metadata (V15 state_call or V14 state_getMetadata), for
 * tests of the cache and of fetch sharing. */
uint64_t btq_client_metadata_fetches(const btq_client *c);

/* Metadata of the runtime at block_hash ("0x" + 64 hex; NULL = current head): cached per spec
 * version in memory (and on disk when configured); concurrent callers for the same version
 * share one download. *out gets a new reference (btq_metadata_unref). spec (optional). */
int btq_client_metadata(btq_client *c, const char *block_hash, btq_metadata **out, uint32_t *spec,
                        btq_error *err);

/* ---- block pinning --------------------------------------------------------------------------- */
typedef enum btq_at_kind {
    BTQ_AT_HEAD = 0,      /* chain_getHead, fetched once when the pin is made */
    BTQ_AT_FINALIZED = 1, /* chain_getFinalizedHead */
    BTQ_AT_HASH = 2,      /* hash given */
    BTQ_AT_NUMBER = 3     /* chain_getBlockHash(number); BTQ_EBLOCK when the node has none */
} btq_at_kind;

typedef struct btq_at {
    btq_at_kind kind;
    const char *hash; /* BTQ_AT_HASH: "0x" + 64 hex digits (borrowed during the call) */
    uint64_t number;  /* BTQ_AT_NUMBER */
} btq_at;

/* "head", "finalized", "0x<64 hex>" or a decimal block number; out->hash borrows text.
 * BTQ_EINVAL for anything else. */
int btq_at_parse(const char *text, btq_at *out);

/* Resolve at (NULL = head) to a block hash only (no runtime lookup): out = "0x…" + NUL. */
int btq_client_block_hash(btq_client *c, const btq_at *at, char out[67], btq_error *err);

/* Resolve at (NULL = head) to a block hash and that block's runtime (state_getRuntimeVersion at
 * the hash, then the metadata of that spec version). Every query made with the pin runs at that
 * block with that metadata. */
int btq_client_pin(btq_client *c, const btq_at *at, btq_pin **out, btq_error *err);
void btq_pin_free(btq_pin *p);
const char *btq_pin_hash(const btq_pin *p); /* "0x…", borrowed */
uint32_t btq_pin_spec_version(const btq_pin *p);
const btq_metadata *btq_pin_metadata(const btq_pin *p); /* borrowed */
btq_client *btq_pin_client(const btq_pin *p);
/* The pinned block's number (chain_getHeader; the hex number is parsed whatever its padding). */
int btq_pin_number(const btq_pin *p, uint64_t *out, btq_error *err);
/* Number of the current head block (hash NULL) or of the block with that hash. */
int btq_block_number(btq_client *c, const char *hash, uint64_t *out, btq_error *err);

/* ---- results ------------------------------------------------------------------------------- */
typedef struct btq_result btq_result; /* a decoded value (or none) with the bytes it came from */

void btq_result_free(btq_result *r);
/* 1 when the key existed in storage (or for constants and calls), 0 when absent. */
int btq_result_found(const btq_result *r);
/* The decoded value (borrowed), or NULL for "none" (an absent Optional entry). */
const btq_value *btq_result_value(const btq_result *r);
/* The SCALE bytes the value was decoded from (borrowed; the default bytes when absent). */
void btq_result_bytes(const btq_result *r, const uint8_t **p, size_t *n);
/* Canonical JSON (DESIGN §4; AccountId32 as SS58 with the client's prefix, "null" for none),
 * appended to w. */
int btq_result_to_json(const btq_result *r, int pretty, btq_writer *w);

/* ---- storage --------------------------------------------------------------------------------- */
typedef enum btq_key_kind {
    BTQ_KEY_JSON = 0,  /* JSON text, encoded per the key type (see btq_json_to_scale) */
    BTQ_KEY_VALUE = 1, /* a btq_value tree (btq_value_encode) */
    BTQ_KEY_SCALE = 2  /* the key's SCALE encoding, hashed as is */
} btq_key_kind;

typedef struct btq_key {
    btq_key_kind kind;
    const char *json;
    const btq_value *value;
    const uint8_t *scale;
    size_t scale_len;
} btq_key;

typedef struct btq_storage_req {
    const char *pallet; /* metadata names, e.g. "System", "Account" */
    const char *item;
    const btq_key *keys; /* one per hasher of the entry (borrowed during the call) */
    size_t nkeys;
} btq_storage_req;

/* Storage key bytes for a request under the pin's metadata: *out transferred (btq_free). */
int btq_storage_key_build(const btq_pin *pin, const btq_storage_req *req, uint8_t **out,
                          size_t *out_len, btq_error *err);

/* One entry (state_getStorage at the pin). */
int btq_storage_get(const btq_pin *pin, const btq_storage_req *req, btq_result **out,
                    btq_error *err);
/* n entries at once (state_queryStorageAt, split in chunks of 256 keys sent concurrently; one
 * entry: state_getStorage). out[0..n) gets
 * one result each (all or nothing: on error nothing is left to free). */
int btq_storage_get_many(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                         btq_result **out, btq_error *err);

/* Future form: start sends the requests and returns at once; finish waits (timeout_ms < 0:
 * until the transport's own deadlines) and decodes on the calling thread. finish always frees
 * op (also on error). Several ops may be in flight at once. */
typedef struct btq_storage_op btq_storage_op;
int btq_storage_start(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                      btq_storage_op **out, btq_error *err);
int btq_storage_finish(btq_storage_op *op, int timeout_ms, btq_result **out, btq_error *err);
/* Abandon a started op without results. Returns at once: answers still outstanding are
 * dropped when they arrive (their memory is released then). NULL no-op. */
void btq_storage_op_free(btq_storage_op *op);

/* Async-callback form (decoded). status 0: results[0..n) one per request, each TRANSFERRED to
 * the callback (free each with btq_result_free, or keep it); the array itself is borrowed
 * (valid during the callback); err NULL. status < 0: results NULL, n 0, err non-NULL (borrowed)
 * with code = status. n == 0 requests: status 0 and results NULL. */
typedef void (*btq_storage_cb)(int status, btq_result **results, size_t n, const btq_error *err,
                               void *user);
/* Send the n requests (state_queryStorageAt chunks, concurrently; one request:
 * state_getStorage) and return at once. Many independent reads: one call per read, all in
 * flight together, is the intended use (each costs one small request and one callback).
 * Returns 0: cb runs exactly once, later. Returns an error (invalid request such as an unknown
 * pallet / item or a bad key, BTQ_EINVAL, BTQ_ENOMEM, a transport submission error, or
 * BTQ_ECLOSED while the client is being freed): cb never runs; err says why.
 *
 * THREADS. cb runs on a worker thread owned by the client (one per client, started on the
 * first call, joined by btq_client_free) — never on the calling thread, never on the
 * transport's loop thread. The loop thread only hands the raw answers over; parsing and
 * decoding happen on the worker, so they never delay other requests. Callbacks run one at a
 * time, in the order their answers completed. A callback may issue new requests (async or
 * blocking) but a slow one delays the callbacks after it; it must not free the client.
 *
 * LIFETIMES. reqs (and their keys) are borrowed during the call only. The pin is copied (the
 * copy holds its own metadata reference), so the caller may free pin as soon as this returns;
 * the client must stay alive until cb has run or btq_client_free is called. btq_client_free
 * completes every job whose callback has not started with status BTQ_ECANCELED (exactly once,
 * on the worker, before btq_client_free returns); a callback already running finishes first. */
int btq_storage_get_async(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                          btq_storage_cb cb, void *user, btq_error *err);

/* Map iteration: every key under PALLET ITEM [prefix keys] (state_getKeysPaged pages, values in
 * concurrent state_queryStorageAt batches). limit 0 = all. Keys are decoded back into values when
 * every hasher after the prefix is a *Concat or Identity hasher. */
typedef struct btq_map btq_map;
int btq_storage_map(const btq_pin *pin, const char *pallet, const char *item,
                    const btq_key *prefix_keys, size_t nprefix, size_t limit, btq_map **out,
                    btq_error *err);
size_t btq_map_count(const btq_map *m);
/* Key of entry i: for one hasher the key value, for several the tuple of all keys; NULL when a
 * hasher is opaque (not Concat / Identity). Borrowed. */
const btq_value *btq_map_key(const btq_map *m, size_t i);
/* Raw storage key of entry i (borrowed). */
void btq_map_key_bytes(const btq_map *m, size_t i, const uint8_t **p, size_t *n);
const btq_value *btq_map_value(const btq_map *m, size_t i); /* borrowed */
/* JSON array of [key, value] pairs (key = hex of the raw key when opaque). */
int btq_map_to_json(const btq_map *m, int pretty, btq_writer *w);
void btq_map_free(btq_map *m);

/* ---- constants and runtime API calls ----------------------------------------------------------
 */
int btq_constant_get(const btq_pin *pin, const char *pallet, const char *name, btq_result **out,
                     btq_error *err);
/* Runtime API call API_METHOD (state_call at the pin) with nargs JSON arguments encoded per the
 * V15 input types, the output decoded per the output type. BTQ_ENOTSUP with V14 metadata. */
int btq_runtime_call(const btq_pin *pin, const char *api, const char *method,
                     const char *const *args_json, size_t nargs, btq_result **out, btq_error *err);
/* Raw form: "Api_method" and SCALE-encoded parameters; *out transferred (btq_free). */
int btq_runtime_call_raw(const btq_pin *pin, const char *name, const uint8_t *params,
                         size_t params_len, uint8_t **out, size_t *out_len, btq_error *err);

/* JSON text -> SCALE bytes of type_id (appended to w). Integers: JSON numbers below 2^53 or
 * decimal strings; u8 sequences/arrays: "0x…" hex or an array of numbers; AccountId32: SS58
 * (with ss58_prefix, or any prefix when it is BTQ_SS58_ANY_PREFIX) or "0x…" hex; composites: an
 * object by field names, an array by position, or the inner value for one field; variants:
 * "Name" or {"Name": fields}; Option: null or the value; bit sequences: "0101". */
int btq_json_to_scale(const btq_registry *reg, uint32_t type_id, const char *json,
                      int32_t ss58_prefix, btq_writer *w, btq_error *err);

/* ---- Bittensor ------------------------------------------------------------------------------- */
#define BTQ_RAO_PER_TAO 1000000000ull

typedef struct btq_balance {
    uint64_t free;     /* rao */
    uint64_t reserved; /* rao */
    uint64_t frozen;   /* rao; on old runtimes max(misc_frozen, fee_frozen) */
} btq_balance;

/* System.Account of n SS58 addresses at the pin, all in concurrent batches. out[0..n). An absent
 * account reads as zero. BTQ_ESS58* names the bad address (err->message). */
int btq_balances(const btq_pin *pin, const char *const *addresses, size_t n, btq_balance *out,
                 btq_error *err);
/* Same with raw 32-byte account ids. */
int btq_balances_ids(const btq_pin *pin, const uint8_t (*ids)[32], size_t n, btq_balance *out,
                     btq_error *err);
/* "τ1,234.567890000" (9 decimals, thousands separators) into out (cap >= 40). Returns the
 * length or BTQ_ENOSPACE. */
int btq_format_tao(uint64_t rao, char *out, size_t cap);

/* SubtensorModule.Tempo of n subnets. BTQ_ENOSUBNET (err->message names it) when a netuid is
 * not in SubtensorModule.NetworksAdded. */
int btq_tempo(const btq_pin *pin, const uint16_t *netuids, size_t n, uint16_t *out, btq_error *err);
/* Every existing subnet (NetworksAdded iterated), sorted by netuid: *netuids and *tempos
 * transferred (btq_free), *n their count. */
int btq_tempo_all(const btq_pin *pin, uint16_t **netuids, uint16_t **tempos, size_t *n,
                  btq_error *err);

/* ---- wallets ---------------------------------------------------------------------------------
 * wallets_dir NULL = $HOME/.bittensor/wallets. Only public files are read: NAME/coldkeypub.txt
 * and NAME/hotkeys/HOTKEYpub.txt (else NAME/hotkeys/HOTKEY, of which only ss58Address is
 * kept; the buffer is wiped). BTQ_EWALLET when missing or malformed. out: SS58, NUL-terminated. */
int btq_wallet_coldkey(const char *wallets_dir, const char *name, char out[BTQ_SS58_ADDRESS_CAP],
                       btq_error *err);
int btq_wallet_hotkey(const char *wallets_dir, const char *name, const char *hotkey,
                      char out[BTQ_SS58_ADDRESS_CAP], btq_error *err);

#ifdef __cplusplus
}
#endif
#endif
