#!/usr/bin/env bash
# build.sh rebuilds the Debian fixture hosts in testdata/hosts/ with Debian's
# own tools. CI does not run it: its outputs are committed. See README.md for
# what each host demonstrates.
#
# Needs: root, Linux amd64, debootstrap, chroot, coreutils, md5sum; network
# access to a Debian mirror (deb.debian.org, falling back to
# archive.debian.org). Optional: sqlite3 on the build machine, to print the
# lastlog2/wtmpdb checks at the end.
#
# Takes: about 2 minutes the first time (three minbase debootstraps of ~30 s
# each, then apt-get of sudo/faketime/wtmpdb/lastlog2), under a minute when
# the base chroots are reused. Uses about 3 GB under $SCRATCH
# (AUDITFLEET_DEBOOTSTRAP_DIR, default /var/tmp/auditfleet-debootstrap).
#
# How: each suite is debootstrapped once into $SCRATCH/base/<suite> (reused
# when present; delete it to start over). Every host gets a fresh copy in
# $SCRATCH/work/<host>, where accounts, groups, passwords, expiry dates and
# login records are made with the chroot's own useradd, usermod, chage,
# groupadd, gpasswd, lastlog, wtmpdb and lastlog2. Only the small files the
# collectors read are then copied into testdata/hosts/<host>/.
#
# Tool notes:
#   - wtmp is written by util-linux's `utmpdump -r` from a text dump with
#     explicit timestamps. Debian 13 ships no utmpdump any more, so its wtmp
#     is undumped with the bookworm chroot's utmpdump (same struct utmp).
#   - lastlog on Debian 11/12 is written by `lastlog --set -u USER` under
#     libfaketime (LD_PRELOAD with a frozen FAKETIME; the faketime wrapper
#     needs /dev/shm, which a bare chroot lacks). `lastlog --set` records
#     the time with tty "lastlog" and host "localhost".
#   - Debian 13 has no lastlog command (its login package is now built from
#     util-linux, without lastlog), so its legacy
#     lastlog is written by a documented perl struct writer (perl-base is in
#     minbase; see write_lastlog), then `lastlog2 --import`ed; the wtmp is
#     `wtmpdb import`ed; both legacy files are then truncated to 0 bytes, as
#     on a real Debian 13. Debian 13's wtmpdb keeps its database in
#     /var/log/wtmp.db, with /var/lib/wtmpdb/wtmp.db a symlink to it; both
#     are kept in the fixture.
#   - Password hashes are real crypt(3) hashes made by the chroot's libcrypt
#     through perl's crypt() with fixed salts, so reruns give the same
#     bytes: sha512crypt on Debian 11, yescrypt (the default since 12) on 12
#     and 13. Each fixture password is "fixture-<user>".
#   - Every date in shadow and in the login records is fixed below; system
#     accounts' "last changed" dates are reset to the host's install date.
#
# Usage: testdata/hosts/build.sh [host...]   (default: all hosts)

