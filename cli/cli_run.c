/* cli_run.c - `mrsim run FILE`: run a scenario once, show its figures, store the run.
 *
 * Order of work, chosen so that mistakes cost nothing: the scenario is loaded and checked
 * first, then the results database is opened (creating it if needed), and only then does the
 * run start, so a bad file or an unwritable --db is reported before a long run rather than
 * after it. The run is written to the database after the figures are printed, in one
 * transaction: an interrupted or failed write leaves the database as it was.
 *
 * The wall clock is read here (start time and duration) and handed to the database as
 * db_run_info; the run itself never sees it. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "db.h"
#include "scn.h"
#include "table.h"

static const char run_help[] =
    "Run scenario FILE, print a summary of its figures and append the run to the results\n"
    "database. A scenario with patterns runs once per pattern, in file order (or only the\n"
    "one --pattern names); one without runs the independent-regions baseline.\n"
    "\n"
    "options:\n"
    "  --pattern NAME  run only this pattern of the scenario's \"patterns\"\n"
    "  --seed N    seed for this run, 0 to 9223372036854775807 (default: the scenario's)\n"
    "  --json      print the figures as one JSON document on stdout instead of the table\n"
    "  --db PATH   results database to append the run to (default: " CLI_DEFAULT_DB ";\n"
    "              its directory is created when missing)\n"
    "  --quiet     no progress line, no table and no \"saved\" note; errors and --json\n"
    "              output still appear\n"
    "  -h, --help  show this help\n"
    "\n"
    "A progress line is shown on stderr when it is a terminal and the run takes more than\n"
    "a second.\n"
    "\n"
    "exit status: 0 success, 1 the scenario, the run or the database failed, 2 usage error\n";

int cli_run_main(int argc, char **argv)
{
    uint64_t seed = 0;
    bool has_seed = false, json = false, quiet = false;
    const char *db_path = CLI_DEFAULT_DB, *pattern = NULL;
    const cli_opt opts[] = {
        {"pattern", CLI_OPT_STRING, &pattern, NULL},
        {"seed", CLI_OPT_SEED, &seed, &has_seed},
        {"json", CLI_OPT_FLAG, &json, NULL},
        {"db", CLI_OPT_STRING, &db_path, NULL},
        {"quiet", CLI_OPT_FLAG, &quiet, NULL},
    };
    const cli_spec spec = {
        .name = "run",
        .usage = "mrsim run FILE [--pattern NAME] [--seed N] [--json] [--db PATH] [--quiet]",
        .help = run_help,
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

    sim_err err = {0};
    scn_scenario *s = NULL;
    db_conn *db = NULL;
    run_result *runs[SCN_MAX_PATTERNS] = {0};
    double wall[SCN_MAX_PATTERNS] = {0};
    size_t nruns = 0;
    status = CLI_EXIT_FAIL;
    if (scn_load(file, &s, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    /* Which patterns: the one named, every one the scenario has, or the baseline. */
    const scn_pattern *chosen[SCN_MAX_PATTERNS];
    size_t nchosen = 0;
    if (pattern) {
        int i = scn_pattern_index(s, pattern);
        if (i < 0) {
            fprintf(stderr, "mrsim run: %s has no pattern \"%s\"%s\n", file, pattern,
                    s->npatterns ? "; see its \"patterns\"" : " (it names no patterns)");
            status = CLI_EXIT_USAGE;
            goto done;
        }
        chosen[nchosen++] = &s->patterns[i];
    } else {
        for (size_t i = 0; i < s->npatterns; i++)
            chosen[nchosen++] = &s->patterns[i];
        if (nchosen == 0)
            chosen[nchosen++] = NULL;         /* the independent-regions baseline */
    }
    if (cli_make_parent_dir(db_path, &err) < 0 || db_open(db_path, &db, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }

    for (size_t k = 0; k < nchosen; k++) {
        cli_progress progress;
        cli_progress_start(&progress, quiet);
        run_options ro = cli_run_options(&progress);
        ro.pattern = chosen[k];
        ro.has_seed = has_seed;
        ro.seed = seed;
        char started[40];
        cli_utc_timestamp(started, sizeof started);
        double t0 = cli_wall_seconds();
        int rc = run_scenario(s, &ro, &runs[nruns], &err);
        wall[nruns] = cli_wall_seconds() - t0;
        cli_progress_clear(&progress);
        if (rc < 0) {
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", file);
            cli_print_error(&err);
            goto done;
        }
        /* Store first, then print: a reader that closes the pipe early (| head) kills us
         * with SIGPIPE while printing, and the run must already be saved by then. */
        db_run_info info = {.started = started, .wall_s = wall[nruns],
                            .version = MRSIM_VERSION};
        int64_t run_id = 0;
        sim_err db_err = {0};
        if (db_write_run(db, runs[nruns], &info, &run_id, &db_err) < 0) {
            cli_print_error(&db_err);
            goto done;
        }
        if (!json && !quiet) {
            table_print_summary(stdout, runs[nruns]);
            fprintf(stdout, "\n");
            fflush(stdout);
            fprintf(stderr, "saved as run %" PRId64 " in %s (%.2f s wall)\n", run_id,
                    db_path, wall[nruns]);
        }
        nruns++;
    }
    if (json)
        table_print_json(stdout, s, (const run_result *const *)runs, wall, nruns);
    status = cli_finish_stdout(CLI_EXIT_OK);

done:
    for (size_t i = 0; i < nruns + 1 && i < SCN_MAX_PATTERNS; i++)
        run_result_free(runs[i]);
    db_close(db);
    scn_free(s);
    return status;
}
