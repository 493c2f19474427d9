/* cli.h - what the subcommands of the mrsim program share: exit statuses, the option parser,
 * the wall clock, progress on a terminal, and error printing.
 *
 * Each subcommand is one file, cli_<name>.c, with one entry point cli_<name>_main(argc, argv)
 * (argv[0] is the subcommand's name) and a cli_spec describing its usage, help text, options
 * and operands. Adding a subcommand is: write that file, declare its main below, add a line
 * to the command table in main.c and the file to cli/meson.build.
 *
 * cli/ is the only layer that reads the wall clock (cli_util.c): runs themselves are
 * deterministic, and only the start time and the wall duration around them are recorded.
 *
 * Exit statuses: 0 success, 1 a failure the user must look at (a bad scenario, an unwritable
 * database), 2 a usage error (unknown subcommand or option, a bad option value). check is
 * the exception: there 1 means a failed expectation, so a bad scenario is 2 with the usage
 * errors, and CI can tell "the system got worse" from "the input is broken". */
#ifndef MRSIM_CLI_H
#define MRSIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "run.h"
#include "scn.h"
#include "sim.h"

#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2
#define CLI_CONTINUE   (-1) /* cli_parse: go on with the subcommand */

#define CLI_DEFAULT_DB "results/mrsim.db" /* where runs land unless --db says otherwise */

/* --- options ------------------------------------------------------------------------ */

typedef enum cli_opt_kind {
    CLI_OPT_FLAG,   /* --name; dest is a bool *, set to true */
    CLI_OPT_STRING, /* --name VALUE; dest is a const char ** */
    CLI_OPT_SEED,   /* --name N, N in 0..2^63-1; dest is uint64_t * */
    CLI_OPT_LIST,   /* --name VALUE, repeatable; dest is a
                                                 cli_list *, values kept in order */
} cli_opt_kind;

#define CLI_LIST_MAX 16 /* values of one repeatable option */

typedef struct cli_list {
    const char *v[CLI_LIST_MAX]; /* borrowed from argv */
    size_t      n;
} cli_list;

typedef struct cli_opt {
    const char  *name; /* long name without the dashes: "seed" */
    cli_opt_kind kind;
    void        *dest;  /* where the value goes, see cli_opt_kind */
    bool        *given; /* set to true when the option appears; may be
                                                 NULL */
} cli_opt;

/* A subcommand's command line. --help and -h are always accepted and print
 * "usage: <usage>\n\n<help>" to stdout. */
typedef struct cli_spec {
    const char    *name;  /* "run" */
    const char    *usage; /* "mrsim run FILE [--seed N] ..." */
    const char    *help;  /* description and options, ends in '\n' */
    const cli_opt *opts;
    size_t         nopts;
    const char    *operands;     /* what the operands are, for "missing ...":
                                                 "a scenario FILE" */
    int            min_operands; /* operands are the non-option arguments */
    int            max_operands; /* -1: no limit */
} cli_spec;

/* Parse argv[1..argc) (argv[0] is the subcommand name) against spec. Options may come before,
 * between or after the operands, as "--name VALUE" or "--name=VALUE"; "--" ends the options;
 * a repeated option keeps its last value (a CLI_OPT_LIST keeps them all). The operands are moved, in order, to
 * argv[1..*noperands]. Returns CLI_CONTINUE when the subcommand should go on; otherwise the
 * exit status to return at once: CLI_EXIT_OK after printing the help, CLI_EXIT_USAGE after
 * printing what was wrong (stderr). */
int cli_parse(const cli_spec *spec, int argc, char **argv, int *noperands);

/* Print "mrsim <cmd>: <message>", the usage line and a pointer to --help on stderr, and
 * return CLI_EXIT_USAGE. */
