/* scn-vary.h - sweeps: JSON paths into a scenario, the values to try at each, and the
 * scenario of one point of the grid they make.
 *
 * A sweep varies a scenario along one or more dimensions. A dimension is a JSON path into
 * the scenario document ("regions[*].servers", "clients[0].rate", "faults[0].region",
 * "patterns.active-active.replication.batch") and a list of values, written as a list
 * ("10ms,50ms,200ms", "us-east-1,eu-west-1") or a range ("8..64:8", "0.5..2:0.5",
 * "10ms..100ms:10ms"). Several dimensions make a grid; point p's coordinates are p in mixed
 * radix, the last dimension varying fastest.
 *
 * Two decisions a reader must know:
 * - A point is the scenario document with the overrides applied, printed back to JSON text
 *   and loaded through the normal loader (scn_parse). Nothing is patched into loaded records,
 *   so every check the loader makes applies to every point, and the run row stores the
 *   point's exact text. A point the loader refuses is an error naming the dimension's text
 *   and the loader's JSON path ("--vary regions[*].servers=0..8:4: at 0: regions[0].servers:
 *   expected ...").
 * - Path syntax: keys separated by '.', array elements as [N], every element as [*]. A
 *   missing last key (or missing objects on the way) is created, so a default can be varied;
 *   a missing array element is an error. Keys holding '.', '[' or ']' cannot be addressed.
 *
 * The sweep of a scenario file is its "sweep" section (scenarios/README.md, "Sweeps"); the
 * command line replaces its parts (scn_sweep_override). Only scn*.c see cJSON; this module
 * is part of the scenario loader. */
#ifndef MRSIM_SCN_VARY_H
#define MRSIM_SCN_VARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scn.h"
#include "sim.h"

#define SCN_SWEEP_MAX_DIMS   8
#define SCN_SWEEP_MAX_VALUES 10000  /* values of one dimension */
#define SCN_SWEEP_MAX_POINTS 100000 /* points of the grid */
#define SCN_SWEEP_MAX_SEEDS  1000

typedef enum scn_value_kind { SCN_VALUE_NUM, SCN_VALUE_STR, SCN_VALUE_BOOL } scn_value_kind;

/* One value of a dimension. */
typedef struct scn_value {
    scn_value_kind kind;
    double         num;     /* NUM: the number; BOOL: 0 or 1 */
    char          *str;     /* STR: the string (owned), else NULL */
    char          *label;   /* as shown and stored: "8", "10ms" (owned) */
    bool           numeric; /* a number or a duration: x is its value */
    double         x;       /* the number, or the duration in seconds */
} scn_value;

typedef struct scn_vary {
    char      *path;    /* "regions[*].servers" (owned) */
    char      *where;   /* names it in errors: "--vary regions[*]..."
                                                 or "sweep.vary.regions[*].servers" (owned) */
    scn_value *values;  /* in the order given (owned) */
    size_t     nvalues; /* >= 1 */
} scn_vary;

typedef enum scn_confidence {
    SCN_CONF_BOUND, /* an objective holds when its whole 95% CI
                                                 does: mean + ci <= max, mean - ci >= min */
    SCN_CONF_MEAN,  /* ... when the mean does */
} scn_confidence;

typedef struct scn_sweep {
    scn_vary       dims[SCN_SWEEP_MAX_DIMS];
    size_t         ndims;   /* >= 1 once checked */
    uint32_t       seeds;   /* runs per point: seeds seed .. seed+seeds-1;
                                                 default 1 */
    char          *pattern; /* the pattern to run; NULL: the only one */
    scn_expect    *slo;
    size_t         nslo;         /* objectives, as expectations (no pattern) */
    char          *minimize;     /* a dimension's path, or a metric; NULL */
    int32_t        minimize_dim; /* index of that dimension, or -1 */
    scn_confidence confidence;   /* default SCN_CONF_BOUND */
    scn_expect    *expects;
    size_t         nexpects; /* on "min_found", checked by sweep and check */
} scn_sweep;

/* What the command line replaces in a scenario's sweep (NULL / 0: keep the file's). */
typedef struct scn_sweep_args {
    const char *const *vary;
    size_t             nvary; /* "PATH=VALUES" each; replace every dim */
    const char *const *slo;
    size_t             nslo; /* JSON objects or arrays; replace the slo */
    uint32_t           seeds;
    const char        *pattern;
    const char        *minimize;
    const char        *confidence; /* "bound" or "mean" */
} scn_sweep_args;

/* Apply a to s->sweep (creating it when s has none) and check the result against s's
 * document: every path resolves, the minimised dimension is numeric and ascending, the
 * pattern exists, the grid is not too large. Returns 0, SIM_EINVAL with err naming the
 * option ("--vary regions[*].servers=0..8") or the JSON path, or SIM_ENOMEM. */
int scn_sweep_override(scn_scenario *s, const scn_sweep_args *a, sim_err *err);

/* Number of points of the grid (product of the dimensions' sizes). */
size_t scn_sweep_npoints(const scn_sweep *sw);
/* The coordinates of point p: idx[d] is the value index in dimension d. */
void scn_sweep_coords(const scn_sweep *sw, size_t p, size_t *idx);
/* The point with coordinates idx. */
size_t scn_sweep_point_at(const scn_sweep *sw, const size_t *idx);

/* Load point p of base's sweep: base's text with the point's values applied. Returns 0 and
 * a scenario the caller frees, or SIM_EINVAL (err->file is base's file, err->path the
 * loader's path, err->msg starting with the dimensions' text and values) or SIM_ENOMEM. */
int scn_sweep_point(const scn_scenario *base, size_t p, scn_scenario **out, sim_err *err);

/* The canonical text of base's sweep: base's document without its "sweep" section (as cJSON
 * prints it, so layout does not count), the dimensions with their values, seeds, pattern:
 * what decides which runs a sweep makes, and nothing else (not the objectives or the
 * search). Its hash names the sweep across shards and continued runs. Returns a string the
 * caller frees with sim_free, or NULL when out of memory. */
char *scn_sweep_canonical(const scn_scenario *base);

/* Free what a sweep owns and the sweep itself (scn_free calls it). NULL is a no-op. */
void scn_sweep_free(scn_sweep *sw);

#endif
