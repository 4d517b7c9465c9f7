/* SPDX-License-Identifier: MIT */
/*
 * The 34 targets of QEMU's scripts/qemu-binfmt-conf.sh, with their ELF
 * identity.  elfident.c turns each row into a binfmt_misc magic and mask:
 *
 *   bytes  0..6   \x7fELF, EI_CLASS, EI_DATA, EI_VERSION: exact
 *   byte   7      EI_OSABI: any.  Linux's own ELF loader ignores it, so an
 *                 emulated program is accepted exactly when a native one
 *                 would be (QEMU's choice; Debian's bookworm files accept only
 *                 0..3 for ppc*, s390x, sh4*, sparc* and loongarch64, which
 *                 rejects nothing a Linux toolchain emits).
 *   byte   8      EI_ABIVERSION: & abiversion_mask (must be 0, but on MIPS)
 *   bytes  9..15  padding: exact zero
 *   bytes 16..17  e_type: ET_EXEC or ET_DYN (low byte masked with 0xfe)
 *   bytes 18..19  e_machine, in the target's byte order: exact
 *   bytes 36..39  32-bit MIPS only: EF_MIPS_ABI2 of e_flags (o32 vs n32)
 *
 * Debian's binfmt.d files (bookworm's QEMU 7.2, sid's 11.1) agree with this
 * for every target they cover but where tests/cli/debian-facts.sh lists a
 * difference, each with its reason: the OSABI note above; ppc64le, where
 * Debian ignores the high byte of e_machine (always 0 for EM_PPC64);
 * bookworm's MIPS EI_ABIVERSION (above); sid's i386 and x86_64 entries, which
 * ignore the low bit of EI_DATA and EI_VERSION (QEMU's old i386 mask; both
 * are 1 in every x86 program); sid's 32-bit MIPS entries, which also require
 * e_version 1 (Linux's loader does not look at it).  The tests check the
 * agreement on real and synthetic headers.
 *
 * aliases: names people type.  Debian architectures (arm64, armhf, ppc64el),
 * uname -m values (armv7l, i686), Docker Hub prefixes (arm64v8, arm32v7) and
 * OCI platforms (linux/arm/v7).
 *
 * platforms: the OCI platforms of the target's programs, as containerd's
 * platforms.Format(Normalize()) writes them, for the "supported" list of
 * tonistiigi/binfmt's interface (qus binfmt).  Only targets whose
 * architecture is a Go GOARCH have one (the image-spec's architecture
 * values); arm lists v7 and v6, as BuildKit's archutil does.  Each is also
 * an alias (tests/unit/test_arch.c checks it).
 *
 * native_on: other host targets whose kernels run this target without an
 * emulator (32-bit compat modes).  host.c still asks the kernel whether the
 * compat mode is available by executing the target's probe (probe.c; arm64 CPUs without
 * AArch32 exist, and some x86_64 virtual machines refuse i386 programs).  riscv32 is
 * not native on riscv64: few CPUs and kernels enable it (QEMU commit
 * "binfmt: Add --ignore-family option" makes the same point).
 */
#include "arch.h"

#include <elf.h>
#include <string.h>

#include "util.h"

#define LE  ELFDATA2LSB
#define BE  ELFDATA2MSB
#define C32 ELFCLASS32
#define C64 ELFCLASS64

