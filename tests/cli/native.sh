# Native 32-bit modes follow the kernel, on both kinds of host.  The same
# checks run twice in a private binfmt_misc: on this kernel as it is, and on
# this kernel made to run no 32-bit compat program at all (tests/fault/
# nocompat.c: a seccomp filter kills the first system call of another
# architecture, as an x86_64 kernel without IA-32 emulation or an arm64 CPU
# without AArch32 refuses them).  In each case the expectation comes from
# the kernel, asked without qus (each foreign busybox in an empty
# binfmt_misc), and qus must agree: targets, detect, register, check, the
# programs' own `uname -m`, qus run.  Every check names its case.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
NOCOMPAT=$QUS_ROOT/build-asan/tests/unit/nocompat
if ! have_fixtures || [ ! -x "$NOCOMPAT" ]; then
	skip "native 32-bit modes" "needs the busybox fixtures and build-asan (./setup.sh build fixtures)"
	done_testing
	exit 0
fi
host=$(host_target)
machine=$(uname -m)

# The simulation holds, or nothing below proves anything: no fixture runs
# natively under it, and the host's own programs still do.
for b in $BUSYBOXES; do
	deb=${b%%:*}
	# shellcheck disable=SC2016 # expanded by eval, inside check
	check "simulated kernel without 32-bit compat: busybox-static:$deb does not run natively" \
		eval '! KERNEL_SIM=$NOCOMPAT kernel_runs "$(busybox_path "$deb")" true'
done
check "simulated kernel without 32-bit compat: the host's own programs run" "$NOCOMPAT" /bin/true

# One case: $1 names it, KERNEL_SIM runs programs in it ("" for this kernel).
check_case() {
	local label=$1 b deb target uname bb runs want want_native want_uname natives=
	export KERNEL_SIM=$2
	"$QUS" unregister -q --all
	for b in $BUSYBOXES; do
		IFS=: read -r deb target uname <<<"$b"
		bb=$(busybox_path "$deb")
		# The kernel's answer, without qus.
		# shellcheck disable=SC2034 # want_uname is read through the eval below
		if kernel_runs "$bb" true; then
			runs=1 want_uname=$machine natives+=" $deb"
			if [ "$target" = "$host" ]; then want_native=host; else want_native=compat; fi
		else
			runs='' want_uname=$uname want_native=no
		fi
		is "$(native_kind "$target")" "$want_native" \
			"$label: qus's verdict on $target agrees with the kernel ($want_native; busybox-static:$deb $([ -n "$runs" ] && echo runs || echo "does not run") in an empty binfmt_misc)"
		run $KERNEL_SIM "$QUS" detect "$bb"
		is "$out" "$bb: $target${runs:+ (native)}" "$label: qus detect busybox-static:$deb says $target${runs:+ (native)}"
		eval "want_$deb=\$want_uname runs_$deb=\$runs"
	done
	case $natives in
	"") diag "$label: no fixture runs natively here" ;;
	*) diag "$label: natively run fixtures:$natives" ;;
	esac

	# register: every foreign target, never a native one.
	run $KERNEL_SIM "$QUS" register
	rc_is 0 "$label: qus register exits 0"
	local registered=$out
	for b in $BUSYBOXES; do
		IFS=: read -r deb target _ <<<"$b"
		eval "runs=\$runs_$deb"
		if [ -n "$runs" ]; then
			check "$label: $target runs natively, so it has no entry" test ! -e "$BM/qemu-$target"
			[ "$target" = "$host" ] && continue
			like "$(grep -o 'skipped as native: [^,]*' <<<"$registered")" " $target" \
				"$label: ... and register's summary lists it as skipped"
			run $KERNEL_SIM "$QUS" register "$target"
			like "$out" "qemu-$target: skipped: this $machine host runs $target programs natively" \
				"$label: ... and register $target says why it skips it"
		else
			check "$label: $target is foreign, so it is registered" test -e "$BM/qemu-$target"
		fi
	done

	# What each program prints: emulated, or the kernel's own machine.
	for b in $BUSYBOXES; do
		IFS=: read -r deb target _ <<<"$b"
		eval "want=\$want_$deb runs=\$runs_$deb"
		run $KERNEL_SIM "$(busybox_path "$deb")" uname -m
		is "$out" "$want" "$label: busybox-static:$deb uname -m says $want ($([ -n "$runs" ] && echo native || echo emulated))"
		run $KERNEL_SIM "$QUS" run -q -- "$(busybox_path "$deb")" uname -m
		is "$out" "$want" "$label: ... and the same under qus run"
	done

	# qus check: every fixture's target is ok, natively or through its entry.
	# shellcheck disable=SC2046 # word splitting wanted: one argument per target
	run $KERNEL_SIM "$QUS" check --json $(for b in $BUSYBOXES; do IFS=: read -r _ t _ <<<"$b" && echo "$t"; done | sort -u)
	rc_is 0 "$label: qus check of the fixtures' targets exits 0"
	for b in $BUSYBOXES; do
		IFS=: read -r deb target _ <<<"$b"
		eval "runs=\$runs_$deb"
		is "$(jq -r --arg t "$target" '.targets[] | select(.name == $t) | [.result, .native, (.entry != null)] | @csv' <<<"$out")" \
			"\"ok\",\"$([ -n "$runs" ] && { [ "$target" = "$host" ] && echo host || echo compat; } || echo no)\",$([ -n "$runs" ] && echo false || echo true)" \
			"$label: qus check $target: ok, $([ -n "$runs" ] && echo "native, without an entry" || echo "through its entry")"
	done
	"$QUS" unregister -q --all
	unset KERNEL_SIM
}

check_case "this kernel" ""
check_case "simulated kernel without 32-bit compat" "$NOCOMPAT"

# Both cases were really exercised: where this kernel runs a 32-bit mode,
# the two cases differ exactly there; where it runs none, they are one case
# and the native one cannot be made here (a kernel cannot be given IA-32).
native_here=$(for b in $BUSYBOXES; do kernel_runs "$(busybox_path "${b%%:*}")" true && echo "${b%%:*}"; done | tr '\n' ' ')
if [ -n "$native_here" ]; then
	diag "this kernel runs ${native_here% } natively: both cases were exercised"
else
	diag "this kernel runs no fixture natively: it is itself the case without 32-bit compat (the native case needs a kernel with it)"
fi

done_testing
