/* SPDX-License-Identifier: MIT */
/*
 * The table of QEMU user-mode targets, and of the machines qus-build makes
 * images for.  It is the only place in qus that names an architecture:
 * every command (register, status, detect, export, targets) and every stage
 * of qus-build reads it, and the binfmt_misc magic/mask of each entry is
 * derived from its ELF fields (see elfident.c).
 */
#ifndef QUS_ARCH_H
#define QUS_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* QEMU's registration script knows 34 targets; the table has exactly those. */
#define QUS_NTARGETS 34

/* How an entry treats EF_MIPS_ABI2 (0x20 in e_flags), which tells n32 from o32. */
enum qus_mips_abi {
	QUS_MIPS_ABI_NONE = 0, /* not a 32-bit MIPS target: e_flags ignored */
	QUS_MIPS_ABI_O32,      /* EF_MIPS_ABI2 must be clear */
	QUS_MIPS_ABI_N32,      /* EF_MIPS_ABI2 must be set */
};

/*
 * The Linux system call ABIs of the targets: each has its own numbers for
 * the older calls (syscalls.c), its own ENOSYS and its own way of saying
 * that a call failed.  Targets that differ only in byte order share one.
 */
enum qus_sys_abi {
	QUS_ABI_I386,
	QUS_ABI_X86_64,
	QUS_ABI_ALPHA,
	QUS_ABI_ARM,
	QUS_ABI_AARCH64,
	QUS_ABI_SPARC,
	QUS_ABI_SPARC64,
	QUS_ABI_PPC,
	QUS_ABI_PPC64,
	QUS_ABI_M68K,
	QUS_ABI_MIPS_O32,
	QUS_ABI_MIPS_N32,
	QUS_ABI_MIPS_N64,
	QUS_ABI_SH4,
	QUS_ABI_S390X,
	QUS_ABI_HPPA,
	QUS_ABI_RISCV32,
	QUS_ABI_RISCV64,
	QUS_ABI_XTENSA,
	QUS_ABI_MICROBLAZE,
	QUS_ABI_OR1K,
	QUS_ABI_HEXAGON,
	QUS_ABI_LOONGARCH64,
	QUS_NABIS
};

/* How a system call says it failed (the record of the syscall probe holds the indicator). */
enum qus_sys_error {
	QUS_SYSERR_NEGATIVE, /* the result is -errno (-4095..-1) */
	QUS_SYSERR_A3,	     /* the result is errno and register a3 is not 0 (alpha, MIPS) */
	QUS_SYSERR_CR0_SO,   /* the result is errno and CR0.SO is set (PowerPC; the CR) */
	QUS_SYSERR_CARRY,    /* the result is errno and the carry is set (SPARC; 0 or 1) */
};

struct qus_sys_abi_info {
	const char *name; /* as the kernel's tables name it: "mips n32" */
	uint16_t enosys;  /* ENOSYS here: 38 but on alpha, MIPS, SPARC, PA-RISC */
	uint16_t offset;  /* calls from 424 on: the generic number + offset */
	uint8_t error;	  /* enum qus_sys_error */
};

extern const struct qus_sys_abi_info qus_sys_abis[QUS_NABIS];

struct qus_target {
	const char *name;	 /* QEMU's target name; the entry is named "qemu-<name>" */
	const char *family;	 /* QEMU's family: qemu-binfmt-conf.sh skips the host's */
	const char *emulator;	 /* emulator file stem: qemu-<emulator><suffix> */
	const char *aliases;	 /* space-separated: Debian, uname -m, OCI platform names */
	const char *native_on;	 /* other host targets whose kernels run this natively */
	const char *platforms;	 /* OCI platforms its programs are, as containerd writes them */
	uint8_t elf_class;	 /* ELFCLASS32 or ELFCLASS64 */
	uint8_t elf_data;	 /* ELFDATA2LSB or ELFDATA2MSB */
	uint16_t machine;	 /* e_machine */
	uint8_t abiversion_mask; /* mask applied to EI_ABIVERSION */
	uint8_t mips_abi;	 /* enum qus_mips_abi */
	uint8_t sys_abi;	 /* enum qus_sys_abi: its system calls */
};

extern const struct qus_target qus_targets[QUS_NTARGETS];

/* Look a target up by its name or any alias, ignoring ASCII case. NULL if unknown. */
const struct qus_target *arch_find(const char *name);

/* Position of @t in the table, for per-target arrays. */
size_t arch_index(const struct qus_target *t);

/* True if @word is one of the space-separated words of @list. */
bool arch_word_in(const char *list, const char *word);

/*
 * The target with the same ELF class, machine and MIPS ABI as @t but byte
 * order @elf_data, or NULL.  Used where a name does not tell the byte order
 * (uname -m says "mips64" on both big- and little-endian MIPS).
 */
const struct qus_target *arch_with_byte_order(const struct qus_target *t, uint8_t elf_data);

/*
 * A machine by every name it goes by: a Debian architecture (packages), its
 * RPM name (Fedora's packages), what its kernel's uname -m says (the seeds'
 * HOST_ prefix of release files), its OCI platform (image indexes: the
 * image-spec's GOARCH values and variants) and the target its programs are.
 */
struct qus_platform {
	const char *debian;	 /* amd64, armhf, ppc64el, ... */
	const char *rpm;	 /* x86_64, armv7hl, ...; NULL: Fedora has none */
	const char *uname;	 /* x86_64, armv7l, ppc64le, ... */
	const char *oci_arch;	 /* amd64, arm, 386, ppc64le, ... */
	const char *oci_variant; /* v7, v5, or NULL */
	const char *target;	 /* the qus target of its programs */
	bool seeds_unprefixed;	 /* the seeds' unprefixed release files are this host's */
};

extern const struct qus_platform qus_platforms[];
extern const size_t qus_nplatforms;

/* The platform of a Debian or an RPM architecture name; NULL if unknown. */
const struct qus_platform *platform_by_debian(const char *name);
const struct qus_platform *platform_by_rpm(const char *name);

#endif