/* One row per target, aligned by hand. */
/* clang-format off */
const struct qus_target qus_targets[QUS_NTARGETS] = {
	{ .name = "i386", .family = "i386", .emulator = "i386",
	  .aliases = "i686 i586 x86 386 linux/386",
	  .native_on = "x86_64 i486",
	  .platforms = "linux/386",
	  .elf_class = C32, .elf_data = LE, .machine = 3 /* EM_386 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_I386 },
	{ .name = "i486", .family = "i386", .emulator = "i386" /* no qemu-i486 exists */,
	  .aliases = "",
	  .native_on = "x86_64 i386",
	  .platforms = "",
	  .elf_class = C32, .elf_data = LE, .machine = 6 /* EM_486 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_I386 },
	{ .name = "alpha", .family = "alpha", .emulator = "alpha",
	  .aliases = "linux/alpha",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C64, .elf_data = LE, .machine = 0x9026 /* EM_ALPHA (Linux) */,
	  .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_ALPHA },
	{ .name = "arm", .family = "arm", .emulator = "arm",
	  .aliases = "armhf armel armv5tel armv6l armv7l armv8l arm32v5 arm32v6 arm32v7 "
		     "linux/arm linux/arm/v5 linux/arm/v6 linux/arm/v7",
	  .native_on = "aarch64",
	  .platforms = "linux/arm/v7 linux/arm/v6",
	  .elf_class = C32, .elf_data = LE, .machine = 40 /* EM_ARM */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_ARM },
	{ .name = "armeb", .family = "armeb", .emulator = "armeb",
	  .aliases = "armv5teb armv6b armv7b",
	  .native_on = "aarch64_be",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 40 /* EM_ARM */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_ARM },
	{ .name = "sparc", .family = "sparc", .emulator = "sparc",
	  .aliases = "sparc32",
	  .native_on = "sparc64 sparc32plus",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 2 /* EM_SPARC */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_SPARC },
	{ .name = "sparc32plus", .family = "sparc", .emulator = "sparc32plus",
	  .aliases = "sparcv8plus",
	  .native_on = "sparc64",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 18 /* EM_SPARC32PLUS */,
	  .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_SPARC },
	{ .name = "sparc64", .family = "sparc", .emulator = "sparc64",
	  .aliases = "sparcv9 linux/sparc64",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C64, .elf_data = BE, .machine = 43 /* EM_SPARCV9 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_SPARC64 },
	{ .name = "ppc", .family = "ppc", .emulator = "ppc",
	  .aliases = "powerpc ppc32 linux/ppc",
	  .native_on = "ppc64",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 20 /* EM_PPC */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_PPC },
	{ .name = "ppc64", .family = "ppc", .emulator = "ppc64",
	  .aliases = "powerpc64 ppc64be linux/ppc64",
	  .native_on = "",
	  .platforms = "linux/ppc64",
	  .elf_class = C64, .elf_data = BE, .machine = 21 /* EM_PPC64 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_PPC64 },
	{ .name = "ppc64le", .family = "ppcle", .emulator = "ppc64le",
	  .aliases = "ppc64el powerpc64le linux/ppc64le",
	  .native_on = "",
	  .platforms = "linux/ppc64le",
	  .elf_class = C64, .elf_data = LE, .machine = 21 /* EM_PPC64 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_PPC64 },
	{ .name = "m68k", .family = "m68k", .emulator = "m68k",
	  .aliases = "linux/m68k",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 4 /* EM_68K */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_M68K },
	/*
	 * EI_ABIVERSION is not checked on MIPS: it is 1 in non-PIC executables
	 * that use PLTs and copy relocations (binutils), and glibc marks objects
	 * that use .MIPS.xhash with 5.  QEMU's own table stopped checking it
	 * (Debian sid's binfmt.d files, QEMU 11.1: mask 0x00); bookworm's (7.2)
	 * accepted 0 and 1 only, so newer MIPS programs did not run.
	 */
	{ .name = "mips", .family = "mips", .emulator = "mips",
	  .aliases = "linux/mips",
	  .native_on = "mips64",
	  .platforms = "linux/mips",
	  .elf_class = C32, .elf_data = BE, .machine = 8 /* EM_MIPS */, .abiversion_mask = 0x00,
	  .mips_abi = QUS_MIPS_ABI_O32,
	  .sys_abi = QUS_ABI_MIPS_O32 },
	{ .name = "mipsel", .family = "mips", .emulator = "mipsel",
	  .aliases = "mipsle linux/mipsle",
	  .native_on = "mips64el",
	  .platforms = "linux/mipsle",
	  .elf_class = C32, .elf_data = LE, .machine = 8 /* EM_MIPS */, .abiversion_mask = 0x00,
	  .mips_abi = QUS_MIPS_ABI_O32,
	  .sys_abi = QUS_ABI_MIPS_O32 },
	{ .name = "mipsn32", .family = "mips", .emulator = "mipsn32",
	  .aliases = "",
	  .native_on = "mips64",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 8 /* EM_MIPS */, .abiversion_mask = 0x00,
	  .mips_abi = QUS_MIPS_ABI_N32,
	  .sys_abi = QUS_ABI_MIPS_N32 },
	{ .name = "mipsn32el", .family = "mips", .emulator = "mipsn32el",
	  .aliases = "",
	  .native_on = "mips64el",
	  .platforms = "",
	  .elf_class = C32, .elf_data = LE, .machine = 8 /* EM_MIPS */, .abiversion_mask = 0x00,
	  .mips_abi = QUS_MIPS_ABI_N32,
	  .sys_abi = QUS_ABI_MIPS_N32 },
	{ .name = "mips64", .family = "mips", .emulator = "mips64",
	  .aliases = "linux/mips64",
	  .native_on = "",
	  .platforms = "linux/mips64",
	  .elf_class = C64, .elf_data = BE, .machine = 8 /* EM_MIPS */, .abiversion_mask = 0x00,
	  .sys_abi = QUS_ABI_MIPS_N64 },
	{ .name = "mips64el", .family = "mips", .emulator = "mips64el",
	  .aliases = "mips64le linux/mips64le",
	  .native_on = "",
	  .platforms = "linux/mips64le",
	  .elf_class = C64, .elf_data = LE, .machine = 8 /* EM_MIPS */, .abiversion_mask = 0x00,
	  .sys_abi = QUS_ABI_MIPS_N64 },
	{ .name = "sh4", .family = "sh4", .emulator = "sh4",
	  .aliases = "sh4a sh",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = LE, .machine = 42 /* EM_SH */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_SH4 },
	{ .name = "sh4eb", .family = "sh4", .emulator = "sh4eb",
	  .aliases = "sh4aeb sheb",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 42 /* EM_SH */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_SH4 },
	{ .name = "s390x", .family = "s390x", .emulator = "s390x",
	  .aliases = "linux/s390x",
	  .native_on = "",
	  .platforms = "linux/s390x",
	  .elf_class = C64, .elf_data = BE, .machine = 22 /* EM_S390 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_S390X },
	{ .name = "aarch64", .family = "arm", .emulator = "aarch64",
	  .aliases = "arm64 arm64v8 linux/arm64 linux/arm64/v8",
	  .native_on = "",
	  .platforms = "linux/arm64",
	  .elf_class = C64, .elf_data = LE, .machine = 183 /* EM_AARCH64 */,
	  .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_AARCH64 },
	{ .name = "aarch64_be", .family = "armeb", .emulator = "aarch64_be",
	  .aliases = "arm64be arm64_be",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C64, .elf_data = BE, .machine = 183 /* EM_AARCH64 */,
	  .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_AARCH64 },
	{ .name = "hppa", .family = "hppa", .emulator = "hppa",
	  .aliases = "parisc parisc32",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 15 /* EM_PARISC */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_HPPA },
	{ .name = "riscv32", .family = "riscv", .emulator = "riscv32",
	  .aliases = "linux/riscv32",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = LE, .machine = 243 /* EM_RISCV */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_RISCV32 },
	{ .name = "riscv64", .family = "riscv", .emulator = "riscv64",
	  .aliases = "linux/riscv64",
	  .native_on = "",
	  .platforms = "linux/riscv64",
	  .elf_class = C64, .elf_data = LE, .machine = 243 /* EM_RISCV */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_RISCV64 },
	{ .name = "xtensa", .family = "xtensa", .emulator = "xtensa",
	  .aliases = "",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = LE, .machine = 94 /* EM_XTENSA */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_XTENSA },
	{ .name = "xtensaeb", .family = "xtensaeb", .emulator = "xtensaeb",
	  .aliases = "",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 94 /* EM_XTENSA */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_XTENSA },
	/*
	 * MicroBlaze: QEMU's script and Debian match the pre-standard e_machine
	 * 0xbaab.  (QEMU's own microblaze magic writes e_type in little-endian
	 * order; Debian's file corrects it, and so does the derivation here.)
	 */
	{ .name = "microblaze", .family = "microblaze", .emulator = "microblaze",
	  .aliases = "",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 0xbaab /* EM_MICROBLAZE_OLD */,
	  .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_MICROBLAZE },
	{ .name = "microblazeel", .family = "microblazeel", .emulator = "microblazeel",
	  .aliases = "",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = LE, .machine = 0xbaab /* EM_MICROBLAZE_OLD */,
	  .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_MICROBLAZE },
	{ .name = "or1k", .family = "or1k", .emulator = "or1k",
	  .aliases = "openrisc",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = BE, .machine = 92 /* EM_OPENRISC */,
	  .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_OR1K },
	{ .name = "x86_64", .family = "i386", .emulator = "x86_64",
	  .aliases = "amd64 x86-64 x64 linux/amd64",
	  .native_on = "",
	  .platforms = "linux/amd64",
	  .elf_class = C64, .elf_data = LE, .machine = 62 /* EM_X86_64 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_X86_64 },
	{ .name = "hexagon", .family = "hexagon", .emulator = "hexagon",
	  .aliases = "",
	  .native_on = "",
	  .platforms = "",
	  .elf_class = C32, .elf_data = LE, .machine = 164 /* EM_QDSP6 */, .abiversion_mask = 0xff,
	  .sys_abi = QUS_ABI_HEXAGON },
	/* QEMU accepts any EI_ABIVERSION for LoongArch; so do we. */
	{ .name = "loongarch64", .family = "loongarch", .emulator = "loongarch64",
	  .aliases = "loong64 linux/loong64",
	  .native_on = "",
	  .platforms = "linux/loong64",
	  .elf_class = C64, .elf_data = LE, .machine = 258 /* EM_LOONGARCH */,
	  .abiversion_mask = 0x00,
	  .sys_abi = QUS_ABI_LOONGARCH64 },
};
/* clang-format on */

