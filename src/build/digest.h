/* SPDX-License-Identifier: MIT */
/* SHA-256, the digest of release checksums and OCI blobs (OpenSSL's libcrypto). */
#ifndef QUS_DIGEST_H
#define QUS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

/* The SHA-256 of @data as 64 lowercase hex digits and a NUL.  0 or -EIO. */
int sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
