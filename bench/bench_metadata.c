/* Metadata parse time per file: median of many runs, in microseconds; name lookups on the
 * mainnet file.
 *
 * codec.metadata_parse (--json): bytes of finney spec-393 V15 (311 KB) -> a usable btq_metadata
 * (type registry, pallets, runtime APIs, hashed name index), then btq_metadata_unref: the whole
 * lifetime of one parse. The JS peers measure the same span (bytes -> registry and lookup;
 * polkadot-api builds its codecs lazily). Thread CPU time (robust on a busy machine), median
 * of the runs, reported in ns.
 * Also codec.metadata_lookup.storage and codec.metadata_lookup.api (ns per name lookup).
 *
 * usage: bench_metadata [--json] [--runs N] [--shared DIR] [DIR]
 *   DIR defaults to $BTQ_SHARED_DIR/chain/metadata (or ../shared/..., or the shared/ folder
 *   beside this source checkout); --json times only the finney spec-393 V15 file. */
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

enum { RUNS = 301 };

static char lookups[1024];
static size_t nlookups;

static void lookup_line(const char *file, const char *what, double ns, const void *found)
{
    nlookups += (size_t)snprintf(lookups + nlookups, sizeof lookups - nlookups,
                                 "%s%-30s lookup %-34s %6.1f ns%s\n", nlookups ? "" : "\n", file,
                                 what, ns, found ? "" : " (NOT FOUND)");
}

static void emit(const char *kase, double ns)
{
    printf(
        "{\"case\":\"%s\",\"client\":\"btq\",\"metric\":\"ns\",\"value\":%.6g,\"unit\":\"ns\"}\n",
        kase, ns);
    fflush(stdout);
}

/* ../shared from the working directory, else the shared/ folder beside the source checkout
 * this file was compiled from (CMake passes absolute source paths). */
static const char *default_shared(void)
{
    static char dir[4096];
    DIR *d = opendir("../shared/chain/metadata");
    if (d) {
        closedir(d);
        return "../shared";
    }
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (dir[0] != '/' || !slash) return "../shared";
    snprintf(slash, sizeof dir - (size_t)(slash - dir), "/../../shared");
    return dir;
}

int main(int argc, char **argv)
{
    char dir[8192];
    const char *shared = getenv("BTQ_SHARED_DIR"), *given = NULL;
    int json_out = 0, runs = 301;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json_out = 1;
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc)
            shared = argv[++i];
        else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            i++; /* no node needed */
        else if (argv[i][0] != '-')
            given = argv[i];
        else {
            fprintf(stderr, "usage: bench_metadata [--json] [--runs N] [--shared DIR] [DIR]\n");
            return 2;
        }
    }
    if (runs < 1) runs = 1;
    if (runs > RUNS) runs = RUNS;
    if (given)
        snprintf(dir, sizeof dir, "%s", given);
    else
        snprintf(dir, sizeof dir, "%s/chain/metadata", shared ? shared : default_shared());
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_metadata: cannot open %s\n", dir);
        if (json_out)
            printf("{\"case\":\"codec.metadata_parse\",\"client\":\"btq\",\"metric\":"
                   "\"skipped\",\"value\":0,\"reason\":\"no metadata folder (--shared DIR)\"}\n");
        return 1;
    }
    char *names[64] = {0};
    int nnames = 0;
    struct dirent *e;
    while ((e = readdir(d)) && nnames < 64)
        if (strstr(e->d_name, ".scale")) names[nnames++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)nnames, sizeof *names, cmp_name);

    static double t[RUNS];
    int found = 0;
    if (!json_out)
        printf("%-30s %7s %3s %4s %7s %5s %9s %8s %6s %8s\n", "file", "bytes", "ver", "spec",
               "pallets", "types", "median_us", "min_us", "MB/s", "arena_KB");
    for (int i = 0; i < nnames; i++) {
        char path[16384];
        if (json_out && !strstr(names[i], "finney_spec393_v15")) {
            free(names[i]);
            continue;
        }
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
        for (int r = 0; r < runs; r++) {
            double t0 = (bench_thread_cpu_s() * 1e6);
            btq_metadata_parse(buf, len, &md, NULL);
            btq_metadata_unref(md);
            t[r] = (bench_thread_cpu_s() * 1e6) - t0;
        }
        qsort(t, (size_t)runs, sizeof t[0], cmp_double);
        if (json_out) {
            emit("codec.metadata_parse", t[runs / 2] * 1e3);
            found = 1;
        } else
            printf("%-30s %7zu %3u %4u %7u %5u %9.1f %8.1f %6.0f %8zu\n", names[i], len, ver, spec,
                   np, nt, t[runs / 2], t[0], (double)len / t[runs / 2], arena / 1024);
        if (strstr(names[i], "finney_spec393_v15")) { /* lookups on the mainnet file */
            btq_metadata_parse(buf, len, &md, NULL);
            enum { N = 1000000 };
            const void *sink = NULL;
            double t0 = (bench_thread_cpu_s() * 1e6);
            for (int r = 0; r < N; r++)
                sink = btq_metadata_storage(md, "SubtensorModule", "Tempo");
            double ns = ((bench_thread_cpu_s() * 1e6) - t0) * 1e3 / N;
            lookup_line(names[i], "storage SubtensorModule.Tempo", ns, sink);
            if (json_out) emit("codec.metadata_lookup.storage", ns);
            t0 = (bench_thread_cpu_s() * 1e6);
            for (int r = 0; r < N; r++)
                sink = btq_metadata_api_method(md, "Metadata", "metadata_at_version");
            ns = ((bench_thread_cpu_s() * 1e6) - t0) * 1e3 / N;
            lookup_line(names[i], "api Metadata.metadata_at_version", ns, sink);
            if (json_out) emit("codec.metadata_lookup.api", ns);
            btq_metadata_unref(md);
        }
        free(buf);
        free(names[i]);
    }
    if (json_out) {
        if (!found)
            printf("{\"case\":\"codec.metadata_parse\",\"client\":\"btq\",\"metric\":"
                   "\"skipped\",\"value\":0,\"reason\":\"no finney_spec393_v15.scale in %s\"}\n",
                   dir);
        return found ? 0 : 1;
    }
    if (nlookups) fputs(lookups, stdout);
    return 0;
}
