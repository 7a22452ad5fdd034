#!/usr/bin/env bash
# make-fixtures.sh builds the small host roots under roots/ that the accounts
# collector tests read. CI does not run it: its output is committed. Run it
# again after changing it; it rebuilds every root from scratch and gives the
# same bytes each time (SSH keys are generated once into keys/ and reused).
#
# Real tools make the files wherever they can:
#   useradd/usermod/groupadd --prefix, chage --root  passwd, shadow, group, gshadow
#   openssl passwd                                   password hashes
#   ssh-keygen                                       public keys (keys/*.pub)
#   utmpdump -r                                      wtmp from its text dump
#   sqlite3                                          lastlog2.db and wtmp.db with the
#                                                    upstream CREATE TABLE statements
# lastlog is written with a short python3 struct.pack (see write_lastlog):
# "lastlog --set" can only stamp the current time inside a chroot.
#
# Needs (Debian 12): passwd, openssl, openssh-client, util-linux, sqlite3,
# python3. Run as root (chage --root chroots).
set -euo pipefail
export TZ=UTC LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
roots=$here/roots
keys=$here/keys
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- helpers ---------------------------------------------------------------

# key NAME TYPE COMMENT: print keys/NAME.pub, generating it the first time.
key() {
	local name=$1 type=$2 comment=$3
	mkdir -p "$keys"
	if [[ ! -f $keys/$name.pub ]]; then
		local bits=()
		[[ $type == rsa ]] && bits=(-b 3072)
		ssh-keygen -q -t "$type" "${bits[@]}" -N '' -C "$comment" -f "$work/$name"
		cp "$work/$name.pub" "$keys/$name.pub"
	fi
	cat "$keys/$name.pub"
}

# base_etc ROOT: the accounts every Debian system has (from base-passwd).
base_etc() {
	local r=$1
	mkdir -p "$r/etc"
	cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
	cat >"$r/etc/shadow" <<'EOF'
root:*:19800:0:99999:7:::
daemon:*:19800:0:99999:7:::
bin:*:19800:0:99999:7:::
sys:*:19800:0:99999:7:::
sync:*:19800:0:99999:7:::
www-data:*:19800:0:99999:7:::
nobody:*:19800:0:99999:7:::
EOF
	cat >"$r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
sudo:x:27:
www-data:x:33:
users:x:100:
nogroup:x:65534:
EOF
	sed 's/:x:[0-9]*:.*$/:*::/' "$r/etc/group" >"$r/etc/gshadow"
	cp /etc/login.defs "$r/etc/login.defs" # useradd reads it; removed by tidy_etc
}

# add_user ROOT NAME UID SHELL HASH CHANGED [useradd options...]: a user with
# its own group, home /home/NAME, password HASH and last change CHANGED.
add_user() {
	local r=$1 name=$2 uid=$3 shell=$4 hash=$5 changed=$6
	shift 6
	useradd --prefix "$r" -u "$uid" -U -d "/home/$name" -s "$shell" "$@" "$name"
	usermod --prefix "$r" -p "$hash" "$name"
	chage --root "$r" -d "$changed" "$name"
}

# tidy_etc ROOT: drop the backups and lock files the shadow tools leave.
tidy_etc() {
	rm -f "$1"/etc/{passwd,shadow,group,gshadow}- "$1"/etc/.pwd.lock "$1/etc/login.defs"
}

# write_lastlog FILE UID:EPOCH:LINE:HOST...: a sparse lastlog with one
# 292-byte record (int32 ll_time, char ll_line[32], char ll_host[256],
# little-endian) at offset uid*292 per argument.
write_lastlog() {
	python3 - "$@" <<'EOF'
import struct, sys
path, recs = sys.argv[1], sys.argv[2:]
with open(path, "wb") as f:
    for rec in recs:
        uid, t, line, host = rec.split(":", 3)
        f.seek(int(uid) * 292)
        f.write(struct.pack("<i32s256s", int(t), line.encode(), host.encode()))
EOF
}

hash_sha512() { openssl passwd -6 -salt "$1" "$2"; }
hash_md5() { openssl passwd -1 -salt "$1" "$2"; }
# A yescrypt hash of "fixture-password" made once with crypt(3) (openssl
# cannot make one).
yescrypt='$y$j9T$Wq3bV1pL9xK2mN8rT5yZ0.$gN07.Jf3JKf2Tz82l3FsD0UWc./cJNf8tfiRibQFQL/'

