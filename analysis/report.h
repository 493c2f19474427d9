/* report.h - one self-contained HTML page about a scenario's stored runs, to attach to a
 * design review: the scenario (name, file and its full text), the comparison table of its
 * patterns, every plot of `mrsim plot`, and the event log (faults, failover steps, health
 * flips, alerts).
 *
 * The runs are the ones `mrsim plot` would draw (db_plot_runs: one run, or every seed of
 * each pattern of a scenario). The table is compare.c's, built from the stored metrics and
 * written as an HTML table with the same cell texts as the terminal's; the plots are drawn
 * by plot_db in SVG into a temporary folder beside the output file and embedded inline, and
 * the folder is removed afterwards.
 *
 * Two decisions a reader must know:
 * - Self-contained means no network and no other file: styles are inline, there is no
 *   script at all, and a Content-Security-Policy meta tag forbids loading anything, so a
 *   page that tried would show it in a browser's console. An SVG that contains a script or
 *   a foreignObject is refused rather than embedded.
 * - Every piece of text that comes from a scenario file or the database (names, the file's
 *   text, event details) goes through report_html_escape. The page is written to a
 *   temporary name and renamed into place, so an interrupted report leaves no half page. */
#ifndef MRSIM_REPORT_H
#define MRSIM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "sim.h"

#define REPORT_MAX_EVENTS 500 /* event rows per pattern, then a note */

typedef struct report_options {
    int64_t     run_id;   /* > 0: this run alone; 0: by scenario */
    int64_t     min_id;   /* > 0: by scenario, only runs from this id on */
    const char *scenario; /* NULL: the scenario of the latest run */
    const char *out_path; /* the HTML file; its folder must exist */
} report_options;

/* Write the report of the runs o selects from db to o->out_path. Returns the number of plots
 * embedded (>= 0), or: SIM_ENOENT when there is no such run or scenario or gnuplot is
 * missing; SIM_EIO when a file cannot be written or gnuplot fails; SIM_ENOMEM. err says
 * which. */
int report_write(db_conn *db, const report_options *o, sim_err *err);

/* Write s to out as HTML text, valid in element content and in quoted attribute values:
 * & < > " ' as character references; control characters other than tab, newline and
 * carriage return, and bytes that are not valid UTF-8, as U+FFFD. NULL writes nothing. */
void report_html_escape(FILE *out, const char *s);

#endif
