# The register-method matrix (after dbhi/qus's test matrix): who
# registers (qus on the host, or our image in a privileged container), where
# the emulator is, with or without flag F.  Each cell registers aarch64 alone,
# then runs an arm64 container, and either
#   - prints aarch64, and the emulator that runs it (the container process's
#     /proc/PID/exe: device and inode) is the very file the README's table
#     names for the cell, or
#   - fails the way the table says it must (a cell that is impossible, with
#     the reason).
# Images come from qus-build's OCI layout (no registry needed); podman has a
# store of its own; the host's binfmt_misc is restored byte for byte.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/podman.sh
. "$QUS_ROOT/tests/lib/podman.sh"

QB=$QUS_ROOT/build-asan/qus-build
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
# The distribution's emulator, as Debian's qemu-user-static installs it.
DISTRO=/usr/bin/qemu-aarch64-static
need=
for c in $POD_TOOLS skopeo unshare; do command -v "$c" >/dev/null || need+=" $c"; done
if [ "$(id -u)" != 0 ] || [ -n "$need" ] || [ ! -x "$QB" ] || [ ! -s "$DEB" ] ||
	! dpkg -S "$DISTRO" >/dev/null 2>&1 || ! have_fixtures; then
	skip "register matrix" "needs root, podman, runc, skopeo, qus-build, Debian's qemu-user-static and the fixtures (setup.sh)${need:+; missing:$need}"
	done_testing
	exit 0
fi

pod_suite_begin
[ -e $HG_DIR/register ] || mount -t binfmt_misc binfmt_misc $HG_DIR

# --- the images and the emulator files ------------------------------------------------
export SOURCE_DATE_EPOCH=1700000000
run "$QB" -q -o "$W/dist" --qus "amd64=$QUS_STATIC" "$DEB"
rc_is 0 "qus-build: the images"
for t in latest register aarch64; do pod_load_oci "$W/dist/oci" $t localhost/qus; done
pod_foreign_image localhost/foreign:arm64
mkdir -p "$W/ctx"
printf 'FROM localhost/qus:aarch64 AS emu\nFROM localhost/foreign:arm64\nCOPY --from=emu /usr/bin/qemu-aarch64-static /usr/bin/\n' \
	>"$W/ctx/Containerfile"
run B -t localhost/foreign:arm64-qemu "$W/ctx"
rc_is 0 "a multi-stage build copies the emulator from the aarch64 image into the arm64 image"
# Another host directory: the release tarball, unpacked.
REL=$W/opt/qemu/qemu-aarch64-static
mkdir -p "$W/opt/qemu"
tar -C "$W/opt/qemu" -xzf "$W/dist/releases/qemu-aarch64-static.tar.gz"
check "the release tarball holds the package's emulator" \
	cmp -s "$REL" <(dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/bin/qemu-aarch64-static)

ident() { stat -Lc %d:%i "$1"; }

# Register aarch64 as cell WHO/WHERE with F (yes|no) says.
register_cell() {
	local who=$1 where=$2 f=$3 hopt=(--no-persistent) copt=() img=localhost/qus:register mnt=()
	[ "$f" = yes ] && hopt=() copt=(-p yes)
	if [ "$who" = host ]; then
		case $where in
		usr-bin) # the release file at /usr/bin, seen by this registration only
			# shellcheck disable=SC2016 # $1 and $@ are the inner bash's
			unshare --mount -- bash -c 'mount --bind "$1" /usr/bin/qemu-aarch64-static && exec "${@:2}"' \
				bind "$REL" "$QUS_STATIC" register -q "${hopt[@]}" aarch64 ;;
		host-dir) "$QUS_STATIC" register -q "${hopt[@]}" --qemu-path "$W/opt/qemu" aarch64 ;;
		*) "$QUS_STATIC" register -q "${hopt[@]}" aarch64 ;;
		esac
		return
	fi
	case $where in
	usr-bin) img=localhost/qus:latest ;;
	host-dir) mnt=(-v "$W/opt/qemu:$W/opt/qemu:ro") copt+=(--qemu-path "$W/opt/qemu") ;;
	bind) mnt=(-v "$REL:/usr/bin/qemu-aarch64-static:ro") ;;
	image) [ "$f" = yes ] && img=localhost/qus:latest ;;
	distro) mnt=(-v "$DISTRO:/usr/bin/qemu-aarch64-static:ro") ;;
	esac
	R --rm --privileged "${mnt[@]}" "$img" --reset "${copt[@]}" aarch64 >/dev/null 2>"$W/reg.err"
}

