/* SPDX-License-Identifier: MIT */
/*
 * Who runs a target's programs, when several emulators share the machine.
 *
 * The kernel tries binfmt_misc's entries newest first and hands a program
 * to the first enabled one whose pattern accepts its header; the last
 * entry registered for a format wins.  On the machines where people run
 * foreign containers most, another emulator often holds some targets
 * already: Rosetta in Linux VMs on Apple silicon, FEX-Emu and box64/box86
 * on arm64 hosts.  Registering QEMU after them would silently take their
 * programs away, so qus asks, before each registration, who runs that
 * target's programs now.
 *
 * The rule, over magic and mask only (names say nothing about patterns):
 * an entry "takes" target T's programs when it is enabled, a magic entry,
 * and its pattern accepts a usual header of T (ET_EXEC or ET_DYN, OSABI
 * System V or GNU: what pattern_accepts_target() tries).  An extension
 * entry matches file names, not contents: it never takes a target.  The
 * entry that runs T's programs is the first, in the kernel's order, that
 * takes them.
 *
 * The kernel's order is the order binfmt_misc lists its directory: each
 * new entry's file comes first (the entries are a list the kernel adds to
 * at its head, and the directory's children are listed newest first, as
 * binfmt_list() returns them).  `qus check` confirms it for each target by
 * running a program and seeing which interpreter the kernel started.
 */
#ifndef QUS_HANDLER_H
#define QUS_HANDLER_H

#include <stdbool.h>
#include <stddef.h>

#include "entry.h"

/*
 * Whether @e is QEMU's: its name or its interpreter's file name starts
 * with "qemu-", as every QEMU installer names them (QEMU's own
 * qemu-binfmt-conf.sh, Debian's files, tonistiigi/binfmt, multiarch, qus),
 * or the file its interpreter's links lead to does (Debian's wrappers).
 * Rosetta, FEX-Emu and box64/box86 name theirs otherwise.
 */
bool entry_is_qemu(const struct binfmt_entry *e);

/* Whether the kernel would give @t's programs to @e if it were the only entry. */
bool entry_takes(const struct binfmt_entry *e, const struct qus_target *t);

/*
 * The entry that runs @t's programs: the first of @entries (in the
 * kernel's order, as binfmt_read_all() returns them) that takes them, or
 * NULL if none does.  Whether binfmt_misc is enabled as a whole is the
 * caller's to say.
 */
const struct binfmt_entry *handler_for(const struct binfmt_entry *entries, size_t count,
				       const struct qus_target *t);

/*
 * For reports: the entry that runs @t's programs (handler_for), or where
 * none does, the one that would if it were enabled (qemu-<t>, else any of
 * @t's), so that the report can say why it does not run; NULL if none.
 */
const struct binfmt_entry *handler_or_idle(const struct binfmt_entry *entries, size_t count,
					   const struct qus_target *t);

/*
 * The entry that runs @t's programs if it is not QEMU's (another emulator
 * that registering QEMU would shadow), or NULL.
 */
const struct binfmt_entry *handler_other(const struct binfmt_entry *entries, size_t count,
					 const struct qus_target *t);

#endif
