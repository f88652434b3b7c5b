/* Clocks and memory figures shared by the benchmark programs. */
#ifndef BTQ_BENCH_CLOCK_H
#define BTQ_BENCH_CLOCK_H

/* Wall-clock seconds (monotonic). */
double bench_wall_s(void);
/* CPU seconds of the calling thread: robust on a busy machine for single-threaded loops. */
double bench_thread_cpu_s(void);
/* CPU seconds (user + system) of the whole process, every thread included. */
double bench_process_cpu_s(void);
/* Peak resident set size of the process, KiB. */
long bench_peak_rss_kb(void);

#endif
