package patching

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/compressed"
	"github.com/auditfleet/auditfleet/plugins/internal/rpmdb"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// dnfCacheDirs are the metadata caches of dnf 4 (RHEL 8-10, Fedora up to
// 40) and dnf 5 (Fedora 41+).
var dnfCacheDirs = []string{"/var/cache/dnf", "/var/cache/libdnf5"}

// rhelMarkers are files that show a RHEL-family host.
var rhelMarkers = []string{"/etc/redhat-release", "/etc/dnf/dnf.conf", "/etc/yum.conf"}

// maxRepoDirs bounds the directories of a metadata cache examined.
const maxRepoDirs = 1000

// repoHash is the "-" and 16 hex digits dnf appends to a repository id
// to name its cache directory.
var repoHash = regexp.MustCompile(`-[0-9a-f]{16}$`)

// rpmHost reports whether the host is of the RHEL family: it has an rpm
// database, one of rpm's database directories or one of rhelMarkers.
func rpmHost(root *hostroot.Root) bool {
	if _, err := rpmdb.Locate(root); err == nil {
		return true
	}
	for _, m := range slices.Concat(rpmdb.Dirs, rhelMarkers) {
		if _, err := root.Stat(m); err == nil {
			return true
		}
	}
	return false
}

// yumCacheDir is the metadata cache of yum 3 (RHEL 7, CentOS 7, Amazon
// Linux 2), which is not read.
const yumCacheDir = "/var/cache/yum"

// collectDnf builds the facts of a RHEL-family host: installed packages
// from the rpm database (SQLite or Berkeley DB), security advisories
// from dnf's metadata cache, dnf-automatic from its configuration and
// timers.
func collectDnf(ctx context.Context, root *hostroot.Root, w *sdk.Warnings) (Facts, error) {
	db, err := rpmdb.Locate(root)
	if errors.Is(err, rpmdb.ErrNoDatabase) {
		return Facts{}, fmt.Errorf("RHEL-family host with %v: installed packages unknown: %w", err, sdk.ErrNotApplicable)
	}
	if err != nil {
		return Facts{}, fmt.Errorf("installed packages unknown: %w", err)
	}
	if yumOnly(root) {
		return Facts{}, fmt.Errorf("found %s and %s but no dnf metadata cache (%s): yum's cache (RHEL 7, CentOS 7, Amazon Linux 2) is not read, so no security advisory could be seen: %w",
			db.Path, yumCacheDir, strings.Join(dnfCacheDirs, ", "), sdk.ErrNotApplicable)
	}
	pkgs, bad, err := rpmdb.Read(ctx, root, db)
	if errors.Is(err, rpmdb.ErrUnsupported) {
		return Facts{}, fmt.Errorf("found %s: the rpm database in %s format (SUSE) is not supported, only SQLite (RHEL 9+, Fedora 33+) and Berkeley DB (RHEL 7 and 8): %w",
			db.Path, db.Format, sdk.ErrNotApplicable)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Facts{}, ctx.Err()
		}
		return Facts{}, fmt.Errorf("installed packages unknown: %w", err)
	}
	if len(bad) > 0 {
		if len(pkgs) == 0 {
			return Facts{}, fmt.Errorf("installed packages unknown: none of the %d headers of %s could be read (%s)", len(bad), db.Path, badHeader(bad[0]))
		}
		w.Add("%s: %d unreadable package headers (%s); those packages are not compared", db.Path, len(bad), badHeader(bad[0]))
	}
	f := Facts{Manager: "dnf", Pending: []Update{}, UnreadSources: []Unread{}}
	repos := dnfRepos(root, &f.UnreadSources, w)
	if err := ctx.Err(); err != nil {
		return Facts{}, err
	}
	inst := installedRPMs(pkgs)
	mods := readModuleStreams(ctx, root, repos, &f.UnreadSources, w)
	cands := map[string]*rpmCandidate{}
	withAdvisories := 0
	var refreshed time.Time
	for _, r := range repos {
		if err := ctx.Err(); err != nil {
			return Facts{}, err
		}
		if err := r.readAdvisories(ctx, root, inst, mods, cands); err != nil {
			if ctx.Err() != nil {
				return Facts{}, ctx.Err()
			}
			w.Add("repository %s: %v; its advisories are not counted", r.id, err)
			f.UnreadSources = append(f.UnreadSources, Unread{Path: r.updateinfo, Reason: err.Error()})
			continue
		}
		if r.updateinfo == "" {
			continue
		}
		withAdvisories++
		if r.refreshed.After(refreshed) {
			refreshed = r.refreshed
		}
	}
	mods.report(&f.UnreadSources, w)
	if withAdvisories == 0 {
		// As on Debian without a security list: no advisory can show, so
		// an empty pending list would be an unfounded pass.
		w.Add("no readable updateinfo (security advisories) in the dnf metadata cache (%s); index refresh time left unknown", strings.Join(dnfCacheDirs, ", "))
	} else {
		f.IndexRefreshed = &refreshed
	}
	f.Pending = rpmPending(inst, cands)
	f.AutomaticUpdates = dnfAutomatic(root, w)
	return f, nil
}