# --- roots/debian12: legacy sources (lastlog, wtmp, wtmp.1) ----------------
r=$roots/debian12
rm -rf "$r"
base_etc "$r"
groupadd --prefix "$r" -g 1100 ops
groupadd --prefix "$r" -g 1101 ci
add_user "$r" alice 1000 /bin/bash "$yescrypt" 2024-12-01 -c 'Alice Admin,,,' -G sudo,adm
add_user "$r" bob 1001 /bin/bash "$(hash_sha512 bobsalt bobpw)" 2024-11-20 -c 'Bob Ops,,,' -G ops
add_user "$r" carol 1002 /bin/bash "$yescrypt" 2024-11-01 -c 'Carol New,,,'
add_user "$r" dave 1003 /bin/bash "$yescrypt" 2023-06-01 -c 'Dave Leaver,,,' -G ops
add_user "$r" eve 1004 /bin/bash "!$(hash_sha512 evesalt evepw)" 2024-02-01 -c 'Eve Locked,,,'
add_user "$r" mallory 1005 /bin/bash '' 2024-10-01
add_user "$r" deploy 1006 /bin/bash '!' 2024-09-01 -c 'CI deploy' -G ci
useradd --prefix "$r" -o -u 0 -g 0 -d /root -s /bin/sh -c 'extra root' toor
usermod --prefix "$r" -p "$(hash_md5 toorsalt toorpw)" toor
chage --root "$r" -d 2023-01-01 toor
chage --root "$r" -d 0 carol                         # must change at next login
chage --root "$r" -E 2024-06-30 dave                 # expired account
chage --root "$r" -M 90 -I 30 bob                    # password ageing
usermod --prefix "$r" -s '' mallory                  # empty shell means /bin/sh
# eve is in sudo only through gshadow.
sed -i 's/^sudo:\*::\(.*\)$/sudo:*::\1,eve/' "$r/etc/gshadow"
tidy_etc "$r"

mkdir -p "$r/etc/sudoers.d"
cat >"$r/etc/sudoers" <<'EOF'
#
# This file MUST be edited with the 'visudo' command as root.
#
Defaults	env_reset
Defaults	mail_badpass
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
Defaults:deploy	!requiretty

# User alias specification
User_Alias	DEPLOYERS = deploy, %ci

# Cmnd alias specification
Cmnd_Alias	SERVICES = /usr/bin/systemctl restart nginx, \
		   /usr/bin/systemctl reload nginx
Cmnd_Alias	EVERYTHING = ALL

# User privilege specification
root	ALL=(ALL:ALL) ALL

# Allow members of group sudo to execute any command
%sudo	ALL=(ALL:ALL) ALL

DEPLOYERS	ALL=(root) NOPASSWD: SERVICES
carol	ALL=(postgres) ALL	# all commands, but only as postgres

@includedir /etc/sudoers.d
EOF
cat >"$r/etc/sudoers.d/README" <<'EOF'
#
# Files in this directory are read by sudo; names ending in ~ or
# containing a . are skipped.
#
EOF
cat >"$r/etc/sudoers.d/ops" <<'EOF'
# ops team
bob	ALL=(ALL) NOPASSWD: ALL
%ops, !dave	ALL=(root) NOPASSWD: /usr/bin/journalctl, \
		/usr/bin/systemctl status *, PASSWD: /usr/bin/apt
#include legacy-root
EOF
cat >"$r/etc/sudoers.d/legacy-root" <<'EOF'
toor ALL = EVERYTHING
EOF
echo 'dave ALL=(ALL) NOPASSWD: ALL' >"$r/etc/sudoers.d/ops.dpkg-old"
echo 'eve ALL=(ALL) NOPASSWD: ALL' >"$r/etc/sudoers.d/ops~"

