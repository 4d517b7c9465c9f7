# The bash completion (doc/completion) offers every command and every option
# each command accepts, read from the C source as tests/static/options.sh
# reads them, and nothing else; and it completes targets, lists and values.
# The completion functions are called as bash calls them: COMP_WORDS and
# COMP_CWORD set, the command's name as $1, the answer in COMPREPLY.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/options.sh
. "$QUS_ROOT/tests/lib/options.sh"

QUS_BUILD=${QUS_BUILD:-$QUS_ROOT/build-asan/qus-build}
[ -x "$QUS" ] || { skip "completion" "no $QUS (build build-asan first)"; done_testing; exit 0; }
# The completion asks `qus targets` of the qus on PATH, as in a shell.
PATH=$(dirname "$QUS"):$PATH

# shellcheck source=../../doc/completion/qus.bash
. "$QUS_ROOT/doc/completion/qus.bash"
# shellcheck source=../../doc/completion/qus-build.bash
. "$QUS_ROOT/doc/completion/qus-build.bash"

# What completing the last word of "$@" offers, sorted, one per line.
offers() {
	local fn=_qus
	[ "$1" = qus-build ] && fn=_qus_build
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
	printf '%s\n' "${COMPREPLY[@]}" | sort -u | sed '/^$/d'
}
sorted() { tr ' ' '\n' | sed '/^$/d' | sort -u; }

check "complete -p qus names _qus" bash -c ". '$QUS_ROOT/doc/completion/qus.bash'; complete -p qus | grep -q -- '-F _qus qus'"
check "complete -p qus-build names _qus_build" bash -c ". '$QUS_ROOT/doc/completion/qus-build.bash'; complete -p qus-build | grep -q -- '-F _qus_build qus-build'"

# The commands, from the dispatcher's table: { "NAME", cmd_NAME, usage_NAME, ... }.
table=$(grep -rhoE --include='*.c' '^[[:space:]]*\{ "[a-z]+", cmd_[a-z_]+, usage_[a-z_]+' "$SRC" |
	sed -E 's/^[[:space:]]*\{ "([a-z]+)", (cmd_[a-z_]+),.*/\1 \2/')
check "the command table is found (at least 9 commands)" [ "$(wc -l <<<"$table")" -ge 9 ]
is "$(offers qus '')" "$( (cut -d' ' -f1 <<<"$table"; echo help) | sort -u)" "qus <TAB>: every command of the table, and help"
is "$(offers qus help '')" "$(cut -d' ' -f1 <<<"$table" | sort -u)" "qus help <TAB>: every command"
while read -r cmd fn; do
	is "$(offers qus "$cmd" -)" "$(accepted_options "$fn" | sort -u)" "qus $cmd -<TAB>: exactly the options $fn accepts"
done <<<"$table"
is "$(offers qus -)" "$( (accepted_options compat_parse; accepted_options cmd_binfmt) | sort -u)" \
	"qus -<TAB>: the options of both register-image interfaces (compat_parse, cmd_binfmt)"

if [ -x "$QUS_BUILD" ]; then
	build_main=$(grep -rlE --include='*.c' 'getopt_long' "$SRC" | xargs grep -lE '^int main\(' | head -n 1)
	is "$(offers qus-build -)" "$(accepted_options main "$build_main" | sort -u)" "qus-build -<TAB>: exactly the options its main() accepts"
	stages=$("$QUS_BUILD" --help | sed -n 's/^ *qus-build \([a-z]*\) .*/\1/p' | sort -u)
	is "$(offers qus-build '' | grep -x -e extract -e tarballs -e images -e verify)" "$stages" "qus-build <TAB>: the stages its --help names"
else
	skip "qus-build completion" "no $QUS_BUILD (configure with -Dbuild_tool=enabled)"
fi

# Values.
targets=$("$QUS" targets --json | jq -r '.targets[].name' | sort -u)
is "$(offers qus register '' | grep -Fx -f <(echo "$targets"))" "$targets" "qus register <TAB>: every target"
like "$(offers qus status ar)" "arm64" "... and aliases (arm64)"
is "$(offers qus --reset -p yes aarch)" "aarch64
aarch64_be" "targets after the options alone"
is "$(offers qus --reset -p '')" "no
yes" "-p <TAB>: yes or no, as QEMU's script"
is "$(offers qus --install arm64,riscv)" "arm64,riscv32
arm64,riscv64" "--install: the last item of the comma-separated list"
like "$(offers qus binfmt --install a)" "all" "--install <TAB>: all"
like "$(offers qus --uninstall q)" "qemu-*" "--uninstall <TAB>: qemu-*"
is "$(offers qus run --arch s390)" "s390x" "run --arch: targets"
like "$(offers qus run -- bas)" "bash" "run -- <TAB>: commands"
is "$(offers qus unregister -a '' | grep -c .)" "$(offers qus unregister '' | grep -c .)" "unregister -a takes no value"
dir=$(mktemp -d)
mkdir "$dir/sub"
: >"$dir/q.deb"
: >"$dir/q.txt"
is "$(offers qus --binfmt-dir "$dir/")" "$dir/sub" "--binfmt-dir <TAB>: directories"
is "$(offers qus-build extract "$dir/")" "$dir/q.deb
$dir/sub" "qus-build extract <TAB>: packages and directories"
rm -rf "$dir"

done_testing
