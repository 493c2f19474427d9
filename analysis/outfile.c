/* outfile.c - output files written in place or through a temporary file, and the registry of
 * temporary paths that a signal handler removes (outfile.h).
 *
 * The registry is a fixed array of fixed buffers, so the handler touches no heap and no
 * stdio: it only calls unlink(), open(), getdents64 through syscall(), unlinkat(), rmdir(),
 * sigaction() and raise(), which are async-signal-safe (syscall() in practice on Linux).
 * A slot is filled completely before it is marked used and marked unused before it is
 * reused, so the handler never reads half a path. */
#define _GNU_SOURCE /* syscall(), SYS_getdents64 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_TEMPS 16

static struct {
    volatile sig_atomic_t used;
    bool                  dir;
    char                  path[PATH_MAX];
} temps[MAX_TEMPS];

static int temp_add(const char *path, bool dir)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!temps[i].used) {
            temps[i].dir = dir;
            memcpy(temps[i].path, path, strlen(path) + 1); /* checked < PATH_MAX by callers */
            temps[i].used = 1;
            return i;
        }
    return -1; /* more than MAX_TEMPS at once: still removed on every exit but a signal */
}

static void temp_forget(const char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i].used && strcmp(temps[i].path, path) == 0)
            temps[i].used = 0;
}

/* Remove dir's entries and dir itself with async-signal-safe calls only. A program still
 * writing there (gnuplot, when the signal came mid-plot) may add a file between the last
 * unlink and the rmdir: then go round again, a few times. */
static void remove_tree_once(const char *dir);
static void remove_tree_safe(const char *dir)
{
    for (int round = 0; round < 5; round++) {
        remove_tree_once(dir);
        if (access(dir, F_OK) != 0)
            return;
    }
}

static void remove_tree_once(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                /* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1),
                 * d_name. */
                unsigned short reclen;
                memcpy(&reclen, buf + off + 16, sizeof reclen);
                const char *name = buf + off + 19;
                if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
                    unlinkat(fd, name, 0);
                off += reclen;
            }
        }
        close(fd);
    }
    rmdir(dir);
}

static void on_signal(int sig)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i].used) {
            if (temps[i].dir)
                remove_tree_safe(temps[i].path);
            else
                unlink(temps[i].path);
        }
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig); /* blocked while we run; delivered when the handler returns */
}

void out_temp_add(const char *path, bool dir)
{
    if (strlen(path) < PATH_MAX)
        temp_add(path, dir);
}

void out_temp_forget(const char *path) { temp_forget(path); }

void out_catch_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask); /* nothing else runs while the temporaries go */
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction old;
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[k], &sa, NULL);
    }
}

/* --- resolving the destination ------------------------------------------------------- */

static int io_fail(sim_err *err, const char *path, const char *what, const char *doing)
{
    int code = sim_err_set(err, SIM_EIO, NULL, "cannot %s %s: %s", doing, what, strerror(errno));
    if (err)
        snprintf(err->file, sizeof err->file, "%s", path);
    return code;
}

/* Follow symlinks from path to the final name (which may not exist) into out. */
static int resolve(const char *path, char *out, size_t n)
{
    if (strlen(path) >= n) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(out, n, "%s", path);
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0;
        char    link[PATH_MAX];
        ssize_t k = readlink(out, link, sizeof link - 1);
        if (k < 0)
            return -1;
        link[k] = '\0';
        if (link[0] == '/') {
            if ((size_t)k >= n) {
                errno = ENAMETOOLONG;
                return -1;
            }
            memcpy(out, link, (size_t)k + 1);
        } else { /* relative to the link's directory */
            char       *slash = strrchr(out, '/');
            size_t      dlen = slash ? (size_t)(slash - out) + 1 : 0;
            char        tmp[PATH_MAX];
            const char *fmt = "%.*s%s";
            if ((size_t)snprintf(tmp, sizeof tmp, fmt, (int)dlen, out, link) >= n) {
                errno = ENAMETOOLONG;
                return -1;
            }
            snprintf(out, n, "%s", tmp);
        }
    }
    errno = ELOOP;
    return -1;
}

