/* cli_compare.c - `mrsim compare FILE`: run every pattern of a scenario on the same workload,
 * faults and seeds, store each run, and print one table with the patterns side by side.
 *
 * The work is run's, in a loop: load and check the scenario, open the database, then for each
 * pattern (file order; the independent baseline when there are none) and each seed
 * s .. s + N - 1 run the scenario and store the run at once, one transaction per run
 * (cli_batch_run, shared with run and check). A failed run stops the command with exit 1; the
 * runs stored before it stay, each complete. The comparison itself (means, intervals, which
 * value is best, the table and the JSON) is analysis/compare.c's; this file only drives the
 * runs.
 *
 * Progress is one line for the whole comparison, not one per run (cli_batch_run draws it).
 * Each run's latency histogram is freed as soon as the run is stored: the comparison does
 * not use it, and with many seeds the histograms (about 60 KB each) would be most of the
 * memory held. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "db.h"
#include "plot.h"
#include "report.h"
#include "scn.h"

#define MAX_SEEDS                                                                                  \
    100000 /* --seeds bound: far beyond any useful
                                                 interval, small enough to allocate */

static const char compare_help[]
    = "Run scenario FILE once per pattern of its \"patterns\" (file order; the independent-\n"
      "regions baseline when it has none), all with the same workload, faults and seed,\n"
      "append every run to the results database, and print one table: a column per pattern,\n"
      "a row per metric, the best value of each row marked with '*'.\n"
      "\n"
      "Rows, when the runs have them: read and write p50_ms/p99_ms, availability, errors,\n"
      "stale_read_rate, staleness_p99_ms, ryw_violations, monotonic_violations, lost_writes,\n"
      "conflicts, divergent_keys, repl_lag_p99_ms, repl_bytes, rpo_writes, rpo_ms, rto_s,\n"
      "failovers, split_brain_s, no_region, egress_gb, cost_per_hour, cost_per_month (see\n"
      "scenarios/README.md, \"Metrics\"). Lower is better except for availability; ties are\n"
      "all marked, and a row whose values are all equal marks none. With --seeds N each\n"
      "pattern runs seeds S, S+1, ..., S+N-1 and each figure is the mean, with the half-width\n"
      "of its 95% confidence interval: \"12.3 ±0.4\".\n"
      "Best is decided on the means. A latency counts successful requests only, so a latency\n"
      "row marks only the patterns with the best availability of its operation (or client\n"
      "population): with one seed the highest, with several those whose 95% interval reaches\n"
      "the highest's. A pattern that failed more requests never has the best latency.\n"
      "\n"
      "options:\n"
      "  --seeds N   runs per pattern, 1 to 100000 (default 1)\n"
      "  --seed S    first seed, 0 to 9223372036854775807 (default: the scenario's)\n"
      "  --by client also a block of rows per client population: read and write p50 and p99,\n"
      "              availability, errors, no_region, stale_read_rate, ryw_violations of the\n"
      "              requests that population made, wherever they were served\n"
      "  --json      print the comparison as one JSON document on stdout instead of the table\n"
      "  --db PATH   results database to append the runs to (default: " CLI_DEFAULT_DB ";\n"
      "              its directory is created when missing)\n"
      "  --plot DIR  also draw the plots of `mrsim plot` for exactly these runs into DIR (see\n"
      "              'mrsim plot --help'; with --seeds, means with 95% bands); needs gnuplot\n"
      "  --plot-format FMT\n"
      "              png (default) or svg, for --plot\n"
      "  --report PATH\n"
      "              also write the HTML report of `mrsim report` for these runs to PATH (one\n"
      "              self-contained page: scenario, this table, every plot, the events)\n"
      "  --quiet     no progress line and no \"saved\" note; the table or JSON still appears\n"
      "  -h, --help  show this help\n"
      "\n"
      "JSON (--json):\n"
      "  {\"scenario\": NAME, \"file\": PATH, \"seed\": S, \"seeds\": N, \"patterns\": [P, ...],\n"
      "   \"rows\": [{\"metric\": \"p99_ms\", \"op\": \"write\", \"better\": \"lower\",\n"
      "             \"values\": {P: {\"mean\": X, \"ci95\": H, \"n\": K}, ...},\n"
      "             \"best\": [P, ...]}, ...]}\n"
      "  \"op\" (\"read\"/\"write\") only on the per-operation rows, \"client\" only on\n"
      "  --by client's rows; \"better\" is\n"
      "  \"lower\" or \"higher\"; n is the runs a value rests on; mean is null when n is 0,\n"
      "  ci95 (the half-width) null when n < 2; \"best\" is empty when nothing is marked.\n"
      "\n"
      "A progress line covering all the runs is shown on stderr when it is a terminal and the\n"
      "comparison takes more than a second; then a note says where the runs were saved.\n"
      "When stderr is not a terminal (a CI log), a whole progress line every 10 s of wall\n"
      "time instead (none with --quiet). Nothing else goes to stderr unless something fails.\n"
      "\n"
      "exit status: 0 success, 1 the scenario, a run or the database failed, 2 usage error\n";

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
    uint64_t      seed = 0;
    bool          has_seed = false, json = false, quiet = false;
    const char   *db_path = CLI_DEFAULT_DB, *seeds_text = "1", *plot_dir = NULL;
    const char   *pformat_text = "png", *report_path = NULL, *by = NULL;
    const cli_opt opts[] = {
        { "by", CLI_OPT_STRING, &by, NULL },
        { "seeds", CLI_OPT_STRING, &seeds_text, NULL },
        { "seed", CLI_OPT_SEED, &seed, &has_seed },
        { "json", CLI_OPT_FLAG, &json, NULL },
        { "db", CLI_OPT_STRING, &db_path, NULL },
        { "quiet", CLI_OPT_FLAG, &quiet, NULL },
        { "plot", CLI_OPT_STRING, &plot_dir, NULL },
        { "plot-format", CLI_OPT_STRING, &pformat_text, NULL },
        { "report", CLI_OPT_STRING, &report_path, NULL },
    };
    const cli_spec spec = {
        .name = "compare",
        .usage = "mrsim compare FILE [--seeds N] [--seed S] [--by client] [--json] [--db PATH]"
                 " [--plot DIR] [--plot-format png|svg] [--report PATH] [--quiet]",
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
    size_t      nseeds = 0;
    if (parse_seeds(seeds_text, &nseeds) < 0)
        return cli_usage_error(&spec, "--seeds: expected an integer from 1 to %d, got '%s'",
                               MAX_SEEDS, seeds_text);
    plot_format pfmt = PLOT_PNG;
    if (strcmp(pformat_text, "svg") == 0)
        pfmt = PLOT_SVG;
    else if (strcmp(pformat_text, "png") != 0)
        return cli_usage_error(&spec, "--plot-format: expected png or svg, got '%s'", pformat_text);
    if (report_path && !report_path[0])
        return cli_usage_error(&spec, "--report: expected a file name, got ''");
    if (by && strcmp(by, "client") != 0)
        return cli_usage_error(&spec, "--by: expected client, got '%s'", by);

    sim_err        err = { 0 };
    scn_scenario  *s = NULL;
    db_conn       *db = NULL;
    compare_table *table = NULL;
    cli_batch      b = { .file = file, .nseeds = nseeds, .quiet = quiet };
    status = CLI_EXIT_FAIL;
    if (scn_load(file, &s, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    uint64_t first = has_seed ? seed : s->seed;
    /* Every seed must fit the database's int64 column, as --seed's own bound ensures. */
    if (first > (uint64_t)INT64_MAX - (uint64_t)(nseeds - 1)) {
        status = cli_usage_error(&spec,
                                 "--seeds: %zu seeds from %" PRIu64 " go past the "
                                 "largest seed, %" PRId64,
                                 nseeds, first, INT64_MAX);
        goto done;
    }
    if (cli_make_parent_dir(db_path, &err) < 0 || db_open(db_path, &db, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    b.scn = s;
    cli_batch_all_patterns(&b, s);
    b.first_seed = first;
    b.db = db;
    if (cli_batch_run(&b, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }

    if (compare_table_new_by((const run_result *const *)b.runs, b.npatterns, nseeds, by != NULL,
                             &table)
        < 0) {
        sim_err_set(&err, SIM_ENOMEM, NULL, "out of memory for the comparison");
        cli_print_error(&err);
        goto done;
    }
    if (json)
        compare_table_print_json(stdout, table);
    else
        compare_table_print(stdout, table);
    fflush(stdout);
    /* Said only where the progress line could have been drawn, so that scripts reading
     * stderr see nothing unless something fails. */
    if (!quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "saved %zu runs in %s (run ids %" PRId64 " to %" PRId64 ", %.2f s wall)\n",
                b.nruns, db_path, b.first_id, b.last_id, b.wall_s);
    status = CLI_EXIT_OK;
    if (plot_dir) {
        /* Exactly the runs just stored: this scenario's, from the batch's first id on. */
        plot_options po
            = { .scenario = s->name, .min_id = b.first_id, .out_dir = plot_dir, .format = pfmt };
        int n = plot_db(db, &po, NULL, NULL, &err);
        if (n < 0)
            status = cli_print_error(&err);
        else if (!quiet && isatty(STDERR_FILENO))
            fprintf(stderr, "wrote %d plots in %s\n", n, plot_dir);
    }
    if (report_path && status == CLI_EXIT_OK) {
        report_options ro = { .scenario = s->name, .min_id = b.first_id, .out_path = report_path };
        int            n = cli_make_parent_dir(report_path, &err);
        if (n >= 0)
            n = report_write(db, &ro, &err);
        if (n < 0)
            status = cli_print_error(&err);
        else if (!quiet && isatty(STDERR_FILENO))
            fprintf(stderr, "wrote the report (%d plots) to %s\n", n, report_path);
    }
    status = cli_finish_stdout(status);

done:
    compare_table_free(table);
    cli_batch_fini(&b);
    db_close(db);
    scn_free(s);
    return status;
}
