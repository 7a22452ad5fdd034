package spool

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/agent/internal/atomicfile"
)

// Defaults for Limits.
const (
	DefaultMaxFiles = 100
	DefaultMaxBytes = 256 << 20
)

// RejectedDir is the subdirectory of reports the server refused for good.
const RejectedDir = "rejected"

// ReasonExt is the extension of the file beside a rejected report that
// says why it was refused.
const ReasonExt = ".reason"

const (
	reportExt  = ".json"
	timeLayout = "20060102T150405.000000000Z"
)

// validID matches report IDs safe to put in a file name.
var validID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Limits bound the spool, and separately rejected/.
type Limits struct {
	// MaxFiles is the most reports kept (default DefaultMaxFiles).
	MaxFiles int
	// MaxBytes is the most bytes of reports kept (default DefaultMaxBytes).
	MaxBytes int64
}

// Report is one facts document ready to send.
type Report struct {
	ID          string
	CollectedAt time.Time
	// Body is the exact JSON sent to the server.
	Body []byte
}

// Entry is a report waiting in the spool.
type Entry struct {
	ID          string
	CollectedAt time.Time
	Size        int64
	// Path is the report's file.
	Path string
}

// Spool is a directory of reports waiting for delivery.
type Spool struct {
	dir string
	lim Limits
	log *slog.Logger
	now func() time.Time
}

// staleTemp is the age after which a temporary file is a crash's leftover
// rather than another agent process's write in progress.
const staleTemp = time.Hour

// Open returns the spool in dir, creating dir and dir/rejected (mode 0700)
// and removing temporary files left by a crash. A nil logger discards logs.
func Open(dir string, lim Limits, log *slog.Logger) (*Spool, error) {
	if lim.MaxFiles <= 0 {
		lim.MaxFiles = DefaultMaxFiles
	}
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultMaxBytes
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Spool{dir: dir, lim: lim, log: log, now: time.Now}
	for _, d := range []string{dir, s.rejectedDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("open spool: %w", err)
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			return nil, fmt.Errorf("open spool: %w", err)
		}
		for _, e := range ents {
			if !atomicfile.IsTemp(e.Name()) {
				continue
			}
			if fi, err := e.Info(); err == nil && s.now().Sub(fi.ModTime()) > staleTemp {
				_ = os.Remove(filepath.Join(d, e.Name()))
			}
		}
	}
	return s, nil
}

// Dir returns the spool directory.
func (s *Spool) Dir() string { return s.dir }

func (s *Spool) rejectedDir() string { return filepath.Join(s.dir, RejectedDir) }

// fileName sorts by collection time, then report ID.
func fileName(r Report) string {
	return r.CollectedAt.UTC().Format(timeLayout) + "_" + r.ID + reportExt
}

// parseName reads an entry's collection time and ID from its file name.
func parseName(name string) (time.Time, string, bool) {
	base, ok := strings.CutSuffix(name, reportExt)
	if !ok {
		return time.Time{}, "", false
	}
	ts, id, ok := strings.Cut(base, "_")
	if !ok || !validID.MatchString(id) {
		return time.Time{}, "", false
	}
	t, err := time.Parse(timeLayout, ts)
	if err != nil {
		return time.Time{}, "", false
	}
	return t, id, true
}

// Put writes r to the spool durably, first dropping the oldest reports if
// r would not fit otherwise.
func (s *Spool) Put(r Report) error {
	if err := s.write(s.dir, r, "undelivered report"); err != nil {
		return fmt.Errorf("spool report %s: %w", r.ID, err)
	}
	s.log.Info("report spooled for a later attempt", "report_id", r.ID, "bytes", len(r.Body), "spool", s.dir)
	return nil
}

func (s *Spool) write(dir string, r Report, what string) error {
	if !validID.MatchString(r.ID) {
		return fmt.Errorf("report ID %q is not safe in a file name", r.ID)
	}
	if int64(len(r.Body)) > s.lim.MaxBytes {
		return fmt.Errorf("report is %d bytes, over the spool limit of %d bytes", len(r.Body), s.lim.MaxBytes)
	}
	if err := s.makeRoom(dir, int64(len(r.Body)), what); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, fileName(r)), r.Body, 0o600)
}

