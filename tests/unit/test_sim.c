/* test_sim.c - durations (parse, format, the double conversion, saturating addition), the
 * error record and the fault-injecting allocator. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

/* --- sim_time_parse ---------------------------------------------------------------- */

static void assert_parses(const char *text, sim_time want)
{
    sim_time got = -12345;
    int      rc = sim_time_parse(text, &got);
    if (rc != 0 || got != want)
        fail_msg("\"%s\": rc %d, got %lld, want %lld", text, rc, (long long)got, (long long)want);
}

static void assert_parse_fails(const char *text, int code)
{
    sim_time got = -12345;
    int      rc = sim_time_parse(text, &got);
    if (rc != code || got != -12345)
        fail_msg("\"%s\": rc %d (want %d), out %lld (want untouched)", text ? text : "(null)", rc,
                 code, (long long)got);
}

static void test_time_parse_every_unit(void **state)
{
    (void)state;
    assert_parses("100ns", 100);
    assert_parses("250us", 250 * SIM_US);
    assert_parses("2ms", 2 * SIM_MS);
    assert_parses("30s", 30 * SIM_S);
    assert_parses("10m", 10 * SIM_MIN);
    assert_parses("1h", SIM_HOUR);
    assert_parses("0ns", 0);
    assert_parses("0h", 0);
    assert_parses("007s", 7 * SIM_S); /* leading zeros are only zeros */
}

static void test_time_parse_fractions_exact(void **state)
{
    (void)state;
    assert_parses("0.1s", 100000000); /* exact: 0.1 * 1e9 in double is not */
    assert_parses("1.5ms", 1500000);
    assert_parses("2.5h", 9000 * SIM_S);
    assert_parses("0.1m", 6 * SIM_S);
    assert_parses("0.001us", 1);
    assert_parses("1.250us", 1250);
    assert_parses("0.3s", 300000000);
    assert_parses("0.7h", 2520 * SIM_S);
    /* ".5s" has no whole digits but a fraction: accepted, like Go's time.ParseDuration */
    assert_parses(".5s", 500 * SIM_MS);
}

static void test_time_parse_rounds_half_up(void **state)
{
    (void)state;
    assert_parses("2.0000000005s", 2000000001);
    assert_parses("2.00000000049999s", 2000000000);
    assert_parses("1.5ns", 2);
    assert_parses("1.49ns", 1);
    assert_parses("0.0005us", 1);
    assert_parses("0.0004999us", 0);
    /* digits past the 18th still count: a whole ns written with 30 fraction digits */
    assert_parses("0.000000001000000000000000000000s", 1);
    assert_parses("0.100000000000000000000000000000s", 100000000);
    /* 0.5 ns is 8.333...e-12 min, which 18 fraction digits cannot hold exactly: a value a
     * hair above it (digit 30) rounds up and one a hair below rounds down. */
    assert_parses("0.000000000008333333333333333334m", 1);
    assert_parses("0.000000000008333333333333333333m", 0);
    assert_parses("0.00000000000013888888888888888889h", 1); /* 0.5 ns = 1.3888...e-13 h */
    assert_parses("0.00000000000013888888888888888888h", 0);
}

