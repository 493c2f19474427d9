/* bench-scenario.c - time a whole `mrsim run` of one scenario, as a user would run it.
 *
 *     bench-scenario MRSIM SCENARIO [extra mrsim arguments...]
 *
 * Runs `MRSIM run SCENARIO --quiet --db <temporary file> [extra...]` as a child process with
 * its output discarded, and prints one line of JSON: wall seconds, the child's peak resident
 * set (from wait4's rusage, so it is the simulator's own, not this wrapper's) and its exit
 * status. Peak memory that stays flat as the duration grows is what shows that no
 * per-request state outlives its request. */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-scenario MRSIM SCENARIO [mrsim arguments...]\n");
        return 2;
    }
    char db[] = "/tmp/mrsim-bench-XXXXXX";
    int  fd = mkstemp(db);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);
    unlink(db); /* mrsim creates it */

    char **args = calloc((size_t)argc + 6, sizeof *args);
    if (!args)
        return 1;
    int n = 0;
    args[n++] = argv[1];
    args[n++] = "run";
    args[n++] = argv[2];
    args[n++] = "--quiet";
    args[n++] = "--db";
    args[n++] = db;
    for (int i = 3; i < argc; i++)
        args[n++] = argv[i];

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execv(argv[1], args);
        perror("execv");
        _exit(127);
    }
    int           status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    unlink(db);
    double      seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int         code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    const char *base = strrchr(argv[2], '/');
    printf("{\"bench\": \"scenario\", \"scenario\": \"%s\", \"seconds\": %.3f, "
           "\"peak_rss_kb\": %ld, \"exit\": %d}\n",
           base ? base + 1 : argv[2], seconds, ru.ru_maxrss, code);
    free(args);
    return code;
}
