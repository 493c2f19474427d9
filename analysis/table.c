/* table.c - the terminal summary of a run and the JSON document for scripts.
 *
 * Both walk the run_result's flat metric list. A "row" is a distinct (scope, key) pair, taken
 * in order of first appearance, so rows come out as the run produced them (all, read, write,
 * then the regions in scenario order) and nothing here knows how many regions or operations
 * there are. Lookups are linear scans: a result has at most a few thousand metrics and this
 * runs once per run, so an index would only add code.
 *
 * The terminal table is printed in two passes over the same cell formatter: the first measures
 * every column, the second prints, so no cell text is stored and nothing is allocated. Widths
 * count UTF-8 characters, not bytes, so region names such as "são-paulo" keep the columns
 * aligned (wide CJK characters would still be off by one each; not worth a wcwidth table).
 *
 * The JSON is written by hand with its own escaper, because cJSON belongs to the scenario
 * loader alone (DESIGN.md) and because the number format must be exactly ours: cJSON prints
 * doubles with "%.15g"/"%.17g" by value, which we do not want to be bound to. */
#include "table.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* --- rows ----------------------------------------------------------------------------- */

static bool same_row(const run_metric *a, const run_metric *b)
{
    return a->scope == b->scope && strcmp(a->key ? a->key : "", b->key ? b->key : "") == 0;
}

/* True when metrics[i] is the first metric of its (scope, key) row. */
static bool row_starts_at(const run_result *r, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (same_row(&r->metrics[j], &r->metrics[i]))
            return false;
    return true;
}

/* The metric called name in the row of metrics[row]; NULL when the row has none. */
static const run_metric *row_find(const run_result *r, size_t row, const char *name)
{
    for (size_t j = row; j < r->nmetrics; j++)
        if (same_row(&r->metrics[j], &r->metrics[row]) && strcmp(r->metrics[j].name, name) == 0)
            return &r->metrics[j];
    return NULL;
}

/* --- terminal table ------------------------------------------------------------------- */

static const struct column {
    const char *metric; /* name in the run_result */
    const char *label;  /* column header */
    table_fmt   kind;
} columns[] = {
    { "requests", "requests", TABLE_FMT_COUNT }, { "ok", "ok", TABLE_FMT_COUNT },
    { "errors", "errors", TABLE_FMT_COUNT },     { "timeouts", "timeouts", TABLE_FMT_COUNT },
    { "rejected", "rejected", TABLE_FMT_COUNT }, { "availability", "avail", TABLE_FMT_AVAIL },
    { "throughput_rps", "rps", TABLE_FMT_RATE }, { "mean_ms", "mean", TABLE_FMT_MS },
    { "p50_ms", "p50", TABLE_FMT_MS },           { "p90_ms", "p90", TABLE_FMT_MS },
    { "p99_ms", "p99", TABLE_FMT_MS },           { "p999_ms", "p99.9", TABLE_FMT_MS },
    { "max_ms", "max", TABLE_FMT_MS },           { "utilization", "util", TABLE_FMT_UTIL },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

static bool is_column_metric(const char *name)
{
    for (size_t c = 0; c < NCOLUMNS; c++)
        if (strcmp(columns[c].metric, name) == 0)
            return true;
    return false;
}

/* Three or four significant digits, at most three decimals (for sub-ms latencies). */
static void format_num(char *buf, size_t n, double v)
{
    if (fabs(v) < 1)
        snprintf(buf, n, "%.3f", v);
    else if (fabs(v) < 100)
        snprintf(buf, n, "%.2f", v);
    else if (fabs(v) < 1000)
        snprintf(buf, n, "%.1f", v);
    else
        snprintf(buf, n, "%.0f", v);
}

/* digits (ASCII digits, then maybe ".dd") with a comma between groups of three before the
 * point, and a leading '-' when neg. */
static void group_digits(char *buf, size_t n, const char *digits, bool neg)
{
    size_t len = strcspn(digits, "."), o = 0;
    if (neg && o + 1 < n)
        buf[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    for (size_t i = len; digits[i] && o + 1 < n; i++)
        buf[o++] = digits[i];
    buf[o] = '\0';
}

void table_format(char *buf, size_t n, table_fmt kind, double v)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, "%sinf", v < 0 ? "-" : "");
        return;
    }
    switch (kind) {
    case TABLE_FMT_MS:
        if (v == 0)
            snprintf(buf, n, "0"); /* not "0.000": exactly nothing */
        else
            format_num(buf, n, v);
        break;
    case TABLE_FMT_AVAIL:
        if (v == 1.0)
            snprintf(buf, n, "100%%");
        else
            snprintf(buf, n, "%.3f%%", floor(v * 1e5) / 1e3);
        break;
    case TABLE_FMT_SHARE:
        if (v == 0)
            snprintf(buf, n, "0%%");
        else if (v > 0 && v < 0.5e-5)
            snprintf(buf, n, "<0.001%%");
        else
            snprintf(buf, n, "%.3f%%", v * 100);
        break;
    case TABLE_FMT_RATE:
        snprintf(buf, n, "%.1f", v);
        break;
    case TABLE_FMT_UTIL:
        snprintf(buf, n, "%.1f%%", v * 100);
        break;
    case TABLE_FMT_COUNT:
        if (v == floor(v))
            snprintf(buf, n, "%.0f", v + 0.0); /* + 0.0: no "-0" */
        else
            snprintf(buf, n, "%.1f", v);
        break;
    case TABLE_FMT_BYTES: {
        /* Whole bytes in groups of three: bytes of two patterns often differ in the last
         * digits only, and a rounded "53.64M" next to another "53.64M" would hide which is
         * best. Means over seeds are rounded: a fraction of a byte says nothing. */
        double a = fabs(v), whole = floor(a + 0.5);
        if (a >= 1e18) { /* beyond any byte count: no grouping */
            snprintf(buf, n, "%.4g", v);
            break;
        }
        char digits[32];
        snprintf(digits, sizeof digits, "%.0f", whole);
        group_digits(buf, n, digits, v < 0);
        break;
    }
    case TABLE_FMT_MONEY: {
        double a = fabs(v);
        if (a >= 1e15) { /* beyond any bill: no grouping */
            snprintf(buf, n, "%.4g", v);
            break;
        }
        if (a > 0 && a < 0.005) {
            snprintf(buf, n, "%s<0.01", v < 0 ? "-" : "");
            break;
        }
        char digits[40];
        snprintf(digits, sizeof digits, "%.2f", a);
        group_digits(buf, n, digits, v < 0);
        break;
    }
    case TABLE_FMT_NUM:
        if (fabs(v) >= 1000)
            snprintf(buf, n, "%.0f", v);
        else
            snprintf(buf, n, "%.4g", v);
        break;
    }
}