static void test_time_parse_rejects_malformed(void **state)
{
    (void)state;
    const char *bad[] = {
        "",    "ms", "5",    "5x",     "-1s",  "1.s",  ".s", ".",    "+1s",   " 1s", "1s ",
        "1 s", "1S", "1sec", "1.5.5s", "1e3s", "1,5s", "s1", "1ms5", "0x10s", "1hh",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_parse_fails(bad[i], SIM_EINVAL);
    assert_parse_fails(NULL, SIM_EINVAL);
}

static void test_time_parse_range(void **state)
{
    (void)state;
    assert_parse_fails("9999999999999h", SIM_ERANGE);
    assert_parse_fails("2562048h", SIM_ERANGE);                  /* INT64_MAX is 2562047.8h */
    assert_parse_fails("9223372036854775808ns", SIM_ERANGE);     /* INT64_MAX + 1 */
    assert_parse_fails("99999999999999999999999ns", SIM_ERANGE); /* past 64 bits */
    assert_parse_fails("9223372036.854775808s", SIM_ERANGE);
    assert_parse_fails("9223372036.8547758075s", SIM_ERANGE); /* rounds up past the max */
    assert_parses("9223372036854775807ns", INT64_MAX);
    assert_parses("9223372036.854775807s", INT64_MAX);
    assert_parses("9223372036.8547758074s", INT64_MAX); /* rounds down to the max */
    assert_parses("2562047h", 2562047 * SIM_HOUR);
}

/* --- sim_time_format --------------------------------------------------------------- */

static void assert_formats(sim_time t, const char *want)
{
    char buf[64];
    int  n = sim_time_format(t, buf, sizeof buf);
    if (strcmp(buf, want) != 0 || n != (int)strlen(want))
        fail_msg("%lld: got \"%s\" (%d), want \"%s\"", (long long)t, buf, n, want);
}

static void test_time_format_largest_exact_unit(void **state)
{
    (void)state;
    assert_formats(0, "0ns");
    assert_formats(1, "1ns");
    assert_formats(999, "999ns");
    assert_formats(1000, "1us");
    assert_formats(1500, "1.5us");
    assert_formats(1234, "1.234us");
    assert_formats(250 * SIM_US, "250us");
    assert_formats(100 * SIM_MS, "100ms");
    assert_formats(1500 * SIM_MS, "1.5s");
    assert_formats(-3 * SIM_MS, "-3ms");
    assert_formats(1234567, "1234.567us"); /* 1.234567ms is not exact to 3 decimals */
    assert_formats(SIM_MS + 1, "1000.001us");
    assert_formats(SIM_S + SIM_MS, "1.001s");
    assert_formats(90 * SIM_S, "1.5m");
    assert_formats(SIM_HOUR, "1h");
    assert_formats(5400 * SIM_S, "1.5h");
    assert_formats(10000 * SIM_HOUR, "10000h"); /* beyond 2^64 / 1000 ns: no overflow */
    assert_formats(INT64_MAX, "9223372036854775.807us");
    assert_formats(INT64_MIN, "-9223372036854775.808us");
}

static void test_time_format_truncates_safely(void **state)
{
    (void)state;
    char buf[4] = "xxx";
    int  n = sim_time_format(1500 * SIM_MS, buf, sizeof buf);
    assert_int_equal(n, 4); /* what snprintf would have written */
    assert_string_equal(buf, "1.5");
    char tiny[1] = { 'x' };
    sim_time_format(SIM_HOUR, tiny, sizeof tiny);
    assert_int_equal(tiny[0], '\0');
}

static void assert_round_trip(sim_time t)
{
    char buf[64];
    sim_time_format(t, buf, sizeof buf);
    sim_time back = -1;
    if (sim_time_parse(buf, &back) != 0 || back != t)
        fail_msg("%lld formats as \"%s\", which parses as %lld", (long long)t, buf,
                 (long long)back);
}

static void test_time_format_round_trips(void **state)
{
    (void)state;
    const sim_time typical[] = {
        0,
        1,
        999,
        SIM_US,
        250 * SIM_US,
        1234,
        2 * SIM_MS,
        1500 * SIM_MS,
        30 * SIM_S,
        90 * SIM_S,
        10 * SIM_MIN,
        SIM_HOUR,
        5400 * SIM_S,
        24 * SIM_HOUR,
        1234567,
        123456789,
        10000 * SIM_HOUR,
        INT64_MAX,
        INT64_MAX - 1,
        (sim_time)1 << 62,
    };
    for (size_t i = 0; i < sizeof typical / sizeof typical[0]; i++)
        assert_round_trip(typical[i]);
    /* every value from a simple LCG, spread over all magnitudes */
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 100000; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        assert_round_trip((sim_time)((x >> 1) >> (x % 63)));
    }
}

/* --- sim_time_from_ns, sim_time_add_sat -------------------------------------------- */

