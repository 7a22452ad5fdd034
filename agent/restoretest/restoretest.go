package restoretest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/backups"
	"github.com/auditfleet/auditfleet/plugins/backups/restic"
)

// Defaults of Limits.
const (
	DefaultMaxFiles = 20
	DefaultMaxBytes = 256 << 20
	// maxListed bounds the snapshot entries considered for the sample.
	maxListed = 1_000_000
)

// Limits bound one restore test.
type Limits struct {
	// MaxFiles is the most files restored (default DefaultMaxFiles).
	MaxFiles int
	// MaxBytes is the most bytes restored (default DefaultMaxBytes).
	MaxBytes int64
	// TempDir is where the scratch directory is made ("" is the system
	// default).
	TempDir string
}

// Test is one restore test of a job.
type Test struct {
	// Root is the host whose backup is tested: local repositories, the
	// password file, the live files and the record directory are read
	// and written under it.
	Root *hostroot.Root
	// Job is the job tested, and Options the backups collector's options
	// it came from (restic program, record directory).
	Job     backups.JobSpec
	Options backups.Options
	// Limits bound it.
	Limits Limits
	// Now gives the time recorded; nil is time.Now.
	Now func() time.Time
}

// Run performs the test and returns its record. A restore that fails is
// a record with result "fail", not an error; the error is for a test that
// could not be attempted (a job that is not restic, no password file).
func (t Test) Run(ctx context.Context) (backups.Record, error) {
	if t.Job.Tool != "restic" {
		return backups.Record{}, fmt.Errorf("restore test of %s: only restic jobs can be tested automatically (record a %s test by hand, see docs/backups.md)", t.Job.ID(), t.Job.Tool)
	}
	if t.Job.PasswordFile == "" {
		return backups.Record{}, fmt.Errorf("restore test of %s: the job has no password_file", t.Job.ID())
	}
	repo, err := backups.ResticRepo(t.Root, t.Job, t.Options)
	if err != nil {
		return backups.Record{}, fmt.Errorf("restore test of %s: %w", t.Job.ID(), err)
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	lim := t.Limits
	if lim.MaxFiles <= 0 {
		lim.MaxFiles = DefaultMaxFiles
	}
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	rec := backups.Record{PerformedAt: now().UTC().Truncate(time.Second), Job: t.Job.ID(), PerformedBy: "auditfleet-agent restore-test"}
	fail := func(format string, args ...any) (backups.Record, error) {
		rec.Result = "fail"
		rec.Detail = fmt.Sprintf(format, args...)
		if rec.Restored == "" {
			rec.Restored = "nothing"
		}
		return rec, nil
	}
	snap, ok, err := repo.Latest(ctx)
	if err != nil {
		return fail("list snapshots: %v", err)
	}
	if !ok {
		return fail("the repository has no snapshot")
	}
	nodes, err := repo.List(ctx, snap.ID, maxListed)
	if err != nil {
		return fail("list snapshot %s: %v", snap.ShortID, err)
	}
	sample := pick(nodes, t.Job.Sample, lim)
	if len(sample) == 0 {
		return fail("snapshot %s of %s has no regular file to restore (sample %v)", snap.ShortID, snap.Time.UTC().Format(time.RFC3339), t.Job.Sample)
	}
	var total int64
	include := make([]string, len(sample))
	for i, n := range sample {
		include[i] = n.Path
		total += n.Size
	}
	rec.Restored = fmt.Sprintf("%d files (%d bytes) from snapshot %s of %s", len(sample), total, snap.ShortID, snap.Time.UTC().Format(time.RFC3339))
	scratch, err := os.MkdirTemp(lim.TempDir, "auditfleet-restore-test-")
	if err != nil {
		return backups.Record{}, fmt.Errorf("restore test of %s: scratch directory: %w", t.Job.ID(), err)
	}
	defer os.RemoveAll(scratch)
	if err := repo.Restore(ctx, snap.ID, scratch, include); err != nil {
		if ctx.Err() != nil {
			return backups.Record{}, fmt.Errorf("restore test of %s: %w", t.Job.ID(), ctx.Err())
		}
		return fail("restore and verify: %v", err)
	}
	match := true
	var problems []string
	for _, n := range sample {
		f, err := t.compare(scratch, n)
		if err != nil {
			match = false
			problems = append(problems, err.Error())
		}
		if f.Live == "mismatch" {
			match = false
			problems = append(problems, fmt.Sprintf("%s differs from the live file, which has the size and time it had when backed up", n.Path))
		}
		rec.Files = append(rec.Files, f)
	}
	rec.ChecksumMatch = &match
	counts := map[string]int{}
	for _, f := range rec.Files {
		counts[f.Live]++
	}
	rec.Detail = fmt.Sprintf("restic verified the restored content against the snapshot; compared with the live files: %d match, %d changed since the backup, %d absent, %d mismatch", counts["match"], counts["changed"], counts["absent"], counts["mismatch"])
	if len(problems) > 0 {
		rec.Detail += "; " + strings.Join(problems, "; ")
	}
	rec.Result = "pass"
	if !match {
		rec.Result = "fail"
	}
	return rec, nil
}

// pick chooses up to lim.MaxFiles regular files within lim.MaxBytes from
// the snapshot, under the sample paths when there are any, spread evenly
// over the snapshot in path order.
func pick(nodes []restic.Node, sample []string, lim Limits) []restic.Node {
	var files []restic.Node
	for _, n := range nodes {
		if n.Type != "file" || n.Size > lim.MaxBytes {
			continue
		}
		if len(sample) > 0 && !slices.ContainsFunc(sample, func(s string) bool { return n.Path == s || strings.HasPrefix(n.Path, strings.TrimSuffix(s, "/")+"/") }) {
			continue
		}
		files = append(files, n)
	}
	slices.SortFunc(files, func(a, b restic.Node) int { return strings.Compare(a.Path, b.Path) })
	var out []restic.Node
	var total int64
	step := max(len(files)/lim.MaxFiles, 1)
	for i := 0; i < len(files) && len(out) < lim.MaxFiles; i += step {
		if total+files[i].Size > lim.MaxBytes {
			continue
		}
		total += files[i].Size
		out = append(out, files[i])
	}
	return out
}

// compare hashes the restored copy of n and compares it with the live
// file when that still has the size and modification time it had when
// backed up.
func (t Test) compare(scratch string, n restic.Node) (backups.RecordFile, error) {
	f := backups.RecordFile{Path: n.Path, Size: n.Size}
	restored := filepath.Join(scratch, filepath.FromSlash(path.Clean("/"+n.Path)))
	sum, size, err := hashFile(restored)
	if err != nil {
		f.Live = "absent"
		return f, fmt.Errorf("%s was not restored: %w", n.Path, err)
	}
	f.SHA256 = sum
	if size != n.Size {
		return f, fmt.Errorf("%s restored with %d bytes, the snapshot has %d", n.Path, size, n.Size)
	}
	live, err := t.Root.Stat(n.Path)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && !live.Mode().IsRegular()):
		f.Live = "absent"
		return f, nil
	case err != nil:
		return f, fmt.Errorf("stat live %s: %w", n.Path, err)
	case live.Size() != n.Size || !live.ModTime().Truncate(time.Second).Equal(n.ModTime.Truncate(time.Second)):
		f.Live = "changed"
		return f, nil
	}
	lf, err := t.Root.Open(n.Path)
	if err != nil {
		return f, fmt.Errorf("open live %s: %w", n.Path, err)
	}
	defer lf.Close()
	h := sha256.New()
	if _, err := io.Copy(h, lf); err != nil {
		return f, fmt.Errorf("read live %s: %w", n.Path, err)
	}
	f.Live = "mismatch"
	if hex.EncodeToString(h.Sum(nil)) == sum {
		f.Live = "match"
	}
	return f, nil
}

func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// Write stores rec in the options' record directory under root, as
// "<time>-<job>.json", written to a temporary file and renamed so that a
// collector never reads half a record. It returns the host path written.
func Write(root *hostroot.Root, o backups.Options, rec backups.Record) (string, error) {
	if err := rec.Validate(); err != nil {
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	dir, err := root.Resolve(o.RecordDir)
	if err != nil {
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	name := rec.PerformedAt.UTC().Format("20060102T150405Z") + "-" + slug(rec.Job) + ".json"
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".record-*")
	if err != nil {
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	if err := tmp.Chmod(0o640); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return "", fmt.Errorf("write restore-test record: %w", err)
	}
	return path.Join(o.RecordDir, name), nil
}

// slug makes a job ID safe as part of a file name.
func slug(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "._")
	if len(s) > 80 {
		s = s[:80]
	}
	if s == "" {
		s = "job"
	}
	return s
}
