#!/bin/bash
# Set up a Debian 12 machine for qus, then run a job.  Run as root.
#
#   ./setup.sh register   install and build what registering needs, register
#                         every emulator, prove they work
#   ./setup.sh test       install and build everything, run the whole test suite
#
# Steps alone: deps (apt-get), build (meson), fixtures (foreign busybox
# binaries and QEMU packages from Debian's archive into build/fixtures).
# Every step is idempotent and skips what is already there.  The machine's
# apt sources and dpkg architectures are never changed: other suites and
# architectures come through tools/qus-fetch's own apt configuration.
set -euo pipefail
cd "$(dirname "$0")"

export DEBIAN_FRONTEND=noninteractive

# What the main job needs: a C compiler with musl for the static qus, meson,
# the emulators, and what tools/qus-fetch uses (apt and Debian's keyring).
PACKAGES_REGISTER="gcc libc6-dev meson ninja-build musl-tools qemu-user-static
debian-archive-keyring"
# What the build, the tests and the benchmarks need besides.
PACKAGES="$PACKAGES_REGISTER pkg-config libcmocka-dev libjson-c-dev
binfmt-support systemd util-linux jq groff-base man-db file clang-format shellcheck
clang libclang-rt-14-dev valgrind libdeflate-tools
uidmap debootstrap passwd libarchive-dev liblzma-dev libdeflate-dev libssl-dev rpm zstd skopeo umoci
podman runc buildah docker-registry curl catatonit python3-kubernetes python3-yaml
tini rootlesskit slirp4netns
qemu-system-x86 cpio busybox-static xz-utils binutils
$(for t in aarch64-linux-gnu arm-linux-gnueabihf arm-linux-gnueabi riscv64-linux-gnu s390x-linux-gnu \
	powerpc64le-linux-gnu powerpc64-linux-gnu powerpc-linux-gnu mips-linux-gnu mipsel-linux-gnu \
	mips64-linux-gnuabi64 mips64el-linux-gnuabi64 m68k-linux-gnu sh4-linux-gnu alpha-linux-gnu \
	hppa-linux-gnu sparc64-linux-gnu i686-linux-gnu; do echo "gcc-$t"; done)
libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-armel-cross libc6-dev-riscv64-cross
libc6-dev-s390x-cross libc6-dev-ppc64el-cross libc6-dev-ppc64-cross libc6-dev-powerpc-cross
libc6-dev-mips-cross libc6-dev-mipsel-cross libc6-dev-mips64-cross libc6-dev-mips64el-cross
libc6-dev-m68k-cross libc6-dev-sh4-cross libc6.1-dev-alpha-cross libc6-dev-hppa-cross
libc6-dev-sparc64-cross libc6-dev-i386-cross
gcc-12-multilib-mips64-linux-gnuabi64 libc6-dev-mipsn32-mips64-cross
gcc-12-multilib-mips64el-linux-gnuabi64 libc6-dev-mipsn32-mips64el-cross
gcc-12-multilib-sparc64-linux-gnu libc6-dev-sparc-sparc64-cross
binutils-or1k-elf binutils-xtensa-lx106 llvm-19
gcc-or1k-elf gcc-xtensa-lx106 lld clang-19 lld-19"
# tini, rootlesskit and slirp4netns serve the Docker suites
# (tests/system/docker.sh, docker-rootless.sh): tini is docker-init, and
# Debian's rootlesskit and slirp4netns run rootless Docker (the suites'
# daemons use no iptables).  Docker itself is not installed: see
# docker_fixture.
# qemu-system-x86, cpio, busybox-static, xz-utils and binutils (readelf)
# boot Debian trixie's kernel with a small initramfs for the automount suite
# (tests/system/automount.sh, tests/lib/vm.sh): this machine's kernel may
# have no autofs.
# The cross compilers and C libraries above build the test matrix's static
# Hello Worlds (tests/system/matrix.sh) and, with their binutils, check the
# embedded probe bytes (tests/static/probes.sh); qus itself needs none.
# binutils-or1k-elf, binutils-xtensa-lx106 and llvm-19 (Hexagon, LoongArch)
# assemble the probes of the targets no Linux cross toolchain of Debian 12 covers;
# the matrix builds Hello Worlds for them with the bare-metal gcc-or1k-elf and
# gcc-xtensa-lx106, clang with lld (Hexagon) and clang-19 with lld-19
# (LoongArch: LLVM 14 has none).
# Host architectures whose static qus setup.sh builds (tools/build-static-qus).
QUS_HOSTS="amd64 arm64 armhf armel i386 ppc64el s390x riscv64 mips64el mipsel"
# Architectures of the foreign busybox-static fixtures: Debian 12 has
# busybox-static for these (not for riscv64, which is not an architecture of
# its archive).
FOREIGN_ARCHS="arm64 armhf armel i386 s390x ppc64el mips64el"
# Where downloads are kept between runs and clones (apt lists, packages).
CACHE=/var/cache/qus-tests

