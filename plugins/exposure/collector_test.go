package exposure

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// rootFixture is a fixture root with the options and modes to collect it with.
type rootFixture struct {
	options string
	// modes are set after every directory is made 0755 and every file
	// 0644; a directory's mode ending in "/..." applies to everything
	// under it too (0750 directories, 0640 files).
	modes map[string]fs.FileMode
	// private are trees made 0750 (directories) and 0640 (files).
	private []string
	// symlinks maps a link to its target, created in the copy.
	symlinks map[string]string
	// status is ICO-SEC-05's expected status for the output.
	status result.Status
}

var fixtures = map[string]rootFixture{
	"nginx-exposed": {
		options: `{"paths": [{"path": "/srv/complaints", "store": "complaints"}, "relative/path", 7, "/srv/missing", "/srv/complaints/"], "max_files": 0}`,
		private: []string{"srv/complaints"},
		modes: map[string]fs.FileMode{
			// A permissions slip: one year's forms opened to everyone.
			"srv/complaints":                 0o751,
			"srv/complaints/2026":            0o755,
			"srv/complaints/2026/form-1.pdf": 0o644,
			"srv/complaints/2026/form-2.pdf": 0o666,
		},
		// A link out of the declared path is never followed.
		symlinks: map[string]string{"srv/complaints/2026/etc": "/etc"},
		status:   result.Fail,
	},
	"apache-private": {
		options: `{"paths": [{"path": "/srv/complaints", "store": "complaints"}]}`,
		private: []string{"srv/complaints"},
		status:  result.Pass,
	},
}

// makeRoot copies fixture name into a temporary directory with the
// fixture's modes, and passwd and group files naming the test's own user
// and group "complaints", so owners are stable.
func makeRoot(t *testing.T, name string) string {
	t.Helper()
	fx := fixtures[name]
	src := filepath.Join("testdata", "roots", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dst, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	ids := fmt.Sprintf("# owners\ncomplaints:x:%d:%d::/srv/complaints:/usr/sbin/nologin\n", os.Getuid(), os.Getgid())
	groups := fmt.Sprintf("complaints:x:%d:\n", os.Getgid())
	for f, s := range map[string]string{"etc/passwd": ids, "etc/group": groups} {
		if err := os.WriteFile(filepath.Join(dst, f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chmod := func(p string, m fs.FileMode) {
		if err := os.Chmod(p, m); err != nil {
			t.Fatal(err)
		}
	}
	err = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			chmod(p, 0o755)
		} else {
			chmod(p, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tree := range fx.private {
		err := filepath.WalkDir(filepath.Join(dst, tree), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				chmod(p, 0o750)
			} else {
				chmod(p, 0o640)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for p, m := range fx.modes {
		chmod(filepath.Join(dst, p), m)
	}
	for link, target := range fx.symlinks {
		if err := os.Symlink(target, filepath.Join(dst, link)); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// collectDir runs the collector on a host root directory.
func collectDir(t *testing.T, dir, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, New(), dir, options)
}

func TestCollectGolden(t *testing.T) {
	for name, fx := range fixtures {
		t.Run(name, func(t *testing.T) {
			f, warns := collectDir(t, makeRoot(t, name), fx.options)
			if warns == nil {
				warns = []string{}
			}
			factsJSON, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(factsJSON, []byte("null")) {
				t.Errorf("Collect(%s) JSON contains null; list fields must be empty lists", name)
			}
			got, err := json.MarshalIndent(collectortest.Output{Facts: f, Warnings: warns}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			collectortest.Golden(t, filepath.Join("testdata", "golden", name+".json"), append(got, '\n'))
		})
	}
}

// controlStatus evaluates the real ICO-SEC-05 policy on facts, with a
// data-store register naming /srv/complaints as personal data.
func controlStatus(t *testing.T, f Facts) (result.Status, []result.Evidence) {
	t.Helper()
	ctx := context.Background()
	org := map[string]any{"data_stores": []any{
		map[string]any{"id": "complaints", "path": "/srv/complaints", "personal_data": true},
	}}
	e, err := opa.New(ctx, policies.FS, opa.Options{Org: org})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(map[string]any{
		"schema_version": 1, "facts": map[string]any{Namespace: f},
		"collectors": map[string]any{}, "collector_errors": []any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	in, err := opa.InputJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	results, err := e.Evaluate(ctx, in, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(results, func(r result.Result) bool { return r.ControlID == "ICO-SEC-05" })
	if i < 0 {
		t.Fatal("no ICO-SEC-05 result")
	}
	return results[i].Status, results[i].Evidence
}

func TestPolicyOnCollectorOutput(t *testing.T) {
	for name, fx := range fixtures {
		t.Run(name, func(t *testing.T) {
			f, _ := collectDir(t, makeRoot(t, name), fx.options)
			if got, ev := controlStatus(t, f); got != fx.status {
				t.Errorf("ICO-SEC-05 on Collect(%s) = %s %+v, want %s", name, got, ev, fx.status)
			}
		})
	}
}

func TestTruncatedWalkIsNotAssessed(t *testing.T) {
	f, warns := collectDir(t, makeRoot(t, "apache-private"), `{"paths": ["/srv/complaints"], "max_files": 2}`)
	if len(f.Paths) != 1 || !f.Paths[0].Truncated || f.Paths[0].Entries != 2 {
		t.Fatalf("Collect with max_files 2 = %+v (warnings %v), want 2 entries, truncated", f.Paths, warns)
	}
	if got, _ := controlStatus(t, f); got != result.NotAssessed {
		t.Errorf("ICO-SEC-05 on a truncated walk = %s, want not_assessed", got)
	}
}

func TestSearchableAncestorsNeeded(t *testing.T) {
	// World-readable files under a directory others cannot search are not
	// readable by others.
	dir := makeRoot(t, "apache-private")
	if err := os.Chmod(filepath.Join(dir, "srv", "complaints", "2026", "form-1.pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := collectDir(t, dir, `{"paths": ["/srv/complaints/2026/form-1.pdf"]}`)
	if p := f.Paths[0]; p.WorldReadable != 0 || p.Mode != "0644" || p.Entries != 1 {
		t.Errorf("form-1.pdf 0644 under 0750 directories = %+v, want mode 0644, 1 entry, 0 world-readable", p)
	}
	if err := os.Chmod(filepath.Join(dir, "srv", "complaints"), 0o751); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "srv", "complaints", "2026"), 0o751); err != nil {
		t.Fatal(err)
	}
	f, _ = collectDir(t, dir, `{"paths": ["/srv/complaints/2026/form-1.pdf"]}`)
	if p := f.Paths[0]; p.WorldReadable != 1 || !slices.Equal(p.Examples, []string{"/srv/complaints/2026/form-1.pdf"}) {
		t.Errorf("form-1.pdf 0644 under 0751 directories = %+v, want 1 world-readable example", p)
	}
}

func TestNoWebServerNoPaths(t *testing.T) {
	f, warns := collectDir(t, t.TempDir(), `{}`)
	if len(f.Paths) != 0 || len(f.WebServers) != 0 || len(warns) != 0 {
		t.Errorf("Collect(empty root) = %+v, warnings %v; want no paths, no web servers, no warnings", f, warns)
	}
	if got, _ := controlStatus(t, f); got != result.NotAssessed {
		t.Errorf("ICO-SEC-05 with a register store not checked = %s, want not_assessed", got)
	}
}

func TestCollectNeedsRoot(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{Options: json.RawMessage(`{}`)}); err == nil {
		t.Error("Collect without a host root succeeded, want an error")
	}
}
