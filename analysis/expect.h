/* expect.h - a scenario's expectations checked against its runs, reported like a test runner
 * (one line per case) and as JUnit XML for CI.
 *
 * A case is one expectation (scn_expect) checked against one run. An expectation applies to
 * the run of the pattern it names, or to every run when it names none. The value checked is
 * run_metric_find(run, scope, key, metric), the scope from the filters: "op" is scope op with
 * key "read" or "write", "region" is scope region with the region's name, neither is scope
 * all. Every bound given must hold: min is >=, max is <=, equals is == exactly (no tolerance:
 * it is meant for counts, which are whole numbers; a latency or a ratio wants min/max).
 *
 * Two decisions a reader must know:
 * - A case never passes by default. A metric the run does not have (a typo such as "p99ms",
 *   a whole-run-only metric asked per region, or "op" and "region" together, since runs have
 *   no per-operation figures per region) is an ERROR case, counted as a failure. A NaN value
 *   (nothing to measure: a p99 with no successful request) fails every bound, reported as
 *   "measured nothing".
 * - Numbers are printed with "%.10g", and with more digits (up to 17) only when 10 would
 *   mislead: a failing 0.99899999999 is "0.99899999999", never "0.999" next to ">= 0.999".
 *   Bounds are printed with the fewest digits that read back as the same double.
 *
 * Nothing here drives the engine: the runs come from the caller (cli_check.c). */
#ifndef MRSIM_EXPECT_H
#define MRSIM_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "run.h"
#include "scn.h"
#include "sim.h"

#define EXPECT_TEXT_MAX                                                                            \
    1024 /* descriptions and messages longer than this
                                                 (bytes, NUL included) are truncated */

typedef enum expect_status {
    EXPECT_PASS,
    EXPECT_FAIL,  /* a bound does not hold, or nothing measured */
    EXPECT_ERROR, /* the run has no such metric: a failure too */
} expect_status;

typedef struct expect_report expect_report; /* opaque: the cases of a whole check */

/* One expectation checked against one run. */
typedef struct expect_case {
    const scn_expect *x;       /* borrowed from the scenario */
    const char       *pattern; /* the run's pattern name, borrowed */
    expect_status     status;
    double            measured; /* the metric's value in its own unit; NaN
                                                 when it measured nothing or for ERROR; with
                                                 several seeds, their mean */
    double            ci;       /* with several seeds: the half-width of the
                                                 mean's 95% confidence interval */
    size_t            nseeds;   /* runs behind the value: 1, or the seeds */
} expect_case;

/* --- one case --------------------------------------------------------------------------- */

/* Whether x applies to run r: x names no pattern, or names r's. */
bool expect_applies(const scn_expect *x, const run_result *r);
/* Where x's value is found: scope op with key "read"/"write" when it names an op, scope
 * region with the region's name when it names a region, else scope all with key "".
 * Returns false when it names both (no run has such figures). */
bool expect_scope(const scn_expect *x, run_scope *scope, const char **key);
/* Whether v meets every bound of x (NaN meets none). */
bool expect_meets(const scn_expect *x, double v);
/* The same for an interval [lo, hi] (a mean and its confidence interval): min is checked
 * against lo, max against hi, equals against both, so it holds for every value inside. */
bool expect_meets_ci(const scn_expect *x, double lo, double hi);
/* Check x against r (whether or not it applies). */
expect_case expect_eval(const scn_expect *x, const run_result *r);
/* The expectation without its pattern, as "p99_ms{op=write} <= 250",
 * "availability >= 0.99", "p50_ms{region=eu-west-1} >= 1 and <= 40", "lost_writes == 0". */
void expect_describe(const scn_expect *x, char *buf, size_t n);
/* What was found: "measured 212.4" (PASS), "measured 312.5, expected <= 250" or "measured
 * nothing, expected <= 250" (FAIL), "unknown metric \"p99ms\"" (ERROR; with a filter,
 * "unknown metric \"detect_s\" for op=read"). */
