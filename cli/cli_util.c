/* cli_util.c - helpers every subcommand uses: option parsing, seeds, error and output
 * checks, the wall clock, the progress line, and the loop that runs a scenario's patterns and
 * stores each run (cli_batch_run: run, compare and check differ only in what they do with
 * the runs, so the running, storing, error and progress handling is written once).
 *
 * The option parser is ours rather than getopt_long: subcommands need the same conventions
 * (options anywhere, "--name=value", "--" to end options, --help everywhere) and the same
 * error messages, and a table-driven parser that stores typed values (a checked seed) keeps
 * every subcommand's main short. Only long options exist, apart from -h.
 *
 * This is the only file in mrsim that reads the wall clock. */
#include "cli.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- options ------------------------------------------------------------------------ */

int cli_usage_error(const cli_spec *spec, const char *fmt, ...)
{
    fprintf(stderr, "mrsim %s: ", spec->name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\nTry 'mrsim %s --help' for more information.\n", spec->usage,
            spec->name);
    return CLI_EXIT_USAGE;
}

int cli_parse_seed(const char *text, uint64_t *out)
{
    /* strtoull alone would accept leading blanks, a sign (and negate "-1" into 2^64-1) and
     * an empty string, so the first character must be a digit and the last must end it. */
    if (!text || !isdigit((unsigned char)text[0]))
        return SIM_EINVAL;
    errno = 0;
    char              *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0')
        return SIM_EINVAL;
    if (errno == ERANGE || v > (unsigned long long)INT64_MAX)
        return SIM_ERANGE;
    *out = (uint64_t)v;
    return 0;
}

static const cli_opt *find_opt(const cli_spec *spec, const char *name, size_t len)
{
    for (size_t i = 0; i < spec->nopts; i++)
        if (strlen(spec->opts[i].name) == len && strncmp(spec->opts[i].name, name, len) == 0)
            return &spec->opts[i];
    return NULL;
}

/* Store value into o's destination; returns CLI_CONTINUE or a usage error. */
static int set_opt(const cli_spec *spec, const cli_opt *o, const char *value)
{
    switch (o->kind) {
    case CLI_OPT_FLAG:
        *(bool *)o->dest = true;
        break;
    case CLI_OPT_STRING:
        if (value[0] == '\0')
            return cli_usage_error(spec, "--%s: expected a value, got an empty string", o->name);
        *(const char **)o->dest = value;
        break;
    case CLI_OPT_LIST: {
        cli_list *l = o->dest;
        if (value[0] == '\0')
            return cli_usage_error(spec, "--%s: expected a value, got an empty string", o->name);
        if (l->n == CLI_LIST_MAX)
            return cli_usage_error(spec, "--%s: at most %d times", o->name, CLI_LIST_MAX);
        l->v[l->n++] = value;
        break;
    }
    case CLI_OPT_SEED:
        if (cli_parse_seed(value, (uint64_t *)o->dest) < 0)
            return cli_usage_error(spec, "--%s: expected an integer from 0 to %lld, got '%s'",
                                   o->name, (long long)INT64_MAX, value);
        break;
    }
    if (o->given)
        *o->given = true;
    return CLI_CONTINUE;
}

int cli_parse(const cli_spec *spec, int argc, char **argv, int *noperands)
{
    int  nops = 0;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            argv[1 + nops++] = a; /* 1 + nops <= i: never overwrites unread */
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: %s\n\n%s", spec->usage, spec->help);
            return cli_finish_stdout(CLI_EXIT_OK);
        }
        if (a[1] != '-')
            return cli_usage_error(spec, "unknown option '%s'", a);
        const char    *name = a + 2;
        const char    *eq = strchr(name, '=');
        size_t         len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt *o = find_opt(spec, name, len);
        if (!o)
            return cli_usage_error(spec, "unknown option '--%.*s'", (int)len, name);
        const char *value = NULL;
        if (o->kind == CLI_OPT_FLAG) {
            if (eq)
                return cli_usage_error(spec, "--%s takes no value, got '%s'", o->name, eq + 1);
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return cli_usage_error(spec, "--%s needs a value", o->name);
        }
        int rc = set_opt(spec, o, value);
        if (rc != CLI_CONTINUE)
            return rc;
    }
    if (nops < spec->min_operands)
        return cli_usage_error(spec, "missing %s", spec->operands);
    if (spec->max_operands >= 0 && nops > spec->max_operands)
        return cli_usage_error(spec, "unexpected argument '%s'", argv[1 + spec->max_operands]);
    *noperands = nops;
    return CLI_CONTINUE;
}

/* --- errors and output -------------------------------------------------------------- */

int cli_print_error(const sim_err *err)
{
    char buf[sizeof err->file + sizeof err->path + sizeof err->msg + 8];
    sim_err_format(err, buf, sizeof buf);
    fprintf(stderr, "%s\n", buf);
    return CLI_EXIT_FAIL;
}

int cli_finish_stdout(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mrsim: cannot write to standard output: %s\n", strerror(errno));
        return CLI_EXIT_FAIL;
    }
    return status;
}

