# qus run: foreign programs as an unprivileged user, in a binfmt_misc of
# their own, with the host's binfmt_misc byte for byte unchanged.  Needs
# root to create the users and to plant a decoy entry on the host (restored
# exactly at the end by tests/lib/hostguard.sh).
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/users.sh
. "$QUS_ROOT/tests/lib/users.sh"

if [ "$(id -u)" != 0 ]; then
	skip "qus run" "needs root to create the test users"
	done_testing
	exit 0
fi
if ! have_fixtures || ! private_binfmt_works; then
	skip "qus run" "needs the busybox fixtures (setup.sh) and Linux >= 6.7"
	done_testing
	exit 0
fi

user_suite_begin
# What the users run, where they can read it.
for b in $BUSYBOXES; do
	mkdir -p "$W/bb/${b%%:*}"
	cp "$(busybox_path "${b%%:*}")" "$W/bb/${b%%:*}/busybox"
done
chmod -R a+rX "$W/bb"
bb() { echo "$W/bb/$1/busybox"; }

# A decoy on the host: arm64 programs go to an interpreter that does not
# exist, so they fail on the host itself and work only in qus run's instance.
[ -e $HG_DIR/register ] || mount -t binfmt_misc binfmt_misc $HG_DIR
[ -e $HG_DIR/qemu-aarch64 ] && echo -1 >$HG_DIR/qemu-aarch64
"$QUS_STATIC" register -q --no-persistent --qemu-path /nonexistent arm64 2>/dev/null
host_before=$(hg_state)
run U "$(bb arm64)" true
check "on the host, arm64 programs fail (the decoy entry)" [ "$rc" != 0 ]

# --- foreign programs of several architectures -------------------------------
# A fixture this kernel runs itself (i386 on most x86_64 kernels, not all)
# is not emulated: its uname -m is the kernel's machine (tests/lib/env.sh).
for b in $BUSYBOXES; do
	IFS=: read -r deb _target uname <<<"$b"
	want=$(fixture_uname "$deb" "$uname")
	how=$([ "$want" = "$uname" ] && echo emulated || echo "native: this kernel runs $deb programs itself")
	run U "$Q" run -- "$(bb "$deb")" uname -m
	if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
		ok "as a user, $deb busybox under qus run: uname -m is $want ($how)"
	else
		not_ok "as a user, $deb busybox under qus run: uname -m is $want ($how)"
		show_run
	fi
done
is "$err" "" "nothing on stderr for a user with subordinate ids"

# Every foreign target whose emulator is installed, and nothing else.
# (emulator_path: qemu-T-static or qemu-T in /usr/bin, as qus run looks for them)
want=$("$QUS" targets --json | jq -r '.targets[] | select(.native == "no" and .emulator_path != null) | "qemu-\(.name)"' | sort)
run U "$Q" run -- sh -c 'ls /proc/sys/fs/binfmt_misc | grep ^qemu- | sort'
is "$out" "$want" "the private instance holds every foreign target with an installed emulator ($(wc -l <<<"$want"))"
run U "$Q" run -- cat /proc/sys/fs/binfmt_misc/qemu-aarch64
like "$out" "flags: POF" "... registered with the default flags POF"

# --- children inherit the registration ----------------------------------------
run U "$Q" run -- "$(bb armhf)" sh -c "$(bb arm64) uname -m"
is "$out" aarch64 "an armhf shell execs an arm64 program: the child is emulated too"
run U "$Q" run -- "$(bb s390x)" sh -c "$(bb ppc64el) sh -c '$(bb mips64el) uname -m; $(bb i386) uname -m'"
is "$out" "mips64
$(fixture_uname i386 i686)" "three foreign generations (s390x -> ppc64le -> mips64el, i386: $(fixture_uname i386 i686))"
run U "$Q" run -- sh -c "$(bb arm64) uname -m"
is "$out" aarch64 "a native shell under qus run starts a foreign program"

# --- qus check inside: every probe through the private registration ---------------
nprobes=$(grep -c '^	{ "[^"]*", [^,]*, [0-9]*, [0-9]*, (const' "$QUS_ROOT/src/core/probe_code.c")
run U "$Q" run -- "$Q" check
rc_is 0 "qus run -- qus check: exit 0"
like "$out" "qus: $nprobes ok, 0 failed" "... every probe ran, rootless ($nprobes)"
# And which system calls the emulators lack, asked as a user (tests/cli/syscalls.sh has the rest).
run U "$Q" run -- "$Q" check --syscalls
rc_is 0 "qus run -- qus check --syscalls: exit 0, as a user"
like "$out" ", 0 could not be checked" "... every registered target's emulator asked, rootless"
like "$out" "  missing (" "... and what they lack said"

