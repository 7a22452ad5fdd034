package change

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/internal/hosttags"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// DefaultDeploymentsFile is the deployment record file read when the
// deployments_file option is not set.
const DefaultDeploymentsFile = "/var/lib/auditfleet/deployments.jsonl"

// DefaultTagsFile is the host's tags file, whose env tag is the declared
// environment when the environment option is not set; the same file as
// the continuity collector's.
const DefaultTagsFile = hosttags.DefaultFile

// Bounds of the canary search.
const (
	// DefaultMaxFiles is the default bound on the directory entries
	// walked in all canary paths together (option max_files).
	DefaultMaxFiles = 20_000
	// maxMaxFiles is the largest max_files accepted.
	maxMaxFiles = 10_000_000
	// DefaultMaxReadBytes is the default number of bytes searched at the
	// start of each file (option max_read_bytes).
	DefaultMaxReadBytes = 1 << 20
	// maxMaxReadBytes is the largest max_read_bytes accepted.
	maxMaxReadBytes = 64 << 20
	// minMarker is the shortest canary marker accepted, so that a short
	// string does not match ordinary data.
	minMarker = 4
)

// options are the collector's options.
type options struct {
	Environment     string
	TagsFile        string // "" reads none
	DeploymentsFile string // "" reads none
	CanaryPaths     []string
	Canaries        []string
	MaxFiles        int
	MaxReadBytes    int
}

// rawOptions is the options object as written in the agent configuration.
type rawOptions struct {
	Environment     *string  `json:"environment"`
	TagsFile        *string  `json:"tags_file"`
	DeploymentsFile *string  `json:"deployments_file"`
	CanaryPaths     []string `json:"canary_paths"`
	Canaries        []string `json:"canaries"`
	MaxFiles        *int     `json:"max_files"`
	MaxReadBytes    *int     `json:"max_read_bytes"`
}

// parseOptions decodes the options object. Problems are warnings: an
// invalid path or marker is left out, an invalid bound or file name falls
// back to its default, and options that do not decode are ignored whole.
func parseOptions(raw json.RawMessage) (options, []string) {
	o := options{
		TagsFile: DefaultTagsFile, DeploymentsFile: DefaultDeploymentsFile,
		MaxFiles: DefaultMaxFiles, MaxReadBytes: DefaultMaxReadBytes,
	}
	var r rawOptions
	if set, err := sdk.DecodeOptions(raw, &r); err != nil {
		return o, []string{fmt.Sprintf("options: %v; options ignored", err)}
	} else if !set {
		return o, nil
	}
	var warns sdk.Warnings
	warn := func(format string, args ...any) { warns.Add("options: "+format, args...) }
	if r.Environment != nil {
		o.Environment = strings.TrimSpace(*r.Environment)
	}
	o.TagsFile = fileOption("tags_file", r.TagsFile, DefaultTagsFile, warn)
	o.DeploymentsFile = fileOption("deployments_file", r.DeploymentsFile, DefaultDeploymentsFile, warn)
	for i, p := range r.CanaryPaths {
		switch {
		case !cleanAbs(p):
			warn("canary_paths[%d]: %q is not a clean absolute path; not searched", i, p)
		case slices.Contains(o.CanaryPaths, p):
		default:
			o.CanaryPaths = append(o.CanaryPaths, p)
		}
	}
	for i, m := range r.Canaries {
		switch {
		case len(m) < minMarker:
			warn("canaries[%d]: %q is shorter than %d bytes; ignored", i, m, minMarker)
		case strings.TrimSpace(m) != m || strings.ContainsAny(m, "\r\n"):
			warn("canaries[%d]: %q has leading or trailing space or a line break; ignored", i, m)
		case slices.Contains(o.Canaries, m):
		default:
			o.Canaries = append(o.Canaries, m)
		}
	}
	if len(o.CanaryPaths) > 0 && len(o.Canaries) == 0 {
		warn("canary_paths are declared but no canaries are; nothing searched")
		o.CanaryPaths = nil
	}
	o.MaxFiles = bound("max_files", r.MaxFiles, 1, maxMaxFiles, DefaultMaxFiles, warn)
	o.MaxReadBytes = bound("max_read_bytes", r.MaxReadBytes, 1, maxMaxReadBytes, DefaultMaxReadBytes, warn)
	return o, warns
}

// fileOption is the file option v: def when unset or invalid (with a
// warning), "" when set to "" (read no file).
func fileOption(name string, v *string, def string, warn func(string, ...any)) string {
	switch {
	case v == nil:
		return def
	case *v == "":
		return ""
	case !cleanAbs(*v):
		warn("%s %q is not a clean absolute path; using %s", name, *v, def)
		return def
	}
	return *v
}

// bound is the integer option v: def when unset or outside lo..hi (with a
// warning).
func bound(name string, v *int, lo, hi, def int, warn func(string, ...any)) int {
	switch {
	case v == nil:
		return def
	case *v < lo || *v > hi:
		warn("%s %d is outside %d..%d; using %d", name, *v, lo, hi, def)
		return def
	}
	return *v
}

// cleanAbs reports whether p is a clean absolute slash path.
func cleanAbs(p string) bool { return path.IsAbs(p) && path.Clean(p) == p }
