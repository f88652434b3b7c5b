/* A fake Bittensor node for client tests: a mock_node handler serving the raonet (spec 218)
 * genesis state from ../shared/chain/specs/raonet_raw_spec.json and the real spec 218 metadata
 * (V15 through Metadata_metadata_at_version, V14 through state_getMetadata).
 *
 * Blocks: number 0 = FC_H0 (genesis state), number 1 = FC_H1 (head; genesis state with
 * SubtensorModule.Tempo[1] = 10 instead of 100). Finalized head = FC_H0. Header numbers are
 * zero-padded like Chopsticks ("0x00000001"). Header-only (static functions): include it from
 * one test file. */
#ifndef BTQ_FAKE_CHAIN_H
#define BTQ_FAKE_CHAIN_H

#include <cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq_test.h"
#include "mock_node.h"

#define FC_H0 "0x1111111111111111111111111111111111111111111111111111111111111111"
#define FC_H1 "0x2222222222222222222222222222222222222222222222222222222222222222"
#define FC_SPEC 218
/* twox128("SubtensorModule") ++ twox128("Tempo") ++ identity(1u16) */
#define FC_TEMPO1_KEY "0x658faa385070e074c85bf6b568cf05557641384bb339f3758acddfd7053d33170100"
#define FC_ACCOUNT_PREFIX "0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9"

typedef struct fc_kv {
    char *k, *v; /* lowercase hex with 0x */
} fc_kv;

typedef struct fake_chain {
    fc_kv *kv;
    size_t n;
    char *md15_result; /* JSON string text "\"0x01…\"" */
    char *md14_result;
    int no_v15;           /* answer None to Metadata_metadata_at_version */
    int garbage_head;     /* chain_getHead answers a number */
    unsigned md_delay_ms; /* delay metadata answers (for fetch sharing) */
    pthread_mutex_t mu;
    unsigned metadata_calls;
    char last_call_params[512];
    /* old_runtime: block FC_H0 runs spec 103 (testfinney V14 metadata, no V15 API: the state_call
     * is a JSON-RPC error) and old_account_key (hex) holds a 48-byte AccountInfo there */
    int old_runtime;
    char *md103_result;
    char old_account_key[200];
    char head[67]; /* chain_getHead answer (FC_H1 by default) */
    unsigned spec; /* specVersion answered (FC_SPEC by default) */
} fake_chain;

static inline int fc_cmp(const void *a, const void *b)
{
    return strcmp(((const fc_kv *)a)->k, ((const fc_kv *)b)->k);
}

static inline char *fc_hex_file_result(const char *rel, int option_wrap)
{
    size_t len = 0;
    uint8_t *b = btq_test_read_file(btq_test_shared_path(rel), &len);
    ck_assert_msg(b != NULL, "cannot read %s", rel);
    size_t cap = 2 * len + 32;
    char *s = malloc(cap);
    size_t o = 0;
    s[o++] = '"';
    s[o++] = '0';
    s[o++] = 'x';
    if (option_wrap) {
        uint8_t pre[6];
        size_t pn = 0;
        pre[pn++] = 1;
        /* compact length (4-byte mode for these sizes) */
        uint32_t v = (uint32_t)(len << 2) | 2u;
        for (int i = 0; i < 4; i++)
            pre[pn++] = (uint8_t)(v >> (8 * i));
        for (size_t i = 0; i < pn; i++)
            o += (size_t)sprintf(s + o, "%02x", pre[i]);
    }
    for (size_t i = 0; i < len; i++) {
        static const char hx[] = "0123456789abcdef";
        s[o++] = hx[b[i] >> 4];
        s[o++] = hx[b[i] & 15];
    }
    s[o++] = '"';
    s[o] = 0;
    free(b);
    return s;
}

