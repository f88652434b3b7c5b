/* Bittensor helpers: balances, tempo, TAO formatting, wallets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_internal.h"

/* ---- balances -------------------------------------------------------------------------------- */

static int account_fields(const btq_value *v, btq_balance *b, btq_error *err)
{
    int rc = btq_value_path_u64(v, "data.free", &b->free);
    if (!rc) rc = btq_value_path_u64(v, "data.reserved", &b->reserved);
    if (rc) return btq__cl_fail(err, rc, "System.Account: no u64 data.free / data.reserved");
    if (btq_value_path_u64(v, "data.frozen", &b->frozen) == 0) return 0;
    /* old runtimes (48-byte AccountData): misc_frozen and fee_frozen */
    uint64_t misc = 0, fee = 0;
    rc = btq_value_path_u64(v, "data.misc_frozen", &misc);
    if (!rc) rc = btq_value_path_u64(v, "data.fee_frozen", &fee);
    if (rc) return btq__cl_fail(err, rc, "System.Account: no data.frozen or data.misc_frozen");
    b->frozen = misc > fee ? misc : fee;
    return 0;
}

typedef struct balances_ctx {
    const btq_storage_entry *e;
    const btq_registry *reg;
    btq_value_doc *doc; /* one doc, reused for every account */
    btq_balance *out;
} balances_ctx;

/* Decode one AccountInfo (absent: the entry's default) straight from the answer. */
static int balance_cb(void *user, size_t i, const uint8_t *val, size_t len, btq_error *err)
{
    balances_ctx *bc = user;
    const uint8_t *b = val ? val : bc->e->default_value;
    size_t bl = val ? len : bc->e->default_len;
    const btq_value *root;
    int rc = btq_value_doc_decode(bc->doc, bc->reg, bc->e->value_type, b, bl, BTQ_VALUE_EXACT,
                                  &root, NULL, err);
    return rc ? rc : account_fields(root, &bc->out[i], err);
}

int btq_balances_ids(const btq_pin *pin, const uint8_t (*ids)[32], size_t n, btq_balance *out,
                     btq_error *err)
{
    if (!pin || (n && (!ids || !out))) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    const btq_storage_entry *e = btq_metadata_storage(pin->md, "System", "Account");
    if (!e || e->nhashers != 1)
        return btq__cl_fail(err, BTQ_ENOTFOUND, "no map System.Account in the runtime");
    /* the entry's hashed prefix once (from the first key), then prefix || hasher(id) each */
    uint8_t *k0 = NULL;
    size_t k0len = 0;
    int rc = 0;
    if (n) {
        btq_key k = {BTQ_KEY_SCALE, NULL, NULL, ids[0], 32};
        btq_storage_req r = {"System", "Account", &k, 1};
        rc = btq_storage_key_build(pin, &r, &k0, &k0len, err);
        if (!rc && k0len < 32)
            rc = btq__cl_fail(err, BTQ_EPROTOCOL, "System.Account key too short");
    }
    btq__keyset ks;
    memset(&ks, 0, sizeof ks);
    if (!rc && (rc = btq__keyset_init(&ks, n, n * (2 * k0len + 3) + 1)) != 0)
        btq__cl_fail(err, rc, NULL);
    btq_writer w;
    btq_writer_init(&w);
    for (size_t i = 0; i < n && !rc; i++) {
        btq_writer_reset(&w);
        btq_write_raw(&w, k0, 32);
        rc = btq_storage_key_write_part(&w, e->hashers[0], ids[i], 32);
        if (!rc) rc = w.err ? w.err : btq__keyset_add(&ks, w.buf, w.len);
        if (rc) btq__cl_fail(err, rc, NULL);
    }
    btq_writer_free(&w);
    btq_free(k0);
    btq__fetch *f = NULL;
    if (!rc) rc = btq__fetch_start_keys(pin, &ks, NULL, NULL, &f, err);
    btq__keyset_free(&ks);
    balances_ctx bc = {e, btq_metadata_registry(pin->md), NULL, out};
    if (!rc && !(bc.doc = btq_value_doc_new())) rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
    if (!rc) rc = btq__fetch_visit(f, -1, balance_cb, &bc, err);
    btq__fetch_free(f);
    btq_value_doc_free(bc.doc);
    return rc;
}

int btq_balances(const btq_pin *pin, const char *const *addresses, size_t n, btq_balance *out,
                 btq_error *err)
{
    if (!pin || (n && (!addresses || !out))) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    uint8_t(*ids)[32] = btq_malloc((n ? n : 1) * sizeof *ids);
    if (!ids) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    for (size_t i = 0; i < n; i++) {
        uint8_t buf[BTQ_SS58_MAX_PAYLOAD];
        size_t len = 0;
        const char *a = addresses[i] ? addresses[i] : "";
        btq_error e;
        btq_error_clear(&e);
        int rc = btq_ss58_decode(a, strlen(a), (int32_t)pin->c->ss58_prefix, NULL, buf, sizeof buf,
                                 &len, &e);
        if (!rc && len != 32) rc = BTQ_ESS58LEN;
        if (rc) {
            btq_free(ids);
            return btq__cl_fail(err, rc, "invalid address '%.60s': %s", a,
                                e.message[0] ? e.message : btq_strerror(rc));
        }
        memcpy(ids[i], buf, 32);
    }
    int rc = btq_balances_ids(pin, (const uint8_t(*)[32])ids, n, out, err);
    btq_free(ids);
    return rc;
}

