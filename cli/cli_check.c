/* cli_check.c - `mrsim check FILE|DIR...`: run scenarios and check their expectations, like a
 * test runner, for CI.
 *
 * Order of work: collect the scenario files (each FILE, and each DIR's *.json sorted by
 * name), load and check them all, create the results database, read the baseline runs, then
 * for each scenario that loaded run every pattern with the scenario's seed in a worker
 * process (cli_check_run.c: up to --jobs at once, each run stored as soon as it is done) and,
 * in file order, check its expectations (analysis/expect.c prints a line per case) and its
 * baseline (analysis/baseline.c). Loading everything first reports a broken file
 * in seconds, before the long runs, and every other file is still checked, so one call shows
 * every problem. The last line is "N passed, N failed", and --junit writes the same cases as
 * JUnit XML after it.
 *
 * The exit status separates "the system got worse" (1, a failed expectation) from "the input
 * is broken" (2, a scenario that does not load or cannot run, or a usage error), so a CI job
 * can treat them differently; 2 wins when both happen. A failed run or database write for one
 * scenario is reported, counts as a failure (1) and the next scenario goes on. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_check-int.h"
#include "cli_jobs.h"
#include "db.h"
#include "expect.h"
#include "scn.h"

static const char check_help[]
    = "Run each scenario FILE, and every *.json directly inside each DIR (in name order), and\n"
      "check the scenario's \"expect\" entries against its runs. Every pattern the scenario\n"
      "names runs once (the independent-regions baseline when it names none) with the\n"
      "scenario's seed, and every run is appended to the results database, as with run.\n"
      "\n"
      "Each expectation is checked against the run of each pattern it applies to (the one\n"
      "its \"pattern\" names, or all), one line per pair:\n"
      "  PASS  scenarios/x.json  [active-active] p99_ms{op=write} <= 250  (measured 212.4)\n"
      "  FAIL  scenarios/x.json  [read-local] availability >= 0.999  (measured 0.99, ...)\n"
      "and the last line is \"N passed, N failed\". \"op\" picks the per-operation figure,\n"
      "\"region\" the per-region one, \"client\" a client population's; min means >=, max <=,\n"
      "equals == exactly (for counts). A metric name no run reports in that scope is refused\n"
      "when the scenario loads, before any run (exit 2, with its JSON path, such as\n"
      "expect[0].metric: unknown metric \"p99ms\"; did you mean \"p99_ms\"?); a metric with "
      "nothing\n"
      "to measure (null) fails every bound as \"measured nothing\". See scenarios/README.md,\n"
      "\"Expectations\".\n"
      "\n"
      "With --baseline DB every metric with a direction (latency, errors, staleness, lost\n"
      "writes, lag, RTO... higher is worse; availability, throughput lower is worse) of each\n"
      "run is compared with the latest run of the same scenario name, pattern and seed in DB;\n"
      "a change for the worse beyond the tolerance is one line, and a run with no such run in\n"
      "DB is an ERROR:\n"
      "  REGRESSION scenarios/x.json  [active-active] p99_ms{op=write}: baseline 212.4, now\n"
      "  250.1, +17.75%\n"
      "and the last line becomes \"N passed, N failed, N regressions, N without baseline\".\n"
      "\n"
      "options:\n"
      "  --junit PATH     also write the results as JUnit XML to PATH (replaced atomically;\n"
      "                   its directory is created when missing)\n"
      "  --db PATH        results database to append the runs to (default: " CLI_DEFAULT_DB ";\n"
      "                   its directory is created when missing)\n"
      "  --seeds N        run each pattern with seeds S .. S+N-1 (S the scenario's seed;\n"
      "                   default: the scenario's \"seeds\", else 1); each expectation then\n"
      "                   applies to the mean over the seeds, or with \"bound\": \"ci\" to the\n"
      "                   whole 95% confidence interval\n"
      "  --jobs N         do up to N runs (a pattern of a scenario) at once, each in its own\n"
      "                   process (default: the number of online processors); the output is\n"
      "                   the same for any N\n"
      "  --baseline DB    fail on regressions against the runs in DB (only read; may be the\n"
      "                   --db file: the runs of this check are never their own baseline)\n"
      "  --tolerance PCT  how much worse a metric may get, in percent (default 5; \"2.5\" or\n"
      "                   \"2.5%\"); needs --baseline\n"
      "  --quiet          no progress line (on a non-terminal: \"mrsim check: 12/40 runs\n"
      "                   (30%), ..., ETA 1m05s\" every 10 s), no PASS or SKIP lines: only\n"
      "                   failures, errors, regressions and the last line\n"
      "  -h, --help       show this help\n"
      "\n"
      "Scenario errors go to stderr as \"file: path: message\"; the other files are still\n"
      "checked. SIGINT or SIGTERM stops the workers at once: the runs stored so far are whole,\n"
      "and no last line or JUnit report is written (exit status 128 + the signal: 130).\n"
      "\n"
      "exit status: 0 every expectation passed and nothing regressed, 1 some expectation\n"
      "failed, a metric regressed or had no baseline run (or a run or the database failed),\n"
      "2 a scenario or the baseline is invalid, or a usage error (2 wins over 1); 130 on\n"
      "SIGINT\n";

/* Append path (taking it; NULL means out of memory). */
static int list_add(check_list *l, char *path)
{
    if (!path)
        return SIM_ENOMEM;
    if (l->n == l->cap) {
        size_t      ncap = l->cap ? l->cap * 2 : 16;
        check_item *p = sim_realloc(l->items, ncap * sizeof *p);
        if (!p) {
            sim_free(path);
            return SIM_ENOMEM;
        }
        l->items = p;
        l->cap = ncap;
    }
    l->items[l->n++] = (check_item){ .path = path };
    return 0;
}