static void row_cell(const run_result *r, size_t row, size_t c, char *buf, size_t n)
{
    const run_metric *m = row_find(r, row, columns[c].metric);
    if (!m)
        snprintf(buf, n, "-");
    else
        table_format(buf, n, columns[c].kind, m->value);
}

/* The row's label: "all" for the whole run, else the operation or region name, or "users
 * NAME" for a client population (whose name may also be a region's). In a static buffer:
 * each use is done with it before the next call. */
static const char *row_label(const run_metric *m)
{
    static char buf[160];
    if (m->scope == RUN_SCOPE_ALL || !m->key || !m->key[0])
        return "all";
    if (m->scope == RUN_SCOPE_CLIENT) {
        snprintf(buf, sizeof buf, "users %s", m->key);
        return buf;
    }
    return m->key;
}

/* Characters, not bytes, of UTF-8 text: UTF-8 continuation bytes (10xxxxxx) do not count. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* Write s with control characters replaced by '?', so that a name from a scenario file can
 * neither break the table's lines nor send escape sequences to the terminal. */
static void put_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, out);
    }
}

static void put_padded(FILE *out, const char *s, size_t width, bool right)
{
    size_t w = text_width(s);
    if (right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
    put_text(out, s);
    if (!right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
}

/* Simulated time as seconds with at most millisecond decimals, trailing zeros dropped:
 * "600s", "15.5s", "600.012s". (sim_time_format would fall back to "600012079.367us" for a
 * time that is not a whole number of milliseconds, as the end of a run usually is not.) */
static void format_time(sim_time t, char *buf, size_t n)
{
    char num[40];
    snprintf(num, sizeof num, "%.3f", sim_time_s(t));
    char *dot = strchr(num, '.');
    if (dot) {
        char *end = num + strlen(num);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    snprintf(buf, n, "%ss", num);
}

/* Metrics that have no column, listed per row under the table. */
static void print_other_metrics(FILE *out, const run_result *r)
{
    bool any = false;
    for (size_t i = 0; i < r->nmetrics; i++)
        if (!is_column_metric(r->metrics[i].name))
            any = true;
    if (!any)
        return;
    fputs("\nother metrics:\n", out);
    for (size_t row = 0; row < r->nmetrics; row++) {
        if (!row_starts_at(r, row))
            continue;
        bool started = false;
        for (size_t j = row; j < r->nmetrics; j++) {
            const run_metric *m = &r->metrics[j];
            if (!same_row(m, &r->metrics[row]) || is_column_metric(m->name))
                continue;
            if (!started) {
                fputs("  ", out);
                put_text(out, row_label(m));
                fputc(':', out);
                started = true;
            }
            fputc(' ', out);
            put_text(out, m->name);
            if (isnan(m->value))
                fputs("=-", out);
            else
                fprintf(out, "=%.6g", m->value);
        }
        if (started)
            fputc('\n', out);
    }
}

static void print_event_log(FILE *out, const run_result *r)
{
    if (r->nlog == 0)
        return;
    size_t wt = strlen("time"), wk = strlen("kind");
    char   t[32];
    for (size_t i = 0; i < r->nlog; i++) {
        format_time(r->log[i].t, t, sizeof t);
        if (strlen(t) > wt)
            wt = strlen(t);
        if (text_width(r->log[i].kind) > wk)
            wk = text_width(r->log[i].kind);
    }
    fputs("\nevent log:\n  ", out);
    put_padded(out, "time", wt, false);
    fputs("  ", out);
    put_padded(out, "kind", wk, false);
    fputs("  detail\n", out);
    for (size_t i = 0; i < r->nlog; i++) {
        const run_event *e = &r->log[i];
        char             detail[sizeof e->detail + 1];
        snprintf(detail, sizeof detail, "%.*s", (int)sizeof e->detail, e->detail);
        format_time(e->t, t, sizeof t);
        fputs("  ", out);
        put_padded(out, t, wt, false);
        fputs("  ", out);
        put_padded(out, e->kind, wk, false);
        fputs("  ", out);
        put_text(out, detail);
        fputc('\n', out);
    }
}

void table_print_summary(FILE *out, const run_result *r)
{
    char sim[32], cell[64];
    format_time(r->simulated, sim, sizeof sim);
    fputs("scenario: ", out);
    put_text(out, r->scn && r->scn->name ? r->scn->name : "-");
    fputs("  pattern: ", out);
    put_text(out, r->pattern ? r->pattern : "-");
    fprintf(out, "  seed: %" PRIu64 "  simulated: %s  events: %" PRIu64 "\n", r->seed, sim,
            r->events);

    /* Pass 1: widths. */
    size_t wlabel = strlen("scope"), w[NCOLUMNS];
    for (size_t c = 0; c < NCOLUMNS; c++)
        w[c] = strlen(columns[c].label);
    for (size_t row = 0; row < r->nmetrics; row++) {
        if (!row_starts_at(r, row))
            continue;
        size_t lw = text_width(row_label(&r->metrics[row]));
        if (lw > wlabel)
            wlabel = lw;
        for (size_t c = 0; c < NCOLUMNS; c++) {
            row_cell(r, row, c, cell, sizeof cell);
            if (strlen(cell) > w[c])
                w[c] = strlen(cell);
        }
    }

    /* Pass 2: the header and the rows. */
    fputc('\n', out);
    put_padded(out, "scope", wlabel, false);
    for (size_t c = 0; c < NCOLUMNS; c++) {
        fputs("  ", out);
        put_padded(out, columns[c].label, w[c], true);
    }
    fputc('\n', out);
    for (size_t row = 0; row < r->nmetrics; row++) {
        if (!row_starts_at(r, row))
            continue;
        put_padded(out, row_label(&r->metrics[row]), wlabel, false);
        for (size_t c = 0; c < NCOLUMNS; c++) {
            row_cell(r, row, c, cell, sizeof cell);
            fputs("  ", out);
            put_padded(out, cell, w[c], true);
        }
        fputc('\n', out);
    }
    if (r->nmetrics == 0)
        fputs("(no metrics)\n", out);
    else
        fputs("latencies (mean .. max) in ms\n", out);

    print_other_metrics(out, r);
    print_event_log(out, r);
}

/* --- JSON ----------------------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s (1..4), or 0 when s does not start one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid, per RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t        n;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong 3-byte forms */
        if (c == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* no overlong 4-byte forms */
        if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) /* a NUL terminator fails here too */
            return 0;
    return n;
}

/* A JSON string (RFC 8259, section 7), or null for NULL. */
static void json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t n = utf8_seq_len(p);
            if (n == 0) {
                fputs("\\ufffd", out); /* not UTF-8: the replacement character */
                p++;
            } else {
                fwrite(p, 1, n, out);
                p += n;
            }
            continue;
        }
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            /* Other control characters must be escaped; DEL need not be, but is, so that
             * the output is plain printable text. */
            if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
        p++;
    }
    fputc('"', out);
}