/*
 * The system call ABIs of the targets.  ENOSYS: each architecture's
 * uapi asm/errno.h (asm-generic's 38 where it has none), as Debian sid's
 * linux-libc-dev 7.2.13 installs them, and QEMU's
 * linux-user/ARCH/target_errno_defs.h.  The offset: every call Linux added
 * from 5.1 on (424, pidfd_send_signal) has one number on every
 * architecture, but alpha's (+110) and MIPS's (o32 +4000, n64 +5000, n32
 * +6000), per the kernel's arch/ARCH/kernel/syscalls/syscall*.tbl.  How a
 * failure comes back: syscall(2), "Architecture calling conventions", and
 * QEMU's linux-user/ARCH/cpu_loop.c (alpha and MIPS set a3; PowerPC sets
 * CR0.SO; SPARC sets the carry of icc for its 32-bit ABI, of xcc for its
 * 64-bit one).
 */
/* clang-format off */
const struct qus_sys_abi_info qus_sys_abis[QUS_NABIS] = {
	[QUS_ABI_I386]        = { "i386",        38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_X86_64]      = { "x86_64",      38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_ALPHA]       = { "alpha",       78,  110,  QUS_SYSERR_A3 },
	[QUS_ABI_ARM]         = { "arm",         38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_AARCH64]     = { "aarch64",     38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_SPARC]       = { "sparc",       90,  0,    QUS_SYSERR_CARRY },
	[QUS_ABI_SPARC64]     = { "sparc64",     90,  0,    QUS_SYSERR_CARRY },
	[QUS_ABI_PPC]         = { "ppc",         38,  0,    QUS_SYSERR_CR0_SO },
	[QUS_ABI_PPC64]       = { "ppc64",       38,  0,    QUS_SYSERR_CR0_SO },
	[QUS_ABI_M68K]        = { "m68k",        38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_MIPS_O32]    = { "mips o32",    89,  4000, QUS_SYSERR_A3 },
	[QUS_ABI_MIPS_N32]    = { "mips n32",    89,  6000, QUS_SYSERR_A3 },
	[QUS_ABI_MIPS_N64]    = { "mips n64",    89,  5000, QUS_SYSERR_A3 },
	[QUS_ABI_SH4]         = { "sh4",         38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_S390X]       = { "s390x",       38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_HPPA]        = { "hppa",        251, 0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_RISCV32]     = { "riscv32",     38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_RISCV64]     = { "riscv64",     38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_XTENSA]      = { "xtensa",      38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_MICROBLAZE]  = { "microblaze",  38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_OR1K]        = { "or1k",        38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_HEXAGON]     = { "hexagon",     38,  0,    QUS_SYSERR_NEGATIVE },
	[QUS_ABI_LOONGARCH64] = { "loongarch64", 38,  0,    QUS_SYSERR_NEGATIVE },
};
/* clang-format on */

