# Bad command lines: exit status 2, one line naming the input and what to
# do, and nothing changed (all of these run before anything is written).
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

usage_error() { # DESC EXPECTED-TEXT ARGS...
	local desc=$1 want=$2
	shift 2
	run "$QUS" "$@"
	rc_is 2 "$desc: exit 2"
	like "$err" "$want" "$desc: says '$want'"
	is "$(printf '%s\n' "$err" | grep -c '^qus: ')" 1 "$desc: one error line"
}

usage_error "unknown target" "unknown target 'arm65' (run 'qus targets'" register arm65
usage_error "unknown target among good ones" "unknown target 'sparc65'" register aarch64 sparc65
usage_error "--persistent with a wrong value" "--persistent expects yes or no, not 'maybe'" register --persistent=maybe
usage_error "--flags with an unknown letter" "--flags: 'PX' is not a set of binfmt_misc flags" register --flags PX
usage_error "--host unknown" "--host: unknown target 'vax'" register --host vax
usage_error "unregister without targets" "name the targets to remove, or --all" unregister
usage_error "unregister targets and --all" "give targets or --all, not both" unregister --all arm
usage_error "export without a format" "choose a format, --systemd or --debian" export
usage_error "export with both formats" "give one of --systemd and --debian" export --systemd --debian
usage_error "options-only: -p maybe" "--persistent expects yes or no, not 'maybe'" -p maybe
usage_error "options-only: --credential 1" "--credential expects yes or no, not '1'" --credential 1
usage_error "options-only: --exportdir alone" "--exportdir needs --systemd or --debian" --exportdir /tmp
usage_error "options-only: --systemd with an unknown CPU" "unknown target 'vax'" --systemd vax
usage_error "options-only: --systemd and --debian" "--debian and --systemd cannot be combined" --debian --systemd ALL
usage_error "options-only: a word that is no command or target" "'regster' is neither a command nor a target" --reset regster
usage_error "status of an unknown target" "unknown target 'foo'" status foo

# A usage error in options-only mode comes before --reset does anything:
# with a binfmt_misc directory that does not exist, a reset would complain.
run "$QUS" --binfmt-dir /nonexistent/qus --reset -p maybe
rc_is 2 "--reset with a bad option: exit 2 before the reset runs"
unlike "$err" "/nonexistent" "--reset with a bad option: the directory was never opened"

done_testing
