/* The misbehaving mock node: a libwebsockets server on 127.0.0.1 (ephemeral port) with its own
 * service thread, answering JSON-RPC from a replay file, a handler callback and built-in
 * methods, and misbehaving on command. Used by tests/rpc and bench/ (bench includes the .c).
 *
 * ANSWERS (first that applies):
 *   1. a queued fault rule (mock_node_fault) matching the request;
 *   2. the handler callback (opts.handler) when it returns non-NULL;
 *   3. subscriptions: *_subscribe* methods of the table in mock_node.c (chain_subscribeNewHeads
 *      -> "chain_newHead" notifications, state_subscribeStorage, author_submitAndWatchExtrinsic,
 *      mock_subscribe -> "mock_notification", ...) answer a fresh string id ("mocksub<N>");
 *      the matching unsubscribe answers true (false for an unknown id);
 *   4. the replay table: method + params compared as canonical JSON text (cJSON unformatted);
 *      a {"__cycle__": [a, b]} response answers a, b, a, b, ... to successive identical requests;
 *   5. built-ins: mock_echo -> result = the request's params (canonical JSON);
 *      mock_counter -> 1, 2, 3...; author_submitExtrinsic -> "0x" + 64 hex digits (a counter);
 *      mock_big -> a string of N 'x' (N = params[0]);
 *   6. JSON-RPC error -32601 "Method not found".
 * Every answer carries the request's own id (raw JSON text, so 7 and "7" stay distinct). A JSON
 * array request (batch) is answered with one JSON array. Unparseable text -> -32700, id null.
 *
 * THREADS: every function below may be called from any thread; they take the node's lock and
 * wake the server loop with lws_cancel_service. The handler runs on the server thread.
 * All frames are built by the mock itself (server frames are unmasked) and written raw: the
 * answers produced by one read batch go out in one write right after it (a zero-delay lws_sul,
 * no writeable round trip), so the hot path is cheap (pre-serialised replay answers, cached
 * method and replay look-ups). Closes on command (MOCK_CLOSE_AFTER, close_every) are graceful:
 * close frame 1001 after the last answer, FIN, then the mock keeps reading until the peer
 * closes (at most 3 s), so no RST can destroy answers the peer has not read yet. Drops
 * (MOCK_DROP_*, drop_all) are abrupt: shutdown of the socket, no close frame.
 */
#ifndef BTQ_MOCK_NODE_H
#define BTQ_MOCK_NODE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mock_node mock_node;

/* Return a malloc'd JSON text to answer with, or NULL to fall through. Set *rpc_error_code
 * non-zero to answer a JSON-RPC error instead: the returned text is then its message (plain
 * text). params_json is the canonical params text. Runs on the server thread. */
typedef char *(*mock_handler_fn)(void *user, const char *method, const char *params_json,
                                 int *rpc_error_code);

typedef struct mock_node_opts {
    int port;                /* 0 = ephemeral (read it with mock_node_port) */
    const char *replay_path; /* JSON Lines {method, params, response}; NULL = none */
    const char *replay_test; /* only lines whose "test" equals this; NULL = all */
    mock_handler_fn handler; /* optional */
    void *handler_user;
    int count_params;    /* 1: count requests per (method, params) too */
    size_t max_rx_bytes; /* reassembled request cap, default 64 MiB (then dropped) */
    /* TLS mode: both set = serve wss:// with this PEM certificate (chain) and private key
     * (paths copied); mock_node_url then gives "wss://127.0.0.1:<port>". NULL = plain ws://. */
    const char *tls_cert_path;
    const char *tls_key_path;
} mock_node_opts;

/* Start: loads the replay file, listens, runs the service thread. NULL on failure. */
mock_node *mock_node_start(const mock_node_opts *opts);
/* Stop listening, close every connection, join the thread, free. NULL is a no-op. */
void mock_node_stop(mock_node *n);
int mock_node_port(const mock_node *n);
/* "ws://127.0.0.1:<port>", or "wss://127.0.0.1:<port>" in TLS mode (pointer into the node,
 * valid until stop). */
const char *mock_node_url(const mock_node *n);
/* Load (more) replay lines; returns the number of entries added or -1. */
int mock_node_load_replay(mock_node *n, const char *path, const char *test);

/* ---- misbehaviour ------------------------------------------------------------------------ */
enum mock_fault_kind {
    MOCK_SILENT = 1,  /* never answer */
    MOCK_DROP_BEFORE, /* drop the connection on receipt, no answer */
    MOCK_DROP_MID,    /* write the first part of the answer (non-final fragment), then drop
                         the connection abruptly (arg = bytes of the part, default half) */
    MOCK_CLOSE_AFTER, /* answer, then close the connection gracefully (1001 going away) */
    MOCK_WRONG_ID,    /* first a copy with a wrong id (an id never used), then the answer */
    MOCK_DUP_ID,      /* answer twice */
    MOCK_JUNK_JSON,   /* arg (default 1) invalid-JSON frames, then the answer */
    MOCK_JUNK_UTF8,   /* arg (default 1) text frames with invalid UTF-8, then the answer */
    MOCK_OVERSIZE,    /* answer whose whole message is exactly arg bytes (default 17 MiB):
                         the result is a JSON string of 'x' padded to fit */
    MOCK_FRAGMENT,    /* the answer split into arg (default 16) continuation frames */
    MOCK_SLOW,        /* the answer is written arg ms later (later answers wait behind it) */
    MOCK_HOLD,        /* hold the answers of the `count` matching requests, then release them
                         all in reverse order (out of order) */
    MOCK_RPC_ERROR,   /* answer {"error":{"code":rpc_code,"message":text}} */
    MOCK_RESULT,      /* answer with text as the raw result JSON */
    MOCK_UNKNOWN_ID   /* first an answer with an id no request has, then the answer (= WRONG_ID
                         with a number id) */
};

