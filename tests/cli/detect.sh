# qus detect, and the table against real foreign binaries: each of Debian's
# busybox-static builds is matched by exactly its own entry and no other,
# with the kernel's rule applied independently of qus's C code.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

patterns=$("$QUS" targets --json | jq -r '.targets[] | "\(.name) \(.offset) \(.magic) \(.mask)"')

# Targets whose pattern matches FILE: ((byte ^ magic) & mask) == 0 for every byte.
matching_targets() {
	local hex name off magic mask i ok found=
	hex=$(od -An -v -tx1 -N256 "$1" | tr -d ' \n')
	while read -r name off magic mask; do
		ok=1
		for ((i = 0; i < ${#magic}; i += 2)); do
			local b=$((16#${hex:off * 2 + i:2})) m=$((16#${magic:i:2})) k=$((16#${mask:i:2}))
			if (((b ^ m) & k)); then ok=0 && break; fi
		done
		[ $ok = 1 ] && found="$found $name"
	done <<<"$patterns"
	echo "${found# }"
}

if have_fixtures; then
	for b in $BUSYBOXES; do
		IFS=: read -r arch target _ <<<"$b"
		bb=$(busybox_path "$arch")
		is "$(matching_targets "$bb")" "$target" "busybox-static:$arch is matched by the $target entry and no other"
		run "$QUS" detect "$bb"
		rc_is 0 "detect busybox-static:$arch exits 0"
		like "$out" "$bb: $target" "detect names $target for busybox-static:$arch"
	done
else
	skip "foreign busybox binaries" "fixtures missing: run ./setup.sh fixtures"
fi

host=$(host_target)
native=$(readlink -f /bin/true)
is "$(matching_targets "$native")" "$host" "a native program is matched by the host's own entry only"
run "$QUS" detect "$native"
is "$out" "$native: $host (native)" "detect marks the host's own programs native"

tmp=$(mktemp -d)
printf '#!/bin/sh\necho hi\n' >"$tmp/script"
: >"$tmp/empty"
run "$QUS" detect "$tmp/script"
rc_is 1 "a shell script matches no target: exit 1"
like "$out" "no target" "a shell script: no target"
run "$QUS" detect "$tmp/empty" "$native"
rc_is 1 "an empty file among others: exit 1"
like "$out" "$native: $host" "the other files are still reported"
run "$QUS" detect "$tmp/nonexistent"
rc_is 1 "a missing file: exit 1"
is "$err" "qus: cannot read $tmp/nonexistent: No such file or directory" "a missing file: one line naming it"
run "$QUS" detect
rc_is 2 "detect without files: usage error"
rm -rf "$tmp"

done_testing