static void list_free(check_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        sim_free(l->items[i].path);
        scn_free(l->items[i].scn);
        sim_free(l->items[i].err);
        for (size_t p = 0; p < SCN_MAX_PATTERNS; p++)
            baseline_run_free(l->items[i].base[p]);
    }
    sim_free(l->items);
}

/* Keep a copy of err as item's reason. */
static int item_fail(check_item *item, const sim_err *err)
{
    if (!(item->err = sim_malloc(sizeof *item->err)))
        return SIM_ENOMEM;
    *item->err = *err;
    if (!item->err->file[0])
        snprintf(item->err->file, sizeof item->err->file, "%s", item->path);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    /* Names in one directory are unique, so this order is total and qsort deterministic. */
    return strcmp(((const check_item *)a)->path, ((const check_item *)b)->path);
}

/* "dir" + "/" + "name", without doubling a slash the user wrote ("scenarios/"). */
static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    bool   slash = dl > 0 && dir[dl - 1] == '/';
    char  *p = sim_malloc(dl + !slash + nl + 1);
    if (p)
        snprintf(p, dl + !slash + nl + 1, "%s%s%s", dir, slash ? "" : "/", name);
    return p;
}

static bool is_scenario_name(const char *name)
{
    size_t len = strlen(name);
    /* What the shell's *.json matches: no hidden files. */
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".json") == 0;
}

/* Add dir's regular *.json files to l in name order. Returns 0, SIM_ENOMEM, or SIM_EINVAL
 * with err filled (the directory cannot be read, or holds no scenario). */
static int add_dir(check_list *l, const char *dir, sim_err *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        sim_err_set(err, SIM_EINVAL, NULL, "cannot read the directory: %s", strerror(errno));
        snprintf(err->file, sizeof err->file, "%s", dir);
        return SIM_EINVAL;
    }
    size_t         first = l->n;
    int            rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_scenario_name(e->d_name))
            continue;
        char       *path = join(dir, e->d_name);
        struct stat st;
        if (path && (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
            sim_free(path); /* a directory named x.json, a dangling link */
            continue;
        }
        if ((rc = list_add(l, path)) < 0)
            break;
    }
    closedir(d);
    if (rc < 0)
        return sim_err_set(err, rc, NULL, "out of memory listing %s", dir);
    if (l->n == first) {
        /* An empty directory passing with "0 passed, 0 failed" would hide a wrong path
         * in a CI job. */
        sim_err_set(err, SIM_EINVAL, NULL, "expected scenario files (*.json), found none");
        snprintf(err->file, sizeof err->file, "%s", dir);
        return SIM_EINVAL;
    }
    qsort(l->items + first, l->n - first, sizeof *l->items, by_name);
    return 0;
}

/* Collect the operands' scenario files into l and load them; errors are printed at once and
 * kept in the items, in the list's order. Returns the number loaded, or SIM_ENOMEM. */
