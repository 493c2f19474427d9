/* sha256.h - the SHA-256 digest (FIPS 180-4) of a byte string, as lowercase hex.
 *
 * The results database keys each run to the exact scenario text it ran, by its SHA-256, so
 * that two runs can be compared only when their scenarios are byte-identical. The digest is
 * our own small implementation (no OpenSSL dependency for one hash); it is checked against
 * the FIPS 180-4 example vectors in tests/unit/test_sha256.c. */
#ifndef MRSIM_SHA256_H
#define MRSIM_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64 /* hex digits, without the NUL */

/* Write the SHA-256 of data[0..len) into out as 64 lowercase hex digits and a NUL. data may
 * be NULL when len is 0. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
