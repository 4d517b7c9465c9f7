# shellcheck shell=bash
# Shared by the bench scripts: run cases in alternation, keep every sample,
# print medians, spreads and ratios as markdown table rows.
#
# A case NAME is a shell function case_NAME; an optional pre_NAME runs
# untimed before each of its runs.  Samples are wall-clock microseconds
# ($EPOCHREALTIME: no process is started to read the clock).

export LC_ALL=C
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The working directory: made by the first script, shared with the
# re-executions below it, removed by the one that made it.
if [ -z "${BW:-}" ]; then
	BW=$(mktemp -d)
	trap 'rm -rf "$BW"' EXIT
	trap 'rm -rf "$BW"; exit 130' INT TERM
fi

die() {
	echo "bench: $*" >&2
	exit 1
}

now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

# alternate ROUNDS CASE...: one warm-up round, then ROUNDS rounds, each
# running every case once in turn, so that drift of the machine (caches,
# other load) spreads over all cases alike.
alternate() {
	local rounds=$1 r c t0 t1
	shift
	for c; do : >"$BW/$c.us"; done
	for ((r = -1; r < rounds; r++)); do
		for c; do
			if declare -F "pre_$c" >/dev/null; then "pre_$c" >/dev/null 2>&1 || die "$c: set-up failed"; fi
			t0=${EPOCHREALTIME/./}
			"case_$c" >/dev/null 2>"$BW/$c.err" || die "$c failed: $(head -3 "$BW/$c.err")"
			t1=${EPOCHREALTIME/./}
			[ "$r" -ge 0 ] && echo $((t1 - t0)) >>"$BW/$c.us"
		done
	done
}

# median, 10th and 90th percentile of CASE's samples (microseconds).
stats() {
	sort -n "$BW/$1.us" | awk '{ v[NR] = $1 }
		function at(p,  i) { i = int(p * NR + 0.999999); if (i < 1) i = 1; return v[i] }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)
		      print m, at(0.1), at(0.9) }'
}
median() { local m _; read -r m _ < <(stats "$1"); echo "$m"; }

# Microseconds as a readable figure: "0.84 ms", "12.3 ms", "15.8 s".
human() {
	awk -v u="$1" 'BEGIN {
		if (u >= 1000000) printf "%.1f s", u / 1e6
		else if (u >= 10000) printf "%.1f ms", u / 1e3
		else printf "%.2f ms", u / 1e3 }'
}
spread() { # "median (p10-p90)"
	local m lo hi
	read -r m lo hi < <(stats "$1")
	echo "$(human "$m") ($(human "$lo")–$(human "$hi"))"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# row TITLE OURS ANCHOR_TITLE ANCHOR TARGET: a table row comparing two
# cases' medians; TARGET is the largest ratio that meets the goal ("" none).
# A ratio above TARGET by less than the anchor's own relative spread (half
# its p10-p90 range over its median, as a fraction of TARGET) is "within
# noise".
row() {
	local title=$1 ours=$2 atitle=$3 anchor=$4 target=$5 r met='' m lo hi
	r=$(ratio "$(median "$ours")" "$(median "$anchor")")
	if [ -n "$target" ]; then
		read -r m lo hi < <(stats "$anchor")
		# The unrounded ratio decides: 0.104 does not meet 0.10.
		met=$(awk -v r="$(median "$ours")" -v t="$target" -v m="$m" -v lo="$lo" -v hi="$hi" 'BEGIN {
			r /= m
			if (r <= t) print "yes"
			else if (r <= t * (1 + (hi - lo) / 2 / m)) print "within noise"
			else print "**no**" }')
	fi
	printf '| %s | %s | %s: %s | %s | %s | %s |\n' "$title" "$(spread "$ours")" \
		"$atitle" "$(spread "$anchor")" "$r" "${target:+≤ $target}" "$met"
}

# Run the rest of the calling script as root of a new user namespace with a
# binfmt_misc instance of its own (Linux >= 6.7): registering there is the
# same kernel work as on the host, and the host never sees it.
PRIVATE_BINFMT='mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 97
exec "$@"'
in_private_binfmt() {
	BENCH_PRIVATE=1 BW=$BW unshare --user --map-root-user --mount --propagation private -- \
		/bin/bash -c "$PRIVATE_BINFMT" bench "$@"
}
enter_private_binfmt() {
	[ -n "${BENCH_PRIVATE:-}" ] && return 0
	in_private_binfmt bash "$0" "$@"
	exit
}

# rounds=DEFAULT, or -n ROUNDS from the command line "$@" (the only option).
bench_rounds() {
	local o
	rounds=$1
	shift
	OPTIND=1
	while getopts n: o; do
		case $o in
		n) rounds=$OPTARG ;;
		*) exit 2 ;;
		esac
	done
}

# The release qus, built by ./setup.sh; benches never measure the sanitizer build.
QUS_REL=${QUS_REL:-$BENCH_ROOT/build-static/qus}
need_release_qus() { [ -x "$QUS_REL" ] || die "$QUS_REL is missing (run ./setup.sh build)"; }

# CPU seconds (user + system) COMMAND takes, children included.
cpu_s() { /usr/bin/time -f '%U %S' -o "$BW/cpu" "$@" >/dev/null 2>&1; awk '{ printf "%.2f", $1 + $2 }' "$BW/cpu"; }
# The floor for PACKAGE: decoding its data.tar.xz plus deflating each
# emulator (libdeflate, level 6, one after the other), in CPU seconds.
floor_of() {
	local x d
	x=$(cpu_s sh -c "dpkg-deb --fsys-tarfile '$1' >/dev/null")
	rm -rf "$BW/fl" && mkdir -p "$BW/fl" && dpkg-deb -x "$1" "$BW/fl"
	d=$(cpu_s sh -c "for f in '$BW'/fl/usr/bin/qemu-*; do [ -L \"\$f\" ] || libdeflate-gzip -6 -c \"\$f\"; done")
	rm -rf "$BW/fl"
	echo "$x $d"
}
