/* btq — JSON-RPC over websockets (the transport layer, src/rpc/).
 *
 * One btq_rpc handle = one websocket to one endpoint (plus ordered fallbacks), multiplexing many
 * JSON-RPC requests matched by id, answered in any order.
 *
 * THREADS AND CALLBACKS
 *   - By default a handle owns one internal loop thread that owns the libwebsockets context.
 *     Every btq_rpc_* submission function may be called from any thread (including from inside
 *     a callback); submissions go through a locked queue and wake the loop.
 *   - Callbacks always run on the loop thread (or, in manual mode, inside btq_rpc_poll()).
 *     If an _async call returns an error, its callback never runs; if it returns 0, the
 *     callback runs exactly once (subscriptions: N notifications, then exactly once with a
 *     final non-zero status).
 *   - Callback arguments (result text, error) are borrowed: valid only during the callback.
 *     Copy what you keep. result_json is NUL-terminated (len excludes the NUL).
 *   - Callbacks must not block on the same handle (btq_rpc_call, btq_future_wait on a future
 *     of this handle): that would deadlock the loop; such calls return BTQ_EINVAL instead.
 *   - Manual mode (options.manual_poll = 1): no thread is created; nothing happens unless the
 *     application calls btq_rpc_poll(); callbacks run inside it. Submissions may still be
 *     made from any thread. Blocking calls on a manual handle poll it themselves.
 *
 * CONNECTION LIFECYCLE
 *   - Lazy: the socket opens on the first request. It closes after idle_timeout_ms with
 *     nothing in flight, nothing queued and no subscription; the next request reopens it.
 *   - Every request has a deadline (request_timeout_ms, default 60 s) -> BTQ_ETIMEDOUT.
 *     Connect + websocket handshake must finish within connect_timeout_ms (default 10 s).
 *   - At most max_in_flight requests are written at once; more queue (they never fail for it).
 *   - On a dropped connection (or a failed connect while requests wait) the manager reconnects
 *     with backoff 100 ms * 2^n (capped at 10 s, with +-25 % jitter), trying the main URL then
 *     each fallback URL in order per round. A request that has seen max_attempts (default 5)
 *     failed connection attempts ends with BTQ_ERETRIES (or BTQ_ECONNECT if it never
 *     connected). While idle (nothing pending) there is no reconnect loop.
 *   - Requests in flight at a drop:
 *       idempotent reads  -> re-sent on the new socket, exactly once per drop (never twice on
 *                            one socket); bounded by the request deadline and max_attempts;
 *       submissions (author_submit*, author_submitAndWatch*, and any call made with
 *       BTQ_RPC_NON_IDEMPOTENT) -> end with BTQ_EOUTCOME, never re-sent.
 *     Requests that were only queued (never written) are sent after the reconnect normally.
 *   - SUBSCRIPTIONS ARE NOT RE-SUBSCRIBED AUTOMATICALLY. On a drop each active subscription
 *     ends with the final status BTQ_ECONNLOST; the caller decides whether to subscribe again
 *     (it may have missed notifications in between, which only the caller can judge).
 *   - Untrusted input: messages are reassembled from fragments up to max_message_bytes
 *     (default 16 MiB). A larger message is dropped; when its id can be read from its first or
 *     last bytes that request ends BTQ_ETOOBIG and the connection stays; otherwise the
 *     connection is closed and every request in flight ends BTQ_ETOOBIG (not re-sent: the same
 *     answer would be too big again). Invalid UTF-8,
 *     invalid JSON, nesting deeper than 64, unknown or duplicate ids are counted in stats and
 *     dropped; after max_bad_messages (default 100; 0 = unlimited) of them the connection is
 *     closed and treated as a drop.
 *
 * SECURITY
 *   - wss:// verifies the certificate chain and host name against the system CAs (or ca_file);
 *     a failed verification ends the waiting requests with BTQ_ETLS.
 *     tls_insecure = 1 skips both and logs a warning on every connect.
 *   - ws:// to a host other than localhost / 127.0.0.0/8 / ::1 fails with BTQ_EINSECURE
 *     unless allow_plain_ws = 1.
 *
 * Chain quantities are never read from JSON numbers: results are handed over as the raw JSON
 * text of the "result" member, exactly as the node sent it.
 */
