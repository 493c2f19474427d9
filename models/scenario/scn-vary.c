/* scn-vary.c - sweeps (scn-vary.h): the "sweep" section, --vary and --slo texts, JSON paths
 * into the scenario document, and the scenario of one point.
 *
 * How a point is made: the base scenario's text is parsed again with cJSON, each dimension's
 * value for the point is written at its path (every element for [*]), the tree is printed
 * back (unformatted) and that text goes through scn_parse like any file. Re-parsing per point
 * costs a millisecond against a run's seconds, and it keeps one loader: a value the loader
 * would refuse in a file is refused here, with the loader's own path and message.
 *
 * Rejected: patching loaded records (scn_scenario) field by field. Every varied field would
 * need its own setter repeating the loader's checks and defaults, and paths into patterns or
 * faults (resolved to indices at load time) would need the names back.
 *
 * The values of a dimension ("8..64:8", "a,b,c", a JSON array) are read in
 * scn-vary-values.c. */
#include "scn-vary.h"
#include "scn-int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEG_MAX   16 /* segments of a path */
#define SEG_KEY_N 128
#define SEG_STAR  (-1)
#define SEG_FIELD (-2)

typedef struct seg {
    long index;          /* >= 0 an element, SEG_STAR, SEG_FIELD */
    char key[SEG_KEY_N]; /* SEG_FIELD: the key */
} seg;

/* ---- freeing ---- */

static void vary_fini(scn_vary *d)
{
    for (size_t i = 0; i < d->nvalues; i++)
        scn__value_fini(&d->values[i]);
    sim_free(d->values);
    sim_free(d->path);
    sim_free(d->where);
    *d = (scn_vary){ 0 };
}

static void expects_free(scn_expect *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sim_free(x[i].metric);
        sim_free(x[i].pattern);
        sim_free(x[i].op);
        sim_free(x[i].region);
        sim_free(x[i].client);
    }
    sim_free(x);
}

void scn_sweep_free(scn_sweep *sw)
{
    if (!sw)
        return;
    for (size_t d = 0; d < sw->ndims; d++)
        vary_fini(&sw->dims[d]);
    sim_free(sw->pattern);
    expects_free(sw->slo, sw->nslo);
    sim_free(sw->minimize);
    expects_free(sw->expects, sw->nexpects);
    sim_free(sw);
}

/* ---- paths ---- */

static int parse_path(const char *path, const char *where, seg *segs, size_t *nsegs, sim_err *err)
{
    size_t      n = 0;
    const char *p = path;
    while (*p) {
        if (n == SEG_MAX)
            return sim_err_set(err, SIM_EINVAL, where, "path \"%s\" is deeper than %d levels", path,
                               SEG_MAX);
        seg *s = &segs[n];
        if (*p == '[') {
            const char *close = strchr(p, ']');
            if (n == 0 || !close || close == p + 1)
                goto bad;
            if (close == p + 2 && p[1] == '*') {
                s->index = SEG_STAR;
            } else {
                char *end = NULL;
                if (p[1] < '0' || p[1] > '9')
                    goto bad;
                s->index = strtol(p + 1, &end, 10);
                if (end != close)
                    goto bad;
            }
            p = close + 1;
        } else {
            if (n > 0) {
                if (*p != '.')
                    goto bad;
                p++;
            }
            size_t len = strcspn(p, ".[]");
            if (len == 0 || len >= SEG_KEY_N)
                goto bad;
            s->index = SEG_FIELD;
            memcpy(s->key, p, len), s->key[len] = '\0';
            p += len;
        }
        n++;
    }
    if (n == 0)
        goto bad;
    *nsegs = n;
    return 0;
bad:
    return sim_err_set(err, SIM_EINVAL, where,
                       "expected a JSON path such as "
                       "\"regions[*].servers\" or \"clients[0].rate\", got \"%s\"",
                       path);
}

static cJSON *make_value(const scn_value *v)
{
    switch (v->kind) {
    case SCN_VALUE_NUM:
        return cJSON_CreateNumber(v->num);
    case SCN_VALUE_BOOL:
        return cJSON_CreateBool(v->num != 0);
    case SCN_VALUE_STR:
        return cJSON_CreateString(v->str);
    }
    return NULL;
}