static inline void fc_init(fake_chain *fc)
{
    memset(fc, 0, sizeof *fc);
    pthread_mutex_init(&fc->mu, NULL);
    size_t len = 0;
    char *text =
        (char *)btq_test_read_file(btq_test_shared_path("chain/specs/raonet_raw_spec.json"), &len);
    ck_assert_msg(text != NULL, "raonet spec missing");
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    ck_assert(j != NULL);
    const cJSON *top =
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "genesis"), "raw"), "top");
    ck_assert(cJSON_IsObject(top));
    size_t n = (size_t)cJSON_GetArraySize(top);
    fc->kv = calloc(n, sizeof *fc->kv);
    for (const cJSON *e = top->child; e; e = e->next) {
        if (strcmp(e->string, "0x3a636f6465") == 0) continue; /* :code, not needed */
        fc->kv[fc->n].k = strdup(e->string);
        fc->kv[fc->n].v = strdup(e->valuestring);
        for (char *p = fc->kv[fc->n].k; *p; p++)
            if (*p >= 'A' && *p <= 'F') *p = (char)(*p - 'A' + 'a');
        fc->n++;
    }
    cJSON_Delete(j);
    qsort(fc->kv, fc->n, sizeof *fc->kv, fc_cmp);
    fc->md15_result = fc_hex_file_result("chain/metadata/raonet_spec218_v15.scale", 1);
    fc->md14_result = fc_hex_file_result("chain/metadata/raonet_spec218_v14.scale", 0);
    strcpy(fc->head, FC_H1);
    fc->spec = FC_SPEC;
}

static inline void fc_add(fake_chain *fc, size_t *cap, const char *k, const char *v)
{
    for (size_t i = 0; i < fc->n; i++)
        if (strcmp(fc->kv[i].k, k) == 0) {
            if (v) {
                free(fc->kv[i].v);
                fc->kv[i].v = strdup(v);
            }
            return;
        }
    if (fc->n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        fc->kv = realloc(fc->kv, *cap * sizeof *fc->kv);
    }
    fc->kv[fc->n].k = strdup(k);
    fc->kv[fc->n].v = v ? strdup(v) : NULL;
    fc->n++;
}

/* State from recorded mainnet traffic (recorded/async-substrate-interface/ws_responses.jsonl,
 * lines of one test): every key seen in state_getKeysPaged and every change of
 * state_queryStorageAt; the head is `head`; metadata = finney spec 393 V15 / V14. */
static inline void fc_init_recorded(fake_chain *fc, const char *test, const char *head)
{
    memset(fc, 0, sizeof *fc);
    pthread_mutex_init(&fc->mu, NULL);
    size_t len = 0, cap = 0;
    char *text = (char *)btq_test_read_file(
        btq_test_shared_path("chain/recorded/async-substrate-interface/ws_responses.jsonl"), &len);
    ck_assert_msg(text != NULL, "recorded traffic missing");
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        cJSON *j = cJSON_Parse(line);
        if (!j) continue;
        const cJSON *t = cJSON_GetObjectItem(j, "test"), *m = cJSON_GetObjectItem(j, "method");
        const cJSON *res = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "response"), "result");
        if (cJSON_IsString(t) && strcmp(t->valuestring, test) == 0 && cJSON_IsString(m)) {
            if (strcmp(m->valuestring, "state_getKeysPaged") == 0 && cJSON_IsArray(res)) {
                for (const cJSON *k = res->child; k; k = k->next)
                    fc_add(fc, &cap, k->valuestring, NULL);
            } else if (strcmp(m->valuestring, "state_queryStorageAt") == 0 && cJSON_IsArray(res)) {
                for (const cJSON *set = res->child; set; set = set->next) {
                    const cJSON *ch = cJSON_GetObjectItem(set, "changes");
                    for (const cJSON *c = ch ? ch->child : NULL; c; c = c->next) {
                        const cJSON *v = cJSON_GetArrayItem(c, 1);
                        fc_add(fc, &cap, cJSON_GetArrayItem(c, 0)->valuestring,
                               cJSON_IsString(v) ? v->valuestring : NULL);
                    }
                }
            }
        }
        cJSON_Delete(j);
    }
    free(text);
    /* keys without a recorded value are dropped (absent) */
    size_t o = 0;
    for (size_t i = 0; i < fc->n; i++) {
        if (fc->kv[i].v)
            fc->kv[o++] = fc->kv[i];
        else
            free(fc->kv[i].k);
    }
    fc->n = o;
    qsort(fc->kv, fc->n, sizeof *fc->kv, fc_cmp);
    fc->md15_result = fc_hex_file_result("chain/metadata/finney_spec393_v15.scale", 1);
    fc->md14_result = fc_hex_file_result("chain/metadata/finney_spec393_v14.scale", 0);
    snprintf(fc->head, sizeof fc->head, "%s", head);
    fc->spec = 393;
}

