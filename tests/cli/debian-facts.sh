# Debian's own QEMU binfmt configuration against qus's table, for two QEMU
# generations: bookworm's qemu-user-static (7.2, installed here:
# /usr/lib/binfmt.d/qemu-*.conf) and sid's qemu-user (11.1, from its package
# in build/fixtures: usr/share/qemu/binfmt.d/qemu-*.conf).  Patterns are
# compared byte by byte as what they accept (magic & mask, and the mask;
# bytes past an entry's end accept anything).  Every byte where they differ
# must be one of the differences below, each decided in src/core/arch.c; both
# tables must pick the same single target for every real foreign binary.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

# GENERATION|TARGETS (* every)|BYTES|why qus differs
ALLOWED="
bookworm|*|7|EI_OSABI: qus accepts any, as Linux's own loader does; Debian 0..3 for some
bookworm|ppc64le|19|e_machine's high byte: Debian ignores it, qus matches its 0
bookworm|mips mipsel mipsn32 mipsn32el mips64 mips64el|8|EI_ABIVERSION: 7.2 accepts 0 and 1; qus, as QEMU 11.1, any (glibc's .MIPS.xhash is 5)
sid|*|7|EI_OSABI: qus accepts any, as Linux's own loader does; Debian 0..3 for some
sid|ppc64le|19|e_machine's high byte: Debian ignores it, qus matches its 0
sid|i386 x86_64|5 6|EI_DATA, EI_VERSION: QEMU ignores their low bit; qus wants 1, as every x86 program has
sid|mips mipsel mipsn32 mipsn32el|20 21 22 23|e_version: sid wants 1; Linux's loader does not look at it, neither does qus
"

SID=$FIXTURES/pkg/sid/qemu-user_amd64.deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sets=()
if compgen -G "/usr/lib/binfmt.d/qemu-*.conf" >/dev/null; then
	sets+=("bookworm:/usr/lib/binfmt.d")
else
	skip "bookworm's binfmt.d files" "qemu-user-static is not installed"
fi
if [ -s "$SID" ]; then
	dpkg-deb -x "$SID" "$tmp/sid"
	sets+=("sid:$tmp/sid/usr/share/qemu/binfmt.d")
else
	skip "sid's binfmt.d files" "$SID is missing (setup.sh fixtures)"
fi

targets=$("$QUS" targets --json)
# "\x7f\x45..." (or literal characters, as in Debian's "\x7fELF") -> hex
to_hex() { printf '%b' "$1" | od -An -v -tx1 | tr -d ' \n'; }
byte_at() { local h=$1 i=$2; [ $((i * 2)) -lt ${#h} ] && echo $((16#${h:i*2:2})) || echo 0; }
# The bytes (indexes) where patterns M1/K1 and M2/K2 accept different values
# (a byte past a pattern's end has mask 0: anything).
differing() {
	local m1=$1 k1=$2 m2=$3 k2=$4 n i ka kb out=
	n=$(((${#k1} > ${#k2} ? ${#k1} : ${#k2}) / 2))
	for ((i = 0; i < n; i++)); do
		ka=$(byte_at "$k1" $i) kb=$(byte_at "$k2" $i)
		[ "$ka" = "$kb" ] && [ $(($(byte_at "$m1" $i) & ka)) = $(($(byte_at "$m2" $i) & kb)) ] ||
			out+=" $i"
	done
	echo "${out# }"
}
# Whether byte $3 of target $2 may differ in generation $1; marks the rule used.
declare -A used=()
allowed() {
	local gen=$1 t=$2 byte=$3 n=0 g ts bytes why
	while IFS='|' read -r g ts bytes why; do
		n=$((n + 1))
		[ "$g" = "$gen" ] || continue
		[ "$ts" = "*" ] || [[ " $ts " == *" $t "* ]] || continue
		[[ " $bytes " == *" $byte "* ]] || continue
		used[$n]=1
		return 0
	done <<<"$ALLOWED"
	return 1
}

for set in "${sets[@]}"; do
	gen=${set%%:*} dir=${set#*:}
	compared=0
	declare -A debian_magic=() debian_mask=()
	for f in "$dir"/qemu-*.conf; do
		line=$(grep -v '^#' "$f" | head -1)
		IFS=: read -r _ name _ off magic mask _ _ <<<"$line"
		t=${name#qemu-}
		ours=$(jq -r ".targets[] | select(.name == \"$t\") | \"\\(.offset) \\(.magic) \\(.mask)\"" <<<"$targets")
		if [ -z "$ours" ]; then
			diag "$gen registers $name, which is not one of QEMU's 34 targets: not compared"
			continue
		fi
		read -r ooff omagic omask <<<"$ours"
		dmagic=$(to_hex "$magic") dmask=$(to_hex "$mask")
		debian_magic[$t]=$dmagic debian_mask[$t]=$dmask
		is "${off:-0}" "$ooff" "$gen: $t: offset agrees"
		extra=
		for b in $(differing "$dmagic" "$dmask" "$omagic" "$omask"); do
			allowed "$gen" "$t" "$b" || extra+=" $b"
		done
		is "$extra" "" "$gen: $t: the patterns accept the same bytes but where a difference is decided"
		compared=$((compared + 1))
	done
	check "$gen: compared $compared entries (more than 25)" [ "$compared" -gt 25 ]
	missing=$(jq -r '.targets[].name' <<<"$targets" | while read -r t; do
		[ -e "$dir/qemu-$t.conf" ] || printf '%s ' "$t"
	done)
	diag "targets $gen does not register: $missing"

	# Real binaries: Debian's table and qus's pick the same single target.
	if ! have_fixtures; then
		skip "$gen: real binaries against its table" "fixtures missing: run ./setup.sh fixtures"
		continue
	fi
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
		if [ -e "$dir/qemu-$target.conf" ]; then
			is "${hits# }" "$target" "$gen: busybox-static:$arch: its entries pick $target alone, as qus does"
		else
			is "${hits# }" "" "$gen: busybox-static:$arch: no entry for $target (host family)"
		fi
	done
done

# Each decided difference is seen: a rule no entry needs any more would
# only hide a future change.
n=0
while IFS='|' read -r gen ts bytes why; do
	n=$((n + 1))
	[ -n "$gen" ] || continue
	[[ " ${sets[*]} " == *" $gen:"* ]] || continue
	check "$gen: a difference qus decided is seen ($ts, bytes $bytes: $why)" [ -n "${used[$n]:-}" ]
done <<<"$ALLOWED"

done_testing
