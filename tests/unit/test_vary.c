/* test_vary.c - sweeps in the scenario loader (models/scenario/scn-vary.c, scn-vary-values.c).
 *
 * What is checked: lists and ranges give the values, labels and numeric readings they
 * should (integers, reals with a step that does not divide exactly, durations, strings,
 * booleans); a point is the base scenario with its values written at their paths ([*] on
 * every element, a missing field created) and loads through the loader; grid coordinates
 * are mixed radix with the last dimension fastest; every error names the --vary text or
 * the JSON path; the canonical text (the sweep's hash) changes with what changes the runs;
 * the Nth allocation failing while making a point gives SIM_ENOMEM (ASan: no leaks). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn-vary.h"

static const char base_text[]
    = "{\"duration\": \"1s\", \"seed\": 5,"
      " \"regions\": [{\"name\": \"us-east-1\", \"servers\": 4},"
      "               {\"name\": \"eu-west-1\", \"servers\": 4}],"
      " \"clients\": [{\"location\": [0, 0], \"rate\": 10}],"
      " \"patterns\": {\"active-active\": {}},"
      " \"faults\": [{\"at\": \"0s\", \"kind\": \"region_down\", \"region\": \"us-east-1\"}]}";

static scn_scenario *base(void)
{
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    if (scn_parse("t.json", base_text, strlen(base_text), &s, &err) != 0)
        fail_msg("%s: %s", err.path, err.msg);
    return s;
}

/* base with --vary args applied; NULL and err filled on failure. */
static scn_scenario *with(const char *const *vary, size_t n, const char *minimize, sim_err *err)
{
    scn_scenario  *s = base();
    scn_sweep_args a = { .vary = vary, .nvary = n, .minimize = minimize };
    memset(err, 0, sizeof *err);
    if (scn_sweep_override(s, &a, err) != 0) {
        scn_free(s);
        return NULL;
    }
    return s;
}

static void test_vary_integer_range(void **state)
{
    (void)state;
    const char   *v[] = { "regions[*].servers=8..64:8" };
    sim_err       err;
    scn_scenario *s = with(v, 1, NULL, &err);
    assert_non_null(s);
    const scn_vary *d = &s->sweep->dims[0];
    assert_int_equal(d->nvalues, 8);
    assert_string_equal(d->values[0].label, "8");
    assert_string_equal(d->values[7].label, "64");
    assert_true(d->values[3].numeric);
    assert_true(d->values[3].x == 32);
    assert_int_equal(s->sweep->seeds, 1);
    scn_free(s);
}

static void test_vary_real_duration_and_list_values(void **state)
{
    (void)state;
    const char   *v[] = { "clients[0].rate=0.1..1.1:0.1",
                          "patterns.active-active.replication.batch="
                            "10ms..30ms:10ms",
                          "faults[0].region=us-east-1,eu-west-1" };
    sim_err       err;
    scn_scenario *s = with(v, 3, NULL, &err);
    if (!s)
        fail_msg("%s: %s", err.path, err.msg);
    const scn_sweep *sw = s->sweep;
    assert_int_equal(sw->dims[0].nvalues, 11); /* 1.1 despite rounding */
    assert_string_equal(sw->dims[0].values[10].label, "1.1");
    assert_int_equal(sw->dims[1].nvalues, 3);
    assert_string_equal(sw->dims[1].values[1].label, "20ms");
    assert_int_equal(sw->dims[1].values[1].kind, SCN_VALUE_STR);
    assert_true(fabs(sw->dims[1].values[1].x - 0.02) < 1e-15);
    assert_false(sw->dims[2].values[0].numeric);
    assert_int_equal(scn_sweep_npoints(sw), 11 * 3 * 2);
    scn_free(s);
}

