/* cli_check_run.c - `mrsim check`'s runs: one worker process per scenario, the verdicts in
 * the parent, in file order.
 *
 * A worker (cli_jobs task) opens its own connection to the results database, runs one
 * pattern of one scenario, stores the run (one transaction, as run does) and sends the parent
 * what the verdicts need: the run's pattern, seed and metrics, or the error that stopped it.
 * Tasks go scenario by scenario, pattern by pattern, so a scenario's runs reach the parent
 * together; when its last one arrives the scenario is checked. (Unlike a sequential batch, a
 * pattern that fails does not stop the scenario's other patterns: they run and are stored,
 * and the scenario reports its first error.) The parent rebuilds run_results holding those metrics and checks them exactly
 * as a sequential check would, so the lines and the JUnit report are the same for every
 * --jobs, and a worker that crashes is that scenario's failure, not the check's.
 *
 * The message is a small binary format rather than text: region and pattern names come from
 * scenario files and may hold any byte, and doubles travel as their 64 bits so that a verdict
 * in the parent sees exactly the value the run measured. Records: 'R' a run (pattern, seed,
 * metric count, then per metric scope, key, name, value bits), 'E' an error (code, file,
 * path, message), 'Z' the end; a message without its 'Z' was cut short by a crash.
 *
 * Baselines are read before the first fork and the database closed again (an SQLite
 * connection must not cross a fork); that also means the runs this check writes are never
 * their own baseline when --baseline and --db name the same file. */
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_check-int.h"
#include "cli_jobs.h"
#include "db.h"
#include "stat.h"
#include "table.h"

/* --- the message ------------------------------------------------------------------------ */

static void put_u32(FILE *out, uint32_t v)
{
    unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };
    fwrite(b, 1, 4, out);
}

static void put_u64(FILE *out, uint64_t v)
{
    put_u32(out, (uint32_t)(v >> 32));
    put_u32(out, (uint32_t)v);
}

static void put_str(FILE *out, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    put_u32(out, (uint32_t)len);
    fwrite(s, 1, len, out);
}

static void put_run(FILE *out, const run_result *r)
{
    fputc('R', out);
    put_str(out, r->pattern);
    put_u64(out, r->seed);
    put_u32(out, (uint32_t)r->nmetrics);
    for (size_t i = 0; i < r->nmetrics; i++) {
        const run_metric *m = &r->metrics[i];
        uint64_t          bits;
        memcpy(&bits, &m->value, sizeof bits);
        fputc((int)m->scope, out);
        put_str(out, m->key);
        put_str(out, m->name);
        put_u64(out, bits);
    }
}

static void put_err(FILE *out, const sim_err *err)
{
    fputc('E', out);
    put_u32(out, (uint32_t)err->code);
    put_str(out, err->file);
    put_str(out, err->path);
    put_str(out, err->msg);
}

/* A reader over a message; 'bad' once anything did not fit. */
typedef struct reader {
    const unsigned char *p;
    size_t               left;
    bool                 bad;
} reader;

static const unsigned char *take(reader *rd, size_t n)
{
    if (rd->bad || rd->left < n) {
        rd->bad = true;
        return NULL;
    }
    const unsigned char *p = rd->p;
    rd->p += n;
    rd->left -= n;
    return p;
}

static int get_byte(reader *rd)
{
    const unsigned char *p = take(rd, 1);
    return p ? p[0] : -1;
}

