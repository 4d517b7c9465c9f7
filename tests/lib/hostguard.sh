# shellcheck shell=bash
# Save the host's binfmt_misc before a suite touches it and put it back
# exactly afterwards, also when the suite fails or is interrupted:
#
#   hg_save; trap hg_restore EXIT
#
# Restoring uses shell builtins only (echo, printf, [, read, $(<file)):
# should a wrong entry ever capture native executables, exec fails with
# ELOOP for every program, and builtins are what still works (seen on this
# project's machines).  Only unmounting, at the very end, runs umount.

HG_DIR=/proc/sys/fs/binfmt_misc
declare -gA HG_SAVED=()
HG_WAS_MOUNTED=0
HG_STATUS=
HG_BEFORE=

# The whole state as text: mount, global status, every entry file.
hg_state() {
	local f
	if [ ! -e "$HG_DIR/register" ]; then
		echo "not mounted"
		return
	fi
	echo "mounted, $(<"$HG_DIR/status")"
	for f in "$HG_DIR"/*; do
		case ${f##*/} in register | status) continue ;; esac
		[ -e "$f" ] || continue
		echo "== ${f##*/}"
		echo "$(<"$f")"
	done
}

hg_save() {
	local f
	HG_SAVED=()
	HG_BEFORE=$(hg_state)
	if [ -e "$HG_DIR/register" ]; then
		HG_WAS_MOUNTED=1
		HG_STATUS=$(<"$HG_DIR/status")
		for f in "$HG_DIR"/*; do
			case ${f##*/} in register | status) continue ;; esac
			[ -e "$f" ] && HG_SAVED[${f##*/}]=$(<"$f")
		done
	fi
}

_hg_escape() { # hex digits -> \xHH text
	local hex=$1 out='' i
	for ((i = 0; i < ${#hex}; i += 2)); do out+="\\x${hex:i:2}"; done
	printf '%s' "$out"
}

# Register an entry again from the text its entry file showed.
_hg_register() {
	local name=$1 text=$2 line interp='' flags='' offset='' magic='' mask='' ext=''
	while IFS= read -r line; do
		case $line in
		"interpreter "*) interp=${line#interpreter } ;;
		"flags:"*) flags=${line#flags:} && flags=${flags# } ;;
		"offset "*) offset=${line#offset } ;;
		"magic "*) magic=${line#magic } ;;
		"mask "*) mask=${line#mask } ;;
		"extension ."*) ext=${line#extension .} ;;
		esac
	done <<<"$text"
	if [ -n "$ext" ]; then
		printf ':%s:E::%s::%s:%s' "$name" "$ext" "$interp" "$flags" >"$HG_DIR/register"
	else
		printf ':%s:M:%s:%s:%s:%s:%s' "$name" "$offset" "$(_hg_escape "$magic")" \
			"$(_hg_escape "$mask")" "$interp" "$flags" >"$HG_DIR/register"
	fi
	case $text in disabled*) echo 0 >"$HG_DIR/$name" ;; esac
}

hg_restore() {
	local f name
	if [ -e "$HG_DIR/register" ]; then
		# First remove whatever is new or changed: this also ends any brick.
		for f in "$HG_DIR"/*; do
			name=${f##*/}
			case $name in register | status) continue ;; esac
			[ -e "$f" ] || continue
			if [ -n "${HG_SAVED[$name]+set}" ] && [ "$(<"$f")" = "${HG_SAVED[$name]}" ]; then
				continue
			fi
			echo -1 >"$f"
		done
		if [ "$HG_WAS_MOUNTED" = 0 ]; then
			# The host instance lives while mounted: unmounting drops it whole.
			umount "$HG_DIR"
			return
		fi
	elif [ "$HG_WAS_MOUNTED" = 1 ]; then
		mount -t binfmt_misc binfmt_misc "$HG_DIR"
	fi
	for name in "${!HG_SAVED[@]}"; do
		[ -e "$HG_DIR/$name" ] || _hg_register "$name" "${HG_SAVED[$name]}"
	done
	case $HG_STATUS in
	enabled) echo 1 >"$HG_DIR/status" ;;
	disabled) echo 0 >"$HG_DIR/status" ;;
	esac
}

# 0 if the state is exactly what hg_save saw.
hg_unchanged() { [ "$(hg_state)" = "$HG_BEFORE" ]; }
