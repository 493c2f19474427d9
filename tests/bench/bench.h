/* bench.h - what the benchmark programs share: argument parsing, a monotonic stopwatch
 * (benchmarks may read the wall clock; the simulator may not) and peak memory. */
#ifndef MRSIM_BENCH_H
#define MRSIM_BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* A positive integer argument, or a message naming the program and the argument and
 * exit status 2. */
static inline uint64_t bench_count(const char *prog, const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0) {
        fprintf(stderr, "%s: %s: expected a positive integer, got \"%s\"\n", prog, what, s);
        exit(2);
    }
    return v;
}

static inline double bench_seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* Peak resident set of this process so far, KB. */
static inline long bench_peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

#endif
