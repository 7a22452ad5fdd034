package logging

import "time"

// Namespace is where the logging facts appear in the facts document.
const Namespace = "logging"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Operations are the six kinds of processing that DPA 2018 s.62 requires
// to be logged, as used for the keys of AppLog.Operations.
var Operations = []string{"collection", "alteration", "consultation", "disclosure", "combination", "erasure"}

// Facts is the "logging" namespace: whether the host keeps audit logs,
// for how long, whether it forwards them and keeps time; and, for the
// application audit logs declared for it, which s.62 operations they
// record and with which fields. Every timestamp is UTC.
type Facts struct {
	// Auditd is the Linux audit daemon's state.
	Auditd Auditd `json:"auditd"`
	// Journald is systemd-journald's state.
	Journald Journald `json:"journald"`
	// Forwarding lists the log forwarding to other machines configured;
	// empty when none.
	Forwarding []Forwarder `json:"forwarding"`
	// TimeSync is the time synchronisation state.
	TimeSync TimeSync `json:"time_sync"`
	// AppLogs are the application audit logs declared for this host, as
	// checked; empty when none are declared.
	AppLogs []AppLog `json:"app_logs"`
}

// Auditd is the state of the Linux audit daemon.
type Auditd struct {
	// Installed is true when auditd is installed.
	Installed bool `json:"installed"`
	// Running is true when auditd is running, false when it is not (or
	// not installed), and null when that cannot be told (installed, but
	// no process table under the host root).
	Running *bool `json:"running"`
	// RunningReason says how Running is known, or why not: "auditd is
	// not installed (...)", "auditd is installed but not running",
	// "auditd is running", "no process table under the host root, so
	// whether auditd runs is unknown". Absent in reports of older agents.
	RunningReason string `json:"running_reason,omitempty"`
	// WriteLogs is auditd.conf write_logs: false when it writes nothing to
	// disk.
	WriteLogs bool `json:"write_logs"`
	// LogFile is auditd.conf log_file, e.g. "/var/log/audit/audit.log".
	LogFile string `json:"log_file"`
	// MaxLogFileMB is auditd.conf max_log_file, in megabytes.
	MaxLogFileMB int `json:"max_log_file_mb"`
	// NumLogs is auditd.conf num_logs: how many rotated files are kept.
	NumLogs int `json:"num_logs"`
	// MaxLogFileAction is auditd.conf max_log_file_action, lower-cased,
	// e.g. "rotate", "keep_logs".
	MaxLogFileAction string `json:"max_log_file_action"`
	// Rules is the number of audit rules configured in /etc/audit.
	Rules int `json:"rules"`
	// OldestEntry is the time of the oldest record in the audit log files;
	// null when there are none or they could not be read.
	OldestEntry *time.Time `json:"oldest_entry"`
	// Unread are auditd's sources that are there but could not be read
	// in full, each as "<path>: <reason>": auditd.conf unreadable, a link
	// to nothing, binary data or cut short; a log file not a regular
	// file, unreadable or holding no audit record; a running auditd's log
	// file missing. Its settings or retention are then unknown. Omitted
	// when every source was read.
	Unread []string `json:"unread,omitempty"`
}

// Journald is the state of systemd-journald.
type Journald struct {
	// Running is true when journald is running, false when it is not (or
	// not installed), and null when that cannot be told (installed, but
	// no process table under the host root).
	Running *bool `json:"running"`
	// RunningReason says how Running is known, or why not, as for
	// Auditd. Absent in reports of older agents.
	RunningReason string `json:"running_reason,omitempty"`
	// Storage is journald.conf Storage=: "persistent", "auto", "volatile"
	// or "none" ("auto" when unset).
	Storage string `json:"storage"`
	// Persistent is true when the journal is written to disk
	// (/var/log/journal): Storage=persistent, or auto with that directory
	// present.
	Persistent bool `json:"persistent"`
	// MaxRetentionSec is journald.conf MaxRetentionSec= in seconds; 0 when
	// unset (no time limit).
	MaxRetentionSec int64 `json:"max_retention_sec"`
	// SystemMaxUseBytes is journald.conf SystemMaxUse= in bytes; 0 when
	// unset (journald's default share of the file system).
	SystemMaxUseBytes int64 `json:"system_max_use_bytes"`
	// OldestEntry is the time of the oldest entry in the persistent
	// journal; null when there is none or it could not be read.
	OldestEntry *time.Time `json:"oldest_entry"`
	// Unread are journald's sources that are there but could not be read
	// in full, each as "<path>: <reason>": journald.conf or a drop-in
	// unreadable, a link to nothing, a directory, binary data or cut
	// short; a system journal file without a journal header or not a
	// regular file; a running journald's system.journal missing. Its
	// settings or retention are then unknown. Omitted when every source
	// was read.
	Unread []string `json:"unread,omitempty"`
}

// Forwarder is one configured forwarding of logs to another machine.
type Forwarder struct {
	// Daemon is the forwarding software: "rsyslog", "syslog-ng",
	// "systemd-journal-upload", "audisp-remote", "fluent-bit", "vector".
	Daemon string `json:"daemon"`
	// Target is the destination, e.g. "tcp://logs.example.gov.uk:6514".
	Target string `json:"target"`
	// File is the configuration file holding it.
	File string `json:"file"`
	// Line is its line number in File (from 1); 0 when not line-based.
	Line int `json:"line"`
}

// TimeSync is the state of time synchronisation.
type TimeSync struct {
	// Daemon is "chronyd", "systemd-timesyncd" or "ntpd"; empty when none
	// is installed.
	Daemon string `json:"daemon"`
	// Running is true when the daemon is running, false when it is not,
	// and null when that cannot be told (no process table under the host
	// root).
	Running *bool `json:"running"`
	// Synchronised is true when the daemon reports the clock synchronised;
	// null when unknown.
	Synchronised *bool `json:"synchronised"`
}

// AppLog is one declared application audit log.
type AppLog struct {
	// ID is the log's declared name, e.g. "complaints-audit".
	ID string `json:"id"`
	// Path is the log file or directory.
	Path string `json:"path"`
	// Format is the declared format: "jsonl", "csv" or "syslog".
	Format string `json:"format"`
	// Readable is false when the log could not be read or parsed, so
	// nothing below is known.
	Readable bool `json:"readable"`
	// Entries is how many entries were examined.
	Entries int `json:"entries"`
	// From is the time of the oldest entry examined; null when none.
	From *time.Time `json:"from"`
	// To is the time of the newest entry examined; null when none.
	To *time.Time `json:"to"`
	// Operations maps each s.62 operation seen (a key of Operations) to
	// the entries recording it; an operation never seen has no key.
	Operations map[string]Operation `json:"operations"`
}

// Operation counts the entries of one s.62 operation and the required
// fields they lack.
type Operation struct {
	// Entries is how many entries record the operation.
	Entries int `json:"entries"`
	// MissingTime is how many lack a date and time.
	MissingTime int `json:"missing_time"`
	// MissingUser is how many lack who performed it.
	MissingUser int `json:"missing_user"`
	// MissingJustification is how many lack a justification.
	MissingJustification int `json:"missing_justification"`
	// MissingRecipient is how many disclosures lack the recipient; 0 for
	// other operations.
	MissingRecipient int `json:"missing_recipient"`
}
