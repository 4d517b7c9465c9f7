# shellcheck shell=bash
# shellcheck disable=SC2034 # VM_WHY, VM_KVER, VM_ACCEL: for the suites that source this file
# A throw-away virtual machine for what this machine's own kernel cannot
# show (autofs, another kernel version): Debian trixie's kernel under
# qemu-system-x86_64, a small initramfs of static programs, one scenario
# script run by the guest's init, its console read back.  Nothing of this
# machine's is touched.
#
#   vm_usable || skip "..." "$VM_WHY"   also chooses VM_ACCEL (kvm or tcg)
#   vm_kernel                     the kernel: VM_VMLINUZ, VM_MODDIR, VM_KVER
#   vm_root DIR                   a new initramfs tree: busybox, /init
#   vm_add DIR FILE [DEST]        a static program (DEST default /usr/bin/NAME)
#   vm_modules DIR NAME...        modules /init loads, with what they depend on
#   vm_scenario DIR FILE          the script /init runs (sh, guest helpers)
#   vm_boot DIR LOG [SECONDS]     boot it; the console, without CRs, in LOG
#   vm_value LOG KEY              a result: the last "KEY=VALUE" line's VALUE
#   vm_output LOG KEY             the "KEY> LINE" lines' LINEs (see out below)
#
# In the guest, the scenario is sourced by /init after /etc/vm-guest.sh:
#   kv KEY VALUE...   prints KEY=VALUE, a result the host reads with vm_value
#   out KEY CMD...    runs CMD: its output as "KEY> LINE", then KEY.rc=STATUS
#   uptime_s          seconds since boot, two decimals
# Lines the host does not look for (kernel messages, daemons) do no harm.
# /init prints VM-KERNEL (uname -r) and VM-INIT (seconds since boot) before
# the scenario, VM-END=STATUS and VM-DONE after it, and powers off.
#
# The accelerator (QUS_VM_ACCEL=kvm|tcg, default auto): KVM where the host
# has hardware virtualization (the kvm_intel or kvm_amd module), else QEMU's
# own translator, TCG.  Not every /dev/kvm will do: on machines of this
# project's kind it is PVM's (kvm_pvm, shadow paging in a nested VM), where
# Debian's kernel stops in its decompressor ("KVM internal error", an
# instruction with a VEX prefix that PVM's emulator cannot emulate), and an
# uncompressed one booted through PVH takes over 40 s to leave early setup.
# TCG boots it to /init in about 3 s there.

# The kernel: Debian trixie's cloud flavour, the smallest amd64 one that has
# both autofs and binfmt_misc (modules; virtio and the 8250 serial console
# are built in): its .deb is 35 MB, the generic flavour's 108 MB.
VM_SUITE=trixie
VM_FLAVOUR=cloud-amd64
# Downloads kept between runs and clones, like the other tests' (setup.sh).
VM_CACHE=${QUS_VM_CACHE:-/var/cache/qus-tests/kernel}
VM_APT_CACHE=${QUS_VM_APT_CACHE:-/var/cache/qus-tests/apt}
VM_BUSYBOX=${QUS_VM_BUSYBOX:-$(command -v busybox || echo /bin/busybox)}
VM_WHY=

