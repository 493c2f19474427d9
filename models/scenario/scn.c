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
 * are checked first (scn-world.c) so that the message shows durations as the file wrote
 * them, not nanoseconds as dist_check() sees them.
 *
 * cJSON reports an allocation failure exactly like a syntax error (NULL), so the allocation
 * hook records failures in a flag that turns the result into SIM_ENOMEM. The hook is set
 * before every parse: cJSON_InitHooks() is process-global, and this file is its only user.
 *
 * Rejected alternative: a declarative table of (field, type, offset, range) driving one
 * generic reader. It handles the simple fields in fewer lines, but half the fields have a
 * rule of their own (either-or forms, names resolved against regions, fields that depend on
 * a "kind"), and a table with escape hatches is harder to read than plain code.
 *
 * Files: this one holds the text checks, the parse, the walk of the top-level object and
 * the public queries; scn-json.c the generic helpers (typed getters, field lists, paths),
 * scn-world.c the world's sections, scn-deploy.c the deployment's, scn-cost.c the prices.
 * scn-int.h declares what they share, with the scn__ prefix; only these five files include
 * it or cJSON.h. */
#include "scn.h"
#include "scn-int.h"
#include "scn-vary.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SEED_MAX           9007199254740992.0 /* 2^53: every integer up to here is exact in a double */
#define STR_(x)            #x
#define STR(x)             STR_(x)
#define SCN_MAX_DEPTH_TEXT STR(SCN_MAX_DEPTH)

/* ---- the top level ---- */

static const char *const F_TOP[]
    = { "name",    "description", "seed",   "seeds",    "duration", "warmup",  "regions",
        "network", "clients",     "faults", "patterns", "data",     "routing", "failover",
        "monitor", "alerts",      "cost",   "expect",   "sweep",    "clock",   "residency" };