#ifndef BTQ_RPC_H
#define BTQ_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "btq/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct btq_rpc btq_rpc;
typedef struct btq_future btq_future;

/* ---- logging ------------------------------------------------------------------------------ */
enum btq_rpc_log_level {
    BTQ_RPC_LOG_ERROR = 0,
    BTQ_RPC_LOG_WARN = 1,
    BTQ_RPC_LOG_INFO = 2,
    BTQ_RPC_LOG_DEBUG = 3
};
/* msg is borrowed, NUL-terminated, one line without newline. Payloads are never logged.
 * Called from the loop thread (or from the thread calling btq_rpc_new for option warnings). */
typedef void (*btq_rpc_log_fn)(int level, const char *msg, void *user);

/* ---- options ------------------------------------------------------------------------------ */
typedef struct btq_rpc_options {
    const char *url;                  /* ws://host[:port][/path] or wss://…; copied. Required */
    const char *const *fallback_urls; /* tried in order when the main URL fails; copied */
    size_t n_fallback_urls;
    uint32_t request_timeout_ms; /* per request deadline, default 60000; 0 = no deadline */
    uint32_t connect_timeout_ms; /* connect + handshake, default 10000 */
    uint32_t idle_timeout_ms;    /* idle close, default 10000; 0 = never close when idle */
    uint32_t backoff_initial_ms; /* default 100 */
    uint32_t backoff_max_ms;     /* default 10000 */
    uint32_t max_attempts;       /* connection attempts per request, default 5 */
    uint32_t max_in_flight;      /* requests written and unanswered, default 1024 */
    size_t max_message_bytes;    /* reassembled message cap, default 16 MiB */
    uint32_t max_bad_messages;   /* close after this many dropped messages, default 100;
                                    0 = never close for it */
    int allow_plain_ws;          /* 1: permit ws:// to a non-loopback host */
    int tls_insecure;            /* 1: skip certificate and host name checks (warns) */
    const char *ca_file;         /* PEM CA bundle instead of the system CAs; copied */
    const char *record_path;     /* append JSON Lines {"method","params","response"} of
                                    every answered request; copied; NULL = off */
    btq_rpc_log_fn log;          /* NULL = silent */
    void *log_user;
    int log_level;   /* highest level passed to log, default BTQ_RPC_LOG_WARN */
    int manual_poll; /* 1: no internal thread; drive with btq_rpc_poll() */
} btq_rpc_options;

/* Fill *opt with the defaults above (url NULL). Always call before setting fields. */
void btq_rpc_options_init(btq_rpc_options *opt);

/* An endpoint URL as btq's own log lines and error messages show it, for applications that
 * print URLs themselves (the btq command does): the user-info ("user:password@") becomes
 * "***@" and everything from the first '?' or '#' on (query strings often carry API keys)
 * becomes "?***"; control and non-ASCII bytes become '?'. Works on any text, valid URL or not.
 * Writes into the caller's buffer out of cap bytes, always NUL-terminated when cap > 0.
 * Returns the length written (>= 0), BTQ_EINVAL (url or out NULL, cap 0) or BTQ_ENOSPACE (the
 * redacted text did not fit: out holds its first cap - 1 bytes, still redacted). Allocates
 * nothing; thread-safe. */
int btq_url_redact(const char *url, char *out, size_t cap);

/* ---- handle ------------------------------------------------------------------------------- */
/* Create a handle. Validates the URL(s) (BTQ_EURL, BTQ_EINSECURE) and, unless manual_poll,
 * starts the loop thread. Does not connect (lazy). err optional. 0 or BTQ_E*. */
int btq_rpc_new(const btq_rpc_options *opt, btq_rpc **out, btq_error *err);
/* Close the connection, stop the thread and free. Every pending call completes with
 * BTQ_ECANCELED and every subscription ends with BTQ_ECANCELED (callbacks run once, on the
 * calling thread, before this returns). NULL is a no-op. Must not be called from a callback
 * of this handle, nor while other threads may still submit to it. */
