# register, status, unregister on the real kernel, in a private binfmt_misc
# instance of a user namespace: real entries, real foreign programs, and
# nothing the host can see.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
host=$(host_target)
targets=$("$QUS" targets --json)
foreign=$(jq -r '[.targets[] | select(.native == "no")] | length' <<<"$targets")
tmp=$(mktemp -d)

run "$QUS" status
rc_is 0 "status of an empty instance"
like "$out" "enabled, 0 entries (0 QEMU)" "status: no entries yet"
run "$QUS" status --json
is "$(jq -c '[.mounted, .enabled, (.entries | length), .schema]' <<<"$out")" "[true,true,0,1]" "status --json: mounted, enabled, no entries, schema 1"

run "$QUS" register
rc_is 0 "register exits 0"
like "$out" "qus: $foreign registered ($foreign added, 0 replaced, 0 unchanged, 0 re-enabled)" "every foreign target added"
is "$(count_files "$BM"/qemu-*)" "$foreign" "$foreign qemu-* entries in binfmt_misc"
check "no entry for the host's own architecture" test ! -e "$BM/qemu-$host"
is "$(cat $BM/qemu-aarch64)" "enabled
interpreter /usr/bin/qemu-aarch64-static
flags: POF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff" "the kernel's qemu-aarch64 entry: as in the seeds, with POF"

run "$QUS" status --json
json=$out
is "$(jq '[.entries[] | select(.qemu)] | length' <<<"$json")" "$foreign" "status --json lists every entry"
is "$(jq -r '[.entries[] | select(.target != (.name | ltrimstr("qemu-")))] | length' <<<"$json")" 0 "each entry's target is its name's"
is "$(jq -r '[.entries[] | select(.flags != "POF" or .interpreter_exists != true or .enabled != true)] | length' <<<"$json")" 0 \
	"every entry: enabled, POF, interpreter present"
is "$(jq -r '.entries[] | select(.name == "qemu-s390x") | [.fix_binary, .credentials, .open_binary, .preserve_argv0, .type, .offset] | @csv' <<<"$json")" \
	'true,false,true,true,"magic",0' "status --json: flag booleans, type and offset"
run "$QUS" status aarch64 riscv64
rc_is 0 "status of registered targets: exit 0"
is "$(printf '%s\n' "$out" | grep -c '^qemu-')" 2 "status TARGET...: only those entries"