int btq_format_tao(uint64_t rao, char *out, size_t cap)
{
    char digits[24];
    uint64_t whole = rao / BTQ_RAO_PER_TAO, frac = rao % BTQ_RAO_PER_TAO;
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)whole);
    char buf[64];
    size_t o = 0;
    buf[o++] = (char)0xcf; /* τ (U+03C4) in UTF-8 */
    buf[o++] = (char)0x84;
    for (int i = 0; i < nd; i++) {
        if (i && (nd - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    o += (size_t)snprintf(buf + o, sizeof buf - o, ".%09llu", (unsigned long long)frac);
    if (!out || cap <= o) return BTQ_ENOSPACE;
    memcpy(out, buf, o + 1);
    return (int)o;
}

/* ---- tempo -------------------------------------------------------------------------------------
 */

int btq_tempo(const btq_pin *pin, const uint16_t *netuids, size_t n, uint16_t *out, btq_error *err)
{
    if (!pin || (n && (!netuids || !out))) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    btq_storage_req *reqs = btq_calloc(2 * n + 1, sizeof *reqs);
    btq_key *keys = btq_calloc(n + 1, sizeof *keys);
    char(*txt)[8] = btq_calloc(n + 1, sizeof *txt);
    btq_result **res = btq_calloc(2 * n + 1, sizeof *res);
    int rc = !reqs || !keys || !txt || !res ? BTQ_ENOMEM : 0;
    if (rc) btq__cl_fail(err, rc, NULL);
    for (size_t i = 0; i < n && !rc; i++) {
        snprintf(txt[i], sizeof txt[i], "%u", (unsigned)netuids[i]);
        keys[i].kind = BTQ_KEY_JSON;
        keys[i].json = txt[i];
        reqs[2 * i] = (btq_storage_req){"SubtensorModule", "NetworksAdded", &keys[i], 1};
        reqs[2 * i + 1] = (btq_storage_req){"SubtensorModule", "Tempo", &keys[i], 1};
    }
    if (!rc) rc = btq_storage_get_many(pin, reqs, 2 * n, res, err);
    for (size_t i = 0; i < n && !rc; i++) {
        bool added = false;
        const btq_value *a = btq_result_value(res[2 * i]);
        if (a && btq_value_bool(a, &added) != 0) {
            rc = btq__cl_fail(err, BTQ_ETYPE, "SubtensorModule.NetworksAdded is not a bool");
            break;
        }
        if (!added) {
            rc = btq__cl_fail(err, BTQ_ENOSUBNET, "subnet %u does not exist", (unsigned)netuids[i]);
            break;
        }
        uint64_t t = 0;
        const btq_value *tv = btq_result_value(res[2 * i + 1]);
        if (!tv || btq_value_u64(tv, &t) != 0 || t > UINT16_MAX) {
            rc = btq__cl_fail(err, BTQ_ETYPE, "SubtensorModule.Tempo of subnet %u is not a u16",
                              (unsigned)netuids[i]);
            break;
        }
        out[i] = (uint16_t)t;
    }
    if (res && !rc)
        for (size_t i = 0; i < 2 * n; i++)
            btq_result_free(res[i]);
    if (res && rc)
        for (size_t i = 0; i < 2 * n; i++)
            btq_result_free(res[i]);
    btq_free(res);
    btq_free(txt);
    btq_free(keys);
    btq_free(reqs);
    return rc;
}

static int cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

int btq_tempo_all(const btq_pin *pin, uint16_t **netuids, uint16_t **tempos, size_t *n,
                  btq_error *err)
{
    if (!pin || !netuids || !tempos || !n) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *netuids = *tempos = NULL;
    *n = 0;
    btq_map *m = NULL;
    int rc = btq_storage_map(pin, "SubtensorModule", "NetworksAdded", NULL, 0, 0, &m, err);
    if (rc) return rc;
    size_t cnt = btq_map_count(m), k = 0;
    uint16_t *ids = btq_malloc((cnt ? cnt : 1) * sizeof *ids);
    uint16_t *ts = btq_malloc((cnt ? cnt : 1) * sizeof *ts);
    if (!ids || !ts) {
        rc = BTQ_ENOMEM;
        btq__cl_fail(err, rc, NULL);
    }
    for (size_t i = 0; i < cnt && !rc; i++) {
        bool added = false;
        uint64_t id = 0;
        const btq_value *kv = btq_map_key(m, i), *vv = btq_map_value(m, i);
        if (!kv || btq_value_u64(kv, &id) != 0 || id > UINT16_MAX) {
            rc = btq__cl_fail(err, BTQ_ETYPE, "SubtensorModule.NetworksAdded: key is not a u16");
            break;
        }
        if (vv && btq_value_bool(vv, &added) == 0 && added) ids[k++] = (uint16_t)id;
    }
    btq_map_free(m);
    if (!rc) {
        qsort(ids, k, sizeof *ids, cmp_u16);
        rc = btq_tempo(pin, ids, k, ts, err);
    }
    if (rc) {
        btq_free(ids);
        btq_free(ts);
        return rc;
    }
    *netuids = ids;
    *tempos = ts;
    *n = k;
    return 0;
}

/* ---- wallets --------------------------------------------------------------------------------- */

static int read_small_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return BTQ_EWALLET;
    char *buf = btq_malloc(65536);
    if (!buf) {
        fclose(f);
        return BTQ_ENOMEM;
    }
    size_t n = fread(buf, 1, 65535, f);
    int bad = ferror(f) || !feof(f);
    fclose(f);
    if (bad) {
        memset(buf, 0, 65536);
        btq_free(buf);
        return BTQ_EWALLET;
    }
    buf[n] = 0;
    *out = buf;
    return 0;
}

static int wallet_file(const char *path, char out[BTQ_SS58_ADDRESS_CAP], btq_error *err)
{
    char *text = NULL;
    int rc = read_small_file(path, &text);
    if (rc == BTQ_ENOMEM) return btq__cl_fail(err, rc, NULL);
    if (rc) return btq__cl_fail(err, BTQ_EWALLET, "cannot read wallet file %s", path);
    size_t tl = strlen(text);
    int prc = 0;
    cJSON *j = btq__json_parse(text, tl, NULL, &prc);
    memset(text, 0, tl); /* hotkey files may hold secrets: wipe */
    btq_free(text);
    if (prc == BTQ_ENOMEM) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "ss58Address");
    rc = 0;
    if (!cJSON_IsString(a) || strlen(a->valuestring) >= BTQ_SS58_ADDRESS_CAP ||
        btq_ss58_validate(a->valuestring, strlen(a->valuestring), BTQ_SS58_ANY_PREFIX, NULL) != 0) {
        rc = btq__cl_fail(err, BTQ_EWALLET, "%s: no valid ss58Address", path);
    } else {
        snprintf(out, BTQ_SS58_ADDRESS_CAP, "%s", a->valuestring);
    }
    /* wipe string contents before freeing the tree */
    for (cJSON *c = j ? j->child : NULL; c; c = c->next)
        if (cJSON_IsString(c) && c->valuestring) memset(c->valuestring, 0, strlen(c->valuestring));
    cJSON_Delete(j);
    return rc;
}

