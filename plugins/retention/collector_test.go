package retention

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// testNow is the collection time of every test.
var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// node is one entry of a fixture tree: a file with a modification time
// daysAgo days before testNow, a directory (dir), or a symbolic link to
// link.
type node struct {
	path    string
	daysAgo int
	dir     bool
	link    string
}

// buildRoot makes a host root under t.TempDir() from nodes, setting
// file times last so that creating entries does not disturb them.
func buildRoot(t testing.TB, nodes []node) string {
	t.Helper()
	root := t.TempDir()
	for _, n := range nodes {
		p := filepath.Join(root, filepath.FromSlash(n.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		switch {
		case n.dir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case n.link != "":
			if err := os.Symlink(n.link, p); err != nil {
				t.Fatal(err)
			}
		default:
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, n := range nodes {
		if n.dir || n.link != "" {
			continue
		}
		m := testNow.AddDate(0, 0, -n.daysAgo)
		if err := os.Chtimes(filepath.Join(root, filepath.FromSlash(n.path)), m, m); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// testCollector has the fixed clock, and takes a renamed item's marking
// time from its modification time, which tests can set (a rename or
// os.Chtimes sets the real change time to the present).
func testCollector() *Collector {
	return &Collector{now: func() time.Time { return testNow }, ctime: fs.FileInfo.ModTime}
}

// mustFacts runs the collector and checks its output against the schema.
func mustFacts(t *testing.T, c *Collector, root, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, c, root, options)
}

func storesEqual(a, b Store) bool { return show(a) == show(b) }

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// complaints is a store with live items of several ages, both kinds of
// soft-deleted item, nested directories and links that must not be
// followed.
var complaints = []node{
	{path: "srv/complaints/2026/new.pdf", daysAgo: 3},
	{path: "srv/complaints/2026/recent.pdf", daysAgo: 100},
	{path: "srv/complaints/2024/old.pdf", daysAgo: 800},    // past 730+30
	{path: "srv/complaints/2024/older.pdf", daysAgo: 1000}, // past 730+30
	{path: "srv/complaints/2024/kept.pdf", daysAgo: 750},   // within grace
	{path: "srv/complaints/2024/gone.pdf", daysAgo: 1200},  // soft-deleted by its marker
	{path: "srv/complaints/2024/gone.pdf.deleted", daysAgo: 45},
	{path: "srv/complaints/2025/moved.pdf.deleted", daysAgo: 10}, // renamed, inside the purge window
	{path: "srv/complaints/empty", dir: true},
	{path: "srv/complaints/link-out", link: "/etc"},
	{path: "srv/complaints/link-file", link: "../../etc/ancient"},
	{path: "etc/ancient", daysAgo: 5000},
	{path: "srv/elsewhere/x", daysAgo: 5000},
	{path: "srv/complaints/2025/dirlink", link: "/srv/elsewhere"},
	{path: "data/hr", dir: true},
	{path: "data/hr/contract.doc", daysAgo: 2500},
	{path: "srv/hr", link: "/data/hr"},
	{path: "srv/file-not-dir", daysAgo: 1},
}

const complaintsStore = `{"id":"complaints","path":"/srv/complaints","retention_days":730,"grace_days":30,"soft_delete_marker":".deleted","purge_days":30}`

func TestCollectGolden(t *testing.T) {
	root := buildRoot(t, complaints)
	tests := []struct {
		name, options string
	}{
		{"complaints", `{"stores":[` + complaintsStore + `]}`},
		{"no-marker", `{"stores":[{"id":"complaints","path":"/srv/complaints","retention_days":730}]}`},
		{"missing", `{"stores":[{"id":"gone","path":"/srv/nothing-here","retention_days":30},{"id":"under-file","path":"/srv/file-not-dir/x","retention_days":30}]}`},
		{"not-a-directory", `{"stores":[{"id":"f","path":"/srv/file-not-dir","retention_days":30}]}`},
		{"store-path-link", `{"stores":[{"id":"hr","path":"/srv/hr","retention_days":2190,"grace_days":0}]}`},
		{"truncated", `{"stores":[` + complaintsStore + `],"max_files":4}`},
		{"bad-options", `{"stores":[{"id":"x","path":"relative","retention_days":1},` + complaintsStore + `],"max_files":-1}`},
		{"no-stores", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, testCollector(), root, tt.options)
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestCollectCounts states the complaints case's expectations outright,
// so that a wrong golden file cannot hide a wrong count.
func TestCollectCounts(t *testing.T) {
	root := buildRoot(t, complaints)
	f, _ := mustFacts(t, testCollector(), root, `{"stores":[`+complaintsStore+`]}`)
	if len(f.Stores) != 1 {
		t.Fatalf("Collect: %d stores, want 1", len(f.Stores))
	}
	want := Store{
		ID: "complaints", Path: "/srv/complaints", Exists: true,
		Items: 5, OldestItem: timep(testNow.AddDate(0, 0, -1000)), PastRetention: 2,
		SoftDeleted: 2, OldestSoftDeleted: timep(testNow.AddDate(0, 0, -45)), SoftDeletedPastPurge: 1,
	}
	if got := f.Stores[0]; !storesEqual(got, want) {
		t.Errorf("Collect complaints = %s, want %s", show(got), show(want))
	}
}

func TestCollectTruncation(t *testing.T) {
	var nodes []node
	for i := range 50 {
		nodes = append(nodes, node{path: "s/d" + string(rune('a'+i%5)) + "/f" + strings.Repeat("x", i), daysAgo: i})
	}
	root := buildRoot(t, nodes)
	tests := []struct {
		maxFiles  int
		truncated bool
	}{
		{10, true},
		{54, true},  // 5 directories and 50 files are 55 entries
		{55, false}, // exactly enough
		{1000, false},
	}
	for _, tt := range tests {
		opts := `{"stores":[{"id":"s","path":"/s","retention_days":1}],"max_files":` + itoa(tt.maxFiles) + `}`
		f, warns := mustFacts(t, testCollector(), root, opts)
		s := f.Stores[0]
		if s.Truncated != tt.truncated {
			t.Errorf("max_files %d: truncated = %v, want %v (warnings %q)", tt.maxFiles, s.Truncated, tt.truncated, warns)
		}
		if (len(warns) > 0) != tt.truncated {
			t.Errorf("max_files %d: warnings %q, want some only when truncated", tt.maxFiles, warns)
		}
		if !tt.truncated && s.Items != 50 {
			t.Errorf("max_files %d: items = %d, want 50", tt.maxFiles, s.Items)
		}
		if tt.truncated && s.Items >= 50 {
			t.Errorf("max_files %d: items = %d, want fewer than 50", tt.maxFiles, s.Items)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestCollectUnreadableDirectory(t *testing.T) {
	root := buildRoot(t, []node{{path: "s/open/a", daysAgo: 1}, {path: "s/closed/b", daysAgo: 1}})
	c := testCollector()
	// File modes cannot lock root out, so the directory fails to open as
	// it would for an unprivileged agent on a 0700 directory it does not own.
	c.open = func(r *hostroot.Root, name string) (*os.File, error) {
		if name == "/s/closed" {
			return nil, fs.ErrPermission
		}
		return r.Open(name)
	}
	f, warns := mustFacts(t, c, root, `{"stores":[{"id":"s","path":"/s","retention_days":1}]}`)
	if s := f.Stores[0]; !s.Truncated || s.Items != 1 {
		t.Errorf("store with an unreadable directory = %s, want truncated with 1 item", show(s))
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "1 directories could not be read") {
		t.Errorf("warnings = %q, want one about the unreadable directory", warns)
	}
}

// TestRenamedItemMarkedNow uses the real change time: an item with an old
// modification time renamed just now was marked deleted just now.
func TestRenamedItemMarkedNow(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("change time is read on linux and darwin only")
	}
	root := buildRoot(t, []node{{path: "s/a.pdf", daysAgo: 400}})
	if err := os.Rename(filepath.Join(root, "s", "a.pdf"), filepath.Join(root, "s", "a.pdf.deleted")); err != nil {
		t.Fatal(err)
	}
	c := &Collector{now: func() time.Time { return time.Now().AddDate(0, 0, 1) }}
	f, _ := mustFacts(t, c, root, `{"stores":[{"id":"s","path":"/s","retention_days":1,"soft_delete_marker":".deleted","purge_days":30}]}`)
	s := f.Stores[0]
	if s.SoftDeleted != 1 || s.SoftDeletedPastPurge != 0 || s.OldestSoftDeleted == nil || time.Since(*s.OldestSoftDeleted) > time.Hour {
		t.Errorf("renamed item = %s, want 1 soft-deleted, marked about now, not past purge", show(s))
	}
}

func TestCollectErrors(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
		t.Error("Collect without a host root: no error")
	}
	root := buildRoot(t, complaints)
	r, err := hostroot.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = New().Collect(ctx, sdk.Request{Root: r, Options: json.RawMessage(`{"stores":[` + complaintsStore + `]}`)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Collect with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "retention" || i.Namespace != Namespace || i.SchemaVersion != SchemaVersion || !facts.ValidNamespace(i.Namespace) {
		t.Errorf("Info() = %+v", i)
	}
}
