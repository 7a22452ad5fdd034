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
	"github.com/auditfleet/auditfleet/plugins/backups/borg"
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

// file is one regular file of a backup.
type file struct {
	path    string // absolute, as on the host
	size    int64
	modTime time.Time
}

// source is a backup tool's view of a job's repository.
type source interface {
	// latest returns the newest snapshot or archive: its ID, a short name
	// for the record, its time; ok is false when there is none.
	latest(ctx context.Context) (id, short string, at time.Time, ok bool, err error)
	// files lists the regular files of id under paths (all when empty).
	files(ctx context.Context, id string, paths []string) ([]file, error)
	// restore restores the paths of id under target (a file lands at
	// target + its path), checking integrity as the tool can.
	restore(ctx context.Context, id, target string, paths []string) error
	// check says what the tool checked while restoring.
	check() string
}

// resticSource restores with restic, which verifies the restored
// content against the snapshot's SHA-256 blob hashes (--verify).
type resticSource struct{ r restic.Repo }

func (s resticSource) latest(ctx context.Context) (string, string, time.Time, bool, error) {
	snap, ok, err := s.r.Latest(ctx)
	return snap.ID, "snapshot " + snap.ShortID, snap.Time, ok, err
}

func (s resticSource) files(ctx context.Context, id string, paths []string) ([]file, error) {
	nodes, err := s.r.List(ctx, id, paths, maxListed)
	var out []file
	for _, n := range nodes {
		if n.Type == "file" {
			out = append(out, file{path: n.Path, size: n.Size, modTime: n.ModTime})
		}
	}
	return out, err
}

func (s resticSource) restore(ctx context.Context, id, target string, paths []string) error {
	return s.r.Restore(ctx, id, target, paths)
}

func (resticSource) check() string {
	return "restic verified the restored content against the snapshot's hashes"
}

// borgSource restores with borg extract, which checks every chunk's ID
// (and MAC, in encrypted and authenticated modes) as it reads it.
type borgSource struct{ r borg.Repo }

func (s borgSource) latest(ctx context.Context) (string, string, time.Time, bool, error) {
	st, err := s.r.List(ctx)
	return st.Archive, "archive " + st.Archive, st.Latest, err == nil && st.Archive != "", err
}

func (s borgSource) files(ctx context.Context, id string, paths []string) ([]file, error) {
	entries, err := s.r.Contents(ctx, id, paths, maxListed)
	var out []file
	for _, e := range entries {
		if e.Type == "file" {
			out = append(out, file{path: e.Path, size: e.Size, modTime: e.ModTime})
		}
	}
	return out, err
}

func (s borgSource) restore(ctx context.Context, id, target string, paths []string) error {
	return s.r.Extract(ctx, id, target, paths)
}

func (borgSource) check() string {
	return "borg checked every chunk it read"
}

// source returns the tool that restores the job.
func (t Test) source() (source, error) {
	if t.Job.PasswordFile == "" {
		return nil, errors.New("the job has no password_file")
	}
	switch t.Job.Tool {
	case "restic":
		r, err := backups.ResticRepo(t.Root, t.Job, t.Options)
		return resticSource{r}, err
	case "borg":
		r, err := backups.BorgRepo(t.Root, t.Job, t.Options)
		return borgSource{r}, err
	default:
		return nil, fmt.Errorf("only restic and borg jobs can be tested automatically (record a %s test by hand, see docs/backups.md)", t.Job.Tool)
	}
}

