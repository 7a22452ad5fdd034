package backups

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
)

// unitDirs are where systemd reads system units, most important first.
var unitDirs = []string{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}

// timerStampDir holds the stamps of persistent timers: a stamp's
// modification time is when the timer last fired.
const timerStampDir = "/var/lib/systemd/timers"

// backupUnits returns the enabled systemd timers and services whose names
// say backup, as unit name → the file enabling it. A unit is enabled when
// a link to it sits in a .wants or .requires directory under
// /etc/systemd/system; a name with "backup" alone, in a unit shipped by a
// package and never enabled, backs nothing up.
func backupUnits(root *hostroot.Root) (map[string]string, []string) {
	enabled := map[string]string{}
	var warns []string
	entries, err := root.ReadDir("/etc/systemd/system")
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			warns = append(warns, fmt.Sprintf("systemd units: %v", err))
		}
		return enabled, warns
	}
	for _, e := range entries {
		if !e.IsDir() || !(strings.HasSuffix(e.Name(), ".wants") || strings.HasSuffix(e.Name(), ".requires")) {
			continue
		}
		dir := "/etc/systemd/system/" + e.Name()
		links, err := root.ReadDir(dir)
		if err != nil {
			warns = append(warns, fmt.Sprintf("systemd units: %v", err))
			continue
		}
		for _, l := range links {
			n := l.Name()
			if !strings.Contains(strings.ToLower(n), "backup") || !(strings.HasSuffix(n, ".timer") || strings.HasSuffix(n, ".service")) {
				continue
			}
			if _, ok := enabled[n]; !ok {
				enabled[n] = dir + "/" + n
			}
		}
	}
	return enabled, warns
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
// stamp; the outcome of a run is in the journal, which outcomes (may be
// nil) reads.
func systemdJobs(root *hostroot.Root, outcomes func(unit string) (UnitOutcome, bool)) ([]Job, []string) {
	units, warns := backupUnits(root)
	names := make([]string, 0, len(units))
	for n := range units {
		names = append(names, n)
	}
	slices.Sort(names)
	var jobs []Job
	for _, n := range names {
		base, kind, _ := strings.Cut(n, ".")
		if kind == "service" {
			if _, timed := units[base+".timer"]; timed {
				continue
			}
		}
		src := unitFile(root, n)
		if src == "" {
			warns = append(warns, fmt.Sprintf("systemd:%s: enabled but no unit file found (or masked); skipped", n))
			continue
		}
		j := Job{ID: "systemd:" + n, Tool: "systemd", Source: src, LastResult: "unknown"}
		service := n
		if kind == "timer" {
			service = base + ".service"
			if info, err := root.Stat(timerStampDir + "/stamp-" + n); err == nil {
				t := info.ModTime().UTC().Truncate(time.Second)
				j.LastRun = &t
			}
		}
		if outcomes != nil {
			if o, ok := outcomes(service); ok {
				if o.LastSuccess != nil {
					j.setRun(*o.LastSuccess, "success")
				}
				if o.LastFailure != nil {
					j.setRun(*o.LastFailure, "failure")
				}
			}
		}
		jobs = append(jobs, j)
	}
	return jobs, warns
}

// UnitOutcome is what the journal says of a service's runs.
type UnitOutcome struct {
	// LastSuccess and LastFailure are the ends of the latest successful
	// and failed runs; nil when none is recorded.
	LastSuccess, LastFailure *time.Time
}
