/* New-heads subscription: print the number and parent of the next COUNT block headers, then
 * unsubscribe. Notifications arrive on the transport's loop thread; main waits on a condition.
 *
 *   example_new_heads URL|NETWORK [COUNT]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq.h"
#include "btq/client.h"

typedef struct heads {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned seen, want;
    int final_status, ended;
} heads;

/* The header's "number" (hex string, any padding), found in the raw JSON text. */
static unsigned long long header_number(const char *json)
{
    const char *p = strstr(json, "\"number\"");
    if (!p || !(p = strstr(p, "0x"))) return 0;
    return strtoull(p + 2, NULL, 16);
}

static void on_head(int status, const char *result, size_t len, const btq_error *err, void *user)
{
    heads *h = user;
    (void)len;
    (void)err;
    pthread_mutex_lock(&h->mu);
    if (status == 0) {
        printf("block %llu\n", header_number(result));
        fflush(stdout);
        h->seen++;
    } else {
        h->final_status = status;
        h->ended = 1;
    }
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s URL|NETWORK [COUNT]\n", argv[0]);
        return 2;
    }
    heads h;
    memset(&h, 0, sizeof h);
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.cv, NULL);
    h.want = argc == 3 ? (unsigned)strtoul(argv[2], NULL, 10) : 3;
    btq_client_options o;
    btq_client_options_init(&o);
    if (strstr(argv[1], "://"))
        o.url = argv[1];
    else
        o.network = argv[1];
    btq_error err;
    btq_error_clear(&err);
    btq_client *c = NULL;
    int rc = btq_client_new(&o, &c, &err);
    uint64_t sub = 0;
    if (!rc)
        rc = btq_rpc_subscribe(btq_client_rpc_handle(c), "chain_subscribeNewHeads", NULL,
                               "chain_unsubscribeNewHeads", on_head, &h, &sub);
    if (!rc) {
        pthread_mutex_lock(&h.mu);
        while (h.seen < h.want && !h.ended)
            pthread_cond_wait(&h.cv, &h.mu);
        int ended = h.ended;
        pthread_mutex_unlock(&h.mu);
        if (!ended) btq_rpc_unsubscribe(btq_client_rpc_handle(c), sub);
        pthread_mutex_lock(&h.mu);
        while (!h.ended)
            pthread_cond_wait(&h.cv, &h.mu);
        pthread_mutex_unlock(&h.mu);
        if (h.final_status != BTQ_ECLOSED) rc = h.final_status;
    }
    if (rc)
        fprintf(stderr, "error: %s (%s)\n", err.message[0] ? err.message : btq_strerror(rc),
                btq_err_name(rc));
    btq_client_free(c);
    pthread_cond_destroy(&h.cv);
    pthread_mutex_destroy(&h.mu);
    return rc ? 1 : 0;
}
