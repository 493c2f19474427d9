/* cli_plot.c - `mrsim plot DB`: draw the plots of stored runs with gnuplot.
 *
 * Picks the runs (--run ID alone, or the latest run of each pattern of --scenario NAME or of
 * the scenario of the latest run), and leaves the work to analysis/plot.c, which writes the
 * data files and the images into --out and prints nothing; this file prints one line per
 * image. The database must exist: plotting a mistyped path should not create an empty
 * database. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "db.h"
#include "plot.h"
#include "plot_sweep.h"

#define CLI_DEFAULT_PLOT_DIR "results/plots"

static const char plot_help[]
    = "Plot runs stored in the results database DB with gnuplot (gnuplot-nox). By default the\n"
      "scenario of the latest run is plotted: every seed of each of its patterns (the latest\n"
      "run of each pattern and seed with the same scenario text as its latest run).\n"
      "\n"
      "Images (FMT is png or svg), titled with the scenario's name:\n"
      "  latency-PATTERN.FMT       p50 and p99 latency per region over time (log ms)\n"
      "  availability-PATTERN.FMT  availability and error rate over time (all regions)\n"
      "  consistency-PATTERN.FMT   replication lag p99 and stale-read rate per region over\n"
      "                            time (when there was replication or a read)\n"
      "  cdf.FMT                   latency CDF of every pattern (log ms; seeds pooled)\n"
      "  compare.FMT               p99_ms, availability, stale_read_rate, lost_writes,\n"
      "                            rpo_writes and rto_s (when present) per pattern\n"
      "On the plots over time, fault windows are shaded and labelled with their kind,\n"
      "health_down/health_up are dashed/dotted vertical lines and failover steps (events\n"
      "'failover...') purple lines labelled with the step. With several seeds each line is the\n"
      "mean over the seeds with its 95% confidence band, the markers are the first seed's, and\n"
      "the comparison bars carry 95% error bars.\n"
      "Each image's data is written beside it as a .tsv file. PATTERN is the pattern's name\n"
      "with characters other than letters, digits, '.', '_' and '-' replaced by '_'.\n"
      "\n"
      "With --sweep (a sweep stored by mrsim sweep, or merged by mrsim merge), per metric:\n"
      "  sweep-METRIC.FMT          the metric (mean over the seeds, 95% CI as a band) against\n"
      "                            the first numeric varied parameter, one curve per value of\n"
      "                            the other dimensions, the SLO's bound as a dashed line\n"
      "  sweep-METRIC-heat.FMT     a sweep of two dimensions: the mean per point as a heat map\n"
      "The metrics are the sweep's objectives and each --metric (default, with neither:\n"
      "availability and p99_ms).\n"
      "\n"
      "options:\n"
      "  --run ID           plot this run alone\n"
      "  --scenario NAME    plot the runs of this scenario (every pattern and seed)\n"
      "  --out DIR          where the files go (default: " CLI_DEFAULT_PLOT_DIR "; created when\n"
      "                     missing)\n"
      "  --format FMT       png (default) or svg\n"
      "  --sweep ID         plot sweep ID (sweeps.id), or 'latest'\n"
      "  --metric NAME      with --sweep: also plot this whole-run metric; repeatable\n"
      "  -h, --help         show this help\n"
      "\n"
      "The gnuplot scripts are read from $MRSIM_PLOT_DIR when set, else from the source\n"
      "tree's analysis/plots.\n"
      "\n"
      "exit status: 0 success, 1 no such run or scenario, gnuplot missing or failing, or a\n"
      "file that cannot be written, 2 usage error\n";

/* Digits only, 1 .. INT64_MAX. */
static int parse_run_id(const char *text, int64_t *out)
{
    uint64_t v = 0;
    if (cli_parse_seed(text, &v) < 0 || v == 0)
        return SIM_EINVAL;
    *out = (int64_t)v;
    return 0;
}

static void print_file(void *ctx, const char *path)
{
    (void)ctx;
    printf("%s\n", path);
}

int cli_plot_main(int argc, char **argv)
{
    const char   *run_text = NULL, *scenario = NULL, *out = CLI_DEFAULT_PLOT_DIR;
    const char   *format = "png", *sweep = NULL;
    cli_list      metrics = { 0 };
    const cli_opt opts[] = {
        { "sweep", CLI_OPT_STRING, &sweep, NULL },  { "metric", CLI_OPT_LIST, &metrics, NULL },
        { "run", CLI_OPT_STRING, &run_text, NULL }, { "scenario", CLI_OPT_STRING, &scenario, NULL },
        { "out", CLI_OPT_STRING, &out, NULL },      { "format", CLI_OPT_STRING, &format, NULL },
    };
    const cli_spec spec = {
        .name = "plot",
        .usage = "mrsim plot DB [--run ID | --scenario NAME | --sweep ID|latest [--metric M]...] "
                 "[--out DIR] [--format png|svg]",
        .help = plot_help,
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
        .operands = "the results database DB",
        .min_operands = 1,
        .max_operands = 1,
    };
    int nops = 0;
    int status = cli_parse(&spec, argc, argv, &nops);
    if (status != CLI_CONTINUE)
        return status;
    const char  *db_path = argv[1];
    plot_options o = { .scenario = scenario, .out_dir = out };
    if ((run_text != NULL) + (scenario != NULL) + (sweep != NULL) > 1)
        return cli_usage_error(&spec, "--run, --scenario and --sweep exclude each other");
    plot_sweep_options so = { .out_dir = out, .metrics = metrics.v, .nmetrics = metrics.n };
    if (sweep && strcmp(sweep, "latest") != 0 && parse_run_id(sweep, &so.sweep_id) < 0)
        return cli_usage_error(&spec,
                               "--sweep: expected a positive integer or 'latest', got "
                               "'%s'",
                               sweep);
    if (metrics.n > 0 && !sweep)
        return cli_usage_error(&spec, "--metric goes with --sweep");
    if (run_text && parse_run_id(run_text, &o.run_id) < 0)
        return cli_usage_error(&spec, "--run: expected a positive integer, got '%s'", run_text);
    if (strcmp(format, "png") == 0)
        o.format = PLOT_PNG;
    else if (strcmp(format, "svg") == 0)
        o.format = PLOT_SVG;
    else
        return cli_usage_error(&spec, "--format: expected png or svg, got '%s'", format);

    sim_err     err = { 0 };
    struct stat st;
    if (stat(db_path, &st) != 0) {
        sim_err_set(&err, SIM_ENOENT, NULL, "cannot open the results database: %s",
                    strerror(errno));
        snprintf(err.file, sizeof err.file, "%s", db_path);
        return cli_print_error(&err);
    }
    db_conn *db = NULL;
    if (db_open_readonly(db_path, &db, &err) < 0) /* plot only reads */
        return cli_print_error(&err);
    status = CLI_EXIT_OK;
    so.format = o.format;
    if ((sweep ? plot_sweep(db, &so, print_file, NULL, &err)
               : plot_db(db, &o, print_file, NULL, &err))
        < 0)
        status = cli_print_error(&err);
    db_close(db);
    return cli_finish_stdout(status);
}
