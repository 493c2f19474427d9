/* sim.h - the vocabulary every layer of mrsim shares: simulated time, error codes and the
 * error record, and the allocator.
 *
 * Time is an int64_t count of simulated nanoseconds (2^63 ns is 292 years, so overflow only
 * comes from bad input, and the functions that can overflow say so). Floating-point time is
 * never stored: a sampled double becomes sim_time in sim_time_from_ns() only, which rounds to
 * the nearest nanosecond, halves away from zero.
 *
 * Errors: 0 is success, a negative SIM_E* code is failure. User errors (a bad scenario, a bad
 * flag) also fill a caller-owned sim_err with the JSON path and a one-line message; sim_err
 * has fixed buffers and never allocates, so it works when memory has run out. */
#ifndef MRSIM_SIM_H
#define MRSIM_SIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time; /* simulated nanoseconds, never wall time */

#define SIM_NS       ((sim_time)1)
#define SIM_US       ((sim_time)1000)
#define SIM_MS       ((sim_time)1000000)
#define SIM_S        ((sim_time)1000000000)
#define SIM_MIN      (60 * SIM_S)
#define SIM_HOUR     (3600 * SIM_S)
#define SIM_TIME_MAX INT64_MAX /* "never" */

enum {
    SIM_OK = 0,
    SIM_EINVAL = -1, /* invalid input (a user error) */
    SIM_ENOMEM = -2, /* out of memory */
    SIM_ERANGE = -3, /* a number out of range, or an overflow */
    SIM_EIO = -4,    /* a file or database could not be read or written */
    SIM_ENOENT = -5, /* a named thing does not exist */
};

/* The message of an error in the form the CLI prints: "file: path: msg". */
typedef struct sim_err {
    int  code;      /* SIM_E*, 0 when no error was set */
    char file[256]; /* the file the error is in, "" if none */
    char path[256]; /* JSON path such as "regions[2].servers", or "" */
    char msg[512];  /* one line, lower case, no final period */
} sim_err;

/* The short name of a code ("invalid input", "out of memory", ...). Never NULL. */
const char *sim_strerror(int code);

/* Fill err (which may be NULL) and return code, so errors propagate in one line:
 *     return sim_err_set(err, SIM_EINVAL, path, "expected %s, got %d", ...);
 * path may be NULL. Long texts are truncated, never overflowed. */
int sim_err_set(sim_err *err, int code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Put prefix in front of err->path: "sigma" becomes "regions[0].service.read.sigma". */
void sim_err_prefix_path(sim_err *err, const char *prefix);
/* Write "file: path: msg" (the parts that are set) into buf. */
void sim_err_format(const sim_err *err, char *buf, size_t n);

/* Parse a duration with a unit: "100ns", "250us", "2ms", "1.5s", "10m", "1h"; the number may
 * have a fraction. Integer arithmetic only, so "0.1s" is exactly 100000000 ns; a fraction
 * finer than a nanosecond is rounded half up. Returns 0, SIM_EINVAL for a malformed string,
 * SIM_ERANGE if the value does not fit. Negative durations are malformed. */
int sim_time_parse(const char *text, sim_time *out);
/* Format t with the largest unit that keeps it exact to 3 decimals ("1.5s", "250us", "-3ms").
 * Always NUL-terminates; returns what snprintf returned. */
int sim_time_format(sim_time t, char *buf, size_t n);
/* The only double -> sim_time conversion: round to nearest, halves away from zero, NaN gives
 * 0, values beyond the range saturate at INT64_MIN / SIM_TIME_MAX. Inline for the common
 * case (every sampled delay goes through it): for 0 <= ns < 2^52, ns + 0.5 truncated is
 * round(ns) except when the addition itself rounds up (ns = 0.49999999999999994), which the
 * second test undoes; everything else takes the exact path, sim__time_from_ns_any(). */
sim_time               sim__time_from_ns_any(double ns);
static inline sim_time sim_time_from_ns(double ns)
{
    if (ns >= 0 && ns < 4503599627370496.0) { /* 2^52 */
        sim_time t = (sim_time)(ns + 0.5);
        return ns < (double)t - 0.5 ? t - 1 : t; /* t - 0.5 is exact below 2^52 */
    }
    return sim__time_from_ns_any(ns);
}
static inline double sim_time_ms(sim_time t) { return (double)t / 1e6; }
static inline double sim_time_s(sim_time t) { return (double)t / 1e9; }
/* a + b, saturating at SIM_TIME_MAX (both non-negative: used for "at + for" windows). */
static inline sim_time sim_time_add_sat(sim_time a, sim_time b)
{
    return (b > 0 && a > SIM_TIME_MAX - b) ? SIM_TIME_MAX : a + b;
}

/* Copy src into dst (n bytes, n > 0), always NUL-terminated; when src does not fit, cut it
 * at the last whole UTF-8 character that does, and drop a last character that src itself
 * holds only part of (an earlier snprintf cut it), so the copy is valid UTF-8 whenever src
 * was before any cut. Returns the bytes copied, without the NUL. */
size_t sim_utf8_copy(char *dst, size_t n, const char *src);

/* Report a broken invariant (a bug, never bad input) and abort. */
_Noreturn void sim_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The allocator. Setup code allocates through these, cJSON too, so that a test can make the
 * Nth allocation fail and check that every caller unwinds with SIM_ENOMEM and leaks nothing.
 * sim_free(NULL) is a no-op. */
void *sim_malloc(size_t n);
void *sim_calloc(size_t count, size_t size); /* checks count * size for overflow */
void *sim_realloc(void *p, size_t n);
void  sim_free(void *p);
char *sim_strdup(const char *s);
/* Make the array *pp (of *cap elements of 'size' bytes) hold at least need + 1 elements,
 * doubling its capacity (16 at first) as often as it takes: the one way arrays grow here.
 * 0, or SIM_ENOMEM with the array as it was. */
int sim_grow(void *pp, size_t *cap, size_t need, size_t size);
/* A ceiling on the bytes live at once in allocations made through sim_malloc() and friends
 * (everything the simulator allocates; not SQLite's or GSL's own): an allocation that would
 * pass it fails as if malloc had, so a run that outgrows the machine ends with SIM_ENOMEM
 * instead of swapping. 0 removes the ceiling (the default). Sizes are what malloc really
 * handed out (malloc_usable_size), so the count matches the process's heap closely. */
void   sim_mem_limit(size_t bytes);
size_t sim_mem_used(void); /* bytes live now, as counted for the ceiling */

/* Test hook: the nth allocation from now on fails (1 = the next one); 0 turns failures off.
 * Returns how many allocations were made since the previous call, so a test can learn how
 * many there are to fail. */
long sim_alloc_fail_at(long nth);

#endif
