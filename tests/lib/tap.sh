# shellcheck shell=bash
# TAP output for the shell test suites.  Source it, call the checks, end
# with done_testing.  tests/run counts the results.
#
#   run CMD...          runs CMD; sets $out, $err (text) and $rc (exit status)
#   ok/not_ok DESC      one result
#   check DESC CMD...   ok if CMD succeeds
#   is GOT WANT DESC    ok if the strings are equal (diff shown otherwise)
#   like TEXT PATTERN DESC  ok if TEXT contains the fixed string PATTERN
#   skip DESC REASON    a test that cannot run here, with the reason

TAP_N=0
TAP_FAILED=0
_tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/qus-tap.XXXXXX")

diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

run() {
	"$@" >"$_tap_tmp/out" 2>"$_tap_tmp/err"
	rc=$?
	out=$(cat "$_tap_tmp/out")
	err=$(cat "$_tap_tmp/err")
}

# Print what the last run did, after a failure.
show_run() { diag "exit status $rc"; diag "stdout: $out"; diag "stderr: $err"; }

check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/# /'
	fi
}

like() {
	case "$1" in
	*"$2"*) ok "$3" ;;
	*) not_ok "$3"; diag "expected to contain: $2"; diag "got: $1" ;;
	esac
}

unlike() {
	case "$1" in
	*"$2"*) not_ok "$3"; diag "expected not to contain: $2"; diag "got: $1" ;;
	*) ok "$3" ;;
	esac
}

# The last run exited with status $1.
rc_is() {
	if [ "$rc" = "$1" ]; then ok "$2"; else not_ok "$2"; show_run; fi
}

# Every stderr line of the last run starts with "qus: " (one-line errors).
errors_are_qus_lines() {
	local bad
	bad=$(printf '%s\n' "$err" | grep -v -e '^qus: ' -e '^Try ' -e '^$' || true)
	if [ -z "$bad" ]; then ok "$1"; else not_ok "$1"; diag "$bad"; fi
}

done_testing() {
	echo "1..$TAP_N"
	rm -rf "$_tap_tmp"
}
