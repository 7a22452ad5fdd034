package backups

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Limits on the restore-test records read.
const (
	maxRecords    = 1000
	maxRecordSize = 1 << 20
)

// Record is a restore-test evidence record: a JSON or YAML file in the
// record directory, written by `auditfleet-agent restore-test` or by
// whoever tested a restore by hand. Fields the collector does not know
// are kept in the file and ignored (docs/backups.md).
type Record struct {
	// PerformedAt is when the test was done (RFC 3339; required).
	PerformedAt time.Time `json:"performed_at"`
	// Job is the ID of the backup job restored from ("restic:db", ...).
	Job string `json:"job,omitempty"`
	// Result is "pass" or "fail" (required).
	Result string `json:"result"`
	// Restored says what was restored (required).
	Restored string `json:"restored"`
	// ChecksumMatch is whether the restored data matched the original's
	// checksums; absent when not checked.
	ChecksumMatch *bool `json:"checksum_match,omitempty"`
	// PerformedBy is who or what did the test.
	PerformedBy string `json:"performed_by,omitempty"`
	// Detail is free text: what was compared, what went wrong.
	Detail string `json:"detail,omitempty"`
	// Files are the files compared, for records the agent writes.
	Files []RecordFile `json:"files,omitempty"`
}

// RecordFile is one file of an automated restore test.
type RecordFile struct {
	// Path is the file's path in the backup.
	Path string `json:"path"`
	// Size is its size in bytes.
	Size int64 `json:"size"`
	// SHA256 is the restored file's SHA-256, hex.
	SHA256 string `json:"sha256"`
	// Live is how it compared with the file on the host now: "match",
	// "mismatch", "changed" (modified since the backup, not compared) or
	// "absent".
	Live string `json:"live"`
}

// Validate checks the required fields.
func (r Record) Validate() error {
	var errs []error
	if r.PerformedAt.IsZero() {
		errs = append(errs, errors.New("performed_at is missing"))
	}
	if r.Result != "pass" && r.Result != "fail" {
		errs = append(errs, fmt.Errorf("result %q is not pass or fail", r.Result))
	}
	if strings.TrimSpace(r.Restored) == "" {
		errs = append(errs, errors.New("restored is missing"))
	}
	return errors.Join(errs...)
}

// readRecords reads the restore-test records in dir, in name order. A
// record that does not decode or validate is a warning and left out; a
// missing directory means no record.
func readRecords(root *hostroot.Root, dir string) ([]RestoreTest, []string) {
	entries, err := root.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []RestoreTest{}, nil
	}
	if err != nil {
		return []RestoreTest{}, []string{fmt.Sprintf("restore tests: %v", err)}
	}
	var names []string
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.Type().IsRegular() && (ext == ".json" || ext == ".yaml" || ext == ".yml") && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	var warns sdk.Warnings
	if len(names) > maxRecords {
		warns.Add("restore tests: %d records in %s; only the last %d by name are read", len(names), dir, maxRecords)
		names = names[len(names)-maxRecords:]
	}
	tests := []RestoreTest{}
	for _, n := range names {
		p := dir + "/" + n
		b, err := root.ReadFile(p, maxRecordSize)
		if err != nil {
			warns.Add("restore tests: %v", err)
			continue
		}
		r, err := ParseRecord(b)
		if err != nil {
			warns.Add("restore tests: %s: %v; record ignored", p, err)
			continue
		}
		tests = append(tests, RestoreTest{
			ID: n, Job: r.Job, PerformedAt: r.PerformedAt.UTC().Truncate(time.Second), Result: r.Result,
			Restored: r.Restored, ChecksumMatch: r.ChecksumMatch, Source: p,
		})
	}
	return tests, warns
}

// ParseRecord decodes and validates a restore-test record (JSON or YAML).
func ParseRecord(b []byte) (Record, error) {
	var r Record
	if err := yaml.Unmarshal(b, &r); err != nil {
		return Record{}, fmt.Errorf("decode: %w", err)
	}
	if err := r.Validate(); err != nil {
		return Record{}, err
	}
	return r, nil
}
