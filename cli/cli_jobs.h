/* cli_jobs.h - a process pool: run n independent tasks in up to J worker processes and get
 * each task's output back in task order.
 *
 * Each task runs in a child process (fork) as task(ctx, i, out): it writes its result to
 * 'out' (a pipe to the parent) and returns an exit status. The parent reads every running
 * child's pipe as data arrives (so a child never blocks on a full pipe), reaps it, and hands
 * each task's bytes and status to done(ctx, i, status, bytes, len) strictly in task index
 * order, holding back a task that finished early until every task before it has been
 * delivered. So what the caller prints from done() is the same, byte for byte, for any J.
 *
 * Decisions a reader must know:
 * - Every task forks, also with jobs = 1. A task then behaves the same whatever J is: its
 *   crash (a signal, an abort, a failed assert) is that task's failure, reported through
 *   its status, and whatever it changes in memory stays in the child. Nothing a task does to
 *   the parent's memory survives it, so results must travel in 'out'. The cost (one fork per
 *   task) is nothing next to a simulation run.
 * - A child inherits the parent's open handles. It must open its own database connection
 *   (an SQLite connection must not be used across fork), and should print nothing on stdout:
 *   its stdout is flushed when it ends, but in no defined order with other tasks. stderr is
 *   unbuffered and shared too, so text a reader must see in order belongs in 'out'.
 * - SIGINT and SIGTERM to the parent while the pool runs: every running child is killed
 *   (SIGKILL), reaped, and cli_jobs_run returns CLI_JOBS_INTERRUPTED with the signal in
 *   *signo; done() is not called for any task after the interruption. A task killed midway
 *   has no effect beyond its own atomic writes (a database transaction rolls back). In the
 *   children both signals have their default action, so a terminal's Ctrl-C, which reaches
 *   the whole process group, ends them at once too. The parent's previous handlers are
 *   restored before cli_jobs_run returns.
 * - Tasks start in index order, so with J = 1 they also run in order.
 * - One pool at a time per process (the signal handler's state is static): done() must not
 *   call cli_jobs_run. */
#ifndef MRSIM_CLI_JOBS_H
#define MRSIM_CLI_JOBS_H

#include <stddef.h>
#include <stdio.h>

#define CLI_JOBS_MAX         256    /* more workers than this are capped to it */
#define CLI_JOBS_INTERRUPTED (-100) /* cli_jobs_run: stopped by SIGINT or SIGTERM */

/* Run task i in a child process. Write the result to out (do not close it) and return the
 * child's exit status, 0..255 (0 conventionally meaning success); other values are taken
 * modulo 256 as exit() does. If flushing out fails, the status becomes 255. */
typedef int cli_job_task_fn(void *ctx, size_t i, FILE *out);

/* Task i's outcome, delivered in index order. status >= 0 is the exit status the task
 * returned; status < 0 is minus the number of the signal that ended the child (-SIGSEGV,
 * -SIGABRT, -SIGKILL: a crash). bytes/len are everything it wrote to out before it ended
 * (possibly partial when it crashed); bytes is NUL-terminated (not counted in len), borrowed
 * for the call only. Return 0 to go on, or nonzero to stop the pool: the running children
 * are killed and that value is returned by cli_jobs_run. */
typedef int cli_job_done_fn(void *ctx, size_t i, int status, const char *bytes, size_t len);

/* The number of online processors (sysconf), at least 1: the default for --jobs. */
int cli_default_jobs(void);

/* Run tasks 0 .. n-1 with at most jobs children at a time (jobs < 1 means 1, more than
 * CLI_JOBS_MAX means CLI_JOBS_MAX) and deliver each to done in index order. stdout and
 * stderr are flushed before each fork, so a child never prints the parent's buffered text
 * (what done() printed) a second time. Returns 0 when every task was delivered; a nonzero value returned by done;
 * CLI_JOBS_INTERRUPTED with *signo (may be NULL) set when a signal stopped it; or
 * SIM_ENOMEM / SIM_EIO (a pipe, fork or read failed; the message is printed on stderr)
 * after killing the children still running. */
int cli_jobs_run(size_t n, int jobs, cli_job_task_fn *task, cli_job_done_fn *done, void *ctx,
                 int *signo);

#endif
