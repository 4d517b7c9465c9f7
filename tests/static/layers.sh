# The layers of src/ hold: the core includes nothing of the programs, the
# two programs nothing of each other, and no command calls another command
# (what commands share is a module of its own).  The build enforces the
# include rule too (each folder's include path); this says which file broke it.
. "$(dirname "$0")/../lib/env.sh"

S=$QUS_ROOT/src
headers_of() { (cd "$S/$1" && ls -- *.h); }

# Files of folder $1 that include a header of folder $2.
includes_from() {
	local h bad=
	for h in $(headers_of "$2"); do
		bad+=$(grep -l "^#include \"$h\"" "$S/$1"/*.[ch] 2>/dev/null | sed "s|$S/||;s|\$| ($h) |")
	done
	echo "$bad"
}
is "$(includes_from core qus)" "" "src/core includes no header of src/qus"
is "$(includes_from core build)" "" "src/core includes no header of src/build"
is "$(includes_from build qus)" "" "src/build includes no header of src/qus"
is "$(includes_from qus build)" "" "src/qus includes no header of src/build"

# Commands: each cmd_X.c defines cmd_X and calls no other cmd_Y; only the
# command table (qus.c) names them all.
cmds=$(cd "$S/qus" && for f in cmd_*.c; do echo "${f%.c}"; done)
for c in $cmds; do
	calls=$(grep -oE '\bcmd_[a-z]+\(' "$S/qus/$c.c" | sort -u | grep -vx "$c(" | tr '\n' ' ')
	is "$calls" "" "src/qus/$c.c calls no other command"
done
# A command file exports its command and its help, nothing another file could call.
for c in $cmds; do
	exported=$(grep -E '^[a-z][a-z_ ]*[ *]\*?[a-z_]+\(' "$S/qus/$c.c" | grep -v '^static' |
		grep -oE '[a-z_]+\(' | tr -d '(' | grep -vx "$c" | tr '\n' ' ')
	is "$exported" "" "src/qus/$c.c exports no function but $c"
done
users=$(grep -lE '\bcmd_(register|unregister|status|detect|export|targets|run|check|compat|binfmt)\(' "$S"/qus/*.c |
	sed "s|$S/qus/||" | grep -v '^cmd_' | tr '\n' ' ')
is "$users" "qus.c " "only the command table (qus.c) calls the commands"

# The dispatcher is above the commands: no command or shared module uses it.
is "$(grep -l 'dispatch_command\|qus_main' "$S"/qus/*.c | sed "s|$S/qus/||" | grep -vx 'qus.c\|main.c')" "" \
	"nothing below the dispatcher calls back into it"

done_testing
