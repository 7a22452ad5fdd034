package backups

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Defaults of the options.
const (
	// DefaultRecordDir is where restore-test evidence records are read
	// from, and where `auditfleet-agent restore-test` writes them.
	DefaultRecordDir = "/var/lib/auditfleet/restore-tests"
	// DefaultRsnapshotConfig is rsnapshot's configuration file.
	DefaultRsnapshotConfig = "/etc/rsnapshot.conf"
	// DefaultResticBinary is the restic program run when a job has a
	// password file (plugins start without the host's PATH).
	DefaultResticBinary = "/usr/bin/restic"
	// DefaultBorgBinary is the borg program run when a job has a
	// password file.
	DefaultBorgBinary = "/usr/bin/borg"
	// DefaultJournalLookbackDays is how many days of logs are read for
	// the outcomes of systemd backup units: beyond the 7-day maximum
	// backup age, so that a job failing for weeks still shows its last
	// success.
	DefaultJournalLookbackDays = 35
	// DefaultJournalMaxMB bounds the journal megabytes read.
	DefaultJournalMaxMB    = 1024
	maxJournalLookbackDays = 366
	maxJournalMaxMB        = 64 << 10
)

// Options are the collector's options, as written under
// collectors.backups in the agent configuration. The agent's restore-test
// command reads the same options to find its jobs.
type Options struct {
	// Jobs are the backup jobs declared on this host.
	Jobs []JobSpec `json:"jobs,omitempty"`
	// RecordDir holds the restore-test evidence records (default
	// DefaultRecordDir); "" in the options means the default.
	RecordDir string `json:"record_dir,omitempty"`
	// RsnapshotConfig is rsnapshot's configuration file (default
	// DefaultRsnapshotConfig).
	RsnapshotConfig string `json:"rsnapshot_config,omitempty"`
	// ResticBinary is the restic program (default DefaultResticBinary).
	ResticBinary string `json:"restic_binary,omitempty"`
	// BorgBinary is the borg program (default DefaultBorgBinary).
	BorgBinary string `json:"borg_binary,omitempty"`
	// NoSystemd turns off the search of systemd units and timers whose
	// names say backup.
	NoSystemd bool `json:"no_systemd,omitempty"`
	// JournalLookbackDays is how many days of the systemd journal (or,
	// without one, of the syslog text logs) are read for the outcomes of
	// the systemd backup units' runs (default DefaultJournalLookbackDays,
	// 1 to 366).
	JournalLookbackDays int `json:"journal_lookback_days,omitempty"`
	// JournalMaxMB bounds the journal megabytes read over all files
	// (default DefaultJournalMaxMB, 1 to 65536).
	JournalMaxMB int `json:"journal_max_mb,omitempty"`
}

// JobSpec is one declared backup job.
type JobSpec struct {
	// Name names the job; a declared job needs one, restic and borg jobs
	// are named after their repository when it is empty.
	Name string `json:"name,omitempty"`
	// Tool is "restic", "borg" or "declared" (any other tool, known by a
	// marker file it touches after each successful run).
	Tool string `json:"tool"`
	// Repository is the restic or borg repository: a local path, or a
	// URL such as sftp:host:/path, s3:https://host/bucket, rest:https://...
	Repository string `json:"repository,omitempty"`
	// PasswordFile is the repository's password file. With it, the
	// collector asks restic or borg for the newest snapshot or archive
	// (remote repositories too), and restore-test can restore the
	// job; without it, only a local repository's files are read.
	PasswordFile string `json:"password_file,omitempty"`
	// EnvironmentFile holds KEY=VALUE lines the program needs for a
	// remote repository (AWS_ACCESS_KEY_ID for restic, BORG_RSH or
	// BORG_KEY_FILE for borg); its values are never logged.
	EnvironmentFile string `json:"environment_file,omitempty"`
	// Marker is a file the job touches after each successful run; its
	// modification time is the last success. Declared jobs need one; for
	// restic and borg it is used when the repository cannot be read
	// (e.g. a remote borg repository).
	Marker string `json:"marker,omitempty"`
	// OffHost, Immutable and Encrypted declare what the collector cannot
	// see, e.g. a rest-server run with --append-only, or a bucket with
	// object lock. What the collector sees wins over a declaration that
	// contradicts it (with a warning).
	OffHost   *bool `json:"off_host,omitempty"`
	Immutable *bool `json:"immutable,omitempty"`
	Encrypted *bool `json:"encrypted,omitempty"`
	// Sample are the paths in the backup that restore-test restores (all
	// of the latest snapshot's files, up to its limits, when empty).
	Sample []string `json:"sample,omitempty"`
}