int cli_usage_error(const cli_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parse a seed: decimal digits only, 0 .. 2^63-1 (so that it is stored unchanged in the
 * results database's int64 column). Returns 0, or SIM_EINVAL / SIM_ERANGE. */
int cli_parse_seed(const char *text, uint64_t *out);

/* --- errors and output -------------------------------------------------------------- */

/* cli_mem.c: take "--max-memory SIZE" (anywhere in argv) out of argv and set the ceiling on
 * the simulator's memory (sim_mem_limit); without the option, cli_mem_default(), half the
 * physical memory. Returns -1 to go on, or CLI_EXIT_USAGE after printing the error. */
int    cli_mem_option(int *argc, char **argv);
size_t cli_mem_default(void);

/* Print err as "file: path: msg" on stderr and return CLI_EXIT_FAIL. */
int cli_print_error(const sim_err *err);
/* Flush stdout and report a failed write (a full disk, a closed pipe) on stderr. Returns
 * status unchanged when stdout is fine, CLI_EXIT_FAIL otherwise. */
int cli_finish_stdout(int status);
/* Create the directory that will hold 'path' ("results/" for "results/mrsim.db") when it
 * does not exist. Only the last level is created: a missing grandparent is most likely a
 * typo, which the database open then reports. Returns 0 or SIM_EIO with err filled. */
int cli_make_parent_dir(const char *path, sim_err *err);

/* --- wall clock --------------------------------------------------------------------- */

/* Seconds on a monotonic clock, for measuring durations; the origin is arbitrary. */
double cli_wall_seconds(void);
/* The current UTC time as ISO-8601 with milliseconds, "2024-05-01T12:34:56.789Z". */
void cli_utc_timestamp(char *buf, size_t n);

/* --- progress ----------------------------------------------------------------------- */

/* One line on stderr, redrawn with '\r': simulated time done/total, percent, engine events
 * per wall second and the estimated time left. Drawn only when stderr is a terminal, the
 * user did not ask for quiet, and the run has taken more than a second of wall time. */
typedef struct cli_progress {
    bool   enabled;   /* not quiet */
    bool   tty;       /* stderr is a terminal: one line redrawn; else (a CI
                                                 log) a whole line every cli_progress_every()
                                                 seconds */
    double started;   /* wall s, cli_wall_seconds() at start */
    double last_draw; /* wall s of the last redraw */
    size_t width;     /* characters of the line on screen, 0 = none */
} cli_progress;

void cli_progress_start(cli_progress *p, bool quiet);
/* Seconds between progress lines on a non-terminal: 10, or MRSIM_PROGRESS_EVERY (a positive
 * number; tests use a small one). */
double cli_progress_every(void);
/* One progress line on a non-terminal, at most every cli_progress_every() seconds since
 * *last (wall s, updated; set it to the start): "mrsim WHAT: DONE/TOTAL UNIT (P%), ELAPSED
 * elapsed, ETA ETA". Nothing when quiet or when stderr is a terminal. */
void cli_progress_line(double *last, double started, bool quiet, const char *what, double done,
                       double total, const char *unit);
/* A run_progress_fn: ctx is the cli_progress. */
void cli_progress_update(void *ctx, sim_time now, sim_time end, uint64_t events);
/* Erase the line, if one was drawn. */
void cli_progress_clear(cli_progress *p);
/* Run options every subcommand uses, with the progress callback set to p. (run.c leaves
 * its progress ticks out of the events count, so figures do not depend on whether a line is
 * drawn.) */
run_options cli_run_options(cli_progress *p);

/* --- running and storing ------------------------------------------------------------ */

/* The loop that run, compare and check share: run some patterns of one scenario for some
 * seeds and append each run to the results database as soon as it is done (one transaction
 * per run), with one progress line for the whole batch. */

/* Called after run i (pattern-major: pattern i / nseeds, seed i % nseeds) has been stored as
 * run_id in the database; wall_s is its wall-clock duration. The progress line has been
 * cleared, so the callback may print. The run still belongs to the batch. */
typedef void cli_stored_fn(void *ctx, size_t i, run_result *r, int64_t run_id, double wall_s);

typedef struct cli_batch {
    /* filled by the caller */
    const scn_scenario *scn;                        /* borrowed; must outlive the batch */
    const char         *file;                       /* names the scenario in errors */
    const scn_pattern  *patterns[SCN_MAX_PATTERNS]; /* NULL: the independent baseline */
    size_t              npatterns;                  /* 1 .. SCN_MAX_PATTERNS */
    uint64_t            first_seed;                 /* seeds first_seed .. + nseeds - 1 */
    size_t              nseeds;                     /* >= 1 */
    bool                quiet;                      /* no progress line */
    bool                keep_latency;               /* false: free each run's latency histogram
                                                 once it is stored (about 60 KB each) */
    db_conn            *db;                         /* borrowed: where the runs go */
    cli_stored_fn      *stored;                     /* may be NULL */
    void               *ctx;                        /* for stored */
    /* filled by cli_batch_run */
    run_result **runs;              /* [npatterns * nseeds]; the first nruns set */
    size_t       nruns;             /* runs done and stored */
    int64_t      first_id, last_id; /* database ids of the first and last run */
    double       wall_s;            /* wall-clock seconds of the whole batch */
} cli_batch;

/* Set b's patterns to every pattern of s in file order, or the baseline when it has none. */
void cli_batch_all_patterns(cli_batch *b, const scn_scenario *s);
/* Run the batch. Returns 0, or a negative SIM_E* code with err filled (err->file names the
 * scenario, or the database for a write error) after the first run that failed to run or to
 * be stored; the runs stored before it stay in the database and in b->runs. Nothing is
 * printed but the progress line. */
int cli_batch_run(cli_batch *b, sim_err *err);
/* Free the runs and the array; the caller's fields are left alone. */
void cli_batch_fini(cli_batch *b);

/* --- subcommands -------------------------------------------------------------------- */

int cli_run_main(int argc, char **argv);
int cli_compare_main(int argc, char **argv);
int cli_validate_main(int argc, char **argv);
int cli_check_main(int argc, char **argv);
int cli_plot_main(int argc, char **argv);
int cli_report_main(int argc, char **argv);
int cli_sweep_main(int argc, char **argv);
int cli_merge_main(int argc, char **argv);
int cli_db_main(int argc, char **argv); /* cli_db.c: mrsim db check FILE */

#endif
