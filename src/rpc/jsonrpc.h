/* Sans-I/O JSON-RPC codec (internal): strict JSON validation with a nesting limit and UTF-8
 * checks, zero-copy member lookup (spans into the caller's text), request building and
 * response / notification classification. No I/O, no allocation except request building. */
#ifndef BTQ_RPC_JSONRPC_H
#define BTQ_RPC_JSONRPC_H

#include <stddef.h>
#include <stdint.h>

#define BTQ_JR_MAX_DEPTH 64

typedef struct btq_jr_span {
    const char *p;
    size_t n;
} btq_jr_span;

/* 1 if s[0..n) is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
int btq_jr_utf8_valid(const unsigned char *s, size_t n);

/* Validate one complete JSON text (RFC 8259; surrounding whitespace allowed) with containers
 * nested at most max_depth deep. Returns 0, BTQ_EUTF8, BTQ_EDEPTH or BTQ_EJSON. */
int btq_jr_json_validate(const char *s, size_t n, int max_depth);

/* Helpers on VALIDATED text only. */
/* Span of the value starting at (or after whitespace from) p; returns the end pointer. */
const char *btq_jr_json_skip(const char *p, const char *end);
/* Find key (exact, case-sensitive, raw compare) among the members of object span obj. First
 * occurrence wins. 1 found (*val set), 0 not. */
int btq_jr_json_obj_get(btq_jr_span obj, const char *key, btq_jr_span *val);
/* Iterate an array span: *it starts as NULL; returns 1 with *elem set, 0 at the end. */
int btq_jr_json_array_next(btq_jr_span arr, const char **it, btq_jr_span *elem);
/* Parse a span holding a non-negative JSON integer without fraction/exponent into *v. */
int btq_jr_json_u64(btq_jr_span s, uint64_t *v);

/* ---- JSON-RPC messages ---- */
enum btq_jr_kind {
    BTQ_JR_INVALID = 0,     /* valid JSON of the wrong shape */
    BTQ_JR_RESPONSE = 1,    /* has "id" and "result" or "error" */
    BTQ_JR_NOTIFICATION = 2 /* has "method" and "params" with "subscription" and "result" */
};

typedef struct btq_jr_msg {
    int kind;
    int id_ok; /* RESPONSE: 1 if the id is an integer we could have sent */
    uint64_t id;
    int is_error;       /* RESPONSE: "error" present (takes precedence over "result") */
    btq_jr_span result; /* RESPONSE: result value; NOTIFICATION: params.result */
    btq_jr_span error;  /* RESPONSE with is_error: the error object */
    btq_jr_span method; /* NOTIFICATION: method string token (with quotes) */
    btq_jr_span sub;    /* NOTIFICATION: params.subscription raw token */
} btq_jr_msg;

/* Classify one validated JSON value (object). Returns the kind. */
int btq_jr_classify(btq_jr_span obj, btq_jr_msg *m);

/* btq_jr_json_validate and, when the text is one object, btq_jr_classify in the same pass.
 * Returns what btq_jr_json_validate returns; on 0, *m is classified (kind BTQ_JR_INVALID when
 * the text is not an object, e.g. a batch array). */
int btq_jr_validate_classify(const char *s, size_t n, int max_depth, btq_jr_msg *m);

/* Extract code and message from a validated error object span. msg (cap >= 1) receives the
 * message, unescaped, truncated and NUL-terminated. *code = 0 when absent or not integral. */
void btq_jr_error_detail(btq_jr_span error, int64_t *code, char *msg, size_t cap);

/* 1 if method is a non-empty [A-Za-z0-9_] name of at most 128 chars. */
int btq_jr_method_ok(const char *method);
/* 1 if the method is a submission that must never be re-sent (author_submit*). */
int btq_jr_method_is_submission(const char *method);

/* Build {"jsonrpc":"2.0","id":ID,"method":"METHOD","params":PARAMS} into a new btq_malloc'd
 * buffer with `headroom` spare bytes in front (for the websocket header). params NULL -> [].
 * params must already be validated. On success *buf (transferred), *len (text length, not
 * counting headroom), *params_off (offset of params within the text). 0 or BTQ_ENOMEM. */
int btq_jr_build_request(uint64_t id, const char *method, const char *params, size_t params_len,
                         size_t headroom, unsigned char **buf, size_t *len, size_t *params_off);

/* Validate caller params: NULL ok; otherwise a JSON array or object. 0 or BTQ_EJSON. */
int btq_jr_params_ok(const char *params, size_t len);

#endif
