/* sim.c - errors, durations and the allocator shared by every layer.
 *
 * Durations are parsed digit by digit: the whole part into an integer scaled by the unit in
 * nanoseconds, the fraction multiplied by the unit as a decimal string, so no double is
 * involved ("0.1s" is exact) and any number of fraction digits rounds correctly. The
 * allocator is a thin wrapper over malloc with a countdown that tests arm to fail one call. */
#include "sim.h"

#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sim_strerror(int code)
{
    switch (code) {
    case SIM_OK:
        return "success";
    case SIM_EINVAL:
        return "invalid input";
    case SIM_ENOMEM:
        return "out of memory";
    case SIM_ERANGE:
        return "out of range";
    case SIM_EIO:
        return "input/output error";
    case SIM_ENOENT:
        return "not found";
    default:
        return "unknown error";
    }
}

int sim_err_set(sim_err *err, int code, const char *path, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

void sim_err_prefix_path(sim_err *err, const char *prefix)
{
    if (!err || !prefix || !*prefix)
        return;
    char joined[2 * sizeof err->path + 2]; /* room for both, then truncated below */
    if (err->path[0] == '\0')
        snprintf(joined, sizeof joined, "%s", prefix);
    else if (err->path[0] == '[')
        snprintf(joined, sizeof joined, "%s%s", prefix, err->path);
    else
        snprintf(joined, sizeof joined, "%s.%s", prefix, err->path);
    snprintf(err->path, sizeof err->path, "%.*s", (int)(sizeof err->path - 1), joined);
}

void sim_err_format(const sim_err *err, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    size_t used = 0;
    if (err->file[0])
        used += (size_t)snprintf(buf + used, n - used, "%s: ", err->file);
    if (used < n && err->path[0])
        used += (size_t)snprintf(buf + used, n - used, "%s: ", err->path);
    if (used < n)
        snprintf(buf + used, n - used, "%s", err->msg[0] ? err->msg : sim_strerror(err->code));
}

/* Units in nanoseconds; longer names first so "ms" is not read as "m". */
static const struct {
    const char *name;
    int64_t     ns;
} time_units[] = {
    { "ns", 1 },
    { "us", 1000 },
    { "ms", 1000000 },
    { "s", 1000000000 },
    { "m", 60LL * 1000000000 },
    { "h", 3600LL * 1000000000 },
};

int sim_time_parse(const char *text, sim_time *out)
{
    if (!text)
        return SIM_EINVAL;
    const char *p = text;
    uint64_t    whole = 0;
    const char *frac_text = NULL;
    size_t      digits = 0, frac_digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > (UINT64_MAX - 9) / 10)
            return SIM_ERANGE;
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        frac_text = ++p;
        for (; *p >= '0' && *p <= '9'; p++)
            frac_digits++;
        if (frac_digits == 0)
            return SIM_EINVAL;
    }
    if (digits == 0 && frac_digits == 0)
        return SIM_EINVAL;
    int64_t unit = 0;
    for (size_t i = 0; i < sizeof time_units / sizeof time_units[0]; i++)
        if (strcmp(p, time_units[i].name) == 0)
            unit = time_units[i].ns;
    if (unit == 0)
        return SIM_EINVAL;
    if (whole > (uint64_t)INT64_MAX / (uint64_t)unit)
        return SIM_ERANGE;
    uint64_t ns = whole * (uint64_t)unit;
    /* 0.d1d2...dk * unit, rounded half up, by long multiplication from the last digit up:
     * each step keeps one digit of the product's fraction and carries the rest, and the last
     * digit kept (the first after the point) decides the rounding. Truncating the fraction
     * to a fixed number of digits instead would misround values a hair above a half ns
     * (0.5 ns is 8.333...e-12 min, which no finite decimal holds). carry < unit <= 3.6e12,
     * so nothing overflows. */
    uint64_t carry = 0, first = 0;
    for (size_t k = frac_digits; k-- > 0;) {
        uint64_t t = (uint64_t)(frac_text[k] - '0') * (uint64_t)unit + carry;
        first = t % 10;
        carry = t / 10;
    }
    uint64_t extra = carry + (first >= 5);
    if (ns > (uint64_t)INT64_MAX - extra)
        return SIM_ERANGE;
    *out = (sim_time)(ns + extra);
    return 0;
}

