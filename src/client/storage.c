/* Storage keys, batched storage reads at a pinned block, map iteration, constants and runtime
 * API calls. Requests go out concurrently through transport futures; every JSON parse and
 * SCALE decode happens on the calling thread. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client_internal.h"

#define FETCH_CHUNK 256 /* keys per state_queryStorageAt */
#define KEYS_PAGE 1000u /* keys per state_getKeysPaged */

/* ---- raw fetch --------------------------------------------------------------------------------
 */

typedef struct fetch_slot {
    btq__fetch *f;
    btq_future *fu;
} fetch_slot;

struct btq__fetch {
    btq_client *c;
    char hash[BTQ_HASH_HEX_LEN + 1];
    size_t n;
    char **khex; /* n hex keys */
    size_t nchunks;
    btq_future **futs;
    /* notify form: futures completed by hand from fetch_chunk_cb */
    fetch_slot *slots;
    void (*done)(void *);
    void *done_user;
    atomic_size_t pending; /* answers outstanding + 1 for the starter */
    atomic_int aborted;    /* start failed part way: the last answer frees the fetch */
};

void btq__fetch_free(btq__fetch *f)
{
    if (!f) return;
    /* call_future form: safe while pending (released on completion); notify form: freed only
     * once every answer has arrived */
    for (size_t i = 0; i < f->nchunks; i++)
        btq_future_free(f->futs[i]);
    btq_free(f->futs);
    btq_free(f->slots);
    for (size_t i = 0; i < f->n; i++)
        btq_free(f->khex[i]);
    btq_free(f->khex);
    btq_free(f);
}

static char *chunk_params(const btq__fetch *f, size_t from, size_t to)
{
    size_t need = 16 + BTQ_HASH_HEX_LEN;
    for (size_t i = from; i < to; i++)
        need += strlen(f->khex[i]) + 3;
    char *s = btq_malloc(need);
    if (!s) return NULL;
    size_t o = 0;
    s[o++] = '[';
    s[o++] = '[';
    for (size_t i = from; i < to; i++) {
        if (i > from) s[o++] = ',';
        s[o++] = '"';
        size_t l = strlen(f->khex[i]);
        memcpy(s + o, f->khex[i], l);
        o += l;
        s[o++] = '"';
    }
    o += (size_t)snprintf(s + o, need - o, "],\"%s\"]", f->hash);
    return s;
}

/* Drop one pending reference; the last one reports completion (or frees an aborted fetch). */
static void fetch_release(btq__fetch *f, size_t k)
{
    if (atomic_fetch_sub(&f->pending, k) != k) return;
    if (atomic_load(&f->aborted))
        btq__fetch_free(f);
    else
        f->done(f->done_user);
}

static void fetch_chunk_cb(int status, const char *result_json, size_t len, const btq_error *err,
                           void *user)
{
    fetch_slot *s = user;
    btq_future_cb(status, result_json, len, err, s->fu);
    fetch_release(s->f, 1);
}

