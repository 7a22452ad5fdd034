package logging

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shirou/gopsutil/v4/process"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// maxConfSize bounds every configuration file read.
const maxConfSize = 1 << 20

// maxAppLogBytes bounds how much of the end of an application log is
// read.
const maxAppLogBytes = 64 << 20

// Collector is the "logging" collector.
type Collector struct{}

// New returns the "logging" collector.
func New() *Collector { return &Collector{} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector; it does not read the host.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "logging", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads the logging state of req.Root. Unreadable parts are
// warnings; it fails only without a host root or when ctx ends.
func (*Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect logging: no host root")
	}
	h := &host{ctx: ctx, root: req.Root}
	opts, warns := parseOptions(req.Options)
	h.warns = warns
	h.scanUnits()
	h.scanProcesses()

	f := Facts{Forwarding: []Forwarder{}, AppLogs: []AppLog{}}
	f.Auditd = h.auditd()
	f.Journald = h.journald()
	f.Forwarding = h.forwarding()
	f.TimeSync = h.timeSync()
	for _, s := range opts.AppLogs {
		f.AppLogs = append(f.AppLogs, h.appLog(s))
	}
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("collect logging: %w", err)
	}
	return sdk.Response{Facts: f, Warnings: h.warns}, nil
}

// host reads one host root, keeping the warnings.
type host struct {
	ctx   context.Context
	root  *hostroot.Root
	warns sdk.Warnings
	// units are the systemd units enabled under /etc/systemd/system or
	// wanted statically under /usr/lib/systemd/system, /lib/systemd/system.
	units map[string]bool
	// procs are the command names (/proc/<pid>/comm) of running
	// processes; procKnown is false when the root has no process table.
	procs     map[string]bool
	procKnown bool
}

// read reads a small host file; a missing file is no warning.
func (h *host) read(name string) ([]byte, bool) {
	if h.ctx.Err() != nil {
		return nil, false
	}
	b, err := h.root.ReadFile(name, maxConfSize)
	switch {
	case err == nil:
		return b, true
	case errors.Is(err, fs.ErrNotExist):
		return nil, false
	default:
		h.warns.Add("%v", err)
		return nil, false
	}
}

// readConf reads a configuration file; a missing file is no warning.
// A file that is there but cannot be read in full (unreadable, not a
// regular file, a link to nothing, binary data, cut inside its last
// line) is added to unread as "<path>: <reason>"; ok is false then,
// except for a file cut short, whose lines before the cut are returned.
func (h *host) readConf(name string, unread *[]string) ([]byte, bool) {
	if h.ctx.Err() != nil {
		return nil, false
	}
	b, err := h.root.ReadFile(name, maxConfSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := h.root.Lstat(name); lerr == nil {
			h.warns.Add("%s: a symbolic link to nothing; not read", name)
			*unread = append(*unread, name+": a symbolic link to nothing")
		}
		return nil, false
	case err != nil:
		h.warns.Add("%v", err)
		*unread = append(*unread, err.Error())
		return nil, false
	}
	if why := textcheck.Binary(b); why != "" {
		h.warns.Add("%s: %s; not read", name, why)
		*unread = append(*unread, name+": "+why)
		return nil, false
	}
	if why := textcheck.CutShort(b); why != "" {
		h.warns.Add("%s: %s", name, why)
		*unread = append(*unread, name+": "+why)
	}
	return b, true
}

// readDir lists a host directory; a missing one is no warning.
func (h *host) readDir(name string) []fs.DirEntry {
	if h.ctx.Err() != nil {
		return nil
	}
	ents, err := h.root.ReadDir(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, hostroot.ErrEscape) {
			h.warns.Add("%v", err)
		}
		return nil
	}
	return ents
}

// exists reports whether a host path exists.
func (h *host) exists(name string) bool {
	_, err := h.root.Stat(name)
	return err == nil
}

// isDir reports whether a host path is a directory.
func (h *host) isDir(name string) bool {
	fi, err := h.root.Stat(name)
	return err == nil && fi.IsDir()
}

