/* scn-json.c - the scenario loader's generic JSON checks (declared in scn-int.h).
 *
 * Every reader of a section goes through these: scn__check_fields() refuses unknown fields
 * (suggesting the closest known name) and duplicate keys; the typed getters (scn__get_num,
 * scn__get_dur, scn__get_str, ...) check a node's type, range and units and write the message
 * in STYLE.md section 4's form, what was expected then "got ..." as scn__found() describes
 * the node; the path helpers build the JSON path a message names, cut at PATH_N - 1 bytes.
 * Nothing here knows a section of a scenario, except scn__get_region(), which resolves a
 * region name against the regions read so far and lists them when the name is unknown. */
#include "scn-int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- describing what was found ---- */

/* v in the shortest of %.15g..%.17g that reads back as v ("2.5", "-3", "1e+300"). */
const char *scn__fmt_num(double v, char *buf, size_t n)
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
const char *scn__clip(const char *s, char *buf, size_t n)
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
        snprintf(buf, len, "a number too large for a double"); /* cJSON read 1e400 as inf */
    else if (cJSON_IsNumber(n))
        snprintf(buf, len, "%s%s", numeric ? "" : "number ",
                 scn__fmt_num(n->valuedouble, tmp, sizeof tmp));
    else if (cJSON_IsString(n))
        snprintf(buf, len, "string \"%s\"", scn__clip(n->valuestring, tmp, sizeof tmp));
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

const char *scn__found(const cJSON *n, char *buf) { return found_as(n, false, buf, FOUND_N); }

static const char *found_num(const cJSON *n, char *buf) { return found_as(n, true, buf, FOUND_N); }

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

const char *scn__pjoin(char *buf, const char *parent, const char *key)
{
    if (!parent || !*parent)
        return path_fmt(buf, "%s", key);
    return path_fmt(buf, "%s.%s", parent, key);
}

const char *scn__pindex(char *buf, const char *parent, size_t i)
{
    return path_fmt(buf, "%s[%zu]", parent, i);
}

/* ---- objects and their fields ---- */

const cJSON *scn__field(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

size_t scn__count_children(const cJSON *n)
{
    size_t k = 0;
    for (const cJSON *c = n->child; c; c = c->next)
        k++;
    return k;
}

/* Levenshtein distance for short strings, SIZE_MAX when either is too long to bother. */
size_t scn__edit_distance(const char *a, const char *b)
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
static int unknown_field(const char *path, const char *key, const char *const *known, size_t nknown,
                         sim_err *err)
{
    char   k[64], list[256];
    size_t best = SIZE_MAX, at = 0;
    for (size_t i = 0; i < nknown; i++) {
        size_t d = scn__edit_distance(key, known[i]);
        if (d < best) {
            best = d;
            at = i;
        }
    }
    if (best <= 2 && best < strlen(known[at]))
        return sim_err_set(err, SIM_EINVAL, path, "unknown field \"%s\" (did you mean \"%s\"?)",
                           scn__clip(key, k, sizeof k), known[at]);
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < nknown && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", known[i]);
    return sim_err_set(err, SIM_EINVAL, path, "unknown field \"%s\"; expected one of: %s",
                       scn__clip(key, k, sizeof k), list);
}

/* obj must be an object whose keys are all in known[], each at most once (nknown <= 64). */
int scn__check_fields(const cJSON *obj, const char *path, const char *const *known, size_t nknown,
                      sim_err *err)
{
    char b[FOUND_N], k[64];
    if (!cJSON_IsObject(obj))
        return sim_err_set(err, SIM_EINVAL, path, "expected an object, got %s", scn__found(obj, b));
    uint64_t seen = 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        size_t i = 0;
        while (i < nknown && strcmp(c->string, known[i]) != 0)
            i++;
        if (i == nknown)
            return unknown_field(path, c->string, known, nknown, err);
        if (seen & (UINT64_C(1) << i))
            return sim_err_set(err, SIM_EINVAL, path, "duplicate field \"%s\"",
                               scn__clip(c->string, k, sizeof k));
        seen |= UINT64_C(1) << i;
    }
    return 0;
}

int scn__missing(const char *path, const char *key, sim_err *err)
{
    return sim_err_set(err, SIM_EINVAL, path, "missing required field \"%s\"", key);
}

int scn__no_memory(sim_err *err) { return sim_err_set(err, SIM_ENOMEM, "", "out of memory"); }

/* ---- typed getters: each checks its node and writes the message on failure ---- */

