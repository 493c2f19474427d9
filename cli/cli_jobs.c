/* cli_jobs.c - the process pool behind --jobs (see cli_jobs.h for the contract).
 *
 * How: one pipe per running child. The parent polls the read ends of every running child's
 * pipe and a self-pipe that the SIGINT/SIGTERM handler writes to, reads whatever is ready
 * into that task's buffer, and on end of file reaps the child (its exit status or the
 * signal that ended it). A finished task waits in its buffer until every task before it
 * has been delivered, then goes to done() and its buffer is freed.
 *
 * Why pipes and not temporary files: nothing touches the disk, a crashed child is noticed by
 * end of file even before it is reaped, and there are no files to clean up after a SIGKILL.
 * The price is that the parent must drain every pipe while children run (a child writing
 * more than the pipe's 64 KB would otherwise block forever), which the poll loop does.
 *
 * Why a self-pipe: a handler that only set a flag could fire between the flag test and the
 * poll() call, which would then sleep until a child ends; a byte in a polled pipe cannot be
 * missed. */
#include "cli_jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "sim.h"

#define READ_CHUNK 65536 /* bytes read from a pipe at a time */

typedef struct job {
    pid_t  pid;      /* the child, 0 before start and once reaped */
    int    fd;       /* read end of its pipe, -1 when closed */
    char  *buf;      /* what it wrote so far (ours) */
    size_t len, cap; /* bytes */
    int    status;   /* exit status, or -signal */
    bool   finished; /* pipe closed and child reaped */
} job;

typedef struct pool {
    job   *jobs; /* [n] */
    size_t n;
    size_t next_start, next_deliver; /* task indices */
    int    running;                  /* children started and not yet reaped */
} pool;

/* --- signals ------------------------------------------------------------------------- */

static volatile sig_atomic_t got_signal;           /* SIGINT or SIGTERM seen, 0 when none */
static int                   wake[2] = { -1, -1 }; /* the self-pipe: [0] polled, [1] written */

static const int caught[] = { SIGINT, SIGTERM };
#define NCAUGHT (sizeof caught / sizeof caught[0])

static void on_signal(int sig)
{
    int saved = errno;
    got_signal = sig;
    ssize_t w = write(wake[1], "", 1); /* non-blocking: a full pipe is already awake */
    (void)w;
    errno = saved;
}

/* Catch SIGINT and SIGTERM, keeping the old actions in old[]. A signal the caller ignores
 * (a background job of a shell without job control has SIGINT ignored) stays ignored. */
static void catch_signals(struct sigaction old[NCAUGHT])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: poll and waitpid see EINTR */
    for (size_t k = 0; k < NCAUGHT; k++) {
        sigaction(caught[k], NULL, &old[k]);
        if (old[k].sa_handler != SIG_IGN)
            sigaction(caught[k], &sa, NULL);
    }
}

static void restore_signals(const struct sigaction old[NCAUGHT])
{
    for (size_t k = 0; k < NCAUGHT; k++)
        sigaction(caught[k], &old[k], NULL);
}

static int set_flags(int fd, int fd_flags, int fl_flags)
{
    int f = fcntl(fd, F_GETFD);
    int g = fcntl(fd, F_GETFL);
    if (f < 0 || g < 0 || fcntl(fd, F_SETFD, f | fd_flags) < 0
        || fcntl(fd, F_SETFL, g | fl_flags) < 0)
        return -1;
    return 0;
}

/* --- children ------------------------------------------------------------------------ */

int cli_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > CLI_JOBS_MAX ? CLI_JOBS_MAX : (int)n;
}

/* In the child: default signal actions (unless ignored), none of the parent's pipes, run
 * the task, flush, and leave without running the parent's atexit handlers or flushing its
 * stdio buffers twice. */
