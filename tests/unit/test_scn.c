/* test_scn.c - the scenario loader (models/scenario/scn.c) and the measured RTT table.
 *
 * What is checked: a scenario with every field set comes out field by field as written;
 * a minimal one gets every documented default; every error path gives its exact JSON path
 * and message (a table of inline snippets); the broken files in tests/corpus/bad each fail
 * with the path and message listed in tests/corpus/bad/EXPECTED; the files in
 * tests/corpus/good and scenarios/ load; the Nth allocation failing anywhere in a load
 * gives SIM_ENOMEM and leaks nothing (ASan in CI checks the "leaks nothing").
 *
 * Inline JSON is written with single quotes, which q() turns into double quotes, so that
 * the table stays readable. No snippet needs a real single quote. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtt_measured.h"
#include "scn.h"

/* ---- helpers ---- */

/* text with every ' turned into "; the caller frees. */
static char *q(const char *text)
{
    char *out = strdup(text);
    assert_non_null(out);
    for (char *p = out; *p; p++)
        if (*p == '\'')
            *p = '"';
    return out;
}

static int parse_q(const char *text, scn_scenario **s, sim_err *err)
{
    char *json = q(text);
    memset(err, 0, sizeof *err);
    int rc = scn_parse("t.json", json, strlen(json), s, err);
    free(json);
    return rc;
}

static scn_scenario *must_parse(const char *text)
{
    scn_scenario *s = NULL;
    sim_err       err;
    int           rc = parse_q(text, &s, &err);
    if (rc != 0)
        fail_msg("unexpected error %d: %s: %s", rc, err.path, err.msg);
    assert_non_null(s);
    return s;
}

static const char *source_root(void) { return getenv("MRSIM_SOURCE_ROOT"); }

static void assert_near(double got, double want)
{
    if (fabs(got - want) > 1e-9 * fmax(1.0, fabs(want)))
        fail_msg("got %.17g, want %.17g", got, want);
}

/* The parts of a valid scenario that error snippets vary around. */
#define REGS                                                                                       \
    "'regions':[{'name':'a','location':[0,0],'servers':1},"                                        \
    "{'name':'b','location':[1,1],'servers':1}]"
#define CLI  "'clients':[{'location':[0,0],'rate':1}]"
#define BASE "'duration':'1m'," REGS "," CLI

/* ---- a scenario with every field ---- */

static const char FULL[]
    = "{'name': 'full', 'description': 'every field', 'seed': 42,"
      " 'duration': '10m', 'warmup': '1m',"
      " 'regions': ["
      "  {'name': 'us-east-1', 'location': [38.9, -77.4], 'servers': 32,"
      "   'service': {'read': {'dist': 'lognormal', 'median': '2ms', 'sigma': 0.5},"
      "               'write': {'dist': 'empirical',"
      "                         'points': [['1ms', 0], ['5ms', 0.5], ['20ms', 1]]}},"
      "   'queue_limit': 100},"
      "  {'name': 'eu-west-1', 'location': [53.3, -6.3], 'servers': 16,"
      "   'service': {'write': {'dist': 'gamma', 'shape': 2, 'scale': '1.5ms'}},"
      "   'queue_limit': 0},"
      "  {'name': 'ap-southeast-1', 'servers': 8,"
      "   'service': {'read': {'dist': 'uniform', 'min': '1ms', 'max': '3ms'}}}],"
      " 'network': {'rtt': {'us-east-1/eu-west-1': '76ms', 'ap-southeast-1/us-east-1': '230ms'},"
      "             'route_factor': 1.7, 'base': '2ms',"
      "             'jitter': {'dist': 'normal', 'mean': '1ms', 'sd': '250us'}, 'loss': 0.001},"
      " 'clients': ["
      "  {'name': 'nyc', 'location': [40.7, -74.0], 'rate': 3000, 'read_ratio': 0.8,"
      "   'keys': {'count': 100000, 'dist': 'zipf', 's': 0.99}, 'sessions': 5000,"
      "   'read_own_writes': 0.25, 'avoid_after': 3, 'avoid_for': '10s', 'timeout': '750ms', "
      "'retries': 3, 'backoff': '25ms',"
      "   'diurnal': {'amplitude': 0.5, 'period': '1h'}},"
      "  {'location': 'eu-west-1', 'rate': 10,"
      "   'steps': [{'at': '1m', 'rate': 100}, {'at': '5m', 'rate': 0}]},"
      "  {'location': [1.29, 103.85], 'steps': [{'at': '0s', 'rate': 50}]}],"
      " 'faults': ["
      "  {'kind': 'clock_skew', 'region': 'eu-west-1', 'at': '4m', 'offset': '-50ms',"
      "   'drift': -20.5},"
      "  {'kind': 'region_down', 'region': 'us-east-1', 'at': '2m', 'for': '1m'},"
      "  {'kind': 'partition', 'at': '3m', 'for': '30s', 'groups': [['ap-southeast-1'], []]},"
      "  {'kind': 'link_degrade', 'at': '3m', 'between': ['eu-west-1', 'us-east-1'],"
      "   'latency': {'dist': 'constant', 'value': '40ms'}, 'loss': 0.2},"
      "  {'kind': 'brownout', 'region': 'ap-southeast-1', 'at': '9m', 'for': '2562047.7h',"
      "   'factor': 4},"
      "  {'kind': 'link_degrade', 'at': '2m', 'between': ['ap-southeast-1', 'eu-west-1'],"
      "   'loss': 0.5}],"
      " 'patterns': {"
      "  'active-active': {'replication': {'mode': 'sync', 'quorum': 3, 'timeout': '300ms',"
      "                    'max_batch': 1, 'resend': '2s'},"
      "                    'resolver': 'merge', 'clock': 'hlc'},"
      "  'eu-primary': {'kind': 'read-local', 'primary': 'eu-west-1',"
      "                 'replication': {'mode': 'async', 'batch': '10ms', 'max_batch': 65535,"
      "                                 'resend': '250ms'},"
      "                 'resolver': 'lww', 'clock': 'wall', 'ryw_window': '0s',"
      "                 'cache': {'enabled': true, 'size': 100000000,"
      "                           'hit': {'dist': 'empirical',"
      "                                   'points': [['50us', 0], ['200us', 1]]}}},"
      "  'baseline': {'kind': 'independent', 'replication': {'mode': 'none'}}},"
      " 'data': {'fields': 8, 'value_bytes': 0, 'drain': '30s'},"
      " 'routing': {'health': {'interval': '5s', 'timeout': '5s', 'unhealthy_after': 100,"
      "                        'healthy_after': 1, 'checkers': ['ap-southeast-1', 'us-east-1'],"
      "                        'quorum': 2, 'lane': true}},"
      " 'monitor': {'interval': '250ms'},"
      " 'alerts': {'lag': '1.5s', 'error_rate': 1},"
      " 'expect': ["
      "  {'metric': 'availability', 'min': 0.999},"
      "  {'metric': 'p99_ms', 'pattern': 'active-active', 'region': 'eu-west-1',"
      "   'min': 1, 'max': 250, 'equals': 7},"
      "  {'metric': 'stale_reads', 'pattern': 'eu-primary', 'max': 0}]}";

static void test_scn_full_scenario_every_field(void **state)
{
    (void)state;
    scn_scenario *s = must_parse(FULL);
    assert_string_equal(s->file, "t.json");
    assert_non_null(s->text);
    assert_int_equal(s->text_len, strlen(FULL));
    assert_string_equal(s->name, "full");
    assert_int_equal(s->seed, 42);
    assert_int_equal(s->duration, 10 * SIM_MIN);
    assert_int_equal(s->warmup, SIM_MIN);

    assert_int_equal(s->nregions, 3);
    const scn_region *r = s->regions;
    assert_string_equal(r[0].name, "us-east-1");
    assert_near(r[0].lat, 38.9);
    assert_near(r[0].lon, -77.4);
    assert_int_equal(r[0].servers, 32);
    assert_int_equal(r[0].queue_limit, 100);
    assert_int_equal(r[0].service[SCN_READ].kind, DIST_LOGNORMAL);
    assert_false(r[0].service[SCN_READ].by_mean);
    assert_near(r[0].service[SCN_READ].median, 2e6);
    assert_near(r[0].service[SCN_READ].sigma, 0.5);
    const dist_spec *emp = &r[0].service[SCN_WRITE];
    assert_int_equal(emp->kind, DIST_EMPIRICAL);
    assert_int_equal(emp->npoints, 3);
    assert_ptr_equal(emp->ps, emp->xs + 3);
    assert_near(emp->xs[0], 1e6);
    assert_near(emp->xs[1], 5e6);
    assert_near(emp->xs[2], 20e6);
    assert_near(emp->ps[0], 0);
    assert_near(emp->ps[1], 0.5);
    assert_near(emp->ps[2], 1);
    assert_string_equal(r[1].name, "eu-west-1");
    assert_int_equal(r[1].servers, 16);
    assert_int_equal(r[1].queue_limit, 0);
    assert_int_equal(r[1].service[SCN_READ].kind, DIST_EXPONENTIAL); /* default kept */
    assert_near(r[1].service[SCN_READ].mean, 1e6);
    assert_int_equal(r[1].service[SCN_WRITE].kind, DIST_GAMMA);
    assert_near(r[1].service[SCN_WRITE].shape, 2);
    assert_near(r[1].service[SCN_WRITE].scale, 1.5e6);
    assert_string_equal(r[2].name, "ap-southeast-1");
    double lat, lon;
    assert_true(rtt_measured_location("ap-southeast-1", &lat, &lon));
    assert_near(r[2].lat, lat); /* location from table */
    assert_near(r[2].lon, lon);
    assert_int_equal(r[2].queue_limit, UINT32_MAX);
    assert_int_equal(r[2].service[SCN_READ].kind, DIST_UNIFORM);
    assert_near(r[2].service[SCN_READ].min, 1e6);
    assert_near(r[2].service[SCN_READ].max, 3e6);
    assert_int_equal(r[2].service[SCN_WRITE].kind, DIST_EXPONENTIAL);
    assert_near(r[2].service[SCN_WRITE].mean, 2e6);

    const scn_network *n = &s->network;
    assert_int_equal(n->rtt_mode, SCN_RTT_TABLE);
    assert_int_equal(n->npairs, 2);
    assert_int_equal(n->pairs[0].a, 0);
    assert_int_equal(n->pairs[0].b, 1);
    assert_int_equal(n->pairs[0].rtt, 76 * SIM_MS);
    assert_int_equal(n->pairs[1].a, 0); /* "ap-southeast-1/us-east-1": a < b */
    assert_int_equal(n->pairs[1].b, 2);
    assert_int_equal(n->pairs[1].rtt, 230 * SIM_MS);
    assert_near(n->route_factor, 1.7);
    assert_int_equal(n->base, 2 * SIM_MS);
    assert_true(n->has_jitter);
    assert_int_equal(n->jitter.kind, DIST_NORMAL);
    assert_near(n->jitter.mean, 1e6);
    assert_near(n->jitter.sd, 250e3);
    assert_near(n->loss, 0.001);

    assert_int_equal(s->nclients, 3);
    const scn_client *c = s->clients;
    assert_string_equal(c[0].name, "nyc");
    assert_near(c[0].lat, 40.7);
    assert_near(c[0].lon, -74.0);
    assert_int_equal(c[0].at_region, -1);
    assert_near(c[0].rate, 3000);
    assert_near(c[0].read_ratio, 0.8);
    assert_int_equal(c[0].key_count, 100000);
    assert_true(c[0].key_zipf);
    assert_near(c[0].key_s, 0.99);
    assert_int_equal(c[0].sessions, 5000);
    assert_near(c[0].read_own_writes, 0.25);
    assert_int_equal(c[0].avoid_after, 3);
    assert_int_equal(c[0].avoid_for, 10 * SIM_S);
    assert_int_equal(c[0].timeout, 750 * SIM_MS);
    assert_int_equal(c[0].retries, 3);
    assert_int_equal(c[0].backoff, 25 * SIM_MS);
    assert_near(c[0].diurnal_amplitude, 0.5);
    assert_int_equal(c[0].diurnal_period, SIM_HOUR);
    assert_int_equal(c[0].nsteps, 0);
    assert_null(c[0].steps);
    assert_string_equal(c[1].name, "client1");
    assert_int_equal(c[1].at_region, 1);
    assert_near(c[1].lat, 53.3);
    assert_near(c[1].lon, -6.3);
    assert_near(c[1].rate, 10);
    assert_int_equal(c[1].nsteps, 2);
    assert_int_equal(c[1].steps[0].at, SIM_MIN);
    assert_near(c[1].steps[0].rate, 100);
    assert_int_equal(c[1].steps[1].at, 5 * SIM_MIN);
    assert_near(c[1].steps[1].rate, 0);
    assert_string_equal(c[2].name, "client2");
    assert_near(c[2].rate, 0); /* steps without rate: 0 before them */
    assert_int_equal(c[2].nsteps, 1);
    assert_int_equal(c[2].steps[0].at, 0);
    assert_near(c[2].steps[0].rate, 50);

    /* Sorted by start, equal starts in file order. */
    assert_int_equal(s->nfaults, 6);
    const scn_fault *f = s->faults;
    assert_int_equal(f[0].kind, SCN_FAULT_REGION_DOWN);
    assert_int_equal(f[0].at, 2 * SIM_MIN);
    assert_int_equal(f[0].end, 3 * SIM_MIN);
    assert_int_equal(f[0].region, 0);
    assert_int_equal(f[1].kind, SCN_FAULT_LINK_DEGRADE);
    assert_int_equal(f[1].at, 2 * SIM_MIN);
    assert_int_equal(f[1].end, SIM_TIME_MAX);
    assert_int_equal(f[1].region, 2);
    assert_int_equal(f[1].region_b, 1);
    assert_false(f[1].has_extra);
    assert_near(f[1].loss, 0.5);
    assert_int_equal(f[2].kind, SCN_FAULT_PARTITION);
    assert_int_equal(f[2].end, 3 * SIM_MIN + 30 * SIM_S);
    assert_non_null(f[2].group_of);
    assert_int_equal(f[2].group_of[2], 0); /* listed in groups[0] */
    assert_int_equal(f[2].group_of[0], 2); /* unlisted: one more group */
    assert_int_equal(f[2].group_of[1], 2);
    assert_int_equal(f[3].kind, SCN_FAULT_LINK_DEGRADE);
    assert_int_equal(f[3].at, 3 * SIM_MIN);
    assert_int_equal(f[3].region, 1);
    assert_int_equal(f[3].region_b, 0);
    assert_true(f[3].has_extra);
    assert_int_equal(f[3].extra.kind, DIST_CONSTANT);
    assert_near(f[3].extra.value, 40e6);
    assert_near(f[3].loss, 0.2);
    assert_int_equal(f[4].kind, SCN_FAULT_CLOCK_SKEW);
    assert_int_equal(f[4].region, 1);
    assert_int_equal(f[4].offset, -50 * SIM_MS);
    assert_near(f[4].drift_ppm, -20.5);
    assert_int_equal(f[5].kind, SCN_FAULT_BROWNOUT);
    assert_int_equal(f[5].region, 2);
    assert_near(f[5].factor, 4);
    assert_int_equal(f[5].at, 9 * SIM_MIN);
    assert_int_equal(f[5].end, SIM_TIME_MAX); /* at + for saturates */

    assert_int_equal(s->nexpects, 3);
    const scn_expect *x = s->expects;
    assert_string_equal(x[0].metric, "availability");
    assert_null(x[0].pattern);
    assert_null(x[0].op);
    assert_null(x[0].region);
    assert_true(x[0].has_min);
    assert_false(x[0].has_max);
    assert_false(x[0].has_equals);
    assert_near(x[0].min, 0.999);
    assert_string_equal(x[1].metric, "p99_ms");
    assert_string_equal(x[1].pattern, "active-active");
    assert_null(x[1].op);
    assert_string_equal(x[1].region, "eu-west-1");
    assert_true(x[1].has_min && x[1].has_max && x[1].has_equals);
    assert_near(x[1].min, 1);
    assert_near(x[1].max, 250);
    assert_near(x[1].equals, 7);
    assert_string_equal(x[2].pattern, "eu-primary");

    /* Patterns in file order. */
    assert_int_equal(s->npatterns, 3);
    const scn_pattern *pt = s->patterns;
    assert_string_equal(pt[0].name, "active-active");
    assert_int_equal(pt[0].kind, SCN_PATTERN_ACTIVE_ACTIVE); /* from the name */
    assert_int_equal(pt[0].primary, -1);
    assert_int_equal(pt[0].replication.mode, SCN_REPL_SYNC);
    assert_int_equal(pt[0].replication.quorum, 3);
    assert_int_equal(pt[0].replication.timeout, 300 * SIM_MS);
    assert_int_equal(pt[0].replication.batch, 50 * SIM_MS); /* sync: unused default */
    assert_int_equal(pt[0].replication.max_batch, 1);
    assert_int_equal(pt[0].replication.resend, 2 * SIM_S);
    assert_int_equal(pt[0].resolver, SCN_RESOLVER_MERGE);
    assert_int_equal(pt[0].clock, SCN_CLOCK_HLC);
    assert_int_equal(pt[0].ryw_window, 5 * SIM_S); /* not read-local: default */
    assert_false(pt[0].cache.enabled);
    assert_string_equal(pt[1].name, "eu-primary");
    assert_int_equal(pt[1].kind, SCN_PATTERN_READ_LOCAL);
    assert_int_equal(pt[1].primary, 1);
    assert_int_equal(pt[1].replication.mode, SCN_REPL_ASYNC);
    assert_int_equal(pt[1].replication.batch, 10 * SIM_MS);
    assert_int_equal(pt[1].replication.max_batch, 65535);
    assert_int_equal(pt[1].replication.resend, 250 * SIM_MS);
    assert_int_equal(pt[1].replication.quorum, 1); /* async: the accepting region */
    assert_int_equal(pt[1].replication.timeout, SIM_S);
    assert_int_equal(pt[1].resolver, SCN_RESOLVER_LWW);
    assert_int_equal(pt[1].clock, SCN_CLOCK_WALL);
    assert_int_equal(pt[1].ryw_window, 0);
    assert_true(pt[1].cache.enabled);
    assert_int_equal(pt[1].cache.size, 100000000);
    assert_int_equal(pt[1].cache.hit.kind, DIST_EMPIRICAL);
    assert_int_equal(pt[1].cache.hit.npoints, 2);
    assert_ptr_equal(pt[1].cache.hit.ps, pt[1].cache.hit.xs + 2);
    assert_near(pt[1].cache.hit.xs[0], 50e3);
    assert_near(pt[1].cache.hit.xs[1], 200e3);
    assert_near(pt[1].cache.hit.ps[1], 1);
    assert_string_equal(pt[2].name, "baseline");
    assert_int_equal(pt[2].kind, SCN_PATTERN_INDEPENDENT);
    assert_int_equal(pt[2].replication.mode, SCN_REPL_NONE);
    assert_int_equal(scn_pattern_index(s, "eu-primary"), 1);
    assert_int_equal(scn_pattern_index(s, "baseline"), 2);
    assert_int_equal(scn_pattern_index(s, "read-local"), -1);
    assert_int_equal(scn_pattern_index(s, ""), -1);

    assert_int_equal(s->data.fields, 8);
    assert_int_equal(s->data.value_bytes, 0);
    assert_int_equal(s->data.drain, 30 * SIM_S);

    const scn_health *h = &s->health;
    assert_true(h->enabled);
    assert_int_equal(h->interval, 5 * SIM_S);
    assert_int_equal(h->timeout, 5 * SIM_S); /* equal to the interval */
    assert_int_equal(h->unhealthy_after, 100);
    assert_int_equal(h->healthy_after, 1);
    assert_int_equal(h->checkers, (UINT64_C(1) << 2) | (UINT64_C(1) << 0));
    assert_int_equal(h->quorum, 2);
    assert_true(h->lane);
    assert_int_equal(s->monitor.interval, 250 * SIM_MS);
    assert_int_equal(s->monitor.alert_lag, 1500 * SIM_MS);
    assert_near(s->monitor.alert_error_rate, 1);

    assert_int_equal(scn_region_index(s, "eu-west-1"), 1);
    assert_int_equal(scn_region_index(s, "nowhere"), -1);
    scn_free(s);
}

