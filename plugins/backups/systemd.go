package backups

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// unitDirs are where systemd reads system units, most important first.
var unitDirs = []string{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}

// timerStampDir holds the stamps of persistent timers: a stamp's
// modification time is when the timer last fired.
const timerStampDir = "/var/lib/systemd/timers"

// housekeeping are the operating systems' own units whose names say
// backup but which copy the system's own state, not the host's data; they
// are never backup jobs (keyed by unit name without instance and type).
// Counting them would pass ICO-BKP-01 on every stock Debian, whose
// dpkg-db-backup.timer is enabled and succeeds daily. The other stock
// timers (apt-daily, apt-daily-upgrade, logrotate, man-db, e2scrub_all,
// fstrim, systemd-tmpfiles-clean, dnf-makecache) do not say backup, so the
// heuristic never matches them.
var housekeeping = map[string]string{
	"dpkg-db-backup":   "OS housekeeping: Debian's daily copy of dpkg's own package database to /var/backups, not of the host's data",
	"backup-rpmdb":     "OS housekeeping: openSUSE's copy of the rpm database to /var/adm/backup, not of the host's data",
	"backup-sysconfig": "OS housekeeping: openSUSE's copy of /etc/sysconfig to /var/adm/backup, not of the host's data",
}

// housekeepingReason returns why unit is OS housekeeping, or "" when it
// is not.
func housekeepingReason(unit string) string {
	base, _ := splitUnit(unit)
	if at := strings.IndexByte(base, '@'); at >= 0 {
		base = base[:at]
	}
	return housekeeping[base]
}

// backupUnits returns the enabled systemd timers and services whose names
// say backup, as unit name → the file enabling it, and those of them
// that are OS housekeeping, not counted. A unit is enabled when a link to
// it sits in a .wants or .requires directory under /etc/systemd/system; a
// name with "backup" alone, in a unit shipped by a package and never
// enabled, backs nothing up.
func backupUnits(root *hostroot.Root) (map[string]string, []NotCounted, sdk.Warnings) {
	enabled := map[string]string{}
	skipped := map[string]NotCounted{}
	var warns sdk.Warnings
	entries, err := root.ReadDir("/etc/systemd/system")
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			warns.Add("systemd units: %v", err)
		}
		return enabled, nil, warns
	}
	for _, e := range entries {
		if !e.IsDir() || !(strings.HasSuffix(e.Name(), ".wants") || strings.HasSuffix(e.Name(), ".requires")) {
			continue
		}
		dir := "/etc/systemd/system/" + e.Name()
		links, err := root.ReadDir(dir)
		if err != nil {
			warns.Add("systemd units: %v", err)
			continue
		}
		for _, l := range links {
			n := l.Name()
			if !strings.Contains(strings.ToLower(n), "backup") || !(strings.HasSuffix(n, ".timer") || strings.HasSuffix(n, ".service")) {
				continue
			}
			if r := housekeepingReason(n); r != "" {
				if _, ok := skipped[n]; !ok {
					skipped[n] = NotCounted{ID: "systemd:" + n, Source: dir + "/" + n, Reason: r}
				}
				continue
			}
			if _, ok := enabled[n]; !ok {
				enabled[n] = dir + "/" + n
			}
		}
	}
	var notCounted []NotCounted
	for _, nc := range skipped {
		notCounted = append(notCounted, nc)
	}
	slices.SortFunc(notCounted, func(a, b NotCounted) int { return strings.Compare(a.ID, b.ID) })
	return enabled, notCounted, warns
}

// unitFile returns the file defining unit (for a template instance
// "name@x.timer", the template "name@.timer"), or "" when none is found.
func unitFile(root *hostroot.Root, unit string) string {
	names := []string{unit}
	if at := strings.Index(unit, "@"); at >= 0 {
		names = append(names, unit[:at+1]+unit[strings.LastIndex(unit, "."):])
	}
	for _, d := range unitDirs {
		for _, n := range names {
			p := d + "/" + n
			if info, err := root.Lstat(p); err == nil && !info.IsDir() {
				if info.Mode()&fs.ModeSymlink != 0 {
					if target, err := root.Resolve(p); err == nil && strings.HasSuffix(target, "/dev/null") {
						return "" // masked
					}
				}
				return p
			}
		}
	}
	return ""
}