/* Point p: the last dimension varies fastest; values land at their paths. */
static void test_vary_point_applies_values(void **state)
{
    (void)state;
    const char   *v[] = { "regions[*].servers=2,6", "faults[0].region=us-east-1,eu-west-1",
                          "patterns.active-active.replication.batch=7ms" };
    sim_err       err;
    scn_scenario *s = with(v, 3, NULL, &err);
    assert_non_null(s);
    size_t idx[SCN_SWEEP_MAX_DIMS];
    scn_sweep_coords(s->sweep, 3, idx);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 1);
    assert_int_equal(idx[2], 0);
    assert_int_equal(scn_sweep_point_at(s->sweep, idx), 3);
    scn_scenario *pt = NULL;
    assert_int_equal(scn_sweep_point(s, 3, &pt, &err), 0);
    assert_int_equal(pt->regions[0].servers, 6);
    assert_int_equal(pt->regions[1].servers, 6);
    assert_int_equal(pt->faults[0].region, 1);                       /* eu-west-1 */
    assert_int_equal(pt->patterns[0].replication.batch, 7 * SIM_MS); /* created */
    assert_null(pt->sweep);                                          /* a point is plain */
    assert_null(strstr(pt->text, "\"sweep\""));
    assert_int_equal(pt->seed, 5);
    scn_free(pt);
    assert_int_equal(scn_sweep_point(s, 0, &pt, &err), 0);
    assert_int_equal(pt->regions[1].servers, 2);
    assert_int_equal(pt->faults[0].region, 0);
    scn_free(pt);
    scn_free(s);
}

static void test_vary_sweep_section(void **state)
{
    (void)state;
    const char *t
        = "{\"duration\": \"1s\", \"regions\": [{\"name\": \"us-east-1\", \"servers\": 4}],"
          " \"clients\": [{\"location\": [0, 0], \"rate\": 10}],"
          " \"sweep\": {\"vary\": {\"regions[0].servers\": \"1..3\", \"clients[0].rate\": [5, 10]},"
          "  \"seeds\": 3, \"slo\": {\"metric\": \"p99_ms\", \"op\": \"write\", \"max\": 200},"
          "  \"minimize\": \"regions[0].servers\", \"confidence\": \"mean\","
          "  \"expect\": [{\"metric\": \"min_found\", \"max\": 2}]}}";
    scn_scenario *s = NULL;
    sim_err       err = { 0 };
    if (scn_parse("t.json", t, strlen(t), &s, &err) != 0)
        fail_msg("%s: %s", err.path, err.msg);
    const scn_sweep *sw = s->sweep;
    assert_int_equal(sw->ndims, 2);
    assert_int_equal(sw->seeds, 3);
    assert_int_equal(sw->nslo, 1);
    assert_string_equal(sw->slo[0].op, "write");
    assert_int_equal(sw->minimize_dim, 0);
    assert_int_equal(sw->confidence, SCN_CONF_MEAN);
    assert_int_equal(sw->nexpects, 1);
    /* The command line replaces parts: --vary every dimension, --seeds the seeds. */
    const char    *v[] = { "clients[0].rate=1,2,3" };
    scn_sweep_args a = { .vary = v, .nvary = 1, .seeds = 2, .minimize = "clients[0].rate" };
    assert_int_equal(scn_sweep_override(s, &a, &err), 0);
    assert_int_equal(sw->ndims, 1);
    assert_int_equal(sw->seeds, 2);
    assert_int_equal(sw->nslo, 1); /* kept */
    assert_int_equal(sw->minimize_dim, 0);
    scn_free(s);
}