/* A JSON number in the one spelling described in table.h. */
static void json_num(FILE *out, double v)
{
    if (!isfinite(v))
        fputs("null", out);
    else if (v == floor(v) && fabs(v) < 9007199254740992.0) /* 2^53 */
        fprintf(out, "%.0f", v + 0.0);                      /* + 0.0 turns -0 into 0 */
    else
        fprintf(out, "%.10g", v);
}

/* {name: value, ...} for the row of metrics[row], in the result's order. */
static void json_row(FILE *out, const run_result *r, size_t row)
{
    fputc('{', out);
    bool first = true;
    for (size_t j = row; j < r->nmetrics; j++) {
        const run_metric *m = &r->metrics[j];
        if (!same_row(m, &r->metrics[row]))
            continue;
        fputs(first ? "" : ", ", out);
        first = false;
        json_str(out, m->name);
        fputs(": ", out);
        json_num(out, m->value);
    }
    fputc('}', out);
}

/* "name": {key: {...}, ...} for every row of the given scope, one per line. */
static void json_scope_map(FILE *out, const run_result *r, run_scope scope, const char *name)
{
    fprintf(out, "      \"%s\": {", name);
    bool first = true;
    for (size_t row = 0; row < r->nmetrics; row++) {
        if (r->metrics[row].scope != scope || !row_starts_at(r, row))
            continue;
        fputs(first ? "\n        " : ",\n        ", out);
        first = false;
        json_str(out, r->metrics[row].key ? r->metrics[row].key : "");
        fputs(": ", out);
        json_row(out, r, row);
    }
    fputs(first ? "}" : "\n      }", out);
}