static int fetch_start(const btq_pin *pin, uint8_t *const *keys, const size_t *klens, size_t n,
                       void (*done)(void *), void *user, btq__fetch **out, btq_error *err)
{
    *out = NULL;
    btq__fetch *f = btq_calloc(1, sizeof *f);
    if (!f) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    f->c = pin->c;
    memcpy(f->hash, pin->hash, sizeof f->hash);
    f->khex = btq_calloc(n ? n : 1, sizeof *f->khex);
    f->nchunks = (n + FETCH_CHUNK - 1) / FETCH_CHUNK;
    f->futs = btq_calloc(f->nchunks ? f->nchunks : 1, sizeof *f->futs);
    if (!f->khex || !f->futs) {
        btq__fetch_free(f);
        return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    }
    for (size_t i = 0; i < n; i++, f->n++) {
        f->khex[i] = btq__bytes_to_hex(keys[i], klens[i]);
        if (!f->khex[i]) {
            btq__fetch_free(f);
            return btq__cl_fail(err, BTQ_ENOMEM, NULL);
        }
    }
    if (done) {
        f->done = done;
        f->done_user = user;
        f->slots = btq_calloc(f->nchunks ? f->nchunks : 1, sizeof *f->slots);
        int ok = f->slots != NULL;
        for (size_t ci = 0; ok && ci < f->nchunks; ci++) {
            f->futs[ci] = btq_future_new();
            f->slots[ci].f = f;
            f->slots[ci].fu = f->futs[ci];
            ok = f->futs[ci] != NULL;
        }
        if (!ok) {
            btq__fetch_free(f);
            return btq__cl_fail(err, BTQ_ENOMEM, NULL);
        }
        atomic_init(&f->pending, f->nchunks + 1);
        atomic_init(&f->aborted, 0);
        for (size_t ci = 0; ci < f->nchunks; ci++) {
            size_t from = ci * FETCH_CHUNK, to = from + FETCH_CHUNK < n ? from + FETCH_CHUNK : n;
            char *params = chunk_params(f, from, to);
            int rc = params ? btq_rpc_call_async(f->c->rpc, "state_queryStorageAt", params, 0,
                                                 fetch_chunk_cb, &f->slots[ci])
                            : BTQ_ENOMEM;
            btq_free(params);
            if (rc) {
                /* chunks already sent still answer: the last of them frees f */
                atomic_store(&f->aborted, 1);
                fetch_release(f, f->nchunks - ci + 1);
                return btq__cl_fail(err, rc, "state_queryStorageAt: %s", btq_strerror(rc));
            }
        }
        *out = f;
        fetch_release(f, 1); /* may report completion right here */
        return 0;
    }
    for (size_t ci = 0; ci < f->nchunks; ci++) {
        size_t from = ci * FETCH_CHUNK, to = from + FETCH_CHUNK < n ? from + FETCH_CHUNK : n;
        char *params = chunk_params(f, from, to);
        btq_future *fu = btq_future_new();
        int rc = (!params || !fu) ? BTQ_ENOMEM : 0;
        if (!rc) rc = btq_rpc_call_future(f->c->rpc, "state_queryStorageAt", params, 0, fu);
        btq_free(params);
        if (rc) {
            btq_future_free(fu);
            btq__fetch_free(f);
            return btq__cl_fail(err, rc, "state_queryStorageAt: %s", btq_strerror(rc));
        }
        f->futs[ci] = fu;
    }
    *out = f;
    return 0;
}

int btq__fetch_start(const btq_pin *pin, uint8_t *const *keys, const size_t *klens, size_t n,
                     btq__fetch **out, btq_error *err)
{
    return fetch_start(pin, keys, klens, n, NULL, NULL, out, err);
}

int btq__fetch_start_notify(const btq_pin *pin, uint8_t *const *keys, const size_t *klens, size_t n,
                            void (*done)(void *), void *user, btq__fetch **out, btq_error *err)
{
    if (!done) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    return fetch_start(pin, keys, klens, n, done, user, out, err);
}

/* Fallback for nodes without state_queryStorageAt: one state_getStorage per key. */
static int fetch_one_by_one(btq__fetch *f, size_t from, size_t to, uint8_t **vals, size_t *lens,
                            btq_error *err)
{
    for (size_t i = from; i < to; i++) {
        char params[BTQ_HASH_HEX_LEN * 4];
        if (snprintf(params, sizeof params, "[\"%s\",\"%s\"]", f->khex[i], f->hash) >=
            (int)sizeof params)
            return btq__cl_fail(err, BTQ_ENOTSUP, "storage key too long for state_getStorage");
        cJSON *j = NULL;
        int rc = btq__cl_call_json(f->c, "state_getStorage", params, &j, err);
        if (rc) return rc;
        if (cJSON_IsString(j)) {
            rc = btq__hex_to_bytes(j->valuestring, strlen(j->valuestring), &vals[i], &lens[i]);
        } else if (!cJSON_IsNull(j)) {
            rc = BTQ_EPROTOCOL;
        }
        cJSON_Delete(j);
        if (rc) return btq__cl_fail(err, rc, "state_getStorage: value is not hex or null");
    }
    return 0;
}

static int parse_chunk(btq__fetch *f, size_t from, size_t to, const char *text, size_t len,
                       uint8_t **vals, size_t *lens, btq_error *err)
{
    cJSON *j = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsArray(j)) {
        cJSON_Delete(j);
        return btq__cl_fail(err, BTQ_EPROTOCOL, "state_queryStorageAt: result is not an array");
    }
    size_t next = from; /* the node answers in key order: try that first */
    int rc = 0;
    for (const cJSON *set = j->child; set && !rc; set = set->next) {
        const cJSON *changes = cJSON_GetObjectItemCaseSensitive(set, "changes");
        if (!cJSON_IsArray(changes)) {
            rc = BTQ_EPROTOCOL;
            break;
        }
        for (const cJSON *ch = changes->child; ch; ch = ch->next) {
            const cJSON *k = cJSON_GetArrayItem(ch, 0), *v = cJSON_GetArrayItem(ch, 1);
            if (!cJSON_IsString(k) || !(cJSON_IsString(v) || cJSON_IsNull(v))) {
                rc = BTQ_EPROTOCOL;
                break;
            }
            size_t idx = SIZE_MAX;
            if (next < to && strcasecmp(f->khex[next], k->valuestring) == 0) {
                idx = next++;
            } else {
                for (size_t i = from; i < to; i++)
                    if (strcasecmp(f->khex[i], k->valuestring) == 0) {
                        idx = i;
                        break;
                    }
            }
            if (idx == SIZE_MAX) continue; /* a key we did not ask for: ignore */
            btq_free(vals[idx]);
            vals[idx] = NULL;
            lens[idx] = 0;
            if (cJSON_IsString(v) && btq__hex_to_bytes(v->valuestring, strlen(v->valuestring),
                                                       &vals[idx], &lens[idx]) != 0) {
                rc = BTQ_EPROTOCOL;
                break;
            }
        }
    }
    cJSON_Delete(j);
    if (rc) return btq__cl_fail(err, rc, "state_queryStorageAt: malformed change set");
    return 0;
}