static uint32_t get_u32(reader *rd)
{
    const unsigned char *p = take(rd, 4);
    return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

static uint64_t get_u64(reader *rd)
{
    uint64_t hi = get_u32(rd);
    return hi << 32 | get_u32(rd);
}

/* A copy of the next string (ours), or NULL with rd->bad or out of memory (*oom). */
static char *get_str(reader *rd, bool *oom)
{
    uint32_t             len = get_u32(rd);
    const unsigned char *p = take(rd, len);
    if (!p)
        return NULL;
    char *s = sim_malloc((size_t)len + 1);
    if (!s) {
        *oom = true;
        return NULL;
    }
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

/* Into the caller's fixed buffer, truncating. */
static void get_str_into(reader *rd, char *buf, size_t n)
{
    uint32_t             len = get_u32(rd);
    const unsigned char *p = take(rd, len);
    snprintf(buf, n, "%.*s", p ? (int)(len < n ? len : n - 1) : 0, p ? (const char *)p : "");
}

/* --- the worker ----------------------------------------------------------------------- */

/* A task is one run: a pattern of a scenario. A scenario's tasks are consecutive, so they are
 * delivered one after another and the last one completes the scenario. An item that did not
 * load is one task that runs nothing. */
typedef struct task_ref {
    size_t item;    /* index in the list */
    size_t pattern; /* index in cli_batch_all_patterns' order */
    bool   last;    /* the item's last task */
} task_ref;

typedef struct got_runs {
    run_result **runs; /* pattern-major: each pattern's seeds */
    size_t       nruns, cap;
    sim_err      err; /* code != 0: the first error of the item */
} got_runs;

typedef struct run_ctx {
    check_state *st;
    task_ref    *tasks; /* [ntasks] */
    size_t       ntasks;
    got_runs     got;     /* the runs of the item being delivered */
    size_t       done;    /* tasks delivered, for the progress line */
    double       started; /* wall s */
    double       last;    /* wall s of the last progress line */
} run_ctx;

static int check_task(void *ctx, size_t t, FILE *out)
{
    const run_ctx     *rx = ctx;
    const check_state *st = rx->st;
    const check_item  *item = &st->list->items[rx->tasks[t].item];
    if (!item->scn)
        return 0; /* reported by the parent */
    sim_err   err = { 0 };
    db_conn  *db = NULL;
    int       rc = db_open(st->db_path, &db, &err);
    cli_batch all = { 0 };
    cli_batch_all_patterns(&all, item->scn);
    cli_batch b = { .scn = item->scn,
                    .file = item->path,
                    .first_seed = item->scn->seed,
                    .nseeds = check__seeds(st, item->scn),
                    .quiet = st->quiet || st->jobs > 1 || !isatty(STDERR_FILENO),
                    .db = db,
                    .patterns = { all.patterns[rx->tasks[t].pattern] },
                    .npatterns = 1 };
    if (rc == 0)
        rc = cli_batch_run(&b, &err);
    for (size_t k = 0; k < b.nruns; k++)
        put_run(out, b.runs[k]);
    if (rc < 0)
        put_err(out, &err);
    fputc('Z', out);
    cli_batch_fini(&b);
    db_close(db);
    return 0;
}

/* --- the parent: a worker's message back into runs -------------------------------------- */

static void got_free(got_runs *g)
{
    for (size_t k = 0; k < g->nruns; k++) {
        run_result *r = g->runs[k];
        for (size_t i = 0; i < r->nmetrics; i++) {
            sim_free((char *)r->metrics[i].key);
            sim_free((char *)r->metrics[i].name);
        }
        sim_free(r->metrics);
        sim_free((char *)r->pattern);
        sim_free(r);
    }
    g->nruns = 0;
}

static int get_run(reader *rd, const scn_scenario *s, got_runs *g, bool *oom)
{
    run_result *r = NULL;
    if (sim_grow(&g->runs, &g->cap, g->nruns, sizeof *g->runs) < 0
        || !(r = sim_calloc(1, sizeof *r))) {
        *oom = true;
        return -1;
    }
    g->runs[g->nruns++] = r;
    r->scn = s;
    r->pattern = get_str(rd, oom);
    r->seed = get_u64(rd);
    uint32_t n = get_u32(rd);
    if (rd->bad || *oom || n > rd->left / 17) /* 17: the smallest metric record */
        return -1;
    if (n > 0 && !(r->metrics = sim_calloc(n, sizeof *r->metrics))) {
        *oom = true;
        return -1;
    }
    for (uint32_t i = 0; i < n && !rd->bad && !*oom; i++) {
        run_metric *m = &r->metrics[r->nmetrics++];
        int         scope = get_byte(rd);
        m->scope = scope >= 0 && scope < RUN_SCOPE_COUNT ? (run_scope)scope : RUN_SCOPE_ALL;
        m->key = get_str(rd, oom);
        m->name = get_str(rd, oom);
        uint64_t bits = get_u64(rd);
        memcpy(&m->value, &bits, sizeof m->value);
        if (!m->key || !m->name)
            return -1;
    }
    return rd->bad || *oom ? -1 : 0;
}

/* Decode a worker's message into g. Returns 0, -1 for a message cut short or garbled, or
 * SIM_ENOMEM. */
static int decode(const char *bytes, size_t len, const scn_scenario *s, got_runs *g)
{
    reader rd = { (const unsigned char *)bytes, len, false };
    bool   oom = false;
    for (;;) {
        int kind = get_byte(&rd);
        if (kind == 'Z')
            return rd.left == 0 ? 0 : -1;
        if (kind == 'R') {
            if (get_run(&rd, s, g, &oom) < 0)
                return oom ? SIM_ENOMEM : -1;
        } else if (kind == 'E') {
            sim_err e = { .code = (int32_t)get_u32(&rd) };
            get_str_into(&rd, e.file, sizeof e.file);
            get_str_into(&rd, e.path, sizeof e.path);
            get_str_into(&rd, e.msg, sizeof e.msg);
            if (rd.bad || e.code >= 0)
                return -1;
            if (g->err.code == 0)
                g->err = e;
        } else {
            return -1;
        }
    }
}

/* --- the parent: verdicts ----------------------------------------------------------------- */

void check__print_error(const sim_err *err)
{
    fflush(stdout);
    cli_print_error(err);
}

/* Record err in the report as an errored suite for file. */
static int report_error(expect_report *rep, const char *file, const char *what, const sim_err *err)
{
    char msg[sizeof err->path + sizeof err->msg + 4];
    snprintf(msg, sizeof msg, "%s%s%s", err->path, err->path[0] ? ": " : "", err->msg);
    return expect_report_error(rep, file, what, msg);
}

/* "REGRESSION FILE  [PATTERN] METRIC: baseline X, now Y, +Z%", the PASS lines' layout. */
static void print_baseline_line(const char *word, const char *file, const char *pattern,
                                const char *what, const char *msg)
{
    printf("%-5s ", word);
    table_put_text(stdout, file);
    fputs("  [", stdout);
    table_put_text(stdout, pattern);
    fputs("] ", stdout);
    table_put_text(stdout, what);
    fputs(msg[0] ? ": " : "", stdout);
    table_put_text(stdout, msg);
    fputc('\n', stdout);
}

typedef struct regression_sink {
    check_state *st;
    const char  *file;
    const char  *pattern;
    char         tol[32]; /* "5%" */
} regression_sink;

static int on_regression(void *ctx, const baseline_regression *g)
{
    regression_sink *k = ctx;
    char             metric[EXPECT_TEXT_MAX], msg[EXPECT_TEXT_MAX];
    char name[EXPECT_TEXT_MAX + 64], full[EXPECT_TEXT_MAX + 64]; /* truncation is fine */
    baseline_metric_name(g->metric, metric, sizeof metric);
    baseline_describe(g, msg, sizeof msg);
    print_baseline_line("REGRESSION", k->file, k->pattern, metric, msg);
    snprintf(name, sizeof name, "[%s] baseline %s", k->pattern, metric);
    snprintf(full, sizeof full, "%s (tolerance %s)", msg, k->tol);
    k->st->regressions++;
    return expect_report_add_case(k->st->rep, name, full);
}

/* Compare each run with its baseline run: a line per regression, a case per run and per
 * regression. */
static int check_baselines(check_state *st, check_item *item, run_result *const *runs, size_t nruns)
{
    for (size_t k = 0; k < nruns; k++) {
        const run_result *r = runs[k];
        regression_sink   sink = { .st = st, .file = item->path, .pattern = r->pattern };
        snprintf(sink.tol, sizeof sink.tol, "%g%%", 100.0 * st->tolerance);
        char name[EXPECT_TEXT_MAX], msg[EXPECT_TEXT_MAX];
        snprintf(name, sizeof name, "[%s] baseline", r->pattern);
        const baseline_run *b = k < SCN_MAX_PATTERNS ? item->base[k] : NULL;
        if (!b) {
            snprintf(msg, sizeof msg,
                     "no run of scenario \"%s\", pattern \"%s\", seed %" PRIu64 " in %s",
                     item->scn->name, r->pattern, r->seed, st->baseline);
            print_baseline_line("ERROR", item->path, r->pattern, "baseline", msg);
            st->unmatched++;
            if (expect_report_add_case(st->rep, name, msg) < 0)
                return SIM_ENOMEM;
            continue;
        }
        size_t compared = 0;
        int    n = baseline_compare(b, r, st->tolerance, on_regression, &sink, &compared);
        if (n < 0)
            return n;
        if (n > 0)
            continue;
        snprintf(msg, sizeof msg, "%zu metrics within %s of run %" PRId64, compared, sink.tol,
                 baseline_run_id(b));
        if (!st->quiet)
            print_baseline_line("PASS", item->path, r->pattern, "baseline", msg);
        if (expect_report_add_case(st->rep, name, NULL) < 0)
            return SIM_ENOMEM;
    }
    return 0;
}

/* --- several seeds ----------------------------------------------------------------------- */

size_t check__seeds(const check_state *st, const scn_scenario *s)
{
    return st->seeds ? st->seeds : s->seeds ? s->seeds : 1;
}

static void summary_free(run_result *r)
{
    if (r)
        sim_free(r->metrics);
    sim_free(r);
}

/* The mean (*mean) and 95% half-width (*ci) of every metric of runs[0 .. n), which are runs
 * of one pattern with different seeds and so have the same metrics in the same order.
 * Values that are NaN in some run (nothing measured) are left out; none left: NaN. The
 * summaries borrow the first run's names. 0 or SIM_ENOMEM. */
static int seeds_summary(run_result *const *runs, size_t n, run_result **mean, run_result **ci)
{
    const run_result *r0 = runs[0];
    run_result       *m = sim_calloc(1, sizeof *m), *h = sim_calloc(1, sizeof *h);
    double           *v = sim_calloc(n, sizeof *v);
    if (!m || !h || !v
        || (r0->nmetrics
            && (!(m->metrics = sim_calloc(r0->nmetrics, sizeof *m->metrics))
                || !(h->metrics = sim_calloc(r0->nmetrics, sizeof *h->metrics))))) {
        summary_free(m);
        summary_free(h);
        sim_free(v);
        return SIM_ENOMEM;
    }
    for (run_result *s = m; s; s = s == m ? h : NULL) {
        s->scn = r0->scn;
        s->pattern = r0->pattern;
        s->seed = r0->seed;
        s->nmetrics = r0->nmetrics;
    }
    for (size_t i = 0; i < r0->nmetrics; i++) {
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (i < runs[j]->nmetrics && !isnan(runs[j]->metrics[i].value))
                v[k++] = runs[j]->metrics[i].value;
        m->metrics[i] = h->metrics[i] = r0->metrics[i];
        double mu = NAN, hw = 0;
        if (k == 1)
            mu = v[0];
        else if (k > 1)
            stat_ci95(v, k, &mu, &hw);
        m->metrics[i].value = mu;
        h->metrics[i].value = hw;
    }
    sim_free(v);
    *mean = m;
    *ci = h;
    return 0;
}

/* Why a worker's message cannot be used, as a run error. */
static void lost_worker(sim_err *err, const char *file, int status)
{
    if (status < 0)
        sim_err_set(err, SIM_EIO, NULL, "the process running it was killed by signal %d", -status);
    else if (status > 0)
        sim_err_set(err, SIM_EIO, NULL, "the process running it exited with status %d", status);
    else
        sim_err_set(err, SIM_EIO, NULL, "the process running it sent an unreadable result");
    snprintf(err->file, sizeof err->file, "%s", file);
}

/* The item's runs are all in: report its error, or check its expectations and baseline. */
static int check_item_runs(check_state *st, check_item *item, got_runs *g)
{
    if (g->err.code != 0) {
        /* The loader accepted it but the world could not be built from it: the input's
         * fault. Anything else (memory, the database, a crash) is the environment's. */
        if (g->err.code == SIM_EINVAL)
            st->invalid = true;
        else
            st->failed = true;
        check__print_error(&g->err);
        return report_error(st->rep, item->path, "run", &g->err);
    }
    size_t nseeds = check__seeds(st, item->scn);
    if (nseeds == 1) {
        int rc = expect_report_check(st->rep, item->scn, (const run_result *const *)g->runs,
                                     g->nruns, stdout, st->quiet);
        if (rc == 0 && st->baseline)
            rc = check_baselines(st, item, g->runs, g->nruns);
        return rc;
    }
    /* Several seeds: each pattern's mean and interval, then the first seed's runs for the
     * baseline (whose runs are looked up by the scenario's seed). */
    size_t      npatterns = g->nruns / nseeds;
    run_result *means[SCN_MAX_PATTERNS] = { 0 }, *cis[SCN_MAX_PATTERNS] = { 0 };
    run_result *firsts[SCN_MAX_PATTERNS];
    int         rc = 0;
    for (size_t p = 0; p < npatterns && rc == 0; p++) {
        firsts[p] = g->runs[p * nseeds];
        rc = seeds_summary(g->runs + p * nseeds, nseeds, &means[p], &cis[p]);
    }
    if (rc == 0)
        rc = expect_report_check_seeds(st->rep, item->scn, (const run_result *const *)means,
                                       (const run_result *const *)cis, npatterns, nseeds, stdout,
                                       st->quiet);
    if (rc == 0 && st->baseline)
        rc = check_baselines(st, item, firsts, npatterns);
    for (size_t p = 0; p < npatterns; p++) {
        summary_free(means[p]);
        summary_free(cis[p]);
    }
    return rc;
}

static int check_done(void *ctx, size_t t, int status, const char *bytes, size_t len)
{
    run_ctx     *rx = ctx;
    check_state *st = rx->st;
    check_item  *item = &st->list->items[rx->tasks[t].item];
    /* In a CI log (stderr not a terminal), a line every 10 s: runs done, time left. */
    cli_progress_line(&rx->last, rx->started, st->quiet, "check", (double)++rx->done,
                      (double)rx->ntasks, "runs");
    if (!item->scn) {
        st->invalid = true;
        return report_error(st->rep, item->path, "load", item->err) < 0 ? SIM_ENOMEM : 0;
    }
    int rc = status == 0 ? decode(bytes, len, item->scn, &rx->got) : -1;
    if (rc == SIM_ENOMEM)
        return rc;
    if (rc < 0 && rx->got.err.code == 0)
        lost_worker(&rx->got.err, item->path, status);
    if (!rx->tasks[t].last)
        return 0;
    rc = check_item_runs(st, item, &rx->got);
    got_free(&rx->got);
    rx->got.err = (sim_err){ 0 };
    scn_free(item->scn); /* the report keeps copies of what it needs */
    item->scn = NULL;
    return rc;
}

/* --- baselines and the whole run ---------------------------------------------------------- */

int check__load_baselines(check_state *st, sim_err *err)
{
    db_conn *db = NULL;
    int      rc = db_open_readonly(st->baseline, &db, err);
    for (size_t i = 0; rc == 0 && i < st->list->n; i++) {
        check_item *item = &st->list->items[i];
        if (!item->scn)
            continue;
        cli_batch b = { 0 };
        cli_batch_all_patterns(&b, item->scn);
        for (size_t p = 0; rc == 0 && p < b.npatterns; p++) {
            const char *pattern = b.patterns[p] ? b.patterns[p]->name : "independent";
            rc = baseline_load(db, item->scn->name, pattern, item->scn->seed, &item->base[p], err);
        }
    }
    db_close(db);
    return rc;
}

/* One task per run: a scenario's patterns run in parallel too, so that one large scenario
 * (three patterns of the flagship) does not leave the other workers idle at the end. */
static int make_tasks(run_ctx *rx)
{
    const check_list *l = rx->st->list;
    size_t            n = 0;
    for (size_t i = 0; i < l->n; i++) {
        cli_batch b = { 0 };
        if (l->items[i].scn)
            cli_batch_all_patterns(&b, l->items[i].scn);
        n += l->items[i].scn ? b.npatterns : 1;
    }
    if (n > 0 && !(rx->tasks = sim_calloc(n, sizeof *rx->tasks)))
        return SIM_ENOMEM;
    for (size_t i = 0; i < l->n; i++) {
        cli_batch b = { 0 };
        b.npatterns = 1;
        if (l->items[i].scn)
            cli_batch_all_patterns(&b, l->items[i].scn);
        for (size_t p = 0; p < b.npatterns; p++)
            rx->tasks[rx->ntasks++] = (task_ref){ i, p, p + 1 == b.npatterns };
    }
    return 0;
}

int check__run_all(check_state *st, int *signo)
{
    run_ctx rx = { .st = st, .started = cli_wall_seconds() };
    rx.last = rx.started;
    int rc = make_tasks(&rx);
    if (rc == 0)
        rc = cli_jobs_run(rx.ntasks, st->jobs, check_task, check_done, &rx, signo);
    got_free(&rx.got);
    sim_free(rx.got.runs);
    sim_free(rx.tasks);
    if (rc == SIM_ENOMEM) {
        sim_err err = { 0 };
        sim_err_set(&err, SIM_ENOMEM, NULL, "out of memory");
        check__print_error(&err);
    }
    if (rc == SIM_EIO)
        st->failed = true; /* the pool printed why */
    return rc == SIM_EIO ? 0 : rc;
}
