/* cli_run.c - `mrsim run FILE`: run a scenario once, show its figures, store the run.
 *
 * Order of work, chosen so that mistakes cost nothing: the scenario is loaded and checked
 * first, then the results database is opened (creating it if needed), and only then does the
 * run start, so a bad file or an unwritable --db is reported before a long run rather than
 * after it. Each run is written to the database (cli_batch_run, one transaction per run)
 * before its figures are printed: an interrupted or failed write leaves the database as it
 * was, and an interrupted print loses nothing.
 *
 * The wall clock is read by cli_batch_run (start time and duration) and handed to the
 * database as db_run_info; the run itself never sees it. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "db.h"
#include "scn.h"
#include "table.h"

static const char run_help[]
    = "Run scenario FILE, print a summary of its figures and append the run to the results\n"
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
      "A progress line is shown on stderr when it is a terminal and the runs take more than\n"
      "a second; when stderr is not a terminal (a CI log), a whole line every 10 s of wall\n"
      "time: \"mrsim run: simulated 3m00s of 40m00s (8%), 12.0s elapsed, ETA 2m10s\".\n"
      "\n"
      "exit status: 0 success, 1 the scenario, the run or the database failed, 2 usage error\n";

typedef struct run_state {
    bool        json, quiet;
    const char *db_path;
    double      wall[SCN_MAX_PATTERNS]; /* wall s of each run, for the JSON */
} run_state;

/* cli_stored_fn: the run is already saved when this prints, so a reader that closes the pipe
 * early (| head) and kills us with SIGPIPE loses nothing. */
static void print_run(void *ctx, size_t i, run_result *r, int64_t run_id, double wall_s)
{
    run_state *st = ctx;
    st->wall[i] = wall_s;
    if (st->json || st->quiet)
        return;
    table_print_summary(stdout, r);
    fprintf(stdout, "\n");
    fflush(stdout);
    fprintf(stderr, "saved as run %" PRId64 " in %s (%.2f s wall)\n", run_id, st->db_path, wall_s);
}

int cli_run_main(int argc, char **argv)
{
    uint64_t      seed = 0;
    bool          has_seed = false, json = false, quiet = false;
    const char   *db_path = CLI_DEFAULT_DB, *pattern = NULL;
    const cli_opt opts[] = {
        { "pattern", CLI_OPT_STRING, &pattern, NULL }, { "seed", CLI_OPT_SEED, &seed, &has_seed },
        { "json", CLI_OPT_FLAG, &json, NULL },         { "db", CLI_OPT_STRING, &db_path, NULL },
        { "quiet", CLI_OPT_FLAG, &quiet, NULL },
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

    sim_err       err = { 0 };
    scn_scenario *s = NULL;
    db_conn      *db = NULL;
    cli_batch     b = { .file = file, .nseeds = 1, .quiet = quiet, .stored = print_run };
    run_state     st = { .json = json, .quiet = quiet, .db_path = db_path };
    b.ctx = &st;
    status = CLI_EXIT_FAIL;
    if (scn_load(file, &s, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    /* Which patterns: the one named, every one the scenario has, or the baseline. */
    if (pattern) {
        int i = scn_pattern_index(s, pattern);
        if (i < 0) {
            fprintf(stderr, "mrsim run: %s has no pattern \"%s\"%s\n", file, pattern,
                    s->npatterns ? "; see its \"patterns\"" : " (it names no patterns)");
            status = CLI_EXIT_USAGE;
            goto done;
        }
        b.patterns[b.npatterns++] = &s->patterns[i];
    } else {
        cli_batch_all_patterns(&b, s);
    }
    if (cli_make_parent_dir(db_path, &err) < 0 || db_open(db_path, &db, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    b.scn = s;
    b.first_seed = has_seed ? seed : s->seed;
    b.db = db;
    if (cli_batch_run(&b, &err) < 0) {
        cli_print_error(&err);
        goto done;
    }
    if (json)
        table_print_json(stdout, s, (const run_result *const *)b.runs, st.wall, b.nruns);
    status = cli_finish_stdout(CLI_EXIT_OK);

done:
    cli_batch_fini(&b);
    db_close(db);
    scn_free(s);
    return status;
}