/* Write v at segs[i..n) below node (reached by 'at', for messages). */
static int put(cJSON *node, const seg *segs, size_t i, size_t n, const scn_value *v, const char *at,
               const char *where, sim_err *err)
{
    char       p[PATH_N], b[FOUND_N];
    const seg *s = &segs[i];
    bool       last = i + 1 == n;
    if (s->index == SEG_FIELD) {
        if (!cJSON_IsObject(node))
            return sim_err_set(err, SIM_EINVAL, where,
                               "%s: expected an object for \"%s\", "
                               "got %s",
                               at[0] ? at : "the document", s->key, scn__found(node, b));
        scn__pjoin(p, at, s->key);
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, s->key);
        if (last) {
            cJSON *val = make_value(v);
            /* The key is set here rather than by cJSON_ReplaceItemInObject, which does not
             * check its own copy of the key and would leave a nameless member when that
             * allocation fails. cJSON frees it with our hooks, which made it. */
            if (val && !(val->string = sim_strdup(s->key))) {
                cJSON_Delete(val);
                val = NULL;
            }
            if (!val)
                return scn__no_memory(err);
            if (child)
                cJSON_ReplaceItemViaPointer(node, child, val);
            else
                cJSON_AddItemToArray(node, val); /* an object's members are a list too */
            return 0;
        }
        if (!child) {
            if (segs[i + 1].index != SEG_FIELD)
                return sim_err_set(err, SIM_EINVAL, where, "%s: no such field", p);
            if (!(child = cJSON_AddObjectToObject(node, s->key)))
                return scn__no_memory(err);
        }
        return put(child, segs, i + 1, n, v, p, where, err);
    }
    if (!cJSON_IsArray(node))
        return sim_err_set(err, SIM_EINVAL, where, "%s: expected an array, got %s", at,
                           scn__found(node, b));
    size_t count = scn__count_children(node);
    if (s->index == SEG_STAR && count == 0)
        return sim_err_set(err, SIM_EINVAL, where, "%s: [*] of an empty array", at);
    if (s->index >= 0 && (size_t)s->index >= count)
        return sim_err_set(err, SIM_EINVAL, where,
                           "%s[%ld]: no such element; the array has "
                           "%zu",
                           at, s->index, count);
    size_t k = 0;
    for (cJSON *c = node->child, *next; c; c = next, k++) {
        next = c->next;
        if (s->index >= 0 && (size_t)s->index != k)
            continue;
        scn__pindex(p, at, k);
        if (!last) {
            TRY(put(c, segs, i + 1, n, v, p, where, err));
            continue;
        }
        cJSON *val = make_value(v);
        if (!val)
            return scn__no_memory(err);
        if (!cJSON_ReplaceItemViaPointer(node, c, val)) {
            cJSON_Delete(val);
            return scn__no_memory(err);
        }
    }
    return 0;
}

/* Write dimension d's value k into the document. */
static int apply(cJSON *root, const scn_vary *d, size_t k, sim_err *err)
{
    seg    segs[SEG_MAX];
    size_t n = 0;
    TRY(parse_path(d->path, d->where, segs, &n, err));
    return put(root, segs, 0, n, &d->values[k], "", d->where, err);
}

/* ---- the sweep ---- */

static int new_dim(scn_sweep *sw, const char *path, const char *where, scn_vary **out, sim_err *err)
{
    if (sw->ndims == SCN_SWEEP_MAX_DIMS)
        return sim_err_set(err, SIM_EINVAL, where, "expected at most %d dimensions",
                           SCN_SWEEP_MAX_DIMS);
    scn_vary *d = &sw->dims[sw->ndims++];
    *d = (scn_vary){ 0 };
    TRY(scn__dup_str(path, &d->path, err));
    TRY(scn__dup_str(where, &d->where, err));
    seg    segs[SEG_MAX];
    size_t n;
    TRY(parse_path(path, where, segs, &n, err));
    for (size_t i = 0; i + 1 < sw->ndims; i++)
        if (strcmp(sw->dims[i].path, path) == 0)
            return sim_err_set(err, SIM_EINVAL, where, "\"%s\" is varied twice", path);
    *out = d;
    return 0;
}

/* The point's document as text: root with dimension d's value idx[d] written for every d,
 * without the "sweep" section (a point is a plain scenario: its stored text runs again with
 * `mrsim run`). Returns 0 and text to free with cJSON_free, or an error. root is changed. */