static int collect(check_list *l, char **files, int nfiles)
{
    sim_err err = { 0 };
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (!(stat(files[i], &st) == 0 && S_ISDIR(st.st_mode))) {
            if (list_add(l, sim_strdup(files[i])) < 0)
                return SIM_ENOMEM;
            continue;
        }
        err = (sim_err){ 0 };
        int rc = add_dir(l, files[i], &err);
        if (rc == SIM_ENOMEM)
            return rc;
        if (rc < 0) {
            if (list_add(l, sim_strdup(files[i])) < 0 || item_fail(&l->items[l->n - 1], &err) < 0)
                return SIM_ENOMEM;
            check__print_error(l->items[l->n - 1].err);
        }
    }
    int nloaded = 0;
    for (size_t i = 0; i < l->n; i++) {
        check_item *item = &l->items[i];
        if (item->err)
            continue;
        err = (sim_err){ 0 };
        if (scn_load(item->path, &item->scn, &err) == SIM_ENOMEM)
            return SIM_ENOMEM;
        if (!item->scn) {
            if (item_fail(item, &err) < 0)
                return SIM_ENOMEM;
            check__print_error(item->err);
            continue;
        }
        nloaded++;
    }
    return nloaded;
}

/* --jobs N: 1 .. CLI_JOBS_MAX. */
static int parse_jobs(const char *text, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!isdigit((unsigned char)text[0]) || *end != '\0' || errno || v < 1 || v > CLI_JOBS_MAX)
        return SIM_EINVAL;
    *out = (int)v;
    return 0;
}

/* --tolerance PCT: a percentage >= 0, "5", "2.5" or "5%"; into a fraction. Decimal digits
 * and one point only, as sweep values: strtod alone would take "0x10", "1e2" and "inf". */
static int parse_tolerance(const char *text, double *out)
{
    size_t digits = 0, points = 0, i = 0;
    for (; text[i] && text[i] != '%'; i++) {
        if (isdigit((unsigned char)text[i]))
            digits++;
        else if (text[i] == '.')
            points++;
        else
            return SIM_EINVAL;
    }
    if (!digits || points > 1 || (text[i] == '%' && text[i + 1] != '\0'))
        return SIM_EINVAL;
    char  *end = NULL;
    double v = strtod(text, &end);
    if (end == text || (*end != '\0' && strcmp(end, "%") != 0) || !isfinite(v) || v < 0
        || !(isdigit((unsigned char)text[0]) || text[0] == '.'))
        return SIM_EINVAL;
    *out = v / 100.0;
    return 0;
}

/* The last line: "N passed, N failed", and with a baseline ", N regressions, N without
 * baseline". */
static void print_summary(const check_state *st)
{
    printf("%zu passed, %zu failed", expect_report_passed(st->rep), expect_report_failed(st->rep));
    if (st->baseline)
        printf(", %zu regression%s, %zu without baseline", st->regressions,
               st->regressions == 1 ? "" : "s", st->unmatched);
    putchar('\n');
}

