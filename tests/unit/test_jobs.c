/* test_jobs.c - the process pool (cli/cli_jobs.h): results come back in task order with their
 * statuses whatever the number of workers, a crashing task is that task's failure, output
 * larger than a pipe's buffer arrives whole, done() can stop the pool, and SIGINT to the
 * parent kills the children and returns at once.
 *
 * Tasks finish out of order on purpose: the early tasks sleep longest, so with several
 * workers the later ones end first and the pool must hold them back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_jobs.h"

#define NTASKS 8
#define BIG    (200 * 1000) /* bytes, more than a pipe holds (64 KB) */

/* What done() saw, in call order. */
typedef struct seen {
    size_t n;         /* calls */
    size_t index[64]; /* i of each call */
    int    status[64];
    char   text[1 << 20]; /* every call's bytes, concatenated */
    size_t len;
    size_t stop_at; /* return 7 from done(i == stop_at); 0: never */
} seen;

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Task i: early tasks are slowest; status i % 4; task 5 writes BIG bytes. */
static int task_mixed(void *ctx, size_t i, FILE *out)
{
    (void)ctx;
    sleep_ms((long)(NTASKS - i) * 15);
    fprintf(out, "task %zu pid-independent line\n", i);
    if (i == 5)
        for (size_t k = 0; k < BIG; k++)
            fputc('a' + (int)(k % 26), out);
    return (int)(i % 4);
}

static int record(void *ctx, size_t i, int status, const char *bytes, size_t len)
{
    seen *s = ctx;
    assert_true(s->n < 64);
    assert_int_equal(bytes[len], '\0');
    s->index[s->n] = i;
    s->status[s->n] = status;
    s->n++;
    assert_true(s->len + len < sizeof s->text);
    memcpy(s->text + s->len, bytes, len);
    s->len += len;
    if (s->stop_at && i == s->stop_at)
        return 7;
    return 0;
}

static void test_jobs_order_and_status(void **state)
{
    (void)state;
    seen *s = calloc(1, sizeof *s);
    assert_int_equal(cli_jobs_run(NTASKS, 3, task_mixed, record, s, NULL), 0);
    assert_int_equal(s->n, NTASKS);
    for (size_t i = 0; i < NTASKS; i++) {
        assert_int_equal(s->index[i], i);
        assert_int_equal(s->status[i], (int)(i % 4));
    }
    free(s);
}

static void test_jobs_output_same_for_1_and_3_workers(void **state)
{
    (void)state;
    seen *one = calloc(1, sizeof *one), *three = calloc(1, sizeof *three);
    assert_int_equal(cli_jobs_run(NTASKS, 1, task_mixed, record, one, NULL), 0);
    assert_int_equal(cli_jobs_run(NTASKS, 3, task_mixed, record, three, NULL), 0);
    assert_true(one->len > BIG); /* task 5's output arrived whole */
    assert_int_equal(one->len, three->len);
    assert_memory_equal(one->text, three->text, one->len);
    assert_memory_equal(one->status, three->status, sizeof one->status);
    free(one);
    free(three);
}

/* Task 2 writes a line, then aborts; task 4 is killed by a signal it sends itself. */
static int task_crash(void *ctx, size_t i, FILE *out)
{
    (void)ctx;
    fprintf(out, "before %zu\n", i);
    fflush(out);
    if (i == 2)
        abort();
    if (i == 4)
        raise(SIGKILL);
    return 0;
}

static void crash_with(int jobs)
{
    seen *s = calloc(1, sizeof *s);
    assert_int_equal(cli_jobs_run(6, jobs, task_crash, record, s, NULL), 0);
    assert_int_equal(s->n, 6);
    int want[6] = { 0, 0, -SIGABRT, 0, -SIGKILL, 0 };
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(s->status[i], want[i]);
    const char *text = "before 0\nbefore 1\nbefore 2\nbefore 3\nbefore 4\nbefore 5\n";
    assert_int_equal(s->len, strlen(text));
    assert_memory_equal(s->text, text, s->len);
    free(s);
}

static void test_jobs_crash_is_that_tasks_failure(void **state)
{
    (void)state;
    crash_with(1);
    crash_with(3);
}

