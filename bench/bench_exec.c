/* bench_exec: run one program from exec to exit and report its wall time, CPU time and peak RSS
 * (wait4's rusage of that child alone) as result lines (bench/README.md). The suite uses it for
 * the cold-start case, since Node's spawn gives no rusage.
 *
 *   bench_exec [--case C] [--client X] [--out FILE] -- PROGRAM [ARG...]
 *
 * The child inherits standard input, output and error. After it exits, the result lines
 *   {"case":C,"client":X,"metric":"wall_ms","value":…,"unit":"ms"}   (fork → reaped)
 *   {"case":C,"client":X,"metric":"cpu_ms","value":…,"unit":"ms"}    (user + system)
 *   {"case":C,"client":X,"metric":"rss_kib","value":…,"unit":"KiB"}  (peak resident set)
 *   {"case":C,"client":X,"metric":"exit_status","value":…,"unit":""} (code, or 128 + signal)
 * are appended to FILE (default: standard output, after everything the child wrote). The exit
 * status of bench_exec is the child's (127 if it could not be started, 2 for a usage error). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Case and client ids are plain ASCII names; anything else is replaced so the line stays JSON. */
static void put_name(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputc((*s == '"' || *s == '\\' || (unsigned char)*s < 0x20) ? '_' : *s, f);
    fputc('"', f);
}

static void put_line(FILE *f, const char *cs, const char *client, const char *metric, double v,
                     const char *unit)
{
    fputs("{\"case\":", f);
    put_name(f, cs);
    fputs(",\"client\":", f);
    put_name(f, client);
    fprintf(f, ",\"metric\":\"%s\",\"value\":%.3f,\"unit\":\"%s\"}\n", metric, v, unit);
}

static int usage(void)
{
    fputs("usage: bench_exec [--case C] [--client X] [--out FILE] -- PROGRAM [ARG...]\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    const char *cs = "cold.balance", *client = "btq", *out = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (i + 1 >= argc) return usage();
        if (strcmp(argv[i], "--case") == 0)
            cs = argv[++i];
        else if (strcmp(argv[i], "--client") == 0)
            client = argv[++i];
        else if (strcmp(argv[i], "--out") == 0)
            out = argv[++i];
        else
            return usage();
    }
    if (i >= argc) return usage();

    fflush(NULL);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_exec: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[i], argv + i);
        fprintf(stderr, "bench_exec: cannot run %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    pid_t r;
    do
        r = wait4(pid, &st, 0, &ru);
    while (r < 0 && errno == EINTR);
    double wall = now_ms() - t0;
    if (r < 0) {
        perror("bench_exec: wait4");
        return 127;
    }
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 127;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;

    FILE *f = out ? fopen(out, "a") : stdout;
    if (!f) {
        fprintf(stderr, "bench_exec: cannot open %s: %s\n", out, strerror(errno));
        return 127;
    }
    put_line(f, cs, client, "wall_ms", wall, "ms");
    put_line(f, cs, client, "cpu_ms", cpu, "ms");
    put_line(f, cs, client, "rss_kib", (double)ru.ru_maxrss, "KiB");
    put_line(f, cs, client, "exit_status", code, "");
    if (f != stdout)
        fclose(f);
    else
        fflush(stdout);
    return code;
}
