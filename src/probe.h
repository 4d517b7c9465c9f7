/* SPDX-License-Identifier: MIT */
/*
 * Does the kernel run a target's programs by itself?  The only reliable
 * answer is to execute one where no binfmt_misc entry can take it: a tiny
 * program (the table's probe code in a minimal ELF file) run inside a user
 * namespace that has its own, empty binfmt_misc instance (Linux >= 6.7).
 */
#ifndef QUS_PROBE_H
#define QUS_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"

/* Largest probe executable: headers plus the longest probe code. */
#define PROBE_ELF_MAX 512

/*
 * Write a static executable of @t that calls exit(0) into @buf: one PT_LOAD
 * segment holding the headers and the code.  Returns its size, -ENOTSUP if
 * @t has no probe code, -ENOSPC if @size is too small.
 */
long probe_build(const struct qus_target *t, uint8_t *buf, size_t size);

/*
 * Execute the probes of @targets (at most 7) where no emulator can take
 * them.  Returns a bit mask (bit i: targets[i] ran and exited 0), or
 * -EOPNOTSUPP if this kernel or sandbox allows no private binfmt_misc
 * (then nothing was decided), or another -errno.
 */
int probe_run_native(const struct qus_target *const *targets, size_t count);

#endif
