/* plot-int.h - what plot.c (choosing runs, running gnuplot) and plot-data.c (reading runs,
 * writing the data files) share. Not a public header: report.c and the CLI use plot.h.
 *
 * A plot over time is drawn from a table with one row per monitoring interval and a few
 * value columns (latency: p50 and p99 per region; availability; replication lag and
 * stale-read rate per region). Each kind of table is a plot__kind: how many columns a run
 * gives, their names, and a run's value of column c in interval i. plot__write_series turns
 * the runs of one pattern (one per seed) into the data file: for every column the mean over
 * the seeds and the ends of its 95% confidence interval (stat_ci95), so one mechanism draws
 * one seed and many. */
#ifndef MRSIM_PLOT_INT_H
#define MRSIM_PLOT_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "db.h"
#include "plot.h"
#include "sim.h"

#define MAX_VARS 8192 /* the -e argument, bytes */

/* The series metrics the plots read, columns of run_data's table. */
enum { PLOT_REQUESTS, PLOT_ERRORS, PLOT_P50, PLOT_P99, PLOT_LAG, PLOT_STALE, PLOT_NCOLS };

typedef struct plot_window {
    double start_s, end_s; /* end NaN while open */
    char   detail[128];
} plot_window;

/* A failover step: an event whose kind starts with "failover". */
typedef struct plot_step {
    double t_s;
    char   label[32]; /* the kind after "failover" and a separator,
                                                 [a-z0-9_-] only: "promote" */
} plot_step;

/* One run's series and events. */
typedef struct plot_data {
    char       **regions;
    size_t       nregions, capr; /* owned names, first-seen order */
    double      *t;
    size_t       nt, capt; /* interval ends, s */
    double      *v;
    size_t       capv; /* nt x nregions x PLOT_NCOLS, NaN where
                                                 missing */
    plot_window *faults;
    size_t       nfaults, capf;
    double      *down;
    size_t       ndown, capd; /* health_down times, s */
    double      *up;
    size_t       nup, capu; /* health_up times, s */
    plot_step   *steps;
    size_t       nsteps, caps; /* failover steps */
} plot_data;

/* A kind of plot over time. */
typedef struct plot_kind {
    const char *name;       /* "latency": the script NAME.gp, the files
                                                 NAME-PATTERN.tsv and .png/.svg */
    bool        per_region; /* the script needs nreg */
    size_t (*ncols)(const plot_data *d);
    void (*header)(FILE *f, const plot_data *d, size_t c);
    double (*value)(const plot_data *d, size_t i, size_t c);
} plot_kind;

extern const plot_kind plot__latency, plot__availability, plot__consistency;

/* Read run run_id's series and events into d (zeroed or fini'd). 0, SIM_ENOMEM or SIM_EIO
 * with err filled. */
int  plot__read_run(db_conn *db, int64_t run_id, plot_data *d, sim_err *err);
void plot__data_fini(plot_data *d); /* frees and zeroes */
/* Whether any run has a value in columns [c0, c1) of kind k (c1 is cut to the run's
 * column count; SIZE_MAX: every column). */
bool plot__has_values(const plot_kind *k, plot_data *const *d, size_t n, size_t c0, size_t c1);
/* Write kind k's table over the runs d[0 .. n) (the seeds of one pattern, same scenario):
 * header "t_s" then per column NAME, "NAME lo", "NAME hi"; one row per interval of d[0]
 * with, per column, the mean over the runs that have a value there and the ends of its 95%
 * interval (NaN with fewer than two values). 0 or SIM_ENOMEM. */
int plot__write_series(FILE *f, const plot_kind *k, plot_data *const *d, size_t n);

/* A TSV field: control characters become spaces, '"' becomes '\'' (gnuplot would read a
 * quoted field), "" becomes "-". */
void plot__put_field(FILE *f, const char *s);
void plot__put_num(FILE *f, double v); /* "%.9g", "NaN" */

/* --- running gnuplot (plot-gnuplot.c) ------------------------------------------------ */

/* One plot_db call's gnuplot setup and what it has drawn. */
typedef struct plot_runner {
    const plot_options *o;
    const char         *ext;               /* "png" or "svg" */
    char                gnuplot[PATH_MAX]; /* absolute path of the program */
    char                common[PATH_MAX];  /* absolute path of common.gp */
    char                dir[PATH_MAX];     /* the script directory, absolute */
    char                title[1024];       /* quoted literal: the scenario's name */
    plot_file_fn       *file;
    void               *ctx;
    int                 nimages;
} plot_runner;

/* SIM_EIO with "what: strerror(errno)" and err->file = path. */
int plot__io_fail(sim_err *err, const char *what, const char *path);
/* Open out_dir/name for writing (its path into path, size n), or NULL with err filled. */
FILE *plot__open_data(const plot_runner *p, const char *name, char *path, size_t n, sim_err *err);
/* Close a data file; 0, or SIM_EIO when a write or the close failed. */
int plot__close_data(FILE *f, const char *path, sim_err *err);
/* An executable 'name' on PATH into out; false when there is none. */
bool plot__find_program(const char *name, char *out, size_t n);
/* Run "gnuplot -e vars common.gp script" in the output directory for image (a name in it);
 * 0 when it wrote a non-empty image (counted, and given to p->file), else SIM_EIO with
 * gnuplot's last line of stderr in err. */
int plot__run_gnuplot(plot_runner *p, const char *script, const char *vars, const char *image,
                      sim_err *err);
/* Append printf-formatted text to vars (size MAX_VARS); false when it does not fit. */
bool plot__vars_add(char *vars, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Start vars with what every plot gets: format, image and data file names, title (a quoted
 * literal) and band (1: the data has confidence bands). Returns the length. */
size_t plot__base_vars(const plot_runner *p, char *vars, const char *image, const char *data,
                       const char *title_literal, bool band);
/* path made absolute against the working directory; 0, or -1 when it does not fit. */
int plot__absolute(const char *path, char *out, size_t n);
/* Make the output folder (its last level) unless it is one already; 0 or SIM_EIO. */
int plot__make_dir(const char *dir, sim_err *err);

#endif