// Run performs the test and returns its record. A restore that fails is
// a record with result "fail", not an error; the error is for a test that
// could not be attempted (a job of another tool, no password file).
func (t Test) Run(ctx context.Context) (backups.Record, error) {
	src, err := t.source()
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
	id, short, at, ok, err := src.latest(ctx)
	if err != nil {
		return fail("list the backups: %v", err)
	}
	if !ok {
		return fail("the repository has no backup")
	}
	files, err := src.files(ctx, id, t.Job.Sample)
	if err != nil {
		return fail("list %s: %v", short, err)
	}
	sample := pick(files, lim)
	if len(sample) == 0 {
		return fail("%s of %s has no regular file to restore (sample %v)", short, at.UTC().Format(time.RFC3339), t.Job.Sample)
	}
	var total int64
	include := make([]string, len(sample))
	for i, f := range sample {
		include[i] = f.path
		total += f.size
	}
	rec.Restored = fmt.Sprintf("%d files (%d bytes) from %s of %s", len(sample), total, short, at.UTC().Format(time.RFC3339))
	scratch, err := os.MkdirTemp(lim.TempDir, "auditfleet-restore-test-")
	if err != nil {
		return backups.Record{}, fmt.Errorf("restore test of %s: scratch directory: %w", t.Job.ID(), err)
	}
	defer os.RemoveAll(scratch)
	if err := src.restore(ctx, id, scratch, include); err != nil {
		if ctx.Err() != nil {
			return backups.Record{}, fmt.Errorf("restore test of %s: %w", t.Job.ID(), ctx.Err())
		}
		return fail("restore: %v", err)
	}
	match := true
	var problems []string
	for _, f := range sample {
		rf, err := t.compare(scratch, f)
		if err != nil {
			match = false
			problems = append(problems, err.Error())
		}
		if rf.Live == "mismatch" {
			match = false
			problems = append(problems, fmt.Sprintf("%s differs from the live file, which has the size and time it had when backed up", f.path))
		}
		rec.Files = append(rec.Files, rf)
	}
	rec.ChecksumMatch = &match
	counts := map[string]int{}
	for _, f := range rec.Files {
		counts[f.Live]++
	}
	rec.Detail = fmt.Sprintf("%s; compared with the live files: %d match, %d changed since the backup, %d absent, %d mismatch", src.check(), counts["match"], counts["changed"], counts["absent"], counts["mismatch"])
	if len(problems) > 0 {
		rec.Detail += "; " + strings.Join(problems, "; ")
	}
	rec.Result = "pass"
	if !match {
		rec.Result = "fail"
	}
	return rec, nil
}

// pick chooses up to lim.MaxFiles files within lim.MaxBytes, spread
// evenly over the backup in path order.
func pick(files []file, lim Limits) []file {
	files = slices.DeleteFunc(slices.Clone(files), func(f file) bool { return f.size > lim.MaxBytes })
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.path, b.path) })
	var out []file
	var total int64
	step := max(len(files)/lim.MaxFiles, 1)
	for i := 0; i < len(files) && len(out) < lim.MaxFiles; i += step {
		if total+files[i].size > lim.MaxBytes {
			continue
		}
		total += files[i].size
		out = append(out, files[i])
	}
	return out
}

// compare hashes the restored copy of n and compares it with the live
// file when that still has the size and modification time it had when
// backed up.
func (t Test) compare(scratch string, n file) (backups.RecordFile, error) {
	f := backups.RecordFile{Path: n.path, Size: n.size}
	restored := filepath.Join(scratch, filepath.FromSlash(path.Clean("/"+n.path)))
	sum, size, err := hashFile(restored)
	if err != nil {
		f.Live = "absent"
		return f, fmt.Errorf("%s was not restored: %w", n.path, err)
	}
	f.SHA256 = sum
	if size != n.size {
		return f, fmt.Errorf("%s restored with %d bytes, the snapshot has %d", n.path, size, n.size)
	}
	live, err := t.Root.Stat(n.path)
	switch {
	case errors.Is(err, os.ErrNotExist) || (err == nil && !live.Mode().IsRegular()):
		f.Live = "absent"
		return f, nil
	case err != nil:
		return f, fmt.Errorf("stat live %s: %w", n.path, err)
	case live.Size() != n.size || !live.ModTime().Truncate(time.Second).Equal(n.modTime.Truncate(time.Second)):
		f.Live = "changed"
		return f, nil
	}
	lf, err := t.Root.Open(n.path)
	if err != nil {
		return f, fmt.Errorf("open live %s: %w", n.path, err)
	}
	defer lf.Close()
	h := sha256.New()
	if _, err := io.Copy(h, lf); err != nil {
		return f, fmt.Errorf("read live %s: %w", n.path, err)
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
