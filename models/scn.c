/* scn.c - the scenario loader: JSON text in, checked plain records (scn.h) out.
 *
 * How: the text is first scanned once by hand for what cJSON would either crash on or
 * silently mangle (NUL bytes, "\u0000" escapes that would cut a string short, nesting
 * deeper than SCN_MAX_DEPTH), then parsed by cJSON with its allocations routed through
 * sim_malloc, then walked once, object by object. Every object is first checked against the
 * list of fields it may have (unknown fields and duplicate keys are errors: cJSON keeps both
 * copies of a duplicated key and a lookup would silently take the first), then each field is
 * read with a typed getter that checks type, range and units and writes the error message.
 * The walk writes straight into the calloc'ed scenario, so on any failure scn_free() of the
 * half-built scenario frees exactly what was set; there is one cleanup path.
 *
 * Order of checks: the top-level object's field names first, then fields in dependency
 * order (regions before anything that names a region, patterns before the expectations
 * that name them), so that an error about a client never hides a broken region it refers
 * to. The first error wins; we do not collect several, because later errors are often
 * consequences of the first.
 *
 * Messages follow STYLE.md section 4: what was expected, then what was found ("got -3",
 * "got string \"3\"", "got an object"). Distribution parameters are checked by dist_check()
 * (sim/dist.c) whose err->path ("sigma") we prefix with the JSON path; constraints between
 * time-valued parameters (uniform max >= min, ascending empirical values, positive means)
 * are checked here first so that the message shows durations as the file wrote them, not
 * nanoseconds as dist_check() sees them.
 *
 * cJSON reports an allocation failure exactly like a syntax error (NULL), so the allocation
 * hook records failures in a flag that turns the result into SIM_ENOMEM. The hook is set
 * before every parse: cJSON_InitHooks() is process-global, and this file is its only user.
 *
 * Rejected alternative: a declarative table of (field, type, offset, range) driving one
 * generic reader. It handles the simple fields in fewer lines, but half the fields have a
 * rule of their own (either-or forms, names resolved against regions, fields that depend on
 * a "kind"), and a table with escape hatches is harder to read than plain code. */
#include "scn.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "rtt_measured.h"

#define PATH_N  256                   /* as sim_err.path: longer paths are truncated */
#define FOUND_N 96                    /* "got ..." descriptions */
#define SEED_MAX 9007199254740992.0   /* 2^53: every integer up to here is exact in a double */
#define STR_(x) #x
#define STR(x) STR_(x)
#define SCN_MAX_DEPTH_TEXT STR(SCN_MAX_DEPTH)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Propagate a failure (SIM_EINVAL or SIM_ENOMEM; err is already filled in). */
#define TRY(call)                     \
    do {                              \
        int try_rc_ = (call);         \
        if (try_rc_ < 0)              \
            return try_rc_;           \
    } while (0)

static const char TIME_DISTS[] =
    "constant, uniform, exponential, normal, lognormal, gamma, weibull, pareto, empirical";

/* ---- describing what was found ---- */