static void test_time_from_ns_rounding(void **state)
{
    (void)state;
    assert_int_equal(sim_time_from_ns(0.0), 0);
    assert_int_equal(sim_time_from_ns(0.5), 1); /* halves away from zero */
    assert_int_equal(sim_time_from_ns(-0.5), -1);
    assert_int_equal(sim_time_from_ns(2.5), 3);
    assert_int_equal(sim_time_from_ns(-2.5), -3);
    assert_int_equal(sim_time_from_ns(1.4999999), 1);
    assert_int_equal(sim_time_from_ns(-1.4999999), -1);
    assert_int_equal(sim_time_from_ns(1e15 + 0.5), 1000000000000001);
    assert_int_equal(sim_time_from_ns(2e6), 2 * SIM_MS);
    assert_int_equal(sim_time_from_ns(NAN), 0);
    assert_int_equal(sim_time_from_ns(-NAN), 0);
}

static void test_time_from_ns_saturates(void **state)
{
    (void)state;
    assert_int_equal(sim_time_from_ns(INFINITY), SIM_TIME_MAX);
    assert_int_equal(sim_time_from_ns(-INFINITY), INT64_MIN);
    assert_int_equal(sim_time_from_ns(1e19), SIM_TIME_MAX);
    assert_int_equal(sim_time_from_ns(-1e19), INT64_MIN);
    assert_int_equal(sim_time_from_ns(9223372036854775808.0), SIM_TIME_MAX); /* 2^63 */
    assert_int_equal(sim_time_from_ns(-9223372036854775808.0), INT64_MIN);
    /* the largest double below 2^63 still fits */
    assert_int_equal(sim_time_from_ns(9223372036854774784.0), 9223372036854774784);
}

static void test_time_add_sat(void **state)
{
    (void)state;
    assert_int_equal(sim_time_add_sat(1, 2), 3);
    assert_int_equal(sim_time_add_sat(5, 0), 5);
    assert_int_equal(sim_time_add_sat(SIM_TIME_MAX - 5, 5), SIM_TIME_MAX);
    assert_int_equal(sim_time_add_sat(SIM_TIME_MAX - 5, 6), SIM_TIME_MAX);
    assert_int_equal(sim_time_add_sat(SIM_TIME_MAX - 5, 4), SIM_TIME_MAX - 1);
    assert_int_equal(sim_time_add_sat(SIM_TIME_MAX, 0), SIM_TIME_MAX);
    assert_int_equal(sim_time_add_sat(0, SIM_TIME_MAX), SIM_TIME_MAX);
    assert_int_equal(sim_time_add_sat(SIM_TIME_MAX, SIM_TIME_MAX), SIM_TIME_MAX);
    assert_int_equal(sim_time_add_sat(10 * SIM_MIN, 10 * SIM_MIN), 20 * SIM_MIN);
}

/* --- errors ------------------------------------------------------------------------ */

static void test_err_strerror_names_every_code(void **state)
{
    (void)state;
    assert_string_equal(sim_strerror(SIM_OK), "success");
    assert_string_equal(sim_strerror(SIM_EINVAL), "invalid input");
    assert_string_equal(sim_strerror(SIM_ENOMEM), "out of memory");
    assert_string_equal(sim_strerror(SIM_ERANGE), "out of range");
    assert_string_equal(sim_strerror(SIM_EIO), "input/output error");
    assert_string_equal(sim_strerror(SIM_ENOENT), "not found");
    assert_string_equal(sim_strerror(-99), "unknown error");
    assert_string_equal(sim_strerror(7), "unknown error");
}

static void test_err_set_fills_and_returns_code(void **state)
{
    (void)state;
    sim_err err = { 0 };
    assert_int_equal(sim_err_set(&err, SIM_EINVAL, "regions[2].servers",
                                 "expected a positive integer, got %d", -3),
                     SIM_EINVAL);
    assert_int_equal(err.code, SIM_EINVAL);
    assert_string_equal(err.path, "regions[2].servers");
    assert_string_equal(err.msg, "expected a positive integer, got -3");
    /* a NULL path clears it; a NULL err only returns the code */
    assert_int_equal(sim_err_set(&err, SIM_ENOMEM, NULL, "out of memory"), SIM_ENOMEM);
    assert_string_equal(err.path, "");
    assert_int_equal(sim_err_set(NULL, SIM_ERANGE, "x", "y"), SIM_ERANGE);
}

