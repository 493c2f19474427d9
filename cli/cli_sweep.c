/* cli_sweep.c - `mrsim sweep FILE --vary PATH=VALUES ...`: run a scenario over a grid of
 * parameter values with several seeds per point, store every run with its parameters, check
 * objectives (an SLO) and search for the smallest value of a parameter that meets them.
 *
 * This file holds the command line, the setup (the sweep, its hash, the database rows) and
 * the running: every run is a task of the process pool (cli_jobs.h), in a child that writes
 * the run into a private database of its own; the parent copies each task's database into
 * the results database in task order (db_sweep_import), so the rows are the same, row for
 * row, for any --jobs (wall-clock fields aside). Runs already stored for the same sweep
 * (same hash) are not run again: an interrupted sweep continues, and a sweep over a merged
 * database only reports. cli_sweep_eval.c evaluates and prints.
 *
 * Rejected: workers writing straight into the results database. SQLite would queue them
 * (busy timeout), but the rows would land in completion order and the run ids would differ
 * from one --jobs to another. */
#include "cli_sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_jobs.h"
#include "expect.h"
#include "outfile.h"
#include "sha256.h"

static const char sweep_help[]
    = "Run scenario FILE at every point of a grid of parameter values, each point with N\n"
      "seeds, and store every run with its parameters in the results database. With objectives\n"
      "(--slo) every point is checked against them (mean and 95% confidence interval over the\n"
      "seeds); with --minimize PATH the smallest value of that parameter meeting every\n"
      "objective at every point of the other dimensions is searched by bisection.\n"
      "\n"
      "The scenario's \"sweep\" section (scenarios/README.md, \"Sweeps\") gives the same\n"
      "settings; options replace them (--vary and --slo replace the whole list).\n"
      "\n"
      "options:\n"
      "  --vary PATH=VALUES  a dimension: a JSON path into the scenario and a list\n"
      "                      (10ms,50ms,200ms; us-east-1,eu-west-1) or a range A..B:STEP\n"
      "                      (8..64:8, 0.5..2:0.5, 10ms..100ms:10ms); repeat for a grid.\n"
      "                      [*] varies every element: regions[*].servers=8..64:8\n"
      "  --seeds N           runs per point, seeds S .. S+N-1 (S the scenario's seed)\n"
      "  --pattern NAME      the pattern to run (needed when the scenario has several);\n"
      "                      all: one sweep per pattern, each reported under \"pattern NAME:\",\n"
      "                      then with --minimize each pattern's minimum and its cost side by\n"
      "                      side (exit 1 when some pattern has no point meeting the SLO)\n"
      "  --slo JSON          an objective, as an expectation: '{\"metric\": \"p99_ms\",\n"
      "                      \"op\": \"write\", \"max\": 200}' (or an array of them); repeatable\n"
      "  --minimize WHAT     a varied PATH: its smallest value meeting every objective at\n"
      "                      every point of the other dimensions (bisection; assumes that\n"
      "                      more of it never breaks an objective). A METRIC: the point\n"
      "                      meeting every objective with the smallest mean of it\n"
      "  --confidence C      bound (default): an objective holds when its whole 95% CI does\n"
      "                      (mean + ci <= max, mean - ci >= min); mean: when the mean does\n"
      "  --jobs J            worker processes (default: the number of cores)\n"
      "  --shard K/N         run only points p with p % N == K - 1 (K from 1 to N); with\n"
      "                      --minimize, the shard runs its whole part of the grid and the\n"
      "                      minimum is found on the merged database (mrsim merge)\n"
      "  --db PATH           results database (default: " CLI_DEFAULT_DB ")\n"
      "  --quiet             no progress line (on a terminal, redrawn; otherwise a whole\n"
      "                      line every 10 s of wall time)\n"
      "  -h, --help          show this help\n"
      "\n"
      "Runs already stored in the database for the same sweep (same scenario text, dimensions,\n"
      "values, seeds and pattern) are reused, not run again. The report goes to stdout: one\n"
      "line per point with each objective's mean +- 95% CI and PASS or FAIL, then the minimum.\n"
      "\n"
      "A point where no request succeeded shows \"collapsed: 0 of N requests served\" for its\n"
      "latency, not a number. Every metric name (--slo, --minimize, the sweep section) is\n"
      "checked before anything runs.\n"
      "\n"
      "exit status (as `mrsim check`'s: 1 means a verdict or an error): 0 done, with\n"
      "objectives some point meets them all (and every expectation on min_found is met);\n"
      "1 no point meets every objective (the whole sweep or, with --minimize PATH, its\n"
      "largest value), a failed expectation, a bad scenario or sweep, a failed run or\n"
      "database write; 2 usage error. A shard (--shard K/N with N > 1) judges nothing: 0.\n";