void expect_case_message(const expect_case *c, char *buf, size_t n);
/* Print c as one line: "PASS  FILE  [PATTERN] DESCRIPTION  (MESSAGE)", the first word
 * "PASS ", "FAIL " or "ERROR" then a space. Control characters are shown as '?'. */
void expect_case_print(FILE *out, const char *file, const expect_case *c);

/* --- a whole check ---------------------------------------------------------------------- */

int  expect_report_new(expect_report **out); /* 0 or SIM_ENOMEM */
void expect_report_free(expect_report *rep); /* NULL is a no-op */

/* Check every expectation of s, in file order, against each of the nruns runs (of s) it
 * applies to, in run order, and add the cases to rep as one suite named s->file. Each case
 * is printed to out as expect_case_print does, PASS lines only when !quiet; a scenario without
 * expectations prints "SKIP  FILE  no expectations" unless quiet. An expectation that
 * applies to none of the runs is one ERROR case ("no run of pattern \"x\""). The report
 * copies what it keeps: s and the runs may be freed afterwards. Returns 0 or SIM_ENOMEM. */
int expect_report_check(expect_report *rep, const scn_scenario *s, const run_result *const *runs,
                        size_t nruns, FILE *out, bool quiet);
/* The same over several seeds: runs[k] holds each metric's mean over nseeds runs of one
 * pattern and cis[k] (same metrics, same order) the half-width of its 95% confidence
 * interval. An expectation's bounds apply to the mean, or with "bound": "ci" to the whole
 * interval (expect_meets_ci). cis may be NULL when nseeds is 1. */
int expect_report_check_seeds(expect_report *rep, const scn_scenario *s,
                              const run_result *const *runs, const run_result *const *cis,
                              size_t nruns, size_t nseeds, FILE *out, bool quiet);
/* Add a suite for a scenario file that could not be checked: one errored case named 'what'
 * ("load", "run") with message msg. These are not cases of expectations: they count in
 * neither expect_report_passed nor expect_report_failed (the CLI reports them through its
 * exit status), but JUnit shows them as <error>. Returns 0 or SIM_ENOMEM. */
int expect_report_error(expect_report *rep, const char *file, const char *what, const char *msg);
/* Add a case that is not an expectation (a baseline comparison: cli_check.c) to the suite
 * expect_report_check added last: named 'name', passed when msg is NULL, a failure with
 * message msg otherwise. It counts in neither expect_report_passed nor expect_report_failed
 * (the caller counts what it adds); JUnit shows it like any other case. Returns 0 or
 * SIM_ENOMEM; there must be a suite. */
int    expect_report_add_case(expect_report *rep, const char *name, const char *msg);
size_t expect_report_passed(const expect_report *rep);
size_t expect_report_failed(const expect_report *rep); /* FAIL and ERROR cases */

/* Write rep as JUnit XML to out:
 *   <testsuites name="mrsim check" tests= failures= errors=>
 *     <testsuite name=FILE tests= failures= errors=>          one per scenario, in order
 *       <testcase classname=SCENARIO name="[PATTERN] DESCRIPTION"/>      a PASS
 *       <testcase ...><failure message="measured X, expected <= Y"/></testcase>
 *   FAIL and ERROR cases are <failure>s; a scenario that could not be checked is one
 * testcase (classname FILE) with an <error>. Text is escaped: & < > " ' as entities, tab, LF
 * and CR as character references, other control characters and bytes that are not valid
 * UTF-8 (or not XML characters) as U+FFFD, so the document is always well-formed. Returns 0,
 * or SIM_EIO when out reports a write error. */
int expect_report_write_junit(const expect_report *rep, FILE *out);
/* The same into the file at path, atomically: a temporary file in the same directory,
 * flushed to disk, then renamed over path, so a reader sees the old file or the whole new
 * one. The directory must exist. Returns 0, or SIM_EIO with err filled (err->file is path). */
int expect_report_save_junit(const expect_report *rep, const char *path, sim_err *err);

#endif
