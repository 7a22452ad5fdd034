#!/usr/bin/env bash
# backups.sh DIR gives the fixture host at DIR a backup regime that passes
# ICO-BKP-01 and ICO-BKP-02: rsnapshot backing up nightly to an NFS mount
# (declared in /etc/fstab), its log with recent successful runs, and a
# passing restore-test record. build.sh calls it for every host; it can
# also be run on its own, as these are plain text files. Times are UTC
# (the hosts have no /etc/localtime) and sit just before the scan tests'
# evaluation time, 2026-11-20T12:00:00Z.
set -euo pipefail
out=${1:?usage: backups.sh DIR}
mkdir -p "$out/etc" "$out/var/log" "$out/var/lib/auditfleet/restore-tests"
printf '%s\n' '# rsnapshot.conf: fields are separated by tabs' \
	$'config_version\t1.2' $'snapshot_root\t/mnt/backup/rsnapshot/' $'retain\tdaily\t7' $'retain\tweekly\t4' \
	$'logfile\t/var/log/rsnapshot.log' $'backup\t/etc/\tlocalhost/' $'backup\t/home/\tlocalhost/' >"$out/etc/rsnapshot.conf"
printf '%s\n' '# <file system> <mount point> <type> <options> <dump> <pass>' \
	'nas-01:/export/backups /mnt/backup nfs4 defaults,_netdev 0 0' >"$out/etc/fstab"
printf '%s\n' \
	'[2026-11-18T02:00:01] /usr/bin/rsnapshot daily: started' \
	'[2026-11-18T02:03:12] /usr/bin/rsnapshot daily: completed successfully' \
	'[2026-11-19T02:00:01] /usr/bin/rsnapshot daily: started' \
	'[2026-11-19T02:02:57] /usr/bin/rsnapshot daily: completed successfully' >"$out/var/log/rsnapshot.log"
printf '%s\n' '# Restore test recorded by hand (docs/backups.md).' \
	'performed_at: 2026-10-01T10:00:00Z' 'job: rsnapshot:/etc/rsnapshot.conf' 'result: pass' \
	'restored: /home from daily.2 to a scratch directory' 'checksum_match: true' 'performed_by: ops' \
	>"$out/var/lib/auditfleet/restore-tests/2026-10-01-home.yaml"
