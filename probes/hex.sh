# shellcheck shell=bash
# Hand encoding: the programs of the targets no assembler of Debian 12 knows
# (MicroBlaze; big-endian Xtensa), written as one instruction word a line
# with its fields.  Used by probes/generate.sh (probes/*.hex) and by the
# test matrix (tests/matrix/*.hex, tests/system/matrix.sh).
#
#   hex_encode SOURCE ORDER OUTPUT [TOKEN]
#
# Writes the bytes of SOURCE, each word stored in byte order ORDER (-EB or
# -EL), into OUTPUT and prints the entry point's offset.  A source line is
# one of:
#   .equ NAME, VALUE          a constant for the expressions below
#   NAME:                     a label: NAME is the offset of what follows
#   _start:                   the entry point is here
#   .org OFFSET               pad with zero bytes up to OFFSET (an error if past it)
#   msg: TOKEN                TOKEN (the fourth argument), last
#   WORD | FIELDS | INSTRUCTION [# comment]
# WORD is an arithmetic expression (usually a hexadecimal number); FIELDS
# are the instruction's fields from the most significant bit down, each
# either binary digits (width: their number), EXPR:WIDTH (an unsigned
# value) or EXPR:sWIDTH (a signed one, stored in two's complement); their
# widths add up to the instruction's size (32 bits for MicroBlaze, 24 for
# Xtensa, 8 for a padding byte, 32 for a data word) and their values must
# give WORD.  INSTRUCTION is what the word encodes, as QEMU's disassembler
# prints it (tests/static/probes.sh compares); a data or padding line names
# a directive (.byte, .word) instead.  Everything after # is a comment.
#
# Expressions see the .equ constants, the labels, HERE (the offset of the
# line's own word) and, with a token, TOKEN_LEN (its length): names in
# capitals, none part of another; numbers in lowercase, + - * / and
# parentheses.  Labels may be used before they are defined: a first pass
# takes the size of every line from its fields alone.

# Helpers of hex_encode; they see its locals (src, sym: bash's dynamic scope).
_hex_fail() { echo "hex_encode: $src: $*" >&2; }
_hex_expr() {
	local e=$1 k
	for k in "${!sym[@]}"; do e=${e//$k/${sym[$k]}}; done
	if ! [[ $e =~ ^[0-9a-fx+*/()\ -]+$ ]]; then
		_hex_fail "not an expression: $1"
		return 1
	fi
	echo $((e))
}
# A new name: neither part of another nor containing one (the expressions
# replace names as text).
_hex_define() {
	local k
	for k in "${!sym[@]}"; do
		if [[ $k == *"$1"* || $1 == *"$k"* ]]; then
			_hex_fail "the name $1 clashes with $k (each name once, none part of another)"
			return 1
		fi
	done
	sym[$1]=$2
}

hex_encode() {
	local src=$1 order=$2 out=$3 token=${4-} pass line word fields insn f fa v w width value
	local n entry i name signed
	local -A sym=([HERE]=0)
	[ -z "$token" ] || sym[TOKEN_LEN]=${#token}
	for pass in 1 2; do
		n=0 entry=0
		: >"$out"
		while IFS= read -r line; do
			line=${line%%#*}
			[[ $line =~ ^[[:space:]]*$ ]] && continue
			case $line in
			.equ*)
				[[ $line =~ ^\.equ[[:space:]]+([A-Z_]+),[[:space:]]*(.+)$ ]] ||
					{ _hex_fail "bad line: $line"; return 1; }
				name=${BASH_REMATCH[1]}
				if [ "$pass" = 1 ]; then
					v=$(_hex_expr "${BASH_REMATCH[2]}") && _hex_define "$name" "$v" || return 1
				fi
				;;
			_start:*) entry=$n ;;
			[A-Z_]*:*)
				[[ $line =~ ^([A-Z_]+):[[:space:]]*$ ]] || { _hex_fail "bad label: $line"; return 1; }
				[ "$pass" = 2 ] || _hex_define "${BASH_REMATCH[1]}" "$n" || return 1
				;;
			.org*)
				v=$(_hex_expr "${line#.org}") || return 1
				[ "$n" -le "$v" ] || { _hex_fail ".org $v, but the code is $n bytes"; return 1; }
				while [ "$n" -lt "$v" ]; do printf '\0' >>"$out" && n=$((n + 1)); done
				;;
			msg:*)
				[ -n "$token" ] || { _hex_fail "msg: TOKEN, but no token given"; return 1; }
				printf '%s' "$token" >>"$out"
				break
				;;
			*)
				IFS='|' read -r word fields insn <<<"$line"
				[ -n "$insn" ] || { _hex_fail "want WORD | FIELDS | INSTRUCTION: $line"; return 1; }
				read -r -a fa <<<"$fields"
				width=0 value=0 sym[HERE]=$n
				for f in "${fa[@]}"; do
					if [[ $f =~ ^[01]+$ ]]; then
						w=${#f} v=$((2#$f))
					elif [[ $f =~ ^(.+):(s?)([0-9]+)$ ]]; then
						w=${BASH_REMATCH[3]} signed=${BASH_REMATCH[2]} v=0
						# The first pass needs the width only: labels may come later.
						[ "$pass" = 1 ] || v=$(_hex_expr "${BASH_REMATCH[1]}") || return 1
						if [ -n "$signed" ]; then
							if [ "$v" -lt $((-(1 << (w - 1)))) ] || [ "$v" -ge $((1 << (w - 1))) ]; then
								_hex_fail "$f does not fit in $w bits, signed:$insn"
								return 1
							fi
							v=$((v & ((1 << w) - 1)))
						fi
					else
						_hex_fail "not a field: $f:$insn"
						return 1
					fi
					if [ "$v" -lt 0 ] || [ "$v" -ge $((1 << w)) ]; then
						_hex_fail "$f does not fit in $w bits:$insn"
						return 1
					fi
					value=$(((value << w) | v)) width=$((width + w))
				done
				if [ "$pass" = 2 ]; then
					word=$(_hex_expr "$word") || return 1
					if [ $((width % 8)) != 0 ] || [ "$value" != "$word" ]; then
						_hex_fail "$(printf 'the fields (%d bits) give 0x%x, the word is 0x%x:%s' \
							"$width" "$value" "$word" "$insn")"
						return 1
					fi
					for ((i = 0; i < width / 8; i++)); do
						if [ "$order" = -EB ]; then
							v=$(((word >> (width - 8 - 8 * i)) & 255))
						else
							v=$(((word >> (8 * i)) & 255))
						fi
						printf '%b' "$(printf '\\x%02x' "$v")" >>"$out"
					done
				fi
				n=$((n + width / 8))
				;;
			esac
		done <"$src"
	done
	echo "$entry"
}