static void child_main(pool *p, size_t i, int wfd, cli_job_task_fn *task, void *ctx,
                       const struct sigaction old[NCAUGHT], const sigset_t *mask, pid_t parent)
{
    for (size_t k = 0; k < NCAUGHT; k++) {
        if (old[k].sa_handler == SIG_IGN)
            continue;
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(caught[k], &dfl, NULL);
    }
    /* Die with the parent: a SIGKILLed sweep or check must not leave its workers running to
     * the end of their task. The parent may have died before prctl: then we are already
     * someone else's child. */
#ifdef __linux__
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(255);
#endif
    /* start() blocked the signals around fork, so one sent to us in between is pending and
     * now ends us with its default action, as it should. */
    sigprocmask(SIG_SETMASK, mask, NULL);
    close(wake[0]);
    close(wake[1]);
    for (size_t k = 0; k < p->n; k++)
        if (p->jobs[k].fd >= 0)
            close(p->jobs[k].fd);
    FILE *out = fdopen(wfd, "w");
    if (!out)
        _exit(255);
    int st = task(ctx, i, out);
    if (fflush(out) != 0)
        st = 255;
    fflush(stdout);
    fflush(stderr);
    _exit(st & 0xff);
}

/* Start task p->next_start. Returns 0 or SIM_EIO (message printed). */
static int start(pool *p, cli_job_task_fn *task, void *ctx, const struct sigaction *old)
{
    size_t i = p->next_start;
    int    fds[2];
    if (pipe(fds) < 0) {
        fprintf(stderr, "mrsim: cannot create a pipe for task %zu: %s\n", i, strerror(errno));
        return SIM_EIO;
    }
    /* Close-on-exec: a task that runs a program (gnuplot) must not hand it our pipes, or
     * end of file would wait for that program too. */
    set_flags(fds[0], FD_CLOEXEC, 0);
    set_flags(fds[1], FD_CLOEXEC, 0);
    /* What done() printed since the last fork is still in stdout's buffer: the child would
     * print it again when it flushes its copy at exit. */
    fflush(stdout);
    fflush(stderr);
    /* Signals are blocked across fork so that the child never runs the parent's handler. */
    sigset_t block, saved;
    sigemptyset(&block);
    for (size_t k = 0; k < NCAUGHT; k++)
        sigaddset(&block, caught[k]);
    sigprocmask(SIG_BLOCK, &block, &saved);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &saved, NULL);
    if (pid < 0) {
        fprintf(stderr, "mrsim: cannot start a process for task %zu: %s\n", i, strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return SIM_EIO;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(p, i, fds[1], task, ctx, old, &saved, parent);
    }
    close(fds[1]);
    p->jobs[i].pid = pid;
    p->jobs[i].fd = fds[0];
    p->next_start++;
    p->running++;
    return 0;
}

/* Wait for child pid, through EINTR; its status as the header defines it. */
static int reap(pid_t pid)
{
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0) {
        if (errno != EINTR)
            return -SIGKILL; /* cannot happen for our own child */
    }
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws))
        return -WTERMSIG(ws);
    return -SIGKILL;
}

/* Read what is ready on job j's pipe; on end of file, reap it. Returns 0 or SIM_ENOMEM /
 * SIM_EIO. */
static int drain(pool *p, job *j)
{
    if (j->cap - j->len < READ_CHUNK + 1) {
        size_t ncap = j->cap ? j->cap * 2 : READ_CHUNK + 1;
        while (ncap - j->len < READ_CHUNK + 1)
            ncap *= 2;
        char *nb = sim_realloc(j->buf, ncap);
        if (!nb) {
            fprintf(stderr, "mrsim: out of memory for a task's output\n");
            return SIM_ENOMEM;
        }
        j->buf = nb;
        j->cap = ncap;
    }
    ssize_t got = read(j->fd, j->buf + j->len, READ_CHUNK);
    if (got < 0) {
        if (errno == EINTR || errno == EAGAIN)
            return 0;
        fprintf(stderr, "mrsim: cannot read a task's output: %s\n", strerror(errno));
        return SIM_EIO;
    }
    if (got > 0) {
        j->len += (size_t)got;
        return 0;
    }
    close(j->fd);
    j->fd = -1;
    j->status = reap(j->pid);
    j->pid = 0;
    j->finished = true;
    p->running--;
    return 0;
}

/* Kill and reap every running child, close every pipe, free every buffer. */
static void stop_all(pool *p)
{
    for (size_t i = 0; i < p->n; i++) {
        job *j = &p->jobs[i];
        if (j->pid > 0) {
            kill(j->pid, SIGKILL);
            reap(j->pid);
        }
        if (j->fd >= 0)
            close(j->fd);
        sim_free(j->buf);
    }
}

/* --- the loop ------------------------------------------------------------------------ */

