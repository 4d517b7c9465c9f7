#!/bin/bash
# Row 1 and row 6a of bench/run: registering every foreign QEMU target and
# removing them again, qus against the two generic tools Debian users have,
# and how each grows with the number of targets.
#
#   qus            qus register -q; qus unregister -q --all
#   systemd-binfmt systemd-binfmt /usr/lib/binfmt.d/qemu-*.conf (Debian's
#                  files); systemd-binfmt --unregister
#   update-binfmts update-binfmts --enable; update-binfmts --disable (every
#                  format binfmt-support knows, as a user would run it; the
#                  --disable also unmounts binfmt_misc)
#   qus --version  twice: what starting the two qus processes alone costs
#
# Everything runs in a private binfmt_misc instance (the kernel's work is
# the same as on the host's; the host is not touched).
#
# Usage: bench/register.sh [-n ROUNDS]     prints markdown table rows
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_rounds 100 "$@"
need_release_qus
for c in systemd-binfmt update-binfmts; do
	command -v $c >/dev/null || [ -x /lib/systemd/$c ] || die "$c is missing (apt-get install systemd binfmt-support)"
done
[ -e /usr/lib/binfmt.d/qemu-aarch64.conf ] || die "Debian's qemu-user-static is not installed"
enter_private_binfmt -n "$rounds"
SB=/lib/systemd/systemd-binfmt
BM=/proc/sys/fs/binfmt_misc
Q=$BW/qus
cp "$QUS_REL" "$Q"

entries() {
	local n=0 f
	for f in "$BM"/*; do
		[ -e "$f" ] || continue
		case ${f##*/} in register | status) ;; *) n=$((n + 1)) ;; esac
	done
	echo $n
}
# update-binfmts --disable (no name) also unmounts binfmt_misc, which
# uncovers whatever was mounted below (the host's mount, copied into this
# namespace and locked there): every case starts from a mount of this
# namespace's own instance, mounted anew if need be (untimed).
OURS=$(stat -c %d $BM)
mounted() {
	[ "$(stat -c %d $BM)" = "$OURS" ] && return 0
	mount -t binfmt_misc binfmt_misc $BM && OURS=$(stat -c %d $BM)
}
count_after() { "$@" >/dev/null 2>&1; entries; }

EIGHT="aarch64 arm armeb ppc64le riscv64 s390x mips64el sparc64"
confs() { local t; for t; do echo "/usr/lib/binfmt.d/qemu-$t.conf"; done; }

case_qus_all() { "$Q" register -q && "$Q" unregister -q --all; }
case_systemd_all() { "$SB" /usr/lib/binfmt.d/qemu-*.conf && "$SB" --unregister; }
case_updbin_all() { update-binfmts --enable && update-binfmts --disable; }
case_start() { "$Q" --version && "$Q" --version; }
case_qus_1() { "$Q" register -q aarch64 && "$Q" unregister -q --all; }
# shellcheck disable=SC2086 # word splitting wanted: $EIGHT is a list of targets
case_qus_8() { "$Q" register -q $EIGHT && "$Q" unregister -q --all; }
# shellcheck disable=SC2046 # the file list is meant to split
case_systemd_1() { "$SB" $(confs aarch64) && "$SB" --unregister; }
# shellcheck disable=SC2046,SC2086 # the file list and $EIGHT are meant to split
case_systemd_8() { "$SB" $(confs $EIGHT) && "$SB" --unregister; }

n_qus=$(count_after "$Q" register -q)
"$Q" unregister -q --all
n_sd=$(count_after $SB /usr/lib/binfmt.d/qemu-*.conf)
$SB --unregister
n_ub=$(count_after update-binfmts --enable)
update-binfmts --disable
mounted
[ "$(entries)" = 0 ] || die "the instance is not empty after the set-up runs"

for c in qus_all systemd_all updbin_all start qus_1 qus_8 systemd_1 systemd_8; do
	eval "pre_$c() { mounted; }"
done
alternate "$rounds" qus_all systemd_all updbin_all start qus_1 qus_8 systemd_1 systemd_8
fast=systemd_all
[ "$(median updbin_all)" -lt "$(median systemd_all)" ] && fast=updbin_all
ft="systemd-binfmt ($n_sd entries)"
[ $fast = updbin_all ] && ft="update-binfmts ($n_ub entries)"
row "1. register all foreign targets + remove ($n_qus entries)" qus_all "$ft" $fast 0.20
row "1. … against the other tool" qus_all \
	"$([ $fast = updbin_all ] && echo "systemd-binfmt ($n_sd entries)" || echo "update-binfmts ($n_ub entries)")" \
	"$([ $fast = updbin_all ] && echo systemd_all || echo updbin_all)" ""
row "1. … of which starting two qus processes" start "qus register + unregister" qus_all ""
for n in 1 8; do
	row "6a. register $n target(s) + remove" qus_$n "systemd-binfmt, $n file(s)" systemd_$n ""
done
# Growth: the slope between 8 entries and all of them, per entry.
slope() { awk -v a="$(median "$1")" -v b="$(median "$2")" -v n="$3" 'BEGIN { printf "%.3f", (b - a) / (n - 8) / 1000 }'; }
echo
echo "Growth (6a): qus $(slope qus_8 qus_all "$n_qus") ms per further entry (fixed part $(human "$(median qus_1)") for one);" \
	"systemd-binfmt $(slope systemd_8 systemd_all "$n_sd") ms per further entry (fixed part $(human "$(median systemd_1)"))."
