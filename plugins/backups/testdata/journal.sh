#!/usr/bin/env bash
# Regenerates the systemd journal of the backups collector's "full" fixture
# host with the real systemd tool, as plugins/services/testdata/build.sh
# does: systemd-journal-remote turns journal export format into a journal
# file. Needs bash, python3 and systemd-journal-remote (apt-get install
# systemd-journal-remote). The file is stored gzipped (journal-remote
# preallocates 8 MiB, mostly zeros); the tests unpack it into their copy
# of the host root (internal/fixture.Gunzip).
#
# The tests evaluate at 2026-09-01T02:00:00Z.
set -euo pipefail
cd "$(dirname "$0")"
remote=/lib/systemd/systemd-journal-remote
[ -x "$remote" ] || remote=/usr/lib/systemd/systemd-journal-remote
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp/full.export" <<'PY'
import datetime, sys

MACHINE = "b5a1e0c4d3f24a6b9c8d7e6f5a4b3c2d"
BOOT = "0d15ea5e0b0a7b00710ad1234c0ffee0"
STARTING = "7d4958e842da4a758f6c1cdc7b36dcc5"
STARTED = "39f53479d3a045ac8e11786248231fbf"
FAILED = "be02cf6855d2428ba40df7e9d022f03d"
SUCCESS = "7ad2d189f7e94e70a38c781354912448"
RESULT = "d9b373ed55a64feb8242e02dbe79a49c"
EXIT = "98e322203f7a4ed290d09fe03c09fe15"

def us(ts):
    return int(datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1_000_000)

entries = []
def add(ts, **f):
    t = us(ts)
    e = {"__REALTIME_TIMESTAMP": t, "__MONOTONIC_TIMESTAMP": t - us("2026-08-10T08:00:00Z"),
         "_BOOT_ID": BOOT, "_MACHINE_ID": MACHINE, "_HOSTNAME": "db-01"}
    e.update(f)
    entries.append(e)
def pid1(ts, msgid, msg, unit, **f):
    add(ts, _PID="1", _UID="0", _COMM="systemd", _EXE="/usr/lib/systemd/systemd", SYSLOG_IDENTIFIER="systemd",
        SYSLOG_FACILITY="3", _TRANSPORT="journal", PRIORITY="6", CODE_FILE="src/core/unit.c",
        MESSAGE_ID=msgid, MESSAGE=msg, UNIT=unit, **f)
def ok(start, end, unit, desc):  # a Type=oneshot run that succeeded
    pid1(start, STARTING, f"Starting {unit} - {desc}...", unit, JOB_TYPE="start")
    pid1(end, SUCCESS, f"{unit}: Deactivated successfully.", unit)
    pid1(end, STARTED, f"Finished {unit} - {desc}.", unit, JOB_TYPE="start", JOB_RESULT="done")
def fail(start, end, unit, desc, result="exit-code"):
    pid1(start, STARTING, f"Starting {unit} - {desc}...", unit, JOB_TYPE="start")
    pid1(end, EXIT, f"{unit}: Main process exited, code=exited, status=1/FAILURE", unit, EXIT_CODE="exited", EXIT_STATUS="1")
    pid1(end, RESULT, f"{unit}: Failed with result '{result}'.", unit, UNIT_RESULT=result)
    pid1(end, FAILED, f"Failed to start {unit} - {desc}.", unit, JOB_TYPE="start", JOB_RESULT="failed")

add("2026-08-10T08:00:00Z", _TRANSPORT="kernel", SYSLOG_IDENTIFIER="kernel", PRIORITY="6", MESSAGE="Linux version 6.1.0-26-amd64")
# db-backup.timer (stamp 2026-08-30T01:30): failed once, then succeeded
# on its last two runs, the latest two days before the evaluation.
DB = ("db-backup.service", "Dump the case database and back it up with restic")
fail("2026-08-28T01:30:00Z", "2026-08-28T01:31:02Z", *DB)
ok("2026-08-29T01:30:00Z", "2026-08-29T01:41:55Z", *DB)
ok("2026-08-30T01:30:00Z", "2026-08-30T01:42:17Z", *DB)
# other-backup.timer: succeeded ten days before the evaluation, has failed
# every night since, last night too.
OTHER = ("other-backup.service", "Copy the file share to the NAS")
ok("2026-08-22T00:45:00Z", "2026-08-22T00:58:31Z", *OTHER)
for d in range(23, 33):
    day = f"2026-08-{d:02d}" if d <= 31 else f"2026-09-{d - 31:02d}"
    fail(f"{day}T00:45:00Z", f"{day}T00:45:07Z", *OTHER)
# home-backup@alice.timer, an instance of a template, not persistent (no
# stamp): succeeded the night before last.
ok("2026-08-31T03:00:00Z", "2026-08-31T03:05:10Z", "home-backup@alice.service", "Back up alice's home")
# Not backups: another unit's failure, a cron line, and a unit that only
# has backup in its name and is not enabled.
fail("2026-08-31T06:10:00Z", "2026-08-31T06:10:02Z", "fwupd-refresh.service", "Refresh fwupd metadata and update motd")
fail("2026-08-31T07:00:00Z", "2026-08-31T07:00:01Z", "vendor-backup.service", "Vendor backup agent")
add("2026-08-31T05:00:01Z", _PID="5001", _COMM="cron", SYSLOG_IDENTIFIER="CRON", _TRANSPORT="syslog", PRIORITY="6",
    MESSAGE="(root) CMD (/usr/local/bin/rotate-reports)")

entries.sort(key=lambda e: e["__REALTIME_TIMESTAMP"])
with open(sys.argv[1], "w") as f:
    for e in entries:
        for k, v in e.items():
            f.write(f"{k}={v}\n")
        f.write("\n")
PY

d=hosts/full/var/log/journal/b5a1e0c4d3f24a6b9c8d7e6f5a4b3c2d
mkdir -p "$d"
"$remote" -o "$tmp/full.journal" "$tmp/full.export" 2>/dev/null
gzip -9 -n -c "$tmp/full.journal" >"$d/system.journal.gz"
ls -l "$d"