// badHeader describes an unreadable header for a message.
func badHeader(b rpmdb.BadHeader) string {
	if b.HNum < 0 {
		return fmt.Sprintf("a damaged record: %v", b.Err)
	}
	return fmt.Sprintf("header %d: %v", b.HNum, b.Err)
}

// yumOnly reports whether the host has yum's metadata cache and none of
// dnf's: a yum 3 host, whose advisories are not read.
func yumOnly(root *hostroot.Root) bool {
	for _, d := range dnfCacheDirs {
		if _, err := root.Stat(d); err == nil {
			return false
		}
	}
	fi, err := root.Stat(yumCacheDir)
	return err == nil && fi.IsDir()
}

// dnfRepo is one repository's metadata in dnf's cache.
type dnfRepo struct {
	id  string
	dir string // host path of the cache directory
	// refreshed is when dnf last fetched or validated the metadata: the
	// newer of repomd.xml's and the primary list's modification times
	// (libdnf touches the primary list when it finds the cached
	// metadata still current).
	refreshed  time.Time
	updateinfo string // host path, "" when the repository has none
	modules    string // host path of the modules metadata, "" when none
}

// dnfRepos lists the repositories of dnf's metadata caches that have a
// repomd.xml, one per repository id: when a repository has several cache
// directories (its URL changed), the most recently refreshed. The cache
// directories and repomd.xml files it cannot read are added to unread.
func dnfRepos(root *hostroot.Root, unread *[]Unread, w *sdk.Warnings) []dnfRepo {
	byID := map[string]dnfRepo{}
	found := false
	for _, cache := range dnfCacheDirs {
		ents, err := root.ReadDir(cache)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				w.Add("%v; its advisories are not counted", err)
				*unread = append(*unread, Unread{Path: cache, Reason: err.Error()})
			}
			continue
		}
		found = true
		n := 0
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			if n++; n > maxRepoDirs {
				w.Add("%s: more than %d directories; the rest are not read", cache, maxRepoDirs)
				break
			}
			r, ok := readRepoDir(root, cache+"/"+e.Name(), unread, w)
			if !ok {
				continue
			}
			if old, dup := byID[r.id]; dup {
				if !r.refreshed.After(old.refreshed) {
					r, old = old, r
				}
				w.Add("repository %s has several metadata caches; %s is read, %s is older and ignored", r.id, r.dir, old.dir)
			}
			byID[r.id] = r
		}
	}
	if !found {
		w.Add("no dnf metadata cache (%s): no security advisories can be seen", strings.Join(dnfCacheDirs, ", "))
	}
	out := make([]dnfRepo, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b dnfRepo) int { return strings.Compare(a.id, b.id) })
	return out
}

