/* A failing allocator for the out-of-memory tests (nghttp2's failmalloc idea), installed with
 * btq_set_allocator, so it sees every allocation the library makes (and cJSON's, which the
 * library routes through its hooks) on every thread.
 *
 * Between failmalloc_start and failmalloc_stop it counts the allocations (malloc and realloc
 * calls of the hooks) of every thread atomically and fails either the Nth one only
 * (FAILMALLOC_NTH) or every one from the Nth on (FAILMALLOC_FROM). Each block it hands out in
 * that window is tracked until it is freed (also after failmalloc_stop), so failmalloc_live()
 * counts the window's blocks not freed yet: 0 once everything made in the window is freed,
 * independent of AddressSanitizer (gcc builds) and exact (blocks from before the window are
 * never mistaken for leaks).
 *
 * Blocks come from libc malloc, so memory allocated through the hooks before installation or on
 * an exempt thread may be freed through them and vice versa. A thread marked exempt (e.g. the
 * mock node's server thread, whose cJSON calls pass through the library's hooks once installed)
 * is neither counted nor failed.
 *
 * Debugging a failing N: BTQ_FAILMALLOC_TRACE=1 prints the stack of every failed allocation
 * (sanitizer builds); the failmalloc tests also take BTQ_FAILMALLOC_VERBOSE=1 (one line per
 * run) and, where noted, BTQ_FAILMALLOC_FIRST=N (start the loop at N). */
#ifndef BTQ_FAILMALLOC_H
#define BTQ_FAILMALLOC_H

#include <stddef.h>

enum failmalloc_mode {
    FAILMALLOC_COUNT = 0, /* count and track, never fail */
    FAILMALLOC_NTH = 1,   /* fail the Nth allocation of the window only */
    FAILMALLOC_FROM = 2   /* fail the Nth and every later allocation of the window */
};

/* btq_set_allocator(failmalloc) once per process (idempotent); idle until failmalloc_start. */
void failmalloc_install(void);
/* Restore the libc allocator (nothing may be pending in the window). */
void failmalloc_uninstall(void);

/* Open a window: reset the counters and the tracked set, then count (and fail per mode, n >= 1
 * is 1-based) every allocation on non-exempt threads. */
void failmalloc_start(enum failmalloc_mode mode, long n);
/* Close the window: no more counting or failing; frees still untrack blocks of the window.
 * Returns the number of allocations counted in it. */
long failmalloc_stop(void);

/* Allocations counted so far in the current / last window. */
long failmalloc_count(void);
/* Allocations failed so far in the current / last window. */
long failmalloc_failures(void);
/* Blocks allocated in the current / last window and not freed yet. When there are, *first_k
 * (optional) gets the 1-based ordinal of the oldest one and *first_size its size. */
size_t failmalloc_live(long *first_k, size_t *first_size);

/* Mark (1) or unmark (0) the calling thread exempt from counting, failing and tracking. */
void failmalloc_exempt_thread(int exempt);

#endif
