/* table.h - a run's figures for people (the terminal summary) and for scripts (JSON).
 *
 * Both read only the run_result: metric names are looked up in whatever order and set the
 * result holds, so a model that adds a metric shows up in the JSON with no change here. The
 * terminal table has fixed columns for the standard metrics (the list in scenarios/README.md,
 * "Metrics") and lists any other metric of a row below the table.
 *
 * The JSON is one document, written by hand (no cJSON outside the scenario loader):
 *
 *   {"scenario": NAME, "file": PATH,
 *    "runs": [{"pattern": P, "seed": N, "simulated_s": X, "events": N, "wall_s": X,
 *              "metrics":   {NAME: VALUE, ...},           scope all, in the result's order
 *              "by_op":     {"read": {NAME: VALUE, ...}, "write": {...}},
 *              "by_region": {REGION: {NAME: VALUE, ...}, ...},
 *              "events":    [{"t_s": X, "kind": K, "detail": D}, ...]}, ...]}
 *
 * Numbers have one deterministic spelling: an integral value below 2^53 in magnitude is
 * written without a fraction ("1000"), any other finite value with "%.10g", NaN and infinities
 * as null. seed and events are written exactly from their uint64. Strings are escaped per
 * RFC 8259 (quote, backslash, control characters); bytes that are not valid UTF-8 become
 * U+FFFD, so the output is always valid JSON. wall_s is the only wall-clock figure: the rest
 * of the document is the same for the same scenario, seed and binary. */
#ifndef MRSIM_TABLE_H
#define MRSIM_TABLE_H

#include <stdio.h>

#include "run.h"
#include "scn.h"

/* How a figure is shown in a terminal table: short, and never misleading. */
typedef enum table_fmt {
    TABLE_FMT_COUNT, /* whole numbers (fractional ones: means) */
    TABLE_FMT_AVAIL, /* a ratio as a percentage, truncated, so that
                                                 "100%" means every request succeeded */
    TABLE_FMT_SHARE, /* a ratio as a percentage, rounded; a tiny
                                                 non-zero one is "<0.001%", never "0.000%" */
    TABLE_FMT_MS,    /* latencies and durations: 3-4 significant
                                                 digits, at most 3 decimals; 0 is "0" */
    TABLE_FMT_RATE,  /* per-second rates, one decimal */
    TABLE_FMT_UTIL,  /* a ratio as a percentage, one decimal */
    TABLE_FMT_BYTES, /* whole bytes with thousands separators */
    TABLE_FMT_MONEY, /* two decimals with thousands separators
                                                 ("6,045.45"); a tiny non-zero amount is
                                                 "<0.01", never "0.00" */
    TABLE_FMT_NUM,   /* any other quantity (GB): four significant
                                                 digits, whole from 1000 on */
} table_fmt;

/* Print r as a terminal table to out: a header (scenario, pattern, seed, simulated time),
 * one row per scope in the result's order (all, read, write, then each region) with the
 * standard metrics as columns ("-" for a metric the row lacks or a NaN), then the event log
 * if there is one. Control characters in names are shown as '?'. */
void table_print_summary(FILE *out, const run_result *r);

/* Print the JSON document above for nruns runs of scenario s to out, followed by a newline.
 * wall_s[i] is the wall-clock duration of runs[i] in seconds; wall_s may be NULL (then every
 * wall_s is null). */
void table_print_json(FILE *out, const scn_scenario *s, const run_result *const *runs,
                      const double *wall_s, size_t nruns);

/* The spellings above, for analysis/'s other writers (compare.c), so that every table and
 * JSON document mrsim prints writes names and numbers the same way. */
void   table_json_str(FILE *out, const char *s); /* escaped JSON string; null for NULL */
void   table_json_num(FILE *out, double v);      /* the one number spelling; NaN -> null */
void   table_put_text(FILE *out, const char *s); /* control characters shown as '?' */
size_t table_text_width(const char *s);          /* UTF-8 characters, for column widths */
/* Format v as 'kind' into buf; NaN is "-", infinities "inf" / "-inf". */
void table_format(char *buf, size_t n, table_fmt kind, double v);

#endif