// ID is the job's identifier in the facts: "<tool>:<name or repository>".
func (j JobSpec) ID() string {
	if j.Name != "" {
		return j.Tool + ":" + j.Name
	}
	return j.Tool + ":" + RedactURL(j.Repository)
}

// IsLocal reports whether the repository is a path on this host rather
// than a URL.
func (j JobSpec) IsLocal() bool { return path.IsAbs(j.Repository) }

// ParseOptions decodes the options object. Problems are warnings: a job
// that is not valid is left out, and options that do not decode at all
// are ignored as a whole.
func ParseOptions(raw json.RawMessage) (Options, []string) {
	o := Options{}
	var warns sdk.Warnings
	if _, err := sdk.DecodeOptions(raw, &o); err != nil {
		return withDefaults(Options{}), []string{fmt.Sprintf("options: %v; options ignored", err)}
	}
	jobs := o.Jobs[:0:0]
	seen := map[string]bool{}
	for i, j := range o.Jobs {
		if err := j.validate(); err != nil {
			warns.Add("options: jobs[%d]: %v; job ignored", i, err)
			continue
		}
		if seen[j.ID()] {
			warns.Add("options: jobs[%d]: %s declared twice; ignored", i, j.ID())
			continue
		}
		seen[j.ID()] = true
		jobs = append(jobs, j)
	}
	o.Jobs = jobs
	for _, p := range []struct {
		name string
		v    *string
	}{{"record_dir", &o.RecordDir}, {"rsnapshot_config", &o.RsnapshotConfig}, {"restic_binary", &o.ResticBinary}, {"borg_binary", &o.BorgBinary}} {
		if *p.v != "" && !cleanAbs(*p.v) {
			warns.Add("options: %s %q is not a clean absolute path; using the default", p.name, *p.v)
			*p.v = ""
		}
	}
	for _, p := range []struct {
		name     string
		v        *int
		max, def int
	}{{"journal_lookback_days", &o.JournalLookbackDays, maxJournalLookbackDays, DefaultJournalLookbackDays}, {"journal_max_mb", &o.JournalMaxMB, maxJournalMaxMB, DefaultJournalMaxMB}} {
		if *p.v < 0 || *p.v > p.max {
			warns.Add("options: %s %d is not between 1 and %d; using %d", p.name, *p.v, p.max, p.def)
			*p.v = 0
		}
	}
	return withDefaults(o), warns
}

func withDefaults(o Options) Options {
	if o.RecordDir == "" {
		o.RecordDir = DefaultRecordDir
	}
	if o.RsnapshotConfig == "" {
		o.RsnapshotConfig = DefaultRsnapshotConfig
	}
	if o.ResticBinary == "" {
		o.ResticBinary = DefaultResticBinary
	}
	if o.BorgBinary == "" {
		o.BorgBinary = DefaultBorgBinary
	}
	if o.JournalLookbackDays == 0 {
		o.JournalLookbackDays = DefaultJournalLookbackDays
	}
	if o.JournalMaxMB == 0 {
		o.JournalMaxMB = DefaultJournalMaxMB
	}
	return o
}

// Job returns the declared job whose name or ID is name.
func (o Options) Job(name string) (JobSpec, bool) {
	for _, j := range o.Jobs {
		if j.Name == name || j.ID() == name {
			return j, true
		}
	}
	return JobSpec{}, false
}

func (j JobSpec) validate() error {
	files := map[string]string{"password_file": j.PasswordFile, "environment_file": j.EnvironmentFile, "marker": j.Marker}
	for name, f := range files {
		if f != "" && !cleanAbs(f) {
			return fmt.Errorf("%s %q is not a clean absolute path", name, f)
		}
	}
	for _, s := range j.Sample {
		if !cleanAbs(s) {
			return fmt.Errorf("sample path %q is not a clean absolute path", s)
		}
	}
	if strings.ContainsAny(j.Name, "\x00\n") {
		return fmt.Errorf("name %q has control characters", j.Name)
	}
	switch j.Tool {
	case "restic", "borg":
		if j.Repository == "" {
			return fmt.Errorf("%s job without a repository", j.Tool)
		}
		if strings.HasPrefix(j.Repository, "/") && !cleanAbs(j.Repository) {
			return fmt.Errorf("repository %q is not a clean absolute path", j.Repository)
		}
	case "declared":
		if j.Name == "" || j.Marker == "" {
			return fmt.Errorf("a declared job needs a name and a marker file")
		}
	default:
		return fmt.Errorf("tool %q is not restic, borg or declared", j.Tool)
	}
	return nil
}

func cleanAbs(p string) bool { return path.IsAbs(p) && path.Clean(p) == p }
