package version

import "runtime/debug"

// Version is set with -ldflags "-X github.com/auditfleet/auditfleet/version.Version=v1.2.3".
var Version = ""

// Commit is set with -ldflags "-X github.com/auditfleet/auditfleet/version.Commit=<sha>".
var Commit = ""

// String returns the version, then the commit when known.
func String() string {
	v, c := Version, Commit
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	if c != "" {
		return v + " (" + c + ")"
	}
	return v
}