int sim_time_format(sim_time t, char *buf, size_t n)
{
    static const struct {
        const char *name;
        int64_t     ns;
    } units[] = {
        { "h", 3600LL * 1000000000 },
        { "m", 60LL * 1000000000 },
        { "s", 1000000000 },
        { "ms", 1000000 },
        { "us", 1000 },
    };
    uint64_t    mag = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    const char *sign = t < 0 ? "-" : "";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t u = (uint64_t)units[i].ns;
        /* Use a unit when the value is at least one of it and exact to a thousandth of it.
         * Every unit here is a multiple of 1000 ns, so dividing by u / 1000 finds the
         * thousandths without the overflow that mag * 1000 would have beyond 2^64 / 1000. */
        if (mag >= u && mag % (u / 1000) == 0) {
            uint64_t milli = mag / (u / 1000);
            if (milli % 1000 == 0)
                return snprintf(buf, n, "%s%" PRIu64 "%s", sign, milli / 1000, units[i].name);
            char frac[8];
            snprintf(frac, sizeof frac, "%03" PRIu64, milli % 1000);
            for (int k = 2; k > 0 && frac[k] == '0'; k--)
                frac[k] = '\0';
            return snprintf(buf, n, "%s%" PRIu64 ".%s%s", sign, milli / 1000, frac, units[i].name);
        }
    }
    return snprintf(buf, n, "%s%" PRIu64 "ns", sign, mag);
}

sim_time sim__time_from_ns_any(double ns)
{
    if (isnan(ns))
        return 0;
    double r = round(ns); /* round() takes halves away from zero */
    if (r >= 9223372036854775807.0)
        return SIM_TIME_MAX;
    if (r <= -9223372036854775808.0)
        return INT64_MIN;
    return (sim_time)r;
}

size_t sim_utf8_copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n) {
        len = n - 1;
        /* src[len] is the first byte dropped. If it continues a character (10xxxxxx), back
         * up to that character's lead byte and drop the whole character. */
        size_t lead = len;
        while (lead > 0 && ((unsigned char)src[lead] & 0xC0) == 0x80)
            lead--;
        if (lead < len)
            len = lead;
    }
    /* src may itself have been cut inside a character by an earlier snprintf: drop an
     * incomplete last character (a lead byte with fewer continuation bytes than it needs). */
    size_t i = len;
    while (i > 0 && ((unsigned char)src[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0) {
        unsigned char c = (unsigned char)src[i - 1];
        size_t        need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (len - (i - 1) < need)
            len = i - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
}

_Noreturn void sim_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mrsim: internal error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* Allocation fault injection: fail_countdown > 0 counts down to the failing call. The
 * simulator is single-threaded within a process, so plain statics are enough. */
static long fail_countdown;
static long alloc_calls;

static bool alloc_should_fail(void)
{
    alloc_calls++;
    if (fail_countdown > 0 && --fail_countdown == 0)
        return true;
    return false;
}

long sim_alloc_fail_at(long nth)
{
    long made = alloc_calls;
    alloc_calls = 0;
    fail_countdown = nth > 0 ? nth : 0;
    return made;
}

/* The memory ceiling: mem_used counts malloc_usable_size() of every live block, so a free
 * subtracts exactly what its allocation added. Counting is always on (it costs a call per
 * allocation, and the hot path does not allocate); the ceiling only when mem_limit > 0. */
/* Signed, so that a block freed here but allocated elsewhere (or the reverse) can only make
 * the count inexact, never wrap it. */
static size_t  mem_limit;
static int64_t mem_used;

void sim_mem_limit(size_t bytes) { mem_limit = bytes; }

size_t sim_mem_used(void) { return mem_used > 0 ? (size_t)mem_used : 0; }

static bool mem_refuses(size_t n, size_t old)
{
    return mem_limit && n > old && (n - old > mem_limit || sim_mem_used() + (n - old) > mem_limit);
}

static void *mem_count(void *p)
{
    if (p)
        mem_used += (int64_t)malloc_usable_size(p);
    return p;
}

void *sim_malloc(size_t n)
{
    if (alloc_should_fail() || mem_refuses(n, 0))
        return NULL;
    return mem_count(malloc(n ? n : 1));
}

void *sim_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (alloc_should_fail() || mem_refuses(count * size, 0))
        return NULL;
    if (count == 0 || size == 0) /* calloc(SIZE_MAX, 1) for calloc(SIZE_MAX, 0) would fail */
        count = size = 1;
    return mem_count(calloc(count, size));
}

void *sim_realloc(void *p, size_t n)
{
    size_t old = p ? malloc_usable_size(p) : 0;
    if (alloc_should_fail() || mem_refuses(n, old))
        return NULL;
    void *q = realloc(p, n ? n : 1);
    if (q)
        mem_used -= (int64_t)old;
    return mem_count(q);
}

void sim_free(void *p)
{
    if (p)
        mem_used -= (int64_t)malloc_usable_size(p);
    free(p);
}

int sim_grow(void *pp, size_t *cap, size_t need, size_t size)
{
    if (need < *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c <= need) {
        if (c > SIZE_MAX / 2 / size)
            return SIM_ENOMEM;
        c *= 2;
    }
    void *q = sim_realloc(*(void **)pp, c * size);
    if (!q)
        return SIM_ENOMEM;
    *(void **)pp = q;
    *cap = c;
    return 0;
}

char *sim_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char  *copy = sim_malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}
