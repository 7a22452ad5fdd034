package osinfo

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// parseHostname returns the host name in /etc/hostname: the first line
// that is neither blank nor a comment, as systemd reads it.
func parseHostname(b []byte) string {
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return line
		}
	}
	return ""
}

var machineIDRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// parseMachineID returns the ID in /etc/machine-id (32 lower-case hex
// digits). It returns "" for an empty file (images awaiting first boot),
// for "uninitialized" and for anything else that is not an ID.
func parseMachineID(b []byte) string {
	id := firstLine(b)
	if machineIDRE.MatchString(id) {
		return id
	}
	return ""
}

// parseBootTime returns the boot time from the "btime" line of /proc/stat.
func parseBootTime(b []byte) (time.Time, bool) {
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "btime" {
			sec, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || sec <= 0 {
				return time.Time{}, false
			}
			return time.Unix(sec, 0).UTC(), true
		}
	}
	return time.Time{}, false
}

// unameMachine maps package-manager architecture names (dpkg, apk) to the
// machine names uname -m prints, so Architecture uses one vocabulary
// whether it came from the kernel or from the package manager. Names not
// listed are already uname names (apk's "x86_64") or are kept as found.
var unameMachine = map[string]string{
	"amd64":    "x86_64",
	"arm64":    "aarch64",
	"armhf":    "armv7l",
	"armv7":    "armv7l",
	"i386":     "i686",
	"x86":      "i686",
	"ppc64el":  "ppc64le",
	"mips64el": "mips64",
	"loong64":  "loongarch64",
}

// parseArch returns the architecture named on the first line of a file
// such as /var/lib/dpkg/arch, /etc/apk/arch or /proc/sys/kernel/arch, as
// a uname -m machine name.
func parseArch(b []byte) string {
	a := firstLine(b)
	if a == "" || strings.ContainsAny(a, " \t/") {
		return ""
	}
	if m, ok := unameMachine[a]; ok {
		return m
	}
	return a
}

// parseDpkgStatusArch returns the architecture of the "dpkg" package in
// /var/lib/dpkg/status, which is always the system's native architecture
// (debootstrap and the installer write no /var/lib/dpkg/arch for it), as a
// uname -m machine name.
func parseDpkgStatusArch(b []byte) string {
	isDpkg := false
	arch := ""
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if isDpkg && arch != "" {
				return parseArch([]byte(arch))
			}
			isDpkg, arch = false, ""
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			continue
		}
		switch k {
		case "Package":
			isDpkg = strings.TrimSpace(v) == "dpkg"
		case "Architecture":
			arch = strings.TrimSpace(v)
		}
	}
	if isDpkg && arch != "" {
		return parseArch([]byte(arch))
	}
	return ""
}