void btq_rpc_free(btq_rpc *rpc);

/* ---- calls -------------------------------------------------------------------------------- */
/* status 0: result_json/len = raw JSON text of "result" (borrowed, NUL-terminated), err NULL.
 * status < 0: result_json NULL, len 0; err non-NULL with code = status and, for BTQ_ERPC,
 * rpc_code = the node's error code and message = its message (borrowed). */
typedef void (*btq_rpc_cb)(int status, const char *result_json, size_t len, const btq_error *err,
                           void *user);

enum btq_rpc_flags {
    BTQ_RPC_NON_IDEMPOTENT = 1 << 0 /* never re-send after a drop (author_submit* always are) */
};

/* Queue one request. method copied (letters, digits, '_' only); params_json copied: a JSON
 * array or object text, or NULL for []. It is validated (BTQ_EJSON) but not reformatted.
 * Returns 0 (cb runs exactly once later) or BTQ_EINVAL / BTQ_EJSON / BTQ_ENOMEM /
 * BTQ_ECLOSED (cb never runs). */
int btq_rpc_call_async(btq_rpc *rpc, const char *method, const char *params_json, unsigned flags,
                       btq_rpc_cb cb, void *user);

/* One entry of a batch; every field borrowed for the duration of btq_rpc_batch_async. */
typedef struct btq_rpc_batch_item {
    const char *method;
    const char *params_json; /* NULL = [] */
    unsigned flags;
    btq_rpc_cb cb;
    void *user;
} btq_rpc_batch_item;

/* Send n (1..1024) requests as one JSON array message. Each item's callback runs exactly once
 * with its own answer (answers matched by id, in any order). All or nothing: on an error
 * return no callback runs. */
int btq_rpc_batch_async(btq_rpc *rpc, const btq_rpc_batch_item *items, size_t n);

/* Blocking call built on btq_rpc_call_async. On 0, *result (transferred, free with btq_free,
 * NUL-terminated) and *len (optional) hold the raw result JSON. On error *result = NULL and
 * err (optional) is filled, incl. rpc_code/message for BTQ_ERPC. Not from a callback. */
int btq_rpc_call(btq_rpc *rpc, const char *method, const char *params_json, unsigned flags,
                 char **result, size_t *len, btq_error *err);

/* ---- futures: a ready-made callback target ------------------------------------------------ */
btq_future *btq_future_new(void);
/* Frees. If the future was armed with btq_rpc_call_future and has not completed yet, the
 * memory is released only once the call completes (safe). With btq_future_cb used by hand,
 * wait for completion before freeing. NULL is a no-op. */
void btq_future_free(btq_future *f);
/* Callback to pass as cb with user = the future. Copies the result and error. */
void btq_future_cb(int status, const char *result_json, size_t len, const btq_error *err,
                   void *user);
/* btq_rpc_call_async(rpc, method, params, flags, btq_future_cb, f), and remember rpc so that
 * waiting on a manual-poll handle polls it. A future may be armed once; btq_future_reset to
 * reuse it after completion. Returns like btq_rpc_call_async. */
int btq_rpc_call_future(btq_rpc *rpc, const char *method, const char *params_json, unsigned flags,
                        btq_future *f);
/* Wait up to timeout_ms (<0: forever). Returns the call's status (0 or BTQ_E*) when done,
 * or BTQ_ETIMEDOUT if still pending after timeout_ms (the call itself continues; wait again
 * or free). Not from a callback of the same handle. */
int btq_future_wait(btq_future *f, int timeout_ms);
/* Wait until all n futures are done or timeout_ms (<0 forever) passed. Returns 0 when all are
 * done (check each status) or BTQ_ETIMEDOUT. */
int btq_future_wait_all(btq_future *const *fs, size_t n, int timeout_ms);
/* 1 if completed. */
int btq_future_done(const btq_future *f);
/* Status of a completed future (BTQ_EINVAL while pending). */
int btq_future_status(const btq_future *f);
/* Result text of a completed successful future: borrowed (valid until reset/free),
 * NUL-terminated; NULL otherwise. len optional. */
