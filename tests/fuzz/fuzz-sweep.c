/* fuzz-sweep.c - the sweep expansion (scn_sweep_*), which the first fuzzing campaign never
 * reached. An input is command-line overrides, one "PATH=VALUES" per line, then a line
 * "--", then a scenario; without "--" it is a scenario alone (its own "sweep" section).
 * The harness applies the overrides (scn_sweep_override), counts the grid, round-trips a
 * few points' coordinates, loads them (scn_sweep_point) and prints the canonical text: each
 * must return a result or an error, never crash, and free everything. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scn-vary.h"

#define MAX_LINES  (SCN_SWEEP_MAX_DIMS + 1)
#define MAX_POINTS 4 /* loaded per input: a point is a full scenario load */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *scn_text = text;
    size_t      scn_len = size;
    char       *lines[MAX_LINES];
    size_t      nlines = 0;
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= size; i++)
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, "--\n", 3) == 0) {
            sep = text + i;
            break;
        }
    if (sep) {
        scn_text = sep + 3;
        scn_len = size - (size_t)(scn_text - text);
        for (const char *p = text; p < sep && nlines < MAX_LINES;) {
            const char *nl = memchr(p, '\n', (size_t)(sep - p));
            size_t      n = (size_t)((nl ? nl : sep) - p);
            char       *l = malloc(n + 1);
            if (!l)
                break;
            memcpy(l, p, n);
            l[n] = '\0';
            lines[nlines++] = l;
            p += n + 1;
        }
    }
    scn_scenario *s = NULL;
    sim_err       err;
    if (scn_parse("fuzz.json", scn_text, scn_len, &s, &err) == 0) {
        int rc = 0;
        if (nlines) {
            scn_sweep_args a;
            memset(&a, 0, sizeof a);
            a.vary = (const char *const *)lines;
            a.nvary = nlines;
            rc = scn_sweep_override(s, &a, &err);
        }
        if (rc == 0 && s->sweep) {
            size_t n = scn_sweep_npoints(s->sweep);
            if (n == 0)
                __builtin_trap();
            for (size_t k = 0; k < MAX_POINTS && k < n; k++) {
                size_t p = k == MAX_POINTS - 1 ? n - 1 : k * (n / MAX_POINTS + 1) % n;
                size_t idx[SCN_SWEEP_MAX_DIMS];
                scn_sweep_coords(s->sweep, p, idx);
                if (scn_sweep_point_at(s->sweep, idx) != p)
                    __builtin_trap(); /* coordinates must round-trip */
                scn_scenario *pt = NULL;
                if (scn_sweep_point(s, p, &pt, &err) == 0)
                    scn_free(pt);
            }
            sim_free(scn_sweep_canonical(s));
        }
        scn_free(s);
    }
    for (size_t i = 0; i < nlines; i++)
        free(lines[i]);
    return 0;
}
