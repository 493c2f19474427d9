/* cli_db.c - `mrsim db check FILE...`: is a results database sound, and if not, what is
 * damaged. Opens each file read-only (immutable when it or its directory cannot be written,
 * so a CI artifact can be checked where it lies) and runs SQLite's full integrity_check and
 * foreign_key_check (db_check). `run`, `compare`, `check` and `sweep` run the quicker
 * quick_check themselves before appending and refuse a damaged file; this is where the user
 * then learns what is wrong. A subcommand word ("check") leaves room for others (a vacuum, a
 * listing) without another top-level command. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "db.h"

static const char db_help[]
    = "Check results databases: SQLite's full integrity check and foreign-key check. Each\n"
      "FILE is opened read-only (nothing is created or written, not even the -shm file when\n"
      "the directory is read-only). Prints 'FILE: ok (schema version V, N runs)' or every\n"
      "problem found, one per line.\n"
      "\n"
      "options:\n"
      "  -h, --help    show this help\n"
      "\n"
      "exit status: 0 every file sound, 1 a file damaged or not a results database, 2 usage\n"
      "error\n";

typedef struct problems {
    const char *path;
    int         shown;
} problems;

static void on_problem(void *ctx, const char *problem)
{
    problems *p = ctx;
    if (p->shown++ < 100) /* a wrecked file can list thousands */
        fprintf(stderr, "%s: damaged: %s\n", p->path, problem);
}

int cli_db_main(int argc, char **argv)
{
    const cli_spec spec = {
        .name = "db",
        .usage = "mrsim db check FILE...",
        .help = db_help,
        .operands = "'check' and a database FILE",
        .min_operands = 2,
        .max_operands = -1,
    };
    int nops = 0;
    int status = cli_parse(&spec, argc, argv, &nops);
    if (status != CLI_CONTINUE)
        return status;
    if (strcmp(argv[1], "check") != 0)
        return cli_usage_error(&spec, "unknown db command '%s'; expected check", argv[1]);
    status = CLI_EXIT_OK;
    for (int i = 2; i <= nops; i++) {
        sim_err         err = { 0 };
        db_check_result res;
        problems        p = { argv[i], 0 };
        fflush(stdout);
        if (db_check(argv[i], on_problem, &p, &res, &err) < 0) {
            status = cli_print_error(&err);
            continue;
        }
        if (res.problems) {
            fprintf(stderr, "%s: %d problem%s found\n", argv[i], res.problems,
                    res.problems == 1 ? "" : "s");
            status = CLI_EXIT_FAIL;
        } else {
            printf("%s: ok (schema version %d, %lld runs)\n", argv[i], res.version,
                   (long long)res.runs);
        }
    }
    return cli_finish_stdout(status);
}