static int point_text(cJSON *root, const scn_sweep *sw, const size_t *idx, char **text,
                      sim_err *err)
{
    *text = NULL;
    for (size_t d = 0; d < sw->ndims; d++)
        TRY(apply(root, &sw->dims[d], idx[d], err));
    cJSON_DeleteItemFromObjectCaseSensitive(root, "sweep");
    if (!(*text = cJSON_PrintUnformatted(root)))
        return scn__no_memory(err);
    return 0;
}

static void describe_point(const scn_sweep *sw, const size_t *idx, char *buf, size_t n);

/* Load text as point p (coordinates idx) of a sweep of 'file'; a refusal names the point. */
static int load_point(const char *file, const char *text, const scn_sweep *sw, size_t p,
                      const size_t *idx, scn_scenario **out, sim_err *err)
{
    int rc = scn_parse(file, text, strlen(text), out, err);
    /* A sweep that varies regions' servers sizes every pattern alike: a pattern's own
     * "servers" would hide the swept value, so at the sweep's points it is set aside. */
    for (size_t d = 0; rc == 0 && d < sw->ndims; d++) {
        const char *path = sw->dims[d].path;
        size_t      len = strlen(path);
        if (strncmp(path, "regions[", 8) == 0 && len > 8 && strcmp(path + len - 8, ".servers") == 0)
            for (size_t i = 0; i < (*out)->npatterns; i++)
                memset((*out)->patterns[i].servers, 0, sizeof(*out)->patterns[i].servers);
    }
    if (rc == SIM_EINVAL && err) {
        /* Name the point: the loader's path and message say what, this says where. */
        char at[512], msg[sizeof err->msg], path[sizeof err->path];
        describe_point(sw, idx, at, sizeof at);
        snprintf(msg, sizeof msg, "%s", err->msg);
        snprintf(path, sizeof path, "%s", err->path);
        sim_err_set(err, SIM_EINVAL, path, "at point %zu (%s): %s", p, at, msg);
    }
    return rc;
}

/* Check sw against s's document root: paths resolve and point 0 loads (a typo in a path's
 * last key would otherwise add an unknown field that only the runs would find), the grid's
 * size, the minimised dimension, the pattern. */
static int check_sweep(const scn_scenario *s, scn_sweep *sw, const cJSON *root, const char *at,
                       const char *minimize_at, bool need_pattern, sim_err *err)
{
    char p[PATH_N];
    if (sw->ndims == 0)
        return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, at, "vary"),
                           "expected at least one "
                           "dimension to vary (--vary PATH=VALUES, or the scenario's "
                           "\"sweep\": {\"vary\": ...})");
    cJSON *copy = cJSON_Duplicate(root, 1);
    if (!copy)
        return scn__no_memory(err);
    size_t        zero[SCN_SWEEP_MAX_DIMS] = { 0 };
    char         *text = NULL;
    scn_scenario *pt = NULL;
    int           rc = point_text(copy, sw, zero, &text, err);
    cJSON_Delete(copy);
    if (rc == 0)
        rc = load_point(s->file, text, sw, 0, zero, &pt, err);
    cJSON_free(text);
    scn_free(pt);
    TRY(rc);
    double points = 1;
    for (size_t d = 0; d < sw->ndims; d++)
        points *= (double)sw->dims[d].nvalues;
    if (points > SCN_SWEEP_MAX_POINTS)
        return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, at, "vary"),
                           "expected at most %d "
                           "points, got %.0f",
                           SCN_SWEEP_MAX_POINTS, points);
    sw->minimize_dim = -1;
    if (sw->minimize) {
        for (size_t d = 0; d < sw->ndims; d++)
            if (strcmp(sw->dims[d].path, sw->minimize) == 0)
                sw->minimize_dim = (int32_t)d;
        const scn_vary *d = sw->minimize_dim >= 0 ? &sw->dims[sw->minimize_dim] : NULL;
        for (size_t i = 0; d && i < d->nvalues; i++)
            if (!d->values[i].numeric || (i > 0 && !(d->values[i].x > d->values[i - 1].x)))
                return sim_err_set(err, SIM_EINVAL, d->where,
                                   "minimize: expected ascending "
                                   "numbers or durations to search, got \"%s\" at position "
                                   "%zu",
                                   d->values[i].label, i + 1);
        /* Not a varied path: a metric whose smallest mean is wanted, checked now rather
         * than after the whole grid has run. */
        if (!d && strpbrk(sw->minimize, "[.")) {
            char list[512] = "";
            for (size_t k = 0, len = 0; k < sw->ndims && len + 1 < sizeof list; k++) {
                int w = snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "",
                                 sw->dims[k].path);
                len += w > 0 ? (size_t)w : 0;
            }
            return sim_err_set(err, SIM_EINVAL, minimize_at,
                               "\"%s\" is not a varied path (the sweep varies: %s) nor a "
                               "metric",
                               sw->minimize, list);
        }
        if (!d)
            TRY(scn_metric_check(sw->minimize, SCN_METRIC_ALL, minimize_at, err));
    }
    /* "all": one sweep per pattern, which mrsim sweep runs one after the other. */
    if (sw->pattern && strcmp(sw->pattern, "all") != 0 && scn_pattern_index(s, sw->pattern) < 0
        && !(s->npatterns == 0 && strcmp(sw->pattern, "independent") == 0))
        return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, at, "pattern"), "unknown pattern \"%s\"",
                           sw->pattern);
    /* In the file the pattern may be left to the command line (--pattern NAME or all). */
    if (need_pattern && !sw->pattern && s->npatterns > 1)
        return sim_err_set(err, SIM_EINVAL, scn__pjoin(p, at, "pattern"),
                           "the scenario has "
                           "%zu patterns; name the one to sweep (--pattern NAME, or --pattern all)",
                           s->npatterns);
    return 0;
}