// readRepoDir reads the repomd.xml of one cache directory; false when
// the directory is not a repository's cache (not named <id>-<16 hex>) and
// has none.
func readRepoDir(root *hostroot.Root, dir string, unread *[]Unread, w *sdk.Warnings) (dnfRepo, bool) {
	md := dir + "/repodata/repomd.xml"
	skip := func(err error) (dnfRepo, bool) {
		w.Add("%v; its advisories are not counted", err)
		*unread = append(*unread, Unread{Path: md, Reason: err.Error()})
		return dnfRepo{}, false
	}
	fi, err := root.Stat(md)
	if err != nil {
		// A directory named like a repository cache (<id>-<16 hex>) is one:
		// without its repomd.xml (removed, or a link to nothing) its
		// advisories are unknown, not absent.
		if !errors.Is(err, fs.ErrNotExist) || repoHash.MatchString(path.Base(dir)) {
			return skip(fmt.Errorf("%s: repository cache without its metadata index: %w", md, err))
		}
		return dnfRepo{}, false
	}
	name := path.Base(dir)
	r := dnfRepo{id: repoHash.ReplaceAllString(name, ""), dir: dir, refreshed: fi.ModTime().UTC()}
	data, err := root.ReadFile(md, repomdLimit)
	if err != nil {
		return skip(err)
	}
	locs, err := parseRepomd(data)
	if err != nil {
		return skip(fmt.Errorf("%s: %w", md, err))
	}
	if p, ok := locs["primary"]; ok {
		if fi, err := root.Stat(dir + "/" + p); err == nil && fi.ModTime().After(r.refreshed) {
			r.refreshed = fi.ModTime().UTC()
		}
	}
	r.updateinfo = cachedMetadata(root, dir, locs, "updateinfo")
	r.modules = cachedMetadata(root, dir, locs, "modules")
	return r, true
}

// cachedMetadata returns the host path of the metadata file of type typ
// in the cache directory dir, "" when the repository has none. dnf built
// with zchunk (Fedora's) downloads only the zchunk variant a repository
// offers beside it (type typ_zck): when typ's file is not in the cache
// and that one is, it is the file dnf reads.
func cachedMetadata(root *hostroot.Root, dir string, locs map[string]string, typ string) string {
	p, ok := locs[typ]
	if !ok {
		return ""
	}
	p = dir + "/" + p
	if z, ok := locs[typ+"_zck"]; ok {
		if _, err := root.Stat(p); errors.Is(err, fs.ErrNotExist) {
			if _, err := root.Stat(dir + "/" + z); err == nil {
				return dir + "/" + z
			}
		}
	}
	return p
}

// rpmCandidate is the newest security update offered for an installed
// package, with every advisory newer than the installed version.
type rpmCandidate struct {
	evr        rpmdb.EVR
	origin     string
	advisories map[string]bool
	since      time.Time
	source     string // where since comes from
}