/* The file's base name without ".json"; "scenario" if that leaves nothing. */
static int default_name(scn_scenario *s, sim_err *err)
{
    const char *base = strrchr(s->file, '/');
    base = base ? base + 1 : s->file;
    size_t len = strlen(base);
    if (len >= 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    if (len == 0)
        return scn__dup_str("scenario", &s->name, err);
    s->name = sim_malloc(len + 1);
    if (!s->name)
        return scn__no_memory(err);
    memcpy(s->name, base, len);
    s->name[len] = '\0';
    return 0;
}

static int build(scn_scenario *s, const cJSON *root, sim_err *err)
{
    char         p[PATH_N], s1[64], s2[64];
    const cJSON *v;
    const char  *str = NULL;
    if (scn__check_fields(root, "", F_TOP, N_OF(F_TOP), err) < 0)
        return SIM_EINVAL;

    if ((v = scn__field(root, "name"))) {
        if (scn__get_str(v, "name", true, &str, err) < 0)
            return SIM_EINVAL;
        if (scn__dup_str(str, &s->name, err) < 0)
            return SIM_ENOMEM;
    } else if (default_name(s, err) < 0) {
        return SIM_ENOMEM;
    }
    if ((v = scn__field(root, "description"))
        && scn__get_str(v, "description", false, &str, err) < 0)
        return SIM_EINVAL;
    s->seed = 1;
    if ((v = scn__field(root, "seed"))
        && scn__get_uint(v, "seed", 0, (uint64_t)SEED_MAX, &s->seed, err) < 0)
        return SIM_EINVAL;
    uint64_t seeds = 1;
    if ((v = scn__field(root, "seeds")) && scn__get_uint(v, "seeds", 1, 1000, &seeds, err) < 0)
        return SIM_EINVAL;
    s->seeds = (uint32_t)seeds;
    if (!(v = scn__field(root, "duration")))
        return scn__missing("", "duration", err);
    if (scn__get_pos_dur(v, "duration", &s->duration, err) < 0)
        return SIM_EINVAL;
    const cJSON *dur_node = v;
    s->warmup = 0;
    if ((v = scn__field(root, "warmup"))) {
        if (scn__get_dur(v, "warmup", false, &s->warmup, err) < 0)
            return SIM_EINVAL;
        if (s->warmup >= s->duration)
            return sim_err_set(err, SIM_EINVAL, "warmup",
                               "expected less than the duration (\"%s\"), got \"%s\"",
                               scn__clip(dur_node->valuestring, s1, sizeof s1),
                               scn__clip(v->valuestring, s2, sizeof s2));
    }

    /* Regions come first: everything after may name them. */
    size_t count;
    if (!(v = scn__field(root, "regions")))
        return scn__missing("", "regions", err);
    TRY(scn__get_array(v, "regions", "region", "regions", 1, SCN_MAX_REGIONS, &count, err));
    if (!(s->regions = sim_calloc(count, sizeof *s->regions)))
        return scn__no_memory(err);
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        /* Counted before it is parsed so that scn_free() frees what it holds; its name is
         * NULL until it is known, which scn_region_index() skips. */
        s->nregions = i + 1;
        TRY(scn__parse_region(s, i, c, scn__pindex(p, "regions", i), err));
    }

    TRY(scn__parse_network(s, scn__field(root, "network"), err));

    if (!(v = scn__field(root, "clients")))
        return scn__missing("", "clients", err);
    TRY(scn__get_array(v, "clients", "client", "clients", 1, SCN_MAX_CLIENTS, &count, err));
    if (!(s->clients = sim_calloc(count, sizeof *s->clients)))
        return scn__no_memory(err);
    i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        s->nclients = i + 1;
        TRY(scn__parse_client(s, i, c, scn__pindex(p, "clients", i), err));
    }
    TRY(scn__parse_residency(s, scn__field(root, "residency"), err));

    if ((v = scn__field(root, "faults"))) {
        TRY(scn__get_array(v, "faults", "fault", "faults", 0, SIZE_MAX, &count, err));
        if (count && !(s->faults = sim_calloc(count, sizeof *s->faults)))
            return scn__no_memory(err);
        i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            s->nfaults = i + 1;
            TRY(scn__parse_fault(s, &s->faults[i], c, scn__pindex(p, "faults", i), err));
        }
        TRY(scn__sort_faults(s, err));
    }

    /* Patterns before expectations, which may name them. */
    if ((v = scn__field(root, "patterns")))
        TRY(scn__parse_patterns(s, v, err));
    TRY(scn__parse_data(s, scn__field(root, "data"), err));
    uint8_t all_fields = (uint8_t)((1u << s->data.fields) - 1);
    for (i = 0; i < s->nclients; i++) {
        scn_client *c = &s->clients[i];
        if (c->field_mask & ~all_fields)
            return sim_err_set(err, SIM_EINVAL, scn__pindex(p, "clients", i),
                               "field \"fields\" names a field index beyond data.fields (%u)",
                               s->data.fields);
        if (!c->field_mask)
            c->field_mask = all_fields;
    }

    /* After the regions (checkers name them) and the duration (it bounds the series). */
    TRY(scn__parse_routing(s, scn__field(root, "routing"), err));
    TRY(scn__parse_failover(s, scn__field(root, "failover"), err));
    TRY(scn__parse_monitor(s, scn__field(root, "monitor"), dur_node, err));
    TRY(scn__parse_alerts(s, scn__field(root, "alerts"), err));
    TRY(scn__parse_cost(s, scn__field(root, "cost"), err));
    TRY(scn__parse_clock(s, scn__field(root, "clock"), err));
    TRY(scn__check_limits(s, err));

    if ((v = scn__field(root, "expect"))) {
        TRY(scn__get_array(v, "expect", "expectation", "expectations", 0, SIZE_MAX, &count, err));
        if (count && !(s->expects = sim_calloc(count, sizeof *s->expects)))
            return scn__no_memory(err);
        i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            s->nexpects = i + 1;
            TRY(scn__parse_expect(s, &s->expects[i], c, scn__pindex(p, "expect", i), err));
            TRY(scn__check_expect_metric(&s->expects[i], p, err));
        }
    }

    /* Last: its paths point anywhere in the document, its pattern and objectives name
     * what was read above. */
    if ((v = scn__field(root, "sweep")))
        TRY(scn__parse_sweep(s, v, root, err));
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
    bool   in_string = false, escaped = false, blank = true;
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
                return text_error(text, i, "JSON nested deeper than " SCN_MAX_DEPTH_TEXT " levels",
                                  err);
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

static void json_free(void *p) { sim_free(p); }

int scn__json_parse(const char *text, size_t len, cJSON **out, sim_err *err)
{
    *out = NULL;
    int rc = prescan(text, len, err);
    if (rc < 0)
        return rc;
    cJSON_Hooks hooks = { .malloc_fn = json_malloc, .free_fn = json_free };
    cJSON_InitHooks(&hooks);
    json_oom = false;
    const char *end = NULL;
    /* The length includes the NUL: with require_null_terminated, cJSON checks that the
     * byte after the value (and any whitespace) is a NUL inside the buffer. */
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        if (json_oom)
            return scn__no_memory(err);
        size_t pos = end ? (size_t)(end - text) : 0;
        size_t line, col;
        line_col(text, pos, &line, &col);
        return sim_err_set(err, SIM_EINVAL, "", "invalid JSON at line %zu, column %zu%s", line, col,
                           pos >= len ? ": unexpected end of file" : "");
    }
    *out = root;
    return 0;
}

