/* cli_sweep.h - private to `mrsim sweep` (cli_sweep.c: options, running the points through
 * the process pool, storing; cli_sweep_eval.c: figures over seeds, objectives, the search
 * for the minimum, the report).
 *
 * A job is one run: point p with seed index k, coded as p * nseeds + k. run_of[job] is its
 * run id in the results database once stored (0 before), so figures are always read back
 * from the database: a sweep continued later, or run on a merged database, reports from
 * exactly the rows a single uninterrupted sweep would have stored. */
#ifndef MRSIM_CLI_SWEEP_H
#define MRSIM_CLI_SWEEP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "db.h"
#include "scn-vary.h"

/* What one pattern's sweep found, for `--pattern all`'s summary. */
typedef struct sweep_answer {
    bool minimized; /* --minimize was given */
    bool verdict;   /* the sweep's non-zero status was a verdict, not an error */
    char what[256]; /* what was minimised: "regions[*].servers" */
    char text[512]; /* "regions[*].servers=6, cost_per_month 4,380.5", "" = none */
} sweep_answer;

typedef struct sweep {
    const char      *file; /* the scenario file */
    scn_scenario    *base; /* owned; base->sweep is the sweep */
    const scn_sweep *sw;   /* base->sweep */
    size_t           npoints, nseeds;
    db_conn         *db; /* owned */
    const char      *db_path;
    int64_t          id;               /* sweeps.id */
    int64_t         *run_of;           /* [npoints * nseeds], 0 = not stored */
    unsigned         shard_k, shard_n; /* this shard, 1-based; 1/1 = the whole */
    int              jobs;             /* worker processes */
    bool             quiet;
    FILE            *out;     /* the report, buffered: stdout gets it whole or not at all */
    bool             verdict; /* the exit status is a verdict, not an error */
    sweep_answer    *answer;  /* NULL, or where --pattern all wants the minimum */
    char             tmpdir[PATH_MAX]; /* the workers' databases, "" until made */
    /* the batch being run */
    const size_t *batch; /* job codes */
    size_t        nbatch;
    size_t        runs_done, runs_total; /* progress over the whole invocation */
    size_t        ran;                   /* runs made by this invocation */
    double        started;               /* wall s */
    size_t        width;                 /* progress line on screen, characters */
    double        last_draw;
    double        last_line; /* wall s of the last line on a non-terminal */
} sweep;

/* Make sure every job in jobs[0..n) is stored (running the missing ones through the process
 * pool, storing them in job order). Returns 0, or an exit status after printing why. */
int sweep_run_jobs(sweep *s, const size_t *jobs, size_t n);
/* Is point p this shard's? Round robin: p % N == K - 1. */
bool sweep_mine(const sweep *s, size_t p);

/* Evaluate and print: the grid (or this shard's part of it), the objectives per point, and
 * the minimum when one is asked for. Returns an exit status. */
int sweep_evaluate(sweep *s);

#endif
