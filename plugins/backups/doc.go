// Package backups is the "backups" collector and its facts namespace, the
// contract with the ICO-BKP-01, ICO-BKP-02 and ICO-BKP-03 policies
// (backups current, restore tested, backups protected and isolated) and
// ICO-BCP-02.
//
// Through the host root it finds backup jobs and reads their state
// without credentials where it can:
//   - restic jobs declared in its options: a local repository's newest
//     snapshot file (snapshot files are written once, when a backup
//     completes; its content must hash to its name, as restic names
//     every file by its SHA-256); with a password file, `restic snapshots --json`, which
//     also reads remote repositories;
//   - borg jobs declared in its options: a local repository's config
//     (append_only), its newest committed transaction, and the key type
//     of its first stored object (encrypted or not); with a password
//     file, `borg list --json`, which also reads remote repositories;
//   - rsnapshot, when its log or its newest snapshot shows it has run; a
//     success the log records counts only with the newest snapshot
//     directory of the first level there to bear it out;
//   - enabled systemd timers and services whose names say backup, with
//     the time a persistent timer last fired and the latest successful
//     and failed runs of their service, from the systemd journal or,
//     without one, the syslog text logs (plugins/internal/unitlog; only
//     read when such a unit is enabled, journal_lookback_days back).
//     The operating systems' own housekeeping units named for backups
//     (Debian's dpkg-db-backup, openSUSE's backup-rpmdb and
//     backup-sysconfig; see housekeeping) copy system state, not the
//     host's data: they are listed in not_counted, never as jobs;
//   - jobs of any other tool, declared with a marker file they touch on
//     success;
//   - restore-test evidence records (JSON or YAML, see Record) in the
//     record directory, as `auditfleet-agent restore-test` writes them.
//
// Every job carries the reason it was counted. A declared job is always
// counted; the name heuristics and the housekeeping list apply only to
// the systemd units found.
//
// Whether a repository is off the host comes from the host's mount table
// (network file systems) or its URL. What cannot be seen stays null, and
// the options may declare it (an append-only rest-server, object lock).
// A source of a job's runs that is there but not read in full (a config
// or log cut short or of binary data, a borg key that does not decode, a
// restic snapshot file that does not match its name, damaged journal
// files) is listed in the job's unread, and the policies do not pass it.
// Options documents the options; docs/backups.md the records.
//
// Its JSON Schema is schemas/backups.schema.json.
package backups