// makeRoom drops the oldest reports in dir until one more of size bytes
// fits the limits.
func (s *Spool) makeRoom(dir string, size int64, what string) error {
	ents, err := list(dir)
	if err != nil {
		return err
	}
	var total int64
	for _, e := range ents {
		total += e.Size
	}
	for len(ents) > 0 && (len(ents)+1 > s.lim.MaxFiles || total+size > s.lim.MaxBytes) {
		old := ents[0]
		ents = ents[1:]
		if err := atomicfile.Remove(old.Path); err != nil {
			return fmt.Errorf("drop oldest report: %w", err)
		}
		_ = os.Remove(strings.TrimSuffix(old.Path, reportExt) + ReasonExt)
		total -= old.Size
		s.log.Warn("spool full: dropped the oldest "+what+" to make room", "report_id", old.ID, "collected_at", old.CollectedAt, "bytes", old.Size, "dir", dir, "max_files", s.lim.MaxFiles, "max_bytes", s.lim.MaxBytes)
	}
	return nil
}

// Pending lists the reports waiting in the spool, oldest first.
func (s *Spool) Pending() ([]Entry, error) { return list(s.dir) }

// Rejected lists the reports in rejected/, oldest first.
func (s *Spool) Rejected() ([]Entry, error) { return list(s.rejectedDir()) }

func list(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list spool: %w", err)
	}
	var ents []Entry
	for _, de := range des {
		if !de.Type().IsRegular() {
			continue
		}
		t, id, ok := parseName(de.Name())
		if !ok {
			continue
		}
		fi, err := de.Info()
		if errors.Is(err, os.ErrNotExist) {
			continue // delivered by another agent process meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("list spool: %w", err)
		}
		ents = append(ents, Entry{ID: id, CollectedAt: t, Size: fi.Size(), Path: filepath.Join(dir, de.Name())})
	}
	slices.SortFunc(ents, func(a, b Entry) int {
		return cmp.Or(a.CollectedAt.Compare(b.CollectedAt), cmp.Compare(a.ID, b.ID))
	})
	return ents, nil
}

// Read returns an entry's report.
func (s *Spool) Read(e Entry) (Report, error) {
	b, err := os.ReadFile(e.Path)
	if err != nil {
		return Report{}, fmt.Errorf("read spooled report %s: %w", e.ID, err)
	}
	return Report{ID: e.ID, CollectedAt: e.CollectedAt, Body: b}, nil
}

// Remove deletes a delivered entry. An entry already gone is not an error.
func (s *Spool) Remove(e Entry) error {
	if err := atomicfile.Remove(e.Path); err != nil {
		return fmt.Errorf("remove delivered report %s: %w", e.ID, err)
	}
	return nil
}

// Reject moves a spooled entry to rejected/ and writes why beside it.
func (s *Spool) Reject(e Entry, reason string) error {
	if err := s.makeRoom(s.rejectedDir(), e.Size, "rejected report"); err != nil {
		return fmt.Errorf("reject report %s: %w", e.ID, err)
	}
	dst := filepath.Join(s.rejectedDir(), filepath.Base(e.Path))
	if err := s.writeReason(dst, reason); err != nil {
		return fmt.Errorf("reject report %s: %w", e.ID, err)
	}
	if err := atomicfile.Rename(e.Path, dst); err != nil {
		return fmt.Errorf("reject report %s: %w", e.ID, err)
	}
	return nil
}

// RejectReport writes a report that was never spooled straight to
// rejected/, with why beside it.
func (s *Spool) RejectReport(r Report, reason string) error {
	dst := filepath.Join(s.rejectedDir(), fileName(r))
	if err := s.write(s.rejectedDir(), r, "rejected report"); err != nil {
		return fmt.Errorf("reject report %s: %w", r.ID, err)
	}
	if err := s.writeReason(dst, reason); err != nil {
		return fmt.Errorf("reject report %s: %w", r.ID, err)
	}
	return nil
}

func (s *Spool) writeReason(report, reason string) error {
	text := fmt.Sprintf("rejected_at: %s\nreason: %s\n", s.now().UTC().Format(time.RFC3339), reason)
	return atomicfile.Write(strings.TrimSuffix(report, reportExt)+ReasonExt, []byte(text), 0o600)
}
