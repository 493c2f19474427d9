/* plot-gnuplot.c - running gnuplot for the plots: the data files, the command line, the
 * process, and the checks on what it wrote.
 *
 * Each plot is one gnuplot process: "gnuplot -e VARS common.gp KIND.gp", started with
 * fork/execv (no shell) inside the output directory, stdin from /dev/null and stderr read
 * through a pipe. VARS assigns only numbers, fixed words of ours, slug-built file names, and
 * the title as a quoted literal (plot_quote), so no text from a scenario file is ever
 * parsed as a gnuplot command or by a shell. An image counts only when gnuplot exited 0 and
 * the file exists and is not empty.
 *
 * Rejected: system()/popen() (a shell would parse the command line, a second place for text
 * to turn into code). */
#include "plot-int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PLOT_SCRIPT_DIR
#define PLOT_SCRIPT_DIR "analysis/plots"
#endif

const char *plot_script_dir(void)
{
    const char *env = getenv("MRSIM_PLOT_DIR");
    return env && env[0] ? env : PLOT_SCRIPT_DIR;
}

size_t plot_quote(const char *s, char *out, size_t n)
{
    assert(n >= 3);
    size_t j = 0;
    out[j++] = '\'';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t need = *p == '\'' ? 2 : 1;
        if (j + need + 2 > n) /* room for the closing quote and the NUL */
            break;
        if (*p == '\'') {
            out[j++] = '\'';
            out[j++] = '\'';
        } else {
            out[j++] = (*p < 0x20 || *p == 0x7f) ? ' ' : (char)*p;
        }
    }
    out[j++] = '\'';
    out[j] = '\0';
    return j;
}

/* err->file = path, cut to fit. */
static void set_file(sim_err *err, const char *path)
{
    if (err)
        snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, path);
}

int plot__io_fail(sim_err *err, const char *what, const char *path)
{
    sim_err_set(err, SIM_EIO, NULL, "%s: %s", what, strerror(errno));
    if (err)
        set_file(err, path);
    return SIM_EIO;
}

FILE *plot__open_data(const plot_runner *p, const char *name, char *path, size_t n, sim_err *err)
{
    snprintf(path, n, "%s/%s", p->o->out_dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        plot__io_fail(err, "cannot write the plot data", path);
    return f;
}

int plot__close_data(FILE *f, const char *path, sim_err *err)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad)
        return plot__io_fail(err, "cannot write the plot data", path);
    return 0;
}

/* Find an executable 'name' on PATH into out. */
bool plot__find_program(const char *name, char *out, size_t n)
{
    const char *path = getenv("PATH");
    if (!path || !path[0])
        path = "/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t      len = colon ? (size_t)(colon - path) : strlen(path);
        int         w = snprintf(out, n, "%.*s/%s", (int)len, len ? path : ".", name);
        if (len == 0)
            w = snprintf(out, n, "./%s", name);
        if (w > 0 && (size_t)w < n && access(out, X_OK) == 0)
            return true;
        path += len + (colon ? 1 : 0);
    }
    return false;
}

/* The last non-empty line of gnuplot's stderr (its error message, "line 12: ..."), read
 * from fd until EOF into why (size n); the rest is drained and dropped. */
static void read_stderr(int fd, char *why, size_t n)
{
    char    buf[4096];
    size_t  len = 0;
    ssize_t r;
    while ((r = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        len += (size_t)r;
        if (len == sizeof buf - 1) { /* keep the tail: errors come last */
            memmove(buf, buf + len / 2, len - len / 2);
            len -= len / 2;
        }
    }
    buf[len] = '\0';
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    const char *line = strrchr(buf, '\n');
    line = line ? line + 1 : buf;
    size_t m = strlen(line) < n - 1 ? strlen(line) : n - 1;
    memcpy(why, line, m);
    why[m] = '\0';
}

/* Run "gnuplot -e vars common.gp script" in the output directory and wait for it. Its
 * stderr is read through a pipe: gnuplot warns about things such as a flat line's empty
 * range, which are noise for the user, and its last line is the message worth showing
 * when it fails. */
int plot__run_gnuplot(plot_runner *p, const char *script, const char *vars, const char *image,
                      sim_err *err)
{
    char script_path[PATH_MAX + 64];
    snprintf(script_path, sizeof script_path, "%s/%s", p->dir, script);
    if (access(script_path, R_OK) != 0)
        return plot__io_fail(err,
                             "cannot read the gnuplot script (set MRSIM_PLOT_DIR to the "
                             "folder of mrsim's analysis/plots)",
                             script_path);
    char *argv[] = { p->gnuplot, "-e", (char *)vars, p->common, script_path, NULL };
    int   pipefd[2];
    if (pipe(pipefd) != 0)
        return plot__io_fail(err, "cannot start gnuplot", p->gnuplot);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return plot__io_fail(err, "cannot start gnuplot", p->gnuplot);
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, STDIN_FILENO);
            close(fd);
        }
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        if (chdir(p->o->out_dir) != 0)
            _exit(126);
        execv(p->gnuplot, argv);
        _exit(127);
    }
    close(pipefd[1]);
    char why[256];
    read_stderr(pipefd[0], why, sizeof why);
    close(pipefd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return plot__io_fail(err, "cannot wait for gnuplot", p->gnuplot);
    }
    char out[PATH_MAX + 64];
    snprintf(out, sizeof out, "%s/%s", p->o->out_dir, image);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        sim_err_set(err, SIM_EIO, NULL, "gnuplot failed on %s (%s %d)%s%s", script,
                    WIFEXITED(status) ? "exit status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), why[0] ? ": " : "",
                    why);
        if (err)
            set_file(err, out);
        return SIM_EIO;
    }
    struct stat st;
    if (stat(out, &st) != 0 || st.st_size == 0) {
        sim_err_set(err, SIM_EIO, NULL, "gnuplot wrote no image from %s", script);
        if (err)
            set_file(err, out);
        return SIM_EIO;
    }
    p->nimages++;
    if (p->file)
        p->file(p->ctx, out);
    return 0;
}

bool plot__vars_add(char *vars, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(vars + *len, MAX_VARS - *len, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= MAX_VARS - *len) {
        vars[*len] = '\0';
        return false;
    }
    *len += (size_t)w;
    return true;
}

size_t plot__base_vars(const plot_runner *p, char *vars, const char *image, const char *data,
                       const char *title_literal, bool band)
{
    size_t len = 0;
    plot__vars_add(vars, &len, "fmt='%s'; out='%s'; data='%s'; title=%s; band=%d; ", p->ext, image,
                   data, title_literal, band ? 1 : 0);
    return len;
}

/* path made absolute against the working directory (realpath is not in POSIX.1-2008 base
 * without XSI, and resolving links is not needed). Returns 0 or -1 when it does not fit. */
int plot__absolute(const char *path, char *out, size_t n)
{
    char cwd[PATH_MAX];
    int  w;
    if (path[0] == '/')
        w = snprintf(out, n, "%s", path);
    else if (getcwd(cwd, sizeof cwd))
        w = snprintf(out, n, "%s/%s", cwd, path);
    else
        return -1;
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

int plot__make_dir(const char *dir, sim_err *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
        return plot__io_fail(err, "cannot use the plot directory", dir);
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return plot__io_fail(err, "cannot create the plot directory", dir);
    return 0;
}