int btq__fetch_finish(btq__fetch *f, int timeout_ms, uint8_t **vals, size_t *lens, btq_error *err)
{
    for (size_t i = 0; i < f->n; i++) {
        vals[i] = NULL;
        lens[i] = 0;
    }
    int rc = f->nchunks ? btq_future_wait_all(f->futs, f->nchunks, timeout_ms) : 0;
    if (rc) {
        btq__cl_fail(err, rc, "state_queryStorageAt: no answer in time");
        goto fail;
    }
    for (size_t ci = 0; ci < f->nchunks; ci++) {
        size_t from = ci * FETCH_CHUNK, to = from + FETCH_CHUNK < f->n ? from + FETCH_CHUNK : f->n;
        int st = btq_future_status(f->futs[ci]);
        if (st == BTQ_ERPC) {
            const btq_error *fe = btq_future_error(f->futs[ci]);
            if (fe && fe->rpc_code == -32601) { /* method not found */
                rc = fetch_one_by_one(f, from, to, vals, lens, err);
                if (rc) goto fail;
                continue;
            }
        }
        if (st) {
            rc = btq__cl_rpc_fail(err, st, btq_future_error(f->futs[ci]), "state_queryStorageAt");
            goto fail;
        }
        size_t len = 0;
        const char *text = btq_future_result(f->futs[ci], &len);
        rc = parse_chunk(f, from, to, text, len, vals, lens, err);
        if (rc) goto fail;
    }
    return 0;
fail:
    for (size_t i = 0; i < f->n; i++) {
        btq_free(vals[i]);
        vals[i] = NULL;
    }
    return rc;
}

/* ---- keys ------------------------------------------------------------------------------------ */

static int lookup_entry(const btq_pin *pin, const char *pallet, const char *item,
                        const btq_pallet **pp, const btq_storage_entry **ep, btq_error *err)
{
    if (!pallet || !item) return btq__cl_fail(err, BTQ_EINVAL, "pallet and item are required");
    const btq_pallet *p = btq_metadata_pallet(pin->md, pallet);
    if (!p)
        return btq__cl_fail(err, BTQ_ENOTFOUND, "no pallet '%s' in the runtime (spec %u)", pallet,
                            (unsigned)pin->spec);
    const btq_storage_entry *e = btq_pallet_storage(pin->md, p, item);
    if (!e)
        return btq__cl_fail(err, BTQ_ENOTFOUND, "no storage entry '%s.%s' in the runtime", pallet,
                            item);
    *pp = p;
    *ep = e;
    return 0;
}

static int encode_key(const btq_pin *pin, uint32_t type, const btq_key *k, btq_writer *w,
                      btq_error *err)
{
    const btq_registry *reg = btq_metadata_registry(pin->md);
    switch (k->kind) {
    case BTQ_KEY_JSON:
        if (!k->json) return btq__cl_fail(err, BTQ_EINVAL, "NULL JSON key");
        return btq_json_to_scale(reg, type, k->json, (int32_t)pin->c->ss58_prefix, w, err);
    case BTQ_KEY_VALUE:
        if (!k->value) return btq__cl_fail(err, BTQ_EINVAL, "NULL value key");
        return btq_value_encode(reg, type, k->value, w, err);
    case BTQ_KEY_SCALE:
        return btq_write_raw(w, k->scale, k->scale_len);
    }
    return btq__cl_fail(err, BTQ_EINVAL, "invalid key kind");
}