/* Deliver the finished tasks at the head of the order. Returns 0 or done's nonzero value. */
static int deliver(pool *p, cli_job_done_fn *done, void *ctx)
{
    while (p->next_deliver < p->n && p->jobs[p->next_deliver].finished) {
        job *j = &p->jobs[p->next_deliver];
        if (j->buf)
            j->buf[j->len] = '\0'; /* drain() keeps a byte spare for this */
        int rc = done(ctx, p->next_deliver, j->status, j->buf ? j->buf : "", j->len);
        sim_free(j->buf);
        j->buf = NULL;
        p->next_deliver++;
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Wait until some pipe has data or a signal came, then drain what is ready. */
static int wait_some(pool *p, struct pollfd *pfd, size_t *which)
{
    size_t np = 0;
    pfd[np++] = (struct pollfd){ .fd = wake[0], .events = POLLIN };
    for (size_t i = p->next_deliver; i < p->next_start; i++) {
        if (p->jobs[i].fd >= 0) {
            which[np] = i;
            pfd[np++] = (struct pollfd){ .fd = p->jobs[i].fd, .events = POLLIN };
        }
    }
    if (poll(pfd, (nfds_t)np, -1) < 0) {
        if (errno == EINTR)
            return 0; /* got_signal is looked at by the caller */
        fprintf(stderr, "mrsim: poll failed: %s\n", strerror(errno));
        return SIM_EIO;
    }
    if (pfd[0].revents) {
        char sink[64]; /* got_signal says what happened */
        while (read(wake[0], sink, sizeof sink) > 0)
            ;
    }
    for (size_t k = 1; k < np && !got_signal; k++) {
        if (pfd[k].revents == 0)
            continue;
        int rc = drain(p, &p->jobs[which[k]]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int run_pool(pool *p, int jobs, cli_job_task_fn *task, cli_job_done_fn *done, void *ctx,
                    const struct sigaction *old)
{
    struct pollfd *pfd = sim_calloc((size_t)jobs + 1, sizeof *pfd);
    size_t        *which = sim_calloc((size_t)jobs + 1, sizeof *which);
    int            rc = 0;
    if (!pfd || !which) {
        fprintf(stderr, "mrsim: out of memory for %d jobs\n", jobs);
        rc = SIM_ENOMEM;
    }
    while (rc == 0 && p->next_deliver < p->n) {
        while (rc == 0 && p->running < jobs && p->next_start < p->n && !got_signal)
            rc = start(p, task, ctx, old);
        if (rc == 0 && !got_signal)
            rc = deliver(p, done, ctx);
        if (rc == 0 && !got_signal && p->next_deliver < p->n)
            rc = wait_some(p, pfd, which);
        if (rc == 0 && got_signal)
            rc = CLI_JOBS_INTERRUPTED;
    }
    sim_free(pfd);
    sim_free(which);
    return rc;
}

int cli_jobs_run(size_t n, int jobs, cli_job_task_fn *task, cli_job_done_fn *done, void *ctx,
                 int *signo)
{
    if (jobs < 1)
        jobs = 1;
    if (jobs > CLI_JOBS_MAX)
        jobs = CLI_JOBS_MAX;
    if ((size_t)jobs > n)
        jobs = n > 0 ? (int)n : 1;
    pool p = { .n = n };
    if (n > 0 && !(p.jobs = sim_calloc(n, sizeof *p.jobs))) {
        fprintf(stderr, "mrsim: out of memory for %zu tasks\n", n);
        return SIM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        p.jobs[i].fd = -1;
    if (pipe(wake) < 0 || set_flags(wake[0], FD_CLOEXEC, O_NONBLOCK) < 0
        || set_flags(wake[1], FD_CLOEXEC, O_NONBLOCK) < 0) {
        fprintf(stderr, "mrsim: cannot create a pipe: %s\n", strerror(errno));
        sim_free(p.jobs);
        return SIM_EIO;
    }
    got_signal = 0;
    struct sigaction old[NCAUGHT];
    catch_signals(old);

    int rc = run_pool(&p, jobs, task, done, ctx, old);

    stop_all(&p); /* nothing is left running when rc == 0 */
    if (rc == CLI_JOBS_INTERRUPTED && signo)
        *signo = (int)got_signal;
    restore_signals(old);
    close(wake[0]);
    close(wake[1]);
    wake[0] = wake[1] = -1;
    sim_free(p.jobs);
    return rc;
}