static void test_scn_defaults(void **state)
{
    (void)state;
    scn_scenario *s = NULL;
    sim_err       err;
    char         *json = q("{'duration': '90s', 'regions': [{'name': 'r', 'location': [1, 2], "
                                   "'servers': 3}], 'clients': [{'location': [0, 0], 'rate': 5}]}");
    assert_int_equal(scn_parse("dir/sub/my-scenario.json", json, strlen(json), &s, &err), 0);
    free(json);
    assert_string_equal(s->name, "my-scenario"); /* base name without .json */
    assert_int_equal(s->seed, 1);
    assert_int_equal(s->duration, 90 * SIM_S);
    assert_int_equal(s->warmup, 0);
    const scn_region *r = &s->regions[0];
    assert_int_equal(r->queue_limit, UINT32_MAX);
    assert_int_equal(r->service[SCN_READ].kind, DIST_EXPONENTIAL);
    assert_near(r->service[SCN_READ].mean, 1e6);
    assert_int_equal(r->service[SCN_WRITE].kind, DIST_EXPONENTIAL);
    assert_near(r->service[SCN_WRITE].mean, 2e6);
    const scn_network *n = &s->network;
    assert_int_equal(n->rtt_mode, SCN_RTT_GEO);
    assert_int_equal(n->npairs, 0);
    assert_null(n->pairs);
    assert_int_equal(n->base, SIM_MS);
    assert_near(n->route_factor, 1.5);
    assert_false(n->has_jitter);
    assert_near(n->loss, 0);
    const scn_client *c = &s->clients[0];
    assert_string_equal(c->name, "client0");
    assert_int_equal(c->at_region, -1);
    assert_near(c->read_ratio, 0.9);
    assert_near(c->read_own_writes, 0);
    assert_int_equal(s->clock_error.kind, DIST_NORMAL);
    assert_near(s->clock_error.mean, 0);
    assert_near(s->clock_error.sd, 0.5e6);
    assert_int_equal(c->avoid_after, 5);
    assert_int_equal(c->avoid_for, 30 * SIM_S);
    assert_int_equal(c->key_count, 1000);
    assert_false(c->key_zipf);
    assert_near(c->key_s, 1.0);
    assert_int_equal(c->sessions, 100);
    assert_int_equal(c->timeout, SIM_S);
    assert_int_equal(c->retries, 2);
    assert_int_equal(c->backoff, 50 * SIM_MS);
    assert_near(c->diurnal_amplitude, 0);
    assert_int_equal(c->diurnal_period, 24 * SIM_HOUR);
    assert_int_equal(s->nfaults, 0);
    assert_null(s->faults);
    assert_int_equal(s->nexpects, 0);
    assert_null(s->expects);
    assert_int_equal(s->npatterns, 0);
    assert_null(s->patterns);
    assert_int_equal(s->data.fields, 1);
    assert_int_equal(s->data.value_bytes, 1024);
    assert_int_equal(s->data.drain, 10 * SIM_MIN);
    const scn_health *h = &s->health; /* no routing.health: off, defaults */
    assert_false(h->enabled);
    assert_int_equal(h->interval, 10 * SIM_S);
    assert_int_equal(h->timeout, 2 * SIM_S);
    assert_int_equal(h->unhealthy_after, 3);
    assert_int_equal(h->healthy_after, 2);
    assert_int_equal(h->checkers, 1); /* the one region */
    assert_int_equal(h->quorum, 0);   /* a majority of the voters */
    assert_false(h->lane);
    assert_int_equal(s->monitor.interval, SIM_S);
    assert_int_equal(s->monitor.alert_lag, 60 * SIM_S);
    assert_near(s->monitor.alert_error_rate, 0.05);
    scn_free(s);

    /* Default names from odd file names. */
    const char *const files[][2]
        = { { "plain", "plain" }, { "x.json", "x" },      { ".json", "scenario" },
            { "", "scenario" },   { "a/b/", "scenario" }, { "v1.2.json", "v1.2" } };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        json = q("{" BASE "}");
        assert_int_equal(scn_parse(files[i][0], json, strlen(json), &s, &err), 0);
        free(json);
        assert_string_equal(s->name, files[i][1]);
        assert_string_equal(s->file, files[i][0]);
        scn_free(s);
    }
    assert_int_equal(scn_parse(NULL, "{}", 2, &s, &err), SIM_EINVAL); /* NULL file is "" */
    assert_string_equal(err.file, "");
}

static void test_scn_distribution_forms(void **state)
{
    (void)state;
    scn_scenario *s
        = must_parse("{'duration': '1m', 'clients': [{'location': [0, 0], 'rate': 1}], 'regions': ["
                     " {'name': 'a', 'location': [0, 0], 'servers': 1, 'service': {"
                     "  'read': {'dist': 'lognormal', 'mean': '3ms', 'sd': '1ms'},"
                     "  'write': {'dist': 'weibull', 'shape': 1.5, 'scale': '2ms'}}},"
                     " {'name': 'b', 'location': [0, 0], 'servers': 1, 'service': {"
                     "  'read': {'dist': 'pareto', 'shape': 2.5, 'scale': '100us'},"
                     "  'write': {'dist': 'exponential', 'mean': '0.1s'}}}]}");
    const dist_spec *d = &s->regions[0].service[SCN_READ];
    assert_int_equal(d->kind, DIST_LOGNORMAL);
    assert_true(d->by_mean);
    assert_near(d->mean, 3e6);
    assert_near(d->sd, 1e6);
    d = &s->regions[0].service[SCN_WRITE];
    assert_int_equal(d->kind, DIST_WEIBULL);
    assert_near(d->shape, 1.5);
    assert_near(d->scale, 2e6);
    d = &s->regions[1].service[SCN_READ];
    assert_int_equal(d->kind, DIST_PARETO);
    assert_near(d->shape, 2.5);
    assert_near(d->scale, 1e5);
    d = &s->regions[1].service[SCN_WRITE];
    assert_near(d->mean, 1e8); /* "0.1s" is exact */
    scn_free(s);
}

/* network.bandwidth: one figure for every pair, or a "default" and per-pair overrides. */
static void test_scn_network_bandwidth(void **state)
{
    (void)state;
#define BW_WORLD                                                                                   \
    "{'duration': '1m', 'regions': [{'name': 'a', 'location': [0, 0], 'servers': 1},"              \
    " {'name': 'b', 'location': [0, 10], 'servers': 1},"                                           \
    " {'name': 'c', 'location': [0, 20], 'servers': 1}],"                                          \
    " 'clients': [{'location': [0, 0], 'rate': 1}], 'network': {'bandwidth': "
    scn_scenario *s = must_parse(BW_WORLD "'1Gbit/s'}}");
    assert_near(s->network.bandwidth, 125e6);
    assert_int_equal(s->network.nbw_pairs, 0);
    scn_free(s);
    s = must_parse(BW_WORLD "{'c/a': '2GB/s', 'default': '50MB/s', 'b/c': '800kbit/s'}}}");
    assert_near(s->network.bandwidth, 50e6);
    assert_int_equal(s->network.nbw_pairs, 2);
    assert_int_equal(s->network.bw_pairs[0].a, 0);
    assert_int_equal(s->network.bw_pairs[0].b, 2);
    assert_near(s->network.bw_pairs[0].bytes_per_s, 2e9);
    assert_int_equal(s->network.bw_pairs[1].a, 1);
    assert_int_equal(s->network.bw_pairs[1].b, 2);
    assert_near(s->network.bw_pairs[1].bytes_per_s, 1e5);
    scn_free(s);
    s = must_parse(BW_WORLD "{'a/b': '1.5MB/s'}}}"); /* no default: the network's */
    assert_near(s->network.bandwidth, 0);
    assert_near(s->network.bw_pairs[0].bytes_per_s, 1.5e6);
    scn_free(s);
#undef BW_WORLD
}

static void test_scn_partition_and_measured(void **state)
{
    (void)state;
    scn_scenario *s = must_parse(
        "{'duration': '1m', 'network': {'rtt': 'measured'},"
        " 'regions': [{'name': 'us-east-1', 'servers': 1}, {'name': 'eu-west-1', 'servers': 1},"
        "  {'name': 'x', 'location': [0, 0], 'servers': 1}, {'name': 'y', 'location': [0, 0],"
        "  'servers': 1}],"
        " 'clients': [{'location': 'x', 'rate': 1}],"
        " 'faults': [{'kind': 'partition', 'at': '0s', 'groups': [['y', 'us-east-1'], ['x']]}]}");
    assert_int_equal(s->network.rtt_mode, SCN_RTT_MEASURED);
    const uint8_t *g = s->faults[0].group_of;
    assert_int_equal(g[0], 0);
    assert_int_equal(g[1], 2); /* unlisted: group number ngroups */
    assert_int_equal(g[2], 1);
    assert_int_equal(g[3], 0);
    assert_int_equal(s->clients[0].at_region, 2);
    scn_free(s);
}

/* ---- patterns and the data model ---- */

static void assert_repl(const scn_replication *r, scn_repl_mode mode, uint32_t quorum)
{
    assert_int_equal(r->mode, mode);
    assert_int_equal(r->batch, 50 * SIM_MS);
    assert_int_equal(r->max_batch, 500);
    assert_int_equal(r->resend, SIM_S);
    assert_int_equal(r->quorum, quorum);
    assert_int_equal(r->timeout, SIM_S);
}

static void assert_cache(const scn_cache *c, bool enabled, uint64_t size)
{
    assert_int_equal(c->enabled, enabled);
    assert_int_equal(c->size, size);
    assert_int_equal(c->hit.kind, DIST_CONSTANT);
    assert_near(c->hit.value, 100e3); /* 100us */
}

