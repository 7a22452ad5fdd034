package packages

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/dpkg"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// listsDir holds apt's Packages lists.
const listsDir = dpkg.ListsDir

// Collector is the packages collector. The zero value is ready to use.
type Collector struct{}

// New returns a packages collector.
func New() *Collector { return &Collector{} }

// Info describes the collector; it does not read the host.
func (c *Collector) Info() sdk.Info {
	return sdk.Info{Name: "packages", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads the dpkg status and the apt Packages lists under
// req.Root. It fails when ctx ends, when there is no host root, when the
// dpkg status cannot be read, and when there is no Packages list (then
// every package would look foreign). A host without dpkg, or without
// lists, gets an error wrapping sdk.ErrNotApplicable. A list that cannot
// be read is a warning and an entry of UnreadSources, and makes Foreign
// unknown (null).
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect packages: no host root")
	}
	opts, optWarns := parseOptions(req.Options)
	w := sdk.Warnings(optWarns)
	f, err := collectDpkg(ctx, req.Root, opts, &w)
	if err != nil {
		return sdk.Response{}, fmt.Errorf("collect packages: %w", err)
	}
	return sdk.Response{Facts: f, Warnings: w}, nil
}

// collectDpkg builds the facts of a Debian or Ubuntu host.
func collectDpkg(ctx context.Context, root *hostroot.Root, opts options, w *sdk.Warnings) (Facts, error) {
	data, err := dpkg.ReadStatus(root)
	if err != nil {
		return Facts{}, err
	}
	installed := dpkg.ParseStatus(data)
	names, err := packagesLists(root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Facts{}, fmt.Errorf("repositories unknown: %w", err)
	}
	// A package is provided when a list offers it (name and architecture)
	// at its installed version or a newer one, which apt would install.
	// Only installed packages are looked up, so a large list streams
	// through without being held.
	want := make(map[string]dpkg.Version, len(installed))
	for _, p := range installed {
		if v, err := dpkg.ParseVersion(strings.TrimSpace(p.Version)); err == nil {
			want[key(p)] = v
		}
	}
	provided := map[string]bool{}
	repos := []string{}
	unread := []Unread{}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return Facts{}, err
		}
		var found []string
		err := dpkg.EachListPackage(root, name, func(p dpkg.Package) {
			k := key(p)
			installedV, ok := want[k]
			if !ok || provided[k] {
				return
			}
			if v, err := dpkg.ParseVersion(p.Version); err == nil && v.Compare(installedV) >= 0 {
				found = append(found, k)
			}
		})
		if err != nil {
			w.Add("%v; which packages are foreign is unknown", err)
			unread = append(unread, Unread{Path: listsDir + "/" + name, Reason: err.Error()})
			continue
		}
		for _, k := range found {
			provided[k] = true
		}
		if r := repository(name); !slices.Contains(repos, r) {
			repos = append(repos, r)
		}
	}
	if len(names) == 0 {
		return Facts{}, fmt.Errorf("no Packages lists in %s (apt-get update never run, or the lists were deleted): which packages a repository provides is unknown: %w", listsDir, sdk.ErrNotApplicable)
	}
	if err := ctx.Err(); err != nil {
		return Facts{}, err
	}
	slices.Sort(repos)
	f := Facts{
		Manager:          "dpkg",
		Installed:        len(installed),
		Repositories:     repos,
		Foreign:          []Package{},
		Runtimes:         findRuntimes(installed, opts.EOL),
		RuntimeLifecycle: opts.Source,
		UnreadSources:    unread,
	}
	if len(unread) > 0 {
		f.Foreign = nil // a list not read may provide any of them
		return f, nil
	}
	for _, p := range installed {
		if !provided[key(p)] {
			f.Foreign = append(f.Foreign, Package{Name: p.Name, Version: p.Version, Architecture: p.Arch})
		}
	}
	slices.SortFunc(f.Foreign, func(a, b Package) int {
		return cmpJoin(a.Name, a.Architecture, b.Name, b.Architecture)
	})
	return f, nil
}

// cmpJoin orders by a1 then a2 against b1 then b2.
func cmpJoin(a1, a2, b1, b2 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	return strings.Compare(a2, b2)
}

// packagesLists returns the names of the binary Packages lists (plain or
// compressed) in /var/lib/apt/lists, sorted.
func packagesLists(root *hostroot.Root) ([]string, error) {
	ents, err := root.ReadDir(listsDir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.Type().IsRegular() && (strings.HasSuffix(n, "_Packages") || strings.Contains(n, "_Packages.")) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// repository turns a Packages list file name into "URI suite/component",
// e.g. "deb.debian.org/debian bookworm/main" for
// deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages. apt
// drops the URI scheme from list names, so the URI has none. A flat
// repository (no "_dists_") is its name without the "_Packages" part.
func repository(name string) string {
	base, rest, ok := strings.Cut(name, "_dists_")
	if !ok {
		base, _, _ = strings.Cut(name, "_Packages")
		return unescape(strings.ReplaceAll(base, "_", "/"))
	}
	uri := unescape(strings.ReplaceAll(base, "_", "/"))
	parts := strings.Split(rest, "_")
	// parts: suite, component..., binary-ARCH, Packages[.ext]
	var comp []string
	suite := parts[0]
	for _, p := range parts[1:] {
		if strings.HasPrefix(p, "binary-") || strings.HasPrefix(p, "Packages") {
			break
		}
		comp = append(comp, p)
	}
	if len(comp) == 0 {
		return uri + " " + unescape(suite)
	}
	return uri + " " + unescape(suite) + "/" + unescape(strings.Join(comp, "/"))
}

// unescape undoes apt's %-escaping of list file names (an underscore in
// the URI is %5f); a name it cannot undo is kept as is.
func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
