/* btq ss58 — encode a public key as an SS58 address, or decode an address. Offline. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/chain.h"
#include "cli.h"

static const char help_text[] =
    "usage: btq ss58 encode [--prefix N] [--json] HEX\n"
    "       btq ss58 decode [--prefix N] [--json] ADDRESS\n"
    "\n"
    "encode: the SS58 address of a public key (or any payload of 1, 2, 4, 8, 32 or 33 bytes)\n"
    "        for network prefix N (default 42, generic Substrate and Bittensor).\n"
    "decode: the network prefix and the public key of an address; with --prefix N the address\n"
    "        must belong to network N.\n"
    "\n"
    "options:\n"
    "  --prefix N   network prefix, 0..16383 (46 and 47 are reserved)\n"
    "  --json       print one JSON object {\"prefix\", \"public_key\", \"address\"}\n"
    "\n"
    "examples:\n"
    "  btq ss58 encode 0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\n"
    "  btq ss58 encode --prefix 0 "
    "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\n"
    "  btq ss58 decode 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n"
    "  btq ss58 decode --prefix 42 --json 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n";

/* An argument quoted in an error message, cut at 80 characters: "'%.*s%s'", SHOW(arg). */
#define SHOW(s) (int)(strlen(s) > 80 ? 80 : strlen(s)), (s), (strlen(s) > 80 ? "..." : "")

/* A --prefix value: decimal 0..16383, not reserved. Returns 0 or prints and returns usage. */
static int parse_prefix(const char *s, uint32_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *s == '-' || *s == '+' || *s == ' ' || *end || errno || v > BTQ_SS58_MAX_PREFIX)
        return btq_cli_fail(BTQ_EXIT_USAGE, "ss58", "--prefix '%s' is not a number in 0..%d", s,
                            BTQ_SS58_MAX_PREFIX);
    if (!btq_ss58_prefix_valid((uint32_t)v))
        return btq_cli_fail(BTQ_EXIT_USAGE, "ss58", "--prefix %lu is reserved", v);
    *out = (uint32_t)v;
    return 0;
}

static void print_result(int json, uint32_t prefix, const uint8_t *key, size_t n, const char *addr,
                         int decoding)
{
    char hex[2 * BTQ_SS58_MAX_PAYLOAD + 3];
    btq_hex_encode(key, n, 1, hex, sizeof hex);
    if (json)
        printf("{\"prefix\":%u,\"public_key\":\"%s\",\"address\":\"%s\"}\n", prefix, hex, addr);
    else if (decoding)
        printf("prefix: %u\npublic key: %s\n", prefix, hex);
    else
        printf("%s\n", addr);
}

static int do_encode(const char *arg, int have_prefix, uint32_t prefix, int json)
{
    uint8_t key[BTQ_SS58_MAX_PAYLOAD];
    size_t n = 0;
    int rc = btq_hex_decode(arg, strlen(arg), key, sizeof key, &n);
    if (rc == BTQ_ENOSPACE || (rc == 0 && !btq_ss58_payload_len_valid(n))) {
        size_t digits = strlen(arg) - (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X') ? 2 : 0);
        return btq_cli_fail(BTQ_EXIT_INPUT, "ss58",
                            "public key '%.*s%s' has %zu bytes (SS58 takes 1, 2, 4, 8, 32 or 33)",
                            SHOW(arg), rc ? digits / 2 : n);
    }
    if (rc)
        return btq_cli_fail(BTQ_EXIT_INPUT, "ss58", "public key '%.*s%s' is not valid hex",
                            SHOW(arg));
    if (!have_prefix) prefix = BTQ_SS58_DEFAULT_PREFIX;
    char addr[BTQ_SS58_ADDRESS_CAP];
    btq_error err;
    btq_error_clear(&err);
    rc = btq_ss58_encode(prefix, key, n, addr, sizeof addr, NULL, &err);
    if (rc) return btq_cli_fail(btq_cli_exit_for(rc), "ss58", "cannot encode: %s", err.message);
    print_result(json, prefix, key, n, addr, 0);
    return BTQ_EXIT_OK;
}

static int do_decode(const char *arg, int have_prefix, uint32_t prefix, int json)
{
    uint8_t key[BTQ_SS58_MAX_PAYLOAD];
    size_t n = 0;
    uint16_t got = 0;
    btq_error err;
    btq_error_clear(&err);
    int32_t expected = have_prefix ? (int32_t)prefix : BTQ_SS58_ANY_PREFIX;
    int rc = btq_ss58_decode(arg, strlen(arg), expected, &got, key, sizeof key, &n, &err);
    if (rc)
        return btq_cli_fail(btq_cli_exit_for(rc), "ss58", "invalid address '%.*s%s': %s", SHOW(arg),
                            err.message);
    print_result(json, got, key, n, arg, 1);
    return BTQ_EXIT_OK;
}

int btq_cmd_ss58(int argc, char **argv)
{
    const char *mode = NULL, *arg = NULL;
    int json = 0, have_prefix = 0;
    uint32_t prefix = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (btq_cli_is_help(a)) {
            fputs(help_text, stdout);
            return BTQ_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--prefix") == 0 || strncmp(a, "--prefix=", 9) == 0) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) return btq_cli_fail(BTQ_EXIT_USAGE, "ss58", "--prefix needs a value");
            int rc = parse_prefix(v, &prefix);
            if (rc) return rc;
            have_prefix = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return btq_cli_fail(BTQ_EXIT_USAGE, "ss58", "unknown option '%s' (see btq ss58 --help)",
                                a);
        } else if (!mode) {
            mode = a;
        } else if (!arg) {
            arg = a;
        } else {
            return btq_cli_fail(BTQ_EXIT_USAGE, "ss58", "unexpected argument '%s'", a);
        }
    }
    if (!mode)
        return btq_cli_fail(BTQ_EXIT_USAGE, "ss58",
                            "missing encode or decode (see btq ss58 --help)");
    int encode = strcmp(mode, "encode") == 0;
    if (!encode && strcmp(mode, "decode") != 0)
        return btq_cli_fail(BTQ_EXIT_USAGE, "ss58", "unknown mode '%s' (encode or decode)", mode);
    if (!arg)
        return btq_cli_fail(BTQ_EXIT_USAGE, "ss58", "missing %s (see btq ss58 --help)",
                            encode ? "public key HEX" : "ADDRESS");
    return encode ? do_encode(arg, have_prefix, prefix, json)
                  : do_decode(arg, have_prefix, prefix, json);
}
