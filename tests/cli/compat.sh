# The seeds' command lines, unchanged (qus as the register image's
# entrypoint), on the real kernel in a private binfmt_misc instance.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
foreign=$("$QUS" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')
host=$(host_target)

# Every qemu-* entry's flags line, once: the flags all entries share.
qemu_flags() { (cd $BM && cat qemu-* | sed -n 's/^flags: *//p' | sort -u); }
qemu_count() { count_files "$BM"/qemu-*; }
other_entry() { printf ':qus-test-other:M::\\x00QUSTEST\\x01::/bin/false:' >$BM/register; }

other_entry
# An entry of another name scheme, and a qemu-* entry with other flags, as
# a previous installer may have left them.
printf ':qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:' >$BM/register

run "$QUS" --reset -p yes
rc_is 0 "qus --reset -p yes: exit 0"
like "$out" "qemu-aarch64: removed" "--reset removes the qemu-* entries first"
is "$(qemu_count)" "$foreign" "--reset -p yes registers every foreign target ($foreign)"
is "$(qemu_flags)" F "--reset -p yes: every entry has flags F (QEMU's -p yes)"
is "$(sed -n 2p $BM/qemu-aarch64)" "interpreter /usr/bin/qemu-aarch64-static" "the register.sh defaults: /usr/bin, -static"
check "--reset keeps other programs' entries" test -e $BM/qus-test-other
check "--reset -p yes: no entry for the host ($host)" test ! -e "$BM/qemu-$host"
if have_fixtures; then
	is "$("$(busybox_path arm64)" uname -m)" aarch64 "after --reset -p yes an arm64 program runs"
fi

run "$QUS" --reset
rc_is 0 "qus --reset: exit 0"
is "$(qemu_count)" "$foreign" "--reset registers every foreign target again"
is "$(qemu_flags)" "" "--reset alone: no flags, as QEMU's script"
check "--reset keeps other programs' entries (again)" test -e $BM/qus-test-other

run "$QUS" --credential yes -p yes
rc_is 0 "qus --credential yes -p yes: exit 0"
is "$(qemu_flags)" OCF "--credential yes -p yes: flags OCF (C implies O)"
like "$out" "$foreign replaced" "... every entry was replaced (same names, new flags)"

run "$QUS" -p yes --preserve-argv0 yes
is "$(qemu_flags)" PF "-p yes --preserve-argv0 yes: flags PF"
run "$QUS" -p yes -g yes
rc_is 0 "the same again with short options: exit 0"
like "$out" "$foreign unchanged" "... and nothing changes"

run "$QUS" --reset -p yes aarch64 riscv64
rc_is 0 "targets after the options, as QEMU's newer script takes them"
is "$(qemu_count)" 2 "--reset then only the named targets"

# In a container binfmt_misc is not mounted yet, but the kernel's entries are
# there: --reset mounts it before removing (it used to find "nothing").
mnt=$(mktemp -d)
run "$QUS" --binfmt-dir "$mnt" --reset -p yes s390x
rc_is 0 "--reset on an unmounted directory: exit 0"
like "$out" "qemu-aarch64: removed" "... mounts binfmt_misc first and removes the entries it finds"
is "$(qemu_count)" 1 "... then registers only s390x"
umount "$mnt" && rmdir "$mnt"

run "$QUS" --reset -Q /usr/bin -F -static --persistent yes -c no -g no
rc_is 0 "every short and long form of QEMU's options"
is "$(qemu_flags)" F "... flags F"

run "$QUS" --reset -p yes -i yes
rc_is 0 "--ignore-family yes: exit 0"
check "--ignore-family yes never registers the host's own target" test ! -e "$BM/qemu-$host"
native=$("$QUS" targets --json | jq -r '[.targets[] | select(.native == "compat")] | length')
is "$(qemu_count)" $((foreign + native)) "--ignore-family yes adds the $native natively-run targets"

# HOST_ARCH stands in for uname -m, as in QEMU's script; the guard still
# protects this machine: x86_64 is foreign to an "aarch64" host, but its
# entry would capture every native program here.
run env HOST_ARCH=aarch64 "$QUS" --reset -p yes
rc_is 1 "HOST_ARCH naming another machine: the entry for this one is refused, exit 1"
like "$err" "qemu-$host: refused" "... with the reason"
check "no entry captures native programs" test ! -e "$BM/qemu-$host"
check "native programs still run" /bin/true
check "HOST_ARCH=aarch64: aarch64 counts as native and is skipped" test ! -e $BM/qemu-aarch64

# Global options before a command.
run "$QUS" --binfmt-dir $BM status riscv64
rc_is 0 "qus --binfmt-dir DIR status TARGET"
run "$QUS" --binfmt-dir $BM --reset status
rc_is 2 "options-only options cannot precede a command"

# The register image without emulators inside (multiarch's :register tag):
# without F they need not exist yet.
run "$QUS" --reset --qemu-path /nonexistent
rc_is 0 "--reset with emulators that exist elsewhere: exit 0"
like "$err" "$foreign interpreters are not in /nonexistent" "... noted"
run "$QUS" --reset -p yes --qemu-path /nonexistent
rc_is 1 "-p yes without the emulators: exit 1"
is "$(printf '%s\n' "$err" | grep -c 'interpreter /nonexistent/qemu-.*-static does not exist (install qemu-user-static or qemu-user')" "$foreign" \
	"-p yes without emulators: one line per target, naming the -static file the seeds register"

echo -1 >$BM/qus-test-other
done_testing