static inline void fc_free(fake_chain *fc)
{
    for (size_t i = 0; i < fc->n; i++) {
        free(fc->kv[i].k);
        free(fc->kv[i].v);
    }
    free(fc->kv);
    free(fc->md15_result);
    free(fc->md14_result);
    free(fc->md103_result);
    pthread_mutex_destroy(&fc->mu);
}

/* Value of key at block (NULL when absent). */
/* free 5e9, reserved 7, misc_frozen 11, fee_frozen 13 (spec 103 AccountData) */
#define FC_OLD_ACCOUNT                                                                             \
    "0x0000000001000000000000000000000000f2052a0100000007000000000000000b000000000000000d00000000" \
    "000000"

static inline const char *fc_get(const fake_chain *fc, const char *key, const char *block)
{
    if (fc->old_runtime && block && strcmp(block, FC_H0) == 0 &&
        strcmp(key, fc->old_account_key) == 0)
        return FC_OLD_ACCOUNT;
    if (fc->spec == FC_SPEC && block && strcmp(block, FC_H1) == 0 &&
        strcmp(key, FC_TEMPO1_KEY) == 0)
        return "0x0a00";
    fc_kv probe = {(char *)key, NULL};
    const fc_kv *hit = bsearch(&probe, fc->kv, fc->n, sizeof *fc->kv, fc_cmp);
    return hit ? hit->v : NULL;
}

static inline char *fc_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 3);
    d[0] = '"';
    memcpy(d + 1, s, n);
    d[n + 1] = '"';
    d[n + 2] = 0;
    return d;
}

static inline const char *fc_block_param(const cJSON *p, int idx)
{
    const cJSON *b = cJSON_GetArrayItem(p, idx);
    return cJSON_IsString(b) ? b->valuestring : "";
}

/* realloc for the fake node's replies: out of memory ends the test run. */
static inline void *fc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) abort();
    return q;
}