mkdir -p "$r/etc/ssh/sshd_config.d" "$r/etc/ssh/authorized_keys"
cat >"$r/etc/ssh/sshd_config" <<'EOF'
Include /etc/ssh/sshd_config.d/*.conf

PermitRootLogin prohibit-password
#AuthorizedKeysFile	.ssh/authorized_keys .ssh/authorized_keys2
AuthorizedKeysFile /dev/null

Match User backup
	AuthorizedKeysFile /etc/ssh/backup_keys
EOF
cat >"$r/etc/ssh/sshd_config.d/10-keys.conf" <<'EOF'
# Keys in home directories and in a root-owned directory.
AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/authorized_keys/%u
EOF
for h in root home/alice home/bob home/eve; do mkdir -p "$r/$h/.ssh"; done
key root-ed25519 ed25519 root@admin-laptop >"$r/root/.ssh/authorized_keys"
{
	echo '# alice'
	key alice-ed25519 ed25519 alice@laptop
	echo 'this line is not a key'
	echo
	key alice-rsa rsa alice@old-desktop
} >"$r/home/alice/.ssh/authorized_keys"
key bob-ed25519 ed25519 bob@laptop >"$r/home/bob/.ssh/authorized_keys2" # not in AuthorizedKeysFile
key eve-ecdsa ecdsa eve@phone >"$r/home/eve/.ssh/authorized_keys"
echo "from=\"192.0.2.0/24\",command=\"/usr/local/bin/deploy\",no-pty $(key deploy-ed25519 ed25519 ci@build)" \
	>"$r/etc/ssh/authorized_keys/deploy"

mkdir -p "$r/var/log"
write_lastlog "$r/var/log/lastlog" \
	"0:$(date -d 2024-12-20T08:00:00Z +%s):tty1:" \
	"1000:$(date -d 2025-01-09T09:15:00Z +%s):pts/0:192.0.2.10" \
	"1001:$(date -d 2025-01-15T17:45:00Z +%s):pts/1:198.51.100.7"
utmpdump -r >"$r/var/log/wtmp" 2>/dev/null <<'EOF'
[2] [00000] [~~  ] [reboot  ] [~           ] [6.1.0-28-amd64      ] [0.0.0.0        ] [2025-01-08T07:59:00,000000+00:00]
[6] [00612] [tty1] [LOGIN   ] [tty1        ] [                    ] [0.0.0.0        ] [2025-01-08T07:59:10,000000+00:00]
[7] [01234] [ts/0] [alice   ] [pts/0       ] [192.0.2.10          ] [192.0.2.10     ] [2025-01-10T10:00:00,000000+00:00]
[8] [01234] [ts/0] [        ] [pts/0       ] [                    ] [0.0.0.0        ] [2025-01-10T11:30:00,000000+00:00]
[7] [01301] [ts/1] [bob     ] [pts/1       ] [198.51.100.7        ] [198.51.100.7   ] [2025-01-12T14:00:00,000000+00:00]
[7] [01377] [ts/2] [toor    ] [pts/2       ] [203.0.113.5         ] [203.0.113.5    ] [2025-01-13T02:13:00,000000+00:00]
EOF
utmpdump -r >"$r/var/log/wtmp.1" 2>/dev/null <<'EOF'
[7] [00901] [ts/0] [dave    ] [pts/0       ] [192.0.2.44          ] [192.0.2.44     ] [2024-03-01T16:20:00,000000+00:00]
[7] [00955] [ts/0] [alice   ] [pts/0       ] [192.0.2.10          ] [192.0.2.10     ] [2024-12-02T09:00:00,000000+00:00]
EOF

# --- roots/debian13: lastlog2 and wtmpdb only ------------------------------
# As on Debian 13: /var/log/lastlog and /var/log/wtmp exist but are empty.
r=$roots/debian13
rm -rf "$r"
base_etc "$r"
add_user "$r" alice 1000 /bin/bash "$yescrypt" 2025-03-01 -G sudo
add_user "$r" bob 1001 /bin/bash "$yescrypt" 2025-03-02
add_user "$r" carol 1002 /bin/bash "$yescrypt" 2025-03-03
add_user "$r" frank 1003 /bin/bash "$yescrypt" 2024-01-05
useradd --prefix "$r" -r -u 998 -U -d /var/lib/svc -s /usr/sbin/nologin svc
chage --root "$r" -d 2025-03-01 svc
tidy_etc "$r"
cat >"$r/etc/sudoers" <<'EOF'
Defaults	use_pty
root	ALL=(ALL:ALL) ALL
%sudo	ALL=(ALL:ALL) ALL
@includedir /etc/sudoers.d
EOF
mkdir -p "$r/home/alice/.ssh"
key debian13-alice ed25519 alice@debian13 >"$r/home/alice/.ssh/authorized_keys2" # default AuthorizedKeysFile
mkdir -p "$r/var/log" "$r/var/lib/lastlog" "$r/var/lib/wtmpdb"
: >"$r/var/log/lastlog"
: >"$r/var/log/wtmp"
# lastlog2.db in WAL mode (the collector must not create -wal/-shm files).
sqlite3 "$r/var/lib/lastlog/lastlog2.db" >/dev/null <<EOF
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT);
REPLACE INTO Lastlog2 VALUES('root', $(date -d 2025-04-01T06:00:00Z +%s), 'tty1', '', 'login');
REPLACE INTO Lastlog2 VALUES('alice', $(date -d 2025-04-10T08:00:00Z +%s), 'pts/0', '192.0.2.10', 'sshd');
REPLACE INTO Lastlog2 VALUES('carol', 0, '', '', '');
EOF
wtmpdb_schema='CREATE TABLE IF NOT EXISTS wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT) STRICT;'
usec() { echo "$(date -d "$1" +%s)000000"; }
sqlite3 "$r/var/lib/wtmpdb/wtmp.db" <<EOF
$wtmpdb_schema
INSERT INTO wtmp (Type,User,Login,Logout,TTY,RemoteHost,Service) VALUES
 (1, 'reboot', $(usec 2025-04-12T07:00:00Z), NULL, '~', '6.12.22-amd64', NULL),
 (3, 'alice', $(usec 2025-04-12T09:30:00Z), $(usec 2025-04-12T10:00:00Z), 'pts/0', '192.0.2.10', 'sshd'),
 (3, 'alice', $(usec 2025-04-11T09:30:00Z), $(usec 2025-04-11T10:00:00Z), 'pts/1', '192.0.2.11', 'sshd'),
 (3, 'bob', $(usec 2025-04-12T11:00:00Z), NULL, 'pts/1', '198.51.100.7', 'sshd'),
 (1, 'carol', $(usec 2025-04-13T07:00:00Z), NULL, '~', '6.12.22-amd64', NULL),
 (2, 'carol', $(usec 2025-04-13T07:00:01Z), NULL, '~', '', NULL);
EOF
sqlite3 "$r/var/lib/wtmpdb/wtmp_20250101.db" <<EOF
$wtmpdb_schema
INSERT INTO wtmp (Type,User,Login,Logout,TTY,RemoteHost,Service) VALUES
 (3, 'frank', $(usec 2024-11-05T15:00:00Z), $(usec 2024-11-05T16:00:00Z), 'pts/3', '192.0.2.99', 'sshd');
EOF

# --- roots/minimal: passwd and group only ----------------------------------
r=$roots/minimal
rm -rf "$r"
mkdir -p "$r/etc"
cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
app:x:1000:1000::/home/app:/bin/sh
EOF
cat >"$r/etc/group" <<'EOF'
root:x:0:
wheel:x:10:root,app
nogroup:x:65534:
app:x:1000:
EOF

# --- roots/broken: unreadable and corrupt inputs ----------------------------
r=$roots/broken
rm -rf "$r"
base_etc "$r"
add_user "$r" alice 1000 /bin/bash "$yescrypt" 2025-01-01 -G sudo
add_user "$r" bob 1001 /bin/bash "$yescrypt" 2025-01-01
tidy_etc "$r"
echo 'broken line without enough fields' >>"$r/etc/passwd"
sed -i 's/^bob:\([^:]*\):[0-9]*:/bob:\1:soon:/' "$r/etc/shadow"
mkdir -p "$r/etc/sudoers.d"
cat >"$r/etc/sudoers" <<'EOF'
%sudo ALL=(ALL:ALL) ALL
this is not = a rule (
@includedir /etc/sudoers.d
EOF
cat >"$r/etc/sudoers.d/loop" <<'EOF'
bob ALL=(ALL) NOPASSWD: /usr/bin/true
#include /etc/sudoers.d/loop
EOF
mkdir -p "$r/home/alice/.ssh"
{
	key alice-ed25519 ed25519 alice@laptop
	echo 'ssh-ed25519 AAAAnot-base64!!! broken@key'
} >"$r/home/alice/.ssh/authorized_keys"
mkdir -p "$r/var/log" "$r/var/lib/lastlog" "$r/var/lib/wtmpdb"
# wtmp with a partial record at the end (a login being written).
utmpdump -r >"$r/var/log/wtmp" 2>/dev/null <<'EOF'
[7] [01234] [ts/0] [alice   ] [pts/0       ] [192.0.2.10          ] [192.0.2.10     ] [2025-02-01T10:00:00,000000+00:00]
[7] [01235] [ts/1] [bob     ] [pts/1       ] [192.0.2.11          ] [192.0.2.11     ] [2025-02-02T10:00:00,000000+00:00]
EOF
truncate -s 600 "$r/var/log/wtmp"
echo 'this is not an sqlite database' >"$r/var/lib/lastlog/lastlog2.db"
# A wtmp.db cut short after its first page: the header is valid, the table is not.
sqlite3 "$work/wtmp.db" <<EOF
PRAGMA page_size=1024;
$wtmpdb_schema
INSERT INTO wtmp (Type,User,Login,TTY,RemoteHost,Service)
 SELECT 3, 'user' || value, 1700000000000000 + value, 'pts/0', '', 'sshd' FROM generate_series(1, 200);
EOF
head -c 1024 "$work/wtmp.db" >"$r/var/lib/wtmpdb/wtmp.db"

echo "fixtures written under $roots"
