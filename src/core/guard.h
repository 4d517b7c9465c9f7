/* SPDX-License-Identifier: MIT */
/*
 * Refusals that protect the machine.  An entry that matches the host's own
 * executables sends every exec to the interpreter, which is itself such an
 * executable: every program then fails with ELOOP until the entry is removed
 * with a shell builtin (echo -1 > /proc/sys/fs/binfmt_misc/NAME), seen on
 * this project's machines.  And the credential flag runs the interpreter
 * with a setuid binary's privileges, so it must not be a file an ordinary
 * user can change: that would be a privilege escalation.
 */
#ifndef QUS_GUARD_H
#define QUS_GUARD_H

#include <stddef.h>

#include "entry.h"
#include "host.h"

enum guard_verdict {
	GUARD_OK = 0,
	GUARD_MATCHES_INTERPRETER, /* the interpreter file itself would be captured */
	GUARD_MATCHES_NATIVE_FILE, /* a native program of this host would be captured */
	GUARD_MATCHES_HOST_ARCH,   /* any program of the host's architecture would be */
};

/* Native programs of this host, read once per run (guard_load_natives). */
#define GUARD_NATIVES 3
struct guard_natives {
	uint8_t hdr[GUARD_NATIVES][QUS_HEADER_SIZE];
	bool have[GUARD_NATIVES]; /* false: absent or unreadable (e.g. FROM scratch) */
};

/* Read the headers of /proc/self/exe, /bin/sh and /usr/bin/env. */
void guard_load_natives(struct guard_natives *n);

/*
 * Check @e against its interpreter, the native programs in @n and synthetic
 * headers of the host's architecture.  @interp_hdr: the interpreter's first
 * QUS_HEADER_SIZE bytes, zero-padded, if the caller has read them already
 * (else NULL: read here).  On a refusal, @what names the file or
 * architecture that matched.
 */
enum guard_verdict guard_entry(const struct binfmt_entry *e, const uint8_t *interp_hdr,
			       const struct guard_natives *n, const struct qus_host *h, char *what,
			       size_t whatlen);

/*
 * For the credential flag: 0 if @interpreter and every directory above it
 * (before and after resolving symlinks) is owned by root and writable by no
 * one else (sticky directories excepted).  Otherwise -EPERM with the reason in
 * @why, or -errno if a file cannot be examined.
 */
int guard_credential(const char *interpreter, char *why, size_t whylen);

#endif
