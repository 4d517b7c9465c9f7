# qus-build when the disk fills, a write fails or a signal arrives: one
# clear line, a failing exit status (or death by the signal), nothing
# partial under a final name, and the previous output of the stage that
# failed exactly as it was.  Small file systems are tmpfs mounts in a mount
# namespace of this suite's own (root; CI runs as root).
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

QB=${QUS_BUILD:-$QUS_ROOT/build-asan/qus-build}
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
if [ ! -x "$QB" ] || [ ! -s "$DEB" ] || [ ! -x "$QUS_STATIC" ]; then
	skip "qus-build faults" "needs build-asan/qus-build, build-static/qus and $DEB (setup.sh)"
	done_testing
	exit 0
fi
if [ -z "${QUS_IN_MOUNT_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		skip "qus-build faults" "mounting small file systems needs root"
		done_testing
		exit 0
	fi
	rm -rf "$_tap_tmp"
	QUS_IN_MOUNT_NS=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi
tmp=$(mktemp -d)
trap 'umount -q "$tmp"/fs* 2>/dev/null; rm -rf "$tmp"' EXIT

# Every file below DIR with its checksum: a fingerprint of an output.
snapshot() { (cd "$1" 2>/dev/null && find . -type f -exec sha256sum {} + | sort -k2); }
# Nothing qus-build writes on the way: temporary files and directories.
# (.cache holds qus-build's layer cache and releases/.qus-build.json the
# record of what made each release file: not leftovers; a temporary file is.)
leftovers() {
	(cd "$1" && find . -mindepth 1 \( \( -name '.*' ! -path ./.cache ! -path ./releases/.qus-build.json \) -o -name '*.tmp' \))
}
# Every blob is whole: its name is its digest.
blobs_whole() {
	local f bad=0
	for f in "$1"/oci/blobs/sha256/*; do
		[ -e "$f" ] || continue
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "${f##*/}" ] || bad=1
	done
	return $bad
}
small_fs() { # NAME MIB: a tmpfs of that size at $tmp/NAME
	mkdir -p "$tmp/$1" && mount -t tmpfs -o "size=$2m" tmpfs "$tmp/$1"
}

# A package of three emulators, to fill small file systems quickly.
mkdir -p "$tmp/tree/DEBIAN"
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$tmp/tree" ./usr/bin/qemu-s390x-static \
	./usr/bin/qemu-arm-static ./usr/bin/qemu-riscv64-static
printf 'Package: qemu-user-static\nVersion: 1:7.2+dfsg-7\nArchitecture: amd64\nMaintainer: qus tests <qus@localhost>\nDescription: three emulators\n' \
	>"$tmp/tree/DEBIAN/control"
dpkg-deb -Zgzip --build "$tmp/tree" "$tmp/small.deb" >/dev/null
SOURCE_DATE_EPOCH=1700000000 "$QB" -q -o "$tmp/ref" --qus "$QUS_STATIC" "$tmp/small.deb"
mib() { du -sm "$1" | cut -f1; }
ex=$(mib "$tmp/ref/extract") rel=$(mib "$tmp/ref/releases") oci=$(mib "$tmp/ref/oci")
diag "the small package's output: extract $ex MiB, releases $rel MiB, oci $oci MiB"

# --- a full disk, stage by stage ----------------------------------------------------
small_fs fs1 $((ex / 2))
run "$QB" extract -q -o "$tmp/fs1" "$tmp/small.deb"
rc_is 1 "extract on a full disk: exit 1"
like "$err" "No space left on device" "... says the disk is full"
is "$(wc -l <<<"$err")" 1 "... in one line"
is "$(ls -A "$tmp/fs1/extract")" "" "... and leaves nothing in extract/"

# Room for one set of release files but not two: a second, different set
# (another date) fails, and the first stays as it was.  The emulators in
# releases/ are hard links to extract's: the tarballs are what take room
# (rel - ex), next to two extractions (the first held by its links).
small_fs fs2 $((2 * ex + (rel - ex) * 3 / 2))
SOURCE_DATE_EPOCH=1700000000 "$QB" extract -q -o "$tmp/fs2" --qus "$QUS_STATIC" "$tmp/small.deb"
SOURCE_DATE_EPOCH=1700000000 "$QB" tarballs -q -o "$tmp/fs2"
before=$(snapshot "$tmp/fs2/releases")
SOURCE_DATE_EPOCH=1800000000 "$QB" extract -q -o "$tmp/fs2" "$tmp/small.deb"
run "$QB" tarballs -q -o "$tmp/fs2"
rc_is 1 "tarballs on a full disk: exit 1"
like "$err" "releases: cannot write the release files of" "... names the files"
like "$err" "No space left on device; $tmp/fs2/releases is as it was" "... the cause, and that nothing changed"
is "$(wc -l <<<"$err")" 1 "... in one line for all the emulators"
is "$(snapshot "$tmp/fs2/releases")" "$before" "... the previous release files are exactly as they were"
check "... and still check out (sha256sum -c)" sh -c "cd '$tmp/fs2/releases' && sha256sum -c --quiet SHA256SUMS"
is "$(leftovers "$tmp/fs2")" "" "... no temporary file or directory left"

