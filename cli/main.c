/* main.c - the mrsim program: dispatch to a subcommand.
 *
 * The first argument names the subcommand, whose entry point gets the rest (its argv[0] is
 * its own name). Everything about a subcommand lives in its cli_<name>.c; this file only
 * holds the table below, the top-level usage and --version. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"

static const struct command {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *summary; /* one line for the top-level usage */
} commands[] = {
    { "run", cli_run_main, "run a scenario once and store the run in the results database" },
    { "compare", cli_compare_main, "run every pattern and show them side by side, best marked" },
    { "validate", cli_validate_main, "check scenario files without running them" },
    { "check", cli_check_main, "run scenarios and check their expectations (for CI)" },
    { "plot", cli_plot_main, "plot stored runs with gnuplot (PNG or SVG)" },
    { "report", cli_report_main, "write one self-contained HTML page: scenario, table, plots" },
    { "sweep", cli_sweep_main,
      "run a scenario over a grid of parameters; find the smallest "
      "that meets an SLO" },
    { "merge", cli_merge_main, "combine the databases of a sweep's shards into one" },
    { "db", cli_db_main, "check a results database: 'mrsim db check FILE'" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("usage: mrsim COMMAND [ARGS...]\n"
          "       mrsim COMMAND --help\n"
          "       mrsim --version\n"
          "\n"
          "mrsim simulates multi-region architectures deterministically.\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("  help       show this help; 'mrsim help COMMAND' shows a command's help\n"
          "\n"
          "every command takes --max-memory SIZE (512M, 4G, none): the most memory a run may\n"
          "use before it stops with an error; the default is half the physical memory\n",
          out);
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0
        || (strcmp(name, "help") == 0 && argc == 2)) {
        usage(stdout);
        return cli_finish_stdout(CLI_EXIT_OK);
    }
    if (strcmp(name, "--version") == 0) {
        printf("mrsim %s\n", MRSIM_VERSION);
        return cli_finish_stdout(CLI_EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        /* "mrsim help run" is "mrsim run --help". */
        const struct command *c = find_command(argv[2]);
        if (!c || argc > 3) {
            if (argc > 3)
                fprintf(stderr, "mrsim help: expected one command name, got %d\n", argc - 2);
            else
                fprintf(stderr, "mrsim help: unknown command '%s'\n", argv[2]);
            usage(stderr);
            return CLI_EXIT_USAGE;
        }
        char  help_flag[] = "--help";
        char *sub_argv[] = { argv[2], help_flag, NULL };
        return c->main(2, sub_argv);
    }
    const struct command *c = find_command(name);
    int                   rc = c ? cli_mem_option(&argc, argv) : -1;
    if (rc >= 0)
        return rc;
    out_catch_signals(); /* temporary files go on SIGINT, SIGTERM, SIGHUP (outfile.h) */
    if (!c) {
        fprintf(stderr, "mrsim: unknown command '%s'\n", name);
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return c->main(argc - 1, argv + 1);
}