/* The directory part of path ("." when none) and the base name. */
static void split(const char *path, char *dir, size_t n, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, n, ".");
        *base = path;
    } else {
        snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        *base = slash + 1;
    }
}

int out_open(out_file *o, const char *path, const char *what, sim_err *err)
{
    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        int fd = dup(STDOUT_FILENO);
        if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
            if (fd >= 0)
                close(fd);
            return io_fail(err, path, what, "write");
        }
        o->in_place = true;
        return 0;
    }
    char target[PATH_MAX];
    if (resolve(path, target, sizeof target) < 0)
        return io_fail(err, path, what, "resolve the path of");
    if (!(o->target = sim_strdup(target)))
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory for %s", what);
    struct stat st;
    bool        exists = stat(target, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) { /* a device, a FIFO: write in place */
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            out_abort(o);
            return io_fail(err, path, what, "write");
        }
        if (!(o->f = fopen(target, "w"))) {
            int e = errno;
            out_abort(o);
            errno = e;
            return io_fail(err, path, what, "write");
        }
        o->in_place = true;
        return 0;
    }
    char        dir[PATH_MAX], tmp[PATH_MAX];
    const char *base;
    split(target, dir, sizeof dir, &base);
    if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.mrsim-tmp-XXXXXX", dir, base) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        out_abort(o);
        return io_fail(err, path, what, "create");
    }
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~mask);
    int    fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        out_abort(o);
        errno = e;
        return io_fail(err, path, what, "create");
    }
    if (!(o->tmp = sim_strdup(tmp))) {
        close(fd);
        unlink(tmp);
        out_abort(o);
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory for %s", what);
    }
    temp_add(tmp, false);
    if (fchmod(fd, mode) < 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        out_abort(o);
        errno = e;
        return io_fail(err, path, what, "create");
    }
    return 0;
}

int out_commit(out_file *o, const char *what, sim_err *err)
{
    const char *name = o->target ? o->target : "-";
    int         e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    /* fsync only what will be renamed: a device or a pipe may refuse it (EINVAL). */
    if (!e && o->tmp && fsync(fileno(o->f)) != 0)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    o->f = NULL;
    if (!e && o->tmp && rename(o->tmp, o->target) != 0)
        e = errno;
    if (e) {
        errno = e;
        io_fail(err, name, what, "write"); /* before out_abort frees name */
        out_abort(o);
        return SIM_EIO;
    }
    if (o->tmp)
        temp_forget(o->tmp);
    sim_free(o->tmp);
    sim_free(o->target);
    o->tmp = o->target = NULL;
    return 0;
}

void out_abort(out_file *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp) {
        unlink(o->tmp);
        temp_forget(o->tmp);
    }
    sim_free(o->tmp);
    sim_free(o->target);
    o->tmp = o->target = NULL;
}

int out_tmpdir(const char *near, char *buf, size_t n, sim_err *err)
{
    char        target[PATH_MAX], dir[PATH_MAX];
    const char *base;
    struct stat st;
    if (strcmp(near, "-") != 0 && resolve(near, target, sizeof target) < 0)
        return io_fail(err, near, "a temporary folder", "resolve the path of");
    if (strcmp(near, "-") == 0 || (stat(target, &st) == 0 && !S_ISREG(st.st_mode))) {
        /* Standard output, a device, a FIFO: their directory (/dev) is no place for ours. */
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s", t && *t ? t : "/tmp");
    } else {
        split(target, dir, sizeof dir, &base);
    }
    if ((size_t)snprintf(buf, n, "%s/.mrsim-tmp-report-XXXXXX", dir) >= n
        || strlen(buf) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return io_fail(err, near, "a temporary folder", "create");
    }
    if (!mkdtemp(buf))
        return io_fail(err, buf, "a temporary folder", "create");
    temp_add(buf, true);
    return 0;
}

void out_tmpdir_remove(const char *dir)
{
    remove_tree_safe(dir);
    temp_forget(dir);
}
