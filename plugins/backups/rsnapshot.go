package backups

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// rsnapshotConfig is what the collector needs of rsnapshot.conf.
type rsnapshotConfig struct {
	snapshotRoot string
	logfile      string
	// levels are the backup levels (retain or interval lines) in order;
	// the first is the one a backup run creates.
	levels []string
}

// parseRsnapshotConfig reads rsnapshot.conf, whose fields are separated by
// tabs.
func parseRsnapshotConfig(b []byte) rsnapshotConfig {
	var c rsnapshotConfig
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		f := strings.Split(line, "\t")
		var fields []string
		for _, x := range f {
			if x = strings.TrimSpace(x); x != "" {
				fields = append(fields, x)
			}
		}
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "snapshot_root":
			c.snapshotRoot = path.Clean(fields[1])
		case "logfile":
			c.logfile = path.Clean(fields[1])
		case "retain", "interval":
			c.levels = append(c.levels, fields[1])
		}
	}
	return c
}

// rsnapshotLine matches a log line: "[2026-08-31T01:00:01] /usr/bin/rsnapshot
// alpha: completed successfully". Before rsnapshot 1.4 the date was
// "[28/Feb/2004:23:45:59]".
var rsnapshotLine = regexp.MustCompile(`^\[([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}|[0-9]{2}/[A-Za-z]{3}/[0-9]{4}:[0-9:]{8})\] \S*rsnapshot( \S+)*: (started|completed successfully|completed, but with some (warnings|errors)|completed, but with no definite status)$`)

// rsnapshotRun is one run read from the log.
type rsnapshotRun struct {
	at     time.Time
	result string // success, failure
}

// parseRsnapshotLog returns the runs in the log, in the host's time zone.
func parseRsnapshotLog(b []byte, loc *time.Location) []rsnapshotRun {
	var runs []rsnapshotRun
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		m := rsnapshotLine.FindStringSubmatch(sc.Text())
		if m == nil || m[3] == "started" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04:05", m[1], loc)
		if err != nil {
			t, err = time.ParseInLocation("02/Jan/2006:15:04:05", m[1], loc)
		}
		if err != nil {
			continue
		}
		result := "failure"
		if m[3] == "completed successfully" || m[4] == "warnings" {
			// warnings are files that vanished while copying; the snapshot
			// was made
			result = "success"
		}
		runs = append(runs, rsnapshotRun{at: t, result: result})
	}
	return runs
}

// rsnapshotJob reads rsnapshot's configuration and log. It is a job only
// when rsnapshot has run: the package installs a configuration, but that
// alone backs nothing up. ok is false when there is no job.
func rsnapshotJob(root *hostroot.Root, o Options, mounts mountTable, loc *time.Location) (j Job, warns sdk.Warnings, ok bool) {
	b, err := root.ReadFile(o.RsnapshotConfig, 4<<20)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			warns.Add("rsnapshot: %v", err)
		}
		return Job{}, warns, false
	}
	c := parseRsnapshotConfig(b)
	j = Job{ID: "rsnapshot:" + o.RsnapshotConfig, Tool: "rsnapshot", Source: o.RsnapshotConfig, Reason: "rsnapshot configured and has run", Repository: c.snapshotRoot, LastResult: "unknown"}
	if why := textcheck.Problem(b); why != "" {
		// The snapshot root, levels or log file may be after the cut.
		warns.Add("%s: %s: %s", j.ID, o.RsnapshotConfig, why)
		j.Unread = append(j.Unread, o.RsnapshotConfig+": "+why)
	}
	ran := false
	if c.logfile != "" {
		lb, err := readTail(root, c.logfile, 4<<20)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if _, lerr := root.Lstat(c.logfile); lerr == nil {
				warns.Add("%s: %s is a symbolic link to nothing", j.ID, c.logfile)
				j.Unread = append(j.Unread, c.logfile+": a symbolic link to nothing")
			}
		case err != nil:
			warns.Add("%s: %v", j.ID, err)
			j.Unread = append(j.Unread, fmt.Sprintf("%s: %v", c.logfile, err))
		default:
			for _, r := range parseRsnapshotLog(lb, loc) {
				j.setRun(r.at, r.result)
				ran = true
			}
			if why := textcheck.Problem(lb); why != "" {
				// The newest runs are at the end of the log.
				warns.Add("%s: %s: %s", j.ID, c.logfile, why)
				j.Unread = append(j.Unread, c.logfile+": "+why)
			}
		}
	}
	tree := false // the newest snapshot of the first level is there
	if c.snapshotRoot != "" && len(c.levels) > 0 {
		// rsnapshot touches <level>.0 when a run of the first level
		// completes.
		if info, err := root.Stat(path.Join(c.snapshotRoot, c.levels[0]+".0")); err == nil && info.IsDir() {
			tree = true
			ran = true
			if j.LastSuccess == nil || info.ModTime().After(*j.LastSuccess) {
				t := info.ModTime().UTC().Truncate(time.Second)
				j.LastSuccess = &t
				if j.LastRun == nil || j.LastRun.Before(t) {
					j.LastRun, j.LastResult = &t, "success"
				}
			}
		}
	}
	if !ran && len(j.Unread) == 0 {
		return Job{}, warns, false
	}
	if j.LastSuccess != nil && !tree {
		// The log says a run succeeded, but the snapshot it made is not
		// where the configuration says: the log alone is no backup.
		why := o.RsnapshotConfig + ": no snapshot_root or retain level, so the successes the log records cannot be borne out"
		if c.snapshotRoot != "" && len(c.levels) > 0 {
			why = fmt.Sprintf("%s: the successes it records are not borne out: no snapshot directory %s", c.logfile, path.Join(c.snapshotRoot, c.levels[0]+".0"))
		}
		warns.Add("%s: %s", j.ID, why)
		j.Unread = append(j.Unread, why)
	}
	if c.snapshotRoot != "" {
		j.OffHost = mounts.offHost(c.snapshotRoot)
		if j.OffHost != nil && !*j.OffHost {
			j.Immutable = ptr(false)
		}
	}
	return j, warns, true
}

// readTail reads at most limit bytes from the end of a host file, from
// the start of a line.
func readTail(root *hostroot.Root, name string, limit int64) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", name, err)
	}
	off := max(info.Size()-limit, 0)
	buf := make([]byte, info.Size()-off)
	n, err := f.ReadAt(buf, off)
	if err != nil && n < len(buf) && n == 0 {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	buf = buf[:n]
	if off > 0 {
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			buf = buf[i+1:]
		}
	}
	return buf, nil
}

// hostLocation returns the host's time zone from /etc/localtime, for logs
// written in local time; UTC with a warning when it cannot be read.
func hostLocation(root *hostroot.Root) (*time.Location, []string) {
	b, err := root.ReadFile("/etc/localtime", 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return time.UTC, nil
	}
	if err != nil {
		return time.UTC, []string{fmt.Sprintf("time zone: %v; local times read as UTC", err)}
	}
	loc, err := time.LoadLocationFromTZData("host", b)
	if err != nil {
		return time.UTC, []string{fmt.Sprintf("time zone: /etc/localtime: %v; local times read as UTC", err)}
	}
	return loc, nil
}
