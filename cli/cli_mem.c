/* cli_mem.c - the --max-memory option, which every subcommand takes.
 *
 * mrsim's own allocations go through sim_malloc(), which refuses any that would pass a
 * ceiling (sim_mem_limit()); a run that outgrows it fails with SIM_ENOMEM, exits 1 and
 * stores nothing, instead of taking the machine into swap. The option is taken out of argv
 * in main() before the subcommand sees it, so no subcommand has to know about it; workers
 * forked by sweep and check inherit the ceiling.
 *
 * The default is half the physical memory: enough for any scenario within the load-time
 * limits (4 GiB, scenarios/README.md "Limits") on a machine with 8 GiB or more, and small
 * enough that the machine stays usable. Rejected alternative: setrlimit(RLIMIT_AS), which
 * also counts SQLite, gnuplot's pipes and the sanitizers' shadow memory, and kills a sanitizer
 * build outright. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* "512M", "4G", "1.5G", "1073741824": a number with an optional binary unit K, M, G, T
 * (KiB...). "0" or "none" is no ceiling. Decimal only: hex and exponents are refused. */
static int parse_size(const char *text, size_t *out)
{
    if (strcmp(text, "none") == 0) {
        *out = 0;
        return 0;
    }
    const char *p = text;
    if (!(*p >= '0' && *p <= '9'))
        return -1;
    while ((*p >= '0' && *p <= '9') || *p == '.')
        p++;
    char  *end;
    double v;
    errno = 0;
    v = strtod(text, &end);
    if (errno || end != p)
        return -1;
    double unit = 1;
    switch (*p) {
    case 'K':
        unit = 1024.0;
        break;
    case 'M':
        unit = 1024.0 * 1024;
        break;
    case 'G':
        unit = 1024.0 * 1024 * 1024;
        break;
    case 'T':
        unit = 1024.0 * 1024 * 1024 * 1024;
        break;
    case '\0':
        break;
    default:
        return -1;
    }
    if (*p && p[1] != '\0' && strcmp(p + 1, "iB") != 0 && strcmp(p + 1, "B") != 0)
        return -1;
    v *= unit;
    if (!isfinite(v) || v >= 1.8e19)
        return -1;
    *out = (size_t)v;
    return 0;
}

size_t cli_mem_default(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return 0;
    return (size_t)pages / 2 * (size_t)page;
}

int cli_mem_option(int *argc, char **argv)
{
    size_t limit = cli_mem_default();
    int    out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *val = NULL;
        if (strcmp(argv[i], "--max-memory") == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "mrsim: --max-memory: expected a size such as 4G\n");
                return CLI_EXIT_USAGE;
            }
            val = argv[++i];
        } else if (strncmp(argv[i], "--max-memory=", 13) == 0) {
            val = argv[i] + 13;
        } else if (strcmp(argv[i], "--") == 0) {
            for (; i < *argc; i++) /* the rest is operands */
                argv[out++] = argv[i];
            break;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (parse_size(val, &limit) < 0) {
            fprintf(stderr,
                    "mrsim: --max-memory: expected a size such as 512M, 4G or none, got '%s'\n",
                    val);
            return CLI_EXIT_USAGE;
        }
    }
    argv[out] = NULL;
    *argc = out;
    sim_mem_limit(limit);
    return -1;
}