bool sweep_mine(const sweep *s, size_t p) { return p % s->shard_n == s->shard_k - 1; }

/* --- progress ----------------------------------------------------------------------- */

static void progress_draw(sweep *s, bool force)
{
    if (s->quiet)
        return;
    if (!isatty(STDERR_FILENO)) { /* a CI log: a whole line every 10 s */
        if (s->last_line == 0)
            s->last_line = s->started;
        cli_progress_line(&s->last_line, s->started, false, "sweep", (double)s->runs_done,
                          (double)s->runs_total, "runs");
        return;
    }
    double t = cli_wall_seconds();
    if (!force && t - s->last_draw < 0.2)
        return;
    s->last_draw = t;
    double el = t - s->started;
    size_t left = s->runs_total - s->runs_done;
    double eta = s->ran > 0 ? el / (double)s->ran * (double)left : NAN;
    char   line[160], when[32] = "?";
    if (!isnan(eta))
        snprintf(when, sizeof when, eta < 60 ? "%.0fs" : "%.0fm%02.0fs",
                 eta < 60 ? eta : floor(eta / 60), eta < 60 ? 0.0 : fmod(eta, 60));
    int n = snprintf(line, sizeof line, "sweep: runs %zu/%zu  points %zu/%zu  ETA %s", s->runs_done,
                     s->runs_total, s->runs_done / s->nseeds, s->runs_total / s->nseeds, when);
    size_t w = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    fprintf(stderr, "\r%s%*s", line, s->width > w ? (int)(s->width - w) : 0, "");
    fflush(stderr);
    s->width = w;
}

static void progress_clear(sweep *s)
{
    if (s->width == 0)
        return;
    fprintf(stderr, "\r%*s\r", (int)s->width, "");
    fflush(stderr);
    s->width = 0;
}

/* --- one run, in a worker ----------------------------------------------------------- */

static void job_db_path(const sweep *s, size_t i, char *buf, size_t n)
{
    snprintf(buf, n, "%s/job-%zu.db", s->tmpdir, i);
}

/* The database rows that describe this sweep. */
static void sweep_info(const sweep *s, const char *hash, const char *dims, const char *shard,
                       const char *started, db_sweep_info *i)
{
    *i = (db_sweep_info){
        .hash = hash,
        .scenario = s->base->name,
        .file = s->file,
        .pattern = s->sw->pattern,
        .npoints = (int64_t)s->npoints,
        .nseeds = (int64_t)s->nseeds,
        .dims = dims,
        .shard = shard,
        .started = started,
        .version = MRSIM_VERSION,
    };
}