# Images: the disk fills while the layers are written.
small_fs fs3 $((2 * ex + rel + oci + 8))
cp -a "$tmp/ref/." "$tmp/fs3/"
index=$(sha256sum <"$tmp/fs3/oci/index.json")
SOURCE_DATE_EPOCH=1800000000 "$QB" extract -q -o "$tmp/fs3" "$tmp/small.deb"
rm -rf "$tmp/fs3/releases" # layers then compress their own data: more to write
head -c "$(($(df --output=avail -B1 "$tmp/fs3" | tail -1) - (4 << 20)))" /dev/zero >"$tmp/fs3/filler" 2>/dev/null
run "$QB" images -q -o "$tmp/fs3" --qus "$QUS_STATIC"
rc_is 1 "images on a full disk: exit 1"
like "$err" "No space left on device; $tmp/fs3/oci/index.json is as it was" "... says so, and that the images are as they were"
is "$(wc -l <<<"$err")" 1 "... in one line"
is "$(sha256sum <"$tmp/fs3/oci/index.json")" "$index" "... index.json unchanged"
check "... every blob is whole (named by its own digest)" blobs_whole "$tmp/fs3"
is "$(leftovers "$tmp/fs3")" "" "... no temporary file left"
rm -f "$tmp/fs3/filler"
run "$QB" images -q -o "$tmp/fs3" --qus "$QUS_STATIC"
rc_is 0 "... with room again, the same command completes"

# A write error other than a full disk: a read-only output.
small_fs fs4 $((ex + rel + 8))
"$QB" extract -q -o "$tmp/fs4" "$tmp/small.deb"
mount -o remount,ro "$tmp/fs4"
run "$QB" tarballs -q -o "$tmp/fs4"
rc_is 1 "tarballs into a read-only directory: exit 1"
is "$err" "qus-build: cannot create $tmp/fs4/releases: Read-only file system" "... one line naming it"

# A file system without exchanging renames (NFS): releases/ is put aside,
# then replaced, as before there was RENAME_EXCHANGE.
SHIM=$QUS_ROOT/build-asan/tests/unit/binfmt_fault.so
cp -a "$tmp/ref" "$tmp/nx"
SOURCE_DATE_EPOCH=1900000000 "$QB" extract -q -o "$tmp/nx" "$tmp/small.deb"
before=$(snapshot "$tmp/nx/releases")
ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0 LD_PRELOAD=$SHIM QUS_FAULT_NO_EXCHANGE=1 \
	run "$QB" tarballs -q -o "$tmp/nx"
rc_is 0 "without RENAME_EXCHANGE: tarballs still replaces releases/"
check "... with the new files" test "$(snapshot "$tmp/nx/releases")" != "$before"
check "... which check out" sh -c "cd '$tmp/nx/releases' && sha256sum -c --quiet SHA256SUMS"
is "$(leftovers "$tmp/nx")" "" "... and nothing put aside is left"
rm -rf "$tmp/nx"

# --- signals -----------------------------------------------------------------------
# The real package (33 emulators, ~17 s in this build) into an output that
# holds a complete earlier run of another date; a signal in each stage.
SOURCE_DATE_EPOCH=1700000000 "$QB" -q -o "$tmp/prev" --qus "$QUS_STATIC" "$DEB"
interrupt() { # SIGNAL COMMAND...: start the pipeline, signal it once COMMAND succeeds
	local sig=$1 pid
	shift
	rm -rf "$tmp/sig" && cp -a "$tmp/prev" "$tmp/sig"
	SOURCE_DATE_EPOCH=1800000000 "$QB" -q -o "$tmp/sig" --qus "$QUS_STATIC" "$DEB" \
		>"$tmp/sig.out" 2>"$tmp/sig.err" &
	pid=$!
	for _ in $(seq 600); do
		"$@" && break
		sleep 0.05
	done
	kill -s "$sig" $pid
	wait $pid
	rc=$?
	err=$(cat "$tmp/sig.err")
}
stage_same() { is "$(snapshot "$tmp/sig/$1")" "$(snapshot "$tmp/prev/$1")" "$2"; }

exists() { compgen -G "$tmp/sig/$1" >/dev/null; }
interrupt INT exists 'extract/*/.amd64.*.tmp'
is "$rc" 130 "SIGINT while extracting: the pipeline dies of SIGINT (status 130)"
like "$err" "qus-build: interrupted (Interrupt): the stage under way stopped and left its output as it was" "... and says so"
stage_same extract "... extract/ exactly as before"
stage_same releases "... releases/ exactly as before"
stage_same oci "... oci/ exactly as before"
is "$(leftovers "$tmp/sig")" "" "... no temporary file or directory left"

interrupt TERM exists '.releases.*.tmp'
is "$rc" 143 "SIGTERM while writing release files: dies of SIGTERM (status 143)"
like "$err" "interrupted (Terminated)" "... and says so"
is "$(jq -r .date "$tmp"/sig/extract/*/amd64/package.json)" 1800000000 "... the finished extract stage is the new one"
stage_same releases "... releases/ exactly as before"
stage_same oci "... oci/ exactly as before"
is "$(leftovers "$tmp/sig")" "" "... no temporary file or directory left"

# The images stage starts once the new release files are in place.
new_releases() { ! cmp -s "$tmp/sig/releases/SHA256SUMS" "$tmp/prev/releases/SHA256SUMS"; }
interrupt INT new_releases
is "$rc" 130 "SIGINT while writing images: status 130"
check "... the finished release files are the new ones and check out" \
	sh -c "cd '$tmp/sig/releases' && sha256sum -c --quiet SHA256SUMS && ! cmp -s SHA256SUMS '$tmp/prev/releases/SHA256SUMS'"
is "$(sha256sum <"$tmp/sig/oci/index.json")" "$(sha256sum <"$tmp/prev/oci/index.json")" "... oci/index.json as before"
check "... every blob is whole" blobs_whole "$tmp/sig"
is "$(leftovers "$tmp/sig")" "" "... no temporary file left"
run skopeo inspect --raw "oci:$tmp/sig/oci:latest"
rc_is 0 "... and the previous images still read (skopeo)"

done_testing
