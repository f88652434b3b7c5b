/* btq — error codes and the optional caller-owned error detail.
 *
 * Every fallible call returns int: 0 on success or a negative BTQ_E* code from the one table
 * below (libuv's UV_ERRNO_MAP pattern). Detail (byte offset, value path, the node's JSON-RPC
 * code, a message) goes into an optional caller-owned btq_error; pass NULL when not wanted.
 * There is no global or per-handle "last error", and the library never prints.
 */
#ifndef BTQ_ERROR_H
#define BTQ_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* XX(name, value, message). Values are stable once released: append, never renumber. */
#define BTQ_ERRNO_MAP(XX)                                                                          \
    /* general */                                                                                  \
    XX(EINVAL, -1, "invalid argument")                                                             \
    XX(ENOMEM, -2, "out of memory")                                                                \
    XX(ENOSPACE, -3, "output buffer too small")                                                    \
    XX(EINTERNAL, -4, "internal error")                                                            \
    XX(EIO, -5, "input/output error")                                                              \
    XX(ENOTSUP, -6, "not supported")                                                               \
    /* SCALE decoding */                                                                           \
    XX(ESHORT, -10, "input ended before the value was complete")                                   \
    XX(ENONCANONICAL, -11, "non-canonical compact encoding")                                       \
    XX(EOVERFLOW, -12, "value does not fit the target type")                                       \
    XX(EBADBOOL, -13, "invalid boolean byte (must be 0 or 1)")                                     \
    XX(EBADVARIANT, -14, "invalid variant, Option or Result tag")                                  \
    XX(ETRAILING, -15, "trailing bytes after the value")                                           \
    XX(EDEPTH, -16, "nesting deeper than the limit")                                               \
    XX(ETOOMANY, -17, "more items than the input can hold or the limit allows")                    \
    XX(EUTF8, -18, "invalid UTF-8")                                                                \
    XX(EBADCHAR, -19, "invalid char (not a Unicode scalar value)")                                 \
    XX(ETYPEID, -20, "type id out of range")                                                       \
    XX(EBITSEQ, -21, "unsupported bit-sequence store or order type")                               \
    /* metadata and typed access */                                                                \
    XX(EMAGIC, -30, "not runtime metadata (bad magic)")                                            \
    XX(EMDVERSION, -31, "unsupported metadata version")                                            \
    XX(ETYPECYCLE, -32, "type cycle that consumes no bytes")                                       \
    XX(ENOTFOUND, -33, "no such pallet, entry, constant, method, field or element")                \
    XX(ETYPE, -34, "value is of another kind or type")                                             \
    /* text formats */                                                                             \
    XX(EHEX, -40, "invalid hex string")                                                            \
    XX(EJSON, -41, "invalid JSON or JSON of the wrong shape")                                      \
    XX(ENUMBER, -42, "invalid number")                                                             \
    /* SS58 and keys */                                                                            \
    XX(ESS58CHAR, -50, "invalid base58 character in address")                                      \
    XX(ESS58CHECKSUM, -51, "SS58 checksum mismatch")                                               \
    XX(ESS58LEN, -52, "invalid SS58 address length")                                               \
    XX(ESS58PREFIX, -53, "SS58 prefix reserved or out of range")                                   \
    XX(ESS58NETWORK, -54, "SS58 address belongs to another network prefix")                        \
    XX(EHASHER, -55, "unknown storage hasher")                                                     \
    /* transport */                                                                                \
    XX(EURL, -60, "invalid endpoint URL")                                                          \
    XX(EINSECURE, -61, "plain ws:// to a non-loopback host needs explicit opt-in")                 \
    XX(ECONNECT, -62, "connection failed")                                                         \
    XX(ETLS, -63, "TLS certificate verification failed")                                           \
    XX(ETIMEDOUT, -64, "request timed out")                                                        \
    XX(ECONNLOST, -65, "connection lost")                                                          \
    XX(EOUTCOME, -66, "connection lost during a submission; outcome unknown")                      \
    XX(ERETRIES, -67, "reconnect attempts exhausted")                                              \
    XX(ERPC, -68, "the node returned a JSON-RPC error")                                            \
    XX(EPROTOCOL, -69, "malformed or unexpected response from the node")                           \
    XX(ETOOBIG, -70, "message larger than the configured cap")                                     \
    XX(ECANCELED, -71, "operation canceled")                                                       \
    XX(ECLOSED, -72, "client or subscription closed")                                              \
    /* client */                                                                                   \
    XX(ERUNTIME, -80, "runtime version or metadata unavailable")                                   \
    XX(ENOSUBNET, -81, "subnet does not exist")                                                    \
    XX(EWALLET, -82, "wallet file missing or malformed")                                           \
    XX(EBLOCK, -83, "block not found")

enum btq_errno {
    BTQ_OK = 0,
#define BTQ_ERRNO_ENUM_(name, value, msg) BTQ_##name = (value),
    BTQ_ERRNO_MAP(BTQ_ERRNO_ENUM_)
#undef BTQ_ERRNO_ENUM_
};

/* Static message for a code ("unknown error" for codes not in the table). Never NULL. */
const char *btq_strerror(int code);
/* Static symbolic name for a code, e.g. "BTQ_ESHORT" ("BTQ_OK" for 0). Never NULL. */
const char *btq_err_name(int code);

#define BTQ_ERROR_PATH_MAX 128
#define BTQ_ERROR_MSG_MAX 256

/* Caller-owned error detail. Zero-initialise or btq_error_clear() before use. */
typedef struct btq_error {
    int code;                        /* the BTQ_E* code the call returned */
    int64_t rpc_code;                /* JSON-RPC error code from the node (BTQ_ERPC), else 0 */
    size_t offset;                   /* byte offset into the decoded input where it failed */
    char path[BTQ_ERROR_PATH_MAX];   /* value path being decoded, e.g. "data.free" */
    char message[BTQ_ERROR_MSG_MAX]; /* human-readable detail, NUL-terminated */
} btq_error;

void btq_error_clear(btq_error *err);

#ifdef __cplusplus
}
#endif
#endif
