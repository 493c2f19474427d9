/* scn-vary-values.c - the values of a sweep's dimension (scn-vary.h), from the command line's
 * text or the scenario's "sweep.vary" entries.
 *
 * A list "a,b,c" gives numbers where an item reads as one, durations (kept as the string the
 * file would hold, numeric for ordering and plots), true/false, otherwise strings; a range
 * "A..B:S" gives A, A+S, ... up to B, over integers (S defaults to 1), reals or durations
 * (S required). Real ranges stop at B within 1e-9 of a step, so 0..1:0.1 has 11 values
 * despite rounding; duration ranges are exact (integer nanoseconds). */
#include "scn-vary.h"
#include "scn-int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scn__value_fini(scn_value *v)
{
    sim_free(v->str);
    sim_free(v->label);
}

static int add_value(scn_vary *d, scn_value v, const char *where, sim_err *err)
{
    if (d->nvalues == SCN_SWEEP_MAX_VALUES) {
        scn__value_fini(&v);
        return sim_err_set(err, SIM_EINVAL, where, "expected at most %d values",
                           SCN_SWEEP_MAX_VALUES);
    }
    scn_value *p = sim_realloc(d->values, (d->nvalues + 1) * sizeof *p);
    if (!p || !v.label || (v.kind == SCN_VALUE_STR && !v.str)) {
        if (p)
            d->values = p;
        scn__value_fini(&v);
        return scn__no_memory(err);
    }
    d->values = p;
    d->values[d->nvalues++] = v;
    return 0;
}

/* A whole-string strtod: "8", "2.5", "-1e3"; not "", "8x", "inf", "nan". */
static bool read_num(const char *t, double *out)
{
    if (!*t)
        return false;
    char  *end = NULL;
    double v = strtod(t, &end);
    if (*end || !isfinite(v))
        return false;
    /* strtod takes hex and leading blanks; a sweep value is decimal. */
    if (strchr(t, 'x') || strchr(t, 'X') || t[0] == ' ' || t[0] == '\t')
        return false;
    *out = v;
    return true;
}

static scn_value num_value(double v)
{
    char b[40];
    scn__fmt_num(v, b, sizeof b);
    return (scn_value){
        .kind = SCN_VALUE_NUM, .num = v, .label = sim_strdup(b), .numeric = true, .x = v
    };
}

static scn_value dur_value(sim_time t)
{
    char b[40];
    sim_time_format(t, b, sizeof b);
    return (scn_value){ .kind = SCN_VALUE_STR,
                        .str = sim_strdup(b),
                        .label = sim_strdup(b),
                        .numeric = true,
                        .x = sim_time_s(t) };
}

/* One item of a list, or one string of a JSON array. */
static scn_value item_value(const char *t)
{
    double   v;
    sim_time d;
    if (read_num(t, &v))
        return num_value(v);
    if (sim_time_parse(t, &d) == 0) {
        scn_value x = { .kind = SCN_VALUE_STR,
                        .str = sim_strdup(t),
                        .label = sim_strdup(t),
                        .numeric = true,
                        .x = sim_time_s(d) };
        return x;
    }
    if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)
        return (scn_value){ .kind = SCN_VALUE_BOOL,
                            .num = t[0] == 't',
                            .label = sim_strdup(t),
                            .numeric = true,
                            .x = t[0] == 't' };
    return (scn_value){ .kind = SCN_VALUE_STR, .str = sim_strdup(t), .label = sim_strdup(t) };
}