/* Objectives (check_metric: their metrics must exist) or expectations on the sweep's answer
 * (min_found, which no run reports). */
static int parse_expects(scn_scenario *s, const cJSON *n, const char *path, bool check_metric,
                         scn_expect **out, size_t *nout, sim_err *err)
{
    char         p[PATH_N];
    size_t       count = 0;
    const cJSON *one = n;
    if (cJSON_IsObject(n)) {
        count = 1; /* one objective on its own */
    } else {
        TRY(scn__get_array(n, path, "objective", "objectives", 0, 1000, &count, err));
        one = n->child;
    }
    scn_expect *x = count ? sim_calloc(count, sizeof *x) : NULL;
    if (count && !x)
        return scn__no_memory(err);
    expects_free(*out, *nout);
    *out = x;
    *nout = 0;
    size_t i = 0;
    for (const cJSON *c = one; c && i < count; c = c->next, i++) {
        *nout = i + 1;
        const char *at = cJSON_IsObject(n) ? path : scn__pindex(p, path, i);
        TRY(scn__parse_expect(s, &x[i], c, at, err));
        if (check_metric)
            TRY(scn__check_expect_metric(&x[i], at, err));
    }
    return 0;
}

static const char *const F_SWEEP[]
    = { "vary", "seeds", "pattern", "slo", "minimize", "confidence", "expect" };
static const char *const CONFIDENCE[] = { "bound", "mean" };

int scn__parse_sweep(scn_scenario *s, const cJSON *n, const cJSON *root, sim_err *err)
{
    char         p[PATH_N], w[PATH_N];
    const cJSON *v;
    const char  *str;
    TRY(scn__check_fields(n, "sweep", F_SWEEP, N_OF(F_SWEEP), err));
    scn_sweep *sw = s->sweep = sim_calloc(1, sizeof *sw);
    if (!sw)
        return scn__no_memory(err);
    sw->seeds = 1;
    sw->minimize_dim = -1;
    if (!(v = scn__field(n, "vary")))
        return scn__missing("sweep", "vary", err);
    if (!cJSON_IsObject(v))
        return sim_err_set(err, SIM_EINVAL, "sweep.vary",
                           "expected an object of PATH: VALUES, "
                           "got %s",
                           scn__found(v, p));
    for (const cJSON *c = v->child; c; c = c->next) {
        scn_vary *d = NULL;
        scn__pjoin(w, "sweep.vary", c->string);
        TRY(new_dim(sw, c->string, w, &d, err));
        TRY(scn__parse_value_node(d, c, w, err));
    }
    uint64_t u;
    if ((v = scn__field(n, "seeds"))) {
        TRY(scn__get_uint(v, "sweep.seeds", 1, SCN_SWEEP_MAX_SEEDS, &u, err));
        sw->seeds = (uint32_t)u;
    }
    if ((v = scn__field(n, "pattern"))) {
        TRY(scn__get_str(v, "sweep.pattern", true, &str, err));
        TRY(scn__dup_str(str, &sw->pattern, err));
    }
    if ((v = scn__field(n, "slo")))
        TRY(parse_expects(s, v, "sweep.slo", true, &sw->slo, &sw->nslo, err));
    if ((v = scn__field(n, "minimize"))) {
        TRY(scn__get_str(v, "sweep.minimize", true, &str, err));
        TRY(scn__dup_str(str, &sw->minimize, err));
    }
    if ((v = scn__field(n, "confidence"))) {
        int k = 0;
        TRY(scn__get_choice(v, "sweep.confidence", CONFIDENCE, N_OF(CONFIDENCE),
                            "\"bound\" or \"mean\"", &k, err));
        sw->confidence = (scn_confidence)k;
    }
    if ((v = scn__field(n, "expect"))) {
        TRY(parse_expects(s, v, "sweep.expect", false, &sw->expects, &sw->nexpects, err));
        for (size_t i = 0; i < sw->nexpects; i++)
            if (strcmp(sw->expects[i].metric, "min_found") != 0)
                return sim_err_set(err, SIM_EINVAL, scn__pindex(p, "sweep.expect", i),
                                   "expected the metric \"min_found\" (what --minimize "
                                   "found), got \"%s\"",
                                   sw->expects[i].metric);
        if (sw->nexpects && !sw->minimize)
            return sim_err_set(err, SIM_EINVAL, "sweep.expect",
                               "expectations on min_found "
                               "need \"minimize\"");
    }
    return check_sweep(s, sw, root, "sweep", "sweep.minimize", false, err);
}