# Whether a program is statically linked (no PT_INTERP): the guest has no
# C library.  Static PIE (Debian's qemu-*-static) counts.
vm_is_static() { ! LC_ALL=C readelf -lW "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }

# Whether a virtual machine can run here; if not, VM_WHY says why.
vm_usable() {
	local p
	for p in qemu-system-x86_64 cpio readelf dpkg-deb xz; do
		if ! command -v "$p" >/dev/null; then
			VM_WHY="$p is missing (setup.sh installs it)"
			return 1
		fi
	done
	if [ ! -x "$VM_BUSYBOX" ] || ! vm_is_static "$VM_BUSYBOX"; then
		VM_WHY="no static busybox for the guest at $VM_BUSYBOX (busybox-static)"
		return 1
	fi
	if [ "$(uname -m)" != x86_64 ]; then
		VM_WHY="the guest kernel is amd64's; this host is $(uname -m)"
		return 1
	fi
	VM_ACCEL=${QUS_VM_ACCEL:-auto}
	if [ "$VM_ACCEL" = auto ]; then
		VM_ACCEL=tcg
		if [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
			{ [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
			VM_ACCEL=kvm
		fi
	fi
	case $VM_ACCEL in
	tcg) ;;
	kvm)
		if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
			VM_WHY="QUS_VM_ACCEL=kvm, but /dev/kvm is not there for $(id -un) (root, or the kvm group)"
			return 1
		fi
		;;
	*)
		VM_WHY="QUS_VM_ACCEL=$VM_ACCEL: kvm, tcg or auto"
		return 1
		;;
	esac
}

# The newest kernel package in the cache, else downloaded into it through
# tools/qus-fetch (its own apt configuration: the machine's sources stay as
# they are): first the flavour's metapackage, whose one dependency names the
# versioned package that holds the kernel.  Prints the .deb's path.
vm_kernel_deb() {
	local deb tmp meta dep
	deb=$({ compgen -G "$VM_CACHE/linux-image-*-${VM_FLAVOUR}_*.deb" || true; } | sort -V | tail -1)
	if [ -n "$deb" ]; then
		echo "$deb"
		return 0
	fi
	mkdir -p "$VM_CACHE" || return 1
	tmp=$(mktemp -d "$VM_CACHE/.fetch.XXXXXX") || return 1
	if ! {
		meta=$("$QUS_ROOT/tools/qus-fetch" -o "$tmp" --cache "$VM_APT_CACHE" "$VM_SUITE" amd64 \
			"linux-image-$VM_FLAVOUR") &&
			dep=$(dpkg-deb -f "$meta" Depends) && dep=${dep%%[ ,|]*} &&
			deb=$("$QUS_ROOT/tools/qus-fetch" -o "$tmp" --cache "$VM_APT_CACHE" "$VM_SUITE" amd64 "$dep") &&
			mv "$deb" "$VM_CACHE/"
	}; then
		echo "vm: could not download $VM_SUITE's linux-image-$VM_FLAVOUR" >&2
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$tmp"
	echo "$VM_CACHE/${deb##*/}"
}

# The kernel, unpacked once into build/vm/kernel (again when the package
# changes): sets VM_VMLINUZ, VM_MODDIR (its /usr/lib/modules/VERSION) and
# VM_KVER.
vm_kernel() {
	local deb dir=$QUS_ROOT/build/vm/kernel stamp
	deb=$(vm_kernel_deb) || return 1
	stamp="${deb##*/} $(stat -L -c '%s %Y' "$deb")"
	if [ "$(cat "$dir/.unpacked" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir" || return 1
		echo "$stamp" >"$dir/.unpacked"
	fi
	VM_VMLINUZ=$(compgen -G "$dir/boot/vmlinuz-*" | head -1)
	VM_KVER=${VM_VMLINUZ##*/vmlinuz-}
	VM_MODDIR=$dir/usr/lib/modules/$VM_KVER
	[ -f "$VM_VMLINUZ" ] && [ -d "$VM_MODDIR" ]
}

# A new initramfs tree in DIR (emptied first): busybox, the mount points,
# /init and the guest helpers.
vm_root() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,lib/modules,proc,sys,dev,run,tmp}
	cp "$VM_BUSYBOX" "$d/bin/busybox"
	: >"$d/etc/vm-modules"
	cat >"$d/init" <<-'EOF'
		#!/bin/busybox sh
		# The guest's init: mount the kernel's file systems, load the
		# modules asked for, run the scenario, say how it ended, power off.
		/bin/busybox mount -t proc proc /proc
		/bin/busybox --install -s
		export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
		mount -t sysfs sysfs /sys
		mount -t devtmpfs devtmpfs /dev
		mount -t tmpfs tmpfs /run
		mount -t tmpfs tmpfs /tmp
		while read -r m; do
			insmod "/lib/modules/$m" || echo "VM-ERROR=insmod $m failed"
		done </etc/vm-modules
		# A line of its own: the firmware's last one has no newline.
		echo
		echo "VM-KERNEL=$(uname -r)"
		read -r up _ </proc/uptime
		echo "VM-INIT=$up"
		(. /etc/vm-guest.sh && . /scenario)
		echo "VM-END=$?"
		read -r up _ </proc/uptime
		echo "VM-DONE=$up"
		poweroff -f
	EOF
	cat >"$d/etc/vm-guest.sh" <<-'EOF'
		# Helpers for the scenario (see tests/lib/vm.sh).
		kv() { k=$1; shift; echo "$k=$*"; }
		out() {
			k=$1
			shift
			"$@" >/tmp/vm-out 2>&1
			set -- $?
			sed "s/^/$k> /" /tmp/vm-out
			echo "$k.rc=$1"
		}
		uptime_s() { read -r up _ </proc/uptime; echo "$up"; }
	EOF
	chmod 755 "$d/init"
}

# Copy the static program FILE to DEST (default /usr/bin/NAME) in tree DIR.
vm_add() {
	local d=$1 f=$2 dest=${3:-/usr/bin/${2##*/}}
	if [ ! -f "$f" ] || ! vm_is_static "$f"; then
		echo "vm: $f is not a static program: the guest has no C library" >&2
		return 1
	fi
	mkdir -p "$d$(dirname "$dest")"
	cp "$f" "$d$dest"
	chmod 755 "$d$dest"
}

# The module file of NAME (dashes and underscores are one) in VM_MODDIR, or
# nothing when it is built into the kernel.
_vm_module_file() {
	local n=${1//-/_} f
	while IFS= read -r f; do
		local b=${f##*/}
		b=${b%%.ko*}
		if [ "${b//-/_}" = "$n" ]; then
			echo "$f"
			return 0
		fi
	done < <(find "$VM_MODDIR/kernel" -name '*.ko*')
	grep -q "/${1//[-_]/[-_]}\.ko\$" "$VM_MODDIR/modules.builtin" 2>/dev/null && return 0
	echo "vm: no module $1 in $VM_KVER" >&2
	return 1
}

_vm_ko_cat() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# Add modules NAME... to DIR, decompressed, each after those it depends on
# (its .modinfo's depends=: Debian's package has no modules.dep, which
# depmod writes when the package is installed).
vm_modules() {
	local d=$1 n f deps dep base
	shift
	for n; do
		f=$(_vm_module_file "$n") || return 1
		[ -n "$f" ] || continue
		base=${f##*/}
		base=${base%%.ko*}.ko
		grep -qx "$base" "$d/etc/vm-modules" && continue
		_vm_ko_cat "$f" >"$d/lib/modules/$base" || return 1
		deps=$(tr '\0' '\n' <"$d/lib/modules/$base" | sed -n 's/^depends=//p' | tr , ' ')
		for dep in $deps; do vm_modules "$d" "$dep" || return 1; done
		echo "$base" >>"$d/etc/vm-modules"
	done
}

vm_scenario() { cp "$2" "$1/scenario"; }

# Pack tree DIR and boot it; the console goes to LOG without CRs.  Status 0
# when the scenario ran to its end (VM-END), 1 otherwise (LOG says why: a
# timeout, a panic, QEMU's own error).
vm_boot() {
	local d=$1 log=$2 secs=${3:-120} rc
	(cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$d.cpio" ||
		return 1
	# -nodefaults: no network card (its option ROM), no VGA; the serial port
	# is the only device.  -no-reboot with panic=-1: a guest that panics
	# ends QEMU at once instead of rebooting.
	timeout --kill-after=5 "$secs" qemu-system-x86_64 -accel "${VM_ACCEL:-tcg}" -m 512 -smp 1 \
		-nodefaults -no-user-config -nographic -no-reboot -serial stdio \
		-kernel "$VM_VMLINUZ" -initrd "$d.cpio" \
		-append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 | tr -d '\r' >"$log"
	rc=${PIPESTATUS[0]}
	rm -f "$d.cpio"
	[ "$rc" = 124 ] && echo "vm: no end after ${secs}s; stopped" >>"$log"
	grep -q '^VM-END=' "$log"
}

vm_value() { sed -n "s/^${2//./\\.}=//p" "$1" | tail -1; }
vm_output() { sed -n "s/^${2//./\\.}> //p" "$1"; }
