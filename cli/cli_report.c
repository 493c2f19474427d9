/* cli_report.c - `mrsim report DB`: one self-contained HTML page with the scenario, the
 * comparison table, every plot and the event log of stored runs.
 *
 * The runs are chosen as `mrsim plot` chooses them (--run ID, or --scenario NAME, or the
 * scenario of the latest run); the work is analysis/report.c's. The database must exist, as
 * for plot: a mistyped path should not create an empty database. The output's folder is
 * created when missing (its last level only, like the database's). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "db.h"
#include "report.h"

#define CLI_DEFAULT_REPORT "results/report.html"

static const char report_help[]
    = "Write one HTML page about runs stored in the results database DB, to attach to a design\n"
      "review: the scenario (name, file and its full text), the comparison table of its\n"
      "patterns (as `mrsim compare` prints it, with the best value of each row marked), every\n"
      "plot of `mrsim plot` as inline SVG, and the event log (faults, failover steps, health\n"
      "flips, alerts) of each pattern's first seed.\n"
      "\n"
      "The page is self-contained: no scripts, no external styles, fonts or images, and a\n"
      "Content-Security-Policy that forbids loading anything, so it opens offline and can be\n"
      "mailed or attached as one file. The runs are those `mrsim plot` would draw: by default\n"
      "every seed of each pattern of the scenario of the latest run. Drawing needs gnuplot.\n"
      "\n"
      "options:\n"
      "  --run ID           report on this run alone\n"
      "  --scenario NAME    report on the runs of this scenario (every pattern and seed)\n"
      "  --out PATH         the HTML file (default: " CLI_DEFAULT_REPORT "; its folder is\n"
      "                     created when missing); written whole or not at all\n"
      "  -h, --help         show this help\n"
      "\n"
      "exit status: 0 success, 1 no such run or scenario, gnuplot missing or failing, or a\n"
      "file that cannot be written, 2 usage error\n";

int cli_report_main(int argc, char **argv)
{
    const char   *run_text = NULL, *scenario = NULL, *out = CLI_DEFAULT_REPORT;
    const cli_opt opts[] = {
        { "run", CLI_OPT_STRING, &run_text, NULL },
        { "scenario", CLI_OPT_STRING, &scenario, NULL },
        { "out", CLI_OPT_STRING, &out, NULL },
    };
    const cli_spec spec = {
        .name = "report",
        .usage = "mrsim report DB [--run ID | --scenario NAME] [--out PATH]",
        .help = report_help,
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
    const char    *db_path = argv[1];
    report_options o = { .scenario = scenario, .out_path = out };
    uint64_t       id = 0;
    if (run_text && scenario)
        return cli_usage_error(&spec, "--run and --scenario exclude each other");
    if (run_text && (cli_parse_seed(run_text, &id) < 0 || id == 0))
        return cli_usage_error(&spec, "--run: expected a positive integer, got '%s'", run_text);
    o.run_id = (int64_t)id;
    if (!out[0])
        return cli_usage_error(&spec, "--out: expected a file name, got ''");

    sim_err     err = { 0 };
    struct stat st;
    if (stat(db_path, &st) != 0) {
        sim_err_set(&err, SIM_ENOENT, NULL, "cannot open the results database: %s",
                    strerror(errno));
        snprintf(err.file, sizeof err.file, "%s", db_path);
        return cli_print_error(&err);
    }
    if (cli_make_parent_dir(out, &err) < 0)
        return cli_print_error(&err);
    db_conn *db = NULL;
    if (db_open_readonly(db_path, &db, &err) < 0) /* report only reads */
        return cli_print_error(&err);
    status = CLI_EXIT_OK;
    int n = report_write(db, &o, &err);
    if (n < 0)
        status = cli_print_error(&err);
    else
        printf("%s (%d plots)\n", out, n);
    db_close(db);
    return cli_finish_stdout(status);
}