/* v in the shortest of %.15g..%.17g that reads back as v ("2.5", "-3", "1e+300"). */
static const char *fmt_num(double v, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (!isfinite(v) || strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* A string as quoted in a message: at most 48 bytes, control characters shown as '?', so a
 * message stays on one line whatever the file holds. */
static const char *clip(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s), keep = len > 48 ? 45 : len, o = 0;
    for (size_t i = 0; i < keep && o + 1 < n; i++)
        buf[o++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    buf[o] = '\0';
    if (keep < len && o + 4 < n)
        memcpy(buf + o, "...", 4);
    return buf;
}

/* What a node is, for "got ...": numbers bare when a number was expected ("got -3"),
 * otherwise with their type ("got number 5", "got string \"3\""). */
static const char *found_as(const cJSON *n, bool numeric, char *buf, size_t len)
{
    char tmp[64];
    if (!n)
        snprintf(buf, len, "nothing");
    else if (cJSON_IsNumber(n) && !isfinite(n->valuedouble))
        snprintf(buf, len, "a number too large for a double");   /* cJSON read 1e400 as inf */
    else if (cJSON_IsNumber(n))
        snprintf(buf, len, "%s%s", numeric ? "" : "number ", fmt_num(n->valuedouble, tmp,
                                                                      sizeof tmp));
    else if (cJSON_IsString(n))
        snprintf(buf, len, "string \"%s\"", clip(n->valuestring, tmp, sizeof tmp));
    else if (cJSON_IsTrue(n))
        snprintf(buf, len, "true");
    else if (cJSON_IsFalse(n))
        snprintf(buf, len, "false");
    else if (cJSON_IsNull(n))
        snprintf(buf, len, "null");
    else if (cJSON_IsArray(n))
        snprintf(buf, len, "an array");
    else if (cJSON_IsObject(n))
        snprintf(buf, len, "an object");
    else
        snprintf(buf, len, "an invalid value");
    return buf;
}

static const char *found(const cJSON *n, char *buf)
{
    return found_as(n, false, buf, FOUND_N);
}

static const char *found_num(const cJSON *n, char *buf)
{
    return found_as(n, true, buf, FOUND_N);
}

/* ---- paths ---- */

/* Paths are cut at PATH_N - 1 bytes; vsnprintf because GCC's truncation warning for
 * snprintf cannot know that a cut path is fine. */
static const char *path_fmt(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *path_fmt(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, PATH_N, fmt, ap);
    va_end(ap);
    return buf;
}

static const char *pjoin(char *buf, const char *parent, const char *key)
{
    if (!parent || !*parent)
        return path_fmt(buf, "%s", key);
    return path_fmt(buf, "%s.%s", parent, key);
}

static const char *pindex(char *buf, const char *parent, size_t i)
{
    return path_fmt(buf, "%s[%zu]", parent, i);
}

/* ---- objects and their fields ---- */

static const cJSON *field(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static size_t count_children(const cJSON *n)
{
    size_t k = 0;
    for (const cJSON *c = n->child; c; c = c->next)
        k++;
    return k;
}

/* Levenshtein distance for short strings, SIZE_MAX when either is too long to bother. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return SIZE_MAX;
    size_t row[33];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* "unknown field" with the closest known name, or the list of known names. */
static int unknown_field(const char *path, const char *key, const char *const *known,
                         size_t nknown, sim_err *err)
{
    char k[64], list[256];
    size_t best = SIZE_MAX, at = 0;
    for (size_t i = 0; i < nknown; i++) {
        size_t d = edit_distance(key, known[i]);
        if (d < best) {
            best = d;
            at = i;
        }
    }
    if (best <= 2 && best < strlen(known[at]))
        return sim_err_set(err, SIM_EINVAL, path, "unknown field \"%s\" (did you mean \"%s\"?)",
                           clip(key, k, sizeof k), known[at]);
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < nknown && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", known[i]);
    return sim_err_set(err, SIM_EINVAL, path, "unknown field \"%s\"; expected one of: %s",
                       clip(key, k, sizeof k), list);
}

/* obj must be an object whose keys are all in known[], each at most once (nknown <= 64). */
static int check_fields(const cJSON *obj, const char *path, const char *const *known,
                        size_t nknown, sim_err *err)
{
    char b[FOUND_N], k[64];
    if (!cJSON_IsObject(obj))
        return sim_err_set(err, SIM_EINVAL, path, "expected an object, got %s", found(obj, b));
    uint64_t seen = 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        size_t i = 0;
        while (i < nknown && strcmp(c->string, known[i]) != 0)
            i++;
        if (i == nknown)
            return unknown_field(path, c->string, known, nknown, err);
        if (seen & (UINT64_C(1) << i))
            return sim_err_set(err, SIM_EINVAL, path, "duplicate field \"%s\"",
                               clip(c->string, k, sizeof k));
        seen |= UINT64_C(1) << i;
    }
    return 0;
}

static int missing(const char *path, const char *key, sim_err *err)
{
    return sim_err_set(err, SIM_EINVAL, path, "missing required field \"%s\"", key);
}

static int no_memory(sim_err *err)
{
    return sim_err_set(err, SIM_ENOMEM, "", "out of memory");
}

/* ---- typed getters: each checks its node and writes the message on failure ---- */

/* An integer in [lo, hi] (hi <= 2^53, so the double holds it exactly). */
static int get_uint(const cJSON *n, const char *path, uint64_t lo, uint64_t hi, uint64_t *out,
                    sim_err *err)
{
    char b[FOUND_N];
    const char *what = lo == 0 ? "a non-negative integer"
                     : lo == 1 ? "a positive integer" : "an integer";
    if (!cJSON_IsNumber(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", what, found_num(n, b));
    double v = n->valuedouble;
    if (!isfinite(v) || v != floor(v) || (v < (double)lo && lo <= 1))
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", what, found_num(n, b));
    if (v < (double)lo || v > (double)hi)
        return sim_err_set(err, SIM_EINVAL, path, "expected an integer from %llu to %llu, got %s",
                           (unsigned long long)lo, (unsigned long long)hi, found_num(n, b));
    *out = (uint64_t)v;
    return 0;
}

/* A finite number in the range lo..hi, each end open or closed; 'what' says it in words. */
static int get_num(const cJSON *n, const char *path, double lo, bool lo_open, double hi,
                   bool hi_open, const char *what, double *out, sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsNumber(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", what, found_num(n, b));
    double v = n->valuedouble;
    bool ok = isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok)
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", what, found_num(n, b));
    *out = v;
    return 0;
}

static int get_any_num(const cJSON *n, const char *path, double *out, sim_err *err)
{
    return get_num(n, path, -INFINITY, false, INFINITY, false, "a number", out, err);
}

/* A duration string; with allow_neg a leading '-' is accepted (clock offsets only). */
static int get_dur(const cJSON *n, const char *path, bool allow_neg, sim_time *out,
                   sim_err *err)
{
    char b[FOUND_N], s[64];
    const char *example = allow_neg ? "\"-50ms\"" : "\"250ms\"";
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected a duration such as %s, got %s",
                           example, found(n, b));
    const char *text = n->valuestring;
    bool neg = text[0] == '-';
    if (neg && !allow_neg)
        return sim_err_set(err, SIM_EINVAL, path, "expected a non-negative duration, got \"%s\"",
                           clip(text, s, sizeof s));
    sim_time t;
    int rc = sim_time_parse(neg ? text + 1 : text, &t);
    if (rc == SIM_ERANGE)
        return sim_err_set(err, SIM_EINVAL, path,
                           "duration \"%s\" is too long (at most about 292 years)",
                           clip(text, s, sizeof s));
    if (rc < 0)
        return sim_err_set(err, SIM_EINVAL, path, "expected a duration such as %s, got \"%s\"",
                           example, clip(text, s, sizeof s));
    *out = neg ? -t : t;
    return 0;
}

static int get_pos_dur(const cJSON *n, const char *path, sim_time *out, sim_err *err)
{
    char s[64];
    int rc = get_dur(n, path, false, out, err);
    if (rc < 0)
        return rc;
    if (*out <= 0)
        return sim_err_set(err, SIM_EINVAL, path, "expected a positive duration, got \"%s\"",
                           clip(n->valuestring, s, sizeof s));
    return 0;
}

static int get_str(const cJSON *n, const char *path, bool nonempty, const char **out,
                   sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected a %sstring, got %s",
                           nonempty ? "non-empty " : "", found(n, b));
    if (nonempty && n->valuestring[0] == '\0')
        return sim_err_set(err, SIM_EINVAL, path, "expected a non-empty string, got \"\"");
    *out = n->valuestring;
    return 0;
}

static int dup_str(const char *text, char **out, sim_err *err)
{
    *out = sim_strdup(text);
    return *out ? 0 : no_memory(err);
}

static int get_bool(const cJSON *n, const char *path, bool *out, sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsBool(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected true or false, got %s", found(n, b));
    *out = cJSON_IsTrue(n);
    return 0;
}

/* A string that is one of names[0 .. count-1]; its index goes to *out. 'list' is how the
 * message spells the choices ("\"lww\" or \"merge\""). */
static int get_choice(const cJSON *n, const char *path, const char *const *names, size_t count,
                      const char *list, int *out, sim_err *err)
{
    char b[FOUND_N], k[64];
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", list, found(n, b));
    for (size_t i = 0; i < count; i++) {
        if (strcmp(n->valuestring, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    return sim_err_set(err, SIM_EINVAL, path, "expected %s, got \"%s\"", list,
                       clip(n->valuestring, k, sizeof k));
}

/* An array of lo..hi elements (lo is 0 or 1); 'one' and 'many' name what it holds. */
static int get_array(const cJSON *n, const char *path, const char *one, const char *many,
                     size_t lo, size_t hi, size_t *count, sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsArray(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected an array of %s, got %s", many,
                           found(n, b));
    size_t k = count_children(n);
    if (k < lo)
        return sim_err_set(err, SIM_EINVAL, path, "expected at least one %s, got an empty array",
                           one);
    if (k > hi)
        return sim_err_set(err, SIM_EINVAL, path, "expected at most %zu %s, got %zu", hi, many, k);
    *count = k;
    return 0;
}

/* [latitude, longitude] in degrees. */
static int get_latlon(const cJSON *n, const char *path, double *lat, double *lon, sim_err *err)
{
    char b[FOUND_N], p[PATH_N];
    if (!cJSON_IsArray(n) || count_children(n) != 2) {
        if (cJSON_IsArray(n))
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected [latitude, longitude], got an array of %zu",
                               count_children(n));
        return sim_err_set(err, SIM_EINVAL, path, "expected [latitude, longitude], got %s",
                           found(n, b));
    }
    if (get_num(n->child, pindex(p, path, 0), -90, false, 90, false, "a latitude in [-90, 90]",
                lat, err) < 0)
        return SIM_EINVAL;
    return get_num(n->child->next, pindex(p, path, 1), -180, false, 180, false,
                   "a longitude in [-180, 180]", lon, err);
}

/* ---- region names ---- */

static void known_regions(const scn_scenario *s, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->nregions && s->regions[i].name && o < n; i++) {
        if (o + strlen(s->regions[i].name) + 8 >= n) {
            snprintf(buf + o, n - o, ", ...");
            return;
        }
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", s->regions[i].name);
    }
}

static int unknown_region(const scn_scenario *s, const char *path, const char *name,
                          sim_err *err)
{
    char k[64], list[300];
    known_regions(s, list, sizeof list);
    return sim_err_set(err, SIM_EINVAL, path, "unknown region \"%s\"; known regions: %s",
                       clip(name, k, sizeof k), list);
}

static int get_region(const scn_scenario *s, const cJSON *n, const char *path, uint32_t *out,
                      sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected a region name, got %s", found(n, b));
    int i = scn_region_index(s, n->valuestring);
    if (i < 0)
        return unknown_region(s, path, n->valuestring, err);
    *out = (uint32_t)i;
    return 0;
}

/* ---- distributions ---- */

static const char *const F_CONSTANT[] = {"dist", "value"};
static const char *const F_UNIFORM[] = {"dist", "min", "max"};
static const char *const F_EXPONENTIAL[] = {"dist", "mean"};
static const char *const F_NORMAL[] = {"dist", "mean", "sd"};
static const char *const F_LOGNORMAL[] = {"dist", "median", "sigma", "mean", "sd"};
static const char *const F_SHAPED[] = {"dist", "shape", "scale"};
static const char *const F_EMPIRICAL[] = {"dist", "points"};

/* A required duration parameter, in ns as a double; 'positive' rejects zero. */
static int time_param(const cJSON *obj, const char *path, const char *key, bool positive,
                      double *out, sim_err *err)
{
    char p[PATH_N];
    const cJSON *n = field(obj, key);
    if (!n)
        return missing(path, key, err);
    sim_time t;
    int rc = positive ? get_pos_dur(n, pjoin(p, path, key), &t, err)
                      : get_dur(n, pjoin(p, path, key), false, &t, err);
    if (rc < 0)
        return rc;
    *out = (double)t;
    return 0;
}

/* A required plain-number parameter; its range is dist_check()'s business. */
static int num_param(const cJSON *obj, const char *path, const char *key, double *out,
                     sim_err *err)
{
    char p[PATH_N];
    const cJSON *n = field(obj, key);
    if (!n)
        return missing(path, key, err);
    return get_any_num(n, pjoin(p, path, key), out, err);
}

/* Empirical points: [["1ms", 0], ["5ms", 0.5], ...]. The one block for xs and ps is stored in
 * d at once, so that whoever owns d frees it even when a later point is bad. */
static int empirical_points(const cJSON *obj, const char *path, dist_spec *d, sim_err *err)
{
    char p[PATH_N], pp[PATH_N], pq[PATH_N], b[FOUND_N], s1[64], s2[64];
    const cJSON *pts = field(obj, "points");
    if (!pts)
        return missing(path, "points", err);
    pjoin(p, path, "points");
    size_t n;
    TRY(get_array(pts, p, "point", "[duration, probability] points", 0, SIZE_MAX, &n, err));
    if (n < 2)
        return sim_err_set(err, SIM_EINVAL, p, "expected at least 2 points, got %zu", n);
    double *block = sim_calloc(2 * n, sizeof *block);
    if (!block)
        return no_memory(err);
    d->xs = block;
    d->ps = block + n;
    d->npoints = n;
    size_t i = 0;
    const cJSON *prev_x = NULL;
    for (const cJSON *pt = pts->child; pt; pt = pt->next, i++) {
        pindex(pp, p, i);
        if (!cJSON_IsArray(pt) || count_children(pt) != 2)
            return sim_err_set(err, SIM_EINVAL, pp,
                               "expected a [duration, probability] pair, got %s",
                               cJSON_IsArray(pt) ? "an array of another length" : found(pt, b));
        sim_time x;
        if (get_dur(pt->child, pindex(pq, pp, 0), false, &x, err) < 0)
            return SIM_EINVAL;
        if (i > 0 && !((double)x > block[i - 1]))
            return sim_err_set(err, SIM_EINVAL, pq,
                               "expected durations in ascending order, got \"%s\" after \"%s\"",
                               clip(pt->child->valuestring, s1, sizeof s1),
                               clip(prev_x->valuestring, s2, sizeof s2));
        block[i] = (double)x;
        prev_x = pt->child;
        if (get_num(pt->child->next, pindex(pq, pp, 1), 0, false, 1, false,
                    "a cumulative probability in [0, 1]", &block[n + i], err) < 0)
            return SIM_EINVAL;
    }
    return 0;
}

/* A distribution of times: {"dist": NAME, params...}, durations in ns. */
static int parse_time_dist(const cJSON *n, const char *path, dist_spec *d, sim_err *err)
{
    char b[FOUND_N], p[PATH_N], k[64], s1[64], s2[64];
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected a distribution such as {\"dist\": \"exponential\", "
                           "\"mean\": \"1ms\"}, got %s", found(n, b));
    const cJSON *kn = field(n, "dist");
    if (!kn)
        return missing(path, "dist", err);
    pjoin(p, path, "dist");
    if (!cJSON_IsString(kn))
        return sim_err_set(err, SIM_EINVAL, p, "expected a distribution name (one of %s), got %s",
                           TIME_DISTS, found(kn, b));
    dist_kind kind = dist_kind_from_name(kn->valuestring);
    if (kind == DIST_BERNOULLI || kind == DIST_ZIPF)
        return sim_err_set(err, SIM_EINVAL, p,
                           "\"%s\" is not a distribution of times; expected one of %s",
                           kn->valuestring, TIME_DISTS);
    if (kind == DIST_KIND_COUNT)
        return sim_err_set(err, SIM_EINVAL, p, "unknown distribution \"%s\"; expected one of %s",
                           clip(kn->valuestring, k, sizeof k), TIME_DISTS);

    const char *const *known = NULL;
    size_t nknown = 0;
    switch (kind) {
    case DIST_CONSTANT:    known = F_CONSTANT;    nknown = N_OF(F_CONSTANT);    break;
    case DIST_UNIFORM:     known = F_UNIFORM;     nknown = N_OF(F_UNIFORM);     break;
    case DIST_EXPONENTIAL: known = F_EXPONENTIAL; nknown = N_OF(F_EXPONENTIAL); break;
    case DIST_NORMAL:      known = F_NORMAL;      nknown = N_OF(F_NORMAL);      break;
    case DIST_LOGNORMAL:   known = F_LOGNORMAL;   nknown = N_OF(F_LOGNORMAL);   break;
    case DIST_GAMMA:
    case DIST_WEIBULL:
    case DIST_PARETO:      known = F_SHAPED;      nknown = N_OF(F_SHAPED);      break;
    case DIST_EMPIRICAL:   known = F_EMPIRICAL;   nknown = N_OF(F_EMPIRICAL);   break;
    default:
        sim_panic("scn: time distribution kind %d has no field list", (int)kind);
    }
    if (check_fields(n, path, known, nknown, err) < 0)
        return SIM_EINVAL;

    memset(d, 0, sizeof *d);
    d->kind = kind;
    int rc = 0;
    switch (kind) {
    case DIST_CONSTANT:
        rc = time_param(n, path, "value", false, &d->value, err);
        break;
    case DIST_UNIFORM:
        rc = time_param(n, path, "min", false, &d->min, err);
        if (rc == 0)
            rc = time_param(n, path, "max", false, &d->max, err);
        if (rc == 0 && d->max < d->min)
            rc = sim_err_set(err, SIM_EINVAL, pjoin(p, path, "max"),
                             "expected a duration >= min (\"%s\"), got \"%s\"",
                             clip(field(n, "min")->valuestring, s1, sizeof s1),
                             clip(field(n, "max")->valuestring, s2, sizeof s2));
        break;
    case DIST_EXPONENTIAL:
        rc = time_param(n, path, "mean", true, &d->mean, err);
        break;
    case DIST_NORMAL:
        rc = time_param(n, path, "mean", false, &d->mean, err);
        if (rc == 0)
            rc = time_param(n, path, "sd", false, &d->sd, err);
        break;
    case DIST_LOGNORMAL: {
        bool by_median = field(n, "median") || field(n, "sigma");
        bool by_mean = field(n, "mean") || field(n, "sd");
        if (by_median && by_mean)
            return sim_err_set(err, SIM_EINVAL, path,
                               "a lognormal distribution takes either median and sigma or "
                               "mean and sd, not both");
        d->by_mean = by_mean;
        if (by_mean) {
            rc = time_param(n, path, "mean", true, &d->mean, err);
            if (rc == 0)
                rc = time_param(n, path, "sd", false, &d->sd, err);
        } else {
            rc = time_param(n, path, "median", true, &d->median, err);
            if (rc == 0)
                rc = num_param(n, path, "sigma", &d->sigma, err);
        }
        break;
    }
    case DIST_GAMMA:
    case DIST_WEIBULL:
    case DIST_PARETO:
        rc = num_param(n, path, "shape", &d->shape, err);
        if (rc == 0)
            rc = time_param(n, path, "scale", true, &d->scale, err);
        break;
    case DIST_EMPIRICAL:
        rc = empirical_points(n, path, d, err);
        break;
    default:
        break;
    }
    if (rc < 0)
        return rc;
    rc = dist_check(d, err);
    if (rc < 0)
        sim_err_prefix_path(err, path);
    return rc;
}

static void spec_fini(dist_spec *d)
{
    /* Only empirical specs own memory: the one block that xs points to (ps is inside it). */
    if (d->kind == DIST_EMPIRICAL)
        sim_free((void *)d->xs);
    d->xs = d->ps = NULL;
}

/* ---- regions ---- */

static const char *const F_REGION[] = {"name", "location", "servers", "service", "queue_limit"};
static const char *const F_SERVICE[] = {"read", "write"};

static int parse_region(scn_scenario *s, size_t idx, const cJSON *n, const char *path,
                        sim_err *err)
{
    char p[PATH_N], k[64], pp[PATH_N], pq[PATH_N];
    scn_region *r = &s->regions[idx];
    if (check_fields(n, path, F_REGION, N_OF(F_REGION), err) < 0)
        return SIM_EINVAL;

    const cJSON *v = field(n, "name");
    const char *name = NULL;
    if (!v)
        return missing(path, "name", err);
    if (get_str(v, pjoin(p, path, "name"), true, &name, err) < 0)
        return SIM_EINVAL;
    for (const char *c = name; *c; c++)
        if (*c == '/' || *c == ' ' || (*c >= '\t' && *c <= '\r'))
            return sim_err_set(err, SIM_EINVAL, p,
                               "expected a region name without '/' or whitespace, got \"%s\"",
                               clip(name, k, sizeof k));
    int prev = scn_region_index(s, name);
    if (prev >= 0)
        return sim_err_set(err, SIM_EINVAL, p, "duplicate region name \"%s\" (also %s)",
                           clip(name, k, sizeof k),
                           pjoin(pq, pindex(pp, "regions", (size_t)prev), "name"));
    if (dup_str(name, &r->name, err) < 0)
        return SIM_ENOMEM;

    if ((v = field(n, "location"))) {
        if (get_latlon(v, pjoin(p, path, "location"), &r->lat, &r->lon, err) < 0)
            return SIM_EINVAL;
    } else if (!rtt_measured_location(name, &r->lat, &r->lon)) {
        return sim_err_set(err, SIM_EINVAL, path,
                           "missing required field \"location\" (only known cloud regions "
                           "such as \"us-east-1\" have a default)");
    }

    uint64_t u;
    if (!(v = field(n, "servers")))
        return missing(path, "servers", err);
    if (get_uint(v, pjoin(p, path, "servers"), 1, 100000, &u, err) < 0)
        return SIM_EINVAL;
    r->servers = (uint32_t)u;

    r->service[SCN_READ] = (dist_spec){.kind = DIST_EXPONENTIAL, .mean = 1e6};
    r->service[SCN_WRITE] = (dist_spec){.kind = DIST_EXPONENTIAL, .mean = 2e6};
    if ((v = field(n, "service"))) {
        pjoin(p, path, "service");
        if (check_fields(v, p, F_SERVICE, N_OF(F_SERVICE), err) < 0)
            return SIM_EINVAL;
        for (int op = 0; op < SCN_OP_COUNT; op++) {
            const cJSON *d = field(v, scn_op_name((scn_op)op));
            if (d)
                TRY(parse_time_dist(d, pjoin(pp, p, scn_op_name((scn_op)op)), &r->service[op],
                                    err));
        }
    }

    r->queue_limit = UINT32_MAX;
    if ((v = field(n, "queue_limit"))) {
        if (get_uint(v, pjoin(p, path, "queue_limit"), 0, UINT32_MAX, &u, err) < 0)
            return SIM_EINVAL;
        r->queue_limit = (uint32_t)u;
    }
    return 0;
}

/* ---- network ---- */

static const char *const F_NETWORK[] = {"rtt", "route_factor", "base", "jitter", "loss"};

/* One "a/b": "76ms" entry of an rtt table. seen[a][b] (a < b) marks pairs already listed. */
static int parse_rtt_pair(scn_scenario *s, const cJSON *rtt, const cJSON *c, size_t i,
                          uint8_t seen[SCN_MAX_REGIONS][SCN_MAX_REGIONS], sim_err *err)
{
    char p[PATH_N], k[64], k2[64], name[PATH_N];
    const char *key = c->string;
    pjoin(p, "network.rtt", key);
    const char *slash = strchr(key, '/');
    if (!slash || strchr(slash + 1, '/') || slash == key || slash[1] == '\0')
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected a key of the form \"regionA/regionB\", got \"%s\"",
                           clip(key, k, sizeof k));
    snprintf(name, sizeof name, "%.*s", (int)(slash - key), key);
    int a = scn_region_index(s, name), b = scn_region_index(s, slash + 1);
    if (a < 0)
        return unknown_region(s, p, name, err);
    if (b < 0)
        return unknown_region(s, p, slash + 1, err);
    if (a == b)
        return sim_err_set(err, SIM_EINVAL, p, "expected two different regions, got \"%s\"",
                           clip(key, k, sizeof k));
    int lo = a < b ? a : b, hi = a < b ? b : a;
    if (seen[lo][hi]) {
        /* Find the first key naming this pair, for the message. */
        for (const cJSON *q = rtt->child; q != c; q = q->next) {
            const char *qs = strchr(q->string, '/');
            snprintf(name, sizeof name, "%.*s", (int)(qs - q->string), q->string);
            int qa = scn_region_index(s, name), qb = scn_region_index(s, qs + 1);
            if ((qa == a && qb == b) || (qa == b && qb == a)) {
                if (strcmp(q->string, key) == 0)
                    return sim_err_set(err, SIM_EINVAL, "network.rtt", "duplicate field \"%s\"",
                                       clip(key, k, sizeof k));
                return sim_err_set(err, SIM_EINVAL, p,
                                   "\"%s\" names the same pair of regions as \"%s\"",
                                   clip(key, k, sizeof k), clip(q->string, k2, sizeof k2));
            }
        }
        sim_panic("scn: rtt pair %d/%d marked seen but not found", a, b);
    }
    seen[lo][hi] = 1;
    scn_rtt_pair *pair = &s->network.pairs[i];
    pair->a = (uint32_t)lo;
    pair->b = (uint32_t)hi;
    return get_pos_dur(c, p, &pair->rtt, err);
}

static int parse_rtt(scn_scenario *s, const cJSON *n, sim_err *err)
{
    char b[FOUND_N], k[64];
    scn_network *net = &s->network;
    if (cJSON_IsString(n)) {
        if (strcmp(n->valuestring, "geo") == 0)
            net->rtt_mode = SCN_RTT_GEO;
        else if (strcmp(n->valuestring, "measured") == 0)
            net->rtt_mode = SCN_RTT_MEASURED;
        else
            return sim_err_set(err, SIM_EINVAL, "network.rtt",
                               "unknown rtt mode \"%s\"; expected \"geo\", \"measured\" or an "
                               "object of \"a/b\": \"76ms\" pairs", clip(n->valuestring, k,
                                                                         sizeof k));
        return 0;
    }
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, "network.rtt",
                           "expected \"geo\", \"measured\" or an object of \"a/b\": \"76ms\" "
                           "pairs, got %s", found(n, b));
    net->rtt_mode = SCN_RTT_TABLE;
    size_t count = count_children(n);
    if (count == 0)
        return 0;
    net->pairs = sim_calloc(count, sizeof *net->pairs);
    if (!net->pairs)
        return no_memory(err);
    uint8_t seen[SCN_MAX_REGIONS][SCN_MAX_REGIONS] = {{0}};
    size_t i = 0;
    for (const cJSON *c = n->child; c; c = c->next, i++) {
        TRY(parse_rtt_pair(s, n, c, i, seen, err));
        net->npairs = i + 1;
    }
    return 0;
}

static int parse_network(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_network *net = &s->network;
    net->rtt_mode = SCN_RTT_GEO;
    net->base = SIM_MS;
    net->route_factor = 1.5;
    if (!n)
        return 0;
    if (check_fields(n, "network", F_NETWORK, N_OF(F_NETWORK), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = field(n, "rtt")))
        TRY(parse_rtt(s, v, err));
    if ((v = field(n, "route_factor")) &&
        get_num(v, "network.route_factor", 0, true, INFINITY, false, "a number > 0",
                &net->route_factor, err) < 0)
        return SIM_EINVAL;
    if ((v = field(n, "base")) && get_dur(v, "network.base", false, &net->base, err) < 0)
        return SIM_EINVAL;
    if ((v = field(n, "jitter"))) {
        TRY(parse_time_dist(v, "network.jitter", &net->jitter, err));
        net->has_jitter = true;
    }
    if ((v = field(n, "loss")) &&
        get_num(v, "network.loss", 0, false, 1, true, "a number in [0, 1)", &net->loss, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* ---- clients ---- */

static const char *const F_CLIENT[] = {"name", "location", "rate", "read_ratio", "keys",
                                       "sessions", "timeout", "retries", "backoff", "diurnal",
                                       "steps", "fields"};
static const char *const F_KEYS[] = {"count", "dist", "s"};
static const char *const F_DIURNAL[] = {"amplitude", "period"};
static const char *const F_STEP[] = {"at", "rate"};

static int parse_steps(scn_client *c, const cJSON *n, const char *path, sim_err *err)
{
    char p[PATH_N], ps[PATH_N], s1[64], s2[64];
    size_t count;
    pjoin(p, path, "steps");
    TRY(get_array(n, p, "step", "steps", 1, SIZE_MAX, &count, err));
    c->steps = sim_calloc(count, sizeof *c->steps);
    if (!c->steps)
        return no_memory(err);
    c->nsteps = count;
    size_t i = 0;
    const cJSON *prev_at = NULL;
    for (const cJSON *st = n->child; st; st = st->next, i++) {
        pindex(ps, p, i);
        if (check_fields(st, ps, F_STEP, N_OF(F_STEP), err) < 0)
            return SIM_EINVAL;
        const cJSON *at = field(st, "at"), *rate = field(st, "rate");
        if (!at)
            return missing(ps, "at", err);
        if (!rate)
            return missing(ps, "rate", err);
        char pa[PATH_N];
        if (get_dur(at, pjoin(pa, ps, "at"), false, &c->steps[i].at, err) < 0)
            return SIM_EINVAL;
        if (i > 0 && c->steps[i].at <= c->steps[i - 1].at)
            return sim_err_set(err, SIM_EINVAL, pa,
                               "expected a time after the previous step's \"%s\", got \"%s\"",
                               clip(prev_at->valuestring, s1, sizeof s1),
                               clip(at->valuestring, s2, sizeof s2));
        prev_at = at;
        if (get_num(rate, pjoin(pa, ps, "rate"), 0, false, INFINITY, false,
                    "a non-negative number", &c->steps[i].rate, err) < 0)
            return SIM_EINVAL;
    }
    return 0;
}

static int parse_keys(scn_client *c, const cJSON *n, const char *path, sim_err *err)
{
    char p[PATH_N], k[64];
    uint64_t u;
    if (check_fields(n, path, F_KEYS, N_OF(F_KEYS), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = field(n, "count"))) {
        if (get_uint(v, pjoin(p, path, "count"), 1, 100000000, &u, err) < 0)
            return SIM_EINVAL;
        c->key_count = u;
    }
    if ((v = field(n, "dist"))) {
        const char *d = NULL;
        if (get_str(v, pjoin(p, path, "dist"), false, &d, err) < 0)
            return SIM_EINVAL;
        if (strcmp(d, "zipf") == 0)
            c->key_zipf = true;
        else if (strcmp(d, "uniform") != 0)
            return sim_err_set(err, SIM_EINVAL, p, "expected \"uniform\" or \"zipf\", got \"%s\"",
                               clip(d, k, sizeof k));
    }
    if ((v = field(n, "s"))) {
        pjoin(p, path, "s");
        if (!c->key_zipf)
            return sim_err_set(err, SIM_EINVAL, p, "\"s\" applies only with \"dist\": \"zipf\"");
        if (get_num(v, p, 0, false, INFINITY, false, "a non-negative number", &c->key_s, err) < 0)
            return SIM_EINVAL;
    }
    return 0;
}

static int parse_client(scn_scenario *s, size_t idx, const cJSON *n, const char *path,
                        sim_err *err)
{
    char p[PATH_N], k[64], pp[PATH_N];
    scn_client *c = &s->clients[idx];
    uint64_t u;
    if (check_fields(n, path, F_CLIENT, N_OF(F_CLIENT), err) < 0)
        return SIM_EINVAL;

    const cJSON *v;
    char defname[32];
    const char *name = defname;
    snprintf(defname, sizeof defname, "client%zu", idx);
    if ((v = field(n, "name")) && get_str(v, pjoin(p, path, "name"), true, &name, err) < 0)
        return SIM_EINVAL;
    for (size_t j = 0; j < idx; j++)
        if (strcmp(s->clients[j].name, name) == 0)
            return sim_err_set(err, SIM_EINVAL, v ? pjoin(p, path, "name") : path,
                               "duplicate client name \"%s\" (also %s)",
                               clip(name, k, sizeof k), pindex(pp, "clients", j));
    if (dup_str(name, &c->name, err) < 0)
        return SIM_ENOMEM;

    c->at_region = -1;
    if (!(v = field(n, "location")))
        return missing(path, "location", err);
    pjoin(p, path, "location");
    if (cJSON_IsString(v)) {
        uint32_t r = 0;
        if (get_region(s, v, p, &r, err) < 0)
            return SIM_EINVAL;
        c->at_region = (int32_t)r;
        c->lat = s->regions[r].lat;
        c->lon = s->regions[r].lon;
    } else if (cJSON_IsArray(v)) {
        if (get_latlon(v, p, &c->lat, &c->lon, err) < 0)
            return SIM_EINVAL;
    } else {
        char b[FOUND_N];
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected [latitude, longitude] or a region name, got %s",
                           found(v, b));
    }

    if ((v = field(n, "steps")))
        TRY(parse_steps(c, v, path, err));
    if ((v = field(n, "rate"))) {
        bool steps = c->nsteps > 0;
        if (get_num(v, pjoin(p, path, "rate"), 0, !steps, INFINITY, false,
                    steps ? "a non-negative number" : "a number > 0", &c->rate, err) < 0)
            return SIM_EINVAL;
    } else if (c->nsteps == 0) {
        return sim_err_set(err, SIM_EINVAL, path,
                           "missing required field \"rate\" (or \"steps\")");
    }

    c->read_ratio = 0.9;
    if ((v = field(n, "read_ratio")) &&
        get_num(v, pjoin(p, path, "read_ratio"), 0, false, 1, false, "a number in [0, 1]",
                &c->read_ratio, err) < 0)
        return SIM_EINVAL;

    c->key_count = 1000;
    c->key_zipf = false;
    c->key_s = 1.0;
    if ((v = field(n, "keys")))
        TRY(parse_keys(c, v, pjoin(p, path, "keys"), err));

    c->sessions = 100;
    if ((v = field(n, "sessions"))) {
        if (get_uint(v, pjoin(p, path, "sessions"), 1, 10000000, &u, err) < 0)
            return SIM_EINVAL;
        c->sessions = (uint32_t)u;
    }
    c->timeout = SIM_S;
    if ((v = field(n, "timeout")) && get_pos_dur(v, pjoin(p, path, "timeout"), &c->timeout,
                                                 err) < 0)
        return SIM_EINVAL;
    c->retries = 2;
    if ((v = field(n, "retries"))) {
        if (get_uint(v, pjoin(p, path, "retries"), 0, 100, &u, err) < 0)
            return SIM_EINVAL;
        c->retries = (uint32_t)u;
    }
    c->backoff = 50 * SIM_MS;
    if ((v = field(n, "backoff")) &&
        get_dur(v, pjoin(p, path, "backoff"), false, &c->backoff, err) < 0)
        return SIM_EINVAL;

    /* Which fields this client's writes set; checked against data.fields once that is read. */
    c->field_mask = 0;
    if ((v = field(n, "fields"))) {
        size_t count;
        pjoin(p, path, "fields");
        if (get_array(v, p, "field index", "field indices", 1, SCN_MAX_FIELDS, &count, err) < 0)
            return SIM_EINVAL;
        size_t k = 0;
        for (const cJSON *f = v->child; f; f = f->next, k++) {
            if (get_uint(f, pindex(pp, p, k), 0, SCN_MAX_FIELDS - 1, &u, err) < 0)
                return SIM_EINVAL;
            c->field_mask |= (uint8_t)(1u << u);
        }
    }

    c->diurnal_amplitude = 0;
    c->diurnal_period = 24 * SIM_HOUR;
    if ((v = field(n, "diurnal"))) {
        pjoin(p, path, "diurnal");
        if (check_fields(v, p, F_DIURNAL, N_OF(F_DIURNAL), err) < 0)
            return SIM_EINVAL;
        const cJSON *a = field(v, "amplitude"), *per = field(v, "period");
        if (!a)
            return missing(p, "amplitude", err);
        if (get_num(a, pjoin(pp, p, "amplitude"), 0, false, 1, false, "a number in [0, 1]",
                    &c->diurnal_amplitude, err) < 0)
            return SIM_EINVAL;
        if (per && get_pos_dur(per, pjoin(pp, p, "period"), &c->diurnal_period, err) < 0)
            return SIM_EINVAL;
    }
    return 0;
}

/* ---- faults ---- */

static const char *const FAULT_KINDS[SCN_FAULT_KIND_COUNT] = {
    [SCN_FAULT_REGION_DOWN] = "region_down",   [SCN_FAULT_PARTITION] = "partition",
    [SCN_FAULT_LINK_DEGRADE] = "link_degrade", [SCN_FAULT_BROWNOUT] = "brownout",
    [SCN_FAULT_CLOCK_SKEW] = "clock_skew",
};

static const char *const F_FAULT[] = {"kind", "at", "for", "region", "groups", "between",
                                      "latency", "loss", "factor", "offset", "drift"};

/* The fields each kind takes besides kind, at and for. */
static const char *const F_FAULT_KIND[SCN_FAULT_KIND_COUNT][4] = {
    [SCN_FAULT_REGION_DOWN] = {"region"},
    [SCN_FAULT_PARTITION] = {"groups"},
    [SCN_FAULT_LINK_DEGRADE] = {"between", "latency", "loss"},
    [SCN_FAULT_BROWNOUT] = {"region", "factor"},
    [SCN_FAULT_CLOCK_SKEW] = {"region", "offset", "drift"},
};

static bool fault_takes(scn_fault_kind kind, const char *key)
{
    if (strcmp(key, "kind") == 0 || strcmp(key, "at") == 0 || strcmp(key, "for") == 0)
        return true;
    for (size_t i = 0; i < 4 && F_FAULT_KIND[kind][i]; i++)
        if (strcmp(key, F_FAULT_KIND[kind][i]) == 0)
            return true;
    return false;
}

static int parse_partition(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path,
                           sim_err *err)
{
    char p[PATH_N], pg[PATH_N], pr[PATH_N], b[FOUND_N], k[64];
    const cJSON *groups = field(n, "groups");
    if (!groups)
        return missing(path, "groups", err);
    pjoin(p, path, "groups");
    size_t ngroups;
    TRY(get_array(groups, p, "group", "groups (arrays of region names)", 1, s->nregions,
                  &ngroups, err));
    f->group_of = sim_malloc(s->nregions);
    if (!f->group_of)
        return no_memory(err);
    /* UINT8_MAX marks "not listed yet"; group ids are at most SCN_MAX_REGIONS. */
    memset(f->group_of, UINT8_MAX, s->nregions);
    bool any = false;
    size_t g = 0;
    for (const cJSON *grp = groups->child; grp; grp = grp->next, g++) {
        pindex(pg, p, g);
        if (!cJSON_IsArray(grp))
            return sim_err_set(err, SIM_EINVAL, pg, "expected an array of region names, got %s",
                               found(grp, b));
        size_t j = 0;
        for (const cJSON *rn = grp->child; rn; rn = rn->next, j++) {
            uint32_t r = 0;
            if (get_region(s, rn, pindex(pr, pg, j), &r, err) < 0)
                return SIM_EINVAL;
            if (f->group_of[r] != UINT8_MAX)
                return sim_err_set(err, SIM_EINVAL, pr, "region \"%s\" is already in %s[%u]",
                                   clip(rn->valuestring, k, sizeof k), p,
                                   (unsigned)f->group_of[r]);
            f->group_of[r] = (uint8_t)g;
            any = true;
        }
    }
    if (!any)
        return sim_err_set(err, SIM_EINVAL, p, "expected at least one non-empty group");
    bool split = false;
    for (size_t r = 0; r < s->nregions; r++) {
        if (f->group_of[r] == UINT8_MAX)
            f->group_of[r] = (uint8_t)ngroups;
        if (f->group_of[r] != f->group_of[0])
            split = true;
    }
    if (!split)
        return sim_err_set(err, SIM_EINVAL, p,
                           "expected regions in at least two groups, got all in one (a "
                           "partition that separates nothing)");
    return 0;
}

static int parse_link_degrade(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path,
                              sim_err *err)
{
    char p[PATH_N], pi[PATH_N], b[FOUND_N], k[64];
    const cJSON *between = field(n, "between"), *v;
    if (!between)
        return missing(path, "between", err);
    pjoin(p, path, "between");
    if (!cJSON_IsArray(between) || count_children(between) != 2)
        return sim_err_set(err, SIM_EINVAL, p, "expected [regionA, regionB], got %s",
                           cJSON_IsArray(between) ? "an array of another length"
                                                  : found(between, b));
    if (get_region(s, between->child, pindex(pi, p, 0), &f->region, err) < 0 ||
        get_region(s, between->child->next, pindex(pi, p, 1), &f->region_b, err) < 0)
        return SIM_EINVAL;
    if (f->region == f->region_b)
        return sim_err_set(err, SIM_EINVAL, p, "expected two different regions, got \"%s\" twice",
                           clip(between->child->valuestring, k, sizeof k));
    bool latency = false, loss = false;
    if ((v = field(n, "latency"))) {
        TRY(parse_time_dist(v, pjoin(pi, path, "latency"), &f->extra, err));
        f->has_extra = latency = true;
    }
    if ((v = field(n, "loss"))) {
        if (get_num(v, pjoin(pi, path, "loss"), 0, false, 1, false, "a number in [0, 1]",
                    &f->loss, err) < 0)
            return SIM_EINVAL;
        loss = true;
    }
    if (!latency && !loss)
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected \"latency\" or \"loss\" (or both) in a link_degrade fault");
    return 0;
}

static int parse_fault(scn_scenario *s, scn_fault *f, const cJSON *n, const char *path,
                       sim_err *err)
{
    char p[PATH_N], k[64];
    if (check_fields(n, path, F_FAULT, N_OF(F_FAULT), err) < 0)
        return SIM_EINVAL;
    const cJSON *v = field(n, "kind");
    const char *kind = NULL;
    if (!v)
        return missing(path, "kind", err);
    if (get_str(v, pjoin(p, path, "kind"), false, &kind, err) < 0)
        return SIM_EINVAL;
    int ki = 0;
    while (ki < SCN_FAULT_KIND_COUNT && strcmp(kind, FAULT_KINDS[ki]) != 0)
        ki++;
    if (ki == SCN_FAULT_KIND_COUNT)
        return sim_err_set(err, SIM_EINVAL, p,
                           "unknown fault kind \"%s\"; expected one of region_down, partition, "
                           "link_degrade, brownout, clock_skew", clip(kind, k, sizeof k));
    f->kind = (scn_fault_kind)ki;
    for (const cJSON *c = n->child; c; c = c->next)
        if (!fault_takes(f->kind, c->string))
            return sim_err_set(err, SIM_EINVAL, path,
                               "field \"%s\" does not apply to a %s fault", c->string, kind);

    if (!(v = field(n, "at")))
        return missing(path, "at", err);
    if (get_dur(v, pjoin(p, path, "at"), false, &f->at, err) < 0)
        return SIM_EINVAL;
    f->end = SIM_TIME_MAX;
    if ((v = field(n, "for"))) {
        sim_time len;
        if (get_pos_dur(v, pjoin(p, path, "for"), &len, err) < 0)
            return SIM_EINVAL;
        f->end = sim_time_add_sat(f->at, len);
    }

    switch (f->kind) {
    case SCN_FAULT_REGION_DOWN:
    case SCN_FAULT_BROWNOUT:
    case SCN_FAULT_CLOCK_SKEW:
        if (!(v = field(n, "region")))
            return missing(path, "region", err);
        if (get_region(s, v, pjoin(p, path, "region"), &f->region, err) < 0)
            return SIM_EINVAL;
        break;
    default:
        break;
    }

    switch (f->kind) {
    case SCN_FAULT_REGION_DOWN:
        return 0;
    case SCN_FAULT_PARTITION:
        return parse_partition(s, f, n, path, err);
    case SCN_FAULT_LINK_DEGRADE:
        return parse_link_degrade(s, f, n, path, err);
    case SCN_FAULT_BROWNOUT:
        if (!(v = field(n, "factor")))
            return missing(path, "factor", err);
        return get_num(v, pjoin(p, path, "factor"), 1, false, INFINITY, false, "a number >= 1",
                       &f->factor, err);
    case SCN_FAULT_CLOCK_SKEW: {
        const cJSON *off = field(n, "offset"), *drift = field(n, "drift");
        if (!off && !drift)
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected \"offset\" or \"drift\" (or both) in a clock_skew fault");
        if (off && get_dur(off, pjoin(p, path, "offset"), true, &f->offset, err) < 0)
            return SIM_EINVAL;
        if (drift && get_num(drift, pjoin(p, path, "drift"), -1e6, false, 1e6, false,
                             "a drift in ppm in [-1000000, 1000000]", &f->drift_ppm, err) < 0)
            return SIM_EINVAL;
        return 0;
    }
    default:
        sim_panic("scn: fault kind %d not handled", (int)f->kind);
    }
}

/* Faults sorted by start time; equal starts keep file order (qsort is not stable, so the
 * key includes the file position). */
typedef struct { sim_time at; size_t idx; } fault_order;

static int fault_order_cmp(const void *pa, const void *pb)
{
    const fault_order *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

static int sort_faults(scn_scenario *s, sim_err *err)
{
    if (s->nfaults < 2)
        return 0;
    fault_order *order = sim_calloc(s->nfaults, sizeof *order);
    scn_fault *sorted = sim_calloc(s->nfaults, sizeof *sorted);
    if (!order || !sorted) {
        sim_free(order);
        sim_free(sorted);
        return no_memory(err);
    }
    for (size_t i = 0; i < s->nfaults; i++)
        order[i] = (fault_order){s->faults[i].at, i};
    qsort(order, s->nfaults, sizeof *order, fault_order_cmp);
    for (size_t i = 0; i < s->nfaults; i++)
        sorted[i] = s->faults[order[i].idx];  /* moves ownership of group_of and extra */
    sim_free(s->faults);
    sim_free(order);
    s->faults = sorted;
    return 0;
}

/* ---- patterns ---- */

static const char *const PATTERN_KINDS[SCN_PATTERN_KIND_COUNT] = {
    [SCN_PATTERN_INDEPENDENT] = "independent",
    [SCN_PATTERN_ACTIVE_ACTIVE] = "active-active",
    [SCN_PATTERN_READ_LOCAL] = "read-local",
};
static const char PATTERN_KIND_LIST[] = "\"independent\", \"active-active\" or \"read-local\"";
static const char *const REPL_MODES[] = {
    [SCN_REPL_NONE] = "none", [SCN_REPL_ASYNC] = "async", [SCN_REPL_SYNC] = "sync",
};
static const char *const RESOLVERS[] = {[SCN_RESOLVER_LWW] = "lww",
                                        [SCN_RESOLVER_MERGE] = "merge"};
static const char *const CLOCKS[] = {[SCN_CLOCK_WALL] = "wall", [SCN_CLOCK_HLC] = "hlc"};

static const char *const F_PATTERN[] = {"kind", "primary", "replication", "resolver", "clock",
                                        "ryw_window", "cache"};
static const char *const F_REPLICATION[] = {"mode", "batch", "max_batch", "resend", "quorum",
                                            "timeout"};
static const char *const F_CACHE[] = {"enabled", "size", "hit"};

/* Every default of a pattern of this kind that does not depend on the scenario. A sync
 * quorum does (a majority of the regions), so parse_replication() sets it; with async and
 * none the accepting region alone acknowledges, which is a quorum of 1. The name is left
 * alone. */
static void pattern_defaults(scn_pattern *p, scn_pattern_kind kind)
{
    p->kind = kind;
    p->primary = -1;
    p->replication = (scn_replication){
        .mode = kind == SCN_PATTERN_INDEPENDENT ? SCN_REPL_NONE : SCN_REPL_ASYNC,
        .batch = 50 * SIM_MS,
        .max_batch = 500,
        .resend = SIM_S,
        .quorum = 1,
        .timeout = SIM_S,
    };
    p->resolver = SCN_RESOLVER_LWW;
    p->clock = SCN_CLOCK_WALL;
    p->ryw_window = 5 * SIM_S;
    p->cache = (scn_cache){
        .enabled = kind == SCN_PATTERN_READ_LOCAL,
        .size = 1000,
        .hit = {.kind = DIST_CONSTANT, .value = 100e3},   /* 100us */
    };
}

/* The fields only a read-local pattern takes; the others take the rest of F_PATTERN. */
static bool pattern_takes(scn_pattern_kind kind, const char *key)
{
    bool read_local_only = strcmp(key, "primary") == 0 || strcmp(key, "ryw_window") == 0 ||
                           strcmp(key, "cache") == 0;
    return kind == SCN_PATTERN_READ_LOCAL || !read_local_only;
}

static const char *pattern_kind_article(scn_pattern_kind kind)
{
    return kind == SCN_PATTERN_READ_LOCAL ? "a" : "an";
}

/* "replication": the mode first, because which other fields apply depends on it. */
static int parse_replication(const scn_scenario *s, scn_pattern *pat, const cJSON *n,
                             const char *path, sim_err *err)
{
    char p[PATH_N];
    scn_replication *r = &pat->replication;
    uint64_t u;
    if (check_fields(n, path, F_REPLICATION, N_OF(F_REPLICATION), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = field(n, "mode"))) {
        int m = 0;
        pjoin(p, path, "mode");
        TRY(get_choice(v, p, REPL_MODES, N_OF(REPL_MODES), "\"async\", \"sync\" or \"none\"", &m,
                       err));
        switch (pat->kind) {
        case SCN_PATTERN_INDEPENDENT:
            if (m != SCN_REPL_NONE)
                return sim_err_set(err, SIM_EINVAL, p,
                                   "an independent pattern does not replicate; expected "
                                   "\"none\", got \"%s\"", REPL_MODES[m]);
            break;
        case SCN_PATTERN_ACTIVE_ACTIVE:
            if (m == SCN_REPL_NONE)
                return sim_err_set(err, SIM_EINVAL, p,
                                   "\"none\" is only for an independent pattern; expected "
                                   "\"async\" or \"sync\"");
            break;
        case SCN_PATTERN_READ_LOCAL:
            if (m != SCN_REPL_ASYNC)
                return sim_err_set(err, SIM_EINVAL, p,
                                   "read-local replicates asynchronously from the primary; "
                                   "expected \"async\", got \"%s\"", REPL_MODES[m]);
            break;
        default:
            sim_panic("scn: pattern kind %d not handled", (int)pat->kind);
        }
        r->mode = (scn_repl_mode)m;
    }
    /* A field of another mode is an error rather than ignored: a "quorum" under async
     * replication would be a setting that silently does nothing. Sync ships every write at
     * once, so "batch" is async only; max_batch and resend apply to both. */
    for (const cJSON *c = n->child; c; c = c->next) {
        bool sync_only = strcmp(c->string, "quorum") == 0 || strcmp(c->string, "timeout") == 0;
        bool async_only = strcmp(c->string, "batch") == 0;
        if (r->mode == SCN_REPL_NONE && strcmp(c->string, "mode") != 0)
            return sim_err_set(err, SIM_EINVAL, pjoin(p, path, c->string),
                               "\"%s\" does not apply with \"mode\": \"none\" (nothing is "
                               "replicated)", c->string);
        if ((sync_only && r->mode != SCN_REPL_SYNC) || (async_only && r->mode != SCN_REPL_ASYNC))
            return sim_err_set(err, SIM_EINVAL, pjoin(p, path, c->string),
                               "\"%s\" applies only with \"mode\": \"%s\"", c->string,
                               sync_only ? "sync" : "async");
    }

    if ((v = field(n, "batch")) && get_dur(v, pjoin(p, path, "batch"), false, &r->batch, err) < 0)
        return SIM_EINVAL;
    if ((v = field(n, "max_batch"))) {
        if (get_uint(v, pjoin(p, path, "max_batch"), 1, 65535, &u, err) < 0)
            return SIM_EINVAL;
        r->max_batch = (uint32_t)u;
    }
    if ((v = field(n, "resend")) && get_pos_dur(v, pjoin(p, path, "resend"), &r->resend, err) < 0)
        return SIM_EINVAL;
    if (r->mode == SCN_REPL_SYNC) {
        r->quorum = (uint32_t)(s->nregions / 2 + 1);
        if ((v = field(n, "quorum"))) {
            if (get_uint(v, pjoin(p, path, "quorum"), 1, s->nregions, &u, err) < 0)
                return SIM_EINVAL;
            r->quorum = (uint32_t)u;
        }
    }
    if ((v = field(n, "timeout")) &&
        get_pos_dur(v, pjoin(p, path, "timeout"), &r->timeout, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* "cache": false, true, or an object whose fields default as documented. */
static int parse_cache(scn_cache *c, const cJSON *n, const char *path, sim_err *err)
{
    char b[FOUND_N], p[PATH_N];
    uint64_t u;
    if (cJSON_IsBool(n)) {
        c->enabled = cJSON_IsTrue(n);
        return 0;
    }
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected true, false or an object such as {\"size\": 1000}, got %s",
                           found(n, b));
    if (check_fields(n, path, F_CACHE, N_OF(F_CACHE), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    c->enabled = true;
    if ((v = field(n, "enabled")) && get_bool(v, pjoin(p, path, "enabled"), &c->enabled, err) < 0)
        return SIM_EINVAL;
    if ((v = field(n, "size"))) {
        if (get_uint(v, pjoin(p, path, "size"), 1, 100000000, &u, err) < 0)
            return SIM_EINVAL;
        c->size = u;
    }
    if ((v = field(n, "hit")))
        return parse_time_dist(v, pjoin(p, path, "hit"), &c->hit, err);
    return 0;
}

/* One member of "patterns"; pat->name is already set. */
static int parse_pattern(scn_scenario *s, scn_pattern *pat, const cJSON *n, const char *path,
                         sim_err *err)
{
    char p[PATH_N];
    int c = 0;
    if (check_fields(n, path, F_PATTERN, N_OF(F_PATTERN), err) < 0)
        return SIM_EINVAL;

    int kind = -1;
    for (int i = 0; i < SCN_PATTERN_KIND_COUNT; i++)
        if (strcmp(pat->name, PATTERN_KINDS[i]) == 0)
            kind = i;
    const cJSON *v = field(n, "kind");
    if (v) {
        int given = 0;
        pjoin(p, path, "kind");
        TRY(get_choice(v, p, PATTERN_KINDS, N_OF(PATTERN_KINDS), PATTERN_KIND_LIST, &given,
                       err));
        /* A pattern called "read-local" that is active-active would be labelled wrongly in
         * every table and plot; that is a mistake in the file, not a choice. */
        if (kind >= 0 && given != kind)
            return sim_err_set(err, SIM_EINVAL, p,
                               "a pattern named \"%s\" must be of that kind, got \"%s\" (name "
                               "the pattern something else)", pat->name, PATTERN_KINDS[given]);
        kind = given;
    } else if (kind < 0) {
        return sim_err_set(err, SIM_EINVAL, path,
                           "missing required field \"kind\" (the name is not a pattern kind: "
                           "independent, active-active, read-local)");
    }
    pattern_defaults(pat, (scn_pattern_kind)kind);
    for (const cJSON *f = n->child; f; f = f->next)
        if (!pattern_takes(pat->kind, f->string))
            return sim_err_set(err, SIM_EINVAL, path, "field \"%s\" does not apply to %s %s "
                               "pattern", f->string, pattern_kind_article(pat->kind),
                               PATTERN_KINDS[kind]);

    if (pat->kind == SCN_PATTERN_READ_LOCAL) {
        uint32_t r = 0;
        if (!(v = field(n, "primary")))
            return missing(path, "primary", err);
        if (get_region(s, v, pjoin(p, path, "primary"), &r, err) < 0)
            return SIM_EINVAL;
        pat->primary = (int32_t)r;
    }
    if ((v = field(n, "replication")))
        TRY(parse_replication(s, pat, v, pjoin(p, path, "replication"), err));
    if ((v = field(n, "resolver"))) {
        TRY(get_choice(v, pjoin(p, path, "resolver"), RESOLVERS, N_OF(RESOLVERS),
                       "\"lww\" or \"merge\"", &c, err));
        pat->resolver = (scn_resolver)c;
    }
    if ((v = field(n, "clock"))) {
        TRY(get_choice(v, pjoin(p, path, "clock"), CLOCKS, N_OF(CLOCKS), "\"wall\" or \"hlc\"",
                       &c, err));
        pat->clock = (scn_clock_kind)c;
    }
    if ((v = field(n, "ryw_window")) &&
        get_dur(v, pjoin(p, path, "ryw_window"), false, &pat->ryw_window, err) < 0)
        return SIM_EINVAL;
    if ((v = field(n, "cache")))
        TRY(parse_cache(&pat->cache, v, pjoin(p, path, "cache"), err));
    return 0;
}

static int parse_patterns(scn_scenario *s, const cJSON *n, sim_err *err)
{
    char b[FOUND_N], k[64], p[PATH_N];
    if (!cJSON_IsObject(n))
        return sim_err_set(err, SIM_EINVAL, "patterns",
                           "expected an object of named patterns such as {\"active-active\": "
                           "{}}, got %s", found(n, b));
    size_t count = count_children(n);
    if (count > SCN_MAX_PATTERNS)
        return sim_err_set(err, SIM_EINVAL, "patterns", "expected at most %d patterns, got %zu",
                           SCN_MAX_PATTERNS, count);
    /* The names are checked before any pattern is read, as check_fields() does for fixed
     * fields; cJSON keeps both members of a duplicated key, so we look for them. */
    for (const cJSON *c = n->child; c; c = c->next) {
        if (c->string[0] == '\0')
            return sim_err_set(err, SIM_EINVAL, "patterns",
                               "expected non-empty pattern names, got \"\"");
        for (const cJSON *e = n->child; e != c; e = e->next)
            if (strcmp(e->string, c->string) == 0)
                return sim_err_set(err, SIM_EINVAL, "patterns", "duplicate field \"%s\"",
                                   clip(c->string, k, sizeof k));
    }
    if (count == 0)
        return 0;
    if (!(s->patterns = sim_calloc(count, sizeof *s->patterns)))
        return no_memory(err);
    size_t i = 0;
    for (const cJSON *c = n->child; c; c = c->next, i++) {
        /* Counted first so that scn_free() frees what it holds, as for regions. */
        s->npatterns = i + 1;
        scn_pattern *pat = &s->patterns[i];
        if (dup_str(c->string, &pat->name, err) < 0)
            return SIM_ENOMEM;
        TRY(parse_pattern(s, pat, c, pjoin(p, "patterns", c->string), err));
    }
    return 0;
}

static void known_patterns(const scn_scenario *s, char *buf, size_t n)
{
    char k[64];
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->npatterns && o < n; i++) {
        const char *name = clip(s->patterns[i].name, k, sizeof k);
        if (o + strlen(name) + 8 >= n) {
            snprintf(buf + o, n - o, ", ...");
            return;
        }
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", name);
    }
}

/* ---- the data model ---- */

static const char *const F_DATA[] = {"fields", "value_bytes", "drain"};

static int parse_data(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_data *d = &s->data;
    uint64_t u;
    d->fields = 1;
    d->value_bytes = 1024;
    d->drain = 10 * SIM_MIN;
    if (!n)
        return 0;
    if (check_fields(n, "data", F_DATA, N_OF(F_DATA), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = field(n, "fields"))) {
        if (get_uint(v, "data.fields", 1, SCN_MAX_FIELDS, &u, err) < 0)
            return SIM_EINVAL;
        d->fields = (uint32_t)u;
    }
    if ((v = field(n, "value_bytes"))) {
        if (get_uint(v, "data.value_bytes", 0, 100000000, &u, err) < 0)
            return SIM_EINVAL;
        d->value_bytes = (uint32_t)u;
    }
    if ((v = field(n, "drain")) && get_pos_dur(v, "data.drain", &d->drain, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* ---- routing (health checking), monitoring, alerts ---- */

static const char *const F_ROUTING[] = {"health", "policy", "primary", "dns_ttl",
                                        "ignore_ttl", "stale_for", "weights"};
static const char *const F_WEIGHTS[] = {"distance", "latency", "reliability"};
static const char *const POLICY_NAMES[SCN_POLICY_COUNT] = {
    [SCN_POLICY_DEFAULT] = NULL, [SCN_POLICY_PRIMARY] = "primary",
    [SCN_POLICY_NEAREST] = "nearest", [SCN_POLICY_SCORED] = "scored",
};
static const char *const F_HEALTH[] = {"interval", "timeout", "unhealthy_after", "healthy_after",
                                       "checkers", "quorum", "lane"};
static const char *const F_MONITOR[] = {"interval"};
static const char *const F_ALERTS[] = {"lag", "error_rate"};

#define MON_MIN_INTERVAL SIM_MS               /* a finer monitoring interval is refused */
#define MON_MAX_INTERVALS 10000000            /* duration / interval at most this: bounds the
                                                 series a run keeps */

static uint32_t count_bits(uint64_t x)
{
    uint32_t n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* The settings when "routing.health" is absent (then only 'enabled' is false) and the
 * defaults of every field it leaves out. */
static void health_defaults(scn_scenario *s)
{
    scn_health *h = &s->health;
    h->enabled = false;
    h->interval = 10 * SIM_S;
    h->timeout = 2 * SIM_S;
    h->unhealthy_after = 3;
    h->healthy_after = 2;
    /* nregions <= SCN_MAX_REGIONS = 64; shifting a uint64_t by 64 is undefined. */
    h->checkers = s->nregions >= 64 ? UINT64_MAX : (UINT64_C(1) << s->nregions) - 1;
    h->quorum = 0;                            /* a majority of each target's voters */
    h->lane = false;
}

/* "checkers": a non-empty array of region names, each at most once, as a bit mask. */
static int parse_checkers(const scn_scenario *s, const cJSON *n, const char *path,
                          uint64_t *out, sim_err *err)
{
    char p[PATH_N], pp[PATH_N], k[64];
    size_t count;
    TRY(get_array(n, path, "region", "region names", 1, SIZE_MAX, &count, err));
    uint64_t mask = 0;
    uint32_t at[SCN_MAX_REGIONS];             /* at[r]: where region r was listed */
    size_t i = 0;
    for (const cJSON *c = n->child; c; c = c->next, i++) {
        uint32_t r = 0;
        if (get_region(s, c, pindex(p, path, i), &r, err) < 0)
            return SIM_EINVAL;
        if (mask & (UINT64_C(1) << r))
            return sim_err_set(err, SIM_EINVAL, p, "duplicate checker \"%s\" (also %s)",
                               clip(c->valuestring, k, sizeof k), pindex(pp, path, at[r]));
        mask |= UINT64_C(1) << r;
        at[r] = (uint32_t)i;
    }
    *out = mask;
    return 0;
}

/* "routing.health". The checkers come before the quorum, whose range they set. */
static int parse_health(scn_scenario *s, const cJSON *n, sim_err *err)
{
    static const char path[] = "routing.health";
    char p[PATH_N], s1[64], s2[64];
    scn_health *h = &s->health;
    uint64_t u;
    if (check_fields(n, path, F_HEALTH, N_OF(F_HEALTH), err) < 0)
        return SIM_EINVAL;
    if (s->nregions < 2)
        return sim_err_set(err, SIM_EINVAL, path,
                           "health checking needs at least two regions (a checker probes only "
                           "other regions), got %zu", s->nregions);
    h->enabled = true;
    const cJSON *v, *interval = field(n, "interval"), *timeout = field(n, "timeout");
    if (interval && get_pos_dur(interval, pjoin(p, path, "interval"), &h->interval, err) < 0)
        return SIM_EINVAL;
    if (timeout && get_pos_dur(timeout, pjoin(p, path, "timeout"), &h->timeout, err) < 0)
        return SIM_EINVAL;
    /* A probe is answered or failed before the next one goes out. An interval given alone
     * may fall below the default timeout; that is an error about the interval rather than
     * a timeout that silently shrinks to fit. */
    if (h->timeout > h->interval && timeout)
        return sim_err_set(err, SIM_EINVAL, pjoin(p, path, "timeout"),
                           "expected at most the interval (\"%s\"), got \"%s\"",
                           interval ? clip(interval->valuestring, s1, sizeof s1) : "10s",
                           clip(timeout->valuestring, s2, sizeof s2));
    if (h->timeout > h->interval)
        return sim_err_set(err, SIM_EINVAL, pjoin(p, path, "interval"),
                           "expected at least the default timeout (\"2s\"), got \"%s\"; set "
                           "a shorter \"timeout\"", clip(interval->valuestring, s1, sizeof s1));
    if ((v = field(n, "unhealthy_after"))) {
        if (get_uint(v, pjoin(p, path, "unhealthy_after"), 1, 100, &u, err) < 0)
            return SIM_EINVAL;
        h->unhealthy_after = (uint32_t)u;
    }
    if ((v = field(n, "healthy_after"))) {
        if (get_uint(v, pjoin(p, path, "healthy_after"), 1, 100, &u, err) < 0)
            return SIM_EINVAL;
        h->healthy_after = (uint32_t)u;
    }
    if ((v = field(n, "checkers")))
        TRY(parse_checkers(s, v, pjoin(p, path, "checkers"), &h->checkers, err));
    /* The quorum counts checkers that see the target down. A target that is itself a
     * checker is probed by the other checkers only, so it has one voter fewer. */
    uint32_t nc = count_bits(h->checkers);
    h->quorum = 0;                            /* a majority of each target's voters */
    if ((v = field(n, "quorum"))) {
        if (get_uint(v, pjoin(p, path, "quorum"), 1, nc, &u, err) < 0)
            return SIM_EINVAL;
        h->quorum = (uint32_t)u;
    }
    if ((v = field(n, "lane")) && get_bool(v, pjoin(p, path, "lane"), &h->lane, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* routing's DNS settings: the policy, the TTL and how clients keep answers, the scored
 * policy's weights. DNS routing is on when the policy or the TTL is given. */
static int parse_dns(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_dns *d = &s->dns;
    *d = (scn_dns){.policy = SCN_POLICY_DEFAULT, .primary = -1, .ttl = 60 * SIM_S,
                   .ignore_ttl = 0, .stale_for = 10 * SIM_MIN, .w_distance = 1,
                   .w_latency = 1, .w_reliability = 1};
    if (!n)
        return 0;
    const cJSON *v;
    d->enabled = field(n, "policy") || field(n, "dns_ttl");
    if ((v = field(n, "policy"))) {
        const char *name = "";
        TRY(get_str(v, "routing.policy", true, &name, err));
        for (int k = 0; k < SCN_POLICY_COUNT; k++)
            if (POLICY_NAMES[k] && strcmp(name, POLICY_NAMES[k]) == 0)
                d->policy = (scn_policy)k;
        if (d->policy == SCN_POLICY_DEFAULT)
            return sim_err_set(err, SIM_EINVAL, "routing.policy", "expected \"primary\", "
                               "\"nearest\" or \"scored\", got \"%s\"", name);
    }
    if ((v = field(n, "primary"))) {
        uint32_t r;
        TRY(get_region(s, v, "routing.primary", &r, err));
        d->primary = (int32_t)r;
    }
    if ((v = field(n, "dns_ttl")))
        TRY(get_pos_dur(v, "routing.dns_ttl", &d->ttl, err));
    if ((v = field(n, "ignore_ttl")))
        TRY(get_num(v, "routing.ignore_ttl", 0, false, 1, false, "a number in [0, 1]",
                    &d->ignore_ttl, err));
    if ((v = field(n, "stale_for")))
        TRY(get_pos_dur(v, "routing.stale_for", &d->stale_for, err));
    if ((v = field(n, "weights"))) {
        TRY(check_fields(v, "routing.weights", F_WEIGHTS, N_OF(F_WEIGHTS), err));
        const struct { const char *name, *path; double *dest; } w[] = {
            {"distance", "routing.weights.distance", &d->w_distance},
            {"latency", "routing.weights.latency", &d->w_latency},
            {"reliability", "routing.weights.reliability", &d->w_reliability},
        };
        for (size_t i = 0; i < N_OF(w); i++)
            if ((v = field(field(n, "weights"), w[i].name)))
                TRY(get_num(v, w[i].path, 0, false, 1e6, false, "a number in [0, 1000000]",
                            w[i].dest, err));
    }
    return 0;
}

static int parse_routing(scn_scenario *s, const cJSON *n, sim_err *err)
{
    health_defaults(s);
    if (n && check_fields(n, "routing", F_ROUTING, N_OF(F_ROUTING), err) < 0)
        return SIM_EINVAL;
    TRY(parse_dns(s, n, err));
    if (!n)
        return 0;
    const cJSON *v = field(n, "health");
    return v ? parse_health(s, v, err) : 0;
}

/* "monitor". The interval is bounded below and by the duration so that the series a run
 * keeps (a point per region, metric and interval) stay bounded. */
static int parse_monitor(scn_scenario *s, const cJSON *n, const cJSON *dur_node, sim_err *err)
{
    char s1[64], s2[64];
    scn_monitor *m = &s->monitor;
    m->interval = SIM_S;
    const cJSON *v = NULL;
    if (n) {
        if (check_fields(n, "monitor", F_MONITOR, N_OF(F_MONITOR), err) < 0)
            return SIM_EINVAL;
        if ((v = field(n, "interval"))) {
            if (get_pos_dur(v, "monitor.interval", &m->interval, err) < 0)
                return SIM_EINVAL;
            if (m->interval < MON_MIN_INTERVAL)
                return sim_err_set(err, SIM_EINVAL, "monitor.interval",
                                   "expected at least 1ms, got \"%s\"",
                                   clip(v->valuestring, s1, sizeof s1));
        }
    }
    sim_time count = s->duration / m->interval;
    if (count > MON_MAX_INTERVALS && v)
        return sim_err_set(err, SIM_EINVAL, "monitor.interval",
                           "expected at most %d intervals in the duration (\"%s\"), got %lld "
                           "of \"%s\"", MON_MAX_INTERVALS,
                           clip(dur_node->valuestring, s1, sizeof s1), (long long)count,
                           clip(v->valuestring, s2, sizeof s2));
    if (count > MON_MAX_INTERVALS)
        return sim_err_set(err, SIM_EINVAL, "duration",
                           "expected at most %d monitoring intervals of 1s (the default) in "
                           "the duration, got %lld; set a longer monitor.interval",
                           MON_MAX_INTERVALS, (long long)count);
    return 0;
}

static int parse_alerts(scn_scenario *s, const cJSON *n, sim_err *err)
{
    scn_monitor *m = &s->monitor;
    m->alert_lag = 60 * SIM_S;
    m->alert_error_rate = 0.05;
    if (!n)
        return 0;
    if (check_fields(n, "alerts", F_ALERTS, N_OF(F_ALERTS), err) < 0)
        return SIM_EINVAL;
    const cJSON *v;
    if ((v = field(n, "lag")) && get_pos_dur(v, "alerts.lag", &m->alert_lag, err) < 0)
        return SIM_EINVAL;
    if ((v = field(n, "error_rate")) &&
        get_num(v, "alerts.error_rate", 0, true, 1, false, "a number in (0, 1]",
                &m->alert_error_rate, err) < 0)
        return SIM_EINVAL;
    return 0;
}

/* ---- expectations ---- */

static const char *const F_EXPECT[] = {"metric", "pattern", "op", "region", "min", "max",
                                       "equals"};

static int parse_expect(scn_scenario *s, scn_expect *x, const cJSON *n, const char *path,
                        sim_err *err)
{
    char p[PATH_N], k[64], b1[32], b2[32];
    const char *str = NULL;
    const cJSON *v;
    if (check_fields(n, path, F_EXPECT, N_OF(F_EXPECT), err) < 0)
        return SIM_EINVAL;
    if (!(v = field(n, "metric")))
        return missing(path, "metric", err);
    if (get_str(v, pjoin(p, path, "metric"), true, &str, err) < 0)
        return SIM_EINVAL;
    if (dup_str(str, &x->metric, err) < 0)
        return SIM_ENOMEM;
    if ((v = field(n, "pattern"))) {
        char list[300];
        if (get_str(v, pjoin(p, path, "pattern"), true, &str, err) < 0)
            return SIM_EINVAL;
        /* Without patterns the run is the independent-regions baseline, named so. */
        if (s->npatterns == 0 && strcmp(str, "independent") != 0)
            return sim_err_set(err, SIM_EINVAL, p,
                               "unknown pattern \"%s\"; the scenario has no patterns, so the "
                               "only one is \"independent\"", clip(str, k, sizeof k));
        if (s->npatterns > 0 && scn_pattern_index(s, str) < 0) {
            known_patterns(s, list, sizeof list);
            return sim_err_set(err, SIM_EINVAL, p,
                               "unknown pattern \"%s\"; the scenario's patterns are: %s",
                               clip(str, k, sizeof k), list);
        }
        if (dup_str(str, &x->pattern, err) < 0)
            return SIM_ENOMEM;
    }
    if ((v = field(n, "op"))) {
        if (get_str(v, pjoin(p, path, "op"), false, &str, err) < 0)
            return SIM_EINVAL;
        if (strcmp(str, "read") != 0 && strcmp(str, "write") != 0)
            return sim_err_set(err, SIM_EINVAL, p, "expected \"read\" or \"write\", got \"%s\"",
                               clip(str, k, sizeof k));
        if (dup_str(str, &x->op, err) < 0)
            return SIM_ENOMEM;
    }
    if ((v = field(n, "region"))) {
        uint32_t r = 0;
        if (get_region(s, v, pjoin(p, path, "region"), &r, err) < 0)
            return SIM_EINVAL;
        if (dup_str(s->regions[r].name, &x->region, err) < 0)
            return SIM_ENOMEM;
    }
    if ((v = field(n, "min"))) {
        if (get_any_num(v, pjoin(p, path, "min"), &x->min, err) < 0)
            return SIM_EINVAL;
        x->has_min = true;
    }
    if ((v = field(n, "max"))) {
        if (get_any_num(v, pjoin(p, path, "max"), &x->max, err) < 0)
            return SIM_EINVAL;
        x->has_max = true;
        if (x->has_min && x->max < x->min)
            return sim_err_set(err, SIM_EINVAL, p, "expected a number >= min (%s), got %s",
                               fmt_num(x->min, b1, sizeof b1), fmt_num(x->max, b2, sizeof b2));
    }
    if ((v = field(n, "equals"))) {
        if (get_any_num(v, pjoin(p, path, "equals"), &x->equals, err) < 0)
            return SIM_EINVAL;
        x->has_equals = true;
    }
    if (!x->has_min && !x->has_max && !x->has_equals)
        return sim_err_set(err, SIM_EINVAL, path,
                           "expected at least one of \"min\", \"max\", \"equals\"");
    return 0;
}

/* ---- the top level ---- */

static const char *const F_TOP[] = {"name", "description", "seed", "duration", "warmup",
                                    "regions", "network", "clients", "faults", "patterns",
                                    "data", "routing", "monitor", "alerts", "expect"};

/* The file's base name without ".json"; "scenario" if that leaves nothing. */
static int default_name(scn_scenario *s, sim_err *err)
{
    const char *base = strrchr(s->file, '/');
    base = base ? base + 1 : s->file;
    size_t len = strlen(base);
    if (len >= 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    if (len == 0)
        return dup_str("scenario", &s->name, err);
    s->name = sim_malloc(len + 1);
    if (!s->name)
        return no_memory(err);
    memcpy(s->name, base, len);
    s->name[len] = '\0';
    return 0;
}

static int build(scn_scenario *s, const cJSON *root, sim_err *err)
{
    char p[PATH_N], s1[64], s2[64];
    const cJSON *v;
    const char *str = NULL;
    if (check_fields(root, "", F_TOP, N_OF(F_TOP), err) < 0)
        return SIM_EINVAL;

    if ((v = field(root, "name"))) {
        if (get_str(v, "name", true, &str, err) < 0)
            return SIM_EINVAL;
        if (dup_str(str, &s->name, err) < 0)
            return SIM_ENOMEM;
    } else if (default_name(s, err) < 0) {
        return SIM_ENOMEM;
    }
    if ((v = field(root, "description")) && get_str(v, "description", false, &str, err) < 0)
        return SIM_EINVAL;
    s->seed = 1;
    if ((v = field(root, "seed")) && get_uint(v, "seed", 0, (uint64_t)SEED_MAX, &s->seed, err) < 0)
        return SIM_EINVAL;
    if (!(v = field(root, "duration")))
        return missing("", "duration", err);
    if (get_pos_dur(v, "duration", &s->duration, err) < 0)
        return SIM_EINVAL;
    const cJSON *dur_node = v;
    s->warmup = 0;
    if ((v = field(root, "warmup"))) {
        if (get_dur(v, "warmup", false, &s->warmup, err) < 0)
            return SIM_EINVAL;
        if (s->warmup >= s->duration)
            return sim_err_set(err, SIM_EINVAL, "warmup",
                               "expected less than the duration (\"%s\"), got \"%s\"",
                               clip(dur_node->valuestring, s1, sizeof s1),
                               clip(v->valuestring, s2, sizeof s2));
    }

    /* Regions come first: everything after may name them. */
    size_t count;
    if (!(v = field(root, "regions")))
        return missing("", "regions", err);
    TRY(get_array(v, "regions", "region", "regions", 1, SCN_MAX_REGIONS, &count, err));
    if (!(s->regions = sim_calloc(count, sizeof *s->regions)))
        return no_memory(err);
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        /* Counted before it is parsed so that scn_free() frees what it holds; its name is
         * NULL until it is known, which scn_region_index() skips. */
        s->nregions = i + 1;
        TRY(parse_region(s, i, c, pindex(p, "regions", i), err));
    }

    TRY(parse_network(s, field(root, "network"), err));

    if (!(v = field(root, "clients")))
        return missing("", "clients", err);
    TRY(get_array(v, "clients", "client", "clients", 1, SCN_MAX_CLIENTS, &count, err));
    if (!(s->clients = sim_calloc(count, sizeof *s->clients)))
        return no_memory(err);
    i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        s->nclients = i + 1;
        TRY(parse_client(s, i, c, pindex(p, "clients", i), err));
    }

    if ((v = field(root, "faults"))) {
        TRY(get_array(v, "faults", "fault", "faults", 0, SIZE_MAX, &count, err));
        if (count && !(s->faults = sim_calloc(count, sizeof *s->faults)))
            return no_memory(err);
        i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            s->nfaults = i + 1;
            TRY(parse_fault(s, &s->faults[i], c, pindex(p, "faults", i), err));
        }
        TRY(sort_faults(s, err));
    }

    /* Patterns before expectations, which may name them. */
    if ((v = field(root, "patterns")))
        TRY(parse_patterns(s, v, err));
    TRY(parse_data(s, field(root, "data"), err));
    uint8_t all_fields = (uint8_t)((1u << s->data.fields) - 1);
    for (i = 0; i < s->nclients; i++) {
        scn_client *c = &s->clients[i];
        if (c->field_mask & ~all_fields)
            return sim_err_set(err, SIM_EINVAL, pindex(p, "clients", i),
                               "field \"fields\" names a field index beyond data.fields (%u)",
                               s->data.fields);
        if (!c->field_mask)
            c->field_mask = all_fields;
    }

    /* After the regions (checkers name them) and the duration (it bounds the series). */
    TRY(parse_routing(s, field(root, "routing"), err));
    TRY(parse_monitor(s, field(root, "monitor"), dur_node, err));
    TRY(parse_alerts(s, field(root, "alerts"), err));

    if ((v = field(root, "expect"))) {
        TRY(get_array(v, "expect", "expectation", "expectations", 0, SIZE_MAX, &count, err));
        if (count && !(s->expects = sim_calloc(count, sizeof *s->expects)))
            return no_memory(err);
        i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            s->nexpects = i + 1;
            TRY(parse_expect(s, &s->expects[i], c, pindex(p, "expect", i), err));
        }
    }
    return 0;
}

/* ---- text checks and parsing ---- */

static void line_col(const char *text, size_t pos, size_t *line, size_t *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < pos; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static int text_error(const char *text, size_t pos, const char *what, sim_err *err)
{
    size_t line, col;
    line_col(text, pos, &line, &col);
    return sim_err_set(err, SIM_EINVAL, "", "%s at line %zu, column %zu", what, line, col);
}

/* What cJSON would crash on or mangle: NUL bytes (they end the text early), "\u0000" in a
 * string (it would end the string early), nesting deeper than SCN_MAX_DEPTH (recursion). */
static int prescan(const char *text, size_t len, sim_err *err)
{
    size_t depth = 0;
    bool in_string = false, escaped = false, blank = true;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\0')
            return text_error(text, i, "unexpected NUL byte", err);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            blank = false;
        if (in_string) {
            if (escaped) {
                escaped = false;
                if (c == 'u' && len - i > 4 && memcmp(text + i + 1, "0000", 4) == 0)
                    return text_error(text, i - 1, "\"\\u0000\" (a NUL character) in a string",
                                      err);
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > SCN_MAX_DEPTH)
                return text_error(text, i, "JSON nested deeper than " SCN_MAX_DEPTH_TEXT
                                  " levels", err);
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    if (blank)
        return sim_err_set(err, SIM_EINVAL, "", "empty file; expected a JSON object");
    return 0;
}

/* cJSON reports an allocation failure as a parse error; this flag tells them apart. */
static bool json_oom;

static void *json_malloc(size_t n)
{
    void *p = sim_malloc(n);
    if (!p)
        json_oom = true;
    return p;
}

static void json_free(void *p)
{
    sim_free(p);
}

/* Parse s->text (s->text_len bytes plus its NUL) into s. */
static int parse_text(scn_scenario *s, sim_err *err)
{
    char b[FOUND_N];
    int rc = prescan(s->text, s->text_len, err);
    if (rc < 0)
        return rc;
    cJSON_Hooks hooks = {.malloc_fn = json_malloc, .free_fn = json_free};
    cJSON_InitHooks(&hooks);
    json_oom = false;
    const char *end = NULL;
    /* The length includes the NUL: with require_null_terminated, cJSON checks that the
     * byte after the value (and any whitespace) is a NUL inside the buffer. */
    cJSON *root = cJSON_ParseWithLengthOpts(s->text, s->text_len + 1, &end, 1);
    if (!root) {
        if (json_oom)
            return no_memory(err);
        size_t pos = end ? (size_t)(end - s->text) : 0;
        size_t line, col;
        line_col(s->text, pos, &line, &col);
        return sim_err_set(err, SIM_EINVAL, "", "invalid JSON at line %zu, column %zu%s", line,
                           col, pos >= s->text_len ? ": unexpected end of file" : "");
    }
    if (!cJSON_IsObject(root))
        rc = sim_err_set(err, SIM_EINVAL, "", "expected a JSON object at the top level, got %s",
                         found(root, b));
    else
        rc = build(s, root, err);
    cJSON_Delete(root);
    return rc;
}

/* Takes ownership of text (len bytes followed by a NUL), whatever happens. */
static int parse_owned(const char *file, char *text, size_t len, scn_scenario **out,
                       sim_err *err)
{
    int rc;
    *out = NULL;
    scn_scenario *s = sim_calloc(1, sizeof *s);
    if (!s) {
        sim_free(text);
        return no_memory(err);
    }
    s->text = text;
    s->text_len = len;
    if ((rc = dup_str(file ? file : "", &s->file, err)) < 0)
        goto fail;
    if ((rc = parse_text(s, err)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    scn_free(s);              /* the scenario is calloc'ed: it frees exactly what was set */
    return rc;
}

static int set_file(sim_err *err, const char *file, int rc)
{
    if (rc < 0 && err)
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    return rc;
}

int scn_parse(const char *file, const char *text, size_t len, scn_scenario **out, sim_err *err)
{
    *out = NULL;
    if (len > SCN_MAX_FILE_BYTES)
        return set_file(err, file, sim_err_set(err, SIM_EINVAL, "",
                                               "file too large (%zu bytes; at most %u)", len,
                                               SCN_MAX_FILE_BYTES));
    char *copy = sim_malloc(len + 1);
    if (!copy)
        return set_file(err, file, no_memory(err));
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    return set_file(err, file, parse_owned(file, copy, len, out, err));
}

int scn_load(const char *path, scn_scenario **out, sim_err *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return set_file(err, path, sim_err_set(err, SIM_EIO, "", "cannot read: %s",
                                               strerror(errno)));
    size_t cap = 4096, len = 0;
    char *buf = sim_malloc(cap);
    int rc = buf ? 0 : no_memory(err);
    while (rc == 0) {
        if (len + 1 >= cap) {
            if (cap > SCN_MAX_FILE_BYTES) {
                rc = sim_err_set(err, SIM_EINVAL, "", "file too large (more than %u bytes)",
                                 SCN_MAX_FILE_BYTES);
                break;
            }
            char *bigger = sim_realloc(buf, cap * 2);
            if (!bigger) {
                rc = no_memory(err);
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp))
                rc = sim_err_set(err, SIM_EIO, "", "cannot read: %s", strerror(errno));
            break;
        }
    }
    fclose(fp);
    if (rc == 0 && len > SCN_MAX_FILE_BYTES)
        rc = sim_err_set(err, SIM_EINVAL, "", "file too large (more than %u bytes)",
                         SCN_MAX_FILE_BYTES);
    if (rc < 0) {
        sim_free(buf);
        return set_file(err, path, rc);
    }
    buf[len] = '\0';
    return set_file(err, path, parse_owned(path, buf, len, out, err));
}

void scn_free(scn_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nregions; i++) {
        sim_free(s->regions[i].name);
        for (int op = 0; op < SCN_OP_COUNT; op++)
            spec_fini(&s->regions[i].service[op]);
    }
    sim_free(s->regions);
    sim_free(s->network.pairs);
    spec_fini(&s->network.jitter);
    for (size_t i = 0; i < s->nclients; i++) {
        sim_free(s->clients[i].name);
        sim_free(s->clients[i].steps);
    }
    sim_free(s->clients);
    for (size_t i = 0; i < s->nfaults; i++) {
        sim_free(s->faults[i].group_of);
        spec_fini(&s->faults[i].extra);
    }
    sim_free(s->faults);
    for (size_t i = 0; i < s->nexpects; i++) {
        sim_free(s->expects[i].metric);
        sim_free(s->expects[i].pattern);
        sim_free(s->expects[i].op);
        sim_free(s->expects[i].region);
    }
    sim_free(s->expects);
    for (size_t i = 0; i < s->npatterns; i++) {
        sim_free(s->patterns[i].name);
        spec_fini(&s->patterns[i].cache.hit);
    }
    sim_free(s->patterns);
    sim_free(s->file);
    sim_free(s->text);
    sim_free(s->name);
    sim_free(s);
}

int scn_region_index(const scn_scenario *s, const char *name)
{
    for (size_t i = 0; i < s->nregions; i++)
        if (s->regions[i].name && strcmp(s->regions[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *scn_op_name(scn_op op)
{
    switch (op) {
    case SCN_READ:  return "read";
    case SCN_WRITE: return "write";
    default:        return "unknown";
    }
}

const char *scn_fault_kind_name(scn_fault_kind k)
{
    if ((unsigned)k >= SCN_FAULT_KIND_COUNT)
        return "unknown";
    return FAULT_KINDS[k];
}

const char *scn_pattern_kind_name(scn_pattern_kind k)
{
    if ((unsigned)k >= SCN_PATTERN_KIND_COUNT)
        return "unknown";
    return PATTERN_KINDS[k];
}

int scn_pattern_index(const scn_scenario *s, const char *name)
{
    for (size_t i = 0; i < s->npatterns; i++)
        if (s->patterns[i].name && strcmp(s->patterns[i].name, name) == 0)
            return (int)i;
    return -1;
}

scn_pattern scn_pattern_independent(void)
{
    scn_pattern p = {.name = NULL};
    pattern_defaults(&p, SCN_PATTERN_INDEPENDENT);
    /* A string literal: static storage, never freed (the caller owns nothing here). */
    p.name = (char *)PATTERN_KINDS[SCN_PATTERN_INDEPENDENT];
    return p;
}
