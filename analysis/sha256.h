/* sha256.h - the SHA-256 digest (FIPS 180-4) of a byte string, as lowercase hex.
 *
 * The results database keys each run to the exact scenario text it ran, by its SHA-256, so
 * that two runs can be compared only when their scenarios are byte-identical; a sweep is
 * named by the SHA-256 of its canonical text.
 *
 * The digest comes from GNU Nettle (Debian: nettle-dev), which replaced a hand-written
 * FIPS 180-4 implementation (issue 16): a maintained, widely used library is one less
 * piece of cryptographic code to review here. Nettle over libgcrypt: its hash API works on
 * a caller-owned context with no global initialisation, no allocation and no secure-memory
 * subsystem, which is all a content hash needs; libgcrypt must be initialised
 * (gcry_check_version) before first use. tests/unit/test_sha256.c still checks the FIPS
 * 180-4 example vectors, now against the library. */
#ifndef MRSIM_SHA256_H
#define MRSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#define SHA256_HEX_LEN 64 /* hex digits, without the NUL */

/* Write the SHA-256 of data[0..len) into out as 64 lowercase hex digits and a NUL. data may
 * be NULL when len is 0. */
static inline void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    static const char    hex[] = "0123456789abcdef";
    struct sha256_ctx    ctx;
    uint8_t              digest[SHA256_DIGEST_SIZE];
    const uint8_t *const bytes = data;
    sha256_init(&ctx);
    if (len)
        sha256_update(&ctx, len, bytes);
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[SHA256_HEX_LEN] = '\0';
}

#endif
