/* bench-sweep.c - time a whole `mrsim sweep` with --jobs 1 and with --jobs J, as a user runs it.
 *
 *     bench-sweep MRSIM [SCENARIO [J]]      (defaults tests/bench/sweep-16.json, 2)
 *
 * Runs `MRSIM sweep SCENARIO --jobs 1 --quiet --db <fresh temporary file>`, then the same
 * with --jobs J, each as a child process with its output discarded, then one `MRSIM run` of
 * the scenario for comparison, and prints one line of JSON: the wall seconds of each sweep,
 * their ratio (the target on 2 cores is <= 0.6), and peak resident sets from wait4's rusage,
 * which on Linux is the largest of the child and every descendant it waited for: the largest
 * process of the sweep (the parent or one worker, each running one run), next to one plain
 * run's. A worker's peak staying at a run's is what shows that a job costs one run's memory.
 * sweep-16.json has 16 points and 4 seeds: 64 runs. */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* CPU seconds (user + system) of the last child run(), workers included: on a machine
 * shared with other work, equal CPU for --jobs 1 and J with a worse wall ratio means the
 * cores were busy elsewhere, not that the sweep serialised. */
static double last_cpu_s;

/* Run argv with stdout and stderr discarded; wall seconds, peak RSS (KB) and status. */
static int run(char **argv, double *wall, long *rss_kb)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int           st = 0;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0)
        return -1;
    *wall = bench_seconds_since(&t0);
    *rss_kb = ru.ru_maxrss;
    last_cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6
        + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int sweep(const char *mrsim, const char *scn, const char *jobs, double *wall, long *rss)
{
    char db[] = "/tmp/mrsim-bench-sweep-XXXXXX";
    int  fd = mkstemp(db);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(db);
    char *argv[] = { (char *)mrsim, "sweep", (char *)scn, "--jobs", (char *)jobs,
                     "--quiet",     "--db",  db,          NULL };
    int   rc = run(argv, wall, rss);
    unlink(db);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-sweep MRSIM [SCENARIO [J]]\n");
        return 2;
    }
    const char *mrsim = argv[1];
    const char *scn = argc > 2 ? argv[2] : "tests/bench/sweep-16.json";
    const char *j = argc > 3 ? argv[3] : "2";
    bench_count("bench-sweep", j, "J");
    double w1 = 0, wj = 0, wr = 0;
    long   r1 = 0, rj = 0, rr = 0;
    int    s1 = sweep(mrsim, scn, "1", &w1, &r1);
    double c1 = last_cpu_s;
    int    sj = sweep(mrsim, scn, j, &wj, &rj);
    double cj = last_cpu_s;
    char   db[] = "/tmp/mrsim-bench-run-XXXXXX";
    int    fd = mkstemp(db);
    if (fd >= 0)
        close(fd), unlink(db);
    char *rv[] = { (char *)mrsim, "run", (char *)scn, "--quiet", "--db", db, NULL };
    int   sr = run(rv, &wr, &rr);
    unlink(db);
    printf("{\"benchmark\": \"sweep\", \"scenario\": \"%s\", \"jobs\": %s, \"jobs1_s\": %.3f, "
           "\"jobsJ_s\": %.3f, \"ratio\": %.3f, \"cpu1_s\": %.3f, \"cpuJ_s\": %.3f, "
           "\"peak_rss_kb_jobs1\": %ld, "
           "\"peak_rss_kb_jobsJ\": %ld, \"peak_rss_kb_one_run\": %ld, \"status\": [%d, %d, %d]}\n",
           scn, j, w1, wj, w1 > 0 ? wj / w1 : 0.0, c1, cj, r1, rj, rr, s1, sj, sr);
    return s1 || sj || sr;
}
