/* Client internals shared by the files in src/client. */
#ifndef BTQ_CLIENT_INTERNAL_H
#define BTQ_CLIENT_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <cJSON.h>

#include "rpc/json_alloc.h" /* cJSON through the btq hooks; parse failures tell ENOMEM apart */

#include "btq/client.h"

#define BTQ_HASH_HEX_LEN 66 /* "0x" + 64 */

typedef struct btq_md_entry {
    uint32_t spec;
    btq_metadata *md; /* NULL while fetching */
    int fetching;
} btq_md_entry;

struct btq__job; /* async.c */

struct btq_client {
    btq_rpc *rpc;
    uint32_t ss58_prefix;
    uint32_t request_timeout_ms;
    char *cache_dir;
    int prefer_v14;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    btq_md_entry *mds;
    size_t nmds, capmds;
    char genesis[BTQ_HASH_HEX_LEN + 1];
    int have_genesis;
    uint64_t fetches; /* under mu */
    /* async worker (async.c): one thread, created on first use; everything below under wmu */
    pthread_mutex_t wmu;
    pthread_cond_t wcv;
    pthread_t worker;
    int worker_started;
    int wstop;                      /* btq_client_free has begun: deliver BTQ_ECANCELED */
    int wbusy;                      /* the worker is running a job (decode + callback) */
    size_t wlive;                   /* jobs accepted and not yet delivered (queued or in flight) */
    struct btq__job *qhead, *qtail; /* jobs whose answers arrived, FIFO */
};

struct btq_pin {
    btq_client *c;
    char hash[BTQ_HASH_HEX_LEN + 1];
    uint32_t spec;
    btq_metadata *md;
};

struct btq_result {
    btq_value_doc *doc; /* NULL for none */
    const btq_value *root;
    int found;
    uint8_t *bytes;
    size_t len;
    uint32_t prefix;
};