typedef struct mock_fault {
    enum mock_fault_kind kind;
    const char *method; /* only requests of this method; NULL = any (copied) */
    unsigned count;     /* how many matching requests it applies to; 0 = 1 */
    size_t arg;         /* kind-specific, see above; 0 = default */
    int rpc_code;       /* MOCK_RPC_ERROR */
    const char *text;   /* MOCK_RPC_ERROR message / MOCK_RESULT JSON (copied) */
} mock_fault;

/* Queue a rule; rules are consumed in FIFO order by matching requests. 0 or -1. */
int mock_node_fault(mock_node *n, const mock_fault *f);
/* Remove every queued rule (held answers are released in order). */
void mock_node_clear_faults(mock_node *n);
/* Close the connection right after every Nth answer (counted over all connections); 0 = off. */
void mock_node_set_close_every(mock_node *n, unsigned every);
/* Delay every answer by ms (0 = off). */
void mock_node_set_delay(mock_node *n, unsigned ms);
/* Back-pressure: after every `every`-th message received on a connection, the server thread
 * sleeps ms (it neither reads nor writes meanwhile), so the peer's socket buffers fill and its
 * writes go partial while answers keep arriving between stalls. every or ms 0 = off. */
void mock_node_set_read_stall(mock_node *n, unsigned every, unsigned ms);
/* 1: accept and immediately close every new TCP connection (before the handshake). */
void mock_node_set_refuse(mock_node *n, int refuse);
/* Drop every open connection abruptly (no close frame) right now. */
void mock_node_drop_all(mock_node *n);
/* Stop listening and close everything, keeping the port (connections are refused). */
int mock_node_pause(mock_node *n);
/* Listen again on the same port. 0 or -1. */
int mock_node_resume(mock_node *n);
/* pause + resume. 0 or -1. */
int mock_node_restart(mock_node *n);
/* Send one raw text frame (any bytes) to every open connection. Returns connections reached. */
int mock_node_send_raw(mock_node *n, const char *data, size_t len);

/* ---- subscriptions ----------------------------------------------------------------------- */
/* Send a notification {"method": <notification of sub_method>, "params": {"subscription": id,
 * "result": result_json}} to every active subscription made with sub_method (NULL = all).
 * Returns the number of notifications queued. */
int mock_node_notify(mock_node *n, const char *sub_method, const char *result_json);
/* For subscriptions made from now on: send `count` notifications with result_json right
 * after the subscribe reply, or BEFORE it when before_reply = 1. count 0 turns it off. */
void mock_node_set_sub_initial(mock_node *n, const char *result_json, unsigned count,
                               int before_reply);
/* Active subscriptions. */
unsigned mock_node_subscriptions(mock_node *n);

/* ---- counters ---------------------------------------------------------------------------- */
typedef struct mock_node_stats {
    uint64_t connections_accepted; /* websocket handshakes completed */
    uint64_t connections_refused;  /* closed at accept (set_refuse) */
    uint64_t connections_open;
    uint64_t requests;          /* JSON-RPC requests seen (batch items counted one by one) */
    uint64_t messages_received; /* websocket messages received */
    uint64_t answers;           /* answers queued (incl. duplicates, junk excluded) */
    uint64_t frames_sent;       /* websocket frames written (fragments counted one by one) */
    uint64_t drops;             /* connections dropped or closed by a fault / command */
    uint64_t notifications;
    uint64_t unsubscribes;
} mock_node_stats;

void mock_node_get_stats(mock_node *n, mock_node_stats *out);
/* Requests seen of one method (NULL = all). */
uint64_t mock_node_requests(mock_node *n, const char *method);
/* Requests seen with exactly this method and params (canonicalised); needs count_params. */
uint64_t mock_node_requests_params(mock_node *n, const char *method, const char *params_json);
/* Block until mock_node_requests(method) >= count or timeout_ms passed. 0 or -1 (timeout). */
int mock_node_wait_requests(mock_node *n, const char *method, uint64_t count, int timeout_ms);
/* Block until connections_accepted >= count or timeout. 0 or -1. */
int mock_node_wait_connections(mock_node *n, uint64_t count, int timeout_ms);
/* Block until connections_open == count or timeout. 0 or -1. */
int mock_node_wait_open(mock_node *n, uint64_t count, int timeout_ms);

#endif