static void test_err_set_truncates_long_text(void **state)
{
    (void)state;
    char long_text[1000];
    memset(long_text, 'a', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    sim_err err = { 0 };
    sim_err_set(&err, SIM_EINVAL, long_text, "%s", long_text);
    assert_int_equal(strlen(err.path), sizeof err.path - 1);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
}

static void test_err_prefix_path_builds_json_paths(void **state)
{
    (void)state;
    sim_err err = { 0 };
    sim_err_set(&err, SIM_EINVAL, "sigma", "expected a positive number, got -1");
    sim_err_prefix_path(&err, "read");
    sim_err_prefix_path(&err, "service");
    sim_err_prefix_path(&err, "regions[0]");
    assert_string_equal(err.path, "regions[0].service.read.sigma");
    /* an index joins without a dot */
    sim_err_set(&err, SIM_EINVAL, "[2].servers", "x");
    sim_err_prefix_path(&err, "regions");
    assert_string_equal(err.path, "regions[2].servers");
    /* an empty path becomes the prefix; empty and NULL prefixes and a NULL err do nothing */
    sim_err_set(&err, SIM_EINVAL, "", "x");
    sim_err_prefix_path(&err, "seed");
    assert_string_equal(err.path, "seed");
    sim_err_prefix_path(&err, "");
    sim_err_prefix_path(&err, NULL);
    assert_string_equal(err.path, "seed");
    sim_err_prefix_path(NULL, "x");
    /* too long for the buffer: truncated, still terminated */
    char prefix[400];
    memset(prefix, 'p', sizeof prefix - 1);
    prefix[sizeof prefix - 1] = '\0';
    sim_err_prefix_path(&err, prefix);
    assert_int_equal(strlen(err.path), sizeof err.path - 1);
    assert_int_equal(err.path[0], 'p');
}

static void test_err_format_file_path_msg(void **state)
{
    (void)state;
    sim_err err = { 0 };
    char    buf[600];
    snprintf(err.file, sizeof err.file, "%s", "scn.json");
    sim_err_set(&err, SIM_EINVAL, "regions[2].servers", "expected a positive integer, got -3");
    sim_err_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "scn.json: regions[2].servers: expected a positive integer, got -3");
    /* the parts that are set, only */
    err.file[0] = '\0';
    sim_err_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "regions[2].servers: expected a positive integer, got -3");
    snprintf(err.file, sizeof err.file, "%s", "scn.json");
    err.path[0] = '\0';
    sim_err_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "scn.json: expected a positive integer, got -3");
    /* no message: the code's name */
    sim_err_set(&err, SIM_ENOMEM, NULL, "%s", "");
    sim_err_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "scn.json: out of memory");
}

static void test_err_format_truncates_safely(void **state)
{
    (void)state;
    sim_err err = { 0 };
    snprintf(err.file, sizeof err.file, "%s", "scn.json");
    sim_err_set(&err, SIM_EINVAL, "regions[2].servers", "expected a positive integer");
    char buf[10];
    sim_err_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "scn.json:");
    char mid[16];
    sim_err_format(&err, mid, sizeof mid);
    assert_string_equal(mid, "scn.json: regio");
    char none[1] = { 'x' };
    sim_err_format(&err, none, sizeof none);
    assert_int_equal(none[0], '\0');
    sim_err_format(&err, none, 0); /* n == 0 writes nothing */
    assert_int_equal(none[0], '\0');
}

/* --- allocator --------------------------------------------------------------------- */