// readAdvisories reads the repository's updateinfo, if it has one, and
// records in cands each security advisory package newer than the
// installed package of the same name and architecture, leaving out, as
// dnf does, packages of module streams that are not active.
func (r dnfRepo) readAdvisories(ctx context.Context, root *hostroot.Root, inst map[string]rpmdb.Package, mods *moduleStreams, cands map[string]*rpmCandidate) error {
	if r.updateinfo == "" {
		return nil
	}
	fi, err := root.Stat(r.updateinfo)
	if err != nil {
		return err
	}
	mtime := fi.ModTime().UTC()
	rc, err := openMetadata(root, r.updateinfo)
	if err != nil {
		return err
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: updateinfoLimit + 1}
	err = parseUpdateinfo(ctx, lr, func(a advisory) {
		if a.Type != "security" {
			return
		}
		since, source := a.Issued, "advisory "+a.ID+" issued"
		if since.IsZero() {
			since, source = mtime, "modification time of "+r.updateinfo
		}
		for _, p := range a.Packages {
			key := p.Name + "\x00" + p.Arch
			ip, ok := inst[key]
			if !ok || rpmdb.CompareEVR(p.EVR, ip.EVR()) <= 0 {
				continue
			}
			if len(p.Modules) > 0 && !mods.active(p.Modules) {
				continue
			}
			c := cands[key]
			if c == nil {
				c = &rpmCandidate{evr: p.EVR, origin: r.id, advisories: map[string]bool{}, since: since, source: source}
				cands[key] = c
			}
			if rpmdb.CompareEVR(p.EVR, c.evr) > 0 {
				c.evr, c.origin = p.EVR, r.id
			}
			if since.Before(c.since) {
				c.since, c.source = since, source
			}
			c.advisories[a.ID] = true
		}
	})
	if lr.N <= 0 {
		return fmt.Errorf("read %s: %w (limit %d bytes)", r.updateinfo, hostroot.ErrTooLarge, updateinfoLimit)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", r.updateinfo, err)
	}
	return nil
}

// fileCloser closes a decompressor and the file under it.
type fileCloser struct {
	io.ReadCloser
	f io.Closer
}

func (c fileCloser) Close() error { return errors.Join(c.ReadCloser.Close(), c.f.Close()) }

// openMetadata opens a repository metadata file, decompressing it by its
// name: plain .xml (updateinfo) or .yaml (modules), or compressed in a
// format of package compressed (dnf uses gzip, xz, bzip2 and zstd);
// zchunk (.zck) is refused, having no maintained pure-Go reader.
func openMetadata(root *hostroot.Root, p string) (io.ReadCloser, error) {
	ext := path.Ext(p)
	if ext == ".xml" || ext == ".yaml" {
		ext = ""
	} else if !slices.Contains(compressed.Extensions, ext) {
		return nil, fmt.Errorf("read %s: %w: %q", p, compressed.ErrUnsupported, ext)
	}
	f, err := root.Open(p)
	if err != nil {
		return nil, err
	}
	zr, err := compressed.NewReader(f, ext)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return fileCloser{zr, f}, nil
}

// installedRPMs maps "name\x00arch" to the installed package of that
// name and architecture, the newest when several are installed (kernels
// and other install-only packages keep several versions).
func installedRPMs(pkgs []rpmdb.Package) map[string]rpmdb.Package {
	m := map[string]rpmdb.Package{}
	for _, p := range pkgs {
		if p.Name == "gpg-pubkey" && p.Arch == "" {
			continue // imported signing keys, not packages
		}
		key := p.Name + "\x00" + p.Arch
		if old, ok := m[key]; !ok || rpmdb.CompareEVR(p.EVR(), old.EVR()) > 0 {
			m[key] = p
		}
	}
	return m
}

// rpmPending turns the candidates into pending updates, sorted by
// package; a package installed for several architectures is named
// "name.arch", as rpm and dnf name it.
func rpmPending(inst map[string]rpmdb.Package, cands map[string]*rpmCandidate) []Update {
	arches := map[string]int{}
	for _, p := range inst {
		arches[p.Name]++
	}
	out := []Update{}
	for key, c := range cands {
		p := inst[key]
		name := p.Name
		if arches[p.Name] > 1 {
			name += "." + p.Arch
		}
		advs := make([]string, 0, len(c.advisories))
		for a := range c.advisories {
			advs = append(advs, a)
		}
		slices.Sort(advs)
		out = append(out, Update{
			Package:          name,
			InstalledVersion: p.EVR().String(),
			CandidateVersion: c.evr.String(),
			Origin:           c.origin,
			Advisories:       advs,
			PendingSince:     c.since,
			SinceSource:      c.source,
		})
	}
	slices.SortFunc(out, func(a, b Update) int { return strings.Compare(a.Package, b.Package) })
	return out
}
