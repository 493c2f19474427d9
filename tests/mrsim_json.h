/* mrsim_json.h - run the mrsim program on a scenario of this folder and read one figure
 * from its --json output (with cJSON), for the tests that check the program's figures. The
 * program is MRSIM_BIN; scenario paths are relative to MRSIM_SOURCE_ROOT; meson sets both. */
#ifndef MRSIM_VALIDATION_JSON_H
#define MRSIM_VALIDATION_JSON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

/* Run `mrsim run SCENARIO --json` with extra arguments (may be "") and return the whole-run
 * metric 'name' of its first run. Fails the test if the program fails or the metric is
 * missing. */
static inline double run_metric_args(const char *scenario, const char *extra, const char *name)
{
    const char *bin = getenv("MRSIM_BIN");
    const char *root = getenv("MRSIM_SOURCE_ROOT");
    assert_non_null(bin);
    assert_non_null(root);
    char db[] = "/tmp/mrsim-validation-XXXXXX";
    int  fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' run '%s/%s' --json --quiet --db '%s' %s", bin, root, scenario,
             db, extra);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char  *out = malloc(cap);
    assert_non_null(out);
    for (size_t n; (n = fread(out + len, 1, cap - len - 1, p)) > 0;) {
        len += n;
        if (cap - len < 1024) {
            cap *= 2;
            out = realloc(out, cap);
            assert_non_null(out);
        }
    }
    out[len] = '\0';
    assert_int_equal(pclose(p), 0);
    unlink(db);

    cJSON *doc = cJSON_Parse(out);
    assert_non_null(doc);
    cJSON *runs = cJSON_GetObjectItemCaseSensitive(doc, "runs");
    cJSON *metrics = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 0), "metrics");
    cJSON *value = cJSON_GetObjectItemCaseSensitive(metrics, name);
    assert_true(cJSON_IsNumber(value));
    double v = value->valuedouble;
    cJSON_Delete(doc);
    free(out);
    return v;
}

static inline double run_metric(const char *scenario, const char *name)
{
    return run_metric_args(scenario, "", name);
}

#endif
