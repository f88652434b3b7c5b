/* The failing allocator of the out-of-memory tests (see failmalloc.h). */
#include "failmalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btq/alloc.h"

static int g_armed;     /* a window is open (atomic) */
static int g_mode;      /* enum failmalloc_mode (atomic) */
static long g_n;        /* the N of the window (atomic) */
static long g_count;    /* allocations counted in the window (atomic) */
static long g_failures; /* allocations failed in the window (atomic) */
static _Thread_local int tl_exempt;
static int g_trace = -1; /* BTQ_FAILMALLOC_TRACE set: print the stack of each failed allocation */

/* In sanitizer builds: a symbolized stack trace (debugging aid). */
extern void __sanitizer_print_stack_trace(void) __attribute__((weak));

/* Tracked blocks: open addressing, linear probing, tombstones; libc memory, under g_mu. */
typedef struct slot {
    void *p; /* NULL empty, TOMB deleted */
    long k;
    size_t n;
} slot;
#define TOMB ((void *)(uintptr_t)1)
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static slot *g_tab;
static size_t g_cap, g_used, g_live; /* used = live + tombstones */

static size_t hash_ptr(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

static void tab_put_nolock(void *p, long k, size_t n);

static void tab_grow_nolock(void)
{
    /* double when live blocks fill a quarter; else just sweep the tombstones */
    size_t ncap = !g_cap ? 1024 : g_live * 4 >= g_cap ? g_cap * 2 : g_cap;
    slot *old = g_tab;
    size_t ocap = g_cap;
    g_tab = calloc(ncap, sizeof *g_tab);
    if (!g_tab) abort();
    g_cap = ncap;
    g_used = g_live = 0;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].p && old[i].p != TOMB) tab_put_nolock(old[i].p, old[i].k, old[i].n);
    free(old);
}

static void tab_put_nolock(void *p, long k, size_t n)
{
    if ((g_used + 1) * 2 > g_cap) tab_grow_nolock();
    size_t m = g_cap - 1, i = hash_ptr(p) & m;
    while (g_tab[i].p && g_tab[i].p != TOMB)
        i = (i + 1) & m;
    if (!g_tab[i].p) g_used++;
    g_tab[i] = (slot){p, k, n};
    g_live++;
}

static void track(void *p, long k, size_t n)
{
    pthread_mutex_lock(&g_mu);
    tab_put_nolock(p, k, n);
    pthread_mutex_unlock(&g_mu);
}

/* Remove p if tracked; 1 if it was (*old, optional, gets its slot). */
static int untrack(uintptr_t p, slot *old)
{
    int hit = 0;
    pthread_mutex_lock(&g_mu);
    if (g_live) {
        size_t m = g_cap - 1, i = hash_ptr((void *)p) & m;
        while (g_tab[i].p) {
            if ((uintptr_t)g_tab[i].p == p) {
                if (old) *old = g_tab[i];
                g_tab[i].p = TOMB;
                g_live--;
                hit = 1;
                break;
            }
            i = (i + 1) & m;
        }
    }
    pthread_mutex_unlock(&g_mu);
    return hit;
}

/* 0: not counted (no window, exempt thread); else the 1-based ordinal, negated when it fails. */
static long decide(void)
{
    if (tl_exempt || !__atomic_load_n(&g_armed, __ATOMIC_ACQUIRE)) return 0;
    long k = __atomic_add_fetch(&g_count, 1, __ATOMIC_ACQ_REL);
    int mode = __atomic_load_n(&g_mode, __ATOMIC_ACQUIRE);
    long n = __atomic_load_n(&g_n, __ATOMIC_ACQUIRE);
    if ((mode == FAILMALLOC_NTH && k == n) || (mode == FAILMALLOC_FROM && k >= n)) {
        __atomic_add_fetch(&g_failures, 1, __ATOMIC_ACQ_REL);
        int trace = __atomic_load_n(&g_trace, __ATOMIC_RELAXED);
        if (trace < 0) {
            trace = getenv("BTQ_FAILMALLOC_TRACE") != NULL;
            __atomic_store_n(&g_trace, trace, __ATOMIC_RELAXED);
        }
        if (trace && __sanitizer_print_stack_trace) {
            fprintf(stderr, "failmalloc: allocation %ld fails here:\n", k);
            __sanitizer_print_stack_trace();
        }
        return -k;
    }
    return k;
}

static void *f_malloc(size_t n, void *user)
{
    (void)user;
    long k = decide();
    if (k < 0) return NULL;
    void *p = malloc(n);
    if (p && k > 0) track(p, k, n);
    return p;
}

static void *f_realloc(void *p, size_t n, void *user)
{
    (void)user;
    long k = decide();
    if (k < 0) return NULL;
    /* untrack before realloc frees p: another thread may get its address right away. A block
     * of the window stays one; a block from before stays untracked. */
    slot old = {NULL, 0, 0};
    int was = p ? untrack((uintptr_t)p, &old) : (k > 0);
    void *q = realloc(p, n);
    if (!q) {
        if (p && was) track(p, old.k, old.n);
        return NULL;
    }
    if (was) track(q, k > 0 ? k : old.k, n);
    return q;
}

static void f_free(void *p, void *user)
{
    (void)user;
    if (!p) return;
    untrack((uintptr_t)p, NULL);
    free(p);
}

static const btq_allocator failmalloc_alloc = {f_malloc, f_realloc, f_free, NULL};

void failmalloc_install(void)
{
    btq_set_allocator(&failmalloc_alloc);
}

void failmalloc_uninstall(void)
{
    failmalloc_stop();
    btq_set_allocator(NULL);
}

void failmalloc_start(enum failmalloc_mode mode, long n)
{
    __atomic_store_n(&g_armed, 0, __ATOMIC_RELEASE);
    pthread_mutex_lock(&g_mu);
    if (g_tab) memset(g_tab, 0, g_cap * sizeof *g_tab);
    g_used = g_live = 0;
    pthread_mutex_unlock(&g_mu);
    __atomic_store_n(&g_count, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&g_failures, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&g_mode, (int)mode, __ATOMIC_RELEASE);
    __atomic_store_n(&g_n, n, __ATOMIC_RELEASE);
    __atomic_store_n(&g_armed, 1, __ATOMIC_RELEASE);
}

long failmalloc_stop(void)
{
    __atomic_store_n(&g_armed, 0, __ATOMIC_RELEASE);
    return failmalloc_count();
}

long failmalloc_count(void)
{
    return __atomic_load_n(&g_count, __ATOMIC_ACQUIRE);
}

long failmalloc_failures(void)
{
    return __atomic_load_n(&g_failures, __ATOMIC_ACQUIRE);
}

size_t failmalloc_live(long *first_k, size_t *first_size)
{
    pthread_mutex_lock(&g_mu);
    size_t live = g_live;
    long best = 0;
    size_t best_n = 0;
    for (size_t i = 0; live && i < g_cap; i++) {
        if (!g_tab[i].p || g_tab[i].p == TOMB) continue;
        if (!best || (g_tab[i].k && g_tab[i].k < best)) {
            best = g_tab[i].k;
            best_n = g_tab[i].n;
        }
    }
    pthread_mutex_unlock(&g_mu);
    if (first_k) *first_k = best;
    if (first_size) *first_size = best_n;
    return live;
}

void failmalloc_exempt_thread(int exempt)
{
    tl_exempt = exempt;
}