log() { printf 'setup: %s\n' "$*" >&2; }

need_root() {
	if [ "$(id -u)" != 0 ]; then
		log "$1 needs root (it runs apt-get / registers with the kernel); run: sudo $0 $1"
		exit 1
	fi
}

deps() { # register|test: the packages of that job
	local list=$PACKAGES missing=() p
	need_root deps
	[ "${1:-test}" = register ] && list=$PACKAGES_REGISTER
	for p in $list; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	# An update that fails (one index of many) still lets the install say what is missing.
	apt-get update -qq || log "apt-get update failed; installing from what is known"
	log "installing ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
		log "apt-get install failed for: ${missing[*]}"
		return 1
	}
}

# The release binary only: what the main job registers with.
build_static() {
	if [ ! -d build-static ]; then
		CC=musl-gcc meson setup build-static -Dstatic=true -Dtests=false \
			-Dbuildtype=minsize -Db_ndebug=true >/dev/null || return 1
	fi
	ninja -C build-static >/dev/null || return 1
}

build() {
	# The tests' build: ASan and UBSan, with the unit tests.
	if [ ! -d build-asan ]; then
		meson setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined \
			-Db_lundef=false -Dbuild_tool=enabled >/dev/null || return 1
	fi
	ninja -C build-asan >/dev/null || return 1
	# The release binary (static, musl, no runtime dependency), and the
	# static qus of every other host Debian builds QEMU for that Debian 12
	# has a cross compiler for (all but loong64): the images of qus-build's
	# multi-platform tests.
	# shellcheck disable=SC2086 # the list of hosts
	if ! tools/build-static-qus $QUS_HOSTS 2>/dev/null; then
		tools/build-static-qus $QUS_HOSTS # again, to say what failed (the rest is built)
		return 1
	fi
	# An optimized qus-build, for the tests that feed it gigabytes (every
	# host of a QEMU version) and for bench/: the sanitizer build is tested
	# on every package shape already.
	if [ ! -d build-rel ]; then
		meson setup build-rel -Dbuildtype=release -Dtests=false -Dbuild_tool=enabled \
			>/dev/null || return 1
	fi
	ninja -C build-rel qus-build >/dev/null || return 1
	# The libFuzzer harnesses (tests/fuzz): clang, ASan and UBSan.
	if [ ! -d build-fuzz ]; then
		CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false -Dbuild_tool=enabled \
			-Db_sanitize=address,undefined -Db_lundef=false >/dev/null || return 1
	fi
	ninja -C build-fuzz >/dev/null || return 1
	log "built build-static/qus ($(stat -c %s build-static/qus) bytes, static), build-static-ARCH/qus for $QUS_HOSTS, build-asan/qus and the fuzzers"
}