/* Each bad input and the exact path and message. */
static void test_vary_errors_name_the_input(void **state)
{
    (void)state;
    static const struct {
        const char *vary, *minimize, *path, *msg;
    } cases[] = {
        { "regions[2].servers=1", NULL, "--vary regions[2].servers=1",
          "regions[2]: no such element; the array has 2" },
        { "regions[*]servers=1", NULL, "--vary regions[*]servers=1",
          "expected a JSON path such as \"regions[*].servers\" or \"clients[0].rate\", got "
          "\"regions[*]servers\"" },
        { "regions[*].servers=", NULL,
          "--vary regions[*].servers=", "expected values after '=', got nothing" },
        { "regions[*].servers=4..2", NULL, "--vary regions[*].servers=4..2",
          "expected a range A..B:STEP with A <= B and STEP > 0, got \"4..2\"" },
        { "regions[*].servers=1,,2", NULL, "--vary regions[*].servers=1,,2",
          "empty value in the list \"1,,2\"" },
        { "seed.x=1", NULL, "--vary seed.x=1", "seed: expected an object for \"x\", got number 5" },
        { "faults[0].region=eu-west-1,us-east-1", "faults[0].region",
          "--vary faults[0].region=eu-west-1,us-east-1",
          "minimize: expected ascending numbers "
          "or durations to search, got \"eu-west-1\" at position 1" },
        { "regions[*].servers=0", NULL, "regions[0].servers",
          "at point 0 (regions[*].servers=0): expected a positive integer, got 0" },
        { "regions[*].servers=1..200000", NULL, "--vary regions[*].servers=1..200000",
          "expected at most 10000 values, got 200000" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_err       err;
        const char   *v[] = { cases[i].vary };
        scn_scenario *s = with(v, 1, cases[i].minimize, &err);
        if (s)
            fail_msg("case %zu (%s) was accepted", i, cases[i].vary);
        if (strcmp(err.path, cases[i].path) != 0 || strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("case %zu:\n  want %s: %s\n  got  %s: %s", i, cases[i].path, cases[i].msg,
                     err.path, err.msg);
    }
    /* the same path twice */
    const char *v[] = { "regions[*].servers=1", "regions[*].servers=2" };
    sim_err     err;
    assert_null(with(v, 2, NULL, &err));
    assert_string_equal(err.msg, "\"regions[*].servers\" is varied twice");
}

static void test_vary_canonical_follows_the_runs(void **state)
{
    (void)state;
    const char   *v1[] = { "regions[*].servers=1,2" }, *v2[] = { "regions[*].servers=1,3" };
    sim_err       err;
    scn_scenario *a = with(v1, 1, NULL, &err), *b = with(v1, 1, NULL, &err),
                 *c = with(v2, 1, NULL, &err);
    char *ta = scn_sweep_canonical(a), *tb = scn_sweep_canonical(b), *tc = scn_sweep_canonical(c);
    assert_string_equal(ta, tb);
    assert_true(strcmp(ta, tc) != 0);
    scn_sweep_args more = { .seeds = 4 };
    assert_int_equal(scn_sweep_override(b, &more, &err), 0);
    sim_free(tb);
    tb = scn_sweep_canonical(b);
    assert_true(strcmp(ta, tb) != 0);
    /* Objectives and the search do not change the runs: the same text. */
    const char    *slo[] = { "{\"metric\": \"p99_ms\", \"max\": 5}" };
    scn_sweep_args obj = { .slo = slo, .nslo = 1, .minimize = "regions[*].servers" };
    assert_int_equal(scn_sweep_override(a, &obj, &err), 0);
    char *ta2 = scn_sweep_canonical(a);
    assert_string_equal(ta, ta2);
    sim_free(ta2);
    sim_free(ta), sim_free(tb), sim_free(tc);
    scn_free(a), scn_free(b), scn_free(c);
}

static void test_vary_point_alloc_failure(void **state)
{
    (void)state;
    const char   *v[] = { "regions[*].servers=2,6", "faults[0].region=us-east-1,eu-west-1" };
    sim_err       err;
    scn_scenario *s = with(v, 2, NULL, &err), *pt = NULL;
    sim_alloc_fail_at(0);
    assert_int_equal(scn_sweep_point(s, 1, &pt, &err), 0);
    scn_free(pt);
    long k = sim_alloc_fail_at(0);
    assert_true(k > 0);
    for (long n = 1; n <= k; n++) {
        pt = NULL;
        sim_alloc_fail_at(n);
        int rc = scn_sweep_point(s, 1, &pt, &err);
        sim_alloc_fail_at(0);
        if (rc == 0) {
            scn_free(pt);
            continue;
        }
        if (rc != SIM_ENOMEM)
            fail_msg("allocation %ld: %d %s: %s", n, rc, err.path, err.msg);
        assert_null(pt);
    }
    scn_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vary_integer_range),
        cmocka_unit_test(test_vary_real_duration_and_list_values),
        cmocka_unit_test(test_vary_point_applies_values),
        cmocka_unit_test(test_vary_sweep_section),
        cmocka_unit_test(test_vary_errors_name_the_input),
        cmocka_unit_test(test_vary_canonical_follows_the_runs),
        cmocka_unit_test(test_vary_point_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
