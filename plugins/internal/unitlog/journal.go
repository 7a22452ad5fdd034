package unitlog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/journal"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// JournalDirs are the journal directories, each holding one directory
// per machine ID: the persistent one, then the volatile one.
var JournalDirs = []string{"/var/log/journal", "/run/log/journal"}

// maxJournalFiles bounds the journal files read.
const maxJournalFiles = 256

// journalFields are the fields read from each entry.
var journalFields = []string{"MESSAGE_ID", "MESSAGE", "UNIT", "UNIT_RESULT", "JOB_RESULT", "_PID", "SYSLOG_IDENTIFIER", "_COMM"}

// JournalFile is one system journal file found.
type JournalFile struct {
	// Path is its host path.
	Path string
	// Dir is the journal directory it is under (one of JournalDirs).
	Dir string
	// ModTime is its modification time.
	ModTime time.Time
}

// FindJournals lists the system journal files (system.journal,
// system@*.journal and system@*.journal~) of every machine directory;
// user journals are left out. It also returns the journal directories
// that exist, and warnings for directories it could not read.
func FindJournals(root *hostroot.Root) ([]JournalFile, []string, sdk.Warnings) {
	var files []JournalFile
	var dirs []string
	var warns sdk.Warnings
	for _, top := range JournalDirs {
		machines, err := root.ReadDir(top)
		if err != nil {
			if !IsNotExist(err) {
				warns.Add("journal directory %s: %v; not read", top, err)
			}
			continue
		}
		dirs = append(dirs, top)
		for _, m := range machines {
			if !m.IsDir() {
				continue
			}
			mdir := path.Join(top, m.Name())
			ents, err := root.ReadDir(mdir)
			if err != nil {
				warns.Add("journal directory %s: %v; not read", mdir, err)
				continue
			}
			for _, e := range ents {
				n := e.Name()
				if !e.Type().IsRegular() || !isSystemJournal(n) {
					continue
				}
				fi, err := e.Info()
				if err != nil {
					continue
				}
				if len(files) == maxJournalFiles {
					warns.Add("more than %d journal files; %s and the rest not read", maxJournalFiles, path.Join(mdir, n))
					return files, dirs, warns
				}
				files = append(files, JournalFile{Path: path.Join(mdir, n), Dir: top, ModTime: fi.ModTime()})
			}
		}
	}
	return files, dirs, warns
}

// isSystemJournal reports whether a file name is a system journal file.
func isSystemJournal(n string) bool {
	return n == "system.journal" || (strings.HasPrefix(n, "system@") && (strings.HasSuffix(n, ".journal") || strings.HasSuffix(n, ".journal~")))
}

// JournalStats is what reading the journal files gave.
type JournalStats struct {
	// Read counts the files read, wholly or partly.
	Read int
	// Old counts the files left unread as older than the window.
	Old int
	// Damaged are the files of the window that could not be read in full
	// (unreadable, corrupt, cut short, or a limit reached): entries there
	// are lost, so what the journal says is incomplete.
	Damaged []string
	// Entries counts the entries examined (those of the window).
	Entries int
	// Newest is the time of the newest entry, NewestBoot its boot.
	Newest     time.Time
	NewestBoot string
	// boots are the boots of the entries read (up to 1024).
	boots map[string]bool
}

// HasBoot reports whether any entry read was of boot.
func (s JournalStats) HasBoot(boot string) bool { return s.boots[boot] }

// Used reports whether the journal gave entries of the window: when it
// did not, its absence or silence leaves the text logs to read.
func (s JournalStats) Used() bool { return s.Read > 0 && s.Entries > 0 }

// ReadJournals passes every entry of files logged from since on to visit,
// in the order of the files and, within a file, of the entries, reading
// at most budget bytes over all files. A file last written before since
// is skipped. Unreadable files and fields are warnings; the error is
// ctx's.
func ReadJournals(ctx context.Context, root *hostroot.Root, files []JournalFile, since time.Time, budget int64, visit func(Line)) (JournalStats, []string, error) {
	var res JournalStats
	var warns sdk.Warnings
	unreadable := 0
	for _, jf := range files {
		if budget <= 0 {
			warns.Add("journal read budget spent; %s and later files not read (raise journal_max_mb)", jf.Path)
			break
		}
		if !jf.ModTime.IsZero() && jf.ModTime.Before(since) {
			res.Old++ // last written before the lookback window
			continue
		}
		st, err := readJournal(ctx, root, jf, since, budget, &res, visit)
		budget -= st.BytesRead
		if ctx.Err() != nil {
			return res, warns, ctx.Err()
		}
		if err != nil {
			warns.Add("journal file %s: %v; not read", jf.Path, err)
			res.Damaged = append(res.Damaged, jf.Path)
			continue
		}
		res.Read++
		unreadable += st.Unreadable
		for _, p := range st.Problems {
			warns.Add("journal file %s: %s", jf.Path, p)
		}
		if len(st.Problems) > 0 {
			res.Damaged = append(res.Damaged, jf.Path)
		}
	}
	if unreadable > 0 {
		warns.Add("%d journal fields could not be read (XZ-compressed, corrupt or over the size limit) and were left out", unreadable)
	}
	return res, warns, nil
}

// readJournal reads one journal file into res.
func readJournal(ctx context.Context, root *hostroot.Root, jf JournalFile, since time.Time, budget int64, res *JournalStats, visit func(Line)) (journal.Stats, error) {
	f, err := root.Open(jf.Path)
	if err != nil {
		return journal.Stats{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return journal.Stats{}, fmt.Errorf("stat: %w", err)
	}
	r, err := journal.NewReader(f, fi.Size(), journal.Limits{MaxBytes: budget, Since: since})
	if err != nil {
		return journal.Stats{}, err
	}
	if h := r.Header(); !h.TailRealtime.IsZero() && h.TailRealtime.Before(since) && h.State != journal.StateOnline {
		return journal.Stats{}, nil // wholly older than the window
	}
	return r.Walk(ctx, journalFields, func(e *journal.Entry) error {
		res.Entries++
		if res.boots == nil {
			res.boots = map[string]bool{}
		}
		if !res.boots[e.BootID] && len(res.boots) < 1024 {
			res.boots[e.BootID] = true
		}
		if e.Realtime.After(res.Newest) {
			res.Newest, res.NewestBoot = e.Realtime, e.BootID
		}
		pid, _ := strconv.Atoi(e.Fields["_PID"])
		ident := e.Fields["SYSLOG_IDENTIFIER"]
		if ident == "" {
			ident = e.Fields["_COMM"]
		}
		visit(Line{
			At: e.Realtime, Boot: e.BootID, Ident: ident, PID: pid, Message: e.Fields["MESSAGE"],
			MessageID: e.Fields["MESSAGE_ID"], Unit: e.Fields["UNIT"], UnitResult: e.Fields["UNIT_RESULT"],
			JobResult: e.Fields["JOB_RESULT"], Log: jf.Path,
		})
		return nil
	})
}

// CurrentBoot returns the running boot's ID from
// /proc/sys/kernel/random/boot_id, as 32 hexadecimal digits; ok is false
// when the host root has none.
func CurrentBoot(root *hostroot.Root) (string, bool) {
	b, err := root.ReadFile("/proc/sys/kernel/random/boot_id", 128)
	if err != nil {
		return "", false
	}
	id := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(string(b)), "-", ""))
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", false
	}
	return id, true
}

// IsNotExist reports whether err says a path is absent (including a path
// through a file that is not a directory).
func IsNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
