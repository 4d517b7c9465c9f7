/* SPDX-License-Identifier: MIT */
/*
 * auxflags: print what the kernel put in this process's auxiliary vector
 * as AT_FLAGS, in decimal.  Registered as a binfmt_misc interpreter with
 * flag P, it tells the tests whether this kernel tells an interpreter that
 * argv[0] was preserved (bit 0, AT_FLAGS_PRESERVE_ARGV0, Linux 5.12): the
 * condition under which qus chooses P by default.  The tests ask the
 * kernel instead of reading its version (tests/lib/env.sh, default_flags),
 * so a kernel that has the feature by backport, or lacks it by
 * configuration, gets the expectation it deserves.
 *
 * A test helper, not part of qus.
 */
#include <stdio.h>
#include <sys/auxv.h>

int main(void)
{
	printf("%lu\n", getauxval(AT_FLAGS));
	return 0;
}