static void test_alloc_counts_calls(void **state)
{
    (void)state;
    sim_alloc_fail_at(0);
    void *a = sim_malloc(10);
    void *b = sim_calloc(4, 8);
    void *c = sim_realloc(NULL, 5);
    char *d = sim_strdup("hello");
    sim_free(NULL); /* frees are not counted */
    assert_int_equal(sim_alloc_fail_at(0), 4);
    assert_int_equal(sim_alloc_fail_at(0), 0); /* the count restarts at each call */
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_string_equal(d, "hello");
    for (size_t i = 0; i < 32; i++)
        assert_int_equal(((unsigned char *)b)[i], 0);
    sim_free(a);
    sim_free(b);
    sim_free(c);
    sim_free(d);
    /* zero-sized requests still return a pointer that can be freed */
    void *z = sim_malloc(0);
    assert_non_null(z);
    sim_free(z);
}

static void test_alloc_fails_nth_call_only(void **state)
{
    (void)state;
    sim_alloc_fail_at(3);
    void *a = sim_malloc(8);
    void *b = sim_malloc(8);
    void *c = sim_malloc(8);
    void *d = sim_malloc(8);
    void *e = sim_malloc(8);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(c);
    assert_non_null(d); /* one failure, then allocation works again */
    assert_non_null(e);
    assert_int_equal(sim_alloc_fail_at(0), 5);
    sim_free(a);
    sim_free(b);
    sim_free(d);
    sim_free(e);
    /* each kind of call can be the failing one */
    sim_alloc_fail_at(1);
    assert_null(sim_calloc(2, 2));
    sim_alloc_fail_at(1);
    assert_null(sim_strdup("x"));
    /* a negative nth turns failures off, like 0 */
    sim_alloc_fail_at(-4);
    void *f = sim_malloc(1);
    assert_non_null(f);
    sim_free(f);
    sim_alloc_fail_at(0);
}

static void test_alloc_failed_realloc_keeps_block(void **state)
{
    (void)state;
    sim_alloc_fail_at(0);
    char *p = sim_malloc(16);
    assert_non_null(p);
    memcpy(p, "still here", 11);
    sim_alloc_fail_at(1);
    assert_null(sim_realloc(p, 4096));
    assert_string_equal(p, "still here");
    sim_alloc_fail_at(0);
    char *q = sim_realloc(p, 4096);
    assert_non_null(q);
    assert_string_equal(q, "still here");
    sim_free(q);
}

static void test_alloc_calloc_overflow_returns_null(void **state)
{
    (void)state;
    sim_alloc_fail_at(0);
    assert_null(sim_calloc(SIZE_MAX / 2 + 1, 2));
    assert_null(sim_calloc(2, SIZE_MAX));
    /* rejected before allocating: not counted, and an armed failure stays armed */
    assert_int_equal(sim_alloc_fail_at(1), 0);
    assert_null(sim_calloc(SIZE_MAX, SIZE_MAX));
    assert_null(sim_malloc(1));
    void *ok = sim_calloc(SIZE_MAX, 0); /* a zero-sized product is no overflow */
    assert_non_null(ok);
    sim_free(ok);
    sim_alloc_fail_at(0);
}

/* The inline fast path must agree with round() everywhere it is taken: random values over
 * many magnitudes, and the values next to every half. */
static void test_time_from_ns_fast_path_equals_round(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 2000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;                           /* xorshift64 */
        double mag = ldexp(1.0, (int)(x % 53)); /* 1 .. 2^52 */
        double v = (double)(x >> 11) / 9007199254740992.0 * mag;
        assert_int_equal(sim_time_from_ns(v), (sim_time)round(v));
    }
    const double edges[] = { 0.49999999999999994, 0.5,    1.5, 2.5, 4503599627370495.5,
                             4503599627370495.0,  1e-300, 0.0 };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        assert_int_equal(sim_time_from_ns(edges[i]), (sim_time)round(edges[i]));
        assert_int_equal(sim_time_from_ns(nextafter(edges[i], 0)),
                         (sim_time)round(nextafter(edges[i], 0)));
        assert_int_equal(sim_time_from_ns(nextafter(edges[i], 1e300)),
                         (sim_time)round(nextafter(edges[i], 1e300)));
    }
}

