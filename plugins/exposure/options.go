package exposure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

const (
	// DefaultMaxFiles is the default entry limit of each declared path's walk.
	DefaultMaxFiles = 100000
	// maxMaxFiles caps max_files so that one option cannot make the walk
	// unbounded.
	maxMaxFiles = 10000000
	// maxDeclared caps how many paths are checked.
	maxDeclared = 1000
)

// options are the collector's options (see the package documentation).
type options struct {
	Paths    []declared
	MaxFiles int
}

// declared is one declared personal-data path.
type declared struct {
	Path  string
	Store string
}

// rawOptions is the JSON form of options.
type rawOptions struct {
	Paths    []json.RawMessage `json:"paths"`
	MaxFiles *int              `json:"max_files"`
}

// rawDeclared is the object form of a declared path.
type rawDeclared struct {
	Path  string `json:"path"`
	Store string `json:"store"`
}

// parseOptions decodes the options object. It never fails: an invalid
// object, path or limit is reported as a warning and left out (or
// replaced by its default), so a typo cannot stop the other checks.
func parseOptions(raw []byte) (options, []string) {
	o := options{MaxFiles: DefaultMaxFiles}
	var warns sdk.Warnings
	warn := func(format string, args ...any) { warns.Add("options: "+format, args...) }
	var r rawOptions
	if _, err := sdk.DecodeOptions(raw, &r); err != nil {
		warn("%v; no paths checked", err)
		return o, warns
	}
	if r.MaxFiles != nil {
		switch m := *r.MaxFiles; {
		case m < 1:
			warn("max_files %d is not positive; using %d", m, DefaultMaxFiles)
		case m > maxMaxFiles:
			warn("max_files %d is over %d; using %d", m, maxMaxFiles, maxMaxFiles)
			o.MaxFiles = maxMaxFiles
		default:
			o.MaxFiles = m
		}
	}
	seen := map[string]bool{}
	for i, p := range r.Paths {
		d, err := parseDeclared(p)
		if err != nil {
			warn("paths[%d]: %v; skipped", i, err)
			continue
		}
		if seen[d.Path] {
			warn("paths[%d]: %s is declared twice; checked once", i, d.Path)
			continue
		}
		if len(o.Paths) == maxDeclared {
			warn("more than %d paths; the rest are not checked", maxDeclared)
			break
		}
		seen[d.Path] = true
		o.Paths = append(o.Paths, d)
	}
	return o, warns
}

// parseDeclared decodes one entry of "paths": a string or an object with
// "path" and optional "store".
func parseDeclared(raw json.RawMessage) (declared, error) {
	var d declared
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		d.Path = s
	} else {
		var r rawDeclared
		if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			return declared{}, errors.New("want a path string or {\"path\": ..., \"store\": ...}")
		}
		if _, err := sdk.DecodeOptions(raw, &r); err != nil {
			return declared{}, fmt.Errorf("want {\"path\": ..., \"store\": ...}: %w", err)
		}
		d = declared(r)
	}
	if !strings.HasPrefix(d.Path, "/") {
		return declared{}, fmt.Errorf("path %q is not absolute", d.Path)
	}
	if strings.ContainsRune(d.Path, 0) {
		return declared{}, fmt.Errorf("path %q contains a NUL byte", d.Path)
	}
	d.Path = path.Clean(d.Path)
	return d, nil
}
