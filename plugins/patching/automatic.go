package patching

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Host paths of dnf-automatic and systemd.
const (
	automaticConf = "/etc/dnf/automatic.conf"
	systemdEtc    = "/etc/systemd/system"
	timersWants   = systemdEtc + "/timers.target.wants"
	timerStamps   = "/var/lib/systemd/timers"
)

// dnfAutomaticTimers are the timers dnf-automatic ships; install says
// whether the timer installs updates whatever automatic.conf says
// (dnf-automatic-install.timer runs it with --installupdates), apply
// whether it installs them when apply_updates is on (dnf-automatic.timer;
// the download and notifyonly timers never install).
var dnfAutomaticTimers = []struct {
	name           string
	install, apply bool
}{
	{"dnf-automatic.timer", false, true},
	{"dnf-automatic-install.timer", true, true},
	{"dnf-automatic-download.timer", false, false},
	{"dnf-automatic-notifyonly.timer", false, false},
}

// dnfAutomatic reads whether dnf-automatic installs updates: a timer
// that installs is enabled (linked in timers.target.wants and not
// masked), dnf-automatic-install.timer, or dnf-automatic.timer with
// apply_updates on in automatic.conf. upgrade_type does not matter:
// "default" installs every update, security ones included.
func dnfAutomatic(root *hostroot.Root, w *sdk.Warnings) AutomaticUpdates {
	var a AutomaticUpdates
	apply, found := false, false
	data, err := root.ReadFile(automaticConf, confLimit)
	switch {
	case err == nil:
		found = true
		a.Mechanism, a.Source = "dnf-automatic", automaticConf
		if v, ok := iniValue(data, "commands", "apply_updates"); ok {
			apply = dnfBool(v)
		}
	case !errors.Is(err, fs.ErrNotExist):
		w.Add("%v; automatic updates may be misreported", err)
	}
	var last time.Time
	for _, t := range dnfAutomaticTimers {
		if !timerEnabled(root, t.name) {
			continue
		}
		found = true
		a.Mechanism = "dnf-automatic"
		installs := t.install || (t.apply && apply)
		if !installs {
			continue
		}
		if !a.Enabled && t.install {
			a.Source = timersWants + "/" + t.name
		}
		a.Enabled = true
		if fi, err := root.Stat(timerStamps + "/stamp-" + t.name); err == nil && fi.ModTime().After(last) {
			last = fi.ModTime().UTC()
		}
	}
	if !found {
		return AutomaticUpdates{}
	}
	if !last.IsZero() {
		a.LastRun = &last
	}
	return a
}

// timerEnabled reports whether the timer unit is enabled in /etc (a link
// in timers.target.wants) and not masked (linked to /dev/null in
// /etc/systemd/system).
func timerEnabled(root *hostroot.Root, name string) bool {
	if _, err := root.Lstat(timersWants + "/" + name); err != nil {
		return false
	}
	if fi, err := root.Lstat(systemdEtc + "/" + name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, err1 := root.Resolve(systemdEtc + "/" + name)
		null, err2 := root.Resolve("/dev/null")
		if err1 == nil && err2 == nil && target == null {
			return false
		}
	}
	return true
}

// iniValue returns the last value of key in section of an INI file as
// dnf's configuration parser reads it (iniSections).
func iniValue(data []byte, section, key string) (string, bool) {
	v, ok := iniSections(data)[section][key]
	return v, ok
}

// iniSections reads an INI file as dnf's configuration parser does:
// "[section]" headers, "key = value" or "key: value" lines, "#" and ";"
// comment lines; names are kept exactly, values trimmed, and the last
// value of a key wins. It maps section to key to value.
func iniSections(data []byte) map[string]map[string]string {
	out := map[string]map[string]string{}
	cur := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), confLimit)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			cur = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 || cur == "" {
			continue
		}
		if out[cur] == nil {
			out[cur] = map[string]string{}
		}
		out[cur][strings.TrimSpace(line[:i])] = strings.TrimSpace(line[i+1:])
	}
	return out
}

// dnfBool reads a dnf boolean option: 1, yes, true and on are true.
func dnfBool(s string) bool {
	switch strings.ToLower(s) {
	case "1", "yes", "true", "on":
		return true
	}
	return false
}
