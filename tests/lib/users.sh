# shellcheck shell=bash
# Unprivileged users for the suites of `qus run`, created by the suite (as
# root) and removed when it ends:
#
#   QUS_USER        has subordinate id ranges in /etc/subuid and /etc/subgid
#   QUS_USER_PLAIN  has none (the single-id mapping)
#
#   users_create; trap users_remove EXIT
#   as_user USER CMD...      run CMD as USER (environment kept, no groups)
#   user_workdir USER        a fresh directory USER owns, readable by all
#   user_suite_begin         all of the above for a suite: users, $W (the
#                            work directory), $Q (qus copied there), U and P
#                            (run as QUS_USER / QUS_USER_PLAIN), sanitizer
#                            reports in $W/san; cleaned up (and the host's
#                            binfmt_misc restored) at exit
#
# The programs a user runs must be readable by it: user_workdir copies go
# there, never the checkout (which may sit below a private home).

QUS_USER=qus-test
QUS_USER_PLAIN=qus-plain
_USERS_CREATED=

# The first id after every range already in @file: a range of our own.
_free_subid_start() {
	awk -F: 'BEGIN { m = 200000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' "$1"
}

users_create() {
	local start
	if ! id -u $QUS_USER >/dev/null 2>&1; then
		useradd --no-create-home --shell /bin/sh $QUS_USER || return 1
		_USERS_CREATED+=" $QUS_USER"
	fi
	# useradd gives new users ranges where login.defs says so; make sure.
	if ! grep -q "^$QUS_USER:" /etc/subuid 2>/dev/null; then
		start=$(_free_subid_start /etc/subuid)
		usermod --add-subuids "$start-$((start + 65535))" $QUS_USER || return 1
	fi
	if ! grep -q "^$QUS_USER:" /etc/subgid 2>/dev/null; then
		start=$(_free_subid_start /etc/subgid)
		usermod --add-subgids "$start-$((start + 65535))" $QUS_USER || return 1
	fi
	if ! id -u $QUS_USER_PLAIN >/dev/null 2>&1; then
		# A system user: useradd gives it no subordinate ids.
		useradd --system --no-create-home --shell /bin/sh $QUS_USER_PLAIN || return 1
		_USERS_CREATED+=" $QUS_USER_PLAIN"
	fi
	sed -i "/^$QUS_USER_PLAIN:/d" /etc/subuid /etc/subgid
}

users_remove() {
	local u
	for u in $_USERS_CREATED; do
		pkill -KILL -u "$u" 2>/dev/null
		userdel "$u" 2>/dev/null
		# userdel of shadow 4.13 leaves the ranges behind.
		sed -i "/^$u:/d" /etc/subuid /etc/subgid
	done
	_USERS_CREATED=
}

# First subordinate uid and gid of a user: "uid gid".
user_subid_start() {
	echo "$(awk -F: -v u="$1" '$1 == u { print $2; exit }' /etc/subuid)" \
		"$(awk -F: -v u="$1" '$1 == u { print $2; exit }' /etc/subgid)"
}

as_user() {
	local u=$1
	shift
	setpriv --reuid "$u" --regid "$u" --clear-groups -- "$@"
}

user_workdir() {
	local d
	d=$(mktemp -d /tmp/qus-user.XXXXXX) || return 1
	chmod 755 "$d"
	chown "$1:" "$d"
	echo "$d"
}

user_suite_end() {
	hg_restore
	users_remove
	[ -n "${W:-}" ] && rm -rf "$W"
}

user_suite_begin() {
	W=
	hg_save
	trap user_suite_end EXIT
	trap 'user_suite_end; exit 130' INT TERM
	users_create || not_ok "creating the test users"
	W=$(user_workdir $QUS_USER)
	mkdir -p "$W/bin" "$W/san"
	chmod 1777 "$W/san"
	cp "$QUS" "$W/bin/qus"
	chmod 755 "$W/bin/qus"
	# shellcheck disable=SC2034 # the suites run qus as $Q
	Q=$W/bin/qus
	export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$W/san/asan"
	export UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$W/san/ubsan"
}

U() { as_user $QUS_USER "$@"; }
P() { as_user $QUS_USER_PLAIN "$@"; }