/* Issue 16, D7: event details were cut at 127 bytes in the middle of a UTF-8 character. */
static void test_utf8_copy_never_cuts_a_character(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(sim_utf8_copy(out, sizeof out, "abc"), 3);
    assert_string_equal(out, "abc");
    /* "abcdeé" is 7 bytes: fits exactly. */
    assert_int_equal(sim_utf8_copy(out, sizeof out, "abcde\xc3\xa9"), 7);
    /* "abcdefé": the cut after 7 bytes falls inside é: é goes whole. */
    assert_int_equal(sim_utf8_copy(out, sizeof out, "abcdef\xc3\xa9"), 6);
    assert_string_equal(out, "abcdef");
    /* A 4-byte character (U+1F600) across the cut, at every offset. */
    for (int pre = 0; pre < 8; pre++) {
        char src[32];
        memset(src, 'x', (size_t)pre);
        memcpy(src + pre, "\xf0\x9f\x98\x80yz", 7);
        size_t n = sim_utf8_copy(out, sizeof out, src);
        assert_true(n == (size_t)pre || n >= (size_t)pre + 4);
        assert_int_equal(out[n], '\0');
        for (size_t i = 0; i < n; i++) /* what is kept is whole characters of src */
            assert_int_equal(out[i], src[i]);
    }
    /* A source already cut inside a character loses that character's first bytes. */
    assert_int_equal(sim_utf8_copy(out, sizeof out, "ab\xe2\x82"), 2);
    assert_int_equal(sim_utf8_copy(out, sizeof out, "ab\xc3"), 2);
    assert_int_equal(sim_utf8_copy(out, sizeof out, "ab\xe2\x82\xac"), 5);
    assert_int_equal(sim_utf8_copy(out, 1, "abc"), 0);
    assert_string_equal(out, "");
}

/* Issue 16: --max-memory's ceiling. An allocation past it fails like malloc; freeing gives
 * the room back. */
static void test_mem_limit_refuses_and_counts(void **state)
{
    (void)state;
    size_t base = sim_mem_used();
    void  *a = sim_malloc(1000);
    assert_non_null(a);
    assert_true(sim_mem_used() >= base + 1000);
    sim_mem_limit(base + (1 << 20));
    assert_null(sim_malloc(2 << 20));
    assert_null(sim_calloc(1 << 20, 2));
    void *b = sim_realloc(a, 2 << 20);
    assert_null(b); /* a is still valid */
    b = sim_malloc(100 << 10);
    assert_non_null(b);
    sim_free(b);
    sim_free(a);
    assert_int_equal(sim_mem_used(), base);
    sim_mem_limit(0);
    b = sim_malloc(2 << 20);
    assert_non_null(b);
    sim_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_from_ns_fast_path_equals_round),
        cmocka_unit_test(test_time_parse_every_unit),
        cmocka_unit_test(test_time_parse_fractions_exact),
        cmocka_unit_test(test_time_parse_rounds_half_up),
        cmocka_unit_test(test_time_parse_rejects_malformed),
        cmocka_unit_test(test_time_parse_range),
        cmocka_unit_test(test_time_format_largest_exact_unit),
        cmocka_unit_test(test_time_format_truncates_safely),
        cmocka_unit_test(test_time_format_round_trips),
        cmocka_unit_test(test_time_from_ns_rounding),
        cmocka_unit_test(test_time_from_ns_saturates),
        cmocka_unit_test(test_time_add_sat),
        cmocka_unit_test(test_err_strerror_names_every_code),
        cmocka_unit_test(test_err_set_fills_and_returns_code),
        cmocka_unit_test(test_err_set_truncates_long_text),
        cmocka_unit_test(test_err_prefix_path_builds_json_paths),
        cmocka_unit_test(test_err_format_file_path_msg),
        cmocka_unit_test(test_err_format_truncates_safely),
        cmocka_unit_test(test_alloc_counts_calls),
        cmocka_unit_test(test_alloc_fails_nth_call_only),
        cmocka_unit_test(test_alloc_failed_realloc_keeps_block),
        cmocka_unit_test(test_alloc_calloc_overflow_returns_null),
        cmocka_unit_test(test_utf8_copy_never_cuts_a_character),
        cmocka_unit_test(test_mem_limit_refuses_and_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