/* Each kind with nothing set gets every documented default; a pattern loaded as
 * {"independent": {}} is what scn_pattern_independent() gives. */
static void test_scn_pattern_defaults(void **state)
{
    (void)state;
    scn_scenario *s = must_parse(
        "{'duration': '1m', 'clients': [{'location': [0, 0], 'rate': 1}],"
        " 'regions': [{'name': 'a', 'location': [0, 0], 'servers': 1},"
        "  {'name': 'b', 'location': [0, 0], 'servers': 1},"
        "  {'name': 'c', 'location': [0, 0], 'servers': 1},"
        "  {'name': 'd', 'location': [0, 0], 'servers': 1}],"
        " 'patterns': {'read-local': {'primary': 'c'}, 'independent': {}, 'active-active': {},"
        "  'aa-sync': {'kind': 'active-active', 'replication': {'mode': 'sync'}},"
        "  'rl-false': {'kind': 'read-local', 'primary': 'a', 'cache': false},"
        "  'rl-true': {'kind': 'read-local', 'primary': 'a', 'cache': true},"
        "  'rl-off': {'kind': 'read-local', 'primary': 'a', 'cache': {'enabled': false,"
        "             'size': 5}},"
        "  'rl-obj': {'kind': 'read-local', 'primary': 'd', 'cache': {},"
        "             'replication': {}},"
        "  'none': {'kind': 'independent', 'replication': {'mode': 'none'}}},"
        " 'data': {},"
        " 'expect': [{'metric': 'ok', 'pattern': 'independent', 'min': 0}]}");
    assert_int_equal(s->npatterns, 9);
    const scn_pattern *p = s->patterns;
    for (size_t i = 0; i < s->npatterns; i++) {
        assert_int_equal(p[i].resolver, SCN_RESOLVER_LWW);
        assert_int_equal(p[i].clock, SCN_CLOCK_WALL);
        assert_int_equal(p[i].ryw_window, 5 * SIM_S);
        assert_int_equal(scn_pattern_index(s, p[i].name), (int)i);
    }
    assert_string_equal(p[0].name, "read-local");
    assert_int_equal(p[0].kind, SCN_PATTERN_READ_LOCAL);
    assert_int_equal(p[0].primary, 2);
    assert_repl(&p[0].replication, SCN_REPL_ASYNC, 1);
    assert_cache(&p[0].cache, true, 1000);
    assert_int_equal(p[1].kind, SCN_PATTERN_INDEPENDENT);
    assert_int_equal(p[1].primary, -1);
    assert_repl(&p[1].replication, SCN_REPL_NONE, 1);
    assert_cache(&p[1].cache, false, 1000);
    assert_int_equal(p[2].kind, SCN_PATTERN_ACTIVE_ACTIVE);
    assert_int_equal(p[2].primary, -1);
    assert_repl(&p[2].replication, SCN_REPL_ASYNC, 1);
    assert_cache(&p[2].cache, false, 1000);
    assert_int_equal(p[3].kind, SCN_PATTERN_ACTIVE_ACTIVE);
    assert_repl(&p[3].replication, SCN_REPL_SYNC, 3); /* majority of 4: 4 / 2 + 1 */
    assert_cache(&p[4].cache, false, 1000);
    assert_cache(&p[5].cache, true, 1000);
    assert_cache(&p[6].cache, false, 5);
    assert_cache(&p[7].cache, true, 1000);
    assert_int_equal(p[7].primary, 3);
    assert_repl(&p[7].replication, SCN_REPL_ASYNC, 1);
    assert_repl(&p[8].replication, SCN_REPL_NONE, 1);
    assert_string_equal(s->expects[0].pattern, "independent");
    assert_int_equal(s->data.fields, 1);
    assert_int_equal(s->data.value_bytes, 1024);
    assert_int_equal(s->data.drain, 10 * SIM_MIN);

    scn_pattern ind = scn_pattern_independent();
    assert_string_equal(ind.name, "independent");
    assert_int_equal(ind.kind, p[1].kind);
    assert_int_equal(ind.primary, p[1].primary);
    assert_memory_equal(&ind.replication, &p[1].replication, sizeof ind.replication);
    assert_int_equal(ind.resolver, p[1].resolver);
    assert_int_equal(ind.clock, p[1].clock);
    assert_int_equal(ind.ryw_window, p[1].ryw_window);
    assert_int_equal(ind.cache.enabled, p[1].cache.enabled);
    assert_int_equal(ind.cache.size, p[1].cache.size);
    assert_int_equal(ind.cache.hit.kind, p[1].cache.hit.kind);
    assert_near(ind.cache.hit.value, p[1].cache.hit.value);
    assert_null(ind.cache.hit.xs);
    scn_free(s);

    /* The sync majority for one, two and three regions; an empty "patterns" is none. */
    static const char *const regs[]
        = { "{'name':'a','location':[0,0],'servers':1}",
            "{'name':'a','location':[0,0],'servers':1},{'name':'b','location':[0,0],'servers':1}",
            "{'name':'a','location':[0,0],'servers':1},{'name':'b','location':[0,0],'servers':1},"
            "{'name':'c','location':[0,0],'servers':1}" };
    for (size_t n = 1; n <= 3; n++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "{'duration':'1m'," CLI ",'regions':[%s],'patterns':{'active-active':"
                 "{'replication':{'mode':'sync'}}}}",
                 regs[n - 1]);
        s = must_parse(text);
        assert_int_equal(s->patterns[0].replication.quorum, n / 2 + 1);
        scn_free(s);
    }
    s = must_parse("{" BASE ",'patterns':{},'expect':[{'metric':'ok','pattern':'independent',"
                   "'max':1}]}");
    assert_int_equal(s->npatterns, 0);
    assert_null(s->patterns);
    scn_free(s);

    /* Names are kept as written, whatever they hold. */
    s = must_parse("{" BASE ",'patterns':{'a.b[0] \\'x\\'':{'kind':'active-active'}},"
                   "'expect':[{'metric':'ok','pattern':'a.b[0] \\'x\\'','max':1}]}");
    assert_string_equal(s->patterns[0].name, "a.b[0] \"x\"");
    assert_int_equal(scn_pattern_index(s, "a.b[0] \"x\""), 0);
    scn_free(s);
}

/* routing.health, monitor and alerts: present but empty is all defaults (health then on);
 * the default checkers are every region and the default quorum (0) a majority of each
 * target's voters. */
static void test_scn_health_and_monitor_defaults(void **state)
{
    (void)state;
    scn_scenario *s = must_parse("{" BASE ",'routing':{},'monitor':{},'alerts':{}}");
    assert_false(s->health.enabled); /* "routing" without "health" */
    assert_int_equal(s->health.checkers, 3);
    assert_int_equal(s->health.quorum, 0); /* a majority of each target's voters */
    assert_int_equal(s->monitor.interval, SIM_S);
    assert_int_equal(s->monitor.alert_lag, 60 * SIM_S);
    assert_near(s->monitor.alert_error_rate, 0.05);
    scn_free(s);

    s = must_parse("{" BASE ",'routing':{'health':{}}}");
    const scn_health *h = &s->health;
    assert_true(h->enabled);
    assert_int_equal(h->interval, 10 * SIM_S);
    assert_int_equal(h->timeout, 2 * SIM_S);
    assert_int_equal(h->unhealthy_after, 3);
    assert_int_equal(h->healthy_after, 2);
    assert_int_equal(h->checkers, 3);
    assert_int_equal(h->quorum, 0); /* per target: 1 of its 1 voter */
    assert_false(h->lane);
    scn_free(s);

    /* A timeout alone below the default interval; an interval alone at the default timeout;
     * a quorum from the checkers given, whatever the order of the fields. */
    s = must_parse("{" BASE ",'routing':{'health':{'timeout':'10s','lane':false}}}");
    assert_int_equal(s->health.timeout, 10 * SIM_S);
    assert_int_equal(s->health.interval, 10 * SIM_S);
    scn_free(s);
    s = must_parse("{" BASE ",'routing':{'health':{'interval':'2s'}}}");
    assert_int_equal(s->health.interval, 2 * SIM_S);
    assert_int_equal(s->health.timeout, 2 * SIM_S);
    scn_free(s);
    s = must_parse("{" BASE ",'routing':{'health':{'quorum':1,'checkers':['b']}}}");
    assert_int_equal(s->health.checkers, 2);
    assert_int_equal(s->health.quorum, 1);
    scn_free(s);

    /* The default quorum for 1 .. 64 regions (all checkers), and the full 64-bit mask. */
    for (size_t n = 1; n <= SCN_MAX_REGIONS; n++) {
        char   text[8192];
        size_t o = (size_t)snprintf(text, sizeof text, "{'duration':'1m'," CLI ",'regions':[");
        for (size_t i = 0; i < n; i++)
            o += (size_t)snprintf(text + o, sizeof text - o,
                                  "%s{'name':'r%zu','location':[0,0],'servers':1}", i ? "," : "",
                                  i);
        snprintf(text + o, sizeof text - o, "]%s}", n > 1 ? ",'routing':{'health':{}}" : "");
        s = must_parse(text);
        assert_int_equal(s->health.enabled, n > 1);
        assert_int_equal(s->health.checkers, n == 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1);
        assert_int_equal(s->health.quorum, 0); /* per target, at run time */
        scn_free(s);
    }

    /* Monitoring bounds: 1ms is the finest interval, 10000000 intervals the most. */
    s = must_parse("{" BASE ",'monitor':{'interval':'1ms'}}");
    assert_int_equal(s->monitor.interval, SIM_MS);
    scn_free(s);
    s = must_parse("{'duration':'10000000s'," REGS "," CLI "}");
    assert_int_equal(s->monitor.interval, SIM_S);
    scn_free(s);
    s = must_parse("{'duration':'1000000h'," REGS ","
                   "'clients':[{'location':[0,0],'rate':0.1}]"
                   ",'monitor':{'interval':'360s'}}");
    assert_int_equal(s->monitor.interval, 360 * SIM_S);
    scn_free(s);
}

/* At most SCN_MAX_PATTERNS; the limit keeps the name checks (quadratic) cheap. */
static void test_scn_patterns_limit(void **state)
{
    (void)state;
    for (int n = SCN_MAX_PATTERNS; n <= SCN_MAX_PATTERNS + 1; n++) {
        char   text[8192];
        size_t o = (size_t)snprintf(text, sizeof text, "{" BASE ",'patterns':{");
        for (int i = 0; i < n; i++)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s'p%d':{'kind':'independent'}",
                                  i ? "," : "", i);
        snprintf(text + o, sizeof text - o, "}}");
        scn_scenario *s = NULL;
        sim_err       err;
        int           rc = parse_q(text, &s, &err);
        if (n == SCN_MAX_PATTERNS) {
            assert_int_equal(rc, 0);
            assert_int_equal(s->npatterns, SCN_MAX_PATTERNS);
            assert_string_equal(s->patterns[SCN_MAX_PATTERNS - 1].name, "p31");
            scn_free(s);
        } else {
            assert_int_equal(rc, SIM_EINVAL);
            assert_string_equal(err.path, "patterns");
            assert_string_equal(err.msg, "expected at most 32 patterns, got 33");
        }
    }
}

/* ---- every error path, exact path and message ---- */

typedef struct bad_case {
    const char *json; /* single quotes for double */
    const char *path;
    const char *msg;
} bad_case;

/* 64 regions, the most a scenario may have. */
#define REGIONS64                                                                                  \
    "{'name':'r0','location':[0,0],'servers':1},{'name':'r1','location':[0,1],'servers':1},{'"     \
    "name':'r2','location':[0,2],'servers':1},{'name':'r3','location':[0,3],'servers':1},"         \
    "{'name':'r4','location':[0,4],'servers':1},{'name':'r5','location':[0,5],'servers':1},{'"     \
    "name':'r6','location':[0,6],'servers':1},{'name':'r7','location':[0,7],'servers':1},"         \
    "{'name':'r8','location':[0,8],'servers':1},{'name':'r9','location':[0,9],'servers':1},{'"     \
    "name':'r10','location':[0,10],'servers':1},{'name':'r11','location':[0,11],'servers':1},"     \
    "{'name':'r12','location':[0,12],'servers':1},{'name':'r13','location':[0,13],'servers':1},{'" \
    "name':'r14','location':[0,14],'servers':1},{'name':'r15','location':[0,15],'servers':1},"     \
    "{'name':'r16','location':[0,16],'servers':1},{'name':'r17','location':[0,17],'servers':1},{'" \
    "name':'r18','location':[0,18],'servers':1},{'name':'r19','location':[0,19],'servers':1},"     \
    "{'name':'r20','location':[0,20],'servers':1},{'name':'r21','location':[0,21],'servers':1},{'" \
    "name':'r22','location':[0,22],'servers':1},{'name':'r23','location':[0,23],'servers':1},"     \
    "{'name':'r24','location':[0,24],'servers':1},{'name':'r25','location':[0,25],'servers':1},{'" \
    "name':'r26','location':[0,26],'servers':1},{'name':'r27','location':[0,27],'servers':1},"     \
    "{'name':'r28','location':[0,28],'servers':1},{'name':'r29','location':[0,29],'servers':1},{'" \
    "name':'r30','location':[0,30],'servers':1},{'name':'r31','location':[0,31],'servers':1},"     \
    "{'name':'r32','location':[0,32],'servers':1},{'name':'r33','location':[0,33],'servers':1},{'" \
    "name':'r34','location':[0,34],'servers':1},{'name':'r35','location':[0,35],'servers':1},"     \
    "{'name':'r36','location':[0,36],'servers':1},{'name':'r37','location':[0,37],'servers':1},{'" \
    "name':'r38','location':[0,38],'servers':1},{'name':'r39','location':[0,39],'servers':1},"     \
    "{'name':'r40','location':[0,40],'servers':1},{'name':'r41','location':[0,41],'servers':1},{'" \
    "name':'r42','location':[0,42],'servers':1},{'name':'r43','location':[0,43],'servers':1},"     \
    "{'name':'r44','location':[0,44],'servers':1},{'name':'r45','location':[0,45],'servers':1},{'" \
    "name':'r46','location':[0,46],'servers':1},{'name':'r47','location':[0,47],'servers':1},"     \
    "{'name':'r48','location':[0,48],'servers':1},{'name':'r49','location':[0,49],'servers':1},{'" \
    "name':'r50','location':[0,50],'servers':1},{'name':'r51','location':[0,51],'servers':1},"     \
    "{'name':'r52','location':[0,52],'servers':1},{'name':'r53','location':[0,53],'servers':1},{'" \
    "name':'r54','location':[0,54],'servers':1},{'name':'r55','location':[0,55],'servers':1},"     \
    "{'name':'r56','location':[0,56],'servers':1},{'name':'r57','location':[0,57],'servers':1},{'" \
    "name':'r58','location':[0,58],'servers':1},{'name':'r59','location':[0,59],'servers':1},"     \
    "{'name':'r60','location':[0,60],'servers':1},{'name':'r61','location':[0,61],'servers':1},{'" \
    "name':'r62','location':[0,62],'servers':1},{'name':'r63','location':[0,63],'servers':1}"