# The single-quoted awk and perl programs are meant literally.
# shellcheck disable=SC2016

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SCRATCH=${AUDITFLEET_DEBOOTSTRAP_DIR:-/var/tmp/auditfleet-debootstrap}
MIRRORS=(http://deb.debian.org/debian http://archive.debian.org/debian)
ALL_HOSTS=(debian11-eol debian12-lts debian13-lastlog2 uid0-empty expired-account all-pass)

# Fixed public keys (the private halves were discarded when generated).
KEY_HANA='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDvIKItnjjS5ZGpvFR6Y3Lj884YuzbxrQ1qvTmhl5tC8 hana@workstation'
KEY_CAROL='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBRDjzc/v06poOnEwBgmFH9f4kdWhddJyheT7qOgOXZN carol@workstation'
KEY_OLDUSER='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDjWoyh/5Ouko8lHGOP98eyPWBKiZfBjX1JHtsRbAjcK olduser@workstation'

log() { echo "build.sh: $*" >&2; }
die() {
	log "$*"
	exit 1
}

# ---------------------------------------------------------------- bases

# base SUITE makes $SCRATCH/base/SUITE: a minbase debootstrap plus the
# packages the host setup needs. It is reused when already complete.
base() {
	local suite=$1 dir=$SCRATCH/base/$1
	[[ -e $dir/.auditfleet-base-ok ]] && return 0
	if [[ ! -e $dir/.auditfleet-debootstrap-ok ]]; then
		local m ok=
		for m in "${MIRRORS[@]}"; do
			rm -rf "$dir"
			mkdir -p "$dir"
			log "debootstrap $suite from $m"
			if debootstrap --variant=minbase "$suite" "$dir" "$m" >"$SCRATCH/debootstrap-$suite.log" 2>&1; then
				ok=1
				break
			fi
			log "debootstrap $suite from $m failed (see $SCRATCH/debootstrap-$suite.log)"
		done
		[[ $ok ]] || die "debootstrap $suite failed from every mirror"
		touch "$dir/.auditfleet-debootstrap-ok"
	fi
	# sudo gives the hosts a real /etc/sudoers. Debian 11/12 need faketime
	# for lastlog --set. On Debian 13 the tools were found with
	# `apt-cache search wtmpdb` and `apt-cache search lastlog2`: the
	# packages "wtmpdb" and "lastlog2" ship /usr/bin/wtmpdb and
	# /usr/bin/lastlog2.
	local pkgs=(sudo)
	case $suite in
	trixie) pkgs+=(wtmpdb lastlog2) ;;
	*) pkgs+=(faketime) ;;
	esac
	log "installing ${pkgs[*]} into $suite"
	chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q update >"$SCRATCH/apt-$suite.log" 2>&1
	chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${pkgs[@]}" >>"$SCRATCH/apt-$suite.log" 2>&1 ||
		die "apt-get install in $suite failed (see $SCRATCH/apt-$suite.log)"
	local tool
	for tool in useradd usermod chage groupadd gpasswd perl; do
		chroot "$dir" sh -c "command -v $tool" >/dev/null || die "$suite has no $tool"
	done
	case $suite in
	trixie) for tool in wtmpdb lastlog2; do chroot "$dir" sh -c "command -v $tool" >/dev/null || die "$suite has no $tool"; done ;;
	*) for tool in lastlog utmpdump; do chroot "$dir" sh -c "command -v $tool" >/dev/null || die "$suite has no $tool"; done ;;
	esac
	touch "$dir/.auditfleet-base-ok"
}

# ---------------------------------------------------------------- helpers
# These act on the current host: $ROOT (its chroot), $SUITE, $DUMP (the
# utmpdump text that becomes wtmp) and $LASTLOG_TODO (logins for lastlog).

# in_root runs a command inside $ROOT with a clean UTC environment.
in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC LC_ALL=C "$@"
}

# new_host NAME SUITE INSTALL_DATE starts a fresh copy of the suite's base.
# System accounts get INSTALL_DATE as their password "last changed" date.
new_host() {
	HOST=$1 SUITE=$2
	ROOT=$SCRATCH/work/$HOST
	DUMP=$SCRATCH/work/$HOST.wtmp.txt
	LASTLOG_TODO=$SCRATCH/work/$HOST.lastlog.txt
	log "host $HOST ($SUITE)"
	rm -rf "$ROOT"
	mkdir -p "$SCRATCH/work"
	cp -a "$SCRATCH/base/$SUITE" "$ROOT"
	: >"$DUMP"
	: >"$LASTLOG_TODO"
	echo "$HOST" >"$ROOT/etc/hostname"
	# A fixed fake machine ID: the MD5 of the host name.
	printf '%s' "$HOST" | md5sum | cut -c1-32 >"$ROOT/etc/machine-id"
	local user
	for user in $(in_root awk -F: '$3 != "" { print $1 }' /etc/shadow); do
		in_root chage -d "$3" "$user"
	done
}

