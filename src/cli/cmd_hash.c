/* btq hash — hash bytes (hex) or text with a storage hasher. Offline. */
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/chain.h"
#include "cli.h"

static const char help_text[] =
    "usage: btq hash [--json] ALGO HEX\n"
    "       btq hash [--json] ALGO --text STRING\n"
    "\n"
    "Hash bytes given as hex (0x optional), or the UTF-8 bytes of STRING, and print the\n"
    "result as 0x-prefixed hex. The concat forms and identity append the input itself, as\n"
    "storage keys do.\n"
    "\n"
    "ALGO (either spelling):\n"
    "  blake2_128         Blake2_128        16-byte BLAKE2b\n"
    "  blake2_256         Blake2_256        32-byte BLAKE2b\n"
    "  blake2_128_concat  Blake2_128Concat  blake2_128 || input\n"
    "  twox64                               8-byte xxHash64 (seed 0)\n"
    "  twox128            Twox128           xxHash64 seeds 0, 1\n"
    "  twox256            Twox256           xxHash64 seeds 0..3\n"
    "  twox64_concat      Twox64Concat      twox64 || input\n"
    "  identity           Identity          the input unchanged\n"
    "\n"
    "options:\n"
    "  --text STRING  hash the bytes of STRING instead of hex\n"
    "  --json         print one JSON object {\"algorithm\", \"input\", \"hash\"}\n"
    "\n"
    "examples:\n"
    "  btq hash twox128 --text System\n"
    "  btq hash blake2_128_concat "
    "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\n"
    "  btq hash --json Twox64Concat 0x0100\n";

#define SHOW(s) (int)(strlen(s) > 80 ? 80 : strlen(s)), (s), (strlen(s) > 80 ? "..." : "")

/* Hex of n bytes (0x-prefixed) in a malloc'd string, or NULL. */
static char *to_hex(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 3);
    if (s) btq_hex_encode(p, n, 1, s, 2 * n + 3);
    return s;
}

/* plain_twox64: the one algorithm that is not a storage hasher (h is then ignored). */
static int run(int plain_twox64, btq_hasher h, const uint8_t *in, size_t n, int json)
{
    size_t need = plain_twox64 ? 8 : btq_hasher_output_len(h, n);
    uint8_t *out = malloc(need ? need : 1);
    if (!out) return btq_cli_fail(BTQ_EXIT_FAILURE, "hash", "out of memory");
    int rc = 0;
    if (plain_twox64)
        btq_twox64(in, n, out);
    else
        rc = btq_hash(h, in, n, out, need, NULL);
    if (rc) {
        free(out);
        return btq_cli_fail(btq_cli_exit_for(rc), "hash", "%s", btq_strerror(rc));
    }
    char *hash = to_hex(out, need), *input = json ? to_hex(in, n) : NULL;
    free(out);
    if (!hash || (json && !input)) {
        free(hash);
        free(input);
        return btq_cli_fail(BTQ_EXIT_FAILURE, "hash", "out of memory");
    }
    const char *name = plain_twox64 ? "twox64" : btq_hasher_name(h);
    if (json)
        printf("{\"algorithm\":\"%s\",\"input\":\"%s\",\"hash\":\"%s\"}\n", name, input, hash);
    else
        printf("%s\n", hash);
    free(hash);
    free(input);
    return BTQ_EXIT_OK;
}

int btq_cmd_hash(int argc, char **argv)
{
    const char *algo = NULL, *data = NULL, *text = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (btq_cli_is_help(a)) {
            fputs(help_text, stdout);
            return BTQ_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--text") == 0) {
            if (i + 1 >= argc) return btq_cli_fail(BTQ_EXIT_USAGE, "hash", "--text needs a value");
            if (text) return btq_cli_fail(BTQ_EXIT_USAGE, "hash", "--text given twice");
            text = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return btq_cli_fail(BTQ_EXIT_USAGE, "hash",
                                "unknown option '%.*s%s' (see btq hash --help)", SHOW(a));
        } else if (!algo) {
            algo = a;
        } else if (!data) {
            data = a;
        } else {
            return btq_cli_fail(BTQ_EXIT_USAGE, "hash", "unexpected argument '%.*s%s'", SHOW(a));
        }
    }
    if (!algo) return btq_cli_fail(BTQ_EXIT_USAGE, "hash", "missing ALGO (see btq hash --help)");
    if (text && data)
        return btq_cli_fail(BTQ_EXIT_USAGE, "hash", "give either HEX or --text, not both");
    if (!text && !data) return btq_cli_fail(BTQ_EXIT_USAGE, "hash", "missing HEX or --text STRING");
    btq_hasher h = BTQ_HASHER_IDENTITY;
    int plain_twox64 = strcmp(algo, "twox64") == 0;
    if (!plain_twox64 && btq_hasher_from_name(algo, strlen(algo), &h) != 0)
        return btq_cli_fail(BTQ_EXIT_USAGE, "hash",
                            "unknown algorithm '%.*s%s' (see btq hash --help)", SHOW(algo));
    if (text) return run(plain_twox64, h, (const uint8_t *)text, strlen(text), json);

    size_t len = strlen(data), n = 0;
    uint8_t *bytes = malloc(len / 2 + 1);
    if (!bytes) return btq_cli_fail(BTQ_EXIT_FAILURE, "hash", "out of memory");
    if (btq_hex_decode(data, len, bytes, len / 2 + 1, &n) != 0) {
        free(bytes);
        return btq_cli_fail(BTQ_EXIT_INPUT, "hash", "input '%.*s%s' is not valid hex", SHOW(data));
    }
    int rc = run(plain_twox64, h, bytes, n, json);
    free(bytes);
    return rc;
}
