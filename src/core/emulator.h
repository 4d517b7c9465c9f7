/* SPDX-License-Identifier: MIT */
/*
 * The emulator files: which one is a target's in a directory, and which
 * QEMU release a file is, read from it without running it.
 */
#ifndef QUS_EMULATOR_H
#define QUS_EMULATOR_H

#include <stddef.h>

#include "arch.h"

/* The names the search tries, in its order: qemu-T-static, then qemu-T. */
#define EMULATOR_SUFFIX_STATIC "-static"
#define EMULATOR_SUFFIX_PLAIN  ""

/* Room for a version text and its NUL ("7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)" is 40). */
#define QUS_QEMU_VERSION_MAX 128

/*
 * The path "<dir>/qemu-<emulator><suffix>" of @t's emulator, without a
 * doubled slash.  0 or -ENAMETOOLONG.  Nothing is looked at.
 */
int emulator_path(const struct qus_target *t, const char *dir, const char *suffix, char *out,
		  size_t size);

/*
 * Which file in @dir is @t's emulator.  With @suffix (the user's
 * --qemu-suffix), exactly qemu-<emulator><suffix>.  With NULL, the first
 * of qemu-<emulator>-static and qemu-<emulator> that exists (stat(2),
 * through symbolic links).  The path goes to @out.
 * 0: it exists.  -ENOENT: none does, and @out is the first name looked for
 * (what QEMU's script and the seeds register).  -ENAMETOOLONG.  Another
 * -errno: stat failed otherwise (e.g. -EACCES), @out is the file it failed on.
 */
int emulator_find(const struct qus_target *t, const char *dir, const char *suffix, char *out,
		  size_t size);

/*
 * The QEMU release of the emulator open as @fd, for target @t, read from
 * the file: the text after "qemu-<emulator> version " up to the newline,
 * e.g. "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)", into @out (@size bytes,
 * at least QUS_QEMU_VERSION_MAX).  The literal is looked for in the
 * section .rodata, or in the whole file if it has no section headers or no
 * .rodata; reads stay within the file's size.
 * 0; -ENODATA no such text (not QEMU's emulator of @t, or another layout);
 * -EINVAL not a regular file; -ERANGE @size too small; -errno of a read.
 */
int emulator_version_fd(int fd, const struct qus_target *t, char *out, size_t size);

/* The same for the file @path (never blocks on a FIFO).  -errno of open(2) too. */
int emulator_version(const char *path, const struct qus_target *t, char *out, size_t size);

#endif