# --- --arch --------------------------------------------------------------------
run U "$Q" run --arch arm64 -- ls /proc/sys/fs/binfmt_misc
is "$out" "qemu-aarch64
register
status" "--arch arm64 registers only qemu-aarch64"
run U "$Q" run -a arm64,s390x -- "$(bb s390x)" uname -m
is "$out" s390x "-a arm64,s390x: a comma-separated list"
run U "$Q" run --arch arm64 -- sh -c "$(bb armhf) uname -m"
if kernel_runs "$(bb armhf)" true; then
	is "$out" "$(uname -m)" "an armhf program with only arm64 registered runs natively (this kernel runs arm itself)"
else
	check "an armhf program with only arm64 registered does not run (this kernel does not run arm)" \
		test "$rc" != 0 -a "$out" != armv7l
fi

# --- exit status, signals, environment, working directory ----------------------
for s in 0 7 255; do
	run U "$Q" run -- "$(bb arm64)" sh -c "exit $s"
	rc_is "$s" "the command's exit status $s is qus run's"
done
for sig in TERM USR1; do
	# setpriv itself in the background (a function would add a subshell).
	setpriv --reuid $QUS_USER --regid $QUS_USER --clear-groups -- "$Q" run -- "$(bb arm64)" sleep 30 &
	pid=$!
	# qus execs the command: the process is the emulator, no relay in between.
	for _ in $(seq 50); do
		[ "$(readlink /proc/$pid/exe 2>/dev/null)" = /usr/bin/qemu-aarch64-static ] && break
		sleep 0.1
	done
	exe=$(readlink /proc/$pid/exe)
	kill -$sig $pid
	wait $pid
	rc=$?
	is "$rc" $((128 + $(kill -l $sig))) "SIG$sig reaches the command: exit status $((128 + $(kill -l $sig)))"
done
is "$exe" /usr/bin/qemu-aarch64-static "qus run becomes the command (exec): the pid runs the emulator"
# shellcheck disable=SC2016 # expanded by the emulated sh, from its environment
run env -C "$W" QUS_PROBE_VALUE='a b' setpriv --reuid $QUS_USER --regid $QUS_USER --clear-groups -- \
	"$Q" run -- "$(bb arm64)" sh -c 'echo "$QUS_PROBE_VALUE"; pwd'
is "$out" "a b
$W" "the caller's environment and working directory"
run U "$Q" run -- "$(bb arm64)" echo -n 'two words' "" x
is "$out" "two words  x" "arguments pass unchanged (spaces, empty)"

# --- identity ------------------------------------------------------------------
read -r subuid subgid < <(user_subid_start $QUS_USER)
run U "$Q" run -- sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
is "$(head -2 <<<"$out")" "0
0" "the caller is root inside"
is "$(tail -n +3 <<<"$out" | awk '{print $1, $2}' | tr '\n' ' ')" \
	"0 $(id -u $QUS_USER) 1 $subuid 0 $(id -g $QUS_USER) 1 $subgid " \
	"with subordinate ranges: 0 is the caller, 1... its ranges from /etc/subuid and /etc/subgid"
rm -f "$W/owned"
run U "$Q" run -- sh -c "touch $W/owned && chown 1000:1000 $W/owned"
rc_is 0 "inside, root gives a file to uid 1000"
is "$(stat -c '%u %g' "$W/owned")" "$((subuid + 999)) $((subgid + 999))" \
	"... which is subordinate id $((subuid + 999)) outside"

run P "$Q" run -- sh -c 'id -u; cat /proc/self/uid_map | wc -l; cat /proc/self/setgroups'
is "$out" "0
1
deny" "without subordinate ids: only the caller, as root, setgroups denied"
like "$err" "qus: note: you have no subordinate ids in /etc/subuid and /etc/subgid, so only root (you) exists inside" \
	"... with a note that says so"
like "$err" "giving files to other users and switching users fail" "... and what will not work"
is "$(wc -l <<<"$err")" 1 "... in one line"
run P "$Q" run -- sh -c "touch /tmp/qus-plain-$$ && chown 1000 /tmp/qus-plain-$$"
check "... chown to another user fails there" [ "$rc" != 0 ]
rm -f /tmp/qus-plain-$$
run P "$Q" run -q -- "$(bb arm64)" uname -m
is "$out/$err" "aarch64/" "-q: the same run without the note"

run "$Q" run -- sh -c 'cat /proc/self/uid_map; id -u'
is "$(tr -s ' ' <<<"$out" | sed 's/^ //')" "0 0 4294967295
0" "as root: every id maps to itself"
run "$Q" run -- "$(bb arm64)" uname -m
is "$out" aarch64 "as root, qus run uses its own instance too (the host's decoy is not used)"

# --- the host's binfmt_misc, before, during and after ---------------------------
U "$Q" run -- "$(bb arm64)" sleep 3 &
pid=$!
sleep 1
host_during=$(hg_state)
wait $pid
is "$host_during" "$host_before" "the host's binfmt_misc is unchanged while qus run runs"
is "$(hg_state)" "$host_before" "... and afterwards, byte for byte"
check "no mount of a qus run is left on the host" sh -c "! grep -q binfmt_misc.*$W /proc/self/mountinfo"

