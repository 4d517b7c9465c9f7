# The static release qus under valgrind (memcheck), where the sanitizers of
# the other suites cannot go: musl, no sanitizer runtime, the very bytes
# users get.  Every command on a private binfmt_misc, each with zero errors
# from valgrind (uninitialised values, invalid reads and writes, bad system
# call arguments) and its usual exit status.
#
# Left out: `qus run`, whose id-map helper is a clone(CLONE_VM) that
# valgrind cannot follow ("Valgrind does not support general clone()"); its
# code runs under ASan and UBSan in system/run instead.  And `qus check`:
# under valgrind its probes, executed from a memory file (fexecve), fail
# to start with ENOENT (outside valgrind they run; cli/check, with ASan).
# A static binary's
# malloc is not valgrind's, so heap checks are the sanitizer build's.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

if ! command -v valgrind >/dev/null || [ ! -x "$QUS_STATIC" ] || ! have_fixtures; then
	skip "valgrind" "needs valgrind, build-static/qus and the busybox fixtures (setup.sh)"
	done_testing
	exit 0
fi
enter_private_binfmt "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/export"

n=0
vg() { # STATUS COMMAND...: qus COMMAND under valgrind exits STATUS with no valgrind error
	local want=$1 log
	shift
	n=$((n + 1))
	log=$tmp/vg.$n
	run valgrind -q --error-exitcode=99 --log-file="$log" "$QUS_STATIC" "$@"
	if [ "$rc" = "$want" ] && [ ! -s "$log" ]; then
		ok "valgrind qus $* : exit $want, no error"
	else
		not_ok "valgrind qus $* : exit $want, no error"
		show_run
		diag "valgrind: $(head -20 "$log")"
	fi
}

vg 0 targets
vg 0 targets --json
vg 0 status
vg 0 detect "$(busybox_path arm64)" "$(busybox_path s390x)" /bin/sh
vg 1 detect /etc/passwd
vg 0 register -n
vg 0 register
vg 0 register --replace -q
vg 0 status --json
vg 0 status aarch64 arm
vg 0 export --systemd --exportdir "$tmp/export" aarch64
vg 0 export --debian --exportdir "$tmp/export" arm
vg 0 unregister --all
vg 0 --reset -p yes
vg 0 --reset -p yes -c yes -g yes
vg 0 unregister -q --all
vg 1 register --host aarch64 x86_64
vg 2 register bogus
vg 2 --persistent maybe
vg 0 help run
vg 2 nonsense

# The register image's job, then a foreign program through it.
"$QUS_STATIC" register -q aarch64
run "$(busybox_path arm64)" uname -m
is "$out" aarch64 "the registration made under valgrind works"

done_testing