# One cell: WHO WHERE F WANT, WANT being the file that must run the container
# ("deleted": the register container's own copy, gone with it, held by F),
# or "fail" for a cell that cannot work.
cell() {
	local who=$1 where=$2 f=$3 want=$4 img=localhost/foreign:arm64 mnt=() name ctr pid got exp
	name="$who registers, emulator $where, F=$f"
	case $where in
	bind) mnt=(-v "$REL:/usr/bin/qemu-aarch64-static:ro") ;;
	image) img=localhost/foreign:arm64-qemu ;;
	esac
	"$QUS_STATIC" unregister -q --all
	register_cell "$who" "$where" "$f"
	if [ "$(sed -n 's/^flags: .*\(F\).*/\1/p' $HG_DIR/qemu-aarch64 2>/dev/null)" != "$([ "$f" = yes ] && echo F)" ]; then
		not_ok "$name: registered with F=$f"; diag "entry: $(cat $HG_DIR/qemu-aarch64 2>&1)"; diag "$(cat "$W/reg.err" 2>/dev/null)"
		return
	fi
	run R --rm "${mnt[@]}" "$img" /bin/uname -m
	if [ "$want" = fail ]; then
		check "$name: impossible, the container has no emulator at the registered path" [ "$rc" != 0 ]
		like "$err" "exec /bin/uname: no such file or directory" "... runc says 'no such file or directory'"
		return
	fi
	is "$out" aarch64 "$name: the arm64 container prints aarch64"
	ctr=$(R -d "${mnt[@]}" "$img" /bin/sleep 60 2>/dev/null)
	pid=$(P inspect --format '{{.State.Pid}}' "$ctr")
	got="$(ident /proc/"$pid"/exe) $(readlink /proc/"$pid"/exe)"
	case $want in
	deleted) exp="the register container's copy, deleted with it"
		like "$got" " (deleted)" "... run by $exp" ;;
	copy) exp="the copy in the image"
		is "${got%% *}" "$(ident "$(P mount "$ctr")/usr/bin/qemu-aarch64-static")" "... run by $exp" ;;
	*) is "${got%% *}" "$(ident "$want")" "... run by $want" ;;
	esac
	P rm -f -t 0 "$ctr" >/dev/null
}

# --- the cells --------------------------------------------------------------------------
# With F the kernel opens the emulator at registration, in the registering
# process's mount namespace; without F at each exec, in the container's.
while read -r who where f want; do
	case $want in "\$REL") want=$REL ;; "\$DISTRO") want=$DISTRO ;; esac
	cell "$who" "$where" "$f" "$want"
done <<'EOF'
host      usr-bin   yes  $REL
host      usr-bin   no   fail
host      host-dir  yes  $REL
host      host-dir  no   fail
host      bind      yes  $DISTRO
host      bind      no   $REL
host      image     yes  $DISTRO
host      image     no   copy
host      distro    yes  $DISTRO
host      distro    no   fail
container usr-bin   yes  deleted
container usr-bin   no   fail
container host-dir  yes  $REL
container host-dir  no   fail
container bind      yes  $REL
container bind      no   $REL
container image     yes  deleted
container image     no   copy
container distro    yes  $DISTRO
container distro    no   fail
EOF