static const bad_case BAD[] = {
    /* text */
    { "", "", "empty file; expected a JSON object" },
    { " \n\t", "", "empty file; expected a JSON object" },
    { "{\n 'duration': '1m',\n 'seed': tru\n}", "", "invalid JSON at line 3, column 10" },
    { "{'duration': '1m'", "", "invalid JSON at line 1, column 18: unexpected end of file" },
    { "{} {}", "", "invalid JSON at line 1, column 4" },
    { "{'name': 'a\\u0000'}", "",
      "\"\\u0000\" (a NUL character) in a string at line 1, column 12" },
    { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "",
      "JSON nested deeper than 32 levels at line 1, column 33" },
    { "[1]", "", "expected a JSON object at the top level, got an array" },
    { "null", "", "expected a JSON object at the top level, got null" },
    { "3", "", "expected a JSON object at the top level, got number 3" },
    /* top level */
    { "{" BASE ",'standby':{'automatic':true}}", "",
      "unknown field \"standby\"; expected one of: name, description, seed, seeds, duration, "
      "warmup, regions, network, clients, faults, patterns, data, routing, failover, monitor, "
      "alerts, cost, expect, sweep, clock, residency" },
    { "{" BASE ",'alert':{}}", "", "unknown field \"alert\" (did you mean \"alerts\"?)" },
    { "{" BASE ",'clock':{'error':{'dist':'zipf'}}}", "clock.error.dist",
      "\"zipf\" is not a distribution of times; expected one of constant, uniform, "
      "exponential, normal, lognormal, gamma, weibull, pareto, empirical" },
    { "{" BASE ",'clock':{'offset':'1ms'}}", "clock",
      "unknown field \"offset\"; expected one of: error" },
    { "{" BASE ",'seeds':0}", "seeds", "expected a positive integer, got 0" },
    { "{" BASE ",'expect':[{'metric':'p99_ms','max':1,'bound':'upper'}]}", "expect[0].bound",
      "expected \"mean\" or \"ci\", got \"upper\"" },
    { "{" BASE ",'pattern':{}}", "", "unknown field \"pattern\" (did you mean \"patterns\"?)" },
    { "{" BASE ",'Seed':1}", "", "unknown field \"Seed\" (did you mean \"seed\"?)" },
    { "{" BASE ",'seed':1,'seed':2}", "", "duplicate field \"seed\"" },
    { "{" REGS "," CLI "}", "", "missing required field \"duration\"" },
    { "{'duration':'1m'," CLI "}", "", "missing required field \"regions\"" },
    { "{'duration':'1m'," REGS "}", "", "missing required field \"clients\"" },
    { "{" BASE ",'name':''}", "name", "expected a non-empty string, got \"\"" },
    { "{" BASE ",'name':7}", "name", "expected a non-empty string, got number 7" },
    { "{" BASE ",'description':[]}", "description", "expected a string, got an array" },
    { "{" BASE ",'seed':-3}", "seed", "expected a non-negative integer, got -3" },
    { "{" BASE ",'seed':2.5}", "seed", "expected a non-negative integer, got 2.5" },
    { "{" BASE ",'seed':'3'}", "seed", "expected a non-negative integer, got string \"3\"" },
    { "{" BASE ",'seed':true}", "seed", "expected a non-negative integer, got true" },
    { "{" BASE ",'seed':1e300}", "seed",
      "expected an integer from 0 to 9007199254740992, got 1e+300" },
    { "{" BASE ",'seed':9007199254740994}", "seed",
      "expected an integer from 0 to 9007199254740992, got 9007199254740994" },
    { "{" BASE ",'seed':1e999}", "seed",
      "expected a non-negative integer, got a number too large for a double" },
    /* durations */
    { "{'duration':5," REGS "," CLI "}", "duration",
      "expected a duration such as \"250ms\", got number 5" },
    { "{'duration':'5'," REGS "," CLI "}", "duration",
      "expected a duration such as \"250ms\", got \"5\"" },
    { "{'duration':'5 s'," REGS "," CLI "}", "duration",
      "expected a duration such as \"250ms\", got \"5 s\"" },
    { "{'duration':'1.s'," REGS "," CLI "}", "duration",
      "expected a duration such as \"250ms\", got \"1.s\"" },
    { "{'duration':'0ms'," REGS "," CLI "}", "duration",
      "expected a positive duration, got \"0ms\"" },
    { "{'duration':'-1s'," REGS "," CLI "}", "duration",
      "expected a non-negative duration, got \"-1s\"" },
    { "{'duration':'99999999999999h'," REGS "," CLI "}", "duration",
      "duration \"99999999999999h\" is too long (at most about 292 years)" },
    { "{'duration':null," REGS "," CLI "}", "duration",
      "expected a duration such as \"250ms\", got null" },
    { "{" BASE ",'warmup':'2m'}", "warmup",
      "expected less than the duration (\"1m\"), got \"2m\"" },
    { "{" BASE ",'warmup':'-1s'}", "warmup", "expected a non-negative duration, got \"-1s\"" },
    /* regions */
    { "{'duration':'1m','regions':[]," CLI "}", "regions",
      "expected at least one region, got an empty array" },
    { "{'duration':'1m','regions':{}," CLI "}", "regions",
      "expected an array of regions, got an object" },
    { "{'duration':'1m','regions':[3]," CLI "}", "regions[0]", "expected an object, got number 3" },
    { "{'duration':'1m','regions':[{'location':[0,0],'servers':1}]," CLI "}", "regions[0]",
      "missing required field \"name\"" },
    { "{'duration':'1m','regions':[{'name':'','location':[0,0],'servers':1}]," CLI "}",
      "regions[0].name", "expected a non-empty string, got \"\"" },
    { "{'duration':'1m','regions':[{'name':'a b','location':[0,0],'servers':1}]," CLI "}",
      "regions[0].name", "expected a region name without '/' or whitespace, got \"a b\"" },
    { "{'duration':'1m','regions':[{'name':'a/b','location':[0,0],'servers':1}]," CLI "}",
      "regions[0].name", "expected a region name without '/' or whitespace, got \"a/b\"" },
    { "{'duration':'1m','regions':[{'name':'a\\tb','location':[0,0],'servers':1}]," CLI "}",
      "regions[0].name", "expected a region name without '/' or whitespace, got \"a?b\"" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1},"
      "{'name':'a','location':[0,0],'servers':1}]," CLI "}",
      "regions[1].name", "duplicate region name \"a\" (also regions[0].name)" },
    { "{'duration':'1m','regions':[{'name':'a','servers':1}]," CLI "}", "regions[0]",
      "missing required field \"location\" (only known cloud regions such as \"us-east-1\" have "
      "a default)" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0]}]," CLI "}", "regions[0]",
      "missing required field \"servers\"" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':0}]," CLI "}",
      "regions[0].servers", "expected a positive integer, got 0" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':-3}]," CLI "}",
      "regions[0].servers", "expected a positive integer, got -3" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':'3'}]," CLI "}",
      "regions[0].servers", "expected a positive integer, got string \"3\"" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':100001}]," CLI "}",
      "regions[0].servers", "expected an integer from 1 to 100000, got 100001" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1,'servres':1}]," CLI "}",
      "regions[0]", "unknown field \"servres\" (did you mean \"servers\"?)" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1,'tier':1}]," CLI "}",
      "regions[0]",
      "unknown field \"tier\"; expected one of: name, location, servers, service, queue_limit, "
      "zones" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':2,'zones':3}]," CLI "}",
      "regions[0].zones", "expected an integer from 1 to 2, got 3" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1,'queue_limit':-1}]," CLI
      "}",
      "regions[0].queue_limit", "expected a non-negative integer, got -1" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1,"
      "'queue_limit':4294967296}]," CLI "}",
      "regions[0].queue_limit", "expected an integer from 0 to 4294967295, got 4294967296" },
    { "{'duration':'1m','regions':[{'name':'a','location':[-91,0],'servers':1}]," CLI "}",
      "regions[0].location[0]", "expected a latitude in [-90, 90], got -91" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,180.5],'servers':1}]," CLI "}",
      "regions[0].location[1]", "expected a longitude in [-180, 180], got 180.5" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,'0'],'servers':1}]," CLI "}",
      "regions[0].location[1]", "expected a longitude in [-180, 180], got string \"0\"" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0,0],'servers':1}]," CLI "}",
      "regions[0].location", "expected [latitude, longitude], got an array of 3" },
    { "{'duration':'1m','regions':[{'name':'a','location':'x','servers':1}]," CLI "}",
      "regions[0].location", "expected [latitude, longitude], got string \"x\"" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1,'service':[]}]," CLI
      "}",
      "regions[0].service", "expected an object, got an array" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1,"
      "'service':{'reads':{}}}]," CLI "}",
      "regions[0].service", "unknown field \"reads\" (did you mean \"read\"?)" },
/* distributions */
#define SVC(d)                                                                                     \
    "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1,"                        \
    "'service':{'read':" d "}}]," CLI "}"
    { SVC("'2ms'"), "regions[0].service.read",
      "expected a distribution such as {\"dist\": \"exponential\", \"mean\": \"1ms\"}, got "
      "string \"2ms\"" },
    { SVC("{'mean':'1ms'}"), "regions[0].service.read", "missing required field \"dist\"" },
    { SVC("{'dist':3}"), "regions[0].service.read.dist",
      "expected a distribution name (one of constant, uniform, exponential, normal, lognormal, "
      "gamma, weibull, pareto, empirical), got number 3" },
    { SVC("{'dist':'poisson'}"), "regions[0].service.read.dist",
      "unknown distribution \"poisson\"; expected one of constant, uniform, exponential, normal, "
      "lognormal, gamma, weibull, pareto, empirical" },
    { SVC("{'dist':'zipf','n':3,'s':1}"), "regions[0].service.read.dist",
      "\"zipf\" is not a distribution of times; expected one of constant, uniform, exponential, "
      "normal, lognormal, gamma, weibull, pareto, empirical" },
    { SVC("{'dist':'bernoulli','p':0.5}"), "regions[0].service.read.dist",
      "\"bernoulli\" is not a distribution of times; expected one of constant, uniform, "
      "exponential, normal, lognormal, gamma, weibull, pareto, empirical" },
    { SVC("{'dist':'exponential','mean':'1ms','sd':'1ms'}"), "regions[0].service.read",
      "unknown field \"sd\"; expected one of: dist, mean" },
    { SVC("{'dist':'exponential','mean':'1ms','mean':'2ms'}"), "regions[0].service.read",
      "duplicate field \"mean\"" },
    { SVC("{'dist':'exponential'}"), "regions[0].service.read", "missing required field \"mean\"" },
    { SVC("{'dist':'exponential','mean':1}"), "regions[0].service.read.mean",
      "expected a duration such as \"250ms\", got number 1" },
    { SVC("{'dist':'exponential','mean':'0s'}"), "regions[0].service.read.mean",
      "expected a positive duration, got \"0s\"" },
    { SVC("{'dist':'constant'}"), "regions[0].service.read", "missing required field \"value\"" },
    { SVC("{'dist':'constant','value':'x'}"), "regions[0].service.read.value",
      "expected a duration such as \"250ms\", got \"x\"" },
    { SVC("{'dist':'uniform','min':'2ms'}"), "regions[0].service.read",
      "missing required field \"max\"" },
    { SVC("{'dist':'uniform','min':'2ms','max':'1ms'}"), "regions[0].service.read.max",
      "expected a duration >= min (\"2ms\"), got \"1ms\"" },
    { SVC("{'dist':'normal','mean':'2ms'}"), "regions[0].service.read",
      "missing required field \"sd\"" },
    { SVC("{'dist':'lognormal','median':'2ms'}"), "regions[0].service.read",
      "missing required field \"sigma\"" },
    { SVC("{'dist':'lognormal','sigma':0.5}"), "regions[0].service.read",
      "missing required field \"median\"" },
    { SVC("{'dist':'lognormal','sd':'1ms'}"), "regions[0].service.read",
      "missing required field \"mean\"" },
    { SVC("{'dist':'lognormal','median':'2ms','mean':'2ms'}"), "regions[0].service.read",
      "a lognormal distribution takes either median and sigma or mean and sd, not both" },
    { SVC("{'dist':'lognormal','median':'2ms','sigma':-1}"), "regions[0].service.read.sigma",
      "expected a non-negative number, got -1" },
    { SVC("{'dist':'lognormal','median':'2ms','sigma':'1'}"), "regions[0].service.read.sigma",
      "expected a number, got string \"1\"" },
    { SVC("{'dist':'lognormal','median':'0ns','sigma':1}"), "regions[0].service.read.median",
      "expected a positive duration, got \"0ns\"" },
    { SVC("{'dist':'gamma','shape':0,'scale':'1ms'}"), "regions[0].service.read.shape",
      "expected a positive number, got 0" },
    { SVC("{'dist':'weibull','shape':1}"), "regions[0].service.read",
      "missing required field \"scale\"" },
    { SVC("{'dist':'pareto','shape':1,'scale':'0s'}"), "regions[0].service.read.scale",
      "expected a positive duration, got \"0s\"" },
    { SVC("{'dist':'empirical'}"), "regions[0].service.read", "missing required field \"points\"" },
    { SVC("{'dist':'empirical','points':{}}"), "regions[0].service.read.points",
      "expected an array of [duration, probability] points, got an object" },
    { SVC("{'dist':'empirical','points':[]}"), "regions[0].service.read.points",
      "expected at least 2 points, got 0" },
    { SVC("{'dist':'empirical','points':[['1ms',0],['2ms']]}"), "regions[0].service.read.points[1]",
      "expected a [duration, probability] pair, got an array of another length" },
    { SVC("{'dist':'empirical','points':[['1ms',0],3]}"), "regions[0].service.read.points[1]",
      "expected a [duration, probability] pair, got number 3" },
    { SVC("{'dist':'empirical','points':[['1ms',0],[2,1]]}"),
      "regions[0].service.read.points[1][0]",
      "expected a duration such as \"250ms\", got number 2" },
    { SVC("{'dist':'empirical','points':[['2ms',0],['2ms',1]]}"),
      "regions[0].service.read.points[1][0]",
      "expected durations in ascending order, got \"2ms\" after \"2ms\"" },
    { SVC("{'dist':'empirical','points':[['1ms',0],['2ms',1.5]]}"),
      "regions[0].service.read.points[1][1]",
      "expected a cumulative probability in [0, 1], got 1.5" },
    { SVC("{'dist':'empirical','points':[['1ms',0.1],['2ms',1]]}"),
      "regions[0].service.read.points[0]",
      "expected the first cumulative probability to be 0, got 0.1" },
    { SVC("{'dist':'empirical','points':[['1ms',0],['2ms',0.5]]}"),
      "regions[0].service.read.points[1]",
      "expected the last cumulative probability to be 1, got 0.5" },
    { SVC("{'dist':'empirical','points':[['1ms',0],['2ms',0.7],['3ms',0.6],['4ms',1]]}"),
      "regions[0].service.read.points[2]",
      "expected non-decreasing cumulative probabilities, got 0.6 after 0.7" },