/* Parse s->text (s->text_len bytes plus its NUL) into s. */
static int parse_text(scn_scenario *s, sim_err *err)
{
    char   b[FOUND_N];
    cJSON *root = NULL;
    int    rc = scn__json_parse(s->text, s->text_len, &root, err);
    if (rc < 0)
        return rc;
    if (!cJSON_IsObject(root))
        rc = sim_err_set(err, SIM_EINVAL, "", "expected a JSON object at the top level, got %s",
                         scn__found(root, b));
    else
        rc = build(s, root, err);
    cJSON_Delete(root);
    return rc;
}

/* Takes ownership of text (len bytes followed by a NUL), whatever happens. */
static int parse_owned(const char *file, char *text, size_t len, scn_scenario **out, sim_err *err)
{
    int rc;
    *out = NULL;
    scn_scenario *s = sim_calloc(1, sizeof *s);
    if (!s) {
        sim_free(text);
        return scn__no_memory(err);
    }
    s->text = text;
    s->text_len = len;
    if ((rc = scn__dup_str(file ? file : "", &s->file, err)) < 0)
        goto fail;
    if ((rc = parse_text(s, err)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    scn_free(s); /* the scenario is calloc'ed: it frees exactly what was set */
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
        return set_file(err, file,
                        sim_err_set(err, SIM_EINVAL, "", "file too large (%zu bytes; at most %u)",
                                    len, SCN_MAX_FILE_BYTES));
    char *copy = sim_malloc(len + 1);
    if (!copy)
        return set_file(err, file, scn__no_memory(err));
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
        return set_file(err, path,
                        sim_err_set(err, SIM_EIO, "", "cannot read: %s", strerror(errno)));
    size_t cap = 4096, len = 0;
    char  *buf = sim_malloc(cap);
    int    rc = buf ? 0 : scn__no_memory(err);
    while (rc == 0) {
        if (len + 1 >= cap) {
            if (cap > SCN_MAX_FILE_BYTES) {
                rc = sim_err_set(err, SIM_EINVAL, "", "file too large (more than %u bytes)",
                                 SCN_MAX_FILE_BYTES);
                break;
            }
            char *bigger = sim_realloc(buf, cap * 2);
            if (!bigger) {
                rc = scn__no_memory(err);
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
            scn__spec_fini(&s->regions[i].service[op]);
    }
    sim_free(s->regions);
    sim_free(s->network.pairs);
    sim_free(s->network.bw_pairs);
    scn__spec_fini(&s->network.jitter);
    scn__spec_fini(&s->clock_error);
    for (size_t i = 0; i < s->nclients; i++) {
        sim_free(s->clients[i].name);
        sim_free(s->clients[i].steps);
    }
    sim_free(s->clients);
    sim_free(s->residency);
    for (size_t i = 0; i < s->nfaults; i++) {
        sim_free(s->faults[i].group_of);
        scn__spec_fini(&s->faults[i].extra);
    }
    sim_free(s->faults);
    for (size_t i = 0; i < s->nexpects; i++) {
        sim_free(s->expects[i].metric);
        sim_free(s->expects[i].pattern);
        sim_free(s->expects[i].op);
        sim_free(s->expects[i].region);
        sim_free(s->expects[i].client);
    }
    sim_free(s->expects);
    for (size_t i = 0; i < s->npatterns; i++) {
        sim_free(s->patterns[i].name);
        scn__spec_fini(&s->patterns[i].cache.hit);
    }
    sim_free(s->patterns);
    sim_free(s->cost.server_hour);
    sim_free(s->cost.transfer_gb);
    scn_sweep_free(s->sweep);
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
    case SCN_READ:
        return "read";
    case SCN_WRITE:
        return "write";
    default:
        return "unknown";
    }
}

const char *scn_fault_kind_name(scn_fault_kind k)
{
    if ((unsigned)k >= SCN_FAULT_KIND_COUNT)
        return "unknown";
    return scn__fault_kinds[k];
}

const char *scn_pattern_kind_name(scn_pattern_kind k)
{
    if ((unsigned)k >= SCN_PATTERN_KIND_COUNT)
        return "unknown";
    return scn__pattern_kinds[k];
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
    scn_pattern p = { .name = NULL };
    scn__pattern_defaults(&p, SCN_PATTERN_INDEPENDENT);
    /* A string literal: static storage, never freed (the caller owns nothing here). */
    p.name = (char *)scn__pattern_kinds[SCN_PATTERN_INDEPENDENT];
    return p;
}

bool scn_pattern_has_failover(const scn_scenario *s, const scn_pattern *p)
{
    return scn_pattern_managed(p, &s->failover);
}

bool scn_pattern_uses_dns(const scn_scenario *s, const scn_pattern *p)
{
    return s->dns.enabled || scn_pattern_has_failover(s, p);
}
