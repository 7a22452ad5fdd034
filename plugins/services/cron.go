package services

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Crontab locations.
const (
	systemCrontab = "/etc/crontab"
	cronDDir      = "/etc/cron.d"
	defaultCron   = "/etc/default/cron"
)

// userCrontabDirs hold one crontab per user: Debian's, then cronie's.
var userCrontabDirs = []string{"/var/spool/cron/crontabs", "/var/spool/cron"}

// Bounds on crontabs.
const (
	maxCrontab      = 1 << 20
	maxCrontabFiles = 512
)

// cronJob is one job line of a crontab.
type cronJob struct {
	file    string
	line    int
	user    string
	command string
}

// id is the job's identity in the facts.
func (j cronJob) id() string { return fmt.Sprintf("%s:%d", j.file, j.line) }

var cronNameOK = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// readCrontabs reads every crontab; unreadable is true when a crontab
// or crontab directory exists but could not be read; found is true when cron is set up at
// all (any crontab file or directory exists).
func readCrontabs(root *hostroot.Root, w *sdk.Warnings) (jobs []cronJob, found, unreadable bool) {
	read := func(name, user string) {
		b, err := root.ReadFile(name, maxCrontab)
		if err != nil {
			if !isNotExist(err) {
				w.Add("crontab %s: %v; not read", name, err)
				unreadable = true
			}
			return
		}
		found = true
		jobs = append(jobs, parseCrontab(name, user, b)...)
	}
	read(systemCrontab, "")
	dirs := []struct{ dir, user string }{{cronDDir, ""}}
	for _, d := range userCrontabDirs {
		dirs = append(dirs, struct{ dir, user string }{d, "*"})
	}
	n := 0
	for _, d := range dirs {
		ents, err := root.ReadDir(d.dir)
		if err != nil {
			if !isNotExist(err) {
				w.Add("crontab directory %s: %v; not read", d.dir, err)
				unreadable = true
			}
			continue
		}
		found = true
		for _, e := range ents {
			// cron reads names of letters, digits, "_" and "-" only.
			if !e.Type().IsRegular() || !cronNameOK.MatchString(e.Name()) {
				continue
			}
			if n++; n > maxCrontabFiles {
				w.Add("more than %d crontab files; the rest not read", maxCrontabFiles)
				return jobs, found, unreadable
			}
			user := d.user
			if user == "*" {
				user = e.Name()
			}
			read(path.Join(d.dir, e.Name()), user)
		}
	}
	return jobs, found, unreadable
}

// parseCrontab returns the job lines of a crontab. user is the owner of a
// user crontab, "" for a system one (whose lines name the user).
func parseCrontab(name, user string, b []byte) []cronJob {
	var jobs []cronJob
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxCrontab)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) > 0 && strings.Contains(f[0], "=") && !strings.HasPrefix(f[0], "@") {
			continue // environment setting
		}
		times := 5
		if strings.HasPrefix(line, "@") {
			times = 1
		}
		need := times + 1
		if user == "" {
			need++
		}
		if len(f) < need {
			continue
		}
		j := cronJob{file: name, line: n, user: user}
		skip := times
		if user == "" {
			j.user = f[times]
			skip++
		}
		rest := line
		for range skip { // split as strings.Fields does
			rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
			if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
				rest = rest[i:]
			} else {
				rest = ""
			}
		}
		if j.command = strings.TrimSpace(rest); j.command == "" {
			continue
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// cronLogsFailures reports whether the cron daemon is configured to log
// failed jobs: Debian's cron does with -L and bit 4 set in EXTRA_OPTS of
// /etc/default/cron (its default, -L 1, logs starts only).
func cronLogsFailures(root *hostroot.Root) bool {
	b, err := root.ReadFile(defaultCron, 1<<20)
	if err != nil {
		return false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		v, ok := strings.CutPrefix(line, "EXTRA_OPTS=")
		if !ok {
			continue
		}
		f := strings.Fields(strings.Trim(v, `"'`))
		for i, a := range f {
			var lvl string
			switch {
			case a == "-L" && i+1 < len(f):
				lvl = f[i+1]
			case strings.HasPrefix(a, "-L") && len(a) > 2:
				lvl = a[2:]
			default:
				continue
			}
			var n int
			if _, err := fmt.Sscanf(lvl, "%d", &n); err == nil && n&4 != 0 {
				return true
			}
		}
	}
	return false
}

// cronRunRec is one logged start of a job and whether it failed.
type cronRunRec struct {
	at     time.Time
	pid    int
	failed bool
	failAt time.Time
	log    string
}

// failedCron returns the cron jobs whose latest logged runs failed, from
// events sorted by sortEvents, with the crontab line each matches. Debian
// cron logs a start as "(user) CMD (command)" from the job's own process
// and a failure as "(CRON) error (grandchild #PID failed with exit
// status N)" naming that process, which ties the two. A failure whose
// start is not in the logs is reported as "cron:(unknown command)".
func failedCron(evs []event, jobs []cronJob) []CronFailure {
	type key struct{ user, command string }
	runs := map[key][]*cronRunRec{}
	byPID := map[int]*cronRunRec{}
	var orphans []event
	for _, ev := range evs {
		switch ev.kind {
		case cronRun:
			r := &cronRunRec{at: ev.at, pid: ev.pid, log: ev.log}
			k := key{ev.user, ev.command}
			runs[k] = append(runs[k], r)
			byPID[ev.pid] = r
		case cronFailed:
			if r := byPID[ev.pid]; r != nil && !r.failed {
				r.failed, r.failAt, r.log = true, ev.at, ev.log
			} else {
				orphans = append(orphans, ev)
			}
		}
	}
	out := []CronFailure{}
	for k, rs := range runs {
		n := 0
		for i := len(rs) - 1; i >= 0 && rs[i].failed; i-- {
			n++
		}
		if n == 0 {
			continue
		}
		first, last := rs[len(rs)-n], rs[len(rs)-1]
		cf := CronFailure{
			Job: "cron:" + k.command, User: k.user, Command: k.command,
			FailingSince: first.failAt.UTC(), LastFailure: last.failAt.UTC(), Failures: n, Log: last.log,
		}
		if j, ok := matchJob(jobs, k.user, k.command); ok {
			cf.Job, cf.Command = j.id(), j.command
		}
		out = append(out, cf)
	}
	if len(orphans) > 0 {
		first, last := orphans[0], orphans[len(orphans)-1]
		out = append(out, CronFailure{
			Job: "cron:(unknown command)", FailingSince: first.at.UTC(), LastFailure: last.at.UTC(),
			Failures: len(orphans), Log: last.log,
		})
	}
	slices.SortFunc(out, func(a, b CronFailure) int { return cmp.Compare(a.Job, b.Job) })
	return out
}

// matchJob finds the crontab line of a logged job: same user and the
// command as written (cron logs it unchanged).
func matchJob(jobs []cronJob, user, command string) (cronJob, bool) {
	for _, j := range jobs {
		if j.user == user && j.command == command {
			return j, true
		}
	}
	return cronJob{}, false
}