/* Write the key of entry e with keys[0..nkeys) (nkeys <= nhashers) into w. */
static int write_key(const btq_pin *pin, const btq_pallet *p, const btq_storage_entry *e,
                     const btq_key *keys, size_t nkeys, btq_writer *w, btq_error *err)
{
    const char *pre = p->storage_prefix ? p->storage_prefix : p->name;
    btq_storage_key_write_prefix(w, pre, strlen(pre), e->name, strlen(e->name));
    btq_writer kw;
    btq_writer_init(&kw);
    int rc = 0;
    for (size_t i = 0; i < nkeys && !rc; i++) {
        btq_writer_reset(&kw);
        rc = encode_key(pin, e->key_types[i], &keys[i], &kw, err);
        if (rc) {
            btq__cl_prefix(err, "key %zu of %s.%s: ", i + 1, pre, e->name);
            break;
        }
        if (kw.err) {
            rc = kw.err;
            break;
        }
        rc = btq_storage_key_write_part(w, e->hashers[i], kw.buf, kw.len);
    }
    btq_writer_free(&kw);
    if (!rc && w->err) rc = btq__cl_fail(err, w->err, NULL);
    return rc;
}

static int build_full_key(const btq_pin *pin, const btq_storage_req *req,
                          const btq_storage_entry **ep, btq_writer *w, btq_error *err)
{
    const btq_pallet *p = NULL;
    const btq_storage_entry *e = NULL;
    int rc = lookup_entry(pin, req->pallet, req->item, &p, &e, err);
    if (rc) return rc;
    if (req->nkeys != e->nhashers)
        return btq__cl_fail(err, BTQ_EINVAL, "%s.%s takes %u key%s, got %zu", req->pallet,
                            req->item, (unsigned)e->nhashers, e->nhashers == 1 ? "" : "s",
                            req->nkeys);
    *ep = e;
    return write_key(pin, p, e, req->keys, req->nkeys, w, err);
}

