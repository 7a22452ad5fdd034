package exposure

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// idReadLimit bounds /etc/passwd and /etc/group.
const idReadLimit = 32 << 20

// Collector is the exposure collector. The zero value is ready to use.
type Collector struct{}

// New returns an exposure collector.
func New() *Collector { return &Collector{} }

// Info describes the collector; it does not read the host.
func (c *Collector) Info() sdk.Info {
	return sdk.Info{Name: "exposure", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect checks the declared personal-data paths and the web servers'
// configuration. It fails only when ctx ends or there is no host root;
// bad options, unreadable paths and configuration files are warnings.
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect exposure: no host root")
	}
	opts, optWarns := parseOptions(req.Options)
	w := sdk.Warnings(optWarns)
	f, err := collect(ctx, req.Root, opts, &w)
	if err != nil {
		return sdk.Response{}, fmt.Errorf("collect exposure: %w", err)
	}
	return sdk.Response{Facts: f, Warnings: w}, nil
}

func collect(ctx context.Context, root *hostroot.Root, opts options, w *sdk.Warnings) (Facts, error) {
	f := Facts{Paths: []Path{}, WebServers: readWebServers(ctx, root, w)}
	if err := ctx.Err(); err != nil {
		return Facts{}, err
	}
	var users, groups idNames
	if len(opts.Paths) > 0 {
		users, groups = readIDNames(root, "/etc/passwd", w), readIDNames(root, "/etc/group", w)
	}
	for _, d := range opts.Paths {
		p, err := checkPath(ctx, root, d, opts.MaxFiles, users, groups, w)
		if err := ctx.Err(); err != nil {
			return Facts{}, err
		}
		if err != nil {
			// Not knowing is not the same as private: leave the path out,
			// so the policy reports a register store as unchecked.
			w.Add("%v; not checked", err)
			continue
		}
		p.ServedBy = servedBy(root, p.Path, f.WebServers)
		f.Paths = append(f.Paths, p)
	}
	return f, nil
}

// readIDNames reads a passwd or group file; a missing one names nobody.
func readIDNames(root *hostroot.Root, name string, w *sdk.Warnings) idNames {
	data, err := root.ReadFile(name, idReadLimit)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.Add("%v; owners shown by number", err)
		}
		return idNames{}
	}
	return parseIDNames(data)
}

// servedBy returns the web roots that serve declared path p or a part of
// it: p is at or under the root, or the root is under p. Paths are
// compared both as written and with symlinks resolved inside the host
// root, so a web root that is a symlink to personal data is found.
func servedBy(root *hostroot.Root, p string, servers []WebServer) []WebRoot {
	out := []WebRoot{}
	pc := canonical(root, p)
	for _, s := range servers {
		for _, r := range s.Roots {
			rc := canonical(root, r.Path)
			if overlaps(p, r.Path) || overlaps(pc, rc) {
				out = append(out, r)
			}
		}
	}
	return out
}

// overlaps reports whether one of a and b is at or under the other.
func overlaps(a, b string) bool {
	return within(a, b) || within(b, a)
}

// within reports whether p is dir or under it.
func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// canonical returns the host path p with symlinks resolved inside root,
// or p itself when that fails.
func canonical(root *hostroot.Root, p string) string {
	real, err := root.Resolve(p)
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(root.Dir(), real)
	if err != nil {
		return p
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return "/"
	}
	return "/" + rel
}