// systemdJobs returns a job per enabled backup timer, and per enabled
// backup service that no enabled timer starts. A timer's last run is its
// stamp. The outcomes of the runs are in the logs: outcomes (may be nil)
// is given every job's service (the timer's Unit=, else the service of
// its name), each with whether it is Type=oneshot, and returns what the
// logs say of them, with warnings. It also returns the enabled units
// named for backups that are OS housekeeping (see housekeeping).
func systemdJobs(root *hostroot.Root, outcomes func(services map[string]bool) (map[string]UnitOutcome, []string)) ([]Job, []NotCounted, []string) {
	units, notCounted, warns := backupUnits(root)
	names := make([]string, 0, len(units))
	for n := range units {
		names = append(names, n)
	}
	slices.Sort(names)
	var jobs []Job
	var services []string // in step with jobs
	oneshot := map[string]bool{}
	for _, n := range names {
		base, kind := splitUnit(n)
		if kind == "service" {
			if _, timed := units[base+".timer"]; timed {
				continue
			}
		}
		src := unitFile(root, n)
		if src == "" {
			warns.Add("systemd:%s: enabled but no unit file found (or masked); skipped", n)
			continue
		}
		j := Job{ID: "systemd:" + n, Tool: "systemd", Source: src, Reason: "enabled systemd " + kind + " named for backups", LastResult: "unknown"}
		service := n
		if kind == "timer" {
			service = timerService(root, src, n)
			if info, err := root.Stat(timerStampDir + "/stamp-" + n); err == nil {
				t := info.ModTime().UTC().Truncate(time.Second)
				j.LastRun = &t
			}
		}
		if _, ok := oneshot[service]; !ok {
			oneshot[service] = isOneshot(root, service)
		}
		jobs, services = append(jobs, j), append(services, service)
	}
	if outcomes == nil || len(jobs) == 0 {
		return jobs, notCounted, warns
	}
	out, w := outcomes(oneshot)
	warns = append(warns, w...)
	for i := range jobs {
		o := out[services[i]]
		if o.LastSuccess != nil {
			jobs[i].setRun(*o.LastSuccess, "success")
		}
		if o.LastFailure != nil {
			jobs[i].setRun(*o.LastFailure, "failure")
		}
		jobs[i].Unread = o.Unread
	}
	return jobs, notCounted, warns
}

// splitUnit splits a unit name at its last dot: "db.backup.timer" is
// "db.backup" and "timer".
func splitUnit(n string) (base, kind string) {
	dot := strings.LastIndexByte(n, '.')
	if dot < 0 {
		return n, ""
	}
	return n[:dot], n[dot+1:]
}

// maxUnitFile bounds the unit file read.
const maxUnitFile = 64 << 10

// unitSetting returns the last value of key in section of the unit file
// at path; "" when it is not set or the file cannot be read. Drop-ins
// (<unit>.d/*.conf) are not read.
func unitSetting(root *hostroot.Root, path, section, key string) string {
	b, err := root.ReadFile(path, maxUnitFile)
	if err != nil {
		return ""
	}
	in, v := false, ""
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			in = line == "["+section+"]"
		case in:
			if k, val, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == key {
				v = strings.TrimSpace(val)
			}
		}
	}
	return v
}

// timerService returns the service the timer (file src) starts: its
// Unit= setting, else the service of the same name ("name@x.timer"
// starts "name@x.service"). In Unit=, %i and %I are the timer's
// instance; a value with other specifiers is not resolved and the
// service of the same name is used.
func timerService(root *hostroot.Root, src, timer string) string {
	base, _ := splitUnit(timer)
	def := base + ".service"
	u := unitSetting(root, src, "Timer", "Unit")
	if u == "" {
		return def
	}
	if at := strings.IndexByte(base, '@'); at >= 0 {
		u = strings.NewReplacer("%i", base[at+1:], "%I", base[at+1:]).Replace(u)
	}
	if strings.Contains(u, "%") || strings.ContainsAny(u, " \t/") {
		return def
	}
	return u
}

// isOneshot reports whether the service's unit file (its template's, for
// an instance) says Type=oneshot.
func isOneshot(root *hostroot.Root, service string) bool {
	src := unitFile(root, service)
	return src != "" && unitSetting(root, src, "Service", "Type") == "oneshot"
}

// UnitOutcome is what the logs say of a service's runs.
type UnitOutcome struct {
	// LastSuccess and LastFailure are the ends of the latest successful
	// and failed runs; nil when none is recorded.
	LastSuccess, LastFailure *time.Time
	// Unread are the logs that could not be read in full, as
	// "<path>: <reason>": runs recorded there are lost.
	Unread []string
}
