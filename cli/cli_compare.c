/* cli_compare.c - `mrsim compare FILE`: run every pattern of a scenario on the same workload,
 * faults and seeds, store each run, and print one table with the patterns side by side.
 *
 * The work is run's, in a loop: load and check the scenario, open the database, then for each
 * pattern (file order; the independent baseline when there are none) and each seed
 * s .. s + N - 1 run the scenario and store the run at once, one transaction per run. A failed
 * run stops the command with exit 1; the runs stored before it stay, each complete. The
 * comparison itself (means, intervals, which value is best, the table and the JSON) is
 * analysis/compare.c's; this file only drives the runs.
 *
 * Progress is one line for the whole comparison, not one per run: a comparison is many short
 * runs, each usually under the second after which cli_progress draws anything. The callback
 * below adds the runs already done to the simulated time and event count it passes on, so
 * the line's percentage and ETA cover every run. Each run's latency histogram is freed as
 * soon as the run is stored: the comparison does not use it, and with many seeds the
 * histograms (about 60 KB each) would be most of the memory held. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "compare.h"
#include "db.h"
#include "scn.h"

#define MAX_SEEDS 100000                      /* --seeds bound: far beyond any useful
                                                 interval, small enough to allocate */

static const char compare_help[] =
    "Run scenario FILE once per pattern of its \"patterns\" (file order; the independent-\n"
    "regions baseline when it has none), all with the same workload, faults and seed,\n"
    "append every run to the results database, and print one table: a column per pattern,\n"
    "a row per metric, the best value of each row marked with '*'.\n"
    "\n"
    "Rows, when the runs have them: read and write p50_ms/p99_ms, availability, errors,\n"
    "stale_read_rate, staleness_p99_ms, ryw_violations, monotonic_violations, lost_writes,\n"
    "conflicts, divergent_keys, repl_lag_p99_ms, repl_bytes, rpo_writes, rpo_ms, rto_s,\n"
    "failovers, split_brain_s, no_region (see scenarios/README.md, \"Metrics\"). Lower is\n"
    "better except for availability; ties are all marked, and a row whose values are all\n"
    "equal marks none. With --seeds N each pattern runs seeds S, S+1, ..., S+N-1 and each\n"
    "figure is the mean, with the half-width of its 95% confidence interval: \"12.3 ±0.4\".\n"
    "Best is decided on the means.\n"
    "\n"
    "options:\n"
    "  --seeds N   runs per pattern, 1 to 100000 (default 1)\n"
    "  --seed S    first seed, 0 to 9223372036854775807 (default: the scenario's)\n"
    "  --json      print the comparison as one JSON document on stdout instead of the table\n"
    "  --db PATH   results database to append the runs to (default: " CLI_DEFAULT_DB ";\n"
    "              its directory is created when missing)\n"
    "  --quiet     no progress line and no \"saved\" note; the table or JSON still appears\n"
    "  -h, --help  show this help\n"
    "\n"
    "JSON (--json):\n"
    "  {\"scenario\": NAME, \"file\": PATH, \"seed\": S, \"seeds\": N, \"patterns\": [P, ...],\n"
    "   \"rows\": [{\"metric\": \"p99_ms\", \"op\": \"write\", \"better\": \"lower\",\n"
    "             \"values\": {P: {\"mean\": X, \"ci95\": H, \"n\": K}, ...},\n"
    "             \"best\": [P, ...]}, ...]}\n"
    "  \"op\" (\"read\"/\"write\") only on the per-operation latency rows; \"better\" is\n"
    "  \"lower\" or \"higher\"; n is the runs a value rests on; mean is null when n is 0,\n"
    "  ci95 (the half-width) null when n < 2; \"best\" is empty when nothing is marked.\n"
    "\n"
    "A progress line covering all the runs is shown on stderr when it is a terminal and the\n"
    "comparison takes more than a second; then a note says where the runs were saved.\n"
    "Nothing else goes to stderr unless something fails.\n"
    "\n"
    "exit status: 0 success, 1 the scenario, a run or the database failed, 2 usage error\n";

/* The progress of the whole comparison, fed to cli_progress as one long run. */
typedef struct compare_progress {
    cli_progress bar;
    size_t       done;                        /* runs finished */
    size_t       total;                       /* runs to do */
    uint64_t     events_done;                 /* engine events of the finished runs */
} compare_progress;

static void progress_update(void *ctx, sim_time now, sim_time end, uint64_t events)
{
    compare_progress *cp = ctx;
    /* Runs before this one count as 'end' each. When total * end would overflow (days of
     * simulated time times thousands of seeds), show the current run alone. */
    if (end > 0 && cp->total <= (size_t)(SIM_TIME_MAX / end))
        cli_progress_update(&cp->bar, (sim_time)cp->done * end + now, (sim_time)cp->total * end,
                            cp->events_done + events);
    else
        cli_progress_update(&cp->bar, now, end, events);
}

/* Digits only, 1 .. MAX_SEEDS. */
static int parse_seeds(const char *text, size_t *out)
{
    size_t n = 0;
    if (!text[0])
        return SIM_EINVAL;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return SIM_EINVAL;
        n = n * 10 + (size_t)(*p - '0');
        if (n > MAX_SEEDS)
            return SIM_ERANGE;
    }
    if (n < 1)
        return SIM_ERANGE;
    *out = n;
    return 0;
}