bool arch_word_in(const char *list, const char *word)
{
	char w[64];

	while (next_word(&list, w, sizeof(w)))
		if (!ascii_strcasecmp(w, word))
			return true;
	return false;
}

const struct qus_target *arch_find(const char *name)
{
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		if (!ascii_strcasecmp(qus_targets[i].name, name))
			return &qus_targets[i];
	for (size_t i = 0; i < QUS_NTARGETS; i++)
		if (arch_word_in(qus_targets[i].aliases, name))
			return &qus_targets[i];
	return NULL;
}

size_t arch_index(const struct qus_target *t)
{
	return (size_t)(t - qus_targets);
}

const struct qus_target *arch_with_byte_order(const struct qus_target *t, uint8_t elf_data)
{
	if (t->elf_data == elf_data)
		return t;
	for (size_t i = 0; i < QUS_NTARGETS; i++) {
		const struct qus_target *o = &qus_targets[i];

		if (o->elf_class == t->elf_class && o->machine == t->machine &&
		    o->mips_abi == t->mips_abi && o->elf_data == elf_data)
			return o;
	}
	return NULL;
}

/*
 * The machines Debian builds QEMU's user emulators for (bookworm, trixie,
 * sid), by every name.  OCI: the image-spec's platform values (Go's GOARCH
 * and GOARM: arm/v7 for armhf, arm/v5 for armel).  RPM: Fedora's names.
 * The seeds' release files without a prefix were built on x86_64 hosts.
 */