if have_fixtures; then
	for b in $BUSYBOXES; do
		IFS=: read -r arch target want <<<"$b"
		if [ "$(jq -r ".targets[] | select(.name == \"$target\") | .native" <<<"$targets")" != no ]; then
			continue # native here; tested below
		fi
		is "$("$(busybox_path "$arch")" uname -m 2>&1)" "$want" "busybox-static:$arch runs through qemu-$target: uname -m is $want"
	done
	bb=$(busybox_path arm64)
	is "$( (exec -a uname "$bb" -m) 2>&1)" aarch64 "flag P: argv[0] reaches the program (busybox runs its uname applet)"
	is "$("$bb" sh -c "$bb uname -m")" aarch64 "a foreign program execs a foreign program"
else
	skip "foreign programs" "fixtures missing: run ./setup.sh fixtures"
fi

before=$(binfmt_state)
run "$QUS" register
rc_is 0 "register again: exit 0 (never File exists)"
like "$out" "qus: $foreign registered (0 added, 0 replaced, $foreign unchanged, 0 re-enabled)" "register again: all unchanged"
is "$(binfmt_state)" "$before" "register again: the state is identical"

run "$QUS" register --flags F aarch64
like "$out" "qemu-aarch64: replaced with /usr/bin/qemu-aarch64-static (flags: F)" "a different entry of the same name is replaced"
is "$(sed -n 3p $BM/qemu-aarch64)" "flags: F" "the kernel has the new flags"
if have_fixtures; then
	run "$QUS" register --no-preserve-argv0 aarch64
	unlike "$( (exec -a uname "$bb" -m) 2>&1)" aarch64 "without P the program gets the path, not its argv[0]"
fi
"$QUS" register -q aarch64
is "$(sed -n 3p $BM/qemu-aarch64)" "flags: POF" "registering the default again restores POF"

echo 0 >$BM/qemu-arm
run "$QUS" register arm armhf
like "$out" "qemu-arm: re-enabled," "a disabled identical entry is enabled again"
is "$(sed -n 1p $BM/qemu-arm)" enabled "qemu-arm is enabled"

echo 0 >$BM/status
run "$QUS" register riscv64
like "$err" "binfmt_misc is disabled as a whole, so no entry is used; enable it with 'echo 1 > $BM/status'" \
	"registering while binfmt_misc is disabled: a note says how to enable it"
echo 1 >$BM/status

run "$QUS" register --replace riscv64
like "$out" "qemu-riscv64: replaced with" "--replace registers an identical entry anew"

# Unregister: only what was asked, only QEMU's.
printf ':qus-test-other:M::\\x00QUSTEST\\x01::/bin/false:' >$BM/register
run "$QUS" unregister aarch64
rc_is 0 "unregister a target: exit 0"
is "$out" "qemu-aarch64: removed
qus: 1 removed, 0 failed" "unregister says what it removed"
check "qemu-aarch64 is gone" test ! -e $BM/qemu-aarch64
if have_fixtures; then
	run "$bb" true
	rc_is 126 "without the entry an arm64 program cannot run (exit 126)"
	like "$err" "Exec format error" "... Exec format error"
fi
run "$QUS" status aarch64
rc_is 1 "status of an unregistered target: exit 1"
like "$err" "qus: aarch64: no enabled entry" "status says which target is missing"
run "$QUS" unregister arm64
rc_is 0 "unregister a target that is not registered: exit 0"
like "$out" "qemu-aarch64: not registered" "... and says so"
run "$QUS" status --json
is "$(jq -c '.entries[] | select(.name == "qus-test-other") | [.target, .qemu, .flags, .mask]' <<<"$out")" '[null,false,"",null]' \
	"status shows other programs' entries: no target, no mask"
run "$QUS" unregister --all
rc_is 0 "unregister --all: exit 0"
is "$(count_files "$BM"/qemu-*)" 0 "unregister --all removes every qemu-* entry"
check "unregister --all leaves other programs' entries" test -e $BM/qus-test-other
echo -1 >$BM/qus-test-other

# Native targets: qus's decision is the kernel's, and they are registered
# only on request.  (Some x86_64 virtual machines refuse i386 programs: then
# i386 is an ordinary foreign target.)
if have_fixtures; then
	bb386=$(busybox_path i386)
	if "$bb386" true 2>/dev/null; then runs=compat; else runs=no; fi
	is "$(jq -r '.targets[] | select(.name == "i386") | .native' <<<"$targets")" "$runs" \
		"qus agrees with the kernel on whether i386 programs run natively ($runs)"
	if [ "$runs" = compat ]; then
		run "$QUS" register i386
		like "$out" "qemu-i386: skipped: this $(uname -m) host runs i386 programs natively" "a native target is skipped, with the reason"
		run "$QUS" register --include-native i386
	else
		run "$QUS" register i386
	fi
	rc_is 0 "i386 registered ($runs)"
	is "$("$bb386" uname -m)" i686 "with the entry, i386 programs run under qemu-i386 (uname -m i686)"
	"$QUS" unregister -q i386
fi
run "$QUS" register --include-native "$host"
rc_is 1 "the host's own target is refused even with --include-native"
like "$err" "qemu-$host: refused: its magic matches the interpreter /usr/bin/qemu-$host-static itself" "the guard names the file it would capture"
check "no entry was written for $host" test ! -e "$BM/qemu-$host"
check "native programs still run" /bin/true

# F: a missing emulator fails its target only.
mkdir "$tmp/emu"
ln -s /usr/bin/qemu-aarch64-static "$tmp/emu/qemu-aarch64-static"
run "$QUS" register --qemu-path "$tmp/emu" arm64 s390x
rc_is 1 "one emulator missing: exit 1"
like "$err" "qemu-s390x: no emulator in $tmp/emu: neither qemu-s390x-static nor qemu-s390x exists" "the missing one is named"
like "$out" "qemu-aarch64: registered $tmp/emu/qemu-aarch64-static" "the other target is registered"
like "$out" "1 registered (1 added" "the summary counts both"
like "$out" "1 failed" "... and the failure"
"$QUS" unregister -q --all

# Which 32-bit modes run natively is the kernel's answer however the probe
# runs: directly when no entry could take it, else in an empty instance of
# its own.  An entry that takes the probes must not make them look native.
"$QUS" unregister -q --all
natives() { "$QUS" targets --json | jq -c '[.targets[] | select(.native != "no") | .name]'; }
before=$(natives)
"$QUS" register -q --include-native i386 i486 aarch64
is "$(natives)" "$before" "native targets are the same with entries that would take the 32-bit probes"
"$QUS" unregister -q --all

# binfmt_misc not mounted: register mounts it and says so (status never does).
mkdir "$tmp/empty" "$tmp/empty2" "$tmp/full"
touch "$tmp/full/file"
run "$QUS" status --binfmt-dir "$tmp/empty2"
rc_is 0 "status where binfmt_misc is not mounted: exit 0"
like "$out" "binfmt_misc is not mounted on $tmp/empty2: no entries can be seen here (mount it, or run qus register, which does)" "status says it is not mounted"
run "$QUS" status --json --binfmt-dir "$tmp/empty2"
is "$(jq -c '[.mounted, (.entries | length)]' <<<"$out")" "[false,0]" "status --json: mounted false"
check "status did not mount anything" test ! -e "$tmp/empty2/register"
run "$QUS" register --binfmt-dir "$tmp/empty" riscv64
rc_is 0 "register on an unmounted directory: exit 0"
like "$err" "qus: binfmt_misc was not mounted; mounted it on $tmp/empty" "register says it mounted binfmt_misc"
unlike "$err" "ends with this container" "... with no container warning outside a container"
check "the new mount is this namespace's instance" test -e $BM/qemu-riscv64
# Unregister mounts as well: in a container, the kernel's entries exist even
# where this mount namespace has no binfmt_misc mounted yet (--reset there).
run "$QUS" unregister --all --binfmt-dir "$tmp/empty2"
rc_is 0 "unregister on an unmounted directory: exit 0"
like "$err" "mounted it on $tmp/empty2" "... mounts binfmt_misc and says so"
like "$out" "qemu-riscv64: removed" "... and removes the instance's entries through it"
check "... gone from the instance" test ! -e $BM/qemu-riscv64
umount "$tmp/empty2"
# As the init of a PID namespace (a container's entrypoint), mounting it
# comes with a warning: since Linux 6.7 the entries go with the last mount.
# This suite runs in a user namespace of its own, so that is a rootless
# container's (a container of the initial one: system/register-matrix).
mkdir "$tmp/empty3"
run unshare --pid --fork -- "$QUS" register --binfmt-dir "$tmp/empty3" riscv64
rc_is 0 "register as PID 1 on an unmounted directory: exit 0"
like "$err" "they vanish when this container exits" "... warns that the entries end with the container"
like "$err" "not the host's, which is unchanged" "... and that, rootless, they never reached the host"
"$QUS" unregister -q --all
umount "$tmp/empty3"
run "$QUS" register --binfmt-dir "$tmp/full" riscv64
rc_is 1 "a non-empty directory that is not binfmt_misc: exit 1"
like "$err" "$tmp/full is not a binfmt_misc mount and is not empty; refusing to mount over it" "never mounts over files"
run "$QUS" register --binfmt-dir "$tmp/nonexistent" riscv64
rc_is 1 "a binfmt_misc directory that does not exist: exit 1"
like "$err" "$tmp/nonexistent does not exist" "... named, with the fix"
umount "$tmp/empty"

# Read-only binfmt_misc (as in an unprivileged container): said once, not per target.
mount -o remount,ro $BM
run "$QUS" register arm64 s390x
rc_is 1 "read-only binfmt_misc: exit 1"
is "$(printf '%s\n' "$err" | grep -c 'Read-only file system (binfmt_misc is read-only here; in a container, start it with --privileged)')" 1 \
	"read-only: one line with the cause and the fix"
like "$out" "2 failed" "read-only: the summary"
mount -o remount,rw $BM

# Two registrations at once converge, neither fails with File exists.
"$QUS" unregister -q --all
"$QUS" register -q >"$tmp/a" 2>&1 &
"$QUS" register -q >"$tmp/b" 2>&1 &
wait %1; ra=$?
wait %2; rb=$?
is "$ra,$rb" "0,0" "two concurrent registrations both exit 0"
is "$(count_files "$BM"/qemu-*)" "$foreign" "... and every entry is there once"
is "$(cat "$tmp/a" "$tmp/b")" "" "... without any error message"

# --keep: what goes missing comes back; a signal ends it with the entries kept.
"$QUS" unregister -q --all
"$QUS" register --keep=1 aarch64 riscv64 >"$tmp/keep.out" 2>"$tmp/keep.err" &
keeper=$!
for _ in $(seq 50); do grep -q "keeping the entries" "$tmp/keep.out" && break; sleep 0.1; done
like "$(cat "$tmp/keep.out")" "qus: keeping the entries registered (every 1s) until stopped" "--keep=1: registers, then says it keeps them"
echo -1 >$BM/qemu-aarch64
"$QUS" register -q --flags F riscv64 # as another tool might: other flags
for _ in $(seq 50); do
	[ -e $BM/qemu-aarch64 ] && grep -q "flags: $(default_flags)" $BM/qemu-riscv64 && break
	sleep 0.1
done
check "... a removed entry is registered again within the interval" test -e $BM/qemu-aarch64
like "$(cat $BM/qemu-riscv64)" "flags: $(default_flags)" "... and one changed meanwhile is put back as asked"
like "$(cat "$tmp/keep.out")" "qemu-aarch64: registered /usr/bin/qemu-aarch64-static" "... saying which"
sleep 1.5
is "$(grep -c ': unchanged,' "$tmp/keep.out")" 0 "... and nothing about entries that stayed in place"
kill -TERM $keeper
wait $keeper
is "$?" 0 "SIGTERM ends --keep with exit 0"
like "$(tail -1 "$tmp/keep.out")" "qus: stopped by signal 15; the entries stay registered" "... saying the entries stay"
check "... and they do" test -e $BM/qemu-aarch64
is "$(grep -v 'note: registered in the binfmt_misc of this user namespace' "$tmp/keep.err")" "" \
	"--keep wrote no error (the first round's note on the private instance only)"
run "$QUS" register --keep=0 aarch64
rc_is 2 "--keep=0: usage error"
like "$err" "qus: register: --keep wants whole seconds, 1 to 86400, not '0'" "... naming the value and the range"
run "$QUS" register --keep --dry-run aarch64
rc_is 2 "--keep with --dry-run: usage error"
run timeout 5 "$QUS" register --keep --qemu-path "$tmp/nonexistent" --flags F aarch64
rc_is 1 "--keep whose first round fails: exit 1 at once, not kept"

# unregister --keep: what comes back is removed again, saying so.
"$QUS" unregister --keep=1 --all >"$tmp/unkeep.out" 2>&1 &
keeper=$!
for _ in $(seq 50); do grep -q "keeping the entries" "$tmp/unkeep.out" && break; sleep 0.1; done
like "$(cat "$tmp/unkeep.out")" "qus: keeping the entries unregistered (every 1s) until stopped" "unregister --keep=1: removes, then keeps them removed"
is "$(count_files "$BM"/qemu-*)" 0 "... every qemu-* entry is gone"
"$QUS" register -q s390x
for _ in $(seq 50); do [ -e $BM/qemu-s390x ] || break; sleep 0.1; done
check "... one registered again is removed within the interval" test ! -e $BM/qemu-s390x
like "$(cat "$tmp/unkeep.out")" "qemu-s390x: removed" "... saying which"
kill -INT $keeper
wait $keeper
is "$?" 0 "SIGINT ends unregister --keep with exit 0"
is "$(grep -c 'not registered' "$tmp/unkeep.out")" 0 "... and it never listed entries that were absent"

# --userns PID: into the user namespace of a process this one owns, here a
# namespace below this suite's with a binfmt_misc of its own.  (That
# register mounts one where the namespace sees an ancestor's is played by
# system/docker-rootless and system/rootless: here both namespaces' root
# is the same uid outside, so the ancestor's files look like its own.)
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --user --map-root-user --mount --propagation private -- sh -c \
	'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && exec sleep 60' &
below=$!
for _ in $(seq 50); do [ "$(readlink /proc/$below/exe)" = /usr/bin/sleep ] && break; sleep 0.1; done
"$QUS" unregister -q --all
run "$QUS" register --userns "$below" aarch64
rc_is 0 "register --userns PID: exit 0"
like "$err" "note: registered in the user namespace of process $below" "... says whose instance took the entry and how long it lasts"
check "... that instance, not this one" test ! -e $BM/qemu-aarch64
run "$QUS" status --userns "$below" --json
is "$(jq -c '[.instance.user_namespace, .instance.own, [.entries[].name]]' <<<"$out")" '["other",true,["qemu-aarch64"]]' \
	"status --userns PID: that namespace's own instance, with the entry"
run nsenter -U -m -t "$below" --preserve-credentials "$QUS" status
like "$out" "qemu-aarch64" "... as status under nsenter sees it"
kill "$below"
wait "$below" 2>/dev/null
run "$QUS" register --userns "$below" aarch64
rc_is 1 "register --userns of a process that is gone: exit 1"
is "$err" "qus: register --userns: no process $below" "... in one line"
run "$QUS" register --userns "$$" aarch64
rc_is 0 "register --userns of a process of this namespace: nothing to join, exit 0"
"$QUS" unregister -q --all
run "$QUS" register --userns abc
rc_is 2 "--userns abc: usage error"
like "$err" "--userns needs a process id, not 'abc'" "... naming the value"
run "$QUS" status --docker --userns 1
rc_is 2 "--docker and --userns together: usage error"
like "$err" "exclude each other" "... saying so"
run env XDG_RUNTIME_DIR="$tmp/xdg" "$QUS" register --docker
rc_is 1 "register --docker with no rootless dockerd: exit 1"
like "$err" "qus: register --docker: no rootless dockerd runs for uid" "... in one line"
like "$err" "$tmp/xdg/dockerd-rootless/child_pid" "... naming the files looked at"

rm -rf "$tmp"
done_testing
