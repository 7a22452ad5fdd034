package patching

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/dpkg"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.2.0"

// Host paths read by the collector.
const (
	listsDir      = dpkg.ListsDir
	aptConf       = "/etc/apt/apt.conf"
	aptConfDir    = "/etc/apt/apt.conf.d"
	updateStamp   = "/var/lib/apt/periodic/update-success-stamp"
	upgradesStamp = "/var/lib/apt/periodic/unattended-upgrades-stamp"
)

// confLimit bounds an apt configuration file; a larger one is refused.
const confLimit = 1 << 20

// maxVersionWarnings caps the per-package warnings for unreadable
// versions; the rest are counted in one more warning.
const maxVersionWarnings = 10

// Collector is the patching collector. The zero value is ready to use.
type Collector struct{}

// New returns a patching collector.
func New() *Collector { return &Collector{} }

// Info describes the collector; it does not read the host.
func (c *Collector) Info() sdk.Info {
	return sdk.Info{Name: "patching", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads, under req.Root, the dpkg status, the apt lists and the
// apt configuration of a Debian or Ubuntu host, or the rpm database, the
// dnf metadata cache and dnf-automatic's settings of a RHEL-family host.
// It fails when ctx ends, when there is no host root, and when the
// installed packages are unknown: then the error (wrapping
// sdk.ErrNotApplicable on hosts with neither dpkg nor a readable kind of
// rpm database, e.g. SUSE's NDB, or with yum's cache only) makes the agent
// record the collector as not applicable, so ICO-SEC-02 reports
// not_assessed rather than pass or error. Unreadable lists, metadata and
// configuration are warnings.
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect patching: no host root")
	}
	opts, optWarns := parseOptions(req.Options)
	w := sdk.Warnings(optWarns)
	f, err := collectApt(ctx, req.Root, opts, &w)
	if errors.Is(err, sdk.ErrNotApplicable) && rpmHost(req.Root) {
		f, err = collectDnf(ctx, req.Root, &w)
	}
	if err != nil {
		return sdk.Response{}, fmt.Errorf("collect patching: %w", err)
	}
	return sdk.Response{Facts: f, Warnings: w}, nil
}

// collectApt builds the facts of a Debian or Ubuntu host.
func collectApt(ctx context.Context, root *hostroot.Root, opts options, w *sdk.Warnings) (Facts, error) {
	data, err := dpkg.ReadStatus(root)
	if err != nil {
		return Facts{}, err
	}
	pkgs := dpkg.ParseStatus(data)
	f := Facts{Manager: "apt", Pending: []Update{}, UnreadSources: []Unread{}}
	lists, err := readListsDir(root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		w.Add("%v; no security updates can be seen", err)
		f.UnreadSources = append(f.UnreadSources, Unread{Path: listsDir, Reason: err.Error()})
	}
	for _, r := range lists.releases {
		// apt fetches a suite's lists with its Release file: a security
		// suite's Release file without any Packages list beside it is a
		// list lost (removed, or not a regular file).
		prefix := strings.TrimSuffix(strings.TrimSuffix(r.name, "InRelease"), "Release")
		if !isSecurityList(r.name, opts.SecurityLists) || slices.ContainsFunc(lists.packages, func(p listFile) bool { return strings.HasPrefix(p.name, prefix) }) {
			continue
		}
		w.Add("%s/%s: a security suite's Release file without its Packages list; its updates cannot be seen", listsDir, r.name)
		f.UnreadSources = append(f.UnreadSources, Unread{Path: listsDir + "/" + prefix + "*Packages", Reason: "the suite's Release file " + r.name + " is there, but no Packages list of it (removed, or not a regular file)"})
	}
	if err := ctx.Err(); err != nil {
		return Facts{}, err
	}
	cands, err := securityCandidates(ctx, root, lists, opts, &f.UnreadSources, w)
	if err != nil {
		return Facts{}, err
	}
	if len(lists.security(opts)) == 0 {
		// Without a security list no security update can show, so an
		// empty pending list would be an unfounded pass: leave the
		// refresh time unknown, which the policy cannot pass.
		w.Add("no security package lists in %s (is a -security suite in the apt sources?); index refresh time left unknown", listsDir)
	} else {
		f.IndexRefreshed = lastRefresh(root, lists)
	}
	f.Pending = pendingUpdates(pkgs, cands, w)
	f.AutomaticUpdates = unattended(root, pkgs, w)
	return f, nil
}