int scn_sweep_override(scn_scenario *s, const scn_sweep_args *a, sim_err *err)
{
    char   w[PATH_N];
    cJSON *root = NULL, *slo = NULL;
    int    rc = 0;
    if (!s->sweep) {
        if (!(s->sweep = sim_calloc(1, sizeof *s->sweep)))
            return scn__no_memory(err);
        s->sweep->seeds = 1;
    }
    scn_sweep *sw = s->sweep;
    if (a->nvary > 0) {
        for (size_t d = 0; d < sw->ndims; d++)
            vary_fini(&sw->dims[d]);
        sw->ndims = 0;
    }
    for (size_t i = 0; i < a->nvary; i++) {
        snprintf(w, sizeof w, "--vary %s", a->vary[i]);
        const char *eq = strchr(a->vary[i], '=');
        if (!eq || eq == a->vary[i])
            return sim_err_set(err, SIM_EINVAL, w, "expected PATH=VALUES");
        char path[PATH_N];
        snprintf(path, sizeof path, "%.*s", (int)(eq - a->vary[i]), a->vary[i]);
        scn_vary *d = NULL;
        TRY(new_dim(sw, path, w, &d, err));
        TRY(scn__parse_values(d, eq + 1, w, err));
    }
    if (a->seeds)
        sw->seeds = a->seeds;
    if (a->pattern) {
        sim_free(sw->pattern);
        TRY(scn__dup_str(a->pattern, &sw->pattern, err));
    }
    if (a->minimize) {
        sim_free(sw->minimize);
        TRY(scn__dup_str(a->minimize, &sw->minimize, err));
    }
    if (a->confidence) {
        if (strcmp(a->confidence, "bound") != 0 && strcmp(a->confidence, "mean") != 0)
            return sim_err_set(err, SIM_EINVAL, "--confidence",
                               "expected bound or mean, got "
                               "\"%s\"",
                               a->confidence);
        sw->confidence = a->confidence[0] == 'm' ? SCN_CONF_MEAN : SCN_CONF_BOUND;
    }
    if (a->nslo > 0) {
        expects_free(sw->slo, sw->nslo);
        sw->slo = NULL;
        sw->nslo = 0;
    }
    for (size_t i = 0; i < a->nslo && rc == 0; i++) {
        snprintf(w, sizeof w, "--slo %s", a->slo[i]);
        scn_expect *x = NULL;
        size_t      nx = 0;
        rc = scn__json_parse(a->slo[i], strlen(a->slo[i]), &slo, err);
        if (rc == 0)
            rc = parse_expects(s, slo, w, true, &x, &nx, err);
        if (rc == SIM_EINVAL && err && !strstr(err->path, "--slo"))
            sim_err_prefix_path(err, w);
        cJSON_Delete(slo);
        slo = NULL;
        scn_expect *all = rc == 0 ? sim_realloc(sw->slo, (sw->nslo + nx) * sizeof *all) : NULL;
        if (rc == 0 && !all)
            rc = scn__no_memory(err);
        if (rc == 0) {
            memcpy(all + sw->nslo, x, nx * sizeof *x);
            sw->slo = all;
            sw->nslo += nx;
            sim_free(x);
        } else {
            expects_free(x, nx);
        }
    }
    TRY(rc);
    if ((rc = scn__json_parse(s->text, s->text_len, &root, err)) < 0)
        return rc;
    rc = check_sweep(s, sw, root, "sweep", a->minimize ? "--minimize" : "sweep.minimize", true,
                     err);
    cJSON_Delete(root);
    return rc;
}