#undef SVC
    /* network */
    { "{" BASE ",'network':[]}", "network", "expected an object, got an array" },
    { "{" BASE ",'network':{'rtt':'fast'}}", "network.rtt",
      "unknown rtt mode \"fast\"; expected \"geo\", \"measured\" or an object of \"a/b\": "
      "\"76ms\" pairs" },
    { "{" BASE ",'network':{'rtt':['a','b']}}", "network.rtt",
      "expected \"geo\", \"measured\" or an object of \"a/b\": \"76ms\" pairs, got an array" },
    { "{" BASE ",'network':{'rtt':{'ab':'1ms'}}}", "network.rtt.ab",
      "expected a key of the form \"regionA/regionB\", got \"ab\"" },
    { "{" BASE ",'network':{'rtt':{'a/b/c':'1ms'}}}", "network.rtt.a/b/c",
      "expected a key of the form \"regionA/regionB\", got \"a/b/c\"" },
    { "{" BASE ",'network':{'rtt':{'/b':'1ms'}}}", "network.rtt./b",
      "expected a key of the form \"regionA/regionB\", got \"/b\"" },
    { "{" BASE ",'network':{'rtt':{'x/b':'1ms'}}}", "network.rtt.x/b",
      "unknown region \"x\"; known regions: a, b" },
    { "{" BASE ",'network':{'rtt':{'a/y':'1ms'}}}", "network.rtt.a/y",
      "unknown region \"y\"; known regions: a, b" },
    { "{" BASE ",'network':{'rtt':{'b/b':'1ms'}}}", "network.rtt.b/b",
      "expected two different regions, got \"b/b\"" },
    { "{" BASE ",'network':{'rtt':{'a/b':'1ms','b/a':'2ms'}}}", "network.rtt.b/a",
      "\"b/a\" names the same pair of regions as \"a/b\"" },
    { "{" BASE ",'network':{'rtt':{'a/b':'1ms','a/b':'2ms'}}}", "network.rtt",
      "duplicate field \"a/b\"" },
    { "{" BASE ",'network':{'rtt':{'a/b':'0ms'}}}", "network.rtt.a/b",
      "expected a positive duration, got \"0ms\"" },
    { "{" BASE ",'network':{'route_factor':0}}", "network.route_factor",
      "expected a number > 0, got 0" },
    { "{" BASE ",'network':{'route_factor':'1.5'}}", "network.route_factor",
      "expected a number > 0, got string \"1.5\"" },
    { "{" BASE ",'network':{'base':1}}", "network.base",
      "expected a duration such as \"250ms\", got number 1" },
    { "{" BASE ",'network':{'jitter':{'dist':'normal','mean':'1ms','sd':'-1ms'}}}",
      "network.jitter.sd", "expected a non-negative duration, got \"-1ms\"" },
    { "{" BASE ",'network':{'loss':1}}", "network.loss", "expected a number in [0, 1), got 1" },
    { "{" BASE ",'network':{'loss':-0.1}}", "network.loss",
      "expected a number in [0, 1), got -0.1" },
    { "{" BASE ",'network':{'rtt':'geo','rtt':'measured'}}", "network", "duplicate field \"rtt\"" },
    { "{" BASE ",'network':{'jiter':{}}}", "network",
      "unknown field \"jiter\" (did you mean \"jitter\"?)" },
/* clients */
#define CL(c) "{'duration':'1m'," REGS ",'clients':[" c "]}"
    { "{'duration':'1m'," REGS ",'clients':[]}", "clients",
      "expected at least one client, got an empty array" },
    { "{'duration':'1m'," REGS ",'clients':'all'}", "clients",
      "expected an array of clients, got string \"all\"" },
    { CL("{'rate':1}"), "clients[0]", "missing required field \"location\"" },
    { CL("{'location':{},'rate':1}"), "clients[0].location",
      "expected [latitude, longitude] or a region name, got an object" },
    { CL("{'location':'c','rate':1}"), "clients[0].location",
      "unknown region \"c\"; known regions: a, b" },
    { CL("{'location':[0,0]}"), "clients[0]", "missing required field \"rate\" (or \"steps\")" },
    { CL("{'location':[0,0],'rate':0}"), "clients[0].rate", "expected a number > 0, got 0" },
    { CL("{'location':[0,0],'rate':-1,'steps':[{'at':'0s','rate':1}]}"), "clients[0].rate",
      "expected a non-negative number, got -1" },
    { CL("{'location':[0,0],'rate':1,'name':''}"), "clients[0].name",
      "expected a non-empty string, got \"\"" },
    { CL("{'location':[0,0],'rate':1,'name':'x'},{'location':[0,0],'rate':1,'name':'x'}"),
      "clients[1].name", "duplicate client name \"x\" (also clients[0])" },
    { CL("{'location':[0,0],'rate':1,'name':'client1'},{'location':[0,0],'rate':1}"), "clients[1]",
      "duplicate client name \"client1\" (also clients[0])" },
    { CL("{'location':[0,0],'rate':1,'read_ratio':-0.5}"), "clients[0].read_ratio",
      "expected a number in [0, 1], got -0.5" },
    { CL("{'location':[0,0],'rate':1,'read_own_writes':1.5}"), "clients[0].read_own_writes",
      "expected a number in [0, 1], got 1.5" },
    { CL("{'location':[0,0],'rate':1,'avoid_after':0}"), "clients[0].avoid_after",
      "expected a positive integer, got 0" },
    { CL("{'location':[0,0],'rate':1,'keys':5}"), "clients[0].keys",
      "expected an object, got number 5" },
    { CL("{'location':[0,0],'rate':1,'keys':{'count':0}}"), "clients[0].keys.count",
      "expected a positive integer, got 0" },
    { CL("{'location':[0,0],'rate':1,'keys':{'count':100000001}}"), "clients[0].keys.count",
      "expected an integer from 1 to 100000000, got 100000001" },
    { CL("{'location':[0,0],'rate':1,'keys':{'dist':'normal'}}"), "clients[0].keys.dist",
      "expected \"uniform\" or \"zipf\", got \"normal\"" },
    { CL("{'location':[0,0],'rate':1,'keys':{'dist':1}}"), "clients[0].keys.dist",
      "expected a string, got number 1" },
    { CL("{'location':[0,0],'rate':1,'keys':{'s':1}}"), "clients[0].keys.s",
      "\"s\" applies only with \"dist\": \"zipf\"" },
    { CL("{'location':[0,0],'rate':1,'keys':{'dist':'uniform','s':1}}"), "clients[0].keys.s",
      "\"s\" applies only with \"dist\": \"zipf\"" },
    { CL("{'location':[0,0],'rate':1,'keys':{'dist':'zipf','s':-1}}"), "clients[0].keys.s",
      "expected a non-negative number, got -1" },
    { CL("{'location':[0,0],'rate':1,'keys':{'cnt':1}}"), "clients[0].keys",
      "unknown field \"cnt\" (did you mean \"count\"?)" },
    { CL("{'location':[0,0],'rate':1,'sessions':0}"), "clients[0].sessions",
      "expected a positive integer, got 0" },
    { CL("{'location':[0,0],'rate':1,'sessions':10000001}"), "clients[0].sessions",
      "expected an integer from 1 to 10000000, got 10000001" },
    { CL("{'location':[0,0],'rate':1,'timeout':'0s'}"), "clients[0].timeout",
      "expected a positive duration, got \"0s\"" },
    { CL("{'location':[0,0],'rate':1,'retries':-1}"), "clients[0].retries",
      "expected a non-negative integer, got -1" },
    { CL("{'location':[0,0],'rate':1,'retries':101}"), "clients[0].retries",
      "expected an integer from 0 to 100, got 101" },
    { CL("{'location':[0,0],'rate':1,'backoff':50}"), "clients[0].backoff",
      "expected a duration such as \"250ms\", got number 50" },
    { CL("{'location':[0,0],'rate':1,'diurnal':{}}"), "clients[0].diurnal",
      "missing required field \"amplitude\"" },
    { CL("{'location':[0,0],'rate':1,'diurnal':{'amplitude':1.5}}"), "clients[0].diurnal.amplitude",
      "expected a number in [0, 1], got 1.5" },
    { CL("{'location':[0,0],'rate':1,'diurnal':{'amplitude':0.5,'period':'0s'}}"),
      "clients[0].diurnal.period", "expected a positive duration, got \"0s\"" },
    { CL("{'location':[0,0],'rate':1,'diurnal':{'amplitude':0.5,'phase':'1h'}}"),
      "clients[0].diurnal", "unknown field \"phase\"; expected one of: amplitude, period" },
    { CL("{'location':[0,0],'steps':[]}"), "clients[0].steps",
      "expected at least one step, got an empty array" },
    { CL("{'location':[0,0],'steps':{}}"), "clients[0].steps",
      "expected an array of steps, got an object" },
    { CL("{'location':[0,0],'steps':[{'rate':1}]}"), "clients[0].steps[0]",
      "missing required field \"at\"" },
    { CL("{'location':[0,0],'steps':[{'at':'1s'}]}"), "clients[0].steps[0]",
      "missing required field \"rate\"" },
    { CL("{'location':[0,0],'steps':[{'at':'1s','rate':1,'until':'2s'}]}"), "clients[0].steps[0]",
      "unknown field \"until\"; expected one of: at, rate" },
    { CL("{'location':[0,0],'steps':[{'at':'1s','rate':1},{'at':'1s','rate':2}]}"),
      "clients[0].steps[1].at", "expected a time after the previous step's \"1s\", got \"1s\"" },
    { CL("{'location':[0,0],'steps':[{'at':'1s','rate':-2}]}"), "clients[0].steps[0].rate",
      "expected a non-negative number, got -2" },
    { CL("{'location':[0,0],'rate':1,'rates':1}"), "clients[0]",
      "unknown field \"rates\" (did you mean \"rate\"?)" },
#undef CL
    /* limits derived from the memory budget (issue 16, D2): each of these aborted or ran for
 * ever before it was refused at load time */
    { "{'duration':'10s'," REGS ",'clients':[{'location':[0,0],'rate':1e9}]}", "clients[0].rate",
      "the clients' peak rates with their timeouts and retries keep about 3.15e+09 requests in "
      "flight, which would need about 1.61 TB, above the memory budget of 4.29 GB a run may plan "
      "for (see \"Limits\" in scenarios/README.md)" },
    { "{'duration':'1s'," REGS ",'clients':[{'location':[0,0],'rate':1},"
      "{'location':[0,0],'rate':2e9,'timeout':'1ns','retries':0}]}",
      "clients[1].rate",
      "the clients' peak rates over the duration (\"1s\") make about 2e+09 requests, above the "
      "1e+09 a run may simulate (see \"Limits\" in scenarios/README.md); lower the rates or the "
      "duration" },
    { "{'duration':'876000h'," REGS ",'clients':[{'location':[0,0],'rate':1}],"
      "'monitor':{'interval':'1h'}}",
      "clients[0].rate",
      "the clients' peak rates over the duration (\"876000h\") make about 3.15e+09 requests, above "
      "the 1e+09 a run may simulate (see \"Limits\" in scenarios/README.md); lower the rates or "
      "the duration" },
    { "{'duration':'555h','regions':[" REGIONS64 "],'clients':[{'location':[0,0],'rate':0.1}]}",
      "monitor.interval",
      "the monitoring series of 64 regions over 1998002 intervals would need about 8.2 GB, above "
      "the memory budget of 4.29 GB a run may plan for (see \"Limits\" in scenarios/README.md)" },
    { "{'duration':'1000h'," REGS ",'clients':[{'location':[0,0],'rate':0.1}],"
      "'routing':{'health':{'interval':'1ms','timeout':'1ms'}}}",
      "routing.health.interval",
      "2 checkers each probing 1 other regions every \"1ms\" make about 7.2e+09 probes over the "
      "duration, above the 1e+09 a run may simulate (see \"Limits\" in scenarios/README.md); set a "
      "longer interval" },