/* An integer in [lo, hi] (hi <= 2^53, so the double holds it exactly). */
int scn__get_uint(const cJSON *n, const char *path, uint64_t lo, uint64_t hi, uint64_t *out,
                  sim_err *err)
{
    char        b[FOUND_N];
    const char *what = lo == 0 ? "a non-negative integer"
        : lo == 1              ? "a positive integer"
                               : "an integer";
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
int scn__get_num(const cJSON *n, const char *path, double lo, bool lo_open, double hi, bool hi_open,
                 const char *what, double *out, sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsNumber(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", what, found_num(n, b));
    double v = n->valuedouble;
    bool   ok = isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (!ok)
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", what, found_num(n, b));
    *out = v;
    return 0;
}

int scn__get_any_num(const cJSON *n, const char *path, double *out, sim_err *err)
{
    return scn__get_num(n, path, -INFINITY, false, INFINITY, false, "a number", out, err);
}

/* A duration string; with allow_neg a leading '-' is accepted (clock offsets only). */
int scn__get_dur(const cJSON *n, const char *path, bool allow_neg, sim_time *out, sim_err *err)
{
    char        b[FOUND_N], s[64];
    const char *example = allow_neg ? "\"-50ms\"" : "\"250ms\"";
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected a duration such as %s, got %s", example,
                           scn__found(n, b));
    const char *text = n->valuestring;
    bool        neg = text[0] == '-';
    if (neg && !allow_neg)
        return sim_err_set(err, SIM_EINVAL, path, "expected a non-negative duration, got \"%s\"",
                           scn__clip(text, s, sizeof s));
    sim_time t;
    int      rc = sim_time_parse(neg ? text + 1 : text, &t);
    if (rc == SIM_ERANGE)
        return sim_err_set(err, SIM_EINVAL, path,
                           "duration \"%s\" is too long (at most about 292 years)",
                           scn__clip(text, s, sizeof s));
    if (rc < 0)
        return sim_err_set(err, SIM_EINVAL, path, "expected a duration such as %s, got \"%s\"",
                           example, scn__clip(text, s, sizeof s));
    *out = neg ? -t : t;
    return 0;
}

int scn__get_pos_dur(const cJSON *n, const char *path, sim_time *out, sim_err *err)
{
    char s[64];
    int  rc = scn__get_dur(n, path, false, out, err);
    if (rc < 0)
        return rc;
    if (*out <= 0)
        return sim_err_set(err, SIM_EINVAL, path, "expected a positive duration, got \"%s\"",
                           scn__clip(n->valuestring, s, sizeof s));
    return 0;
}

int scn__get_str(const cJSON *n, const char *path, bool nonempty, const char **out, sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected a %sstring, got %s",
                           nonempty ? "non-empty " : "", scn__found(n, b));
    if (nonempty && n->valuestring[0] == '\0')
        return sim_err_set(err, SIM_EINVAL, path, "expected a non-empty string, got \"\"");
    *out = n->valuestring;
    return 0;
}

int scn__dup_str(const char *text, char **out, sim_err *err)
{
    *out = sim_strdup(text);
    return *out ? 0 : scn__no_memory(err);
}

int scn__get_bool(const cJSON *n, const char *path, bool *out, sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsBool(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected true or false, got %s",
                           scn__found(n, b));
    *out = cJSON_IsTrue(n);
    return 0;
}

/* A string that is one of names[0 .. count-1]; its index goes to *out. 'list' is how the
 * message spells the choices ("\"lww\" or \"merge\""). */
int scn__get_choice(const cJSON *n, const char *path, const char *const *names, size_t count,
                    const char *list, int *out, sim_err *err)
{
    char b[FOUND_N], k[64];
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %s", list, scn__found(n, b));
    for (size_t i = 0; i < count; i++) {
        if (strcmp(n->valuestring, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    return sim_err_set(err, SIM_EINVAL, path, "expected %s, got \"%s\"", list,
                       scn__clip(n->valuestring, k, sizeof k));
}

/* An array of lo..hi elements (lo is 0 or 1); 'one' and 'many' name what it holds. */
int scn__get_array(const cJSON *n, const char *path, const char *one, const char *many, size_t lo,
                   size_t hi, size_t *count, sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsArray(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected an array of %s, got %s", many,
                           scn__found(n, b));
    size_t k = scn__count_children(n);
    if (k < lo)
        return sim_err_set(err, SIM_EINVAL, path, "expected at least one %s, got an empty array",
                           one);
    if (k > hi)
        return sim_err_set(err, SIM_EINVAL, path, "expected at most %zu %s, got %zu", hi, many, k);
    *count = k;
    return 0;
}

/* [latitude, longitude] in degrees. */
int scn__get_latlon(const cJSON *n, const char *path, double *lat, double *lon, sim_err *err)
{
    char b[FOUND_N], p[PATH_N];
    if (!cJSON_IsArray(n) || scn__count_children(n) != 2) {
        if (cJSON_IsArray(n))
            return sim_err_set(err, SIM_EINVAL, path,
                               "expected [latitude, longitude], got an array of %zu",
                               scn__count_children(n));
        return sim_err_set(err, SIM_EINVAL, path, "expected [latitude, longitude], got %s",
                           scn__found(n, b));
    }
    if (scn__get_num(n->child, scn__pindex(p, path, 0), -90, false, 90, false,
                     "a latitude in [-90, 90]", lat, err)
        < 0)
        return SIM_EINVAL;
    return scn__get_num(n->child->next, scn__pindex(p, path, 1), -180, false, 180, false,
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

int scn__unknown_region(const scn_scenario *s, const char *path, const char *name, sim_err *err)
{
    char k[64], list[300];
    known_regions(s, list, sizeof list);
    return sim_err_set(err, SIM_EINVAL, path, "unknown region \"%s\"; known regions: %s",
                       scn__clip(name, k, sizeof k), list);
}

int scn__get_region(const scn_scenario *s, const cJSON *n, const char *path, uint32_t *out,
                    sim_err *err)
{
    char b[FOUND_N];
    if (!cJSON_IsString(n))
        return sim_err_set(err, SIM_EINVAL, path, "expected a region name, got %s",
                           scn__found(n, b));
    int i = scn_region_index(s, n->valuestring);
    if (i < 0)
        return scn__unknown_region(s, path, n->valuestring, err);
    *out = (uint32_t)i;
    return 0;
}