size_t scn_sweep_npoints(const scn_sweep *sw)
{
    size_t n = 1;
    for (size_t d = 0; d < sw->ndims; d++)
        n *= sw->dims[d].nvalues;
    return n;
}

void scn_sweep_coords(const scn_sweep *sw, size_t p, size_t *idx)
{
    for (size_t d = sw->ndims; d-- > 0;) {
        idx[d] = p % sw->dims[d].nvalues;
        p /= sw->dims[d].nvalues;
    }
}

size_t scn_sweep_point_at(const scn_sweep *sw, const size_t *idx)
{
    size_t p = 0;
    for (size_t d = 0; d < sw->ndims; d++)
        p = p * sw->dims[d].nvalues + idx[d];
    return p;
}

/* "regions[*].servers=8 faults[0].region=us-east-1" into buf. */
static void describe_point(const scn_sweep *sw, const size_t *idx, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t d = 0; d < sw->ndims && len + 1 < n; d++) {
        int k = snprintf(buf + len, n - len, "%s%s=%s", d ? " " : "", sw->dims[d].path,
                         sw->dims[d].values[idx[d]].label);
        len += k > 0 ? (size_t)k : 0;
    }
}

int scn_sweep_point(const scn_scenario *base, size_t p, scn_scenario **out, sim_err *err)
{
    const scn_sweep *sw = base->sweep;
    size_t           idx[SCN_SWEEP_MAX_DIMS];
    cJSON           *root = NULL;
    char            *text = NULL;
    *out = NULL;
    scn_sweep_coords(sw, p, idx);
    int rc = scn__json_parse(base->text, base->text_len, &root, err);
    if (rc == 0)
        rc = point_text(root, sw, idx, &text, err);
    cJSON_Delete(root);
    if (rc == 0)
        rc = load_point(base->file, text, sw, p, idx, out, err);
    cJSON_free(text);
    if (err && rc < 0)
        snprintf(err->file, sizeof err->file, "%s", base->file);
    return rc;
}

char *scn_sweep_canonical(const scn_scenario *base)
{
    const scn_sweep *sw = base->sweep;
    /* The document without its "sweep" section, printed by cJSON: objectives, the search
     * and the file's layout do not change the runs, so they do not change the hash (a
     * tightened SLO reuses the stored runs). */
    cJSON *root = NULL;
    if (scn__json_parse(base->text, base->text_len, &root, NULL) < 0)
        return NULL;
    cJSON_DeleteItemFromObjectCaseSensitive(root, "sweep");
    char *doc = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!doc)
        return NULL;
    size_t cap = strlen(doc) + 256, len = 0;
    for (size_t d = 0; d < sw->ndims; d++) {
        cap += strlen(sw->dims[d].path) + 8;
        for (size_t i = 0; i < sw->dims[d].nvalues; i++)
            cap += strlen(sw->dims[d].values[i].label) + 4;
    }
    char *buf = sim_malloc(cap);
    if (!buf) {
        cJSON_free(doc);
        return NULL;
    }
    /* The values' labels and kinds decide what each point writes, so they are the spec. */
    len += (size_t)snprintf(buf + len, cap - len,
                            "mrsim sweep v1\nseed %llu\nseeds %u\n"
                            "pattern %s\n",
                            (unsigned long long)base->seed, sw->seeds,
                            sw->pattern ? sw->pattern : "");
    for (size_t d = 0; d < sw->ndims; d++) {
        len += (size_t)snprintf(buf + len, cap - len, "vary %s", sw->dims[d].path);
        for (size_t i = 0; i < sw->dims[d].nvalues; i++)
            len += (size_t)snprintf(buf + len, cap - len, " %d:%s", (int)sw->dims[d].values[i].kind,
                                    sw->dims[d].values[i].label);
        len += (size_t)snprintf(buf + len, cap - len, "\n");
    }
    snprintf(buf + len, cap - len, "%s", doc);
    cJSON_free(doc);
    return buf;
}
