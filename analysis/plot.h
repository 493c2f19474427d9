/* plot.h - plots of stored runs: the results database in, PNG or SVG files out, drawn by
 * gnuplot from the scripts in analysis/plots/.
 *
 * plot_db() picks the runs (one run, or every seed of each pattern of a scenario: see
 * db_plot_runs), reads them through db.c, writes each plot's data as TSV files into the
 * output directory, and runs gnuplot once per plot with fork/exec (never a shell). Per
 * pattern: latency over time (p50 and p99 per region), availability and error rate over
 * time, and replication lag with the stale-read rate over time per region (when there was
 * replication or a read); on each, fault windows are shaded and labelled with their kind,
 * health flips and failover steps (events whose kind starts with "failover") marked. Over
 * all the patterns: the latency CDF, the t-visibility curve (share of reads that saw the
 * newest acknowledged write, by time since it) and a comparison of headline metrics. With several
 * seeds the lines are means over the seeds with their 95% confidence bands, and the
 * comparison's bars carry 95% error bars.
 *
 * Two decisions a reader must know:
 * - Text from scenario files (the scenario, region and pattern names) never becomes gnuplot
 *   code. Region and pattern names reach gnuplot only as data (TSV column headers and x tic
 *   labels, with tabs, newlines and double quotes replaced); the title goes in a single-quoted
 *   gnuplot string (where gnuplot expands neither backquotes nor macros) with ' doubled and
 *   control characters replaced (plot_quote). File names are built from a slug of the
 *   pattern name ([A-Za-z0-9._-] only) and gnuplot runs inside the output directory, so no
 *   path from outside is ever quoted into a command either.
 * - The scripts are found in MRSIM_PLOT_DIR (the environment variable) when set, else in the
 *   source tree's analysis/plots, compiled in (PLOT_SCRIPT_DIR). */
#ifndef MRSIM_PLOT_H
#define MRSIM_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "sim.h"

typedef enum plot_format { PLOT_PNG, PLOT_SVG } plot_format;

/* What to plot and where. */
typedef struct plot_options {
    int64_t     run_id;   /* > 0: this run alone; 0: by scenario */
    int64_t     min_id;   /* > 0: by scenario, only runs from this id on */
    const char *scenario; /* NULL: the scenario of the latest run */
    const char *out_dir;  /* created when missing (the last level) */
    plot_format format;
} plot_options;

/* Called once per image written; path is out_dir/name, borrowed for the call. */
typedef void plot_file_fn(void *ctx, const char *path);

/* The directory holding the gnuplot scripts: $MRSIM_PLOT_DIR when set and not empty,
 * otherwise the compiled-in source directory. */
const char *plot_script_dir(void);

/* Write s as a single-quoted gnuplot string literal into out (size n >= 3): ' doubled,
 * control characters (and DEL) replaced by spaces, truncated (never inside a doubled quote)
 * so that the literal and its NUL fit. Returns the literal's length. */
size_t plot_quote(const char *s, char *out, size_t n);
/* The colour of a pattern in every plot, "#rrggbb" (a static string): fixed for the four
 * built-in pattern names, else chosen from a few more by a hash of the name. */
const char *plot_pattern_colour(const char *pattern);

/* Plot the runs o selects from db into o->out_dir. Returns the number of images written
 * (> 0), or: SIM_ENOENT when there is no such run or scenario or gnuplot is not on PATH
 * ("gnuplot not found; install gnuplot-nox"); SIM_EIO when a file cannot be written, a
 * script is missing or gnuplot fails; SIM_ENOMEM. err says which. file (may be NULL) is
 * called for each image. */
int plot_db(db_conn *db, const plot_options *o, plot_file_fn *file, void *ctx, sim_err *err);

/* Run "gnuplot -e VARS common.gp SCRIPT" inside out_dir (created when missing) as plot_db
 * does, for the other plot modules (plot_sweep.h), and check that 'image' was written; file
 * (may be NULL) is called with its path. Returns 0, SIM_ENOENT (no gnuplot) or SIM_EIO. */
int plot_gnuplot(const char *out_dir, const char *script, const char *vars, const char *image,
                 plot_file_fn *file, void *ctx, sim_err *err);

#endif