# The distribution's own registration (systemd-binfmt reads the package's
# binfmt.d file, flags OPF, interpreter a link to the emulator).
"$QUS_STATIC" unregister -q --all
run /lib/systemd/systemd-binfmt /usr/lib/binfmt.d/qemu-aarch64.conf
rc_is 0 "systemd-binfmt registers Debian's own qemu-aarch64 entry"
run R --rm localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "distro's registration (F): the arm64 container prints aarch64"

# The seeds' -p yes is F alone: argv[0] is not preserved, so busybox's shell,
# which runs an applet by executing /proc/self/exe under the applet's name,
# starts itself again as sh.  Flag P (-g yes) fixes it.
"$QUS_STATIC" unregister -q --all
R --rm --privileged localhost/qus:latest --reset -p yes aarch64 >/dev/null 2>&1
run R --rm localhost/foreign:arm64 /bin/sh -c 'exec sleep 0'
like "$err" "can't open '0'" "-p yes (F alone): busybox's 'exec sleep 0' starts sh again (argv[0] lost)"
R --rm --privileged localhost/qus:latest --reset -p yes -g yes aarch64 >/dev/null 2>&1
run R --rm localhost/foreign:arm64 /bin/sh -c 'exec sleep 0'
rc_is 0 "-p yes -g yes (PF): the applet runs"

# The register image on a host where binfmt_misc is not mounted.  Since
# Linux 6.7 (binfmt_misc instances per user namespace) the entries go with
# the last mount, the container's own: impossible.  Before, the kernel's one
# instance keeps them.
# Another mount namespace may hold a mount of the host's instance (a
# rootless podman's pause process copies the host's mounts): then that one
# keeps the entries.
# (A mount of the same superblock, same device, under another mount ID.)
read -r id dev < <(awk '$5 == "/proc/sys/fs/binfmt_misc" { print $1, $3 }' /proc/self/mountinfo)
held=$(for p in /proc/[0-9]*; do
	awk -v d="$dev" -v i="$id" -v p="${p#/proc/}" '$3 == d && $1 != i && $9 == "binfmt_misc" { print p; exit }' \
		"$p/mountinfo" 2>/dev/null
done | head -1)
"$QUS_STATIC" unregister -q --all
umount $HG_DIR
run R --rm --privileged localhost/qus:latest --reset -p yes aarch64
rc_is 0 "binfmt_misc not mounted on the host: the register image registers"
mount -t binfmt_misc binfmt_misc $HG_DIR
if [ -n "$held" ]; then
	check "process $held ($(cat "/proc/$held/comm" 2>/dev/null)) holds a mount of the host's binfmt_misc elsewhere: the entry stays" \
		[ -e $HG_DIR/qemu-aarch64 ]
elif private_binfmt_works; then
	like "$err" "mount ends with this container; mount binfmt_misc on the host first" \
		"Linux >= 6.7: ... and warns that the entries end with the container"
	check "Linux >= 6.7: ... which they did: no qemu-aarch64 on the host afterwards" [ ! -e $HG_DIR/qemu-aarch64 ]
	run R --rm localhost/foreign:arm64 /bin/uname -m
	check "Linux >= 6.7: ... and the arm64 container fails" [ "$rc" != 0 ]
elif ! unshare --user --map-root-user --mount true 2>/dev/null; then
	skip "the register image without binfmt_misc mounted on the host" \
		"whether this kernel keeps entries without a mount (before Linux 6.7) cannot be told: $(private_binfmt_missing)"
else
	unlike "$err" "mount ends with this container" "Linux < 6.7: no warning (the kernel keeps the entries)"
	check "Linux < 6.7: ... the entry is on the host afterwards" [ -e $HG_DIR/qemu-aarch64 ]
	run R --rm localhost/foreign:arm64 /bin/uname -m
	is "$out" aarch64 "Linux < 6.7: ... and the arm64 container runs"
fi

done_testing