static void json_run(FILE *out, const run_result *r, const double *wall_s)
{
    fputs("    {\n      \"pattern\": ", out);
    json_str(out, r->pattern);
    fprintf(out, ",\n      \"seed\": %" PRIu64 ",\n      \"simulated_s\": ", r->seed);
    json_num(out, sim_time_s(r->simulated));
    fprintf(out, ",\n      \"events\": %" PRIu64 ",\n      \"wall_s\": ", r->events);
    json_num(out, wall_s ? *wall_s : NAN);

    /* The whole-run metrics: the row of scope all. */
    fputs(",\n      \"metrics\": ", out);
    size_t all = 0;
    while (all < r->nmetrics && r->metrics[all].scope != RUN_SCOPE_ALL)
        all++;
    if (all < r->nmetrics)
        json_row(out, r, all);
    else
        fputs("{}", out);
    fputs(",\n", out);
    json_scope_map(out, r, RUN_SCOPE_OP, "by_op");
    fputs(",\n", out);
    json_scope_map(out, r, RUN_SCOPE_REGION, "by_region");
    fputs(",\n", out);
    json_scope_map(out, r, RUN_SCOPE_CLIENT, "by_client");

    /* The t-visibility curve (run.h): empty for runs read back without one. */
    fputs(",\n      \"visibility\": [", out);
    for (size_t i = 0; i < r->nvisibility; i++) {
        fputs(i ? ", {\"t_ms\": " : "{\"t_ms\": ", out);
        json_num(out, r->visibility[i].t_ms);
        fprintf(out, ", \"reads\": %" PRIu64 ", \"p_fresh\": ", r->visibility[i].reads);
        json_num(out, r->visibility[i].p_fresh);
        fputc('}', out);
    }
    fputc(']', out);

    /* The event log is "log", as in run_result: "events" is already the engine's count. */
    fputs(",\n      \"log\": [", out);
    for (size_t i = 0; i < r->nlog; i++) {
        const run_event *e = &r->log[i];
        char             detail[sizeof e->detail + 1];
        snprintf(detail, sizeof detail, "%.*s", (int)sizeof e->detail, e->detail);
        fputs(i ? ",\n        {\"t_s\": " : "\n        {\"t_s\": ", out);
        json_num(out, sim_time_s(e->t));
        fputs(", \"kind\": ", out);
        json_str(out, e->kind);
        fputs(", \"detail\": ", out);
        json_str(out, detail);
        fputc('}', out);
    }
    fputs(r->nlog ? "\n      ]\n    }" : "]\n    }", out);
}

void table_print_json(FILE *out, const scn_scenario *s, const run_result *const *runs,
                      const double *wall_s, size_t nruns)
{
    fputs("{\n  \"scenario\": ", out);
    json_str(out, s ? s->name : NULL);
    fputs(",\n  \"file\": ", out);
    json_str(out, s ? s->file : NULL);
    fputs(",\n  \"runs\": [", out);
    for (size_t i = 0; i < nruns; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_run(out, runs[i], wall_s ? &wall_s[i] : NULL);
    }
    fputs(nruns ? "\n  ]\n}\n" : "]\n}\n", out);
}

/* --- shared spellings --------------------------------------------------------------- */

void table_json_str(FILE *out, const char *s) { json_str(out, s); }

void table_json_num(FILE *out, double v) { json_num(out, v); }

void table_put_text(FILE *out, const char *s) { put_text(out, s); }

size_t table_text_width(const char *s) { return text_width(s); }
