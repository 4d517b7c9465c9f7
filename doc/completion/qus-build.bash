# bash completion for qus-build(1)                        -*- shell-script -*-
# shellcheck shell=bash
# The option list is main()'s (src/build/main.c); tests/static/completion.sh
# checks it against the source.

_qus_build() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' i stage=''
	COMPREPLY=()
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		extract | tarballs | images | verify) stage=${COMP_WORDS[i]} ;;
		esac
	done
	case $prev in
	--out | -o)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	--qus)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	--max-unpacked)
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '--out -o --qus --max-unpacked --quiet -q --help -h --version -V' -- "$cur")
		return 0
	fi
	# verify: a provenance (JSON), then the packages and qus it names: any file.
	if [ "$stage" = verify ]; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
	fi
	# Packages: .deb and .rpm files (and directories on the way to them).
	if [ -z "$stage" ] || [ "$stage" = extract ]; then
		mapfile -t COMPREPLY < <(
			compgen -f -X '!*.deb' -- "$cur"
			compgen -f -X '!*.rpm' -- "$cur"
			compgen -d -- "$cur"
		)
		[ -z "$stage" ] && mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W 'extract tarballs images verify' -- "$cur")
	fi
	return 0
}
complete -F _qus_build qus-build