int btq_storage_key_build(const btq_pin *pin, const btq_storage_req *req, uint8_t **out,
                          size_t *out_len, btq_error *err)
{
    if (!pin || !req || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    const btq_storage_entry *e = NULL;
    btq_writer w;
    btq_writer_init(&w);
    int rc = build_full_key(pin, req, &e, &w, err);
    if (rc) {
        btq_writer_free(&w);
        return rc;
    }
    return btq_writer_take(&w, out, out_len);
}

/* ---- get / get_many / ops
 * ------------------------------------------------------------------------ */

struct btq_storage_op {
    const btq_pin *pin;
    size_t n;
    const btq_storage_entry **entries;
    btq__fetch *fetch;
};

void btq_storage_op_free(btq_storage_op *op)
{
    if (!op) return;
    btq__fetch_free(op->fetch);
    btq_free(op->entries);
    btq_free(op);
}

static int storage_start(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                         void (*on_done)(void *), void *user, btq_storage_op **out, btq_error *err)
{
    if (!pin || (!reqs && n) || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    btq_storage_op *op = btq_calloc(1, sizeof *op);
    uint8_t **keys = btq_calloc(n ? n : 1, sizeof *keys);
    size_t *klens = btq_calloc(n ? n : 1, sizeof *klens);
    int rc = 0;
    if (!op || !keys || !klens) {
        rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
        goto done;
    }
    op->pin = pin;
    op->n = n;
    op->entries = btq_calloc(n ? n : 1, sizeof *op->entries);
    if (!op->entries) {
        rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
        goto done;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        btq_writer w;
        btq_writer_init(&w);
        rc = build_full_key(pin, &reqs[i], &op->entries[i], &w, err);
        if (!rc)
            rc = btq_writer_take(&w, &keys[i], &klens[i]);
        else
            btq_writer_free(&w);
    }
    if (!rc)
        rc = on_done ? btq__fetch_start_notify(pin, keys, klens, n, on_done, user, &op->fetch, err)
                     : btq__fetch_start(pin, keys, klens, n, &op->fetch, err);
done:
    if (keys)
        for (size_t i = 0; i < n; i++)
            btq_free(keys[i]);
    btq_free(keys);
    btq_free(klens);
    if (rc) {
        btq_storage_op_free(op);
        return rc;
    }
    *out = op;
    return 0;
}

int btq_storage_start(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                      btq_storage_op **out, btq_error *err)
{
    return storage_start(pin, reqs, n, NULL, NULL, out, err);
}

int btq__storage_start_notify(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                              void (*done)(void *), void *user, btq_storage_op **out,
                              btq_error *err)
{
    if (!done) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    return storage_start(pin, reqs, n, done, user, out, err);
}

/* Result for entry e from raw storage bytes (NULL = absent); takes val. */
static int entry_result(const btq_pin *pin, const btq_storage_entry *e, uint8_t *val, size_t len,
                        btq_result **out, btq_error *err)
{
    if (val) return btq__result_make(pin, e->value_type, val, len, 1, out, err);
    if (e->modifier == BTQ_STORAGE_DEFAULT) {
        uint8_t *d = btq_malloc(e->default_len ? e->default_len : 1);
        if (!d) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
        if (e->default_len) memcpy(d, e->default_value, e->default_len);
        return btq__result_make(pin, e->value_type, d, e->default_len, 0, out, err);
    }
    return btq__result_make(pin, e->value_type, NULL, 0, 0, out, err);
}

int btq_storage_finish(btq_storage_op *op, int timeout_ms, btq_result **out, btq_error *err)
{
    if (!op || (!out && op->n)) {
        btq_storage_op_free(op);
        return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    }
    size_t n = op->n;
    uint8_t **vals = btq_calloc(n ? n : 1, sizeof *vals);
    size_t *lens = btq_calloc(n ? n : 1, sizeof *lens);
    int rc = 0;
    if (!vals || !lens) rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
    if (!rc) rc = btq__fetch_finish(op->fetch, timeout_ms, vals, lens, err);
    size_t done = 0;
    for (; !rc && done < n; done++) {
        rc = entry_result(op->pin, op->entries[done], vals[done], lens[done], &out[done], err);
        vals[done] = NULL;
    }
    if (rc) {
        for (size_t i = 0; i < n && out; i++) {
            if (i < done) btq_result_free(out[i]);
            out[i] = NULL;
        }
        if (vals)
            for (size_t i = 0; i < n; i++)
                btq_free(vals[i]);
    }
    btq_free(vals);
    btq_free(lens);
    btq_storage_op_free(op);
    return rc;
}

int btq_storage_get_many(const btq_pin *pin, const btq_storage_req *reqs, size_t n,
                         btq_result **out, btq_error *err)
{
    btq_storage_op *op;
    int rc = btq_storage_start(pin, reqs, n, &op, err);
    if (rc) return rc;
    return btq_storage_finish(op, -1, out, err);
}

int btq_storage_get(const btq_pin *pin, const btq_storage_req *req, btq_result **out,
                    btq_error *err)
{
    if (!out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    return btq_storage_get_many(pin, req, 1, out, err);
}

/* ---- maps ------------------------------------------------------------------------------------ */

typedef struct map_entry {
    uint8_t *key;
    size_t key_len;
    btq_value_doc *kdoc;
    const btq_value *kval;
    btq_result *val;
} map_entry;

struct btq_map {
    size_t n;
    map_entry *e;
    uint32_t prefix;
    /* keys of several hashers after a key prefix: the metadata's registry plus one tuple type
     * of the remaining key types (the decoded keys point into it) */
    btq_type *types;
    uint32_t *tuple_elems;
    btq_registry reg;
};

size_t btq_map_count(const btq_map *m)
{
    return m ? m->n : 0;
}

const btq_value *btq_map_key(const btq_map *m, size_t i)
{
    return m && i < m->n ? m->e[i].kval : NULL;
}

void btq_map_key_bytes(const btq_map *m, size_t i, const uint8_t **p, size_t *n)
{
    if (p) *p = m && i < m->n ? m->e[i].key : NULL;
    if (n) *n = m && i < m->n ? m->e[i].key_len : 0;
}

const btq_value *btq_map_value(const btq_map *m, size_t i)
{
    return m && i < m->n ? btq_result_value(m->e[i].val) : NULL;
}

void btq_map_free(btq_map *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) {
        btq_free(m->e[i].key);
        btq_value_doc_free(m->e[i].kdoc);
        btq_result_free(m->e[i].val);
    }
    btq_free(m->e);
    btq_free(m->types);
    btq_free(m->tuple_elems);
    btq_free(m);
}

/* Registry = the metadata's + a tuple of key_types[from..nhashers) as the last type. */
static int map_tuple_registry(btq_map *m, const btq_registry *reg, const btq_storage_entry *e,
                              size_t from, uint32_t *tuple_id)
{
    uint32_t nel = e->nhashers - (uint32_t)from;
    m->types = btq_malloc(((size_t)reg->ntypes + 1) * sizeof *m->types);
    m->tuple_elems = btq_malloc(nel * sizeof *m->tuple_elems);
    if (!m->types || !m->tuple_elems) return BTQ_ENOMEM;
    memcpy(m->types, reg->types, reg->ntypes * sizeof *m->types);
    btq_type *t = &m->types[reg->ntypes];
    memset(t, 0, sizeof *t);
    t->kind = BTQ_TYPE_TUPLE;
    t->path = "";
    uint32_t minsz = 0;
    for (uint32_t i = 0; i < nel; i++) {
        m->tuple_elems[i] = e->key_types[from + i];
        minsz += reg->types[m->tuple_elems[i]].min_size;
    }
    t->min_size = minsz;
    t->u.tuple.nelems = nel;
    t->u.tuple.elems = m->tuple_elems;
    m->reg.ntypes = reg->ntypes + 1;
    m->reg.types = m->types;
    *tuple_id = reg->ntypes;
    return 0;
}

int btq_map_to_json(const btq_map *m, int pretty, btq_writer *w)
{
    if (!m || !w) return BTQ_EINVAL;
    btq_json_opts o;
    btq__json_opts(&o, &m->prefix, 0);
    (void)pretty;
    btq_write_raw(w, "[", 1);
    for (size_t i = 0; i < m->n; i++) {
        if (i) btq_write_raw(w, ",", 1);
        btq_write_raw(w, "[", 1);
        if (m->e[i].kval) {
            btq_value_to_json(m->e[i].kval, &o, w);
        } else {
            char *h = btq__bytes_to_hex(m->e[i].key, m->e[i].key_len);
            if (!h) return BTQ_ENOMEM;
            btq_write_raw(w, "\"", 1);
            btq_write_raw(w, h, strlen(h));
            btq_write_raw(w, "\"", 1);
            btq_free(h);
        }
        btq_write_raw(w, ",", 1);
        btq_result_to_json(m->e[i].val, 0, w);
        btq_write_raw(w, "]", 1);
    }
    btq_write_raw(w, "]", 1);
    return w->err;
}

/* Decode the key values after the first `skip` bytes (prefix) for hashers from..nhashers. */
static void decode_map_key(const btq_registry *reg, const btq_storage_entry *e, size_t from,
                           uint32_t type, map_entry *me, size_t skip, btq_value_doc *scratch)
{
    size_t pos = skip;
    uint8_t *cat = btq_malloc(me->key_len ? me->key_len : 1);
    size_t catlen = 0;
    if (!cat) return;
    for (size_t h = from; h < e->nhashers; h++) {
        btq_hasher hs = e->hashers[h];
        size_t dl = btq_hasher_digest_len(hs);
        int concat = hs == BTQ_HASHER_BLAKE2_128_CONCAT || hs == BTQ_HASHER_TWOX64_CONCAT ||
                     hs == BTQ_HASHER_IDENTITY;
        if (!concat || pos + dl > me->key_len) goto out;
        pos += dl;
        const btq_value *root;
        size_t used = 0;
        if (btq_value_doc_decode(scratch, reg, e->key_types[h], me->key + pos, me->key_len - pos, 0,
                                 &root, &used, NULL) != 0)
            goto out;
        memcpy(cat + catlen, me->key + pos, used);
        catlen += used;
        pos += used;
    }
    if (pos != me->key_len) goto out;
    btq_value_decode(reg, type, cat, catlen, BTQ_VALUE_EXACT, &me->kdoc, &me->kval, NULL);
out:
    btq_free(cat);
}

int btq_storage_map(const btq_pin *pin, const char *pallet, const char *item,
                    const btq_key *prefix_keys, size_t nprefix, size_t limit, btq_map **out,
                    btq_error *err)
{
    if (!pin || !out || (nprefix && !prefix_keys))
        return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    const btq_pallet *p = NULL;
    const btq_storage_entry *e = NULL;
    int rc = lookup_entry(pin, pallet, item, &p, &e, err);
    if (rc) return rc;
    if (!e->is_map || nprefix >= e->nhashers)
        return btq__cl_fail(err, BTQ_EINVAL, "%s.%s is not a map with more than %zu key%s", pallet,
                            item, nprefix, nprefix == 1 ? "" : "s");
    btq_writer w;
    btq_writer_init(&w);
    rc = write_key(pin, p, e, prefix_keys, nprefix, &w, err);
    uint8_t *prefix = NULL;
    size_t plen = 0;
    if (rc || (rc = btq_writer_take(&w, &prefix, &plen)) != 0) {
        btq_writer_free(&w);
        return rc;
    }
    char *phex = btq__bytes_to_hex(prefix, plen);
    btq_map *m = btq_calloc(1, sizeof *m);
    size_t cap = 0;
    uint8_t **keys = NULL;
    size_t *klens = NULL;
    char *start = NULL;
    if (!phex || !m) {
        rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
        goto done;
    }
    m->prefix = pin->c->ss58_prefix;
    /* 1. keys, page by page */
    for (;;) {
        size_t want = KEYS_PAGE;
        if (limit && limit - m->n < want) want = limit - m->n;
        if (want == 0) break;
        size_t plen2 = strlen(phex) * 2 + (start ? strlen(start) : 0) + 128;
        char *params = btq_malloc(plen2);
        if (!params) {
            rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
            goto done;
        }
        snprintf(params, plen2, "[\"%s\",%zu,\"%s\",\"%s\"]", phex, want, start ? start : phex,
                 pin->hash);
        cJSON *j = NULL;
        rc = btq__cl_call_json(pin->c, "state_getKeysPaged", params, &j, err);
        btq_free(params);
        if (rc) goto done;
        if (!cJSON_IsArray(j)) {
            cJSON_Delete(j);
            rc = btq__cl_fail(err, BTQ_EPROTOCOL, "state_getKeysPaged: result is not an array");
            goto done;
        }
        size_t got = 0;
        for (const cJSON *k = j->child; k; k = k->next, got++) {
            if (m->n == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                map_entry *ne = btq_realloc(m->e, ncap * sizeof *ne);
                if (!ne) {
                    rc = BTQ_ENOMEM;
                    break;
                }
                m->e = ne;
                cap = ncap;
            }
            map_entry *me = &m->e[m->n];
            memset(me, 0, sizeof *me);
            if (!cJSON_IsString(k) ||
                btq__hex_to_bytes(k->valuestring, strlen(k->valuestring), &me->key, &me->key_len) !=
                    0 ||
                me->key_len < plen || memcmp(me->key, prefix, plen) != 0) {
                btq_free(me->key);
                rc = BTQ_EPROTOCOL;
                break;
            }
            m->n++;
            btq_free(start);
            start = btq__bytes_to_hex(me->key, me->key_len);
            if (!start) {
                rc = BTQ_ENOMEM;
                break;
            }
        }
        cJSON_Delete(j);
        if (rc) {
            btq__cl_fail(err, rc, "state_getKeysPaged: %s",
                         rc == BTQ_EPROTOCOL ? "a key is not hex under the prefix"
                                             : btq_strerror(rc));
            goto done;
        }
        if (got < want) break;
    }
    /* 2. values, concurrently */
    keys = btq_calloc(m->n ? m->n : 1, sizeof *keys);
    klens = btq_calloc(m->n ? m->n : 1, sizeof *klens);
    if (!keys || !klens) {
        rc = btq__cl_fail(err, BTQ_ENOMEM, NULL);
        goto done;
    }
    for (size_t i = 0; i < m->n; i++) {
        keys[i] = m->e[i].key;
        klens[i] = m->e[i].key_len;
    }
    btq__fetch *f = NULL;
    rc = btq__fetch_start(pin, keys, klens, m->n, &f, err);
    if (rc) goto done;
    uint8_t **vals = (uint8_t **)keys; /* reuse the arrays for the values */
    size_t *vlens = klens;
    rc = btq__fetch_finish(f, -1, vals, vlens, err);
    btq__fetch_free(f);
    if (rc) {
        for (size_t i = 0; i < m->n; i++)
            keys[i] = NULL;
        goto done;
    }
    /* 3. decode on this thread */
    const btq_registry *kreg = btq_metadata_registry(pin->md);
    uint32_t ktype = e->key_types[nprefix];
    if (e->nhashers - nprefix > 1) {
        ktype = e->key_type;
        if (nprefix > 0) {
            rc = map_tuple_registry(m, kreg, e, nprefix, &ktype);
            if (rc) {
                btq__cl_fail(err, rc, NULL);
                for (size_t i = 0; i < m->n; i++)
                    btq_free(vals[i]);
                goto done;
            }
            kreg = &m->reg;
        }
    }
    btq_value_doc *scratch = btq_value_doc_new();
    for (size_t i = 0; i < m->n && !rc; i++) {
        rc = entry_result(pin, e, vals[i], vlens[i], &m->e[i].val, err);
        vals[i] = NULL;
        if (!rc && scratch) decode_map_key(kreg, e, nprefix, ktype, &m->e[i], plen, scratch);
    }
    for (size_t i = 0; i < m->n; i++)
        btq_free(vals[i]);
    btq_value_doc_free(scratch);
done:
    btq_free(keys);
    btq_free(klens);
    btq_free(start);
    btq_free(phex);
    btq_free(prefix);
    if (rc) {
        btq_map_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

/* ---- constants and runtime calls ----------------------------------------------------------- */

int btq_constant_get(const btq_pin *pin, const char *pallet, const char *name, btq_result **out,
                     btq_error *err)
{
    if (!pin || !pallet || !name || !out) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    const btq_pallet *p = btq_metadata_pallet(pin->md, pallet);
    if (!p)
        return btq__cl_fail(err, BTQ_ENOTFOUND, "no pallet '%s' in the runtime (spec %u)", pallet,
                            (unsigned)pin->spec);
    const btq_constant *k = btq_pallet_constant(pin->md, p, name);
    if (!k) return btq__cl_fail(err, BTQ_ENOTFOUND, "no constant '%s.%s'", pallet, name);
    uint8_t *b = btq_malloc(k->value_len ? k->value_len : 1);
    if (!b) return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    if (k->value_len) memcpy(b, k->value, k->value_len);
    return btq__result_make(pin, k->type, b, k->value_len, 1, out, err);
}

int btq_runtime_call_raw(const btq_pin *pin, const char *name, const uint8_t *params,
                         size_t params_len, uint8_t **out, size_t *out_len, btq_error *err)
{
    if (!pin || !name || !out || !out_len) return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    *out_len = 0;
    for (const char *s = name; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return btq__cl_fail(err, BTQ_EINVAL, "invalid runtime API name '%s'", name);
    char *hex = btq__bytes_to_hex(params, params_len);
    size_t cap = strlen(name) + (hex ? strlen(hex) : 0) + BTQ_HASH_HEX_LEN + 16;
    char *p = btq_malloc(cap);
    if (!hex || !p) {
        btq_free(hex);
        btq_free(p);
        return btq__cl_fail(err, BTQ_ENOMEM, NULL);
    }
    snprintf(p, cap, "[\"%s\",\"%s\",\"%s\"]", name, hex, pin->hash);
    btq_free(hex);
    cJSON *j = NULL;
    int rc = btq__cl_call_json(pin->c, "state_call", p, &j, err);
    btq_free(p);
    if (rc) return rc;
    if (!cJSON_IsString(j) ||
        btq__hex_to_bytes(j->valuestring, strlen(j->valuestring), out, out_len) != 0)
        rc = btq__cl_fail(err, BTQ_EPROTOCOL, "state_call %s: result is not hex", name);
    cJSON_Delete(j);
    return rc;
}

int btq_runtime_call(const btq_pin *pin, const char *api, const char *method,
                     const char *const *args_json, size_t nargs, btq_result **out, btq_error *err)
{
    if (!pin || !api || !method || !out || (nargs && !args_json))
        return btq__cl_fail(err, BTQ_EINVAL, "NULL argument");
    *out = NULL;
    const btq_api_method *m = btq_metadata_api_method(pin->md, api, method);
    if (!m) {
        if (btq_metadata_version(pin->md) < 15)
            return btq__cl_fail(err, BTQ_ENOTSUP,
                                "runtime API calls need V15 metadata; this runtime (spec %u) "
                                "offers V14 only",
                                (unsigned)pin->spec);
        if (!btq_metadata_api(pin->md, api))
            return btq__cl_fail(err, BTQ_ENOTFOUND, "no runtime API '%s'", api);
        return btq__cl_fail(err, BTQ_ENOTFOUND, "no method '%s' in runtime API '%s'", method, api);
    }
    if (nargs != m->ninputs)
        return btq__cl_fail(err, BTQ_EINVAL, "%s_%s takes %u argument%s, got %zu", api, method,
                            (unsigned)m->ninputs, m->ninputs == 1 ? "" : "s", nargs);
    const btq_registry *reg = btq_metadata_registry(pin->md);
    btq_writer w;
    btq_writer_init(&w);
    int rc = 0;
    for (size_t i = 0; i < nargs && !rc; i++) {
        rc = btq_json_to_scale(reg, m->inputs[i].type, args_json[i], (int32_t)pin->c->ss58_prefix,
                               &w, err);
        if (rc)
            btq__cl_prefix(err, "argument %zu (%s): ", i + 1,
                           m->inputs[i].name ? m->inputs[i].name : "?");
    }
    if (!rc && w.err) rc = btq__cl_fail(err, w.err, NULL);
    if (rc) {
        btq_writer_free(&w);
        return rc;
    }
    char name[512];
    snprintf(name, sizeof name, "%s_%s", api, method);
    uint8_t *res = NULL;
    size_t rlen = 0;
    rc = btq_runtime_call_raw(pin, name, w.buf, w.len, &res, &rlen, err);
    btq_writer_free(&w);
    if (rc) return rc;
    return btq__result_make(pin, m->output, res, rlen, 1, out, err);
}
