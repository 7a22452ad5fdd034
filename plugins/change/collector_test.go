package change

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// host is the fixture host root of that name.
func host(name string) string { return filepath.Join("testdata", "hosts", name) }

// mustFacts runs c on the host root dir and checks its output against
// the schema.
func mustFacts(t *testing.T, c *Collector, dir, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, c, dir, options)
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

const prodOptions = `{"canary_paths":["/srv/casework","/srv/archive","/srv/missing"],"canaries":["TESTDATA-CANARY-0042","REC-999999"]}`

func TestCollectGolden(t *testing.T) {
	tests := []struct {
		name, host, options string
	}{
		{"prod", "prod", prodOptions},
		{"clean", "clean", `{"canary_paths":["/srv/casework"],"canaries":["TESTDATA-CANARY-0042"]}`},
		{"bare", "bare", `{}`},
		{"environment-option", "prod", `{"environment":"staging","deployments_file":""}`},
		{"one-file-path", "prod", `{"tags_file":"","canary_paths":["/srv/casework/2026/09/import.csv","/etc/auditfleet"],"canaries":["REC-999999"]}`},
		{"truncated", "prod", `{"canary_paths":["/srv/casework","/srv/archive"],"canaries":["TESTDATA-CANARY-0042"],"max_files":3}`},
		{"no-markers", "prod", `{"canary_paths":["/srv/casework"],"canaries":["ab"]}`},
		{"bad-options", "prod", `{"canary_paths":["srv","/srv/../etc","/srv/archive","/srv/archive"],"canaries":["TESTDATA-CANARY-0042"," padded "],"max_files":0,"max_read_bytes":-1,"deployments_file":"deploy.jsonl"}`},
		{"undecodable-options", "prod", `{"canary_path":[]}`},
		{"deployments-not-a-file", "prod", `{"deployments_file":"/srv"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, New(), host(tt.host), tt.options)
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestCollectProd states the prod host's main expectations outright, so
// that a wrong golden file cannot hide a wrong fact.
func TestCollectProd(t *testing.T) {
	f, _ := mustFacts(t, New(), host("prod"), prodOptions)
	if f.Environment != "production" {
		t.Errorf("Environment = %q, want production", f.Environment)
	}
	var apps []string
	for _, d := range f.Deployments {
		apps = append(apps, d.Application+"@"+d.Commit)
	}
	if want := []string{"casework-api@9f2c1e7", "complaints-portal@77aa01f", "search@abcdef0"}; !slices.Equal(apps, want) {
		t.Errorf("Deployments = %q, want %q", apps, want)
	}
	if got := f.Deployments[0]; got.DeployedAt.Format("2006-01-02T15:04:05Z07:00") != "2026-08-20T14:03:00Z" || !slices.Equal(got.ReviewedBy, []string{"r.khan", "j.smith"}) {
		t.Errorf("casework-api = %s, want deployed 2026-08-20T14:03:00Z reviewed by r.khan, j.smith", show(got))
	}
	want := []Canary{
		{Path: "/srv/casework/2026/08/form-1182.json", Marker: "TESTDATA-CANARY-0042"},
		{Path: "/srv/casework/2026/09/import.csv", Marker: "TESTDATA-CANARY-0042"},
		{Path: "/srv/casework/2026/09/import.csv", Marker: "REC-999999"},
	}
	if show(f.Canaries) != show(want) {
		t.Errorf("Canaries = %s, want %s", show(f.Canaries), show(want))
	}
	if want := []string{"/srv/casework", "/srv/archive"}; !slices.Equal(f.CanaryPaths, want) {
		t.Errorf("CanaryPaths = %q, want %q", f.CanaryPaths, want)
	}
}

// writeTree makes a host root under t.TempDir(): files with contents,
// and symbolic links (name ending in "@" maps to the link target).
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		link := strings.HasSuffix(name, "@")
		p := filepath.Join(root, filepath.FromSlash(strings.TrimSuffix(name, "@")))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if link {
			err = os.Symlink(content, p)
		} else {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCanarySearch(t *testing.T) {
	const marker = "TESTDATA-CANARY-0042"
	tests := []struct {
		name     string
		files    map[string]string
		options  string
		canaries []string // paths
		searched []string
		warn     string // substring of the one warning; "" for none
	}{
		{
			name:     "links not followed",
			files:    map[string]string{"srv/d/a.txt": "clean", "secret/x.txt": marker, "srv/d/out@": "/secret", "srv/d/f@": "/secret/x.txt"},
			options:  `{"canary_paths":["/srv/d"],"canaries":["` + marker + `"]}`,
			searched: []string{"/srv/d"},
		},
		{
			name:     "declared path is a link",
			files:    map[string]string{"data/d/x.txt": marker, "srv/d@": "/data/d"},
			options:  `{"canary_paths":["/srv/d"],"canaries":["` + marker + `"]}`,
			canaries: []string{"/srv/d/x.txt"},
			searched: []string{"/srv/d"},
		},
		{
			name:     "marker past the read bound",
			files:    map[string]string{"srv/d/big.txt": strings.Repeat("x", 100) + marker, "srv/d/small.txt": marker},
			options:  `{"canary_paths":["/srv/d"],"canaries":["` + marker + `"],"max_read_bytes":100}`,
			canaries: []string{"/srv/d/small.txt"},
			searched: []string{"/srv/d"},
			warn:     "1 files are longer than max_read_bytes (100)",
		},
		{
			name:     "marker within the read bound",
			files:    map[string]string{"srv/d/big.txt": marker + strings.Repeat("x", 100)},
			options:  `{"canary_paths":["/srv/d"],"canaries":["` + marker + `"],"max_read_bytes":20}`,
			canaries: []string{"/srv/d/big.txt"},
			searched: []string{"/srv/d"},
			warn:     "only their start was searched",
		},
		{
			name:     "budget shared by paths",
			files:    map[string]string{"a/1": "x", "a/2": "x", "b/1": marker},
			options:  `{"canary_paths":["/a","/b"],"canaries":["` + marker + `"],"max_files":2}`,
			searched: []string{"/a"},
			warn:     "canary path /b: search stopped at max_files (2 entries)",
		},
		{
			name:     "exact budget",
			files:    map[string]string{"a/1": "x", "a/2": marker},
			options:  `{"canary_paths":["/a"],"canaries":["` + marker + `"],"max_files":2}`,
			canaries: []string{"/a/2"},
			searched: []string{"/a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, New(), writeTree(t, tt.files), tt.options)
			var got []string
			for _, c := range f.Canaries {
				got = append(got, c.Path)
			}
			if !slices.Equal(got, tt.canaries) {
				t.Errorf("canaries in %s = %q, want %q", tt.options, got, tt.canaries)
			}
			if !slices.Equal(f.CanaryPaths, tt.searched) && !(len(f.CanaryPaths) == 0 && len(tt.searched) == 0) {
				t.Errorf("canary_paths for %s = %q, want %q", tt.options, f.CanaryPaths, tt.searched)
			}
			switch {
			case tt.warn == "" && len(warns) != 0:
				t.Errorf("warnings = %q, want none", warns)
			case tt.warn != "" && (len(warns) != 1 || !strings.Contains(warns[0], tt.warn)):
				t.Errorf("warnings = %q, want one containing %q", warns, tt.warn)
			}
		})
	}
}

// TestCanaryUnreadable makes a directory and a file fail to open, as they
// would for an unprivileged agent; file modes cannot lock root out.
func TestCanaryUnreadable(t *testing.T) {
	const marker = "TESTDATA-CANARY-0042"
	root := writeTree(t, map[string]string{"s/open/a": marker, "s/closed/b": marker, "t/locked": marker, "t/ok": "x"})
	c := &Collector{open: func(r *hostroot.Root, name string) (*os.File, error) {
		if name == "/s/closed" || name == "/t/locked" {
			return nil, fs.ErrPermission
		}
		return r.Open(name)
	}}
	f, warns := mustFacts(t, c, root, `{"canary_paths":["/s","/t"],"canaries":["`+marker+`"]}`)
	if len(f.CanaryPaths) != 0 || len(f.Canaries) != 1 || f.Canaries[0].Path != "/s/open/a" {
		t.Errorf("Collect with unreadable entries = %s, want no complete path and the canary in /s/open/a", show(f))
	}
	if len(warns) != 2 || !strings.Contains(warns[0], "canary path /s: 1 entries could not be read") || !strings.Contains(warns[1], "canary path /t: 1 entries") {
		t.Errorf("warnings = %q, want one for /s and one for /t", warns)
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		in    string
		want  options
		nwarn int
	}{
		{``, options{TagsFile: DefaultTagsFile, DeploymentsFile: DefaultDeploymentsFile, MaxFiles: DefaultMaxFiles, MaxReadBytes: DefaultMaxReadBytes}, 0},
		{
			`{"environment":" prod ","tags_file":"","deployments_file":"/x/d.jsonl","canary_paths":["/a","/a","/b"],"canaries":["MARK","MARK"],"max_files":5,"max_read_bytes":10}`,
			options{Environment: "prod", DeploymentsFile: "/x/d.jsonl", CanaryPaths: []string{"/a", "/b"}, Canaries: []string{"MARK"}, MaxFiles: 5, MaxReadBytes: 10},
			0,
		},
		{
			`{"canary_paths":["/a"],"canaries":["abc","line\nbreak"],"max_files":0,"max_read_bytes":67108865}`,
			options{TagsFile: DefaultTagsFile, DeploymentsFile: DefaultDeploymentsFile, MaxFiles: DefaultMaxFiles, MaxReadBytes: DefaultMaxReadBytes},
			5,
		},
		{`{"nope":1}`, options{TagsFile: DefaultTagsFile, DeploymentsFile: DefaultDeploymentsFile, MaxFiles: DefaultMaxFiles, MaxReadBytes: DefaultMaxReadBytes}, 1},
	}
	for _, tt := range tests {
		got, warns := parseOptions(json.RawMessage(tt.in))
		if show(got) != show(tt.want) || len(warns) != tt.nwarn {
			t.Errorf("parseOptions(%s) = %s, warnings %q; want %s, %d warnings", tt.in, show(got), warns, show(tt.want), tt.nwarn)
		}
	}
}

func TestCollectErrors(t *testing.T) {
	if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
		t.Error("Collect without a host root: no error")
	}
	collectortest.Cancelled(t, New(), host("prod"), prodOptions)
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "change" || i.Namespace != Namespace || i.SchemaVersion != SchemaVersion || !facts.ValidNamespace(i.Namespace) {
		t.Errorf("Info() = %+v", i)
	}
}