# --- errors ----------------------------------------------------------------------
run U "$Q" run
rc_is 2 "no command: usage error 2"
run U "$Q" run --binfmt-dir /tmp -- true
rc_is 2 "--binfmt-dir does not apply to run: usage error 2"
run U "$Q" run --arch sparc65 -- true
rc_is 2 "an unknown --arch target: usage error 2"
like "$err" "sparc65" "... named"
run U "$Q" run -- qus-no-such-command
rc_is 127 "a command that is not found: 127"
is "$err" "qus: run: qus-no-such-command: command not found" "... said in one line"
run U "$Q" run -- /etc/passwd
rc_is 126 "a file that cannot be executed: 126"
run U "$Q" run --qemu-path /nonexistent -- true
rc_is 125 "no emulator at all: 125 (qus failed)"
like "$err" "no emulator found in /nonexistent" "... naming where it looked"
run U "$Q" run --qemu-path /nonexistent --arch arm64 -- true
rc_is 125 "--arch with its emulator missing: 125"
like "$err" "qemu-aarch64: no emulator in /nonexistent: neither qemu-aarch64-static nor qemu-aarch64 exists" "... naming the emulators looked for"
errors_are_qus_lines "... in qus: lines"
run U "$Q" run --rootfs /nonexistent -- true
rc_is 125 "--rootfs that does not exist: 125"
is "$err" "qus: run: --rootfs /nonexistent: No such file or directory" "... named in one line"
# A tree whose proc is a link (debootstrap makes one when it believes it
# runs in a docker container).
mkdir -p "$W/linked/bin" && cp "$(bb arm64)" "$W/linked/bin/busybox" && ln -s /proc "$W/linked/proc"
chown -R $QUS_USER: "$W/linked"
run U "$Q" run --rootfs "$W/linked" -- /bin/busybox true
rc_is 125 "--rootfs with proc a link to /proc: 125"
is "$err" "qus: run: $W/linked/proc is a symbolic link (to /proc), and a mount point in the tree must be a directory: replace it (rm $W/linked/proc && mkdir $W/linked/proc)" \
	"... says what the link is and what to do, in one line"
run U "$Q" run -- "$(bb arm64)" ls "$W/san"
is "$out" "" "no sanitizer report from any run"

# --- the fallback without a private binfmt_misc -----------------------------------
ln -sf busybox "$W/bb/arm64/uname"
# Nested user namespaces limited to 0: qus cannot create its own.
nouserns() { as_user $QUS_USER unshare --user --map-root-user -- sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' - "$@"; }
run nouserns "$Q" run -- "$W/bb/arm64/uname" -m
is "$out" aarch64 "no user namespaces: a foreign command runs through its emulator directly"
like "$err" "qus: run: cannot create a user namespace" "... saying why"
like "$err" "running $W/bb/arm64/uname through /usr/bin/qemu-aarch64-static directly: programs it starts are not emulated" \
	"... and what that means"
run nouserns "$Q" run -q -- "$W/bb/arm64/uname" -m
is "$out" aarch64 "... argv[0] is kept (busybox ran its uname applet)"
run nouserns "$Q" run -- "$(bb arm64)" echo -n 'two words' "" x
is "$out" "two words  x" "... arguments pass unchanged"
run nouserns "$Q" run -- "$(bb arm64)" sh -c 'exit 9'
rc_is 9 "... and the exit status"
run nouserns "$Q" run -- sh -c true
rc_is 125 "... a native command cannot be helped: 125"
like "$err" "sh is not a foreign program, so nothing could emulate the programs it starts" "... said plainly"
run nouserns "$Q" run --rootfs "$W" -- true
rc_is 125 "... --rootfs has no fallback: 125"
# The namespace is there but binfmt_misc cannot be mounted on it.
nomount() { as_user $QUS_USER unshare --user --map-root-user --mount -- sh -c 'mount -t tmpfs none /proc/sys/fs && exec "$@"' - "$@"; }
run nomount "$Q" run -- "$W/bb/arm64/uname" -m
is "$out" aarch64 "binfmt_misc cannot be mounted: the same fallback"
like "$err" "cannot mount a private binfmt_misc on /proc/sys/fs/binfmt_misc: No such file or directory" "... saying why"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is still as before"

# The benchmark scripts of registration and exec still run (their figures
# are for people, not asserted; bench/pipeline.sh takes minutes a round).
run "$QUS_ROOT/bench/exec.sh" -n 2 -u $QUS_USER
rc_is 0 "bench/exec.sh runs (2 rounds, qus run as the test user)"
like "$out" "| 5. qus run --arch arm64 (as $QUS_USER) |" "... and prints its table rows"
run "$QUS_ROOT/bench/register.sh" -n 1
rc_is 0 "bench/register.sh runs (1 round)"
like "$out" "| 1. register all foreign targets + remove" "... and prints its table rows"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is still as before after the benches"

done_testing
