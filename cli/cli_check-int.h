/* cli_check-int.h - what the two files of `mrsim check` share.
 *
 * cli_check.c parses the command line and collects and loads the scenario files;
 * cli_check_run.c reads the baseline, runs each scenario in a worker process (cli_jobs) and,
 * back in the parent, checks expectations and baselines in file order. A worker sends its
 * runs' metrics (or its error) to the parent, which alone prints and builds the report, so the
 * output does not depend on --jobs. */
#ifndef MRSIM_CLI_CHECK_INT_H
#define MRSIM_CLI_CHECK_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "baseline.h"
#include "expect.h"
#include "scn.h"
#include "sim.h"

#define CHECK_EXIT_INVALID 2 /* a bad scenario: the usage error's status */

/* What to check, in order: a scenario file, or an operand that gave no files (a directory
 * that cannot be read or holds no scenario), which is then reported in its place. */
typedef struct check_item {
    char         *path;                   /* ours */
    scn_scenario *scn;                    /* loaded, or NULL */
    sim_err      *err;                    /* why it is not loaded (ours), or NULL */
    baseline_run *base[SCN_MAX_PATTERNS]; /* per pattern in run order, ours; NULL: no
                                                 such run in the baseline (or no --baseline) */
} check_item;

typedef struct check_list {
    check_item *items;
    size_t      n, cap;
} check_list;

/* One check: the options, and what the runs found. */
typedef struct check_state {
    /* set by cli_check.c */
    check_list    *list;
    const char    *db_path;   /* where the runs go */
    const char    *baseline;  /* --baseline DB, or NULL */
    double         tolerance; /* fraction: 0.05 for 5% */
    bool           quiet;     /* no PASS/SKIP lines, no progress */
    int            jobs;      /* worker processes, >= 1 */
    uint32_t       seeds;     /* --seeds N, or 0: each scenario's "seeds" */
    expect_report *rep;
    /* counted by cli_check_run.c */
    size_t regressions; /* metrics worse than the baseline */
    size_t unmatched;   /* runs with no baseline run */
    bool   invalid;     /* a scenario did not load or run: exit 2 */
    bool   failed;      /* something else failed: exit 1 */
} check_state;

/* How many seeds each pattern of s runs with: --seeds, or the scenario's "seeds". */
size_t check__seeds(const check_state *st, const scn_scenario *s);

/* Print err (its file set) in the usual form, keeping both streams in order for a reader. */
void check__print_error(const sim_err *err);

/* Read every loaded scenario's baseline runs into its item (st->baseline must be set) and
 * close the baseline database again, before any worker is forked. Returns 0, or SIM_EIO /
 * SIM_ENOMEM with err filled. */
int check__load_baselines(check_state *st, sim_err *err);

/* Run and check every item of st->list in st->jobs workers, printing the lines in list order
 * and adding to st->rep. Returns 0; SIM_ENOMEM (printed); or CLI_JOBS_INTERRUPTED with
 * *signo set, after which nothing more is printed. Frees each scenario once it is checked. */
int check__run_all(check_state *st, int *signo);

#endif