static int parse_range(scn_vary *d, const char *text, const char *where, sim_err *err)
{
    char        a[64], b[64], s[64] = "";
    const char *dots = strstr(text, "..");
    const char *colon = strchr(dots + 2, ':');
    size_t      la = (size_t)(dots - text);
    size_t      lb = colon ? (size_t)(colon - dots - 2) : strlen(dots + 2);
    if (la == 0 || lb == 0 || la >= sizeof a || lb >= sizeof b
        || (colon && strlen(colon + 1) >= sizeof s))
        goto bad;
    memcpy(a, text, la), a[la] = '\0';
    memcpy(b, dots + 2, lb), b[lb] = '\0';
    if (colon)
        snprintf(s, sizeof s, "%s", colon + 1);
    double   x0, x1, st = 1;
    sim_time t0, t1, ts;
    if (read_num(a, &x0) && read_num(b, &x1) && (!colon || read_num(s, &st))) {
        if (!(st > 0) || x1 < x0)
            return sim_err_set(err, SIM_EINVAL, where,
                               "expected a range A..B:STEP with A <= B "
                               "and STEP > 0, got \"%s\"",
                               text);
        bool ints = x0 == floor(x0) && x1 == floor(x1) && st == floor(st) && fabs(x0) < 9e15
            && fabs(x1) < 9e15;
        if (!ints && !colon)
            return sim_err_set(err, SIM_EINVAL, where,
                               "a range of non-integers needs a step "
                               "(A..B:STEP), got \"%s\"",
                               text);
        double n = floor((x1 - x0) / st + 1e-9) + 1;
        if (n > SCN_SWEEP_MAX_VALUES)
            return sim_err_set(err, SIM_EINVAL, where, "expected at most %d values, got %.0f",
                               SCN_SWEEP_MAX_VALUES, n);
        for (size_t i = 0; i < (size_t)n; i++)
            TRY(add_value(d, num_value(x0 + (double)i * st), where, err));
        return 0;
    }
    if (sim_time_parse(a, &t0) == 0 && sim_time_parse(b, &t1) == 0 && colon
        && sim_time_parse(s, &ts) == 0) {
        if (ts <= 0 || t1 < t0)
            return sim_err_set(err, SIM_EINVAL, where,
                               "expected a range A..B:STEP with A <= B "
                               "and STEP > 0, got \"%s\"",
                               text);
        sim_time n = (t1 - t0) / ts + 1;
        if (n > SCN_SWEEP_MAX_VALUES)
            return sim_err_set(err, SIM_EINVAL, where, "expected at most %d values, got %lld",
                               SCN_SWEEP_MAX_VALUES, (long long)n);
        for (sim_time i = 0; i < n; i++)
            TRY(add_value(d, dur_value(t0 + i * ts), where, err));
        return 0;
    }
bad:
    return sim_err_set(err, SIM_EINVAL, where,
                       "expected a range A..B:STEP of numbers or of "
                       "durations (\"8..64:8\", \"10ms..100ms:10ms\"), got \"%s\"",
                       text);
}

/* Values from text: a range or a comma-separated list. */
int scn__parse_values(scn_vary *d, const char *text, const char *where, sim_err *err)
{
    if (!*text)
        return sim_err_set(err, SIM_EINVAL, where, "expected values after '=', got nothing");
    if (strstr(text, ".."))
        return parse_range(d, text, where, err);
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t      len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            return sim_err_set(err, SIM_EINVAL, where, "empty value in the list \"%s\"", text);
        char *item = sim_malloc(len + 1);
        if (!item)
            return scn__no_memory(err);
        memcpy(item, p, len), item[len] = '\0';
        int rc = add_value(d, item_value(item), where, err);
        sim_free(item);
        TRY(rc);
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* Values from a JSON node: a string (as on the command line) or an array of scalars. */
int scn__parse_value_node(scn_vary *d, const cJSON *n, const char *where, sim_err *err)
{
    char b[FOUND_N], p[PATH_N];
    if (cJSON_IsString(n))
        return scn__parse_values(d, n->valuestring, where, err);
    if (!cJSON_IsArray(n) || !n->child)
        return sim_err_set(err, SIM_EINVAL, where,
                           "expected a string such as \"8..64:8\" or a "
                           "non-empty array of values, got %s",
                           scn__found(n, b));
    size_t i = 0;
    for (const cJSON *c = n->child; c; c = c->next, i++) {
        if (cJSON_IsString(c))
            TRY(add_value(d, item_value(c->valuestring), where, err));
        else if (cJSON_IsNumber(c) && isfinite(c->valuedouble))
            TRY(add_value(d, num_value(c->valuedouble), where, err));
        else if (cJSON_IsBool(c))
            TRY(add_value(d, item_value(cJSON_IsTrue(c) ? "true" : "false"), where, err));
        else
            return sim_err_set(err, SIM_EINVAL, scn__pindex(p, where, i),
                               "expected a number, "
                               "a string or true/false, got %s",
                               scn__found(c, b));
    }
    return 0;
}