static inline char *fc_handler(void *user, const char *method, const char *params, int *code)
{
    fake_chain *fc = user;
    cJSON *p = cJSON_Parse(params);
    char *res = NULL;
    if (strcmp(method, "chain_getHead") == 0) {
        res = fc->garbage_head ? strdup("12345") : fc_str(fc->head);
    } else if (strcmp(method, "chain_getFinalizedHead") == 0) {
        res = fc_str(FC_H0);
    } else if (strcmp(method, "chain_getBlockHash") == 0) {
        const cJSON *nn = cJSON_GetArrayItem(p, 0);
        int num = cJSON_IsNumber(nn) ? nn->valueint : -1;
        res = num == 0 ? fc_str(FC_H0) : num == 1 ? fc_str(FC_H1) : strdup("null");
    } else if (strcmp(method, "chain_getHeader") == 0) {
        const char *b = fc_block_param(p, 0);
        if (!*b) b = fc->head;
        if (strcmp(b, FC_H0) != 0 && strcmp(b, FC_H1) != 0 && strcmp(b, fc->head) != 0) {
            res = strdup("null");
        } else {
            char buf[512];
            snprintf(buf, sizeof buf,
                     "{\"parentHash\":\"%s\",\"number\":\"0x0000000%d\",\"stateRoot\":\"%s\","
                     "\"extrinsicsRoot\":\"%s\",\"digest\":{\"logs\":[]}}",
                     FC_H0, strcmp(b, FC_H1) == 0 ? 1 : 0, FC_H0, FC_H0);
            res = strdup(buf);
        }
    } else if (strcmp(method, "state_getRuntimeVersion") == 0) {
        char buf[300];
        snprintf(buf, sizeof buf,
                 "{\"specName\":\"node-subtensor\",\"implName\":\"node-subtensor\","
                 "\"authoringVersion\":1,\"specVersion\":%u,\"implVersion\":1,\"apis\":[],"
                 "\"transactionVersion\":1,\"stateVersion\":1}",
                 fc->old_runtime && strcmp(fc_block_param(p, 0), FC_H0) == 0 ? 103u : fc->spec);
        res = strdup(buf);
    } else if (strcmp(method, "state_call") == 0) {
        const cJSON *name = cJSON_GetArrayItem(p, 0);
        const char *nm = cJSON_IsString(name) ? name->valuestring : "";
        if (strcmp(nm, "Metadata_metadata_at_version") == 0 && fc->old_runtime &&
            strcmp(fc_block_param(p, 2), FC_H0) == 0) {
            *code = -32000;
            res = strdup("Exported method Metadata_metadata_at_version is not found");
        } else if (strcmp(nm, "Metadata_metadata_at_version") == 0) {
            pthread_mutex_lock(&fc->mu);
            fc->metadata_calls++;
            pthread_mutex_unlock(&fc->mu);
            if (fc->md_delay_ms) {
                struct timespec ts = {0, (long)fc->md_delay_ms * 1000000L};
                nanosleep(&ts, NULL);
            }
            res = fc->no_v15 ? strdup("\"0x00\"") : strdup(fc->md15_result);
        } else if (strcmp(nm, "AccountNonceApi_account_nonce") == 0) {
            pthread_mutex_lock(&fc->mu);
            snprintf(fc->last_call_params, sizeof fc->last_call_params, "%s", params);
            pthread_mutex_unlock(&fc->mu);
            res = strdup("\"0x05000000\"");
        } else {
            *code = -32000;
            res = strdup("fake chain: unknown runtime call");
        }
    } else if (strcmp(method, "state_getMetadata") == 0) {
        pthread_mutex_lock(&fc->mu);
        fc->metadata_calls++;
        pthread_mutex_unlock(&fc->mu);
        res = fc->old_runtime && strcmp(fc_block_param(p, 0), FC_H0) == 0 ? strdup(fc->md103_result)
                                                                          : strdup(fc->md14_result);
    } else if (strcmp(method, "state_getStorage") == 0) {
        const cJSON *k = cJSON_GetArrayItem(p, 0);
        const char *v = cJSON_IsString(k) ? fc_get(fc, k->valuestring, fc_block_param(p, 1)) : NULL;
        res = v ? fc_str(v) : strdup("null");
    } else if (strcmp(method, "state_queryStorageAt") == 0) {
        const cJSON *keys = cJSON_GetArrayItem(p, 0);
        const char *b = fc_block_param(p, 1);
        size_t cap = 256, o = 0;
        res = malloc(cap);
        o += (size_t)sprintf(res, "[{\"block\":\"%s\",\"changes\":[", b);
        int first = 1;
        for (const cJSON *k = keys ? keys->child : NULL; k; k = k->next) {
            const char *v = fc_get(fc, k->valuestring, b);
            size_t need = strlen(k->valuestring) + (v ? strlen(v) : 4) + 16;
            if (o + need + 8 > cap) {
                cap = (o + need + 8) * 2;
                res = fc_xrealloc(res, cap);
            }
            o += (size_t)sprintf(res + o, "%s[\"%s\",%s%s%s]", first ? "" : ",", k->valuestring,
                                 v ? "\"" : "", v ? v : "null", v ? "\"" : "");
            first = 0;
        }
        res = fc_xrealloc(res, o + 8);
        strcpy(res + o, "]}]");
    } else if (strcmp(method, "state_getKeysPaged") == 0) {
        const char *prefix = cJSON_GetArrayItem(p, 0)->valuestring;
        int count = cJSON_GetArrayItem(p, 1)->valueint;
        const cJSON *st = cJSON_GetArrayItem(p, 2);
        const char *start = cJSON_IsString(st) ? st->valuestring : "";
        size_t pl = strlen(prefix), cap = 64, o = 0;
        res = malloc(cap);
        res[o++] = '[';
        int got = 0;
        for (size_t i = 0; i < fc->n && got < count; i++) {
            if (strncmp(fc->kv[i].k, prefix, pl) != 0) continue;
            if (strcmp(fc->kv[i].k, start) <= 0) continue;
            size_t need = strlen(fc->kv[i].k) + 4;
            if (o + need + 4 > cap) {
                cap = (o + need + 4) * 2;
                res = fc_xrealloc(res, cap);
            }
            o += (size_t)sprintf(res + o, "%s\"%s\"", got ? "," : "", fc->kv[i].k);
            got++;
        }
        res[o++] = ']';
        res[o] = 0;
    }
    cJSON_Delete(p);
    return res;
}

static inline mock_node *fc_start(fake_chain *fc)
{
    mock_node_opts o;
    memset(&o, 0, sizeof o);
    o.handler = fc_handler;
    o.handler_user = fc;
    mock_node *n = mock_node_start(&o);
    ck_assert_msg(n != NULL, "mock node did not start");
    return n;
}

#endif
