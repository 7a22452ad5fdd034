#!/usr/bin/env bash
# Regenerates the journal fixtures of the services collector tests (and
# plugins/internal/journal/testdata/remote.journal.gz) with the real
# systemd tool: systemd-journal-remote turns journal export format into a
# journal file (compact, keyed hash, zstd-compressed large fields on
# systemd 252). Needs bash, python3 and systemd-journal-remote
# (apt-get install systemd-journal-remote). The files are stored gzipped
# (journal-remote preallocates 8 MiB, mostly zeros); the tests unpack
# them into a temporary copy of the host root.
#
# The tests evaluate at 2026-09-01T12:00:00Z.
set -euo pipefail
cd "$(dirname "$0")"
remote=/lib/systemd/systemd-journal-remote
[ -x "$remote" ] || remote=/usr/lib/systemd/systemd-journal-remote
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PY'
import datetime, os, sys

out = sys.argv[1]
MACHINE = "3d1219c7c4c5404aaa1f6d2a48adfda4"
B0 = "6a3b1e0f2c7d4e59a1b2c3d4e5f60718"  # previous boot
B1 = "c0ffee00d15ea5e0b0a7b00710ad1234"  # current boot

STARTING = "7d4958e842da4a758f6c1cdc7b36dcc5"
STARTED = "39f53479d3a045ac8e11786248231fbf"
FAILED = "be02cf6855d2428ba40df7e9d022f03d"
SUCCESS = "7ad2d189f7e94e70a38c781354912448"
RESULT = "d9b373ed55a64feb8242e02dbe79a49c"
EXIT = "98e322203f7a4ed290d09fe03c09fe15"

def us(ts):
    return int(datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1_000_000)

class J:
    def __init__(self):
        self.entries = []
    def add(self, ts, boot, **f):
        t = us(ts)
        e = {"__REALTIME_TIMESTAMP": t, "__MONOTONIC_TIMESTAMP": 1_000_000 + t % 86_400_000_000,
             "_BOOT_ID": boot, "_MACHINE_ID": MACHINE, "_HOSTNAME": "app-07"}
        e.update(f)
        self.entries.append(e)
    def pid1(self, ts, boot, msgid, msg, unit, **f):
        self.add(ts, boot, _PID="1", _UID="0", _COMM="systemd", _EXE="/usr/lib/systemd/systemd",
                 SYSLOG_IDENTIFIER="systemd", SYSLOG_FACILITY="3", _TRANSPORT="journal", PRIORITY="6",
                 CODE_FILE="src/core/unit.c", MESSAGE_ID=msgid, MESSAGE=msg, UNIT=unit, **f)
    def fail(self, ts, boot, unit, desc, result="exit-code"):
        self.pid1(ts, boot, STARTING, f"Starting {unit} - {desc}...", unit, JOB_TYPE="start")
        self.pid1(ts, boot, EXIT, f"{unit}: Main process exited, code=exited, status=1/FAILURE", unit,
                  EXIT_CODE="exited", EXIT_STATUS="1")
        self.pid1(ts, boot, RESULT, f"{unit}: Failed with result '{result}'.", unit, UNIT_RESULT=result)
        self.pid1(ts, boot, FAILED, f"Failed to start {unit} - {desc}.", unit, JOB_TYPE="start", JOB_RESULT="failed")
    def ok(self, ts, boot, unit, desc):
        self.pid1(ts, boot, STARTING, f"Starting {unit} - {desc}...", unit, JOB_TYPE="start")
        self.pid1(ts, boot, SUCCESS, f"{unit}: Deactivated successfully.", unit)
        self.pid1(ts, boot, STARTED, f"Finished {unit} - {desc}.", unit, JOB_TYPE="start", JOB_RESULT="done")
    def cron(self, ts, boot, pid, user, cmd):
        self.add(ts, boot, _PID=str(pid), _COMM="cron", SYSLOG_IDENTIFIER="CRON", SYSLOG_PID=str(pid),
                 SYSLOG_FACILITY="9", PRIORITY="6", _TRANSPORT="syslog", MESSAGE=f"({user}) CMD ({cmd})")
    def cronfail(self, ts, boot, pid, grandchild, status=1):
        self.add(ts, boot, _PID=str(pid), _COMM="cron", SYSLOG_IDENTIFIER="CRON", SYSLOG_PID=str(pid),
                 SYSLOG_FACILITY="9", PRIORITY="3", _TRANSPORT="syslog",
                 MESSAGE=f"(CRON) error (grandchild #{grandchild} failed with exit status {status})")
    def kernel(self, ts, boot, msg):
        self.add(ts, boot, _TRANSPORT="kernel", SYSLOG_IDENTIFIER="kernel", SYSLOG_FACILITY="0", PRIORITY="6", MESSAGE=msg)
    def write(self, name):
        self.entries.sort(key=lambda e: e["__REALTIME_TIMESTAMP"])
        with open(os.path.join(out, name + ".export"), "w") as f:
            for e in self.entries:
                for k, v in e.items():
                    f.write(f"{k}={v}\n")
                f.write("\n")

BACKUP = ("backup-db.service", "Nightly database backup")
FWUPD = ("fwupd-refresh.service", "Refresh fwupd metadata and update motd")
REPORT = "/usr/local/bin/rotate-reports --keep 30"
BIG = "usb 1-1: device descriptor dump: " + " ".join(f"{i:04x}" for i in range(900))