# crypt_hash USER prints a crypt(3) hash of "fixture-USER" made by the
# chroot's libcrypt with a fixed salt derived from USER.
crypt_hash() {
	local salt setting
	case $SUITE in
	bullseye)
		salt=$(printf '%s' "$1.auditfleet" | tr -cd 'a-zA-Z0-9./' | cut -c1-16)
		setting="\$6\$$salt\$"
		;;
	*)
		# 22 salt characters encode 16 bytes: the last one must be "."
		# (its spare bits zero) or libxcrypt rejects the setting.
		salt=$(printf '%s' "$1.auditfleet.fixture.salt.00000000" | tr -cd 'a-zA-Z0-9./' | cut -c1-21).
		setting="\$y\$j9T\$$salt\$"
		;;
	esac
	in_root perl -e 'my $h = crypt($ARGV[0], $ARGV[1]); die "crypt failed\n" if !defined $h || $h !~ /^\$/; print $h' "fixture-$1" "$setting"
}

# add_user NAME UID CREATED [empty] adds an interactive user with a home,
# a bash shell and a password (or an empty password field with "empty"),
# whose password was last changed on CREATED.
add_user() {
	local name=$1 uid=$2 created=$3 pw=${4:-set}
	in_root useradd -m -u "$uid" -U -s /bin/bash -c "$name,,," "$name"
	if [[ $pw == empty ]]; then
		in_root usermod -p '' "$name"
	else
		local hash
		hash=$(crypt_hash "$name")
		in_root usermod -p "$hash" "$name"
	fi
	in_root chage -d "$created" "$name"
}

# add_group NAME GID MEMBER... adds a group and its supplementary members.
add_group() {
	local name=$1 gid=$2 m
	shift 2
	in_root groupadd -g "$gid" "$name"
	for m in "$@"; do
		in_root gpasswd -a "$m" "$name" >/dev/null
	done
}

# add_key USER KEY installs an authorized_keys file for USER.
add_key() {
	local home
	home=$(in_root getent passwd "$1" | cut -d: -f6)
	mkdir -p "$ROOT$home/.ssh"
	printf '%s\n' "$2" >"$ROOT$home/.ssh/authorized_keys"
	in_root chown -R "$1:$1" "$home/.ssh"
	in_root chmod 700 "$home/.ssh"
	in_root chmod 600 "$home/.ssh/authorized_keys"
}

# boot TIME KERNEL adds a reboot record to the wtmp dump.
boot() {
	printf '[2] [00000] [~~  ] [%-8s] [%-12s] [%-20s] [%-15s] [%s,000000+00:00]\n' \
		reboot '~' "$2" 0.0.0.0 "$1" >>"$DUMP"
}

# login USER PID TTY FROM START END [wtmp-only] adds an SSH session to the
# wtmp dump (a USER_PROCESS record at START and a DEAD_PROCESS at END; times
# as YYYY-MM-DDTHH:MM:SS UTC) and, unless "wtmp-only", to the lastlog list.
# Call it in time order: the last login of a user wins in lastlog.
login() {
	local user=$1 pid=$2 tty=$3 from=$4 start=$5 end=$6 only=${7:-}
	local id=${tty: -4}
	printf '[7] [%05d] [%-4s] [%-8s] [%-12s] [%-20s] [%-15s] [%s,000000+00:00]\n' \
		"$pid" "$id" "$user" "$tty" "$from" "$from" "$start" >>"$DUMP"
	printf '[8] [%05d] [%-4s] [%-8s] [%-12s] [%-20s] [%-15s] [%s,000000+00:00]\n' \
		"$pid" "$id" "" "$tty" "" 0.0.0.0 "$end" >>"$DUMP"
	[[ $only == wtmp-only ]] || printf '%s %s %s %s\n' "$user" "$start" "$tty" "$from" >>"$LASTLOG_TODO"
}