static int wallet_base(const char *dir, char *buf, size_t cap, btq_error *err)
{
    if (dir) {
        if ((size_t)snprintf(buf, cap, "%s", dir) >= cap)
            return btq__cl_fail(err, BTQ_EWALLET, "wallet path too long");
        return 0;
    }
    const char *home = getenv("HOME");
    if (!home) return btq__cl_fail(err, BTQ_EWALLET, "HOME is not set; give the wallet path");
    if ((size_t)snprintf(buf, cap, "%s/.bittensor/wallets", home) >= cap)
        return btq__cl_fail(err, BTQ_EWALLET, "wallet path too long");
    return 0;
}

static int safe_name(const char *s)
{
    return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

int btq_wallet_coldkey(const char *wallets_dir, const char *name, char out[BTQ_SS58_ADDRESS_CAP],
                       btq_error *err)
{
    if (!safe_name(name) || !out)
        return btq__cl_fail(err, BTQ_EINVAL, "invalid wallet name '%s'", name ? name : "");
    char base[2048], path[4096];
    int rc = wallet_base(wallets_dir, base, sizeof base, err);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/%s/coldkeypub.txt", base, name);
    return wallet_file(path, out, err);
}

int btq_wallet_hotkey(const char *wallets_dir, const char *name, const char *hotkey,
                      char out[BTQ_SS58_ADDRESS_CAP], btq_error *err)
{
    if (!safe_name(name) || !safe_name(hotkey) || !out)
        return btq__cl_fail(err, BTQ_EINVAL, "invalid wallet or hotkey name");
    char base[2048], path[4096];
    int rc = wallet_base(wallets_dir, base, sizeof base, err);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/%s/hotkeys/%spub.txt", base, name, hotkey);
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
        return wallet_file(path, out, err);
    }
    snprintf(path, sizeof path, "%s/%s/hotkeys/%s", base, name, hotkey);
    return wallet_file(path, out, err);
}
