/* fuzz.h - what the libFuzzer harnesses in tests/fuzz/ share.
 *
 * Each harness defines LLVMFuzzerTestOneInput(). Built with clang and -Dfuzz=enabled, it
 * links libFuzzer's main and explores; built any other way (gcc, the normal test build) it
 * links standalone.c, whose main() feeds it every file of the directories or files given, so
 * the seed corpus runs through every harness in every build as a regression test. */
#ifndef MRSIM_FUZZ_H
#define MRSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "scn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cap what a loaded scenario asks of a run so that one input runs in milliseconds: duration
 * at most 2 s (warmup inside it), the clients' rates scaled to at most 2000 requests per
 * second in all, at most 256 servers per region, sessions, keys and cache sizes small, drain at most 1 s, health probes and
 * monitoring intervals not finer than 10 ms. Faults are left where they are, even after the
 * capped end: the run must cope with what validation let through. */
void fuzz_cap_scenario(scn_scenario *s);

#endif
