package patching

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
)

// dnfGzRoot copies the gz real-dnf validation root with its rpm database
// unpacked, and returns it with the host path of appstream's modules
// metadata and baseos's cache directory.
func dnfGzRoot(t *testing.T) (root, modules, baseos string) {
	t.Helper()
	root = fixture.Copy(t, filepath.Join("testdata", "dnf", "gz", "root"), fileTime)
	fixture.Gunzip(t, root, "rpmdb.sqlite.gz")
	one := func(pattern string) string {
		m, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		if err != nil || len(m) != 1 {
			t.Fatalf("%s: %v %v", pattern, m, err)
		}
		rel, err := filepath.Rel(root, m[0])
		if err != nil {
			t.Fatal(err)
		}
		return "/" + filepath.ToSlash(rel)
	}
	return root, one("var/cache/dnf/appstream-*/repodata/*-modules.yaml.gz"), one("var/cache/dnf/baseos-*")
}

// TestModuleStreamsUnread covers what dnf cannot be asked about: module
// state and defaults that cannot be read, and repositories that disagree
// on a default. An unknown active stream makes its source unread and its
// advisories uncounted, never a silent answer.
func TestModuleStreamsUnread(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, root, modules, baseos string)
		// pending are the modular packages pending, "name candidate".
		pending []string
		// unread are the sources listed unread ("modules" for
		// appstream's modules metadata).
		unread []string
	}{
		{"as dnf left it", nil,
			[]string{"nodejs 1:18.20.0-1.module+el9.4.0+200+bbbb", "postgresql 15.6-1.module+el9.4.0+500+eeee"}, nil},
		{"state file unreadable", func(t *testing.T, root, _, _ string) {
			p := filepath.Join(root, "etc/dnf/modules.d/nodejs.module")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("/nonexistent/nodejs.module", p); err != nil {
				t.Fatal(err)
			}
		}, []string{"nodejs 1:20.11.0-1.module+el9.4.0+300+cccc", "postgresql 15.6-1.module+el9.4.0+500+eeee"},
			[]string{"/etc/dnf/modules.d/nodejs.module"}},
		{"defaults unreadable and needed", func(t *testing.T, root, modules, _ string) {
			truncate(t, filepath.Join(root, modules))
		}, []string{"nodejs 1:18.20.0-1.module+el9.4.0+200+bbbb"}, []string{"modules"}},
		{"defaults unreadable, not needed", func(t *testing.T, root, modules, _ string) {
			truncate(t, filepath.Join(root, modules))
			fixture.Write(t, root, map[string]string{
				"etc/dnf/modules.d/postgresql.module": "[postgresql]\nname=postgresql\nstream=15\nprofiles=\nstate=enabled\n",
			})
		}, []string{"nodejs 1:18.20.0-1.module+el9.4.0+200+bbbb", "postgresql 15.6-1.module+el9.4.0+500+eeee"}, nil},
		{"repositories disagree on a default", func(t *testing.T, root, _, baseos string) {
			fixture.Write(t, root, map[string]string{
				baseos[1:] + "/repodata/local-modules.yaml": "---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: postgresql\n  stream: \"16\"\n...\n",
			})
			fixture.Replace(t, root, baseos[1:]+"/repodata/repomd.xml", "</repomd>",
				`<data type="modules"><location href="repodata/local-modules.yaml"/></data></repomd>`)
		}, []string{"nodejs 1:18.20.0-1.module+el9.4.0+200+bbbb"}, nil},
		{"local default overrides", func(t *testing.T, root, _, _ string) {
			fixture.Write(t, root, map[string]string{
				"etc/dnf/modules.defaults.d/postgresql.yaml": "---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: postgresql\n  stream: 16\n...\n",
			})
		}, []string{"nodejs 1:18.20.0-1.module+el9.4.0+200+bbbb", "postgresql 16.2-1.module+el9.4.0+600+ffff"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, modules, baseos := dnfGzRoot(t)
			if tt.edit != nil {
				tt.edit(t, root, modules, baseos)
			}
			facts, _ := mustFacts(t, root, `{}`)
			var pending []string
			for _, p := range facts.Pending {
				if strings.Contains(p.CandidateVersion, ".module+") {
					pending = append(pending, p.Package+" "+p.CandidateVersion)
				}
			}
			if !slices.Equal(pending, tt.pending) {
				t.Errorf("modular packages pending %q, want %q", pending, tt.pending)
			}
			var unread []string
			for _, u := range facts.UnreadSources {
				if u.Reason == "" {
					t.Errorf("%s unread without a reason", u.Path)
				}
				if u.Path == modules {
					u.Path = "modules"
				}
				unread = append(unread, u.Path)
			}
			if !slices.Equal(unread, tt.unread) {
				t.Errorf("unread %q, want %q (%+v)", unread, tt.unread, facts.UnreadSources)
			}
		})
	}
}

// truncate cuts a file to half its size.
func truncate(t *testing.T, p string) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// TestZchunkOnlyCache checks a cache as dnf built with zchunk leaves it
// (Fedora): repomd.xml offers the updateinfo and its zchunk variant, and
// only the zchunk one was downloaded. It is the updateinfo dnf reads, so
// it is the one listed unread, with the reason.
func TestZchunkOnlyCache(t *testing.T) {
	root, _, baseos := dnfGzRoot(t)
	m, err := filepath.Glob(filepath.Join(root, baseos, "repodata", "*-updateinfo.xml.gz"))
	if err != nil || len(m) != 1 {
		t.Fatalf("baseos updateinfo: %v %v", m, err)
	}
	if err := os.Rename(m[0], filepath.Join(root, baseos, "repodata", "fixture-updateinfo.xml.zck")); err != nil {
		t.Fatal(err)
	}
	fixture.Replace(t, root, baseos[1:]+"/repodata/repomd.xml", "</repomd>",
		`<data type="updateinfo_zck"><location href="repodata/fixture-updateinfo.xml.zck"/></data></repomd>`)
	facts, _ := mustFacts(t, root, `{}`)
	want := baseos + "/repodata/fixture-updateinfo.xml.zck"
	i := slices.IndexFunc(facts.UnreadSources, func(u Unread) bool { return u.Path == want })
	if i < 0 || !strings.Contains(facts.UnreadSources[i].Reason, `".zck"`) {
		t.Errorf("unread %+v, want %s as an unsupported compression", facts.UnreadSources, want)
	}
}