const char *btq_future_result(const btq_future *f, size_t *len);
/* Error detail of a completed failed future (borrowed), NULL otherwise. */
const btq_error *btq_future_error(const btq_future *f);
/* Make a completed future reusable. Returns BTQ_EINVAL while pending. */
int btq_future_reset(btq_future *f);

/* ---- subscriptions ------------------------------------------------------------------------ */
/* Subscribe with sub_method (e.g. "chain_subscribeNewHeads") and params (NULL = []); the
 * notifications' "params"."result" is passed to cb with status 0, as raw JSON (borrowed).
 * Finally cb runs exactly once with a non-zero status and result NULL:
 *   BTQ_ECLOSED    after btq_rpc_unsubscribe (the final callback runs as soon as the loop
 *                  handles it; the unsubscribe request itself is sent in the background;
 *                  BTQ_ENOMEM instead when that request could not even be built, so the node
 *                  may keep the subscription until the connection closes),
 *   BTQ_ECONNLOST  the connection dropped (not re-subscribed: see above),
 *   BTQ_ERPC etc.  the subscribe call itself failed,
 *   BTQ_ENOMEM     also when a notification that came before the subscribe reply could not be
 *                  kept for lack of memory (never dropped silently),
 *   BTQ_ECANCELED  btq_rpc_free.
 * Notifications arriving before the subscribe reply are kept and delivered right after it.
 * unsub_method (e.g. "chain_unsubscribeNewHeads") is required; copied.
 * *sub_id (optional) receives a local handle id (never 0) for btq_rpc_unsubscribe. */
int btq_rpc_subscribe(btq_rpc *rpc, const char *sub_method, const char *params_json,
                      const char *unsub_method, btq_rpc_cb cb, void *user, uint64_t *sub_id);
/* Ask to end a subscription: sends unsub_method and then the final callback runs with
 * BTQ_ECLOSED. Returns 0, or BTQ_ENOTFOUND when sub_id is unknown or already ended. */
int btq_rpc_unsubscribe(btq_rpc *rpc, uint64_t sub_id);

/* ---- manual mode -------------------------------------------------------------------------- */
/* Manual mode only: wait up to timeout_ms (0 = do not wait) for socket activity or a timer,
 * handle what is ready (connect, write, read, deadlines) and run the due callbacks, then
 * return. Call it in a loop. Returns 0, or BTQ_EINVAL on a handle with a loop thread or when
 * called from one of this handle's callbacks. */
int btq_rpc_poll(btq_rpc *rpc, int timeout_ms);

/* ---- statistics --------------------------------------------------------------------------- */
typedef struct btq_rpc_stats {
    uint64_t in_flight;          /* written, not yet answered */
    uint64_t queued;             /* waiting to be written (cap, connecting, backoff) */
    uint64_t subscriptions;      /* active subscriptions */
    uint64_t requests_sent;      /* frames written, re-sends included */
    uint64_t responses;          /* answers matched to a request */
    uint64_t notifications;      /* subscription notifications delivered */
    uint64_t connects;           /* successful websocket handshakes */
    uint64_t reconnects;         /* handshakes after a drop or a failed attempt */
    uint64_t resent;             /* idempotent requests re-sent after a drop */
    uint64_t timeouts;           /* requests ended BTQ_ETIMEDOUT */
    uint64_t dropped_unknown_id; /* answers to no pending request (incl. duplicates) */
    uint64_t dropped_invalid;    /* invalid UTF-8 / JSON / shape / nesting */
    uint64_t dropped_too_big;    /* messages past max_message_bytes */
    uint64_t bytes_sent;         /* payload bytes */
    uint64_t bytes_received;
} btq_rpc_stats;

/* Snapshot (thread-safe). 0 or BTQ_EINVAL. */
int btq_rpc_get_stats(btq_rpc *rpc, btq_rpc_stats *out);

#ifdef __cplusplus
}
#endif
#endif
