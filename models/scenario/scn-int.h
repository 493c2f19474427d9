/* scn-int.h - private to the scenario loader (scn.c, scn-json.c, scn-world.c, scn-deploy.c,
 * scn-cost.c, scn-vary.c, scn-vary-values.c).
 *
 * The loader is one module in five files: scn.c checks the text, parses it with cJSON and
 * walks the top-level object in dependency order; scn-json.c holds the generic helpers that
 * check a node and write the message (typed getters, field lists, paths, "got ..."
 * descriptions, region names); scn-world.c reads the world's sections (regions, network,
 * clients, faults, and the distributions they use); scn-deploy.c reads the deployment's
 * (patterns, data, routing, monitor, alerts, expect); scn-cost.c the prices (cost). Every helper here fills in err and
 * returns SIM_EINVAL or SIM_ENOMEM on failure, 0 on success. This header includes cJSON.h,
 * so only scn*.c may include it: no other module sees cJSON. */
#ifndef MRSIM_SCN_INT_H
#define MRSIM_SCN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "scn.h"

#define PATH_N  256 /* as sim_err.path: longer paths are truncated */
#define FOUND_N 96  /* "got ..." descriptions */

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Propagate a failure (SIM_EINVAL or SIM_ENOMEM; err is already filled in). */
#define TRY(call)                                                                                  \
    do {                                                                                           \
        int try_rc_ = (call);                                                                      \
        if (try_rc_ < 0)                                                                           \
            return try_rc_;                                                                        \
    } while (0)

/* ---- scn-json.c: describing nodes, paths, field lists, typed getters, region names ---- */

/* Edit distance (Levenshtein) of two names, for "did you mean"; SIZE_MAX when either is
 * longer than 32 characters (no suggestion is worth making then). */
size_t       scn__edit_distance(const char *a, const char *b);
const char  *scn__fmt_num(double v, char *buf, size_t n);
const char  *scn__clip(const char *s, char *buf, size_t n);
const char  *scn__found(const cJSON *n, char *buf);
const char  *scn__pjoin(char *buf, const char *parent, const char *key);
const char  *scn__pindex(char *buf, const char *parent, size_t i);
const cJSON *scn__field(const cJSON *obj, const char *key);
size_t       scn__count_children(const cJSON *n);
int scn__check_fields(const cJSON *obj, const char *path, const char *const *known, size_t nknown,
                      sim_err *err);
int scn__missing(const char *path, const char *key, sim_err *err);
int scn__no_memory(sim_err *err);
/* scn-limits.c: refuse a scenario whose products of fields exceed SCN_MEMORY_BUDGET or
 * SCN_MAX_WORK; called once everything is parsed. */
int scn__check_limits(const scn_scenario *s, sim_err *err);
int scn__get_uint(const cJSON *n, const char *path, uint64_t lo, uint64_t hi, uint64_t *out,
                  sim_err *err);
int scn__get_num(const cJSON *n, const char *path, double lo, bool lo_open, double hi, bool hi_open,
                 const char *what, double *out, sim_err *err);
int scn__get_any_num(const cJSON *n, const char *path, double *out, sim_err *err);
int scn__get_dur(const cJSON *n, const char *path, bool allow_neg, sim_time *out, sim_err *err);
int scn__get_pos_dur(const cJSON *n, const char *path, sim_time *out, sim_err *err);
int scn__get_str(const cJSON *n, const char *path, bool nonempty, const char **out, sim_err *err);
int scn__dup_str(const char *text, char **out, sim_err *err);
int scn__get_bool(const cJSON *n, const char *path, bool *out, sim_err *err);
int scn__get_choice(const cJSON *n, const char *path, const char *const *names, size_t count,
                    const char *list, int *out, sim_err *err);
int scn__get_array(const cJSON *n, const char *path, const char *one, const char *many, size_t lo,
                   size_t hi, size_t *count, sim_err *err);
int scn__get_latlon(const cJSON *n, const char *path, double *lat, double *lon, sim_err *err);
int scn__unknown_region(const scn_scenario *s, const char *path, const char *name, sim_err *err);
int scn__get_region(const scn_scenario *s, const cJSON *n, const char *path, uint32_t *out,
                    sim_err *err);

/* ---- scn.c: the parse itself ---- */

