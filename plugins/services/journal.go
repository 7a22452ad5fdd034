package services

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/journal"
)

// Journal directories, each holding one directory per machine ID.
var journalDirs = []string{"/var/log/journal", "/run/log/journal"}

// maxJournalFiles bounds the journal files read.
const maxJournalFiles = 256

// journalFields are the fields read from each entry.
var journalFields = []string{"MESSAGE_ID", "MESSAGE", "UNIT", "UNIT_RESULT", "JOB_RESULT", "_PID", "SYSLOG_IDENTIFIER", "_COMM"}

// journalFile is one system journal file found.
type journalFile struct {
	path  string
	dir   string // the journal directory it is under
	mtime time.Time
}

// findJournalFiles lists the system journal files (system.journal,
// system@*.journal and system@*.journal~) of every machine directory;
// user journals are left out. It reports the journal directories that
// exist.
func findJournalFiles(root *hostroot.Root, w *warnings) ([]journalFile, []string) {
	var files []journalFile
	var dirs []string
	for _, top := range journalDirs {
		machines, err := root.ReadDir(top)
		if err != nil {
			if !isNotExist(err) {
				w.add("journal directory %s: %v; not read", top, err)
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
				w.add("journal directory %s: %v; not read", mdir, err)
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
					w.add("more than %d journal files; %s and the rest not read", maxJournalFiles, path.Join(mdir, n))
					return files, dirs
				}
				files = append(files, journalFile{path: path.Join(mdir, n), dir: top, mtime: fi.ModTime()})
			}
		}
	}
	return files, dirs
}

// isSystemJournal reports whether a file name is a system journal file.
func isSystemJournal(n string) bool {
	return n == "system.journal" || (strings.HasPrefix(n, "system@") && (strings.HasSuffix(n, ".journal") || strings.HasSuffix(n, ".journal~")))
}

// journalResult is what the journal files gave.
type journalResult struct {
	events  []event
	read    int       // files read, wholly or partly
	old     int       // files left unread as older than the window
	entries int       // entries examined
	newest  time.Time // newest entry
	newBoot string    // boot of the newest entry
	boots   map[string]bool
}

// readJournals reads the events of every journal file from since on,
// within a byte budget over all files.
func readJournals(ctx context.Context, root *hostroot.Root, files []journalFile, since time.Time, budget int64, seq *int, w *warnings) (journalResult, error) {
	var res journalResult
	unreadable := 0
	for _, jf := range files {
		if budget <= 0 {
			w.add("journal read budget spent; %s and later files not read (raise journal_max_mb)", jf.path)
			break
		}
		if !jf.mtime.IsZero() && jf.mtime.Before(since) {
			res.old++ // last written before the lookback window
			continue
		}
		st, err := readJournal(ctx, root, jf, since, budget, seq, &res)
		budget -= st.BytesRead
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if err != nil {
			w.add("journal file %s: %v; not read", jf.path, err)
			continue
		}
		res.read++
		unreadable += st.Unreadable
		for _, p := range st.Problems {
			w.add("journal file %s: %s", jf.path, p)
		}
	}
	if unreadable > 0 {
		w.add("%d journal fields could not be read (XZ-compressed, corrupt or over the size limit) and were left out", unreadable)
	}
	return res, nil
}

// readJournal reads one journal file into res.
func readJournal(ctx context.Context, root *hostroot.Root, jf journalFile, since time.Time, budget int64, seq *int, res *journalResult) (journal.Stats, error) {
	f, err := root.Open(jf.path)
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
		res.entries++
		if res.boots == nil {
			res.boots = map[string]bool{}
		}
		if !res.boots[e.BootID] && len(res.boots) < 1024 {
			res.boots[e.BootID] = true
		}
		if e.Realtime.After(res.newest) {
			res.newest, res.newBoot = e.Realtime, e.BootID
		}
		pid, _ := strconv.Atoi(e.Fields["_PID"])
		ident := e.Fields["SYSLOG_IDENTIFIER"]
		if ident == "" {
			ident = e.Fields["_COMM"]
		}
		ev, ok := classify(fields{
			ident: ident, pid: pid, message: e.Fields["MESSAGE"], messageID: e.Fields["MESSAGE_ID"],
			unit: e.Fields["UNIT"], unitResult: e.Fields["UNIT_RESULT"], jobResult: e.Fields["JOB_RESULT"],
		})
		if !ok {
			return nil
		}
		*seq++
		ev.at, ev.seq, ev.boot, ev.log = e.Realtime, *seq, e.BootID, jf.path
		res.events = append(res.events, ev)
		return nil
	})
}

// currentBoot returns the running boot's ID from
// /proc/sys/kernel/random/boot_id, as 32 hexadecimal digits; ok is false
// when the host root has none.
func currentBoot(root *hostroot.Root) (string, bool) {
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

// hasBoot reports whether any entry read was of boot.
func (r journalResult) hasBoot(boot string) bool { return r.boots[boot] }
