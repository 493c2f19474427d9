/* plot_sweep.h - plots of a stored sweep (mrsim sweep): each objective's metric against the
 * varied parameter, as the mean over the seeds with its 95% confidence band and the SLO's
 * bound drawn as a line; for a sweep of two dimensions also a heat map of the mean.
 *
 * The sweep is read from the database (sweeps, sweep_points, sweep_params, the runs'
 * metrics), so a merged sweep plots like a whole one. The metrics are the objectives stored
 * with the sweep (sweeps.slo) and any the caller names (by name, whole-run scope), or
 * availability and p99_ms when there are neither: the plot is generic over the metric, so
 * later metrics (cost_per_month) plot the same way.
 *
 * Line plot: x is the first dimension whose values are all numbers or durations (durations
 * in seconds); each combination of the other dimensions' values is one curve, named by
 * their labels. Heat map (two dimensions): one cell per point, the mean printed in it, axes
 * labelled with the values. Text from the database (paths, labels, metric names) reaches
 * gnuplot only as data or through plot_quote, as in plot.h. */
#ifndef MRSIM_PLOT_SWEEP_H
#define MRSIM_PLOT_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "plot.h"

typedef struct plot_sweep_options {
    int64_t            sweep_id; /* 0: the latest sweep in the database */
    const char        *out_dir;  /* created when missing (the last level) */
    plot_format        format;
    const char *const *metrics; /* extra metrics to plot (scope all) */
    size_t             nmetrics;
} plot_sweep_options;

/* Plot the sweep o selects. Returns the number of images (> 0), or SIM_ENOENT (no such
 * sweep, no runs, no gnuplot), SIM_EIO or SIM_ENOMEM with err filled. file (may be NULL) is
 * called for each image. */
int plot_sweep(db_conn *db, const plot_sweep_options *o, plot_file_fn *file, void *ctx,
               sim_err *err);

#endif
