/* cJSON through the btq allocator hooks (see json_alloc.h). */
#include "rpc/json_alloc.h"

#include <pthread.h>

#include "btq/error.h"
#include "btq/scale.h" /* btq_malloc / btq_free only */

static _Thread_local int tl_oom; /* a cJSON allocation failed on this thread */

static void *json_malloc(size_t n)
{
    void *p = btq_malloc(n);
    if (!p) tl_oom = 1;
    return p;
}

static void json_free(void *p)
{
    btq_free(p);
}

static pthread_once_t json_once = PTHREAD_ONCE_INIT;

static void json_install(void)
{
    cJSON_Hooks h = {json_malloc, json_free};
    cJSON_InitHooks(&h);
}

void btq__json_init(void)
{
    pthread_once(&json_once, json_install);
}

int btq__json_oom_take(void)
{
    int v = tl_oom;
    tl_oom = 0;
    return v;
}

cJSON *btq__json_parse(const char *s, size_t n, const char **end, int *rc)
{
    btq__json_init();
    const char *e = NULL;
    tl_oom = 0;
    cJSON *j = s ? cJSON_ParseWithLengthOpts(s, n, &e, 0) : NULL;
    if (end) *end = e;
    *rc = j ? 0 : btq__json_oom_take() ? BTQ_ENOMEM : BTQ_EJSON;
    if (j) tl_oom = 0;
    return j;
}