int cli_check_main(int argc, char **argv)
{
    bool          quiet = false, tolerance_given = false;
    const char   *db_path = CLI_DEFAULT_DB, *junit = NULL, *baseline = NULL;
    const char   *jobs_text = NULL, *tolerance_text = NULL, *seeds_text = NULL;
    const cli_opt opts[] = {
        { "junit", CLI_OPT_STRING, &junit, NULL },
        { "db", CLI_OPT_STRING, &db_path, NULL },
        { "quiet", CLI_OPT_FLAG, &quiet, NULL },
        { "jobs", CLI_OPT_STRING, &jobs_text, NULL },
        { "seeds", CLI_OPT_STRING, &seeds_text, NULL },
        { "baseline", CLI_OPT_STRING, &baseline, NULL },
        { "tolerance", CLI_OPT_STRING, &tolerance_text, &tolerance_given },
    };
    const cli_spec spec = {
        .name = "check",
        .usage = "mrsim check FILE|DIR... [--junit PATH] [--db PATH] [--seeds N] [--jobs N] "
                 "[--baseline DB [--tolerance PCT]] [--quiet]",
        .help = check_help,
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
        .operands = "a scenario FILE or DIR",
        .min_operands = 1,
        .max_operands = -1,
    };
    int nops = 0;
    int status = cli_parse(&spec, argc, argv, &nops);
    if (status != CLI_CONTINUE)
        return status;
    check_list  list = { 0 };
    check_state st = { .list = &list,
                       .db_path = db_path,
                       .baseline = baseline,
                       .tolerance = BASELINE_DEFAULT_TOLERANCE,
                       .quiet = quiet,
                       .jobs = cli_default_jobs() };
    if (jobs_text && parse_jobs(jobs_text, &st.jobs) < 0)
        return cli_usage_error(&spec,
                               "--jobs: expected a number of processes from 1 to %d, "
                               "got '%s'",
                               CLI_JOBS_MAX, jobs_text);
    if (seeds_text) {
        char         *end = NULL;
        unsigned long n = strtoul(seeds_text, &end, 10);
        if (!*seeds_text || *end || seeds_text[0] == '-' || n < 1 || n > 1000)
            return cli_usage_error(&spec,
                                   "--seeds: expected a number of seeds from 1 to 1000, "
                                   "got '%s'",
                                   seeds_text);
        st.seeds = (uint32_t)n;
    }
    if (tolerance_given && !baseline)
        return cli_usage_error(&spec, "--tolerance: only means something with --baseline");
    if (tolerance_text && parse_tolerance(tolerance_text, &st.tolerance) < 0)
        return cli_usage_error(&spec,
                               "--tolerance: expected a percentage such as 5 or 2.5, "
                               "got '%s'",
                               tolerance_text);

    sim_err err = { 0 };
    status = CLI_EXIT_FAIL;
    if (expect_report_new(&st.rep) < 0)
        goto oom;
    /* A --junit path whose directory cannot be made fails now, not after the runs. */
    if (junit && cli_make_parent_dir(junit, &err) < 0) {
        check__print_error(&err);
        goto done;
    }

    /* 1. Collect and load. */
    int nloaded = collect(&list, argv + 1, nops);
    if (nloaded == SIM_ENOMEM)
        goto oom;

    /* 2. The database is created (or its schema upgraded) once here, so a database that
     * cannot be opened is one error before any run; the workers open their own connections.
     * The baseline is read whole now too. Neither stays open across the workers' fork. */
    if (nloaded > 0) {
        db_conn *db = NULL;
        err = (sim_err){ 0 };
        if (cli_make_parent_dir(db_path, &err) < 0 || db_open(db_path, &db, &err) < 0) {
            check__print_error(&err);
            status = list.n > (size_t)nloaded ? CHECK_EXIT_INVALID : CLI_EXIT_FAIL;
            goto done;
        }
        db_close(db);
        /* A baseline that cannot be read is a broken input, like a bad option value. */
        if (baseline && check__load_baselines(&st, &err) < 0) {
            check__print_error(&err);
            status = err.code == SIM_ENOMEM ? CLI_EXIT_FAIL : CHECK_EXIT_INVALID;
            goto done;
        }
    }

    /* 3. Run and check, in order. */
    int signo = 0;
    int rc = check__run_all(&st, &signo);
    if (rc == CLI_JOBS_INTERRUPTED) {
        fflush(stdout);
        fprintf(stderr,
                "mrsim check: interrupted by signal %d; the runs stored so far are "
                "complete, no summary or JUnit report was written\n",
                signo);
        status = 128 + signo;
        goto done;
    }
    if (rc < 0)
        goto done; /* printed */
    print_summary(&st);
    if (expect_report_failed(st.rep) > 0 || st.regressions > 0 || st.unmatched > 0)
        st.failed = true;

    /* 4. The JUnit report, even when something failed: that is when it is read. */
    if (junit) {
        err = (sim_err){ 0 };
        if (expect_report_save_junit(st.rep, junit, &err) < 0) {
            check__print_error(&err);
            st.failed = true;
        }
    }
    status = st.invalid ? CHECK_EXIT_INVALID : st.failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    status = cli_finish_stdout(status);
    if (status == CLI_EXIT_FAIL && st.invalid)
        status = CHECK_EXIT_INVALID; /* invalid input wins over a stdout error */
    goto done;
oom:
    sim_err_set(&err, SIM_ENOMEM, NULL, "out of memory");
    check__print_error(&err);
    status = CLI_EXIT_FAIL;
done:
    list_free(&list);
    expect_report_free(st.rep);
    return status;
}