/* err helpers: set code + formatted message (keeps the code's default text when fmt NULL). */
int btq__cl_fail(btq_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Put a formatted prefix before err->message (no-op without err). */
void btq__cl_prefix(btq_error *err, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Copy a transport error (code, rpc_code, message) into err, prefixed with what was asked. */
int btq__cl_rpc_fail(btq_error *err, int code, const btq_error *src, const char *what);

/* Blocking call, result parsed: *out (cJSON_Delete) — the "result" value. */
int btq__cl_call_json(btq_client *c, const char *method, const char *params, cJSON **out,
                      btq_error *err);
/* Blocking call whose result is a "0x…" JSON string: *out (btq_malloc'd, transferred). With
 * is_null non-NULL a null result gives *is_null = 1, *out NULL. A result that is neither:
 * BTQ_EPROTOCOL with err->message = bad_msg. Transport errors as btq_client_rpc. */
int btq__cl_call_hex(btq_client *c, const char *method, const char *params, uint8_t **out,
                     size_t *len, int *is_null, const char *bad_msg, btq_error *err);
/* "0x…" JSON string -> bytes (btq_malloc'd, transferred). BTQ_EPROTOCOL when not hex. */
int btq__hex_to_bytes(const char *s, size_t n, uint8_t **out, size_t *out_len);
/* bytes -> "0x…" NUL-terminated (btq_malloc'd). NULL on ENOMEM. */
char *btq__bytes_to_hex(const uint8_t *p, size_t n);
/* 0x-prefixed hex number (any padding) -> u64. */
int btq__parse_hex_u64(const char *s, uint64_t *out);

/* New result: takes ownership of bytes; decodes them as type_id when bytes != NULL (EXACT). */
int btq__result_make(const btq_pin *pin, uint32_t type_id, uint8_t *bytes, size_t len, int found,
                     btq_result **out, btq_error *err);

/* The JSON options that render AccountId32 as SS58 with *prefix. */
void btq__json_opts(btq_json_opts *o, const uint32_t *prefix, int pretty);

/* A "0x…" JSON string result (validated JSON text, surrounding whitespace allowed) -> bytes
 * (btq_malloc'd, transferred). With is_null non-NULL, the text null gives *is_null = 1 and
 * *out NULL. BTQ_EPROTOCOL when it is neither (or has escapes), BTQ_ENOMEM. */
int btq__json_hex_result(const char *text, size_t len, uint8_t **out, size_t *out_len,
                         int *is_null);

/* Storage keys as hex text back to back: key i is "0x…" NUL-terminated at hex + off[i]
 * (off[i + 1] - off[i] - 1 characters). */
typedef struct btq__keyset {
    size_t n;
    size_t *off; /* n + 1 entries (room for the n given to init) */
    char *hex;
    size_t used, cap;
    int borrowed; /* off / hex are the caller's buffers (never grown or freed; one key only) */
} btq__keyset;
/* Room for n keys; hex_cap: expected text bytes (grows when short). 0 or BTQ_ENOMEM. */
int btq__keyset_init(btq__keyset *k, size_t n, size_t hex_cap);
/* Append one key (at most the n of init). 0 or BTQ_ENOMEM. */
int btq__keyset_add(btq__keyset *k, const uint8_t *key, size_t len);
void btq__keyset_free(btq__keyset *k);

/* Raw storage values for n keys at the pin: vals[i] (btq_malloc'd or NULL when absent),
 * lens[i]. One key: state_getStorage; several: state_queryStorageAt chunks sent concurrently.
 * Answers are parsed on the thread that finishes the fetch. btq__fetch_free may be called at
 * any time (answers still outstanding keep the memory until they arrive). */
typedef struct btq__fetch btq__fetch;
/* Like btq__fetch_start_notify (done may be NULL) with the keys given as a key set, whose
 * contents are moved into the fetch (also on error: keys is left empty). Every fetch borrows
 * its pin's block hash: the pin must live until the fetch is finished. */
int btq__fetch_start_keys(const btq_pin *pin, btq__keyset *keys, void (*done)(void *), void *user,
                          btq__fetch **out, btq_error *err);
/* Visitor over the answers: key i's value (val NULL when absent; borrowed, valid during the
 * call only). Keys are visited in chunk order, each at least once (a node repeating a key in
 * its answer visits it again: the last visit wins). A non-zero return stops the fetch. */
typedef int (*btq__fetch_visit_fn)(void *user, size_t i, const uint8_t *val, size_t len,
                                   btq_error *err);
/* Wait (timeout_ms < 0: until the transport's deadlines) and visit every key. 0 or the first
 * error (a visitor's, a transport error, BTQ_EPROTOCOL, BTQ_ETIMEDOUT). */
int btq__fetch_visit(btq__fetch *f, int timeout_ms, btq__fetch_visit_fn fn, void *user,
                     btq_error *err);
int btq__fetch_start(const btq_pin *pin, uint8_t *const *keys, const size_t *klens, size_t n,
                     btq__fetch **out, btq_error *err);
int btq__fetch_finish(btq__fetch *f, int timeout_ms, uint8_t **vals, size_t *lens, btq_error *err);
void btq__fetch_free(btq__fetch *f);
/* Notify form: like btq__fetch_start, but done(user) runs exactly once when every answer has
 * arrived (on the transport loop thread, or on the calling thread before this returns when the
 * answers were quicker); done must be cheap. On an error return done never runs (and a
 * partly sent fetch frees itself when its last answer arrives). */
int btq__fetch_start_notify(const btq_pin *pin, uint8_t *const *keys, const size_t *klens, size_t n,
                            void (*done)(void *), void *user, btq__fetch **out, btq_error *err);

/* btq_storage_start in notify form (see btq__fetch_start_notify); finish the op with
 * btq_storage_finish once done has run (it does not wait then). */
int btq__storage_start_notify(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                              void (*done)(void *), void *user, btq_storage_op **out,
                              btq_error *err);

/* Async worker (async.c). init in btq_client_new; in btq_client_free: quiesce (no job runs
 * any more; later ones are canceled) before btq_rpc_free, then join after it. */
void btq__worker_init(btq_client *c);
void btq__worker_quiesce(btq_client *c);
void btq__worker_join(btq_client *c);

#endif
