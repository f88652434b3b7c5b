/* btq key — the storage key of PALLET ITEM and its map keys. Offline. */
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/chain.h"
#include "cli.h"

static const char help_text[] =
    "usage: btq key [--json] PALLET ITEM [--hasher HASHER KEY]...\n"
    "\n"
    "Print the storage key twox128(PALLET) || twox128(ITEM) || HASHER(KEY)... as hex.\n"
    "PALLET and ITEM are the metadata names (case matters). Each KEY is the SCALE-encoded map\n"
    "key as hex (0x optional), or an SS58 address standing for its 32-byte account id.\n"
    "Without --hasher the 32-byte prefix of the whole storage item is printed.\n"
    "\n"
    "HASHER: blake2_128, blake2_256, blake2_128_concat, twox128, twox256, twox64_concat,\n"
    "        identity (or the metadata spellings Blake2_128Concat, Twox64Concat, ...)\n"
    "\n"
    "options:\n"
    "  --hasher HASHER KEY  add one map key (repeat for double maps and n-maps)\n"
    "  --json               print one JSON object {\"pallet\", \"item\", \"key\"}\n"
    "\n"
    "examples:\n"
    "  btq key System Account --hasher blake2_128_concat "
    "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n"
    "  btq key SubtensorModule Tempo --hasher identity 0x0100     # netuid 1 (u16 LE)\n"
    "  btq key Balances TotalIssuance\n";

#define SHOW(s) (int)(strlen(s) > 80 ? 80 : strlen(s)), (s), (strlen(s) > 80 ? "..." : "")
#define MAX_PARTS 32

/* A map key: hex first, else an SS58 address's 32-byte account id. malloc'd into *out. */
static int parse_key(const char *hasher, const char *s, uint8_t **out, size_t *out_len)
{
    size_t len = strlen(s);
    uint8_t *buf = malloc(len / 2 + BTQ_SS58_MAX_PAYLOAD + 1);
    if (!buf) return btq_cli_fail(BTQ_EXIT_FAILURE, "key", "out of memory");
    if (btq_hex_decode(s, len, buf, len / 2 + 1, out_len) == 0) {
        *out = buf;
        return 0;
    }
    btq_error err;
    btq_error_clear(&err);
    uint16_t prefix = 0;
    int rc = btq_ss58_decode(s, len, BTQ_SS58_ANY_PREFIX, &prefix, buf, BTQ_SS58_MAX_PAYLOAD,
                             out_len, &err);
    if (rc == 0 && *out_len == 32) {
        *out = buf;
        return 0;
    }
    free(buf);
    if (rc == 0)
        return btq_cli_fail(BTQ_EXIT_INPUT, "key",
                            "key '%.*s%s' for --hasher %s: an address of %zu bytes, not an "
                            "account id",
                            SHOW(s), hasher, *out_len);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return btq_cli_fail(BTQ_EXIT_INPUT, "key", "key '%.*s%s' for --hasher %s is not valid hex",
                            SHOW(s), hasher);
    return btq_cli_fail(BTQ_EXIT_INPUT, "key",
                        "key '%.*s%s' for --hasher %s is neither hex nor an SS58 address (%s)",
                        SHOW(s), hasher, err.message);
}

/* s as a JSON string literal (quotes, backslash and control characters escaped). */
static void print_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void free_parts(btq_storage_key_part *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((void *)parts[i].key);
}

static int build_and_print(const char *pallet, const char *item, btq_storage_key_part *parts,
                           size_t np, int json)
{
    size_t need = BTQ_STORAGE_PREFIX_LEN;
    for (size_t i = 0; i < np; i++)
        need += btq_hasher_output_len(parts[i].hasher, parts[i].key_len);
    uint8_t *key = malloc(need);
    char *hex = malloc(2 * need + 3);
    int rc = key && hex ? 0 : BTQ_ENOMEM;
    size_t len = 0;
    if (!rc)
        rc =
            btq_storage_key(pallet, strlen(pallet), item, strlen(item), parts, np, key, need, &len);
    if (!rc) rc = btq_hex_encode(key, len, 1, hex, 2 * need + 3);
    if (!rc && json) {
        fputs("{\"pallet\":", stdout);
        print_json_string(pallet);
        fputs(",\"item\":", stdout);
        print_json_string(item);
        printf(",\"key\":\"%s\"}\n", hex);
    } else if (!rc) {
        printf("%s\n", hex);
    }
    free(key);
    free(hex);
    if (rc) return btq_cli_fail(btq_cli_exit_for(rc), "key", "%s", btq_strerror(rc));
    return BTQ_EXIT_OK;
}

int btq_cmd_key(int argc, char **argv)
{
    const char *pallet = NULL, *item = NULL;
    int json = 0, rc = BTQ_EXIT_OK;
    btq_storage_key_part parts[MAX_PARTS];
    size_t np = 0;
    for (int i = 1; i < argc && rc == BTQ_EXIT_OK; i++) {
        const char *a = argv[i];
        if (btq_cli_is_help(a)) {
            free_parts(parts, np);
            fputs(help_text, stdout);
            return BTQ_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--hasher") == 0) {
            if (i + 2 >= argc) {
                rc = btq_cli_fail(BTQ_EXIT_USAGE, "key", "--hasher needs a HASHER and a KEY");
            } else if (np == MAX_PARTS) {
                rc = btq_cli_fail(BTQ_EXIT_USAGE, "key", "more than %d keys", MAX_PARTS);
            } else {
                const char *name = argv[++i], *keytext = argv[++i];
                btq_storage_key_part *p = &parts[np];
                if (btq_hasher_from_name(name, strlen(name), &p->hasher) != 0) {
                    rc = btq_cli_fail(BTQ_EXIT_USAGE, "key",
                                      "unknown hasher '%.*s%s' (see btq key --help)", SHOW(name));
                } else {
                    uint8_t *k = NULL;
                    rc = parse_key(name, keytext, &k, &p->key_len);
                    if (rc == BTQ_EXIT_OK) {
                        p->key = k;
                        np++;
                    }
                }
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = btq_cli_fail(BTQ_EXIT_USAGE, "key", "unknown option '%.*s%s' (see btq key --help)",
                              SHOW(a));
        } else if (!pallet) {
            pallet = a;
        } else if (!item) {
            item = a;
        } else {
            rc = btq_cli_fail(BTQ_EXIT_USAGE, "key",
                              "unexpected argument '%.*s%s' (map keys go after --hasher HASHER)",
                              SHOW(a));
        }
    }
    if (rc == BTQ_EXIT_OK && (!pallet || !item))
        rc = btq_cli_fail(BTQ_EXIT_USAGE, "key", "missing %s (see btq key --help)",
                          pallet ? "ITEM" : "PALLET and ITEM");
    if (rc == BTQ_EXIT_OK && pallet && item) rc = build_and_print(pallet, item, parts, np, json);
    free_parts(parts, np);
    return rc;
}