/* faults */
#define FA(f) "{" BASE ",'faults':[" f "]}"
    { "{" BASE ",'faults':{}}", "faults", "expected an array of faults, got an object" },
    { FA("1"), "faults[0]", "expected an object, got number 1" },
    { FA("{'at':'1s'}"), "faults[0]", "missing required field \"kind\"" },
    { FA("{'kind':3,'at':'1s'}"), "faults[0].kind", "expected a string, got number 3" },
    { FA("{'kind':'meteor','at':'1s'}"), "faults[0].kind",
      "unknown fault kind \"meteor\"; expected one of region_down, partition, link_degrade, "
      "brownout, clock_skew, failover, link_cut, client_cut, zone_down, capacity, dns_down, "
      "health_down, flap" },
    { FA("{'kind':'flap','at':'1s','region':'a','period':'1m','down':'1m'}"), "faults[0].down",
      "expected less than \"period\" (a region that never comes back is a region_down), got "
      "\"1m\"" },
    { FA("{'kind':'dns_down','at':'1s','answers':0}"), "faults[0].answers",
      "expected true or false, got number 0" },
    { FA("{'kind':'health_down','at':'1s','region':'a'}"), "faults[0]",
      "field \"region\" does not apply to a health_down fault" },
    { FA("{'kind':'zone_down','at':'1s','region':'a','zone':1}"), "faults[0].zone",
      "expected an integer from 0 to 0, got 1" },
    { FA("{'kind':'capacity','at':'1s','region':'a'}"), "faults[0]",
      "missing required field \"servers\"" },
    { FA("{'kind':'client_cut','at':'1s','clients':'paris','region':'a'}"), "faults[0].clients",
      "unknown client population \"paris\"" },
    { FA("{'kind':'client_cut','at':'1s','clients':'client0','region':'a','fraction':0}"),
      "faults[0].fraction", "expected a number in (0, 1], got 0" },
    { FA("{'kind':'client_cut','at':'1s','clients':'client0'}"), "faults[0]",
      "missing required field \"region\"" },
    { FA("{'kind':'link_cut','at':'1s','from':'a'}"), "faults[0]",
      "missing required field \"to\"" },
    { FA("{'kind':'link_cut','at':'1s','from':'a','to':'a'}"), "faults[0].to",
      "expected a region other than \"from\", got \"a\" for both" },
    { FA("{'kind':'link_cut','at':'1s','from':'a','to':'b','region':'a'}"), "faults[0]",
      "field \"region\" does not apply to a link_cut fault" },
    { FA("{'kind':'region_down','region':'a'}"), "faults[0]", "missing required field \"at\"" },
    { FA("{'kind':'region_down','at':'1s'}"), "faults[0]", "missing required field \"region\"" },
    { FA("{'kind':'region_down','at':'1s','region':'c'}"), "faults[0].region",
      "unknown region \"c\"; known regions: a, b" },
    { FA("{'kind':'region_down','at':'1s','region':0}"), "faults[0].region",
      "expected a region name, got number 0" },
    { FA("{'kind':'region_down','at':'1s','region':'a','for':'0s'}"), "faults[0].for",
      "expected a positive duration, got \"0s\"" },
    { FA("{'kind':'region_down','at':'-1s','region':'a'}"), "faults[0].at",
      "expected a non-negative duration, got \"-1s\"" },
    { FA("{'kind':'region_down','at':'1s','region':'a','factor':2}"), "faults[0]",
      "field \"factor\" does not apply to a region_down fault" },
    { FA("{'kind':'region_down','at':'1s','region':'a','regoin':'b'}"), "faults[0]",
      "unknown field \"regoin\" (did you mean \"region\"?)" },
    { FA("{'kind':'partition','at':'1s'}"), "faults[0]", "missing required field \"groups\"" },
    { FA("{'kind':'partition','at':'1s','region':'a','groups':[['a']]}"), "faults[0]",
      "field \"region\" does not apply to a partition fault" },
    { FA("{'kind':'partition','at':'1s','groups':[]}"), "faults[0].groups",
      "expected at least one group, got an empty array" },
    { FA("{'kind':'partition','at':'1s','groups':[['a'],['b'],[]]}"), "faults[0].groups",
      "expected at most 2 groups (arrays of region names), got 3" },
    { FA("{'kind':'partition','at':'1s','groups':['a']}"), "faults[0].groups[0]",
      "expected an array of region names, got string \"a\"" },
    { FA("{'kind':'partition','at':'1s','groups':[['a','c']]}"), "faults[0].groups[0][1]",
      "unknown region \"c\"; known regions: a, b" },
    { FA("{'kind':'partition','at':'1s','groups':[['a','a']]}"), "faults[0].groups[0][1]",
      "region \"a\" is already in faults[0].groups[0]" },
    { FA("{'kind':'partition','at':'1s','groups':[[],[]]}"), "faults[0].groups",
      "expected at least one non-empty group" },
    { FA("{'kind':'partition','at':'1s','groups':[['b','a']]}"), "faults[0].groups",
      "expected regions in at least two groups, got all in one (a partition that separates "
      "nothing)" },
    { FA("{'kind':'link_degrade','at':'1s','loss':0.1}"), "faults[0]",
      "missing required field \"between\"" },
    { FA("{'kind':'link_degrade','at':'1s','between':'a/b','loss':0.1}"), "faults[0].between",
      "expected [regionA, regionB], got string \"a/b\"" },
    { FA("{'kind':'link_degrade','at':'1s','between':['a'],'loss':0.1}"), "faults[0].between",
      "expected [regionA, regionB], got an array of another length" },
    { FA("{'kind':'link_degrade','at':'1s','between':['a','z'],'loss':0.1}"),
      "faults[0].between[1]", "unknown region \"z\"; known regions: a, b" },
    { FA("{'kind':'link_degrade','at':'1s','between':['b','b'],'loss':0.1}"), "faults[0].between",
      "expected two different regions, got \"b\" twice" },
    { FA("{'kind':'link_degrade','at':'1s','between':['a','b']}"), "faults[0]",
      "expected \"latency\" or \"loss\" (or both) in a link_degrade fault" },
    { FA("{'kind':'link_degrade','at':'1s','between':['a','b'],'loss':1.01}"), "faults[0].loss",
      "expected a number in [0, 1], got 1.01" },
    { FA("{'kind':'link_degrade','at':'1s','between':['a','b'],'latency':{'dist':'zipf'}}"),
      "faults[0].latency.dist",
      "\"zipf\" is not a distribution of times; expected one of constant, uniform, exponential, "
      "normal, lognormal, gamma, weibull, pareto, empirical" },
    { FA("{'kind':'link_degrade','at':'1s','between':['a','b'],'latency':'5ms'}"),
      "faults[0].latency",
      "expected a distribution such as {\"dist\": \"exponential\", \"mean\": \"1ms\"}, got "
      "string \"5ms\"" },
    { FA("{'kind':'brownout','at':'1s','region':'a'}"), "faults[0]",
      "missing required field \"factor\"" },
    { FA("{'kind':'brownout','at':'1s','region':'a','factor':0.5}"), "faults[0].factor",
      "expected a number >= 1, got 0.5" },
    { FA("{'kind':'clock_skew','at':'1s','region':'a'}"), "faults[0]",
      "expected \"offset\" or \"drift\" (or both) in a clock_skew fault" },
    { FA("{'kind':'clock_skew','at':'1s','region':'a','offset':'--5ms'}"), "faults[0].offset",
      "expected a duration such as \"-50ms\", got \"--5ms\"" },
    { FA("{'kind':'clock_skew','at':'1s','region':'a','offset':-5}"), "faults[0].offset",
      "expected a duration such as \"-50ms\", got number -5" },
    { FA("{'kind':'clock_skew','at':'1s','region':'a','drift':1000001}"), "faults[0].drift",
      "expected a drift in ppm in [-1000000, 1000000], got 1000001" },
    { FA("{'kind':'clock_skew','at':'1s','region':'a','drift':'5'}"), "faults[0].drift",
      "expected a drift in ppm in [-1000000, 1000000], got string \"5\"" },
    { FA("{'kind':'region_down','at':'1s','region':'a'},{'kind':'brownout','at':'1s'}"),
      "faults[1]", "missing required field \"region\"" },
#undef FA
/* expect */
#define EX(x) "{" BASE ",'expect':[" x "]}"
    { "{" BASE ",'expect':{}}", "expect", "expected an array of expectations, got an object" },
    { EX("{'min':1}"), "expect[0]", "missing required field \"metric\"" },
    { EX("{'metric':'','min':1}"), "expect[0].metric", "expected a non-empty string, got \"\"" },
    { EX("{'metric':'p99'}"), "expect[0]",
      "expected at least one of \"min\", \"max\", \"equals\"" },
    { EX("{'metric':'p99','pattern':'','min':1}"), "expect[0].pattern",
      "expected a non-empty string, got \"\"" },
    { EX("{'metric':'p99','op':'delete','min':1}"), "expect[0].op",
      "expected \"read\" or \"write\", got \"delete\"" },
    { EX("{'metric':'p99','region':'c','min':1}"), "expect[0].region",
      "unknown region \"c\"; known regions: a, b" },
    { EX("{'metric':'p99','min':'1'}"), "expect[0].min", "expected a number, got string \"1\"" },
    { EX("{'metric':'p99','max':null}"), "expect[0].max", "expected a number, got null" },
    { EX("{'metric':'p99','equals':false}"), "expect[0].equals", "expected a number, got false" },
    { EX("{'metric':'p99','min':2,'max':1}"), "expect[0].max",
      "expected a number >= min (2), got 1" },
    { EX("{'metric':'p99','min':1,'threshold':1}"), "expect[0]",
      "unknown field \"threshold\"; expected one of: metric, pattern, op, region, client, min, "
      "max, equals, bound" },
    /* Metric names are checked at load, for the scope the filters ask. */
    { EX("{'metric':'p99','min':1}"), "expect[0].metric",
      "unknown metric \"p99\"; did you mean \"p99_ms\"? (every metric: scenarios/README.md, "
      "\"Metrics\")" },
    { EX("{'metric':'rto','max':1}"), "expect[0].metric",
      "unknown metric \"rto\"; did you mean \"rto_s\"? (every metric: scenarios/README.md, "
      "\"Metrics\")" },
    { EX("{'metric':'zzzzzzzzzz','max':1}"), "expect[0].metric",
      "unknown metric \"zzzzzzzzzz\" (every metric: scenarios/README.md, \"Metrics\")" },
    { EX("{'metric':'detect_s','op':'read','max':1}"), "expect[0].metric",
      "metric \"detect_s\" is not reported per operation (\"op\"); it is: for the whole run" },
    { EX("{'metric':'p99_ms','op':'read','region':'a','max':1}"), "expect[0]",
      "expected at most one of \"op\", \"region\", \"client\": runs have no figures per "
      "operation per region (per client and operation: the metrics read_p99_ms, write_p99_ms, "
      "...)" },
    { EX("{'metric':'p99_ms','client':'mars','max':1}"), "expect[0].client",
      "unknown client population \"mars\"" },
    { EX("{'metric':'p99','pattern':'active-active','min':1}"), "expect[0].pattern",
      "unknown pattern \"active-active\"; the scenario has no patterns, so the only one is "
      "\"independent\"" },
    { "{" BASE ",'patterns':{'active-active':{},'mine':{'kind':'independent'}},"
      "'expect':[{'metric':'p99','pattern':'read-local','min':1}]}",
      "expect[0].pattern",
      "unknown pattern \"read-local\"; the scenario's patterns are: active-active, mine" },
    { "{" BASE ",'patterns':{'active-active':{}},"
      "'expect':[{'metric':'p99','pattern':'independent','min':1}]}",
      "expect[0].pattern",
      "unknown pattern \"independent\"; the scenario's patterns are: active-active" },
    { "{" BASE ",'patterns':{},'expect':[{'metric':'p99','pattern':'x','min':1}]}",
      "expect[0].pattern",
      "unknown pattern \"x\"; the scenario has no patterns, so the only one is \"independent\"" },
#undef EX
/* patterns; REGS has two regions, a and b */
#define PA(x) "{" BASE ",'patterns':{" x "}}"
#define AA(x) PA("'active-active':{" x "}")
#define RL(x) PA("'read-local':{'primary':'a'," x "}")
#define RP(x) AA("'replication':{" x "}")
    { "{" BASE ",'patterns':[]}", "patterns",
      "expected an object of named patterns such as {\"active-active\": {}}, got an array" },
    { "{" BASE ",'patterns':'active-active'}", "patterns",
      "expected an object of named patterns such as {\"active-active\": {}}, got string "
      "\"active-active\"" },
    { PA("'':{'kind':'independent'}"), "patterns", "expected non-empty pattern names, got \"\"" },
    { PA("'x':{'kind':'independent'},'y':{'kind':'independent'},'x':{}"), "patterns",
      "duplicate field \"x\"" },
    { PA("'active-active':[]"), "patterns.active-active", "expected an object, got an array" },
    { PA("'active-active':true"), "patterns.active-active", "expected an object, got true" },
    { PA("'mine':{}"), "patterns.mine",
      "missing required field \"kind\" (the name is not a pattern kind: independent, "
      "active-active, read-local, active-passive, leaderless, geo-partitioned)" },
    { PA("'Active-Active':{}"), "patterns.Active-Active",
      "missing required field \"kind\" (the name is not a pattern kind: independent, "
      "active-active, read-local, active-passive, leaderless, geo-partitioned)" },
    { PA("'mine':{'kind':'active-standby'}"), "patterns.mine.kind",
      "expected \"independent\", \"active-active\", \"read-local\", \"active-passive\", "
      "\"leaderless\" or \"geo-partitioned\", "
      "got \"active-standby\"" },
    { PA("'mine':{'kind':null}"), "patterns.mine.kind",
      "expected \"independent\", \"active-active\", \"read-local\", \"active-passive\", "
      "\"leaderless\" or \"geo-partitioned\", "
      "got null" },
    { PA("'ap':{'kind':'active-passive','cache':true}"), "patterns.ap",
      "field \"cache\" does not apply to an active-passive pattern" },
    { PA("'ap':{'kind':'active-passive','primary':'zz'}"), "patterns.ap.primary",
      "unknown region \"zz\"; known regions: a, b" },
    { PA("'ap':{'kind':'active-passive','replication':{'mode':'none'}}"),
      "patterns.ap.replication.mode",
      "\"none\" is only for an independent pattern; expected \"async\" or \"sync\"" },
    { "{" BASE ",'failover':{'check_every':'0s'}}", "failover.check_every",
      "expected a positive duration, got \"0s\"" },
    { "{" BASE ",'failover':{'fence':1}}", "failover.fence",
      "expected true or false, got number 1" },
    { "{" BASE ",'faults':[{'kind':'failover','at':'1s','region':'a'}]}", "faults[0]",
      "field \"region\" does not apply to a failover fault" },
    { PA("'read-local':{'kind':'active-active'}"), "patterns.read-local.kind",
      "a pattern named \"read-local\" must be of that kind, got \"active-active\" (name the "
      "pattern something else)" },
    { AA("'resolvr':'lww'"), "patterns.active-active",
      "unknown field \"resolvr\" (did you mean \"resolver\"?)" },
    { AA("'ttl':'1s'"), "patterns.active-active",
      "unknown field \"ttl\"; expected one of: kind, primary, replication, resolver, clock, "
      "ryw_window, cache, servers, wars, read_repair, max_staleness, failover_after, sloppy" },
    { AA("'clock':'hlc','clock':'wall'"), "patterns.active-active", "duplicate field \"clock\"" },
    { PA("'a.b[0]':{'kind':'active-active','resolver':1}"), "patterns.a.b[0].resolver",
      "expected \"lww\" or \"merge\", got number 1" },
    { PA("'read-local':{}"), "patterns.read-local", "missing required field \"primary\"" },
    { PA("'read-local':{'primary':'z'}"), "patterns.read-local.primary",
      "unknown region \"z\"; known regions: a, b" },
    { PA("'read-local':{'primary':['a']}"), "patterns.read-local.primary",
      "expected a region name, got an array" },
    { AA("'primary':'a'"), "patterns.active-active",
      "field \"primary\" does not apply to an active-active pattern" },
    { PA("'independent':{'primary':'a'}"), "patterns.independent",
      "field \"primary\" does not apply to an independent pattern" },
    { PA("'independent':{'cache':false}"), "patterns.independent",
      "field \"cache\" does not apply to an independent pattern" },
    { PA("'mine':{'kind':'active-active','ryw_window':'1s'}"), "patterns.mine",
      "field \"ryw_window\" does not apply to an active-active pattern" },
    { AA("'replication':'async'"), "patterns.active-active.replication",
      "expected an object, got string \"async\"" },
    { RP("'mode':'eventual'"), "patterns.active-active.replication.mode",
      "expected \"async\", \"sync\" or \"none\", got \"eventual\"" },
    { RP("'mode':'none'"), "patterns.active-active.replication.mode",
      "\"none\" is only for an independent pattern; expected \"async\" or \"sync\"" },
    { RP("'mode':'async','mode':'sync'"), "patterns.active-active.replication",
      "duplicate field \"mode\"" },
    { RP("'modes':'sync'"), "patterns.active-active.replication",
      "unknown field \"modes\" (did you mean \"mode\"?)" },
    { PA("'independent':{'replication':{'mode':'async'}}"), "patterns.independent.replication.mode",
      "an independent pattern does not replicate; expected \"none\", got \"async\"" },
    { PA("'independent':{'replication':{'mode':'sync'}}"), "patterns.independent.replication.mode",
      "an independent pattern does not replicate; expected \"none\", got \"sync\"" },
    { PA("'independent':{'replication':{'batch':'1s'}}"), "patterns.independent.replication.batch",
      "\"batch\" does not apply with \"mode\": \"none\" (nothing is replicated)" },
    { PA("'independent':{'replication':{'mode':'none','quorum':1}}"),
      "patterns.independent.replication.quorum",
      "\"quorum\" does not apply with \"mode\": \"none\" (nothing is replicated)" },
    { RL("'replication':{'mode':'sync'}"), "patterns.read-local.replication.mode",
      "read-local replicates asynchronously from the primary; expected \"async\", got \"sync\"" },
    { RL("'replication':{'mode':'none'}"), "patterns.read-local.replication.mode",
      "read-local replicates asynchronously from the primary; expected \"async\", got \"none\"" },
    { RL("'replication':{'quorum':1}"), "patterns.read-local.replication.quorum",
      "\"quorum\" applies only with \"mode\": \"sync\"" },
    { RP("'quorum':2"), "patterns.active-active.replication.quorum",
      "\"quorum\" applies only with \"mode\": \"sync\"" },
    { RP("'mode':'async','timeout':'1s'"), "patterns.active-active.replication.timeout",
      "\"timeout\" applies only with \"mode\": \"sync\"" },
    { RP("'mode':'sync','quorum':3"), "patterns.active-active.replication.quorum",
      "expected an integer from 1 to 2, got 3" },
    { RP("'mode':'sync','quorum':0"), "patterns.active-active.replication.quorum",
      "expected a positive integer, got 0" },
    { RP("'mode':'sync','quorum':1.5"), "patterns.active-active.replication.quorum",
      "expected a positive integer, got 1.5" },
    { RP("'mode':'sync','batch':'10ms'"), "patterns.active-active.replication.batch",
      "\"batch\" applies only with \"mode\": \"async\"" },
    { RP("'mode':'sync','timeout':'0ms'"), "patterns.active-active.replication.timeout",
      "expected a positive duration, got \"0ms\"" },
    { RP("'batch':'-1ms'"), "patterns.active-active.replication.batch",
      "expected a non-negative duration, got \"-1ms\"" },
    { RP("'batch':50"), "patterns.active-active.replication.batch",
      "expected a duration such as \"250ms\", got number 50" },
    { RP("'max_batch':0"), "patterns.active-active.replication.max_batch",
      "expected a positive integer, got 0" },
    { RP("'max_batch':65536"), "patterns.active-active.replication.max_batch",
      "expected an integer from 1 to 65535, got 65536" },
    { RP("'resend':'0s'"), "patterns.active-active.replication.resend",
      "expected a positive duration, got \"0s\"" },
    { AA("'resolver':'crdt'"), "patterns.active-active.resolver",
      "expected \"lww\" or \"merge\", got \"crdt\"" },
    { AA("'clock':'tai'"), "patterns.active-active.clock",
      "expected \"wall\" or \"hlc\", got \"tai\"" },
    { AA("'clock':true"), "patterns.active-active.clock",
      "expected \"wall\" or \"hlc\", got true" },
    { RL("'ryw_window':'-1s'"), "patterns.read-local.ryw_window",
      "expected a non-negative duration, got \"-1s\"" },
    { RL("'ryw_window':5"), "patterns.read-local.ryw_window",
      "expected a duration such as \"250ms\", got number 5" },
    { RL("'cache':'yes'"), "patterns.read-local.cache",
      "expected true, false or an object such as {\"size\": 1000}, got string \"yes\"" },
    { RL("'cache':1"), "patterns.read-local.cache",
      "expected true, false or an object such as {\"size\": 1000}, got number 1" },
    { RL("'cache':{'enabled':'yes'}"), "patterns.read-local.cache.enabled",
      "expected true or false, got string \"yes\"" },
    { RL("'cache':{'size':0}"), "patterns.read-local.cache.size",
      "expected a positive integer, got 0" },
    { RL("'cache':{'size':100000001}"), "patterns.read-local.cache.size",
      "expected an integer from 1 to 100000000, got 100000001" },
    { RL("'cache':{'hit':'100us'}"), "patterns.read-local.cache.hit",
      "expected a distribution such as {\"dist\": \"exponential\", \"mean\": \"1ms\"}, got "
      "string \"100us\"" },
    { RL("'cache':{'hit':{'dist':'constant','value':'-1us'}}"),
      "patterns.read-local.cache.hit.value", "expected a non-negative duration, got \"-1us\"" },
    { RL("'cache':{'hit':{'dist':'empirical','points':[['1us',0],['2us',0.5]]}}"),
      "patterns.read-local.cache.hit.points[1]",
      "expected the last cumulative probability to be 1, got 0.5" },
    { RL("'cache':{'ttl':'1s'}"), "patterns.read-local.cache",
      "unknown field \"ttl\"; expected one of: enabled, size, hit" },