# Debian 12's busybox-static of each architecture given, as real foreign
# programs: build/fixtures/busybox/ARCH/busybox (one qus-fetch for all).
busybox_fixtures() { # ARCH...
	local a missing=() tmp f failed=0
	for a; do [ -x "build/fixtures/busybox/$a/busybox" ] || missing+=("$a"); done
	[ ${#missing[@]} = 0 ] && return 0
	tmp=$(mktemp -d)
	tools/qus-fetch -o "$tmp" --cache "$CACHE/apt" bookworm "$(tr ' ' , <<<"${missing[*]}")" \
		busybox-static >/dev/null || failed=1
	for a in "${missing[@]}"; do
		f=$(compgen -G "$tmp/busybox-static_*_$a.deb" | head -1)
		if [ -z "$f" ]; then
			log "could not download busybox-static for $a from Debian's archive"
			failed=1
			continue
		fi
		rm -rf "$tmp/x" && dpkg-deb -x "$f" "$tmp/x" && mkdir -p "build/fixtures/busybox/$a" &&
			cp "$tmp/x/bin/busybox" "build/fixtures/busybox/$a/busybox" || failed=1
	done
	rm -rf "$tmp"
	return $failed
}

# Debian 12's qemu-user-static itself, the input of qus-build's tests:
# build/fixtures/pkg/qemu-user-static_ARCH.deb
package_fixture() {
	local a=$1 dir=build/fixtures/pkg tmp f
	[ -s "$dir/qemu-user-static_$a.deb" ] && return 0
	tmp=$(mktemp -d)
	mkdir -p "$dir"
	# With the .origin qus-fetch writes (its suite and URL), renamed alike.
	if tools/qus-fetch -o "$tmp" --cache "$CACHE/apt" bookworm "$a" qemu-user-static >/dev/null &&
		mv "$tmp"/qemu-user-static_*_"$a".deb "$dir/qemu-user-static_$a.deb"; then
		for f in "$tmp"/qemu-user-static_*_"$a".deb.origin; do
			[ -e "$f" ] && mv "$f" "$dir/qemu-user-static_$a.deb.origin"
		done
		rm -rf "$tmp"
		return 0
	fi
	log "could not download qemu-user-static for $a from Debian's archive"
	rm -rf "$tmp"
	return 1
}

# Today's packaging from other Debian suites, through tools/qus-fetch (a
# private apt configuration; the machine's sources stay as they are):
# build/fixtures/pkg/SUITE/PACKAGE_ARCH.deb.  Lists are cached in
# /var/cache/qus-tests/apt (a day), like the tests' other downloads.
suite_fixture() { # SUITE ARCH PACKAGE...
	local suite=$1 a=$2 dir=build/fixtures/pkg/$1 p f tmp missing=()
	shift 2
	for p in "$@"; do [ -s "$dir/${p}_$a.deb" ] || missing+=("$p"); done
	[ ${#missing[@]} = 0 ] && return 0
	tmp=$(mktemp -d)
	if ! tools/qus-fetch -o "$tmp" --cache "$CACHE/apt" "$suite" "$a" "${missing[@]}" >/dev/null; then
		log "could not download ${missing[*]} for $a from Debian's $suite"
		rm -rf "$tmp"
		return 1
	fi
	mkdir -p "$dir"
	for p in "${missing[@]}"; do
		for f in "$tmp/${p}"_*"_$a.deb"; do mv "$f" "$dir/${p}_$a.deb"; done
	done
	rm -rf "$tmp"
}

# The emulator package of every host of a suite, for the multi-host tests:
# downloaded once into /var/cache/qus-tests/pkg/SUITE (a fresh clone finds
# them there), linked as build/fixtures/pkg/hosts/SUITE/ARCH.deb.
HOSTS_TRIXIE="amd64 arm64 armel armhf i386 ppc64el riscv64 s390x"
HOSTS_SID="amd64 arm64 loong64 ppc64el riscv64 s390x"
hosts_fixture() { # SUITE ARCH...
	local suite=$1 cache=/var/cache/qus-tests/pkg/$1 dir=build/fixtures/pkg/hosts/$1 a f missing=()
	shift
	mkdir -p "$cache" "$dir"
	for a in "$@"; do compgen -G "$cache/*_$a.deb" >/dev/null || missing+=("$a"); done
	if [ ${#missing[@]} -gt 0 ]; then
		tools/qus-fetch -o "$cache" --cache "$CACHE/apt" "$suite" \
			"$(tr ' ' , <<<"${missing[*]}")" >/dev/null || {
			log "could not download the emulator packages of ${missing[*]} from Debian's $suite"
			return 1
		}
	fi
	for a in "$@"; do
		f=$(compgen -G "$cache/*_$a.deb" | sort -V | tail -1)
		[ -n "$f" ] && ln -sf "$f" "$dir/$a.deb"
	done
}

# The supply-chain tools of the trust suite (tests/system/trust.sh) and of
# tools/qus-publish --sign: cosign 3 and oras from sid (Debian 12 has
# neither; each needs only libc), unpacked into /var/cache/qus-tests/trust/root.
TRUST=$CACHE/trust
trust_tools() {
	local a d failed=0
	[ -x "$TRUST/root/usr/bin/cosign" ] && [ -x "$TRUST/root/usr/bin/oras" ] && return 0
	a=$(dpkg --print-architecture)
	mkdir -p "$TRUST"
	tools/qus-fetch -o "$TRUST" --cache "$CACHE/apt" sid "$a" cosign oras >/dev/null || {
		log "could not download cosign and oras from Debian's sid"
		return 1
	}
	for d in "$TRUST"/cosign_*_"$a".deb "$TRUST"/oras_*_"$a".deb; do
		dpkg-deb -x "$d" "$TRUST/root" || failed=1
	done
	return $failed
}

# CycloneDX's own library, whose schemas and strict validator check the
# SBOMs (tests/lib/validate-cdx.js), with the ajv packages it validates
# with, pinned, in /var/cache/qus-tests/npm.  Its 10.x wants node >= 20.18;
# where the machine's node is older (Debian 12's nodejs is 18), 6.6.1,
# which ships the same bom-1.6 schema.
NPM_DIR=$CACHE/npm
validators() {
	local lib=10.3.0 node have
	node=$(command -v node || true)
	if [ -z "$node" ]; then
		apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || {
			log "could not install nodejs and npm"
			return 1
		}
		node=$(command -v node)
	fi
	if ! "$node" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a == 20 && b >= 18) ? 0 : 1)'; then
		lib=6.6.1
	fi
	have=$(jq -r .version "$NPM_DIR/node_modules/@cyclonedx/cyclonedx-library/package.json" 2>/dev/null || true)
	[ "$have" = "$lib" ] && [ -d "$NPM_DIR/node_modules/ajv-formats-draft2019" ] && return 0
	command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends npm >/dev/null || return 1
	mkdir -p "$NPM_DIR"
	[ -f "$NPM_DIR/package.json" ] || echo '{"name":"qus-tests-validators","private":true}' >"$NPM_DIR/package.json"
	(cd "$NPM_DIR" && npm install --no-audit --no-fund --save-exact "@cyclonedx/cyclonedx-library@$lib" \
		ajv@8.20.0 ajv-formats@3.0.1 ajv-formats-draft2019@1.6.1 >/dev/null 2>&1) || {
		log "could not install @cyclonedx/cyclonedx-library $lib and ajv from the npm registry"
		return 1
	}
}

# Docker for the Docker suites, never installed: trixie's docker.io (dockerd
# 26.1 and dockerd-rootless.sh), docker-cli and docker-buildx, with
# bookworm's containerd, downloaded by tools/qus-fetch into
# /var/cache/qus-tests/pkg/docker and unpacked into build/fixtures/docker.
# Debian 12's own dockerd (20.10) cannot start --privileged containers on
# this project's VMs (its bounding set lacks CAP_SYS_RESOURCE); trixie's
# runs on bookworm's containerd and runc.  Unpacked rather than installed,
# so that no system service (docker.service, containerd.service) starts and
# a Docker the machine has stays as it is; the suites start their own
# daemons from here.  docker-init is tini's static build (the package tini).
DOCKER_SUITE_PACKAGES="trixie:docker.io trixie:docker-cli trixie:docker-buildx bookworm:containerd"
docker_fixture() {
	local dir=build/fixtures/docker cache=$CACHE/pkg/docker a sp suite p f
	a=$(dpkg --print-architecture)
	[ -x "$dir/usr/sbin/dockerd" ] && [ -x "$dir/usr/bin/docker" ] && [ -x "$dir/usr/bin/containerd" ] &&
		[ -x "$dir/usr/libexec/docker/cli-plugins/docker-buildx" ] && return 0
	mkdir -p "$cache"
	for sp in $DOCKER_SUITE_PACKAGES; do
		suite=${sp%%:*} p=${sp#*:}
		compgen -G "$cache/${p}_*_$a.deb" >/dev/null && continue
		tools/qus-fetch -o "$cache" --cache "$CACHE/apt" "$suite" "$a" "$p" >/dev/null || {
			log "could not download $p for $a from Debian's $suite"
			return 1
		}
	done
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	for sp in $DOCKER_SUITE_PACKAGES; do
		p=${sp#*:}
		f=$(compgen -G "$cache/${p}_*_$a.deb" | sort -V | tail -1)
		dpkg-deb -x "$f" "$dir.tmp" || return 1
	done
	# The package links docker-init to tini-static by a relative path.
	ln -sfn /usr/bin/tini-static "$dir.tmp/usr/bin/docker-init"
	rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

fixtures() {
	local failed=0
	# shellcheck disable=SC2086 # the list of architectures
	busybox_fixtures $FOREIGN_ARCHS || failed=1
	package_fixture amd64 || failed=1
	package_fixture arm64 || failed=1
	# QEMU 10.0 (trixie: qemu-user, and the transitional qemu-user-static of
	# links into it) and 11.1 (sid: qemu-user only).
	suite_fixture trixie amd64 qemu-user qemu-user-static || failed=1
	suite_fixture sid amd64 qemu-user || failed=1
	# shellcheck disable=SC2086 # the lists of hosts
	hosts_fixture trixie $HOSTS_TRIXIE || failed=1
	# shellcheck disable=SC2086
	hosts_fixture sid $HOSTS_SID || failed=1
	# The virtual machine's kernel (trixie's cloud flavour), into
	# /var/cache/qus-tests/kernel, where tests/lib/vm.sh looks first.
	# shellcheck source=tests/lib/vm.sh
	(QUS_ROOT=$PWD && . tests/lib/vm.sh && vm_kernel_deb >/dev/null) || failed=1
	trust_tools || failed=1
	validators || failed=1
	docker_fixture || failed=1
	return $failed
}

# The main job: register every foreign target on this machine, then run a
# real program of every fixture architecture through the registration.
register() {
	local qus=build-static/qus line a target want got failed=0
	need_root register
	"$qus" register
	"$qus" status
	echo
	echo "Each target's probe program through the registration (qus check):"
	"$qus" check || failed=1
	echo
	echo "Foreign programs through the registration (Debian's busybox-static):"
	while read -r line; do
		a=${line%%:*} target=${line#*:} want=${target#*:} target=${target%%:*}
		bb=build/fixtures/busybox/$a/busybox
		if "$qus" detect "$bb" | grep -q '(native)'; then
			printf '  %-10s %-10s runs natively on this host\n' "$a" "$target"
			continue
		fi
		got=$("$bb" uname -m 2>&1) || true
		if [ "$got" = "$want" ]; then
			printf '  %-10s %-10s ok: uname -m says %s\n' "$a" "$target" "$got"
		else
			printf '  %-10s %-10s FAILED: uname -m said "%s", expected %s\n' "$a" "$target" \
				"$got" "$want"
			failed=1
		fi
	done <<-EOF
		arm64:aarch64:aarch64
		armhf:arm:armv7l
		armel:arm:armv7l
		i386:i386:i686
		s390x:s390x:s390x
		ppc64el:ppc64le:ppc64le
		mips64el:mips64el:mips64
	EOF
	return $failed
}

usage() {
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

[ $# -gt 0 ] || usage
for step in "$@"; do
	case $step in
	deps) deps test || exit 1 ;;
	build) build || exit 1 ;;
	fixtures) fixtures || exit 1 ;;
	register)
		# Only what registering needs: the compiler, meson, the emulators,
		# the static qus, and the foreign programs that prove it.
		deps register || exit 1
		build_static || exit 1
		# shellcheck disable=SC2086
		busybox_fixtures $FOREIGN_ARCHS || log "some foreign programs are missing; registration goes on without them"
		register
		;;
	test)
		if ! deps test || ! build; then
			# Still end the way every test run ends, for CI.
			log "set-up failed; no test could run"
			echo "0 passed, 1 failed"
			exit 1
		fi
		fixtures || log "some fixtures are missing; the tests that need them will say so"
		exec tests/run
		;;
	*) usage ;;
	esac
done