int cli_make_parent_dir(const char *path, sim_err *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0; /* the current directory, or "/" */
    char dir[4096];
    if ((size_t)(slash - path) >= sizeof dir)
        return 0; /* let the database open report it */
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    struct stat st;
    if (stat(dir, &st) == 0)
        return 0; /* a non-directory fails at open, clearly */
    if (errno != ENOENT)
        goto fail;
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) /* EEXIST: a parallel run made it */
        return 0;
fail:
    sim_err_set(err, SIM_EIO, NULL, "cannot create the directory for %s: %s", path,
                strerror(errno));
    if (err)
        snprintf(err->file, sizeof err->file, "%.*s", (int)sizeof err->file - 1, dir);
    return SIM_EIO;
}

/* --- wall clock --------------------------------------------------------------------- */

double cli_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_utc_timestamp(char *buf, size_t n)
{
    struct timespec ts;
    struct tm       tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    /* The bounds on both parts tell the compiler that 40 bytes always fit the result (it
     * checks once this function is inlined into cli_batch_run). */
    unsigned ms = (unsigned)(ts.tv_nsec / 1000000) % 1000u;
    snprintf(buf, n, "%.24s.%03uZ", date, ms);
}

/* --- progress ----------------------------------------------------------------------- */

#define PROGRESS_AFTER_S  1.0 /* no line for runs shorter than this */
#define PROGRESS_REDRAW_S 0.1 /* at most ten redraws a second */

void cli_progress_start(cli_progress *p, bool quiet)
{
    p->enabled = !quiet;
    p->tty = isatty(STDERR_FILENO);
    p->started = cli_wall_seconds();
    p->last_draw = p->started;
    p->width = 0;
}