#undef RP
#undef RL
#undef AA
#undef PA
    /* data */
    { "{" BASE ",'data':[]}", "data", "expected an object, got an array" },
    { "{" BASE ",'data':{'keys':10}}", "data",
      "unknown field \"keys\"; expected one of: fields, value_bytes, drain" },
    { "{" BASE ",'data':{'field':2}}", "data",
      "unknown field \"field\" (did you mean \"fields\"?)" },
    { "{" BASE ",'data':{'fields':0}}", "data.fields", "expected a positive integer, got 0" },
    { "{" BASE ",'data':{'fields':9}}", "data.fields", "expected an integer from 1 to 8, got 9" },
    { "{" BASE ",'data':{'fields':'2'}}", "data.fields",
      "expected a positive integer, got string \"2\"" },
    { "{" BASE ",'data':{'value_bytes':-1}}", "data.value_bytes",
      "expected a non-negative integer, got -1" },
    { "{" BASE ",'data':{'value_bytes':100000001}}", "data.value_bytes",
      "expected an integer from 0 to 100000000, got 100000001" },
    { "{" BASE ",'data':{'drain':'0s'}}", "data.drain",
      "expected a positive duration, got \"0s\"" },
    { "{" BASE ",'data':{'drain':600}}", "data.drain",
      "expected a duration such as \"250ms\", got number 600" },
/* routing */
#define HE(x) "{" BASE ",'routing':{'health':{" x "}}}"
    { "{" BASE ",'routing':true}", "routing", "expected an object, got true" },
    { "{" BASE ",'routing':{'anycast':true}}", "routing",
      "unknown field \"anycast\"; expected one of: health, policy, primary, dns_ttl, "
      "dns_propagation, dns_lookup, ignore_ttl, stale_for, weights" },
    { "{" BASE ",'routing':{'policy':'latency','health':{}}}", "routing.policy",
      "expected \"primary\", \"nearest\" or \"scored\", got \"latency\"" },
    { "{" BASE ",'routing':{'dns_ttl':'0s'}}", "routing.dns_ttl",
      "expected a positive duration, got \"0s\"" },
    { "{" BASE ",'routing':{'ignore_ttl':1.5}}", "routing.ignore_ttl",
      "expected a number in [0, 1], got 1.5" },
    { "{" BASE ",'routing':{'primary':'nowhere'}}", "routing.primary",
      "unknown region \"nowhere\"; known regions: a, b" },
    { "{" BASE ",'routing':{'weights':{'distanse':1}}}", "routing.weights",
      "unknown field \"distanse\" (did you mean \"distance\"?)" },
    { "{" BASE ",'routing':{'weights':{'latency':-1}}}", "routing.weights.latency",
      "expected a number in [0, 1000000], got -1" },
    { "{" BASE ",'routing':{'heath':{}}}", "routing",
      "unknown field \"heath\" (did you mean \"health\"?)" },
    { "{" BASE ",'routing':{'health':[]}}", "routing.health", "expected an object, got an array" },
    { HE("'intervall':'5s'"), "routing.health",
      "unknown field \"intervall\" (did you mean \"interval\"?)" },
    { HE("'path':'/healthz'"), "routing.health",
      "unknown field \"path\"; expected one of: interval, timeout, unhealthy_after, "
      "healthy_after, checkers, quorum, lane" },
    { HE("'lane':true,'lane':false"), "routing.health", "duplicate field \"lane\"" },
    { "{'duration':'1m','regions':[{'name':'a','location':[0,0],'servers':1}]," CLI
      ",'routing':{'health':{}}}",
      "routing.health",
      "health checking needs at least two regions (a checker probes only other regions), got 1" },
    { HE("'interval':'0s'"), "routing.health.interval",
      "expected a positive duration, got \"0s\"" },
    { HE("'interval':10"), "routing.health.interval",
      "expected a duration such as \"250ms\", got number 10" },
    { HE("'timeout':'0ms'"), "routing.health.timeout",
      "expected a positive duration, got \"0ms\"" },
    { HE("'timeout':'-1s'"), "routing.health.timeout",
      "expected a non-negative duration, got \"-1s\"" },
    { HE("'timeout':'12s'"), "routing.health.timeout",
      "expected at most the interval (\"10s\"), got \"12s\"" },
    { HE("'interval':'3s','timeout':'3001ms'"), "routing.health.timeout",
      "expected at most the interval (\"3s\"), got \"3001ms\"" },
    { HE("'interval':'1s'"), "routing.health.interval",
      "expected at least the default timeout (\"2s\"), got \"1s\"; set a shorter \"timeout\"" },
    { HE("'unhealthy_after':0"), "routing.health.unhealthy_after",
      "expected a positive integer, got 0" },
    { HE("'unhealthy_after':101"), "routing.health.unhealthy_after",
      "expected an integer from 1 to 100, got 101" },
    { HE("'healthy_after':2.5"), "routing.health.healthy_after",
      "expected a positive integer, got 2.5" },
    { HE("'healthy_after':'2'"), "routing.health.healthy_after",
      "expected a positive integer, got string \"2\"" },
    { HE("'checkers':[]"), "routing.health.checkers",
      "expected at least one region, got an empty array" },
    { HE("'checkers':'a'"), "routing.health.checkers",
      "expected an array of region names, got string \"a\"" },
    { HE("'checkers':['a','c']"), "routing.health.checkers[1]",
      "unknown region \"c\"; known regions: a, b" },
    { HE("'checkers':[0]"), "routing.health.checkers[0]", "expected a region name, got number 0" },
    { HE("'checkers':['b','a','b']"), "routing.health.checkers[2]",
      "duplicate checker \"b\" (also routing.health.checkers[0])" },
    { HE("'quorum':0"), "routing.health.quorum", "expected a positive integer, got 0" },
    { HE("'quorum':3"), "routing.health.quorum", "expected an integer from 1 to 2, got 3" },
    { HE("'checkers':['a'],'quorum':2"), "routing.health.quorum",
      "expected an integer from 1 to 1, got 2" },
    { HE("'quorum':2,'checkers':['b']"), "routing.health.quorum", /* checkers first */
      "expected an integer from 1 to 1, got 2" },
    { HE("'lane':'yes'"), "routing.health.lane", "expected true or false, got string \"yes\"" },
    { HE("'lane':1"), "routing.health.lane", "expected true or false, got number 1" },
#undef HE
    /* monitor and alerts */
    { "{" BASE ",'monitor':'1s'}", "monitor", "expected an object, got string \"1s\"" },
    { "{" BASE ",'monitor':{'period':'1s'}}", "monitor",
      "unknown field \"period\"; expected one of: interval" },
    { "{" BASE ",'monitor':{'interval':'0s'}}", "monitor.interval",
      "expected a positive duration, got \"0s\"" },
    { "{" BASE ",'monitor':{'interval':1}}", "monitor.interval",
      "expected a duration such as \"250ms\", got number 1" },
    { "{" BASE ",'monitor':{'interval':'999us'}}", "monitor.interval",
      "expected at least 1ms, got \"999us\"" },
    { "{'duration':'10000001s'," REGS "," CLI ",'monitor':{'interval':'1s'}}", "monitor.interval",
      "expected at most 10000000 intervals in the duration (\"10000001s\"), got 10000001 of "
      "\"1s\"" },
    { "{'duration':'10000001s'," REGS "," CLI "}", "duration",
      "expected at most 10000000 monitoring intervals of 1s (the default) in the duration, got "
      "10000001; set a longer monitor.interval" },
    { "{" BASE ",'alerts':[]}", "alerts", "expected an object, got an array" },
    { "{" BASE ",'alerts':{'latency':'1s'}}", "alerts",
      "unknown field \"latency\"; expected one of: lag, error_rate" },
    { "{" BASE ",'alerts':{'lag':'0s'}}", "alerts.lag",
      "expected a positive duration, got \"0s\"" },
    { "{" BASE ",'alerts':{'lag':60}}", "alerts.lag",
      "expected a duration such as \"250ms\", got number 60" },
    { "{" BASE ",'alerts':{'error_rate':0}}", "alerts.error_rate",
      "expected a number in (0, 1], got 0" },
    { "{" BASE ",'alerts':{'error_rate':1.5}}", "alerts.error_rate",
      "expected a number in (0, 1], got 1.5" },
    { "{" BASE ",'alerts':{'error_rate':'5%'}}", "alerts.error_rate",
      "expected a number in (0, 1], got string \"5%\"" },
};

static void test_scn_errors_exact(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        scn_scenario *s = (scn_scenario *)&s; /* must be reset to NULL */
        sim_err       err;
        int           rc = parse_q(BAD[i].json, &s, &err);
        if (rc != SIM_EINVAL || s != NULL || strcmp(err.path, BAD[i].path) != 0
            || strcmp(err.msg, BAD[i].msg) != 0 || strcmp(err.file, "t.json") != 0
            || err.code != SIM_EINVAL) {
            print_error("case %zu: %s\n  want %s: %s\n  got  %d %s: %s\n", i, BAD[i].json,
                        BAD[i].path, BAD[i].msg, rc, err.path, err.msg);
            failures++;
        }
        if (rc == 0)
            scn_free(s);
    }
    assert_int_equal(failures, 0);
}

/* NUL bytes and embedded length: scn_parse() takes a length, not a C string. */
static void test_scn_text_with_nul_and_length(void **state)
{
    (void)state;
    scn_scenario     *s = NULL;
    sim_err           err;
    static const char text[] = "{\"duration\": \"1m\"}\0garbage";
    assert_int_equal(scn_parse("n.json", text, sizeof text - 1, &s, &err), SIM_EINVAL);
    assert_string_equal(err.path, "");
    assert_string_equal(err.msg, "unexpected NUL byte at line 1, column 19");
    assert_null(s);

    /* Only len bytes count: the same text cut before the NUL, and not NUL-terminated. */
    char  *json = q("{" BASE "}XXXX");
    size_t len = strlen(json) - 4;
    assert_int_equal(scn_parse("n.json", json, len, &s, &err), 0);
    assert_int_equal(s->text_len, len);
    assert_int_equal(s->text[len], '\0');
    assert_memory_equal(s->text, json, len);
    scn_free(s);
    free(json);

    /* Too long: refused before anything is read or copied. */
    assert_int_equal(scn_parse("big.json", "{}", (size_t)SCN_MAX_FILE_BYTES + 1, &s, &err),
                     SIM_EINVAL);
    assert_string_equal(err.file, "big.json");
    assert_non_null(strstr(err.msg, "file too large"));
}

