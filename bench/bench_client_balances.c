/* End-to-end client benchmark: balances of N distinct accounts pinned to one block against the
 * mock node serving the real mainnet V15 metadata (finney spec 393). The client runs in a forked
 * child so that its CPU time and peak RSS are its own; the mock node answers from the parent.
 *   - cold start: new client + pin (head, runtime version, metadata download + parse) + one
 *     balance, in a fresh process, without and with the on-disk metadata cache;
 *   - balances of 1,000 and 10,000 accounts (System.Account via state_queryStorageAt chunks in
 *     flight together, decoded through the metadata): wall time, CPU time, peak RSS.
 * Usage: bench_client_balances [SHARED_DIR (default $BTQ_SHARED_DIR or ../shared)] */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "btq/client.h"

#include "support/mock_node.c"
#include "support/bench_clock.h"

#define HEAD "0x7fdf812be1ec53c47f2237c619ce655458b7fc71afbfaf99206137f836fb21f3"
/* AccountInfo (56 bytes): nonce 1, consumers 0, providers 1, sufficients 0, free 1 TAO,
 * reserved 2 rao, frozen 3 rao, flags 0 */
#define ACCOUNT                                                                                    \
    "\"0x0100000000000000010000000000000000ca9a3b0000000002000000000000000300000000000000000000"   \
    "00000000000000000000000080\""

static char *md_result;

static char *handler(void *user, const char *method, const char *params, int *code)
{
    (void)user;
    (void)code;
    if (!strcmp(method, "chain_getHead") || !strcmp(method, "chain_getBlockHash"))
        return strdup("\"" HEAD "\"");
    if (!strcmp(method, "state_getRuntimeVersion"))
        return strdup("{\"specName\":\"node-subtensor\",\"specVersion\":393}");
    if (!strcmp(method, "state_call")) return strdup(md_result);
    if (!strcmp(method, "state_queryStorageAt")) {
        cJSON *p = cJSON_Parse(params);
        const cJSON *keys = cJSON_GetArrayItem(p, 0);
        size_t n = (size_t)cJSON_GetArraySize(keys), cap = n * (200 + sizeof ACCOUNT) + 128, o = 0;
        char *r = malloc(cap);
        o += (size_t)sprintf(r, "[{\"block\":\"%s\",\"changes\":[", HEAD);
        size_t i = 0;
        for (const cJSON *k = keys->child; k; k = k->next, i++)
            o += (size_t)sprintf(r + o, "%s[\"%s\",%s]", i ? "," : "", k->valuestring, ACCOUNT);
        strcpy(r + o, "]}]");
        cJSON_Delete(p);
        return r;
    }
    return NULL;
}

static int run_child(const char *url, size_t n, const char *cache_dir, const char *label)
{
    double t0 = bench_wall_s(), c0 = bench_process_cpu_s();
    btq_client_options o;
    btq_client_options_init(&o);
    o.url = url;
    o.metadata_cache_dir = cache_dir;
    btq_client *c = NULL;
    btq_pin *pin = NULL;
    btq_error err;
    btq_error_clear(&err);
    int rc = btq_client_new(&o, &c, &err);
    if (!rc) rc = btq_client_pin(c, NULL, &pin, &err);
    double t1 = bench_wall_s(), c1 = bench_process_cpu_s();
    uint8_t(*ids)[32] = calloc(n, 32);
    btq_balance *b = calloc(n, sizeof *b);
    for (size_t i = 0; i < n; i++) {
        memcpy(ids[i], &i, sizeof i);
        ids[i][31] = 0xb7;
    }
    if (!rc) rc = btq_balances_ids(pin, (const uint8_t(*)[32])ids, n, b, &err);
    double t2 = bench_wall_s(), c2 = bench_process_cpu_s();
    if (rc) {
        fprintf(stderr, "%s: %s (%s)\n", label, err.message, btq_err_name(rc));
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        if (b[i].free != 1000000000ull || b[i].reserved != 2 || b[i].frozen != 3) return 1;
    printf("%-34s accounts %6zu  start+pin %7.1f ms (cpu %6.1f ms)  balances %8.1f ms "
           "(cpu %7.1f ms, %6.0f accounts/s)  peak RSS %6.1f MiB\n",
           label, n, (t1 - t0) * 1e3, (c1 - c0) * 1e3, (t2 - t1) * 1e3, (c2 - c1) * 1e3,
           (double)n / (t2 - t1), (double)bench_peak_rss_kb() / 1024.0);
    free(ids);
    free(b);
    btq_pin_free(pin);
    btq_client_free(c);
    return 0;
}

static int fork_run(const char *url, size_t n, const char *cache_dir, const char *label)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int r = run_child(url, n, cache_dir, label);
        fflush(stdout);
        _exit(r);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

int main(int argc, char **argv)
{
    const char *shared = argc > 1 ? argv[1] : getenv("BTQ_SHARED_DIR");
    if (!shared) shared = "../shared";
    char path[4096];
    snprintf(path, sizeof path, "%s/chain/metadata/finney_spec393_v15.scale", shared);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *md = malloc(len);
    if (fread(md, 1, len, f) != len) return 1;
    fclose(f);
    md_result = malloc(2 * len + 32);
    uint32_t cl = (uint32_t)(len << 2) | 2u;
    size_t o = (size_t)sprintf(md_result, "\"0x01%02x%02x%02x%02x", cl & 0xff, (cl >> 8) & 0xff,
                               (cl >> 16) & 0xff, cl >> 24);
    for (size_t i = 0; i < len; i++)
        o += (size_t)sprintf(md_result + o, "%02x", md[i]);
    strcpy(md_result + o, "\"");
    free(md);

    mock_node_opts mo;
    memset(&mo, 0, sizeof mo);
    mo.handler = handler;
    mock_node *node = mock_node_start(&mo);
    if (!node) return 1;
    char dir[] = "/tmp/btq_bench_cache_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    int rc = 0;
    rc |= fork_run(mock_node_url(node), 1, NULL, "cold, metadata downloaded");
    rc |= fork_run(mock_node_url(node), 1, dir, "cold, fills the disk cache");
    rc |= fork_run(mock_node_url(node), 1, dir, "cold, metadata from disk cache");
    rc |= fork_run(mock_node_url(node), 1000, dir, "balances");
    rc |= fork_run(mock_node_url(node), 10000, dir, "balances");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = 1;
    mock_node_stop(node);
    free(md_result);
    return rc;
}
