# qus-build on today's packaging, from Debian's archive (setup.sh fetches
# them with tools/qus-fetch): sid's qemu-user (QEMU 11.1, emulators at
# usr/bin/qemu-T), trixie's qemu-user with the transitional
# qemu-user-static of links into it (QEMU 10.0), and bookworm's
# qemu-user-static (7.2), alone and side by side in one output; then the
# new shapes made hostile here.  Versions move in the archive: the tests
# take each package's own version and assert the shape.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

QB=${QUS_BUILD:-$QUS_ROOT/build-asan/qus-build}
P=$FIXTURES/pkg
SID=$P/sid/qemu-user_amd64.deb TRIXIE=$P/trixie/qemu-user_amd64.deb
TRANS=$P/trixie/qemu-user-static_amd64.deb BOOKWORM=$P/qemu-user-static_amd64.deb
for f in "$SID" "$TRIXIE" "$TRANS" "$BOOKWORM"; do
	if [ ! -s "$f" ] || [ ! -x "$QB" ] || ! command -v skopeo >/dev/null || ! command -v umoci >/dev/null; then
		skip "qus-build on today's packaging" "needs $f, build-asan/qus-build, skopeo and umoci (setup.sh fixtures)"
		done_testing
		exit 0
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000
tag_of() { sed -E 's/^[0-9]+://; s/[+~](dfsg|ds)[0-9]*([-+~.]|$)/\2/g; s/[+~]/./g' <<<"$1"; }
version() { dpkg-deb -f "$1" Version; }
# The upstream QEMU version of a Debian version: 1:11.1.3+ds-1 -> 11.1.3.
upstream() { sed -E 's/^[0-9]+://; s/[+~-].*//' <<<"$1"; }
tags_in() { jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"] // empty' "$1/index.json"; }
# The package version annotated on TAG's manifest (one platform here).
image_version() { skopeo inspect "oci:$1:$2" | jq -r '.Labels["org.opencontainers.image.version"] // empty'; }
annotation() {
	local d
	d=$(jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest | ltrimstr("sha256:")' "$1/index.json")
	jq -r '.annotations["org.opencontainers.image.version"]' "$1/blobs/sha256/$d"
}
# The table's emulators a package holds as regular files, by its own name (qemu-T or qemu-T-static).
"$QUS" targets --json | jq -r '.targets[].emulator' | sed 's/^qemu-//; s/-static$//' | sort -u >"$tmp/known"
emulators_in() {
	dpkg-deb -c "$1" | awk '$1 ~ /^-/ { print $6 }' | sed -n 's,^\./usr/bin/qemu-,,p' | sed 's/-static$//' |
		sort | comm -12 - "$tmp/known"
}

# --- sid: qemu-user, QEMU 11.1 ------------------------------------------------------
sidv=$(version "$SID")
run "$QB" -q -o "$tmp/sid" --qus "$QUS_STATIC" "$SID"
rc_is 0 "sid's qemu-user $sidv: the whole pipeline, exit 0"
is "$err" "" "... -q: nothing on stderr"
n=$(emulators_in "$SID" | wc -l)
check "the package holds the table's emulators as usr/bin/qemu-T ($n)" [ "$n" -ge 30 ]
R=$tmp/sid/releases
is "$(cd "$R" && printf '%s\n' qemu-*-static | sed 's/^qemu-//; s/-static$//')" "$(emulators_in "$SID")" \
	"every one is released under the seeds' name, qemu-T-static"
mkdir -p "$tmp/sidtree" && dpkg-deb -x "$SID" "$tmp/sidtree"
bad=
for e in $(emulators_in "$SID"); do
	cmp -s "$R/qemu-$e-static" "$tmp/sidtree/usr/bin/qemu-$e" || bad+=" $e"
	tar -xzOf "$R/x86_64_qemu-$e-static.tar.gz" "qemu-$e-static" | cmp -s - "$tmp/sidtree/usr/bin/qemu-$e" || bad+=" $e.tar.gz"
done
is "$bad" "" "... each the package's usr/bin/qemu-T byte for byte, in the file and in HOST_qemu-T-static.tar.gz"
run sh -c "cd '$R' && sha256sum -c --quiet SHA256SUMS"
rc_is 0 "sha256sum -c accepts SHA256SUMS"
M=$tmp/sid/extract/$(tag_of "$sidv")/amd64/package.json
is "$(jq -r '[.package, .version, .tag] | @csv' "$M")" "\"qemu-user\",\"$sidv\",\"$(tag_of "$sidv")\"" \
	"extract/$(tag_of "$sidv")/amd64/package.json: qemu-user, its version and tag"
O=$tmp/sid/oci
for t in latest "$(tag_of "$sidv")" register aarch64 "x86_64-aarch64-$(tag_of "$sidv")"; do
	like "$(tags_in "$O")" "$t" "tag $t"
done
run umoci unpack --image "$O:x86_64-aarch64" "$tmp/b1"
rc_is 0 "umoci unpack of x86_64-aarch64"
run "$tmp/b1/rootfs/usr/bin/qemu-aarch64-static" --version
like "$out" "qemu-aarch64 version $(upstream "$sidv")" "... its emulator says QEMU $(upstream "$sidv")"
is "$(annotation "$O" latest)" "$sidv" "latest's manifest carries $sidv"

# --- trixie: the transitional qemu-user-static and the qemu-user it points into ------------
trixv=$(version "$TRIXIE")
is "$(version "$TRANS")" "$trixv" "trixie's two packages are one version ($trixv)"
check "trixie's qemu-user-static holds links, no emulator" \
	sh -c "dpkg-deb -c '$TRANS' | grep -q '^l.*usr/bin/qemu-aarch64-static -> qemu-aarch64' && [ -z \"\$(dpkg-deb -c '$TRANS' | awk '\$1 ~ /^-/ && \$6 ~ /usr\\/bin\\/qemu-/')\" ]"
run "$QB" extract -o "$tmp/alone" "$TRANS"
rc_is 1 "the transitional package alone: refused, exit 1"
like "$err" "a transitional package; give the package(s) it points into too (Depends: qemu-user (>= $trixv)" \
	"... in one line that names the package to add"
is "$(wc -l <<<"$err")" 1 "... one line"
is "$(cd "$tmp/alone/extract" && find . -mindepth 1)" "" "... nothing written"
for order in "$TRANS $TRIXIE" "$TRIXIE $TRANS"; do
	rm -rf "$tmp/trixie"
	# shellcheck disable=SC2086 # the two package paths
	run "$QB" extract -q -o "$tmp/trixie" $order
	rc_is 0 "trixie's pair, $(basename "$(dirname "${order%% *}")")/$(basename "${order%% *}") first: exit 0"
done
"$QB" tarballs -q -o "$tmp/trixie"
M=$tmp/trixie/extract/$(tag_of "$trixv")/amd64/package.json
is "$(jq -r '[.package, (.sources | length), (.emulators | length)] | @csv' "$M")" \
	"\"qemu-user\",2,$(emulators_in "$TRIXIE" | wc -l)" "package.json: qemu-user's emulators, both packages as sources"
mkdir -p "$tmp/trixtree" && dpkg-deb -x "$TRIXIE" "$tmp/trixtree"
check "qemu-aarch64-static is qemu-user's usr/bin/qemu-aarch64 (the link resolved within the packages)" \
	cmp "$tmp/trixie/releases/qemu-aarch64-static" "$tmp/trixtree/usr/bin/qemu-aarch64"

# --- three versions side by side -------------------------------------------------------
bookv=$(version "$BOOKWORM")
run "$QB" -q -o "$tmp/all" --qus "$QUS_STATIC" "$BOOKWORM" "$TRANS" "$TRIXIE" "$SID"
rc_is 0 "bookworm, trixie and sid in one run: exit 0"
is "$(cd "$tmp/all/extract" && echo */amd64)" \
	"$(printf '%s/amd64\n' "$(tag_of "$bookv")" "$(tag_of "$trixv")" "$(tag_of "$sidv")" | sort | tr '\n' ' ' | sed 's/ $//')" \
	"... each version in extract/VERSION/amd64"
O=$tmp/all/oci
tags=$(tags_in "$O")
for v in "$bookv" "$trixv" "$sidv"; do
	t=$(tag_of "$v")
	is "$(annotation "$O" "$t")" "$v" "tag $t: the image of $v"
	for x in "aarch64-$t" "x86_64-s390x-$t"; do like "$tags" "$x" "... and $x"; done
done
is "$(annotation "$O" latest)" "$sidv" "latest is the newest version ($sidv)"
is "$(skopeo inspect "oci:$O:aarch64" | jq -c .Layers)" "$(skopeo inspect "oci:$O:aarch64-$(tag_of "$sidv")" | jq -c .Layers)" \
	"aarch64 is aarch64-$(tag_of "$sidv")"
is "$(skopeo inspect "oci:$O:x86_64-aarch64" | jq -c .Layers)" "$(skopeo inspect "oci:$O:x86_64-aarch64-$(tag_of "$sidv")" | jq -c .Layers)" \
	"x86_64-aarch64 is x86_64-aarch64-$(tag_of "$sidv")"
check "releases/ holds the newest version's emulators" cmp "$tmp/all/releases/qemu-aarch64-static" "$tmp/sidtree/usr/bin/qemu-aarch64"
check "the older versions' images stay whole: skopeo reads aarch64-$(tag_of "$bookv")" \
	skopeo inspect "oci:$O:aarch64-$(tag_of "$bookv")"
# --- hostile shapes of today's packaging -------------------------------------------------
# mkdeb NAME DIR PACKAGE VERSION [DEPENDS]: $tmp/NAME.deb from the tree DIR.
mkdeb() {
	local w=$tmp/mk-$1
	mkdir -p "$w"
	printf '2.0\n' >"$w/debian-binary"
	printf 'Package: %s\nVersion: %s\nArchitecture: amd64\n%s' "$3" "$4" "${5:+Depends: $5
}" >"$w/control"
	tar -C "$w" -czf "$w/control.tar.gz" ./control
	tar -C "$2" --owner=0 --group=0 -czf "$w/data.tar.gz" .
	(cd "$w" && ar rc "$tmp/$1.deb" debian-binary control.tar.gz data.tar.gz)
}
emu=$tmp/sidtree/usr/bin/qemu-s390x
# Successive runs into one output, the older version last: latest stays the
# newest (small packages of one emulator, three versions).
for v in 1:7.2+dfsg-7 1:10.0.2+ds-1 1:11.1.0+ds-1; do
	rm -rf "$tmp/t-v" && mkdir -p "$tmp/t-v/usr/bin" && cp "$emu" "$tmp/t-v/usr/bin/"
	mkdeb "v$(upstream "$v")" "$tmp/t-v" qemu-user "$v"
done
for v in 11.1.0 7.2 10.0.2; do
	"$QB" -q -o "$tmp/succ" --qus "$QUS_STATIC" "$tmp/v$v.deb" || not_ok "a run on version $v"
done
is "$(annotation "$tmp/succ/oci" latest)/$(annotation "$tmp/succ/oci" 7.2-7)" "1:11.1.0+ds-1/1:7.2+dfsg-7" \
	"successive runs into one output (11.1, 7.2, 10.0): latest is 11.1, and 7.2-7 is 7.2's"
"$QB" -q -o "$tmp/both" --qus "$QUS_STATIC" "$tmp/v7.2.deb" "$tmp/v11.1.0.deb" "$tmp/v10.0.2.deb"
check "... the same tags and digests as one run with all three" cmp "$tmp/succ/oci/index.json" "$tmp/both/oci/index.json"
tree() { rm -rf "$tmp/t-$1" && mkdir -p "$tmp/t-$1/usr/bin" "$tmp/t-$1/usr/share/doc" && echo "$tmp/t-$1"; }
refused() { # WHAT PACKAGES...: refused in one line naming WHAT, nothing written
	local what=$1
	shift
	rm -rf "$tmp/out"
	run "$QB" extract -q -o "$tmp/out" "$@"
	rc_is 1 "$(basename "$1" .deb): refused, exit 1"
	like "$err" "$what" "... the message says: $what"
	is "$(wc -l <<<"$err")" 1 "... in one line"
	is "$(cd "$tmp/out/extract" 2>/dev/null && find . -mindepth 1)" "" "... nothing written"
}
t=$(tree user) && cp "$emu" "$t/usr/bin/" && ln -s qemu-s390x "$t/usr/bin/qemu-s390x-static"
ln -s qemu-s390x "$t/usr/bin/qemu-s390x-alias" && ln -s qemu-s390x-static "$t/usr/bin/qemu-s390x-static2"
mkdeb user "$t" qemu-user 1:9.9+ds-1
run "$QB" extract -q -o "$tmp/ok" "$tmp/user.deb"
rc_is 0 "a qemu-user made here (emulator, link, two-hop link) is accepted"
t=$(tree leaves) && cp "$emu" "$t/usr/bin/" && ln -s ../../../../etc/passwd "$t/usr/bin/qemu-s390x-static"
mkdeb leaves "$t" qemu-user 1:9.9+ds-1
refused "usr/bin/qemu-s390x-static: a link that leaves the package (-> ../../../../etc/passwd)" "$tmp/leaves.deb"
t=$(tree notemu) && cp "$emu" "$t/usr/bin/" && echo doc >"$t/usr/share/doc/x" && ln -s ../share/doc/x "$t/usr/bin/qemu-aarch64-static"
mkdeb notemu "$t" qemu-user 1:9.9+ds-1
refused "usr/bin/qemu-aarch64-static: a link to usr/share/doc/x, which is not an emulator" "$tmp/notemu.deb"
t=$(tree loop) && cp "$emu" "$t/usr/bin/" && ln -s qemu-b "$t/usr/bin/qemu-aarch64-static" && ln -s qemu-aarch64-static "$t/usr/bin/qemu-b"
mkdeb loop "$t" qemu-user 1:9.9+ds-1
refused "a loop of links, or more than 8 in a row" "$tmp/loop.deb"
t=$(tree chain) && cp "$emu" "$t/usr/bin/"
for i in $(seq 1 9); do ln -s "c$((i + 1))" "$t/usr/bin/c$i"; done
ln -s qemu-s390x "$t/usr/bin/c10" && ln -s c1 "$t/usr/bin/qemu-s390x-static"
mkdeb chain "$t" qemu-user 1:9.9+ds-1
refused "a loop of links, or more than 8 in a row" "$tmp/chain.deb"
t=$(tree other) && cp "$emu" "$t/usr/bin/" && ln -s qemu-s390x "$t/usr/bin/qemu-aarch64-static"
mkdeb other "$t" qemu-user 1:9.9+ds-1
refused "a link to usr/bin/qemu-s390x, the emulator of another target (s390x)" "$tmp/other.deb"
t=$(tree samename) && ln -s qemu-x "$t/usr/bin/qemu-s390x"
mkdeb samename "$t" qemu-user-static 1:9.9+ds-1
refused "usr/bin/qemu-s390x: a second member of that name in the packages given" "$tmp/user.deb" "$tmp/samename.deb"
t=$(tree dyn) && cp /bin/true "$t/usr/bin/qemu-s390x"
mkdeb dyn "$t" qemu-user 1:7.2+dfsg-7
refused "not static: it names a dynamic loader (a dynamically linked build, as Debian's qemu-user before QEMU 9.1; give qemu-user-static instead)" "$tmp/dyn.deb"
# Both packages of a pair at different versions: each is its own version,
# and the transitional one finds nothing to point into.
t=$(tree trans) && ln -s qemu-s390x "$t/usr/bin/qemu-s390x-static"
mkdeb trans "$t" qemu-user-static 1:9.8+ds-1 "qemu-user (>= 1:9.8+ds-1)"
rm -rf "$tmp/out"
run "$QB" extract -q -o "$tmp/out" "$tmp/trans.deb" "$tmp/user.deb"
rc_is 1 "a transitional package with a qemu-user of another version: exit 1"
like "$err" "trans.deb: refused: it holds links (usr/bin/qemu-s390x-static -> qemu-s390x), not emulators: a transitional package; give the package(s) it points into too (Depends: qemu-user (>= 1:9.8+ds-1))" \
	"... the transitional one refused, naming the version it needs"
is "$(cd "$tmp/out/extract" && echo */*)" "9.9-1/amd64" "... the qemu-user of its own version extracted"

done_testing