/* ---- allocation failure ---- */

static void test_scn_alloc_failure_parse(void **state)
{
    (void)state;
    char         *json = q(FULL);
    scn_scenario *s = NULL;
    sim_err       err;
    sim_alloc_fail_at(0);
    assert_int_equal(scn_parse("t.json", json, strlen(json), &s, &err), 0);
    scn_free(s);
    long k = sim_alloc_fail_at(0);
    assert_true(k > 50);
    for (long n = 1; n <= k; n++) {
        memset(&err, 0, sizeof err);
        s = (scn_scenario *)&s;
        sim_alloc_fail_at(n);
        int rc = scn_parse("t.json", json, strlen(json), &s, &err);
        sim_alloc_fail_at(0);
        if (rc != SIM_ENOMEM || s != NULL || err.code != SIM_ENOMEM
            || strcmp(err.file, "t.json") != 0)
            fail_msg("allocation %ld of %ld failing: rc %d, %s: %s", n, k, rc, err.path, err.msg);
    }
    /* And one past the end succeeds again. */
    sim_alloc_fail_at(k + 1);
    assert_int_equal(scn_parse("t.json", json, strlen(json), &s, &err), 0);
    sim_alloc_fail_at(0);
    scn_free(s);
    free(json);
}

static void test_scn_alloc_failure_load(void **state)
{
    (void)state;
    const char *root = source_root();
    if (!root)
        skip();
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/three-regions.json", root);
    scn_scenario *s = NULL;
    sim_err       err;
    sim_alloc_fail_at(0);
    assert_int_equal(scn_load(path, &s, &err), 0);
    scn_free(s);
    long k = sim_alloc_fail_at(0);
    for (long n = 1; n <= k; n++) {
        sim_alloc_fail_at(n);
        int rc = scn_load(path, &s, &err);
        sim_alloc_fail_at(0);
        if (rc != SIM_ENOMEM || s != NULL || strcmp(err.file, path) != 0)
            fail_msg("allocation %ld of %ld failing: rc %d, %s", n, k, rc, err.msg);
    }
}

/* ---- files ---- */

static void test_scn_load_io_errors(void **state)
{
    (void)state;
    scn_scenario *s = (scn_scenario *)&s;
    sim_err       err;
    assert_int_equal(scn_load("/nonexistent/dir/x.json", &s, &err), SIM_EIO);
    assert_null(s);
    assert_int_equal(err.code, SIM_EIO);
    assert_string_equal(err.file, "/nonexistent/dir/x.json");
    assert_string_equal(err.path, "");
    assert_string_equal(err.msg, "cannot read: No such file or directory");
    assert_int_equal(scn_load("/", &s, &err), SIM_EIO);
    assert_string_equal(err.msg, "cannot read: Is a directory");
    char buf[1024];
    sim_err_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "/: cannot read: Is a directory");
}

/* Reads tests/corpus/bad/EXPECTED: file<TAB>path<TAB>message substring. */
static void test_scn_corpus_bad(void **state)
{
    (void)state;
    const char *root = source_root();
    if (!root)
        skip();
    char dir[1024], path[3200], line[2048];
    snprintf(dir, sizeof dir, "%s/tests/corpus/bad", root);
    snprintf(path, sizeof path, "%s/EXPECTED", dir);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t listed = 0;
    int    failures = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *file = line, *tab1 = strchr(line, '\t');
        assert_non_null(tab1);
        *tab1 = '\0';
        char *want_path = tab1 + 1, *tab2 = strchr(want_path, '\t');
        assert_non_null(tab2);
        *tab2 = '\0';
        const char *want_msg = tab2 + 1;
        listed++;
        snprintf(path, sizeof path, "%s/%s", dir, file);
        scn_scenario *s = NULL;
        sim_err       err;
        memset(&err, 0, sizeof err);
        int rc = scn_load(path, &s, &err);
        if (rc != SIM_EINVAL || strcmp(err.path, want_path) != 0 || !strstr(err.msg, want_msg)
            || strcmp(err.file, path) != 0) {
            print_error("%s\n  want %s: ...%s...\n  got  %d %s: %s\n", file, want_path, want_msg,
                        rc, err.path, err.msg);
            failures++;
        }
        scn_free(s);
    }
    fclose(fp);
    assert_int_equal(failures, 0);

    /* Every .json in the folder is listed, and there are plenty. */
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0)
            files++;
    }
    closedir(d);
    assert_int_equal(files, listed);
    assert_true(listed >= 160);
}

static size_t load_all(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t loaded = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        scn_scenario *s = NULL;
        sim_err       err;
        if (scn_load(path, &s, &err) != 0) {
            char buf[1200];
            sim_err_format(&err, buf, sizeof buf);
            fail_msg("%s", buf);
        }
        scn_free(s);
        loaded++;
    }
    closedir(d);
    return loaded;
}

static void test_scn_corpus_good_and_examples_load(void **state)
{
    (void)state;
    const char *root = source_root();
    if (!root)
        skip();
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/corpus/good", root);
    assert_true(load_all(dir) >= 5);
    snprintf(dir, sizeof dir, "%s/scenarios", root);
    assert_true(load_all(dir) >= 4);
}

static void test_scn_corpus_good_details(void **state)
{
    (void)state;
    const char *root = source_root();
    if (!root)
        skip();
    char          path[1024];
    scn_scenario *s = NULL;
    sim_err       err;
    snprintf(path, sizeof path, "%s/tests/corpus/good/extremes.json", root);
    assert_int_equal(scn_load(path, &s, &err), 0);
    assert_int_equal(s->seed, UINT64_C(9007199254740992));
    assert_int_equal(s->regions[0].queue_limit, 0);
    assert_int_equal(s->regions[1].queue_limit, UINT32_MAX);
    assert_int_equal(s->network.pairs[0].a, 0);
    assert_int_equal(s->network.pairs[0].b, 1);
    assert_int_equal(s->network.pairs[0].rtt, 1);
    assert_int_equal(s->faults[0].kind, SCN_FAULT_CLOCK_SKEW); /* sorted by 'at' */
    assert_int_equal(s->faults[0].offset, -1000000 * SIM_HOUR);
    assert_int_equal(s->faults[1].kind, SCN_FAULT_LINK_DEGRADE);
    assert_int_equal(s->faults[2].end, SIM_TIME_MAX);
    assert_int_equal(s->clients[1].retries, 100);
    assert_true(s->health.enabled);
    assert_int_equal(s->health.interval, 2000 * SIM_HOUR); /* SCN_MAX_WORK probes */
    assert_int_equal(s->health.timeout, 1);
    assert_int_equal(s->health.checkers, 2);            /* "b" alone */
    assert_int_equal(s->monitor.interval, 360 * SIM_S); /* 10000000 intervals */
    assert_int_equal(s->monitor.alert_lag, 1);
    assert_near(s->monitor.alert_error_rate, 1);
    scn_free(s);

    snprintf(path, sizeof path, "%s/tests/corpus/good/bom-and-unicode.json", root);
    assert_int_equal(scn_load(path, &s, &err), 0);
    assert_string_equal(s->clients[0].name, "client \"quoted\"");
    assert_int_equal(s->clients[0].at_region, 1);
    scn_free(s);

    snprintf(path, sizeof path, "%s/tests/corpus/good/patterns.json", root);
    assert_int_equal(scn_load(path, &s, &err), 0);
    assert_int_equal(s->npatterns, 4);
    assert_int_equal(s->patterns[0].kind, SCN_PATTERN_INDEPENDENT);
    assert_int_equal(s->patterns[1].replication.mode, SCN_REPL_SYNC);
    assert_int_equal(s->patterns[1].replication.quorum, 2);
    assert_int_equal(s->patterns[2].primary, 1);
    assert_int_equal(s->patterns[2].ryw_window, 2 * SIM_S);
    assert_int_equal(s->patterns[2].cache.size, 5000);
    assert_int_equal(s->patterns[2].cache.hit.kind, DIST_EXPONENTIAL);
    assert_near(s->patterns[2].cache.hit.mean, 80e3);
    assert_int_equal(s->patterns[3].kind, SCN_PATTERN_READ_LOCAL);
    assert_int_equal(s->patterns[3].primary, 0);
    assert_false(s->patterns[3].cache.enabled);
    assert_int_equal(s->patterns[3].replication.batch, 0);
    assert_int_equal(s->data.fields, 4);
    assert_int_equal(s->data.value_bytes, 256);
    assert_int_equal(s->data.drain, 10 * SIM_MIN);
    assert_false(s->failover.given); /* defaults */
    assert_true(s->failover.automatic);
    assert_int_equal(s->failover.check_every, 30 * SIM_S);
    assert_int_equal(s->failover.controller, -1);
    scn_free(s);

    snprintf(path, sizeof path, "%s/tests/corpus/good/failover.json", root);
    assert_int_equal(scn_load(path, &s, &err), 0);
    assert_int_equal(s->patterns[0].kind, SCN_PATTERN_ACTIVE_PASSIVE);
    assert_int_equal(s->patterns[0].primary, 0); /* the first region */
    assert_int_equal(s->patterns[0].replication.mode, SCN_REPL_ASYNC);
    assert_int_equal(s->patterns[1].primary, 2);
    assert_int_equal(s->patterns[1].replication.quorum, 2);
    assert_true(scn_pattern_has_failover(s, &s->patterns[0]));
    assert_true(scn_pattern_has_failover(s, &s->patterns[2])); /* read-local + failover */
    assert_true(s->failover.given);
    assert_false(s->failover.automatic);
    assert_int_equal(s->failover.check_every, 10 * SIM_S);
    assert_int_equal(s->failover.controller, 1);
    assert_true(s->failover.fence);
    assert_int_equal(s->failover.step_timeout, 2 * SIM_S);
    assert_int_equal(s->failover.cooldown, 0);
    assert_int_equal(s->faults[0].kind, SCN_FAULT_FAILOVER); /* sorted by 'at' */
    assert_int_equal(s->faults[0].region, UINT32_MAX);       /* the controller picks */
    assert_int_equal(s->faults[1].region, 1);
    assert_int_equal(s->faults[1].end, SIM_TIME_MAX);
    scn_free(s);
}

/* ---- small queries ---- */

static void test_scn_names(void **state)
{
    (void)state;
    assert_string_equal(scn_op_name(SCN_READ), "read");
    assert_string_equal(scn_op_name(SCN_WRITE), "write");
    assert_string_equal(scn_fault_kind_name(SCN_FAULT_REGION_DOWN), "region_down");
    assert_string_equal(scn_fault_kind_name(SCN_FAULT_PARTITION), "partition");
    assert_string_equal(scn_fault_kind_name(SCN_FAULT_LINK_DEGRADE), "link_degrade");
    assert_string_equal(scn_fault_kind_name(SCN_FAULT_BROWNOUT), "brownout");
    assert_string_equal(scn_fault_kind_name(SCN_FAULT_CLOCK_SKEW), "clock_skew");
    assert_string_equal(scn_fault_kind_name(SCN_FAULT_KIND_COUNT), "unknown");
    assert_string_equal(scn_pattern_kind_name(SCN_PATTERN_INDEPENDENT), "independent");
    assert_string_equal(scn_pattern_kind_name(SCN_PATTERN_ACTIVE_ACTIVE), "active-active");
    assert_string_equal(scn_pattern_kind_name(SCN_PATTERN_READ_LOCAL), "read-local");
    assert_string_equal(scn_pattern_kind_name(SCN_PATTERN_KIND_COUNT), "unknown");
    scn_free(NULL);
}

static void test_rtt_measured_table(void **state)
{
    (void)state;
    static const char *const required[]
        = { "us-east-1",  "us-east-2",      "us-west-1",      "us-west-2",     "ca-central-1",
            "sa-east-1",  "eu-west-1",      "eu-west-2",      "eu-central-1",  "eu-north-1",
            "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1" };
    size_t n = sizeof required / sizeof required[0];
    for (size_t i = 0; i < n; i++) {
        double lat = 99, lon = 999;
        assert_true(rtt_measured_location(required[i], &lat, &lon));
        assert_true(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180);
        for (size_t j = 0; j < n; j++) {
            sim_time ab = -1, ba = -2;
            bool     found = rtt_measured_find(required[i], required[j], &ab);
            assert_int_equal(found, i != j);
            if (i == j)
                continue;
            assert_true(rtt_measured_find(required[j], required[i], &ba));
            assert_int_equal(ab, ba); /* order-insensitive */
            assert_true(ab >= 5 * SIM_MS && ab <= 400 * SIM_MS);
        }
    }
    sim_time rtt = 0;
    assert_true(rtt_measured_find("us-east-1", "eu-west-1", &rtt));
    assert_int_equal(rtt, 69500 * SIM_US); /* (70 + 69) / 2 ms */
    assert_true(rtt_measured_find("us-east-2", "us-east-1", &rtt));
    assert_int_equal(rtt, 12500 * SIM_US);
    rtt = 7;
    assert_false(rtt_measured_find("us-east-1", "mars-1", &rtt));
    assert_false(rtt_measured_find(NULL, "us-east-1", &rtt));
    assert_int_equal(rtt, 7);
    double lat = 5;
    assert_false(rtt_measured_location("US-EAST-1", &lat, &lat));
    assert_true(rtt_measured_count() >= n);
    for (size_t i = 1; i < rtt_measured_count(); i++)
        assert_true(strcmp(rtt_measured_region(i - 1), rtt_measured_region(i)) < 0);
    assert_null(rtt_measured_region(rtt_measured_count()));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scn_full_scenario_every_field),
        cmocka_unit_test(test_scn_defaults),
        cmocka_unit_test(test_scn_distribution_forms),
        cmocka_unit_test(test_scn_partition_and_measured),
        cmocka_unit_test(test_scn_network_bandwidth),
        cmocka_unit_test(test_scn_pattern_defaults),
        cmocka_unit_test(test_scn_patterns_limit),
        cmocka_unit_test(test_scn_health_and_monitor_defaults),
        cmocka_unit_test(test_scn_errors_exact),
        cmocka_unit_test(test_scn_text_with_nul_and_length),
        cmocka_unit_test(test_scn_alloc_failure_parse),
        cmocka_unit_test(test_scn_alloc_failure_load),
        cmocka_unit_test(test_scn_load_io_errors),
        cmocka_unit_test(test_scn_corpus_bad),
        cmocka_unit_test(test_scn_corpus_good_and_examples_load),
        cmocka_unit_test(test_scn_corpus_good_details),
        cmocka_unit_test(test_scn_names),
        cmocka_unit_test(test_rtt_measured_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
