package packages

import (
	"regexp"
	"slices"
	"strings"
)

// runtimeRule recognises the package that installs a language runtime's
// interpreter or virtual machine.
type runtimeRule struct {
	// re matches the package name; its first group, when it has one, is
	// the release cycle.
	re *regexp.Regexp
	// name is the runtime's product name.
	name string
	// cycleParts is how many dot-separated parts of the version make the
	// cycle when re has no group.
	cycleParts int
	// path gives the interpreter path from the cycle and architecture.
	path func(cycle, arch string) string
}

// runtimeRules are the Debian and Ubuntu packages that ship the runtimes'
// interpreters.
var runtimeRules = []runtimeRule{
	{re: regexp.MustCompile(`^python(\d+\.\d+)-minimal$`), name: "python",
		path: func(c, _ string) string { return "/usr/bin/python" + c }},
	{re: regexp.MustCompile(`^nodejs$`), name: "nodejs", cycleParts: 1,
		path: func(string, string) string { return "/usr/bin/node" }},
	{re: regexp.MustCompile(`^php(\d+\.\d+)-cli$`), name: "php",
		path: func(c, _ string) string { return "/usr/bin/php" + c }},
	{re: regexp.MustCompile(`^ruby(\d+\.\d+)$`), name: "ruby",
		path: func(c, _ string) string { return "/usr/bin/ruby" + c }},
	{re: regexp.MustCompile(`^perl-base$`), name: "perl", cycleParts: 2,
		path: func(string, string) string { return "/usr/bin/perl" }},
	{re: regexp.MustCompile(`^golang-(\d+\.\d+)-go$`), name: "go",
		path: func(c, _ string) string { return "/usr/lib/go-" + c + "/bin/go" }},
	{re: regexp.MustCompile(`^openjdk-(\d+)-jre-headless$`), name: "openjdk",
		path: func(c, a string) string { return "/usr/lib/jvm/java-" + c + "-openjdk-" + a + "/bin/java" }},
}

// upstreamRE is the leading numeric part of an upstream version.
var upstreamRE = regexp.MustCompile(`^\d+(\.\d+)*`)

// upstreamVersion returns the runtime version in a Debian package
// version: the epoch and revision dropped, then the leading dotted
// numbers ("3.11.2-6+deb12u6" is "3.11.2", "1:17.0.13+11-2" is "17.0.13").
func upstreamVersion(v string) string {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		v = v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		v = v[:i]
	}
	if m := upstreamRE.FindString(v); m != "" {
		return m
	}
	return v
}

// findRuntimes returns the runtimes installed by packages, with their
// end-of-life dates from eol when it has them, sorted by path.
func findRuntimes(pkgs []pkg, eol map[string]map[string]string) []Runtime {
	out := []Runtime{}
	seen := map[string]bool{}
	for _, p := range pkgs {
		for _, r := range runtimeRules {
			m := r.re.FindStringSubmatch(p.Name)
			if m == nil {
				continue
			}
			version := upstreamVersion(p.Version)
			var cycle string
			if len(m) > 1 {
				cycle = m[1]
			} else {
				parts := strings.Split(version, ".")
				cycle = strings.Join(parts[:min(r.cycleParts, len(parts))], ".")
			}
			rt := Runtime{
				Name:    r.name,
				Version: version,
				Cycle:   cycle,
				Path:    r.path(cycle, p.Arch),
				Package: p.Name,
				EOL:     eol[r.name][cycle],
			}
			if seen[rt.Path] {
				continue
			}
			seen[rt.Path] = true
			out = append(out, rt)
		}
	}
	slices.SortFunc(out, func(a, b Runtime) int { return strings.Compare(a.Path, b.Path) })
	return out
}