/* Run job 'code' and store it in db (as sweep sweep_id). */
static int run_one(const sweep *s, size_t code, db_conn *db, int64_t sweep_id, sim_err *err)
{
    size_t           p = code / s->nseeds, k = code % s->nseeds;
    const scn_sweep *sw = s->sw;
    scn_scenario    *pt = NULL;
    run_result      *r = NULL;
    int              rc = scn_sweep_point(s->base, p, &pt, err);
    if (rc < 0)
        return rc;
    /* The pattern was checked against the base; a point has the same patterns unless a
     * --vary renamed one, which the lookup below catches. No pattern: the baseline (NULL). */
    run_options ro = { .has_seed = true, .seed = s->base->seed + k };
    int         pi = sw->pattern ? scn_pattern_index(pt, sw->pattern) : pt->npatterns == 1 ? 0 : -1;
    if (sw->pattern && pi < 0 && pt->npatterns > 0) {
        scn_free(pt);
        return sim_err_set(err, SIM_EINVAL, NULL, "point %zu has no pattern \"%s\"", p,
                           sw->pattern);
    }
    if (pi >= 0)
        ro.pattern = &pt->patterns[pi];
    char started[40];
    cli_utc_timestamp(started, sizeof started);
    double t0 = cli_wall_seconds();
    if ((rc = run_scenario(pt, &ro, &r, err)) == 0) {
        size_t      idx[SCN_SWEEP_MAX_DIMS];
        const char *paths[SCN_SWEEP_MAX_DIMS], *values[SCN_SWEEP_MAX_DIMS];
        double      xs[SCN_SWEEP_MAX_DIMS];
        char        params[1024] = "";
        size_t      len = 0;
        scn_sweep_coords(sw, p, idx);
        for (size_t d = 0; d < sw->ndims; d++) {
            const scn_value *v = &sw->dims[d].values[idx[d]];
            paths[d] = sw->dims[d].path;
            values[d] = v->label;
            xs[d] = v->numeric ? v->x : NAN;
            int w = snprintf(params + len, sizeof params - len, "%s%s=%s", d ? " " : "", paths[d],
                             v->label);
            len = w < 0                            ? len
                : len + (size_t)w >= sizeof params ? sizeof params - 1
                                                   : len + (size_t)w;
        }
        db_sweep_link link = { .sweep_id = sweep_id,
                               .point = (int64_t)p,
                               .k = (uint32_t)k,
                               .seed = ro.seed,
                               .params = params,
                               .ndims = sw->ndims,
                               .paths = paths,
                               .values = values,
                               .xs = xs };
        db_run_info   info = { .started = started,
                               .wall_s = cli_wall_seconds() - t0,
                               .version = MRSIM_VERSION,
                               .sweep = &link };
        rc = db_write_run(db, r, &info, NULL, err);
    }
    run_result_free(r);
    scn_free(pt);
    if (rc < 0 && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", s->file);
    return rc;
}

/* A pool task: run the job into a database of its own. Errors go to 'out' as the line the
 * parent prints. */
static int task(void *ctx, size_t i, FILE *out)
{
    const sweep *s = ctx;
    char         path[PATH_MAX + 32];
    job_db_path(s, i, path, sizeof path);
    sim_err       err = { 0 };
    db_conn      *db = NULL;
    int64_t       id = 0;
    db_sweep_info info;
    sweep_info(s, "job", "", NULL, NULL, &info);
    int rc = db_open(path, &db, &err);
    if (rc == 0 && (rc = db_sweep_open(db, &info, &id, &err)) >= 0)
        rc = run_one(s, s->batch[i], db, id, &err);
    db_close(db);
    if (rc < 0) {
        char buf[sizeof err.file + sizeof err.path + sizeof err.msg + 8];
        sim_err_format(&err, buf, sizeof buf);
        fprintf(out, "%s\n", buf);
        return 1;
    }
    return 0;
}

/* In the parent, in task order: copy the task's run into the results database. */
static int done(void *ctx, size_t i, int status, const char *bytes, size_t len)
{
    sweep *s = ctx;
    char   path[PATH_MAX + 32];
    job_db_path(s, i, path, sizeof path);
    progress_clear(s);
    if (status != 0) {
        if (len > 0)
            fputs(bytes, stderr);
        else
            fprintf(stderr, "%s: point %zu, seed %zu: the run ended with %s %d\n", s->file,
                    s->batch[i] / s->nseeds, s->batch[i] % s->nseeds,
                    status < 0 ? "signal" : "status", status < 0 ? -status : status);
        unlink(path);
        return CLI_EXIT_FAIL;
    }
    sim_err  err = { 0 };
    db_conn *src = NULL;
    int      rc = db_open(path, &src, &err);
    if (rc == 0 && (rc = db_begin(s->db, &err)) == 0) {
        int n = db_sweep_import(s->db, s->id, src, 1, -1, &err);
        if (n == 1) {
            rc = db_commit(s->db, &err);
        } else {
            db_rollback(s->db);
            rc = n < 0 ? n
                       : sim_err_set(&err, SIM_EIO, NULL,
                                     "a worker stored %d runs, "
                                     "expected 1",
                                     n);
        }
    }
    db_close(src);
    unlink(path);
    if (rc < 0) {
        cli_print_error(&err);
        return CLI_EXIT_FAIL;
    }
    s->runs_done++;
    s->ran++;
    progress_draw(s, false);
    return 0;
}

static int load_runs(void *ctx, const db_sweep_run *r)
{
    sweep *s = ctx;
    if (r->point >= 0 && (size_t)r->point < s->npoints && r->k >= 0 && (size_t)r->k < s->nseeds
        && s->run_of[r->point * (int64_t)s->nseeds + r->k] == 0)
        s->run_of[r->point * (int64_t)s->nseeds + r->k] = r->run_id;
    return 0;
}

/* Refresh run_of from the database. */
static int reload(sweep *s)
{
    sim_err err = { 0 };
    if (db_sweep_runs(s->db, s->id, load_runs, s, &err) < 0)
        return cli_print_error(&err);
    return 0;
}

int sweep_run_jobs(sweep *s, const size_t *jobs, size_t n)
{
    size_t *todo = sim_calloc(n ? n : 1, sizeof *todo), ntodo = 0;
    if (!todo) {
        fprintf(stderr, "mrsim sweep: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < n; i++)
        if (s->run_of[jobs[i]] == 0)
            todo[ntodo++] = jobs[i];
    int status = 0;
    if (ntodo > 0) {
        if (!s->tmpdir[0]) {
            const char *t = getenv("TMPDIR");
            snprintf(s->tmpdir, sizeof s->tmpdir, "%s/mrsim-sweep-XXXXXX", t && *t ? t : "/tmp");
            if (!mkdtemp(s->tmpdir)) {
                fprintf(stderr, "mrsim sweep: cannot create a temporary directory: %s\n",
                        strerror(errno));
                s->tmpdir[0] = '\0';
                sim_free(todo);
                return CLI_EXIT_FAIL;
            }
            out_temp_add(s->tmpdir, true); /* removed with its files on a signal */
        }
        s->batch = todo;
        s->nbatch = ntodo;
        progress_draw(s, true);
        int signo = 0;
        int rc = cli_jobs_run(ntodo, s->jobs, task, done, s, &signo);
        progress_clear(s);
        /* What an interrupted or failed pool left behind (done() removes the others). */
        for (size_t i = 0; i < ntodo && rc != 0; i++) {
            char path[PATH_MAX + 48];
            job_db_path(s, i, path, sizeof path);
            size_t len = strlen(path);
            unlink(path);
            /* A worker killed mid-run leaves its WAL and shared-memory files too. */
            static const char *const side[] = { "-journal", "-wal", "-shm" };
            for (size_t k = 0; k < sizeof side / sizeof side[0]; k++) {
                path[len] = '\0';
                strcat(path, side[k]);
                unlink(path);
            }
        }
        if (rc == CLI_JOBS_INTERRUPTED) {
            fprintf(stderr,
                    "mrsim sweep: interrupted; the runs stored so far are kept, and "
                    "the same command continues the sweep\n");
            status = 128 + signo;
        } else if (rc != 0) {
            status = CLI_EXIT_FAIL;
        }
        if (status == 0)
            status = reload(s);
    }
    sim_free(todo);
    return status;
}

/* "K/N" with 1 <= K <= N. */
static bool parse_shard(const char *t, unsigned *k, unsigned *n)
{
    char         *end = NULL;
    unsigned long a = strtoul(t, &end, 10);
    if (end == t || *end != '/' || t[0] == '-')
        return false;
    const char   *b = end + 1;
    unsigned long c = strtoul(b, &end, 10);
    if (end == b || *end || b[0] == '-' || a < 1 || c < 1 || a > c || c > 1000000)
        return false;
    *k = (unsigned)a;
    *n = (unsigned)c;
    return true;
}

/* Open the results database and the sweep's rows, and read what is already stored. */
static int open_sweep(sweep *s, const char *shard)
{
    sim_err err = { 0 };
    char   *canon = scn_sweep_canonical(s->base);
    char    hash[SHA256_HEX_LEN + 1], dims[2048] = "", started[40];
    if (!canon) {
        fprintf(stderr, "mrsim sweep: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    sha256_hex(canon, strlen(canon), hash);
    sim_free(canon);
    for (size_t d = 0, len = 0; d < s->sw->ndims; d++) {
        int w = snprintf(dims + len, sizeof dims - len, "%s%s", d ? "\t" : "", s->sw->dims[d].path);
        len = w < 0 || len + (size_t)w >= sizeof dims ? sizeof dims - 1 : len + (size_t)w;
    }
    cli_utc_timestamp(started, sizeof started);
    db_sweep_info info;
    sweep_info(s, hash, dims, shard, started, &info);
    /* The objectives, for plots: "metric\tscope\tkey\tmin\tmax" per line. */
    char slo[4096] = "";
    for (size_t i = 0, len = 0; i < s->sw->nslo; i++) {
        const scn_expect *x = &s->sw->slo[i];
        run_scope         scope;
        const char       *key;
        char              lo[32] = "", hi[32] = "";
        if (!expect_scope(x, &scope, &key))
            continue;
        if (x->has_min || x->has_equals)
            snprintf(lo, sizeof lo, "%.17g", x->has_min ? x->min : x->equals);
        if (x->has_max || x->has_equals)
            snprintf(hi, sizeof hi, "%.17g", x->has_max ? x->max : x->equals);
        int w = snprintf(slo + len, sizeof slo - len, "%s\t%s\t%s\t%s\t%s\n", x->metric,
                         run_scope_name(scope), key, lo, hi);
        if (w < 0 || len + (size_t)w >= sizeof slo)
            break;
        len += (size_t)w;
    }
    info.slo = slo[0] ? slo : NULL;
    if (cli_make_parent_dir(s->db_path, &err) < 0 || db_open(s->db_path, &s->db, &err) < 0
        || db_sweep_open(s->db, &info, &s->id, &err) < 0)
        return cli_print_error(&err);
    if (!(s->run_of = sim_calloc(s->npoints * s->nseeds, sizeof *s->run_of))) {
        fprintf(stderr, "mrsim sweep: out of memory\n");
        return CLI_EXIT_FAIL;
    }
    return reload(s);
}

/* Load every point once before running any, so that a value the loader refuses is
 * reported in a second, not after hours of runs. */
static int check_points(const sweep *s)
{
    for (size_t p = 0; p < s->npoints; p++) {
        if (!sweep_mine(s, p))
            continue;
        sim_err       err = { 0 };
        scn_scenario *pt = NULL;
        if (scn_sweep_point(s->base, p, &pt, &err) < 0)
            return cli_print_error(&err);
        scn_free(pt);
    }
    return 0;
}

static int sweep_one(const char *file, const char *db_path, const scn_sweep_args *a, int jobs,
                     unsigned shard_k, unsigned shard_n, const char *shard, bool quiet,
                     sweep_answer *ans);

int cli_sweep_main(int argc, char **argv)
{
    cli_list      vary = { 0 }, slo = { 0 };
    const char   *seeds_text = NULL, *pattern = NULL, *minimize = NULL, *confidence = NULL;
    const char   *jobs_text = NULL, *shard = NULL, *db_path = CLI_DEFAULT_DB;
    bool          quiet = false;
    const cli_opt opts[] = {
        { "vary", CLI_OPT_LIST, &vary, NULL },
        { "slo", CLI_OPT_LIST, &slo, NULL },
        { "seeds", CLI_OPT_STRING, &seeds_text, NULL },
        { "pattern", CLI_OPT_STRING, &pattern, NULL },
        { "minimize", CLI_OPT_STRING, &minimize, NULL },
        { "confidence", CLI_OPT_STRING, &confidence, NULL },
        { "jobs", CLI_OPT_STRING, &jobs_text, NULL },
        { "shard", CLI_OPT_STRING, &shard, NULL },
        { "db", CLI_OPT_STRING, &db_path, NULL },
        { "quiet", CLI_OPT_FLAG, &quiet, NULL },
    };
    const cli_spec spec = {
        .name = "sweep",
        .usage = "mrsim sweep FILE [--vary PATH=VALUES]... [--seeds N] [--slo JSON]... "
                 "[--minimize PATH|METRIC] [--jobs J] [--shard K/N] [--db PATH]",
        .help = sweep_help,
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
        .operands = "a scenario FILE",
        .min_operands = 1,
        .max_operands = 1,
    };
    int nops = 0;
    int status = cli_parse(&spec, argc, argv, &nops);
    if (status != CLI_CONTINUE)
        return status;
    uint64_t       u = 0;
    scn_sweep_args a = { .vary = vary.v,
                         .nvary = vary.n,
                         .slo = slo.v,
                         .nslo = slo.n,
                         .pattern = pattern,
                         .minimize = minimize,
                         .confidence = confidence };
    if (seeds_text) {
        if (cli_parse_seed(seeds_text, &u) < 0 || u < 1 || u > SCN_SWEEP_MAX_SEEDS)
            return cli_usage_error(&spec,
                                   "--seeds: expected an integer from 1 to %d, got "
                                   "'%s'",
                                   SCN_SWEEP_MAX_SEEDS, seeds_text);
        a.seeds = (uint32_t)u;
    }
    int jobs = cli_default_jobs();
    if (jobs_text) {
        if (cli_parse_seed(jobs_text, &u) < 0 || u < 1 || u > CLI_JOBS_MAX)
            return cli_usage_error(&spec, "--jobs: expected an integer from 1 to %d, got '%s'",
                                   CLI_JOBS_MAX, jobs_text);
        jobs = (int)u;
    }
    unsigned shard_k = 1, shard_n = 1;
    if (shard && !parse_shard(shard, &shard_k, &shard_n))
        return cli_usage_error(&spec, "--shard: expected K/N with 1 <= K <= N, got '%s'", shard);
    if (shard_n == 1)
        shard = NULL; /* 1/1 is the whole sweep */

    /* --pattern all (or "pattern": "all" in the sweep section): one sweep per pattern, one
     * after the other, each reported under a heading, then each pattern's minimum side by
     * side with its cost. Every pattern's sweep is checked before the first runs. */
    scn_scenario *base = NULL;
    sim_err       err = { 0 };
    if (scn_load(argv[1], &base, &err) < 0) {
        cli_print_error(&err);
        return CLI_EXIT_FAIL;
    }
    bool all = pattern
        ? strcmp(pattern, "all") == 0
        : base->sweep && base->sweep->pattern && strcmp(base->sweep->pattern, "all") == 0;
    if (!all) {
        scn_free(base);
        status = sweep_one(argv[1], db_path, &a, jobs, shard_k, shard_n, shard, quiet, NULL);
        return cli_finish_stdout(status);
    }
    size_t         np = base->npatterns ? base->npatterns : 1;
    sweep_answer  *ans = sim_calloc(np, sizeof *ans);
    scn_sweep_args check = a;
    status = ans ? 0 : CLI_EXIT_FAIL;
    for (size_t i = 0; i < np && status == 0; i++) {
        scn_scenario *t = NULL;
        check.pattern = base->npatterns ? base->patterns[i].name : "independent";
        if (scn_load(argv[1], &t, &err) < 0 || scn_sweep_override(t, &check, &err) < 0) {
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", argv[1]);
            status = cli_print_error(&err);
        }
        scn_free(t);
    }
    int verdict = 0;
    for (size_t i = 0; i < np && status == 0; i++) {
        a.pattern = base->npatterns ? base->patterns[i].name : "independent";
        printf("%spattern %s:\n", i ? "\n" : "", a.pattern);
        fflush(stdout);
        int rc = sweep_one(argv[1], db_path, &a, jobs, shard_k, shard_n, shard, quiet, &ans[i]);
        if (rc != 0 && !ans[i].verdict)
            status = rc; /* an error: stop */
        else if (rc != 0)
            verdict = rc;
    }
    if (status == 0 && ans && ans[0].minimized) {
        printf("\nminimum per pattern (%s):\n", ans[0].what);
        for (size_t i = 0; i < np; i++) {
            const char *name = base->npatterns ? base->patterns[i].name : "independent";
            printf("  %-20s %s\n", name, ans[i].text[0] ? ans[i].text : "none");
        }
    }
    if (status == 0)
        status = verdict;
    sim_free(ans);
    scn_free(base);
    return cli_finish_stdout(status);
}

/* One sweep of one pattern (a->pattern; NULL: the scenario's only one). ans, when not NULL,
 * gets the minimum found and its cost for the --pattern all summary. */
static int sweep_one(const char *file, const char *db_path, const scn_sweep_args *a, int jobs,
                     unsigned shard_k, unsigned shard_n, const char *shard, bool quiet,
                     sweep_answer *ans)
{
    sweep   s = { .file = file,
                  .db_path = db_path,
                  .shard_k = shard_k,
                  .shard_n = shard_n,
                  .jobs = jobs,
                  .quiet = quiet,
                  .answer = ans,
                  .started = cli_wall_seconds() };
    sim_err err = { 0 };
    int     status = CLI_EXIT_FAIL;
    if (scn_load(s.file, &s.base, &err) < 0 || scn_sweep_override(s.base, a, &err) < 0) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", s.file);
        cli_print_error(&err);
        goto done;
    }
    s.sw = s.base->sweep;
    s.npoints = scn_sweep_npoints(s.sw);
    s.nseeds = s.sw->seeds;
    if ((status = check_points(&s)) != 0 || (status = open_sweep(&s, shard)) != 0)
        goto done;
    status = sweep_evaluate(&s);
    if (ans)
        ans->verdict = s.verdict;
done:
    if (s.tmpdir[0]) {
        rmdir(s.tmpdir);
        out_temp_forget(s.tmpdir);
    }
    sim_free(s.run_of);
    db_close(s.db);
    scn_free(s.base);
    return status;
    return cli_finish_stdout(status);
}
