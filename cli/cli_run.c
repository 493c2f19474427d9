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
    "Run scenario FILE once, print a summary of its figures and append the run to the\n"
    "results database.\n"
    "\n"
    "options:\n"
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
    const char *db_path = CLI_DEFAULT_DB;
    const cli_opt opts[] = {
        {"seed", CLI_OPT_SEED, &seed, &has_seed},
        {"json", CLI_OPT_FLAG, &json, NULL},
        {"db", CLI_OPT_STRING, &db_path, NULL},
        {"quiet", CLI_OPT_FLAG, &quiet, NULL},
    };
    const cli_spec spec = {
        .name = "run",
        .usage = "mrsim run FILE [--seed N] [--json] [--db PATH] [--quiet]",
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
    run_result *r = NULL;
    status = CLI_EXIT_FAIL;
    if (scn_load(file, &s, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    if (cli_make_parent_dir(db_path, &err) < 0 || db_open(db_path, &db, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }

    cli_progress progress;
    cli_progress_start(&progress, quiet);
    run_options ro = cli_run_options(&progress);
    ro.has_seed = has_seed;
    ro.seed = seed;
    char started[40];
    cli_utc_timestamp(started, sizeof started);
    double t0 = cli_wall_seconds();
    int rc = run_scenario(s, &ro, &r, &err);
    double wall_s = cli_wall_seconds() - t0;
    cli_progress_clear(&progress);
    if (rc < 0) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", file);
        cli_print_error(&err);
        goto done;
    }

    /* Store first, then print: a reader that closes the pipe early (| head) kills us with
     * SIGPIPE while printing, and the run must already be saved by then. */
    db_run_info info = {.started = started, .wall_s = wall_s, .version = MRSIM_VERSION};
    int64_t run_id = 0;
    sim_err db_err = {0};
    bool saved = db_write_run(db, r, &info, &run_id, &db_err) == 0;

    if (json) {
        const run_result *runs[] = {r};
        table_print_json(stdout, s, runs, &wall_s, 1);
    } else if (!quiet) {
        table_print_summary(stdout, r);
    }
    status = cli_finish_stdout(CLI_EXIT_OK);
    if (!saved)
        status = cli_print_error(&db_err);
    else if (!quiet)
        fprintf(stderr, "saved as run %" PRId64 " in %s (%.2f s wall)\n", run_id, db_path,
                wall_s);

done:
    run_result_free(r);
    db_close(db);
    scn_free(s);
    return status;
}