/* "42.0s", "12m05s", "3h02m10s": short and unambiguous for both simulated time and ETA. */
static void format_seconds(double s, char *buf, size_t n)
{
    if (!isfinite(s) || s < 0) {
        snprintf(buf, n, "?");
    } else if (s < 60) {
        snprintf(buf, n, "%.1fs", s);
    } else if (s < 3600) {
        long t = lround(s);
        snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
    } else if (s < 1e9) {
        long t = lround(s);
        snprintf(buf, n, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
    } else {
        snprintf(buf, n, "%.3gs", s);
    }
}

static void format_rate(double r, char *buf, size_t n)
{
    if (r >= 1e6)
        snprintf(buf, n, "%.2fM", r / 1e6);
    else if (r >= 1e3)
        snprintf(buf, n, "%.1fk", r / 1e3);
    else
        snprintf(buf, n, "%.0f", r);
}

double cli_progress_every(void)
{
    const char *env = getenv("MRSIM_PROGRESS_EVERY");
    char       *end = NULL;
    double      v = env ? strtod(env, &end) : 0;
    return env && end != env && *end == '\0' && v > 0 && v < 1e6 ? v : 10.0;
}

void cli_progress_line(double *last, double started, bool quiet, const char *what, double done,
                       double total, const char *unit)
{
    if (quiet || isatty(STDERR_FILENO))
        return;
    double t = cli_wall_seconds();
    if (t - *last < cli_progress_every())
        return;
    *last = t;
    double frac = total > 0 ? done / total : 1;
    frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
    char el[32], eta[32], d[32], n[32];
    format_seconds(t - started, el, sizeof el);
    format_seconds(frac > 0 ? (t - started) * (1 - frac) / frac : NAN, eta, sizeof eta);
    if (strcmp(unit, "simulated") == 0) {
        format_seconds(done, d, sizeof d);
        format_seconds(total, n, sizeof n);
        fprintf(stderr, "mrsim %s: simulated %s of %s (%.0f%%), %s elapsed, ETA %s\n", what, d, n,
                100 * frac, el, eta);
    } else {
        fprintf(stderr, "mrsim %s: %.0f/%.0f %s (%.0f%%), %s elapsed, ETA %s\n", what, done, total,
                unit, 100 * frac, el, eta);
    }
    fflush(stderr);
}

void cli_progress_update(void *ctx, sim_time now, sim_time end, uint64_t events)
{
    cli_progress *p = ctx;
    if (!p->enabled)
        return;
    if (!p->tty) {
        /* A CI log: a whole line now and then, never a carriage return. */
        cli_progress_line(&p->last_draw, p->started, false, "run", sim_time_s(now), sim_time_s(end),
                          "simulated");
        return;
    }
    double t = cli_wall_seconds();
    double elapsed = t - p->started;
    if (elapsed <= PROGRESS_AFTER_S || t - p->last_draw < PROGRESS_REDRAW_S)
        return;
    p->last_draw = t;

    double frac = end > 0 ? (double)now / (double)end : 1.0;
    frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
    char done[32], total[32], rate[32], eta[32];
    format_seconds(sim_time_s(now), done, sizeof done);
    format_seconds(sim_time_s(end), total, sizeof total);
    format_rate((double)events / elapsed, rate, sizeof rate);
    format_seconds(frac > 0 ? elapsed * (1 - frac) / frac : NAN, eta, sizeof eta);
    char line[160];
    int  len = snprintf(line, sizeof line, "simulated %s / %s  %5.1f%%  %s events/s  ETA %s", done,
                        total, 100 * frac, rate, eta);
    size_t w = len < 0 ? 0 : (size_t)len < sizeof line ? (size_t)len : sizeof line - 1;
    /* Pad over what is left of a longer previous line. */
    fprintf(stderr, "\r%s%*s", line, p->width > w ? (int)(p->width - w) : 0, "");
    fflush(stderr);
    p->width = w;
}

void cli_progress_clear(cli_progress *p)
{
    if (p->width == 0)
        return;
    fprintf(stderr, "\r%*s\r", (int)p->width, "");
    fflush(stderr);
    p->width = 0;
}

run_options cli_run_options(cli_progress *p)
{
    run_options o = {
        .progress = cli_progress_update,
        .progress_ctx = p,
        .progress_every = 0, /* run.c's default: 1% of the duration */
    };
    return o;
}

/* --- running and storing ------------------------------------------------------------ */

/* The batch's progress, fed to cli_progress as one long run: the runs already done count as
 * 'end' each, so the percentage and the ETA cover every run. Compare's many short runs are
 * each usually under the second after which cli_progress draws anything. */
typedef struct batch_progress {
    cli_progress bar;
    size_t       done;        /* runs finished */
    size_t       total;       /* runs to do */
    uint64_t     events_done; /* engine events of the finished runs */
} batch_progress;

static void batch_progress_update(void *ctx, sim_time now, sim_time end, uint64_t events)
{
    batch_progress *bp = ctx;
    /* When total * end would overflow (days of simulated time times thousands of seeds),
     * show the current run alone. */
    if (end > 0 && bp->total <= (size_t)(SIM_TIME_MAX / end))
        cli_progress_update(&bp->bar, (sim_time)bp->done * end + now, (sim_time)bp->total * end,
                            bp->events_done + events);
    else
        cli_progress_update(&bp->bar, now, end, events);
}

void cli_batch_all_patterns(cli_batch *b, const scn_scenario *s)
{
    b->npatterns = 0;
    for (size_t i = 0; i < s->npatterns; i++)
        b->patterns[b->npatterns++] = &s->patterns[i];
    if (b->npatterns == 0)
        b->patterns[b->npatterns++] = NULL; /* the independent-regions baseline */
}

int cli_batch_run(cli_batch *b, sim_err *err)
{
    assert(b->npatterns >= 1 && b->npatterns <= SCN_MAX_PATTERNS && b->nseeds >= 1);
    size_t total = b->npatterns * b->nseeds;
    b->nruns = 0;
    b->runs = sim_calloc(total, sizeof *b->runs);
    if (!b->runs)
        return sim_err_set(err, SIM_ENOMEM, NULL, "out of memory for %zu runs", total);

    batch_progress bp = { .total = total };
    cli_progress_start(&bp.bar, b->quiet);
    double t_all = cli_wall_seconds();
    int    rc = 0;
    for (size_t p = 0; p < b->npatterns; p++) {
        for (size_t k = 0; k < b->nseeds; k++) {
            run_options ro = cli_run_options(&bp.bar);
            ro.progress = batch_progress_update;
            ro.progress_ctx = &bp;
            ro.pattern = b->patterns[p];
            ro.has_seed = true;
            ro.seed = b->first_seed + k;
            char started[40];
            cli_utc_timestamp(started, sizeof started);
            double t0 = cli_wall_seconds();
            rc = run_scenario(b->scn, &ro, &b->runs[b->nruns], err);
            double wall = cli_wall_seconds() - t0;
            if (rc < 0) {
                if (!err->file[0])
                    snprintf(err->file, sizeof err->file, "%s", b->file);
                goto done;
            }
            run_result *r = b->runs[b->nruns++];
            db_run_info info = { .started = started, .wall_s = wall, .version = MRSIM_VERSION };
            int64_t     run_id = 0;
            if ((rc = db_write_run(b->db, r, &info, &run_id, err)) < 0)
                goto done;
            if (b->nruns == 1)
                b->first_id = run_id;
            b->last_id = run_id;
            if (!b->keep_latency) {
                stat_hist_free(r->latency);
                r->latency = NULL;
            }
            bp.done++;
            bp.events_done += r->events;
            if (b->stored) {
                cli_progress_clear(&bp.bar);
                b->stored(b->ctx, b->nruns - 1, r, run_id, wall);
            }
        }
    }
done:
    cli_progress_clear(&bp.bar);
    b->wall_s = cli_wall_seconds() - t_all;
    return rc;
}

void cli_batch_fini(cli_batch *b)
{
    if (!b->runs)
        return;
    for (size_t i = 0; i < b->nruns; i++)
        run_result_free(b->runs[i]);
    sim_free(b->runs);
    b->runs = NULL;
    b->nruns = 0;
}