/* Parse text (len bytes followed by a NUL) with the loader's checks and allocation hooks.
 * Returns 0 and a tree the caller deletes, or SIM_EINVAL (path "", a line and column) or
 * SIM_ENOMEM. */
int scn__json_parse(const char *text, size_t len, cJSON **out, sim_err *err);

/* ---- scn-vary.c: the "sweep" section ---- */

int scn__parse_sweep(scn_scenario *s, const cJSON *n, const cJSON *root, sim_err *err);

/* ---- scn-vary-values.c: a dimension's values ---- */

struct scn_vary;
struct scn_value;
void scn__value_fini(struct scn_value *v);
/* Append the values text gives ("8..64:8", "10ms,50ms") to d; 'where' names it in errors. */
int scn__parse_values(struct scn_vary *d, const char *text, const char *where, sim_err *err);
/* The same from a JSON string (the same syntax) or an array of scalars. */
int scn__parse_value_node(struct scn_vary *d, const cJSON *n, const char *where, sim_err *err);

/* ---- scn-world.c: distributions, regions, network, clients; scn-faults.c: faults ---- */

int  scn__parse_time_dist(const cJSON *n, const char *path, dist_spec *d, sim_err *err);
void scn__spec_fini(dist_spec *d);
int  scn__parse_region(scn_scenario *s, size_t idx, const cJSON *n, const char *path, sim_err *err);
int  scn__parse_network(scn_scenario *s, const cJSON *n, sim_err *err);
int  scn__parse_client(scn_scenario *s, size_t idx, const cJSON *n, const char *path, sim_err *err);
int scn__parse_fault(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path, sim_err *err);
int scn__sort_faults(scn_scenario *s, sim_err *err);

/* Names of the fault kinds, indexed by scn_fault_kind (scn_fault_kind_name()). */
extern const char *const scn__fault_kinds[SCN_FAULT_KIND_COUNT];

/* ---- scn-deploy.c: patterns, data, routing, monitor, alerts, expectations ---- */

void scn__pattern_defaults(scn_pattern *p, scn_pattern_kind kind);
int  scn__parse_patterns(scn_scenario *s, const cJSON *n, sim_err *err);
int  scn__parse_data(scn_scenario *s, const cJSON *n, sim_err *err);
int  scn__parse_routing(scn_scenario *s, const cJSON *n, sim_err *err);
int  scn__parse_monitor(scn_scenario *s, const cJSON *n, const cJSON *dur_node, sim_err *err);
int  scn__parse_clock(scn_scenario *s, const cJSON *n, sim_err *err);
int  scn__parse_alerts(scn_scenario *s, const cJSON *n, sim_err *err);
int  scn__parse_expect(scn_scenario *s, scn_expect *x, const cJSON *n, const char *path,
                       sim_err *err);
/* Whether a run reports x's metric in x's scope (scn-metrics.c); path is the expectation's. */
int scn__check_expect_metric(const scn_expect *x, const char *path, sim_err *err);

/* ---- scn-residency.c: key ownership and residency (after the clients) ---- */

int scn__parse_residency(scn_scenario *s, const cJSON *n, sim_err *err);

/* ---- scn-leaderless.c: the leaderless pattern's own fields ---- */

/* Its defaults (which depend on the regions) and "wars", "read_repair"; pattern n. */
int scn__parse_leaderless(const scn_scenario *s, scn_pattern *pat, const cJSON *n, const char *path,
                          sim_err *err);
/* Its "replication": {"n", "r", "w", "timeout"}. */
int scn__parse_leaderless_replication(const scn_scenario *s, scn_pattern *pat, const cJSON *n,
                                      const char *path, sim_err *err);

/* ---- scn-failover.c: disaster recovery ---- */

int scn__parse_failover(scn_scenario *s, const cJSON *n, sim_err *err);

/* Names of the pattern kinds, indexed by scn_pattern_kind (scn_pattern_kind_name()). */
extern const char *const scn__pattern_kinds[SCN_PATTERN_KIND_COUNT];

/* ---- scn-cost.c: prices ---- */

/* The "cost" section (n may be NULL: no prices). After the regions, which it names. */
int scn__parse_cost(scn_scenario *s, const cJSON *n, sim_err *err);

#endif
