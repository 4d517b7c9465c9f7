/* SPDX-License-Identifier: MIT */
/* mountinfo_at: what is mounted on a path, as systemd's automount and containers leave it. */
#include <errno.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mountinfo.h"
#include "unit.h"

#define BM "/proc/sys/fs/binfmt_misc"

/* @lines as a mountinfo file; mountinfo_at of @path on it. */
static struct mounts_at look(const char *lines, const char *path)
{
	char *dir = make_tmpdir(), file[4096];
	struct mounts_at m;
	FILE *f;

	assert_non_null(dir);
	snprintf(file, sizeof(file), "%s/mountinfo", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs(lines, f);
	fclose(f);
	assert_int_equal(mountinfo_at(file, path, &m), 0);
	unlink(file);
	rmdir(dir);
	free(dir);
	return m;
}

static const char proc[] =
	"22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n";
/* systemd's automount, as Linux 6.12 shows it, before and after its first use. */
static const char autofs[] =
	"45 22 0:40 / " BM " rw,relatime shared:13 - autofs systemd-1 rw,fd=32,pgrp=1,timeout=0,"
	"minproto=5,maxproto=5,direct,pipe_ino=1234\n";
static const char on_top[] =
	"67 45 0:41 / " BM
	" rw,nosuid,nodev,noexec,relatime shared:30 - binfmt_misc binfmt_misc rw\n";

static void test_plain_mount(void **state)
{
	char lines[1024];
	struct mounts_at m;

	(void)state;
	snprintf(lines, sizeof(lines), "%s%s", proc,
		 "67 22 0:41 / " BM " rw,relatime - binfmt_misc binfmt_misc rw\n");
	m = look(lines, BM);
	assert_false(m.autofs);
	assert_true(m.binfmt);
	assert_int_equal(major(m.binfmt_dev), 0);
	assert_int_equal(minor(m.binfmt_dev), 41);
	/* Nothing there at all. */
	m = look(proc, BM);
	assert_false(m.autofs);
	assert_false(m.binfmt);
	assert_int_equal(m.autofs_timeout, -1);
}

static void test_automount(void **state)
{
	char lines[1024];
	struct mounts_at m;

	(void)state;
	/* Not triggered yet: the autofs alone. */
	snprintf(lines, sizeof(lines), "%s%s", proc, autofs);
	m = look(lines, BM);
	assert_true(m.autofs);
	assert_int_equal(m.autofs_timeout, 0);
	assert_false(m.binfmt);
	/* Triggered: binfmt_misc on top. */
	snprintf(lines, sizeof(lines), "%s%s%s", proc, autofs, on_top);
	m = look(lines, BM);
	assert_true(m.autofs);
	assert_true(m.binfmt);
	assert_int_equal(minor(m.binfmt_dev), 41);
	/* With an idle timeout (TimeoutIdleSec=2). */
	snprintf(lines, sizeof(lines), "%s%s", proc,
		 "45 22 0:40 / " BM " rw - autofs systemd-1 rw,fd=5,pgrp=7,timeout=2,direct\n");
	assert_int_equal(look(lines, BM).autofs_timeout, 2);
	/* A timeout qus cannot read is "unknown", not 0 (never). */
	snprintf(lines, sizeof(lines), "%s%s", proc,
		 "45 22 0:40 / " BM " rw - autofs systemd-1 rw,fd=5,timeout=x,direct\n");
	assert_int_equal(look(lines, BM).autofs_timeout, -1);
}

static void test_paths_and_junk(void **state)
{
	struct mounts_at m;

	(void)state;
	/* Escaped mount points are compared unescaped. */
	m = look("30 22 0:50 / /run/with\\040space rw - binfmt_misc binfmt_misc rw\n",
		 "/run/with space");
	assert_true(m.binfmt);
	/* Another path, and a path that only starts the same, are not it. */
	m = look(on_top, "/proc/sys/fs");
	assert_false(m.binfmt);
	m = look("67 45 0:41 / " BM "2 rw - binfmt_misc binfmt_misc rw\n", BM);
	assert_false(m.binfmt);
	/* Optional fields before "-", and something mounted over binfmt_misc hides it. */
	m = look("67 22 0:41 / " BM " rw shared:1 master:2 - binfmt_misc binfmt_misc rw\n"
		 "68 67 0:42 / " BM " rw - tmpfs tmpfs rw\n",
		 BM);
	assert_false(m.binfmt);
	/* Cut-short lines are skipped. */
	m = look("67 22 0:41 / " BM " rw\n67 22\n\n", BM);
	assert_false(m.binfmt);
	assert_int_equal(mountinfo_at("/nonexistent/mountinfo", BM, &m), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_mount),
		cmocka_unit_test(test_automount),
		cmocka_unit_test(test_paths_and_junk),
	};

	return qus_run_tests("mountinfo", tests, ARRAY_SIZE(tests));
}
