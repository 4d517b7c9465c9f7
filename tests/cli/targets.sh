# qus targets: the whole table, human and JSON.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

run "$QUS" targets
rc_is 0 "targets exits 0"
is "$(printf '%s\n' "$out" | sed 1d | wc -l)" 34 "34 targets listed (QEMU's list)"
# The EMULATOR column is the file register would take in /usr/bin.
installed() { # the name in /usr/bin for emulator stem $1, or -
	if [ -e "/usr/bin/qemu-$1-static" ]; then echo "qemu-$1-static"
	elif [ -e "/usr/bin/qemu-$1" ]; then echo "qemu-$1"
	else echo -; fi
}
like "$out" "$(printf '%-13s %-13s %-26s' aarch64 arm "$(installed aarch64)")" "aarch64 row: family and emulator ($(installed aarch64))"
like "$out" "$(printf '%-13s %-13s %-26s' i486 i386 "$(installed i386)")" "i486 uses qemu-i386"

run "$QUS" targets --json
rc_is 0 "targets --json exits 0"
json=$out
check "targets --json is valid JSON" is_json "$json"
is "$(jq '.targets | length' <<<"$json")" 34 "34 targets in JSON"
is "$(jq -r '.targets[] | select(.name == "aarch64") | .magic' <<<"$json")" \
	7f454c460201010000000000000000000200b700 "aarch64 magic is the one in the seeds' README"
is "$(jq -r '.targets[] | select(.name == "aarch64") | .mask' <<<"$json")" \
	ffffffffffffff00fffffffffffffffffeffffff "aarch64 mask is the one in the seeds' README"
is "$(jq -r '.targets[] | select(.aliases | index("armhf")) | .name' <<<"$json")" arm "armhf is an alias of arm"
is "$(jq -r '.targets[] | select(.name == "i486") | .emulator' <<<"$json")" qemu-i386-static "i486 uses qemu-i386 (emulator: QEMU's script's name)"
want=$(installed aarch64)
is "$(jq -r '.targets[] | select(.name == "aarch64") | .emulator_path' <<<"$json")" \
	"$([ "$want" = - ] && echo null || echo "/usr/bin/$want")" "emulator_path: the file register would take in /usr/bin"
is "$(jq -r '[.targets[] | select(.native == "host")] | length' <<<"$json")" 1 "exactly one target is the host's own"
is "$(jq -r '.targets[] | select(.native == "host") | .name' <<<"$json")" \
	"$(uname -m | sed 's/^i[3-6]86$/i386/;s/^armv[0-9]*l$/arm/')" "the host's target is uname -m's"

run "$QUS" targets extra
rc_is 2 "targets takes no arguments"

done_testing
