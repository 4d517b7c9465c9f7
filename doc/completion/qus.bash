# bash completion for qus(1)                              -*- shell-script -*-
# shellcheck shell=bash
# Installed by meson into bash-completion's completionsdir; also works
# sourced alone (no bash-completion helpers needed).  The option lists are
# the commands' own (src/qus/cmd_*.c); tests/static/completion.sh checks
# them against the source, so they cannot drift.  Target names come from
# `qus targets`, the one table.

_qus_common='--binfmt-dir --help --version -h -V'
_qus_entry='--qemu-path --qemu-suffix --flags --persistent --no-persistent
	--preserve-argv0 --no-preserve-argv0 --open-binary --no-open-binary
	--credential --no-credential --include-native --host'
_qus_commands='register unregister status detect export targets run check binfmt help'
declare -gA _qus_options=(
	[register]="$_qus_common $_qus_entry --take-over --dry-run -n --quiet -q --replace --docker --podman --userns --keep"
	[unregister]="$_qus_common --all -a --quiet -q --keep"
	[status]="$_qus_common --json -j --docker --podman --userns"
	[detect]="$_qus_common"
	[export]="$_qus_common $_qus_entry --take-over --systemd --debian --exportdir --quiet -q"
	[targets]="$_qus_common --json -j"
	[run]="$_qus_common $_qus_entry --arch -a --rootfs --quiet -q"
	[check]="$_qus_common --json -j --syscalls --timeout"
	[binfmt]="$_qus_common --install --uninstall --mount"
	[help]=""
)
# Options alone: the register image's two interfaces (multiarch's
# register.sh with QEMU's script, and tonistiigi/binfmt's).
_qus_alone='--reset --take-over --persistent -p --credential -c --preserve-argv0 -g
	--ignore-family -i --qemu-path -Q --qemu-suffix -F --systemd -s --debian -d
	--exportdir -e --binfmt-dir --help -h --version -V
	--install --uninstall --mount'

# Target names and aliases, from the table of the qus being completed.
_qus_targets() {
	"$1" targets 2>/dev/null | awk 'NR > 1 { print $1; for (i = 5; i <= NF; i++) if ($i != "-") print $i }'
}

# Complete the last item of a comma-separated list in $cur from the words $2...
_qus_list() {
	local cur=$1 head='' item
	shift
	case $cur in *,*) head=${cur%,*}, ;; esac
	for item in $(compgen -W "$*" -- "${cur##*,}"); do COMPREPLY+=("$head$item"); done
}

# Options that take the next word as their value, in any mode.
_qus_valued='--binfmt-dir --qemu-path -Q --qemu-suffix -F --flags --host --systemd -s
	--exportdir -e --rootfs --timeout --install --uninstall --mount --userns
	-p -c -g -i --ignore-family'

_qus() {
	local qus=$1 cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' alone=0 i w
	COMPREPLY=()
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# The command: the first word that is neither an option nor an option's
	# value; before it, options alone are the register image's interfaces.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [ "$cmd" = run ] && [ "$w" = -- ]; then
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
			return 0
		fi
		[ -n "$cmd" ] && continue
		case " $_qus_valued " in *[[:space:]]"$w"[[:space:]]*)
			i=$((i + 1))
			[ "$w" = --binfmt-dir ] || alone=1
			continue
			;;
		esac
		case $w in
		-*) alone=1 ;;
		*) [ $alone = 0 ] && cmd=$w ;;
		esac
	done
	case $prev in
	--binfmt-dir | --qemu-path | -Q | --rootfs | --exportdir | -e | --mount)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	--host)
		mapfile -t COMPREPLY < <(compgen -W "$(_qus_targets "$qus")" -- "$cur")
		return 0
		;;
	--install)
		_qus_list "$cur" "all $(_qus_targets "$qus")"
		return 0
		;;
	--uninstall)
		_qus_list "$cur" "qemu-* $(cd /proc/sys/fs/binfmt_misc 2>/dev/null && compgen -G 'qemu-*') $(_qus_targets "$qus")"
		return 0
		;;
	--systemd | -s)
		mapfile -t COMPREPLY < <(compgen -W "ALL $(_qus_targets "$qus")" -- "$cur")
		return 0
		;;
	--qemu-suffix | -F | --flags | --timeout)
		return 0
		;;
	--userns)
		# Processes of this user: rootless podman's and Docker's among them.
		mapfile -t COMPREPLY < <(compgen -W "$(pgrep -u "$(id -u)" 2>/dev/null)" -- "$cur")
		return 0
		;;
	--arch | -a)
		if [ "$cmd" = run ]; then
			_qus_list "$cur" "$(_qus_targets "$qus")"
			return 0
		fi
		;;
	-p | -c | -g | -i | --ignore-family | --persistent | --credential | --preserve-argv0)
		# QEMU's script's yes|no; the commands' --persistent[=yes|no] takes no next word.
		if [ -z "$cmd" ]; then
			mapfile -t COMPREPLY < <(compgen -W 'yes no' -- "$cur")
			return 0
		fi
		;;
	esac
	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_qus_alone" -- "$cur")
		elif [ $alone = 1 ]; then
			mapfile -t COMPREPLY < <(compgen -W "ALL $(_qus_targets "$qus")" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_qus_commands" -- "$cur")
		fi
		return 0
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${_qus_options[$cmd]:-}" -- "$cur")
		return 0
	fi
	case $cmd in
	help) mapfile -t COMPREPLY < <(compgen -W "${_qus_commands% help}" -- "$cur") ;;
	detect) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	register | unregister | status | export | check)
		mapfile -t COMPREPLY < <(compgen -W "ALL $(_qus_targets "$qus")" -- "$cur")
		;;
	esac
	return 0
}
complete -F _qus qus