// unitDirs hold the *.wants directories whose entries are enabled units.
var unitDirs = []string{"/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}

// scanUnits records the units named in any *.wants directory.
func (h *host) scanUnits() {
	h.units = map[string]bool{}
	for _, d := range unitDirs {
		for _, e := range h.readDir(d) {
			if !strings.HasSuffix(e.Name(), ".wants") {
				continue
			}
			for _, u := range h.readDir(path.Join(d, e.Name())) {
				h.units[u.Name()] = true
			}
		}
	}
}

// enabled reports whether any of the units is enabled.
func (h *host) enabled(units ...string) bool {
	return slices.ContainsFunc(units, func(u string) bool { return h.units[u] })
}

// scanProcesses reads the command names of the processes in the host
// root's /proc; on the live host (root "/") whose /proc could not be read
// that way, it asks the running system through gopsutil. A root without
// a process table (a copied or offline root) leaves procKnown false:
// whether a daemon runs is then unknown.
func (h *host) scanProcesses() {
	h.procs = map[string]bool{}
	for _, e := range h.readDir("/proc") {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := h.root.ReadFile("/proc/"+e.Name()+"/comm", 256)
		if err != nil {
			continue // the process ended, or a kernel thread we may not read
		}
		h.procKnown = true
		h.procs[strings.TrimSpace(string(b))] = true
	}
	if h.procKnown || !h.root.IsLive() {
		return
	}
	ps, err := process.ProcessesWithContext(h.ctx)
	if err != nil {
		h.warns.Add("process table: %v", err)
		return
	}
	for _, p := range ps {
		if n, err := p.NameWithContext(h.ctx); err == nil {
			h.procKnown = true
			h.procs[n] = true
		}
	}
}

// runningState says whether the daemon what (process comm) runs, and
// how that is known: not installed is not running; installed without a
// process table is unknown (nil), with a warning.
func (h *host) runningState(what, comm string, installed bool, absent string) (*bool, string) {
	switch {
	case !installed:
		return ptr(false), fmt.Sprintf("%s is not installed (no %s under the host root)", what, absent)
	case !h.procKnown:
		h.warns.Add("%s: whether it is running is unknown (no process table under the host root)", what)
		return nil, fmt.Sprintf("no process table under the host root, so whether %s runs is unknown", what)
	case h.procs[comm]:
		return ptr(true), what + " is running"
	default:
		return ptr(false), what + " is installed but not running"
	}
}

func ptr[T any](v T) *T { return &v }

// auditdMarkers and journaldMarkers are the files that show auditd and
// systemd-journald installed (a persistent journal's directory shows
// journald, even in a root copied without /usr).
var (
	auditdMarkers   = []string{"/etc/audit/auditd.conf", "/usr/sbin/auditd", "/sbin/auditd", "/usr/lib/systemd/system/auditd.service", "/lib/systemd/system/auditd.service", "/etc/systemd/system/auditd.service"}
	journaldMarkers = []string{"/usr/lib/systemd/systemd-journald", "/lib/systemd/systemd-journald", "/usr/lib/systemd/system/systemd-journald.service", "/lib/systemd/system/systemd-journald.service", "/etc/systemd/journald.conf", "/var/log/journal"}
)

// anyExists reports whether any of the host paths exists.
func (h *host) anyExists(paths []string) bool {
	return slices.ContainsFunc(paths, h.exists)
}

// running reports whether a process named comm runs; when the process
// table is unknown it warns and returns false, as the facts cannot say
// "unknown".
func (h *host) running(what, comm string) *bool {
	if !h.procKnown {
		h.warns.Add("%s: whether it is running is unknown (no process table under the host root)", what)
		return nil
	}
	r := h.procs[comm]
	return &r
}

// auditd reads auditd's configuration, rules and oldest record.
func (h *host) auditd() Auditd {
	a := Auditd{}
	conf, hasConf := h.readConf("/etc/audit/auditd.conf", &a.Unread)
	a.Installed = hasConf || len(a.Unread) > 0 || h.anyExists(auditdMarkers)
	a.Running, a.RunningReason = h.runningState("auditd", "auditd", a.Installed, "auditd binary, unit or auditd.conf")
	if !a.Installed {
		return a
	}
	c := defaultAuditdConf
	if hasConf {
		var problems []string
		c, problems = parseAuditdConf(conf)
		for _, p := range problems {
			h.warns.Add("/etc/audit/auditd.conf: %s", p)
		}
	}
	a.WriteLogs, a.LogFile, a.MaxLogFileMB, a.NumLogs, a.MaxLogFileAction = c.WriteLogs, c.LogFile, c.MaxLogFileMB, c.NumLogs, c.MaxLogFileAction
	if b, ok := h.read("/etc/audit/audit.rules"); ok {
		a.Rules = countAuditRules(b)
	} else {
		for _, e := range h.readDir("/etc/audit/rules.d") {
			if strings.HasSuffix(e.Name(), ".rules") {
				if b, ok := h.read("/etc/audit/rules.d/" + e.Name()); ok {
					a.Rules += countAuditRules(b)
				}
			}
		}
	}
	if a.WriteLogs {
		a.OldestEntry = h.oldestAudit(c.LogFile, isTrue(a.Running), &a.Unread)
	}
	return a
}

// isTrue reports whether b is set and true.
func isTrue(b *bool) bool { return b != nil && *b }

// oldestAudit returns the time of the first record of the oldest audit
// log file (the highest-numbered rotation holding a record). Log files
// that are there but not regular files, cannot be read, or hold data but
// no audit record, and a running auditd's log file missing, are added to
// unread.
func (h *host) oldestAudit(logFile string, running bool, unread *[]string) *time.Time {
	dir, base := path.Split(logFile)
	type file struct {
		name string
		n    int
	}
	var files []file
	current := false
	for _, e := range h.readDir(dir) {
		n, ok := auditLogIndex(e.Name(), base)
		switch {
		case !ok:
		case !e.Type().IsRegular():
			h.warns.Add("auditd: %s is not a regular file; not read", path.Join(dir, e.Name()))
			*unread = append(*unread, path.Join(dir, e.Name())+": not a regular file")
			current = current || n == 0
		default:
			files = append(files, file{e.Name(), n})
			current = current || n == 0
		}
	}
	if running && !current {
		// auditd opens its log file when it starts and after rotating.
		h.warns.Add("auditd: running and writing logs, but %s is missing", logFile)
		*unread = append(*unread, logFile+": missing, though auditd is running and writing logs")
	}
	slices.SortFunc(files, func(a, b file) int { return b.n - a.n })
	var oldest *time.Time
	for _, f := range files {
		p := path.Join(dir, f.name)
		head, err := h.head(p, 64<<10)
		if err != nil {
			h.warns.Add("auditd oldest record: %v", err)
			*unread = append(*unread, err.Error())
			continue
		}
		t, ok := firstAuditTime(head)
		if !ok && len(head) > 0 {
			h.warns.Add("auditd: %s holds no audit record; not read", p)
			*unread = append(*unread, p+": holds data but no audit record")
			continue
		}
		if ok && oldest == nil {
			oldest = &t
		}
	}
	return oldest
}

// head reads the first n bytes of a host file.
func (h *host) head(name string, n int64) ([]byte, error) {
	f, err := h.root.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read head of %s: %w", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, n))
	if err != nil {
		return nil, fmt.Errorf("read head of %s: %w", name, err)
	}
	return b, nil
}

// journaldDropInDirs are searched for journald.conf.d drop-ins, lowest
// precedence first; a file name in a later directory hides the same
// name in an earlier one.
var journaldDropInDirs = []string{"/usr/lib/systemd/journald.conf.d", "/usr/local/lib/systemd/journald.conf.d", "/run/systemd/journald.conf.d", "/etc/systemd/journald.conf.d"}

// journald reads journald's configuration, whether the journal is
// persistent and its oldest archived entry.
func (h *host) journald() Journald {
	c := journaldConf{Storage: "auto"}
	var unread []string
	apply := func(name string) {
		if b, ok := h.readConf(name, &unread); ok {
			var problems []string
			c, problems = parseJournaldConf(c, b)
			for _, p := range problems {
				h.warns.Add("%s: %s", name, p)
			}
		}
	}
	apply("/etc/systemd/journald.conf")
	dropIns := map[string]string{}
	for _, d := range journaldDropInDirs {
		for _, e := range h.readDir(d) {
			if strings.HasSuffix(e.Name(), ".conf") && !e.IsDir() {
				dropIns[e.Name()] = path.Join(d, e.Name())
			} else if strings.HasSuffix(e.Name(), ".conf") {
				h.warns.Add("%s: a directory, not a drop-in; not read", path.Join(d, e.Name()))
				unread = append(unread, path.Join(d, e.Name())+": a directory, not a drop-in")
			}
		}
	}
	names := make([]string, 0, len(dropIns))
	for n := range dropIns {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		apply(dropIns[n])
	}
	j := Journald{Storage: c.Storage, MaxRetentionSec: c.MaxRetentionSec, SystemMaxUseBytes: c.SystemMaxUse, Unread: unread}
	hasDir := h.isDir("/var/log/journal")
	j.Persistent = c.Storage == "persistent" || c.Storage == "auto" && hasDir
	j.Running, j.RunningReason = h.runningState("systemd-journald", "systemd-journal", h.anyExists(journaldMarkers) || len(dropIns) > 0, "systemd-journald binary, unit, journald.conf or /var/log/journal")
	if j.Persistent && hasDir {
		j.OldestEntry = h.oldestJournal(isTrue(j.Running), &j.Unread)
	}
	return j
}

// oldestJournal returns the oldest head time named by an archived
// journal file under /var/log/journal/<machine id>/. A system journal
// file that is there but not one journald wrote (not a regular file, or
// no journal header) is added to unread and its name not believed, as
// is a running journald's system.journal missing.
func (h *host) oldestJournal(running bool, unread *[]string) *time.Time {
	var oldest *time.Time
	for _, m := range h.readDir("/var/log/journal") {
		if !m.IsDir() {
			continue
		}
		dir := "/var/log/journal/" + m.Name()
		active := false
		for _, e := range h.readDir(dir) {
			if !strings.HasPrefix(e.Name(), "system") || !strings.Contains(e.Name(), ".journal") {
				continue
			}
			p := path.Join(dir, e.Name())
			if why := h.journalDamage(p, e); why != "" {
				h.warns.Add("%s: %s; not read", p, why)
				*unread = append(*unread, p+": "+why)
				continue
			}
			active = active || e.Name() == "system.journal"
			if t, ok := journalFileHead(e.Name()); ok && (oldest == nil || t.Before(*oldest)) {
				oldest = &t
			}
		}
		if running && !active {
			h.warns.Add("%s: journald is running with a persistent journal, but system.journal is missing", dir)
			*unread = append(*unread, dir+"/system.journal: missing, though journald is running with a persistent journal")
		}
	}
	return oldest
}

// journalSignature opens every journal file's header.
const journalSignature = "LPKSHHRH"

// journalDamage returns why the journal file p is not one journald
// wrote in full, "" when its header's signature is there and the file is
// as long as the header and arena it declares (journald allocates them
// before writing): not a regular file, unreadable, another signature
// (empty, garbage), or cut short. Only the header is read: the entries
// are the services collector's.
func (h *host) journalDamage(p string, e fs.DirEntry) string {
	if !e.Type().IsRegular() {
		return "not a regular file"
	}
	fi, err := e.Info()
	if err != nil {
		return err.Error()
	}
	b, err := h.head(p, 104)
	if err != nil {
		return err.Error()
	}
	if len(b) < len(journalSignature) || string(b[:len(journalSignature)]) != journalSignature {
		return "no journal file signature: not a journal file, or emptied"
	}
	if len(b) < 104 {
		return "shorter than a journal header: cut short"
	}
	headerSize, arenaSize := binary.LittleEndian.Uint64(b[88:]), binary.LittleEndian.Uint64(b[96:])
	if want := headerSize + arenaSize; want >= headerSize && uint64(fi.Size()) < want {
		return fmt.Sprintf("%d bytes, its header says %d: cut short", fi.Size(), want)
	}
	return ""
}

// rsyslogFiles returns rsyslog's main file and its rsyslog.d/*.conf
// files.
func (h *host) rsyslogFiles() []string {
	files := []string{"/etc/rsyslog.conf"}
	for _, e := range h.readDir("/etc/rsyslog.d") {
		if strings.HasSuffix(e.Name(), ".conf") {
			files = append(files, "/etc/rsyslog.d/"+e.Name())
		}
	}
	return files
}

// forwarding finds the configured forwarding of logs. Forwarding by a
// daemon that is not enabled is left out with a warning.
func (h *host) forwarding() []Forwarder {
	out := []Forwarder{}
	var rs []Forwarder
	for _, name := range h.rsyslogFiles() {
		if b, ok := h.read(name); ok {
			for _, t := range parseRsyslog(b) {
				rs = append(rs, Forwarder{Daemon: "rsyslog", Target: t.Target, File: name, Line: t.Line})
			}
		}
	}
	if len(rs) > 0 {
		if h.enabled("rsyslog.service", "syslog.service") {
			out = append(out, rs...)
		} else {
			h.warns.Add("rsyslog forwards to %d targets but rsyslog.service is not enabled; not counted", len(rs))
		}
	}

	uploadFiles := []string{"/etc/systemd/journal-upload.conf"}
	for _, e := range h.readDir("/etc/systemd/journal-upload.conf.d") {
		if strings.HasSuffix(e.Name(), ".conf") {
			uploadFiles = append(uploadFiles, "/etc/systemd/journal-upload.conf.d/"+e.Name())
		}
	}
	var up *Forwarder
	for _, name := range uploadFiles {
		if b, ok := h.read(name); ok {
			if url, line := parseJournalUpload(b); url != "" {
				up = &Forwarder{Daemon: "systemd-journal-upload", Target: url, File: name, Line: line}
			}
		}
	}
	if up != nil {
		if h.enabled("systemd-journal-upload.service") {
			out = append(out, *up)
		} else {
			h.warns.Add("journal-upload is configured for %s but systemd-journal-upload.service is not enabled; not counted", up.Target)
		}
	}

	for _, pair := range [][2]string{{"/etc/audit/audisp-remote.conf", "/etc/audit/plugins.d/au-remote.conf"}, {"/etc/audisp/audisp-remote.conf", "/etc/audisp/plugins.d/au-remote.conf"}} {
		b, ok := h.read(pair[0])
		if !ok {
			continue
		}
		t, line := parseAudispRemote(b)
		if t == "" {
			continue
		}
		if p, ok := h.read(pair[1]); ok && pluginActive(p) {
			out = append(out, Forwarder{Daemon: "audisp-remote", Target: t, File: pair[0], Line: line})
		} else {
			h.warns.Add("audisp-remote is configured for %s but %s is not active; not counted", t, pair[1])
		}
	}
	return out
}

// timeDaemon is one time synchronisation daemon and how to see it.
type timeDaemon struct {
	name   string   // as in TimeSync.Daemon
	comm   string   // its process name
	units  []string // its unit names
	marker []string // files present when it is installed
}

var timeDaemons = []timeDaemon{
	{"chronyd", "chronyd", []string{"chrony.service", "chronyd.service"}, []string{"/etc/chrony/chrony.conf", "/etc/chrony.conf", "/usr/sbin/chronyd"}},
	{"systemd-timesyncd", "systemd-timesyn", []string{"systemd-timesyncd.service"}, []string{"/usr/lib/systemd/systemd-timesyncd", "/lib/systemd/systemd-timesyncd"}},
	{"ntpd", "ntpd", []string{"ntp.service", "ntpd.service", "ntpsec.service"}, []string{"/etc/ntp.conf", "/etc/ntpsec/ntp.conf", "/usr/sbin/ntpd"}},
}

// timeSync picks the time daemon that runs, else the one enabled, else
// the first installed.
func (h *host) timeSync() TimeSync {
	var installed []timeDaemon
	for _, d := range timeDaemons {
		if slices.ContainsFunc(d.marker, h.exists) {
			installed = append(installed, d)
		}
	}
	if len(installed) == 0 {
		return TimeSync{}
	}
	pick := installed[0]
	if i := slices.IndexFunc(installed, func(d timeDaemon) bool { return h.procKnown && h.procs[d.comm] }); i >= 0 {
		pick = installed[i]
	} else if i := slices.IndexFunc(installed, func(d timeDaemon) bool { return h.enabled(d.units...) }); i >= 0 {
		pick = installed[i]
	}
	ts := TimeSync{Daemon: pick.name, Running: h.running(pick.name, pick.comm)}
	// systemd-timesyncd (systemd 246 and later) creates this file once it
	// has synchronised the clock; its absence says nothing for sure.
	if pick.name == "systemd-timesyncd" && ts.Running != nil && *ts.Running && h.exists("/run/systemd/timesync/synchronized") {
		yes := true
		ts.Synchronised = &yes
	}
	return ts
}

// appLog reads the end of a declared application log and checks it.
func (h *host) appLog(s appLogSpec) AppLog {
	l := AppLog{ID: s.ID, Path: s.Path, Format: s.Format, Operations: map[string]Operation{}}
	if s.Format != "jsonl" {
		h.warns.Add("app log %q: format %q is not supported yet (only jsonl); not read", s.ID, s.Format)
		return l
	}
	b, cut, err := h.tail(s.Path, maxAppLogBytes)
	if err != nil {
		h.warns.Add("app log %q: %v", s.ID, err)
		return l
	}
	st := scanJSONL(tailLines(b, s.MaxLines, cut), s)
	h.warns = append(h.warns, st.describe(s.ID)...)
	if st.Entries == 0 && st.Bad > 0 {
		h.warns.Add("app log %q: no line could be parsed", s.ID)
		return l
	}
	l.Readable = true
	l.Entries, l.From, l.To, l.Operations = st.Entries, st.From, st.To, st.Operations
	return l
}

// tail reads at most n bytes from the end of a regular host file; cut
// is true when the file is longer.
func (h *host) tail(name string, n int64) ([]byte, bool, error) {
	f, err := h.root.Open(name)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("read %s: not a regular file", name)
	}
	off := max(fi.Size()-n, 0)
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return nil, false, fmt.Errorf("read %s: %w", name, err)
	}
	b, err := io.ReadAll(io.LimitReader(f, n))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", name, err)
	}
	return b, off > 0, nil
}