# write_wtmp turns the dump into /var/log/wtmp with utmpdump -r (bookworm's
# on Debian 13, which has none).
write_wtmp() {
	local tool_root=$ROOT
	[[ $SUITE == trixie ]] && tool_root=$SCRATCH/base/bookworm
	chroot "$tool_root" /usr/bin/env -i PATH=/usr/bin:/bin TZ=UTC utmpdump -r <"$DUMP" >"$ROOT/var/log/wtmp" 2>/dev/null
}

# write_lastlog writes /var/log/lastlog from the lastlog list.
#
# Debian 11/12: lastlog --set -u USER under libfaketime frozen at the login
# time (the record then has the time but no tty or host).
#
# Debian 13 (no lastlog command): a perl struct writer. /var/log/lastlog is
# an array of struct lastlog indexed by UID; on amd64 glibc each record is
# 292 bytes: int32 ll_time (seconds since the epoch, little-endian),
# char ll_line[32], char ll_host[256], NUL-padded. The file stays sparse.
write_lastlog() {
	local user start tty from
	while read -r user start tty from; do
		if [[ $SUITE == trixie ]]; then
			in_root perl -e '
				use strict;
				my ($file, $uid, $t, $line, $host) = @ARGV;
				open(my $f, "+<", $file) or die "open $file: $!\n";
				binmode $f;
				seek($f, $uid * 292, 0) or die "seek: $!\n";
				print $f pack("l< a32 a256", $t, $line, $host) or die "write: $!\n";
				close($f) or die "close: $!\n";
			' /var/log/lastlog "$(in_root id -u "$user")" "$(date -u -d "$start" +%s)" "$tty" "$from"
		else
			local lib
			lib=$(in_root dpkg -L libfaketime | grep '/libfaketime\.so\.1$')
			in_root env LD_PRELOAD="$lib" FAKETIME="$(date -u -d "$start" '+%Y-%m-%d %H:%M:%S')" \
				lastlog --set -u "$user"
		fi
	done <"$LASTLOG_TODO"
}

# finish_logins writes wtmp and lastlog; on Debian 13 it imports them into
# wtmpdb and lastlog2 and empties the legacy files.
finish_logins() {
	write_wtmp
	write_lastlog
	if [[ $SUITE == trixie ]]; then
		# Debian 13's wtmpdb (0.73.0-3+deb13u1) keeps its database in
		# /var/log/wtmp.db; /var/lib/wtmpdb/wtmp.db, the upstream path, is a
		# symlink to it made by /usr/lib/tmpfiles.d/wtmpdb.conf.
		[[ -L $ROOT/var/lib/wtmpdb/wtmp.db ]] || die "$HOST: no /var/lib/wtmpdb/wtmp.db symlink"
		mkdir -p "$ROOT/var/lib/lastlog"
		rm -f "$ROOT/var/log/wtmp.db" "$ROOT/var/lib/lastlog/lastlog2.db"
		in_root wtmpdb import /var/log/wtmp
		in_root lastlog2 --import /var/log/lastlog
		: >"$ROOT/var/log/wtmp"
		: >"$ROOT/var/log/lastlog"
	fi
}

