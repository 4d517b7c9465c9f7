# Debian's own qemu-user-static configuration (/usr/lib/binfmt.d/qemu-*.conf)
# against qus's table.  Allowed differences, explained in src/core/arch.c:
#   EI_OSABI (byte 7): qus accepts any value, Debian 0..3 for some targets;
#   ppc64le's e_machine high byte (19): Debian ignores it, qus matches 0.
# Everything else (magic, mask, length) must be identical, and both must pick
# the same target for every real foreign binary.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

DEBDIR=/usr/lib/binfmt.d
if ! ls $DEBDIR/qemu-*.conf >/dev/null 2>&1; then
	skip "Debian's binfmt.d files" "qemu-user-static is not installed"
	done_testing
	exit 0
fi

targets=$("$QUS" targets --json)
# "\x7f\x45..." (or literal characters, as in Debian's "\x7fELF") -> hex
to_hex() { printf '%b' "$1" | od -An -v -tx1 | tr -d ' \n'; }
blank_byte() { # HEX INDEX -> HEX with that byte as "??"
	local h=$1 i=$2
	echo "${h:0:i*2}??${h:i*2+2}"
}

compared=0
declare -A debian_magic debian_mask
for f in "$DEBDIR"/qemu-*.conf; do
	line=$(grep -v '^#' "$f" | head -1)
	IFS=: read -r _ name _ off magic mask _interp _flags <<<"$line"
	t=${name#qemu-}
	ours=$(jq -r ".targets[] | select(.name == \"$t\") | \"\\(.offset) \\(.magic) \\(.mask)\"" <<<"$targets")
	if [ -z "$ours" ]; then
		diag "Debian registers $name, which is not one of QEMU's 34 targets: not compared"
		continue
	fi
	read -r ooff omagic omask <<<"$ours"
	dmagic=$(to_hex "$magic") dmask=$(to_hex "$mask")
	debian_magic[$t]=$dmagic debian_mask[$t]=$dmask
	is "${off:-0}" "$ooff" "$t: offset agrees with Debian"
	# Byte 7 (EI_OSABI) may differ in the mask; magic is 0 there on both sides.
	is "$(blank_byte "$dmagic" 7)" "$(blank_byte "$omagic" 7)" "$t: magic agrees with Debian's"
	dm=$(blank_byte "$dmask" 7) om=$(blank_byte "$omask" 7)
	if [ "$t" = ppc64le ]; then dm=$(blank_byte "$dm" 19) om=$(blank_byte "$om" 19); fi
	is "$dm" "$om" "$t: mask agrees with Debian's (OSABI aside)"
	compared=$((compared + 1))
done
ok "compared $compared of Debian's entries"
missing=$(jq -r '.targets[].name' <<<"$targets" | while read -r t; do
	[ -e "$DEBDIR/qemu-$t.conf" ] || printf '%s ' "$t"
done)
diag "targets Debian does not register here: $missing(the host's family and a few QEMU-only ones)"

# Real binaries: Debian's table and qus's pick the same single target.
if have_fixtures; then
	for b in $BUSYBOXES; do
		IFS=: read -r arch target _ <<<"$b"
		hex=$(od -An -v -tx1 -N64 "$(busybox_path "$arch")" | tr -d ' \n')
		hits=
		for t in "${!debian_magic[@]}"; do
			m=${debian_magic[$t]} k=${debian_mask[$t]} okk=1
			for ((i = 0; i < ${#m}; i += 2)); do
				if (((16#${hex:i:2} ^ 16#${m:i:2}) & 16#${k:i:2})); then okk=0 && break; fi
			done
			[ $okk = 1 ] && hits="$hits $t"
		done
		if [ -e "$DEBDIR/qemu-$target.conf" ]; then
			is "${hits# }" "$target" "busybox-static:$arch: Debian's entries pick $target alone, as qus does"
		else
			is "${hits# }" "" "busybox-static:$arch: Debian has no entry for $target (host family)"
		fi
	done
else
	skip "real binaries against Debian's table" "fixtures missing: run ./setup.sh fixtures"
fi

done_testing
