/* compare.h - patterns side by side: one column per pattern, one row per metric, the best
 * value of each row marked; as a terminal table and as JSON.
 *
 * The input is the runs of one scenario, npatterns x nseeds of them, pattern-major:
 * runs[p * nseeds + k] is pattern p's k-th seed. Every pattern must have run the same seeds
 * in the same order (the CLI runs seeds s .. s + nseeds - 1 for each pattern), but nothing
 * here drives the engine or checks that: it only reads run_results.
 *
 * Rows are a fixed list, in this order, each kept only when some run has the metric: read
 * p50/p99 and availability, write p50/p99 and availability (scope op), then availability, errors, stale_read_rate,
 * staleness_p99_ms, ryw_violations, monotonic_violations, lost_writes, conflicts,
 * divergent_keys, repl_lag_p99_ms, repl_bytes, rpo_writes, rpo_ms, rto_s, failovers,
 * split_brain_s, no_region, egress_gb, cost_per_hour and cost_per_month (scope all). Each cell is the mean over a pattern's seeds with
 * the half-width of its 95% confidence interval (stat_ci95); a NaN value (or a run without
 * the metric) is left out of its cell, so a cell may rest on fewer runs than nseeds.
 *
 * Two decisions a reader must know:
 * - "Best" is decided on the means, exactly (no tolerance): lower is better for every row
 *   except availability. Every pattern that reaches the best mean is marked (ties all
 *   marked), and a row where every pattern with a value has the same mean marks none, since
 *   nothing tells the patterns apart there. The confidence intervals do not enter the
 *   decision: a mark says which mean is best, not that the difference is significant.
 * - Latency rows (p50, p99 of requests) count successful requests only, so a pattern that
 *   failed its slow requests would look fastest. The rule: a latency is marked only among
 *   the patterns with the best availability of the row's scope (the operation's, the client
 *   population's): with one seed exactly the highest availability, with several every
 *   pattern whose mean + half-width reaches the best mean - its half-width. A pattern that
 *   failed more requests than another never carries a latency mark.
 * - The JSON is written by hand with table.h's spelling of strings and numbers, so that
 *   every JSON document mrsim writes has one number format:
 *
 *   {"scenario": NAME, "file": PATH, "seed": FIRST_SEED, "seeds": N,
 *    "patterns": [P, ...],
 *    "rows": [{"metric": "p99_ms", "op": "write", "better": "lower",
 *              "values": {P: {"mean": X, "ci95": H, "n": K}, ...},
 *              "best": [P, ...]}, ...]}
 *
 *   "op" is present only for the per-operation rows, "client" only for --by client's; "values" lists every pattern in
 *   "patterns" order; "n" is the number of runs the cell rests on, "mean" is null when n is
 *   0 and "ci95" (the half-width) is null when n < 2, since one run gives no interval. */
#ifndef MRSIM_COMPARE_H
#define MRSIM_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "run.h"

typedef enum compare_better {
    COMPARE_LOWER,  /* the smallest mean is best */
    COMPARE_HIGHER, /* the largest mean is best (availability) */
} compare_better;

/* One pattern's figure in one row, over its seeds. */
typedef struct compare_value {
    double mean; /* in the metric's unit; NaN when n == 0 */
    double ci95; /* half-width of the 95% interval, same unit;
                                                 NaN when n < 2 */
    size_t n;    /* runs with a finite value, 0 .. nseeds */
} compare_value;

typedef struct compare_row {
    const char    *metric; /* "p99_ms": a static string */
    const char    *op;     /* "read" or "write" for the per-operation
                                                 rows, NULL for whole-run metrics */
    const char    *client; /* a client population's name (scope client,
                                                 borrowed from the runs), or NULL */
    compare_better better;
    compare_value *values; /* [npatterns], in pattern order */
    bool          *best;   /* [npatterns]: this pattern is marked */
} compare_row;

/* The comparison, read by the caller; built by compare_table_new. */
typedef struct compare_table {
    const scn_scenario *scn; /* borrowed from the runs; may be NULL */
    const char        **patterns;
    size_t              npatterns; /* names, borrowed from the runs */
    uint64_t            seed;      /* the first run's seed */
    size_t              nseeds;    /* runs per pattern, >= 1 */
    compare_row        *rows;
    size_t              nrows; /* only the rows some run has, in list order */
} compare_table;

/* Build the comparison of npatterns x nseeds runs laid out as described above (npatterns
 * >= 1, nseeds >= 1). The table borrows the runs' names and scenario: the runs must outlive
 * it. Returns 0 and a table the caller frees with compare_table_free, or SIM_ENOMEM. */
int compare_table_new(const run_result *const *runs, size_t npatterns, size_t nseeds,
                      compare_table **out);
/* The same, and with by_client a block of rows per client population the runs report
 * (read/write p50 and p99, availability, errors, no_region, stale_read_rate, ryw_violations
 * of the requests that population made), after the others. */
int  compare_table_new_by(const run_result *const *runs, size_t npatterns, size_t nseeds,
                          bool by_client, compare_table **out);
void compare_table_free(compare_table *t); /* NULL is a no-op */

/* Print t as a terminal table to out: a header line (scenario, seeds), a column per pattern,
 * a row per metric with "*" after each best value, and footer lines saying what "*" and
 * (with several seeds) "±" mean. Control characters in names are shown as '?'. */
void compare_table_print(FILE *out, const compare_table *t);

/* The text the terminal table shows, for other writers (the HTML report): a row's label
 * ("read p99_ms", or the metric name), and pattern p's cell in row ("12.3", with several
 * seeds "12.3 ±0.4", "-" without a value; the best mark is not part of it: see row->best). */
void compare_row_label(char *buf, size_t n, const compare_row *row);
void compare_cell_text(char *buf, size_t n, const compare_table *t, const compare_row *row,
                       size_t p);

/* Pattern p's cell in row for people, with its unit (the HTML report): durations in ms, s,
 * min or h ("10.4 min", not 624918), bytes in kB/MB/GB, counts grouped ("2,914"), money
 * per hour or month; "±" and the half-width in the same unit with several seeds. */
void compare_cell_human(char *buf, size_t n, const compare_table *t, const compare_row *row,
                        size_t p);

/* Print t as the JSON document above to out, followed by a newline. */
void compare_table_print_json(FILE *out, const compare_table *t);

#endif
