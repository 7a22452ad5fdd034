package backups

import "time"

// Namespace is where the backup facts appear in the facts document.
const Namespace = "backups"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "backups" namespace: the backup jobs found on the host,
// when each last succeeded and how its repository is protected, and the
// records of restore tests. Every timestamp is UTC.
type Facts struct {
	// Jobs are the backup jobs found; empty when none.
	Jobs []Job `json:"jobs"`
	// RestoreTests are the restore-test evidence records found; empty when
	// none.
	RestoreTests []RestoreTest `json:"restore_tests"`
	// NotCounted are the enabled units whose names say backup but that
	// are operating-system housekeeping, not backups of the host's data
	// (e.g. Debian's dpkg-db-backup.timer): they are never jobs. Omitted
	// when none (and in reports of agents before it).
	NotCounted []NotCounted `json:"not_counted,omitempty"`
}

// NotCounted is a unit the name heuristics match that is not counted as
// a backup job.
type NotCounted struct {
	// ID is "systemd:<unit>", e.g. "systemd:dpkg-db-backup.timer".
	ID string `json:"id"`
	// Source is the file enabling the unit.
	Source string `json:"source"`
	// Reason says why it is not a backup of data.
	Reason string `json:"reason"`
}

// Job is one backup job.
type Job struct {
	// ID identifies the job across runs, as "<tool>:<repository, unit or
	// name>", e.g. "restic:/srv/restic", "borg:ssh://vault/./db-01",
	// "systemd:backup-db.timer", "rsnapshot:/etc/rsnapshot.conf",
	// "declared:nightly-db".
	ID string `json:"id"`
	// Tool is "restic", "borg", "rsnapshot", "systemd" (a timer or unit
	// whose name says backup) or "declared" (named in the collector's
	// configuration).
	Tool string `json:"tool"`
	// Source is where the collector found the job: a configuration file,
	// log file or unit name.
	Source string `json:"source"`
	// Reason says why the job is counted as a backup job: "declared in
	// options (restic repository)", "rsnapshot configured and has run",
	// "enabled systemd timer named for backups", ... Always set by this
	// collector; absent only in reports of agents before it.
	Reason string `json:"reason,omitempty"`
	// Repository is where backups are written, with any credentials
	// removed; empty when unknown.
	Repository string `json:"repository"`
	// LastSuccess is the time of the latest successful backup (the newest
	// snapshot, or the end of the last successful run); null when none was
	// found.
	LastSuccess *time.Time `json:"last_success"`
	// LastRun is when the job last ran, whatever the outcome; null when
	// unknown.
	LastRun *time.Time `json:"last_run"`
	// LastResult is the outcome of the last run: "success", "failure" or
	// "unknown".
	LastResult string `json:"last_result"`
	// Encrypted is true when the repository is encrypted at rest; null
	// when unknown.
	Encrypted *bool `json:"encrypted"`
	// OffHost is true when the repository is on another machine (a remote
	// URL, or a network file system); null when unknown.
	OffHost *bool `json:"off_host"`
	// Immutable is true when backups cannot be altered or deleted from
	// this host (append-only repository, object lock, versioned bucket);
	// null when unknown.
	Immutable *bool `json:"immutable"`
	// Unread are the sources of the job's runs that could not be read in
	// full, each as "<path>: <reason>" (a configuration or log cut short
	// or of binary data, journal files corrupt or cut short): runs
	// recorded there are lost, so when it last succeeded is not known.
	// Omitted when every source was read.
	Unread []string `json:"unread,omitempty"`
}

// RestoreTest is one restore-test evidence record.
type RestoreTest struct {
	// ID identifies the record: its file name without directory.
	ID string `json:"id"`
	// Job is the ID of the backup job restored from; empty when the record
	// does not say.
	Job string `json:"job"`
	// PerformedAt is when the restore test was performed.
	PerformedAt time.Time `json:"performed_at"`
	// Result is the recorded outcome: "pass" or "fail".
	Result string `json:"result"`
	// Restored says what was restored, as recorded (paths, a database,
	// "full host").
	Restored string `json:"restored"`
	// ChecksumMatch is true when the restored data matched the original's
	// checksums; null when the record does not say.
	ChecksumMatch *bool `json:"checksum_match"`
	// Source is the file the record was read from.
	Source string `json:"source"`
}