/* clang-format off */
const struct qus_platform qus_platforms[] = {
	{ "amd64",    "x86_64",  "x86_64",      "amd64",    NULL, "x86_64",      true },
	{ "arm64",    "aarch64", "aarch64",     "arm64",    NULL, "aarch64",     false },
	{ "armhf",    "armv7hl", "armv7l",      "arm",      "v7", "arm",         false },
	{ "armel",    NULL,      "armv5tel",    "arm",      "v5", "arm",         false },
	{ "i386",     "i686",    "i686",        "386",      NULL, "i386",        false },
	{ "ppc64el",  "ppc64le", "ppc64le",     "ppc64le",  NULL, "ppc64le",     false },
	{ "s390x",    "s390x",   "s390x",       "s390x",    NULL, "s390x",       false },
	{ "riscv64",  "riscv64", "riscv64",     "riscv64",  NULL, "riscv64",     false },
	{ "mips64el", NULL,      "mips64",      "mips64le", NULL, "mips64el",    false },
	{ "mipsel",   NULL,      "mips",        "mipsle",   NULL, "mipsel",      false },
	{ "loong64",  NULL,      "loongarch64", "loong64",  NULL, "loongarch64", false },
};
/* clang-format on */
const size_t qus_nplatforms = ARRAY_SIZE(qus_platforms);

const struct qus_platform *platform_by_debian(const char *name)
{
	for (size_t i = 0; i < qus_nplatforms; i++)
		if (!strcmp(qus_platforms[i].debian, name))
			return &qus_platforms[i];
	return NULL;
}

const struct qus_platform *platform_by_rpm(const char *name)
{
	for (size_t i = 0; i < qus_nplatforms; i++)
		if (qus_platforms[i].rpm && !strcmp(qus_platforms[i].rpm, name))
			return &qus_platforms[i];
	return NULL;
}