# export_host copies the files collectors read into testdata/hosts/$HOST.
export_host() {
	local out=$HERE/$HOST f
	rm -rf "$out"
	mkdir -p "$out"
	copy() {
		local src=$ROOT/$1
		[[ -f $src && ! -L $src ]] || return 0
		install -D -m 0644 "$src" "$out/$1"
	}
	copy usr/lib/os-release
	[[ $(readlink "$ROOT/etc/os-release") == ../usr/lib/os-release ]] || die "$HOST: unexpected etc/os-release"
	mkdir -p "$out/etc"
	ln -s ../usr/lib/os-release "$out/etc/os-release"
	for f in debian_version hostname machine-id passwd shadow group gshadow sudoers ssh/sshd_config; do
		copy "etc/$f"
	done
	if [[ -d $ROOT/etc/sudoers.d ]]; then
		for f in "$ROOT"/etc/sudoers.d/*; do
			[[ -f $f ]] && copy "etc/sudoers.d/${f##*/}"
		done
	fi
	for f in "$ROOT"/home/*/.ssh/authorized_keys; do
		[[ -f $f ]] && copy "${f#"$ROOT"/}"
	done
	for f in var/log/lastlog var/log/wtmp var/lib/lastlog/lastlog2.db var/log/wtmp.db var/lib/wtmpdb/wtmp.db; do
		copy "$f"
	done
	if [[ -L $ROOT/var/lib/wtmpdb/wtmp.db ]]; then
		mkdir -p "$out/var/lib/wtmpdb"
		ln -s "$(readlink "$ROOT/var/lib/wtmpdb/wtmp.db")" "$out/var/lib/wtmpdb/wtmp.db"
	fi
	# A backup regime (rsnapshot to NFS, a restore-test record): text files,
	# see backups.sh.
	"$HERE/backups.sh" "$out"
	# and a persistent journal (see logging.sh).
	"$HERE/logging.sh" "$out"
	# sqlite may leave journal files; a finished database has none.
	[[ -z $(find "$out" -name '*-journal' -o -name '*-wal') ]] || die "$HOST: sqlite journal left behind"
	local size
	size=$(du -sb "$out" | cut -f1)
	((size < 1000000)) || die "$HOST: $size bytes, want under 1 MB"
	log "$HOST: exported $size bytes"
}

# verify prints the login records as the host's own tools (and sqlite3)
# see them, for a human to compare with README.md.
verify() {
	echo "=== $HOST"
	if [[ $SUITE == trixie ]]; then
		in_root wtmpdb last -F
		in_root lastlog2
		if command -v sqlite3 >/dev/null; then
			sqlite3 "$HERE/$HOST/var/lib/wtmpdb/wtmp.db" \
				"SELECT User, Type, Login, Logout, TTY, RemoteHost FROM wtmp ORDER BY Login"
			sqlite3 "$HERE/$HOST/var/lib/lastlog/lastlog2.db" \
				"SELECT Name, datetime(Time, 'unixepoch'), TTY, RemoteHost FROM Lastlog2 ORDER BY Name"
		fi
		ls -l "$HERE/$HOST/var/log/wtmp" "$HERE/$HOST/var/log/lastlog"
	else
		in_root utmpdump /var/log/wtmp 2>/dev/null
		in_root lastlog
	fi
	grep -v ':[*!]' "$HERE/$HOST/etc/shadow" || true
}

# ---------------------------------------------------------------- hosts
# Evaluation time in the scan tests: 2026-11-20T12:00:00Z; dormancy: 45 days.

host_debian11_eol() {
	new_host debian11-eol bullseye 2022-03-14
	add_user hana 1000 2025-02-03
	add_group developers 1050 hana
	add_key hana "$KEY_HANA"
	boot 2026-10-30T07:58:12 5.10.0-35-amd64
	login hana 2101 pts/0 192.0.2.10 2026-10-30T08:30:00 2026-10-30T12:10:00
	login hana 3377 pts/0 192.0.2.10 2026-11-19T08:30:00 2026-11-19T09:15:00
	finish_logins
}

host_debian12_lts() {
	new_host debian12-lts bookworm 2024-02-12
	add_user hana 1000 2025-02-03
	add_group developers 1050 hana
	add_key hana "$KEY_HANA"
	boot 2026-11-01T06:02:40 6.1.0-41-amd64
	login hana 1822 pts/0 192.0.2.10 2026-11-02T08:30:00 2026-11-02T17:05:00
	login hana 4410 pts/1 192.0.2.10 2026-11-19T08:30:00 2026-11-19T09:15:00
	finish_logins
}

host_debian13_lastlog2() {
	new_host debian13-lastlog2 trixie 2025-09-01
	add_user carol 1000 2025-09-15
	add_user dave 1001 2025-09-15
	add_user erin 1002 2026-01-10
	add_user frank 1003 2025-09-15
	add_group developers 1050 carol dave frank
	add_key carol "$KEY_CAROL"
	boot 2026-07-27T05:40:00 6.12.57+deb13-amd64
	login dave 1500 pts/0 198.51.100.23 2026-08-01T10:05:00 2026-08-01T11:45:00
	boot 2026-11-09T05:41:10 6.12.57+deb13-amd64
	login carol 2240 pts/0 192.0.2.30 2026-11-15T09:12:00 2026-11-15T10:02:00
	login frank 2318 pts/1 192.0.2.31 2026-11-18T14:20:00 2026-11-18T15:00:00 wtmp-only
	finish_logins
}

host_uid0_empty() {
	new_host uid0-empty bookworm 2024-02-12
	add_user hana 1000 2025-02-03
	add_key hana "$KEY_HANA"
	# An extra UID 0 account: useradd -o -u 0 (shares root's lastlog slot).
	in_root useradd -o -u 0 -g 0 -M -d /root -s /bin/bash -c 'toor,,,' toor
	local hash
	hash=$(crypt_hash toor)
	in_root usermod -p "$hash" toor
	in_root chage -d 2025-06-20 toor
	add_user guest 1001 2025-06-20 empty
	boot 2026-11-14T06:00:00 6.1.0-41-amd64
	login toor 2051 pts/0 192.0.2.66 2026-11-16T22:10:00 2026-11-16T22:40:00
	login guest 2110 pts/1 203.0.113.5 2026-11-17T13:00:00 2026-11-17T13:20:00
	login hana 2304 pts/0 192.0.2.10 2026-11-19T08:30:00 2026-11-19T09:15:00
	finish_logins
}

host_expired_account() {
	new_host expired-account bookworm 2024-02-12
	add_user olduser 1000 2024-03-01
	add_user gina 1001 2025-02-03
	add_key olduser "$KEY_OLDUSER"
	in_root chage -E 2025-06-30 olduser
	boot 2024-12-30T06:00:00 6.1.0-28-amd64
	login olduser 1733 pts/0 192.0.2.44 2025-01-01T09:00:00 2025-01-01T09:40:00
	boot 2026-11-05T06:00:00 6.1.0-41-amd64
	login gina 2802 pts/0 192.0.2.45 2026-11-10T10:00:00 2026-11-10T16:30:00
	finish_logins
}

host_all_pass() {
	new_host all-pass trixie 2025-09-01
	add_user hana 1000 2025-09-15
	add_group developers 1050 hana
	add_key hana "$KEY_HANA"
	boot 2026-11-16T05:45:00 6.12.57+deb13-amd64
	login hana 1990 pts/0 192.0.2.10 2026-11-19T08:30:00 2026-11-19T09:15:00
	finish_logins
}

# ---------------------------------------------------------------- main

main() {
	[[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot)"
	command -v debootstrap >/dev/null || die "needs debootstrap (apt-get install debootstrap)"
	local hosts=("$@") h
	((${#hosts[@]})) || hosts=("${ALL_HOSTS[@]}")
	mkdir -p "$SCRATCH/base"
	# Debian 13's wtmp is undumped with bookworm's utmpdump, so bookworm is
	# always needed.
	base bookworm
	for h in "${hosts[@]}"; do
		case $h in
		debian11-eol) base bullseye ;;
		debian13-lastlog2 | all-pass) base trixie ;;
		esac
	done
	for h in "${hosts[@]}"; do
		case $h in
		debian11-eol | debian12-lts | debian13-lastlog2 | uid0-empty | expired-account | all-pass) ;;
		*) die "unknown host $h (want one of ${ALL_HOSTS[*]})" ;;
		esac
		"host_${h//-/_}"
		export_host
		verify
	done
}

main "$@"
