/* Metadata parse time per file: median of many runs, in microseconds.
 * usage: bench_metadata [DIR]   (default $BTQ_SHARED_DIR/chain/metadata or ../shared/...) */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btq/metadata.h"
#include "metadata_internal.h" /* arena size, for the memory column */
#include "support/bench_clock.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char lookups[1024];
static size_t nlookups;

static void lookup_line(const char *file, const char *what, double ns, const void *found)
{
    nlookups += (size_t)snprintf(lookups + nlookups, sizeof lookups - nlookups,
                                 "%s%-30s lookup %-34s %6.1f ns%s\n", nlookups ? "" : "\n", file,
                                 what, ns, found ? "" : " (NOT FOUND)");
}

int main(int argc, char **argv)
{
    char dir[4096];
    const char *shared = getenv("BTQ_SHARED_DIR");
    if (argc > 1)
        snprintf(dir, sizeof dir, "%s", argv[1]);
    else
        snprintf(dir, sizeof dir, "%s/chain/metadata", shared ? shared : "../shared");
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_metadata: cannot open %s\n", dir);
        return 1;
    }
    char *names[64];
    int nnames = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nnames < 64)
        if (strstr(e->d_name, ".scale")) names[nnames++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)nnames, sizeof *names, cmp_name);

    enum { RUNS = 301 };
    static double t[RUNS];
    printf("%-30s %7s %3s %4s %7s %5s %9s %8s %6s %8s\n", "file", "bytes", "ver", "spec", "pallets",
           "types", "median_us", "min_us", "MB/s", "arena_KB");
    for (int i = 0; i < nnames; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        unsigned char *buf = slurp(path, &len);
        if (!buf) continue;
        btq_metadata *md = NULL;
        btq_error err = {0};
        int rc = btq_metadata_parse(buf, len, &md, &err);
        if (rc) {
            printf("%-32s parse failed: %s (%s) at %zu\n", names[i], btq_err_name(rc), err.message,
                   err.offset);
            free(buf);
            continue;
        }
        unsigned ver = btq_metadata_version(md);
        uint32_t spec = btq_metadata_spec_version(md), np = btq_metadata_npallets(md);
        uint32_t nt = btq_metadata_registry(md)->ntypes;
        size_t arena = btq_arena_total(&md->arena);
        btq_metadata_unref(md);
        for (int r = 0; r < RUNS; r++) {
            double t0 = (bench_wall_s() * 1e6);
            btq_metadata_parse(buf, len, &md, NULL);
            btq_metadata_unref(md);
            t[r] = (bench_wall_s() * 1e6) - t0;
        }
        qsort(t, RUNS, sizeof t[0], cmp_double);
        printf("%-30s %7zu %3u %4u %7u %5u %9.1f %8.1f %6.0f %8zu\n", names[i], len, ver, spec, np,
               nt, t[RUNS / 2], t[0], (double)len / t[RUNS / 2], arena / 1024);
        if (strstr(names[i], "finney_spec393_v15")) { /* lookups on the mainnet file */
            btq_metadata_parse(buf, len, &md, NULL);
            enum { N = 1000000 };
            const void *sink = NULL;
            double t0 = (bench_wall_s() * 1e6);
            for (int r = 0; r < N; r++)
                sink = btq_metadata_storage(md, "SubtensorModule", "Tempo");
            double ns = ((bench_wall_s() * 1e6) - t0) * 1e3 / N;
            lookup_line(names[i], "storage SubtensorModule.Tempo", ns, sink);
            t0 = (bench_wall_s() * 1e6);
            for (int r = 0; r < N; r++)
                sink = btq_metadata_api_method(md, "Metadata", "metadata_at_version");
            ns = ((bench_wall_s() * 1e6) - t0) * 1e3 / N;
            lookup_line(names[i], "api Metadata.metadata_at_version", ns, sink);
            btq_metadata_unref(md);
        }
        free(buf);
        free(names[i]);
    }
    if (nlookups) fputs(lookups, stdout);
    return 0;
}