// listFile is one file of /var/lib/apt/lists.
type listFile struct {
	name  string
	mtime time.Time
}

// aptLists are the index files of /var/lib/apt/lists.
type aptLists struct {
	packages []listFile // *_Packages and compressed forms
	releases []listFile // *_InRelease, *_Release
}

// readListsDir lists the index files; subdirectories (partial,
// auxfiles) and other files (lock, Translation, Sources) are left out.
func readListsDir(root *hostroot.Root) (aptLists, error) {
	var l aptLists
	ents, err := root.ReadDir(listsDir)
	if err != nil {
		return l, err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		kind := listKind(e.Name())
		if kind == "" {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		lf := listFile{name: e.Name(), mtime: fi.ModTime().UTC()}
		if kind == "release" {
			l.releases = append(l.releases, lf)
		} else {
			l.packages = append(l.packages, lf)
		}
	}
	return l, nil
}

// listKind classifies a file name of /var/lib/apt/lists: "packages" for
// a binary Packages list (plain or compressed), "release" for a Release
// or InRelease file, "" for anything else.
func listKind(name string) string {
	switch {
	case strings.HasSuffix(name, "_InRelease"), strings.HasSuffix(name, "_Release"):
		return "release"
	case strings.HasSuffix(name, "_Packages"), strings.Contains(name, "_Packages."):
		return "packages"
	}
	return ""
}

// isSecurityList reports whether the Packages list name comes from a
// security suite: its file name contains "security" (any case), as the
// file names of Debian's and Ubuntu's security archives and suites do
// (debian-security, bookworm-security, jammy-security,
// security.ubuntu.com), or matches one of the configured patterns.
func isSecurityList(name string, patterns []string) bool {
	if strings.Contains(strings.ToLower(name), "security") {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// security returns the security Packages lists.
func (l aptLists) security(opts options) []listFile {
	var out []listFile
	for _, p := range l.packages {
		if isSecurityList(p.name, opts.SecurityLists) {
			out = append(out, p)
		}
	}
	return out
}

// releaseFor returns the Release or InRelease file of a Packages list:
// the one whose name, without "InRelease" or "Release", is the longest
// prefix of the list's name. InRelease wins over Release.
func (l aptLists) releaseFor(list string) (listFile, bool) {
	var best listFile
	bestLen := -1
	for _, r := range l.releases {
		prefix := strings.TrimSuffix(strings.TrimSuffix(r.name, "InRelease"), "Release")
		if !strings.HasPrefix(list, prefix) {
			continue
		}
		if len(prefix) > bestLen || (len(prefix) == bestLen && strings.HasSuffix(r.name, "_InRelease")) {
			best, bestLen = r, len(prefix)
		}
	}
	return best, bestLen >= 0
}

// candidate is the newest version of a package offered by a security
// list.
type candidate struct {
	version string
	parsed  dpkg.Version
	origin  string
	since   time.Time
	source  string // where since comes from
}

// securityCandidates reads every security list and returns, per package
// name and architecture, the newest version offered; the lists it cannot
// read are added to unread.
func securityCandidates(ctx context.Context, root *hostroot.Root, lists aptLists, opts options, unread *[]Unread, w *sdk.Warnings) (map[string]candidate, error) {
	cands := map[string]candidate{}
	for _, lf := range lists.security(opts) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if why := releaseProblem(root, lists, lf); why != "" {
			w.Add("%s/%s: %s; its updates are not counted", listsDir, lf.name, why)
			*unread = append(*unread, Unread{Path: listsDir + "/" + lf.name, Reason: why})
			continue
		}
		data, err := dpkg.ReadList(root, lf.name)
		if err != nil {
			w.Add("%v; its updates are not counted", err)
			*unread = append(*unread, Unread{Path: listsDir + "/" + lf.name, Reason: err.Error()})
			continue
		}
		if why := textcheck.Problem(data); why != "" {
			// What parses before a cut or in garbage is not the list.
			w.Add("%s/%s: %s; its updates are not counted", listsDir, lf.name, why)
			*unread = append(*unread, Unread{Path: listsDir + "/" + lf.name, Reason: why})
			continue
		}
		origin, since, source := listOrigin(root, lists, lf, w)
		for _, a := range dpkg.ParsePackages(data) {
			v, err := dpkg.ParseVersion(a.Version)
			if err != nil {
				continue
			}
			key := a.Name + "\x00" + a.Arch
			c, ok := cands[key]
			switch {
			case !ok, v.Compare(c.parsed) > 0:
				cands[key] = candidate{version: a.Version, parsed: v, origin: origin, since: since, source: source}
			case v.Compare(c.parsed) == 0 && since.Before(c.since):
				c.since, c.origin, c.source = since, origin, source
				cands[key] = c
			}
		}
	}
	return cands, nil
}

// releaseProblem returns why apt would not use the list lf, "" when its
// Release file reads: apt verifies every list against its suite's
// InRelease (or Release) file and ignores a list it cannot verify, so a
// list without a readable one is none of the updates apt offers. An
// InRelease file must end with its signature, a Release file be whole
// text, and either carry the Date it was made.
func releaseProblem(root *hostroot.Root, lists aptLists, lf listFile) string {
	rf, ok := lists.releaseFor(lf.name)
	if !ok {
		return "no Release or InRelease file for it (a directory, a link to nothing or missing): apt does not use a list it cannot verify"
	}
	data, err := root.ReadFile(listsDir+"/"+rf.name, dpkg.ListLimit)
	if err != nil {
		return fmt.Sprintf("its Release file: %v", err)
	}
	switch {
	case strings.HasSuffix(rf.name, "_InRelease") && !bytes.HasSuffix(bytes.TrimRight(data, "\n"), []byte("-----END PGP SIGNATURE-----")):
		return fmt.Sprintf("its Release file %s does not end with its signature: cut short or damaged", rf.name)
	case textcheck.Problem(data) != "":
		return fmt.Sprintf("its Release file %s %s", rf.name, textcheck.Problem(data))
	case parseRelease(data).Date.IsZero():
		return fmt.Sprintf("its Release file %s has no Date: damaged", rf.name)
	}
	return ""
}

// listOrigin returns the origin of a security list and the earliest time
// its content can be shown to have existed: the earlier of the list's
// modification time (apt sets it to the server's Last-Modified) and the
// Date its Release file was signed. Without a Release file the origin is
// the list's archive, from its file name.
func listOrigin(root *hostroot.Root, lists aptLists, lf listFile, w *sdk.Warnings) (origin string, since time.Time, source string) {
	since = lf.mtime
	source = "modification time of " + listsDir + "/" + lf.name
	origin = archiveName(lf.name)
	rf, ok := lists.releaseFor(lf.name)
	if !ok {
		return origin, since, source
	}
	data, err := root.ReadFile(listsDir+"/"+rf.name, dpkg.ListLimit)
	if err != nil {
		w.Add("%v; origin taken from the list's name", err)
		return origin, since, source
	}
	r := parseRelease(data)
	if o := r.origin(); o != "" {
		origin = o
	}
	if !r.Date.IsZero() && r.Date.Before(since) {
		since, source = r.Date, "Date of "+listsDir+"/"+rf.name
	}
	return origin, since, source
}

// archiveName turns a list file name into "host/path suite", e.g.
// "deb.debian.org/debian-security bookworm-security"; the name itself
// when it has no "_dists_".
func archiveName(name string) string {
	base, rest, ok := strings.Cut(name, "_dists_")
	if !ok {
		return name
	}
	suite, _, _ := strings.Cut(rest, "_")
	return strings.ReplaceAll(base, "_", "/") + " " + suite
}

// lastRefresh is the newest of apt's update-success-stamp and the
// modification times of the index files: apt gives a fetched index the
// server's Last-Modified time, so this is a lower bound on the last
// successful refresh.
func lastRefresh(root *hostroot.Root, lists aptLists) *time.Time {
	var t time.Time
	if fi, err := root.Stat(updateStamp); err == nil {
		t = fi.ModTime().UTC()
	}
	for _, l := range slices.Concat(lists.packages, lists.releases) {
		if l.mtime.After(t) {
			t = l.mtime
		}
	}
	if t.IsZero() {
		return nil
	}
	return &t
}

// pendingUpdates compares every installed package with the newest
// security version of the same name and architecture.
func pendingUpdates(pkgs []installed, cands map[string]candidate, w *sdk.Warnings) []Update {
	names := map[string]int{}
	for _, p := range pkgs {
		names[p.Name]++
	}
	out := []Update{}
	bad := 0
	for _, p := range pkgs {
		c, ok := cands[p.Name+"\x00"+p.Arch]
		if !ok {
			continue
		}
		v, err := dpkg.ParseVersion(p.Version)
		if err != nil {
			if bad++; bad <= maxVersionWarnings {
				w.Add("package %s: installed version: %v; not compared", p.Name, err)
			}
			continue
		}
		if v.Compare(c.parsed) >= 0 {
			continue
		}
		name := p.Name
		if names[p.Name] > 1 {
			name += ":" + p.Arch
		}
		out = append(out, Update{
			Package:          name,
			InstalledVersion: p.Version,
			CandidateVersion: c.version,
			Origin:           c.origin,
			Advisories:       []string{},
			PendingSince:     c.since,
			SinceSource:      c.source,
		})
	}
	if bad > maxVersionWarnings {
		w.Add("%d more packages with unreadable installed versions not compared", bad-maxVersionWarnings)
	}
	slices.SortFunc(out, func(a, b Update) int { return strings.Compare(a.Package, b.Package) })
	return out
}

// unattended reads whether unattended-upgrades installs updates: the
// package is installed and APT::Periodic::Unattended-Upgrade is on in
// the apt configuration, read in apt's order (/etc/apt/apt.conf.d in
// name order, then /etc/apt/apt.conf; the last setting wins).
func unattended(root *hostroot.Root, pkgs []installed, w *sdk.Warnings) AutomaticUpdates {
	const key = "apt::periodic::unattended-upgrade"
	var value, source string
	read := func(name string) {
		data, err := root.ReadFile(name, confLimit)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				w.Add("%v; automatic updates may be misreported", err)
			}
			return
		}
		parseAptConf(data, func(k, v string) {
			if k == key {
				value, source = v, name
			}
		})
	}
	ents, err := root.ReadDir(aptConfDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		w.Add("%v; automatic updates may be misreported", err)
	}
	for _, e := range ents {
		if !e.IsDir() && aptConfPart(e.Name()) {
			read(aptConfDir + "/" + e.Name())
		}
	}
	read(aptConf)

	hasPkg := slices.ContainsFunc(pkgs, func(p installed) bool { return p.Name == "unattended-upgrades" })
	a := AutomaticUpdates{Source: source}
	if hasPkg || source != "" {
		a.Mechanism = "unattended-upgrades"
	}
	a.Enabled = hasPkg && periodicEnabled(value)
	if a.Mechanism != "" {
		if fi, err := root.Stat(upgradesStamp); err == nil {
			t := fi.ModTime().UTC()
			a.LastRun = &t
		}
	}
	return a
}