int cli_compare_main(int argc, char **argv)
{
    uint64_t seed = 0;
    bool has_seed = false, json = false, quiet = false;
    const char *db_path = CLI_DEFAULT_DB, *seeds_text = "1";
    const cli_opt opts[] = {
        {"seeds", CLI_OPT_STRING, &seeds_text, NULL},
        {"seed", CLI_OPT_SEED, &seed, &has_seed},
        {"json", CLI_OPT_FLAG, &json, NULL},
        {"db", CLI_OPT_STRING, &db_path, NULL},
        {"quiet", CLI_OPT_FLAG, &quiet, NULL},
    };
    const cli_spec spec = {
        .name = "compare",
        .usage = "mrsim compare FILE [--seeds N] [--seed S] [--json] [--db PATH] [--quiet]",
        .help = compare_help,
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
        .operands = "the scenario FILE",
        .min_operands = 1,
        .max_operands = 1,
    };
    int nops = 0;
    int status = cli_parse(&spec, argc, argv, &nops);
    if (status != CLI_CONTINUE)
        return status;
    const char *file = argv[1];
    size_t nseeds = 0;
    if (parse_seeds(seeds_text, &nseeds) < 0)
        return cli_usage_error(&spec, "--seeds: expected an integer from 1 to %d, got '%s'",
                               MAX_SEEDS, seeds_text);

    sim_err err = {0};
    scn_scenario *s = NULL;
    db_conn *db = NULL;
    run_result **runs = NULL;
    compare_table *table = NULL;
    size_t nruns = 0;
    compare_progress cp = {0};
    status = CLI_EXIT_FAIL;
    if (scn_load(file, &s, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    uint64_t first = has_seed ? seed : s->seed;
    /* Every seed must fit the database's int64 column, as --seed's own bound ensures. */
    if (first > (uint64_t)INT64_MAX - (uint64_t)(nseeds - 1)) {
        status = cli_usage_error(&spec, "--seeds: %zu seeds from %" PRIu64 " go past the "
                                 "largest seed, %" PRId64, nseeds, first, INT64_MAX);
        goto done;
    }
    const scn_pattern *patterns[SCN_MAX_PATTERNS];
    size_t npatterns = 0;
    for (size_t i = 0; i < s->npatterns; i++)
        patterns[npatterns++] = &s->patterns[i];
    if (npatterns == 0)
        patterns[npatterns++] = NULL;         /* the independent-regions baseline */
    runs = sim_calloc(npatterns * nseeds, sizeof *runs);
    if (!runs) {
        sim_err_set(&err, SIM_ENOMEM, NULL, "out of memory for %zu runs", npatterns * nseeds);
        cli_print_error(&err);
        goto done;
    }
    if (cli_make_parent_dir(db_path, &err) < 0 || db_open(db_path, &db, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }

    cli_progress_start(&cp.bar, quiet);
    cp.total = npatterns * nseeds;
    double t_all = cli_wall_seconds();
    int64_t first_id = 0, last_id = 0;
    for (size_t p = 0; p < npatterns; p++) {
        for (size_t k = 0; k < nseeds; k++) {
            run_options ro = cli_run_options(&cp.bar);
            ro.progress = progress_update;
            ro.progress_ctx = &cp;
            ro.pattern = patterns[p];
            ro.has_seed = true;
            ro.seed = first + k;
            char started[40];
            cli_utc_timestamp(started, sizeof started);
            double t0 = cli_wall_seconds();
            int rc = run_scenario(s, &ro, &runs[nruns], &err);
            double wall = cli_wall_seconds() - t0;
            if (rc < 0) {
                cli_progress_clear(&cp.bar);
                if (!err.file[0])
                    snprintf(err.file, sizeof err.file, "%s", file);
                cli_print_error(&err);
                goto done;
            }
            run_result *r = runs[nruns++];
            db_run_info info = {.started = started, .wall_s = wall, .version = MRSIM_VERSION};
            int64_t run_id = 0;
            if (db_write_run(db, r, &info, &run_id, &err) < 0) {
                cli_progress_clear(&cp.bar);
                cli_print_error(&err);
                goto done;
            }
            if (nruns == 1)
                first_id = run_id;
            last_id = run_id;
            stat_hist_free(r->latency);       /* stored; the comparison does not use it */
            r->latency = NULL;
            cp.done++;
            cp.events_done += r->events;
        }
    }
    cli_progress_clear(&cp.bar);

    if (compare_table_new((const run_result *const *)runs, npatterns, nseeds, &table) < 0) {
        sim_err_set(&err, SIM_ENOMEM, NULL, "out of memory for the comparison");
        cli_print_error(&err);
        goto done;
    }
    if (json)
        compare_table_print_json(stdout, table);
    else
        compare_table_print(stdout, table);
    fflush(stdout);
    if (cp.bar.enabled)
        fprintf(stderr, "saved %zu runs in %s (run ids %" PRId64 " to %" PRId64 ", %.2f s wall)\n",
                nruns, db_path, first_id, last_id, cli_wall_seconds() - t_all);
    status = cli_finish_stdout(CLI_EXIT_OK);

done:
    compare_table_free(table);
    for (size_t i = 0; i < nruns; i++)
        run_result_free(runs[i]);
    sim_free(runs);
    db_close(db);
    scn_free(s);
    return status;
}