static void test_jobs_done_can_stop(void **state)
{
    (void)state;
    seen *s = calloc(1, sizeof *s);
    s->stop_at = 3;
    assert_int_equal(cli_jobs_run(NTASKS, 2, task_mixed, record, s, NULL), 7);
    assert_int_equal(s->n, 4);
    free(s);
}

static void test_jobs_no_tasks(void **state)
{
    (void)state;
    seen *s = calloc(1, sizeof *s);
    assert_int_equal(cli_jobs_run(0, 4, task_mixed, record, s, NULL), 0);
    assert_int_equal(s->n, 0);
    free(s);
}

static int task_quick_or_slow(void *ctx, size_t i, FILE *out)
{
    (void)ctx;
    fprintf(out, "%zu\n", i);
    if (i > 0)
        sleep_ms(30000);
    return 0;
}

static int go_fd = -1; /* test_jobs_sigint: tells the helper to fire */

static int record_then_go(void *ctx, size_t i, int status, const char *bytes, size_t len)
{
    int rc = record(ctx, i, status, bytes, len);
    if (i == 0) {
        ssize_t w = write(go_fd, "", 1);
        assert_int_equal(w, 1);
    }
    return rc;
}

/* SIGINT while the pool waits: the slow children are killed (the call returns long before
 * they would end), nothing after the first task is delivered, the handler is put back. The
 * helper fires once task 0 has been delivered, so a slow machine cannot change the story. */
static void test_jobs_sigint_kills_children(void **state)
{
    (void)state;
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) == 1) {
            sleep_ms(100); /* the parent is back in poll() by now */
            kill(getppid(), SIGINT);
        }
        _exit(0);
    }
    close(go[0]);
    go_fd = go[1];
    seen  *s = calloc(1, sizeof *s);
    int    signo = 0;
    double t0 = now_s();
    int    rc = cli_jobs_run(4, 2, task_quick_or_slow, record_then_go, s, &signo);
    double took = now_s() - t0;
    close(go[1]);
    assert_int_equal(rc, CLI_JOBS_INTERRUPTED);
    assert_int_equal(signo, SIGINT);
    assert_true(took < 20.0);
    assert_int_equal(s->n, 1);
    assert_int_equal(s->index[0], 0);
    int ws;
    assert_int_equal(waitpid(helper, &ws, 0), helper);
    /* Every pool child has been reaped: the helper was the only child left. */
    assert_int_equal(waitpid(-1, &ws, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
    struct sigaction sa;
    sigaction(SIGINT, NULL, &sa);
    assert_true(sa.sa_handler == SIG_DFL);
    free(s);
}

static int task_silent(void *ctx, size_t i, FILE *out)
{
    (void)ctx;
    (void)i;
    (void)out;
    return 0;
}

static int print_line(void *ctx, size_t i, int status, const char *bytes, size_t len)
{
    (void)ctx;
    (void)status;
    (void)bytes;
    (void)len;
    printf("line %zu\n", i); /* buffered: stdout is a file here */
    return 0;
}

/* What done() prints sits in stdout's buffer when the next child is forked; the child must
 * not print it again when it ends. */
static void test_jobs_parent_output_is_not_repeated_by_children(void **state)
{
    (void)state;
    char path[] = "/tmp/mrsim-test-jobs-XXXXXX";
    int  fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDOUT_FILENO) >= 0);
    int rc = cli_jobs_run(5, 2, task_silent, print_line, NULL, NULL);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    assert_int_equal(rc, 0);
    char    buf[256] = { 0 };
    ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    unlink(path);
    assert_true(got >= 0);
    assert_string_equal(buf, "line 0\nline 1\nline 2\nline 3\nline 4\n");
}

static void test_jobs_default_is_at_least_one(void **state)
{
    (void)state;
    int n = cli_default_jobs();
    assert_true(n >= 1 && n <= CLI_JOBS_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jobs_order_and_status),
        cmocka_unit_test(test_jobs_output_same_for_1_and_3_workers),
        cmocka_unit_test(test_jobs_crash_is_that_tasks_failure),
        cmocka_unit_test(test_jobs_done_can_stop),
        cmocka_unit_test(test_jobs_no_tasks),
        cmocka_unit_test(test_jobs_sigint_kills_children),
        cmocka_unit_test(test_jobs_parent_output_is_not_repeated_by_children),
        cmocka_unit_test(test_jobs_default_is_at_least_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