# failing: backup-db.service has failed every night since 28 August, across
# a reboot (MON-01 fail); fwupd-refresh failed then recovered; a unit that
# failed only in the previous boot is not failed now; a cron job fails.
old = J()
old.kernel("2026-08-20T08:00:00Z", B0, "Linux version 6.1.0-25-amd64")
old.fail("2026-08-26T02:00:03Z", B0, "old-thing.service", "Thing removed since")
old.ok("2026-08-27T02:00:03Z", B0, *BACKUP)
old.fail("2026-08-28T02:00:04Z", B0, *BACKUP)
old.write("failing-old")
cur = J()
cur.kernel("2026-08-28T12:00:00Z", B1, "Linux version 6.1.0-26-amd64")
cur.kernel("2026-08-28T12:00:01Z", B1, BIG)
for d in ("29", "30", "31"):
    cur.fail(f"2026-08-{d}T02:00:04Z", B1, *BACKUP)
cur.fail("2026-09-01T02:00:04Z", B1, *BACKUP, result="timeout")
cur.fail("2026-08-30T06:10:00Z", B1, *FWUPD)
cur.ok("2026-08-31T06:10:00Z", B1, *FWUPD)
pid = 4000
for d, failed in (("29", False), ("30", True), ("31", True), ("01", True)):
    ts = f"2026-{'09' if d == '01' else '08'}-{d}T03:00:01Z"
    cur.cron(ts, B1, pid + 1, "reports", REPORT)
    if failed:
        cur.cronfail(ts.replace(":01Z", ":09Z"), B1, pid, pid + 1, 2)
    pid += 10
cur.write("failing")
user = J()
user.pid1("2026-09-01T09:00:00Z", B1, RESULT, "x.service: Failed with result 'exit-code'.", "should-not-appear.service", UNIT_RESULT="exit-code")
user.write("failing-user")

# recent: fwupd-refresh.service failed two hours before the evaluation
# (MON-01 warn); the boot comes from the newest entry (no /proc).
rec = J()
rec.fail("2026-08-30T09:00:00Z", B0, "stale.service", "Left over from the last boot")
rec.kernel("2026-08-31T07:00:00Z", B1, "Linux version 6.1.0-26-amd64")
rec.ok("2026-08-31T10:00:00Z", B1, *FWUPD)
rec.fail("2026-09-01T10:00:00Z", B1, *FWUPD)
rec.write("recent")

# recovered: backup-db.service failed, then succeeded (MON-01 pass); cron
# runs without failures.
ok = J()
ok.fail("2026-08-30T02:00:04Z", B1, *BACKUP)
ok.ok("2026-08-31T02:00:04Z", B1, *BACKUP)
ok.cron("2026-08-31T03:00:01Z", B1, 5001, "reports", REPORT)
ok.cron("2026-09-01T03:00:01Z", B1, 5011, "reports", REPORT)
ok.write("recovered")

# corrupt: a journal cut short after the first failure.
bad = J()
bad.fail("2026-08-31T01:00:00Z", B1, *BACKUP)
for i in range(40):
    bad.kernel(f"2026-08-31T0{2 + i // 20}:{i % 60:02d}:00Z", B1, f"audit: message {i} " + "x" * 200)
bad.ok("2026-09-01T01:00:00Z", B1, *BACKUP)
bad.write("corrupt")

# remote: the small file of plugins/internal/journal's tests.
r = J()
for i, m in enumerate(["hello 0 " + "x" * 3000, "hello 1 " + "x" * 3000, "short"]):
    r.add(f"2026-08-29T10:40:0{i}Z", "0123456789abcdef0123456789abcdef", MESSAGE=m, _PID="1")
r.write("remote")
PY

build() { # build NAME DEST: journal-remote NAME.export into DEST.gz
	rm -f "$tmp/$1.journal"
	"$remote" -o "$tmp/$1.journal" "$tmp/$1.export" 2>/dev/null
	mkdir -p "$(dirname "$2")"
	gzip -9 -n -c "$tmp/$1.journal" >"$2.gz"
}
m=3d1219c7c4c5404aaa1f6d2a48adfda4
build failing-old "hosts/failing/var/log/journal/$m/system@0f1e2d3c4b5a69788796a5b4c3d2e1f0-0000000000000001-00064d3a1b2c3d4e.journal"
build failing "hosts/failing/var/log/journal/$m/system.journal"
build failing-user "hosts/failing/var/log/journal/$m/user-1000.journal"
build recent "hosts/recent/run/log/journal/$m/system.journal"
build recovered "hosts/recovered/var/log/journal/$m/system.journal"
build remote ../../internal/journal/testdata/remote.journal

# corrupt: the file cut in the middle of its objects, as a crash or a
# full disk can leave it, and a file that is not a journal at all.
rm -f "$tmp/corrupt.journal"
"$remote" -o "$tmp/corrupt.journal" "$tmp/corrupt.export" 2>/dev/null
python3 - "$tmp/corrupt.journal" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
tail = struct.unpack_from("<Q", b, 136)[0]
open(sys.argv[1], "wb").write(b[: tail - 3000])
PY
d="hosts/corrupt/var/log/journal/$m"
mkdir -p "$d"
gzip -9 -n -c "$tmp/corrupt.journal" >"$d/system.journal.gz"
head -c 4096 /dev/zero | tr '\0' 'J' >"$d/system@deadbeef-0000000000000001.journal~"
ls -l hosts/*/var/log/journal/*/ hosts/*/run/log/journal/*/ ../../internal/journal/testdata/
