package archtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/auditfleet/auditfleet"

type pkg struct {
	ImportPath string
	Dir        string
	Name       string
	GoFiles    []string
	Imports    []string
	Deps       []string
}

func list(t *testing.T, patterns ...string) []pkg {
	t.Helper()
	args := append([]string{"list", "-json", "-deps=false"}, patterns...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var ps []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func deps(t *testing.T, pattern string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pattern).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pattern, err)
	}
	return strings.Fields(string(out))
}

// TestPackageDocs checks that every library package has exactly one
// package doc comment, in doc.go; main packages document themselves in
// main.go.
func TestPackageDocs(t *testing.T) {
	for _, p := range list(t, module+"/...") {
		fset := token.NewFileSet()
		var documented []string
		for _, f := range p.GoFiles {
			af, err := parser.ParseFile(fset, filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if af.Doc != nil {
				documented = append(documented, f)
			}
		}
		want := "doc.go"
		if p.Name == "main" {
			want = "main.go"
		}
		if len(documented) != 1 || documented[0] != want {
			t.Errorf("%s: package doc comments in %v, want exactly one in %s", p.ImportPath, documented, want)
		}
	}
}

// TestAgentNeverLinksServer keeps the agent binary free of server code.
func TestAgentNeverLinksServer(t *testing.T) {
	for _, d := range deps(t, module+"/agent/...") {
		if strings.HasPrefix(d, module+"/server") {
			t.Errorf("agent depends on %s", d)
		}
	}
}

// TestCollectorsStandAlone keeps collector plugins independent of the
// agent, the server and the policy engine: they only see the SDK.
func TestCollectorsStandAlone(t *testing.T) {
	forbidden := []string{module + "/agent", module + "/server", module + "/opa", "github.com/open-policy-agent/"}
	for _, p := range list(t, module+"/plugins/...") {
		for _, d := range deps(t, p.ImportPath) {
			for _, f := range forbidden {
				if strings.HasPrefix(d, f) {
					t.Errorf("%s depends on %s", p.ImportPath, d)
				}
			}
		}
	}
}

// TestOnlyPluginHostStartsProcesses confines os/exec to the plugin host,
// the backup tool runner (restic and borg for the backups collector, restic
// for the agent's restore-test), and the test harnesses that start servers
// (MinIO, SeaweedFS: internal/testserver) and build binaries.
func TestOnlyPluginHostStartsProcesses(t *testing.T) {
	allowed := []string{module + "/agent/pluginhost", module + "/plugins/backups/internal/tool", module + "/internal/testserver", module + "/internal/testbin"}
	for _, p := range list(t, module+"/...") {
		if slices.Contains(p.Imports, "os/exec") && !slices.Contains(allowed, p.ImportPath) {
			t.Errorf("%s imports os/exec; only %v may start processes", p.ImportPath, allowed)
		}
	}
}

// TestTestHelpersOnlyInTests keeps the test-helper packages out of
// binaries: only _test.go files may import them (collectortest registers
// the -update flag and imports testing; policytest brings in the policy
// engine, which collectors must not link).
func TestTestHelpersOnlyInTests(t *testing.T) {
	helpers := []string{module + "/plugins/internal/collectortest", module + "/internal/policytest"}
	for _, p := range list(t, module+"/...") {
		for _, h := range helpers {
			if slices.Contains(p.Imports, h) {
				t.Errorf("%s imports %s; only _test.go files may", p.ImportPath, h)
			}
		}
	}
}

var update = flag.Bool("update", false, "rewrite the dependency lists in testdata/deps")

// TestBinaryDependencies keeps, depaware style, the list of every
// non-standard package each binary links (the agent, the server, each
// collector) in testdata/deps/<binary>.txt, so that a new dependency shows
// in review as a diff of those lists. Run with -update to accept one.
func TestBinaryDependencies(t *testing.T) {
	binaries := map[string]string{
		"auditfleet-agent":  module + "/agent/cmd/auditfleet-agent",
		"auditfleet-server": module + "/server/cmd/auditfleet-server",
	}
	for _, p := range list(t, module+"/plugins/...") {
		if p.Name == "main" && strings.HasSuffix(p.ImportPath, "/cmd") {
			name := filepath.Base(filepath.Dir(p.ImportPath))
			binaries["auditfleet-collector-"+name] = p.ImportPath
		}
	}
	if len(binaries) < 3 {
		t.Fatalf("found only %d binaries", len(binaries))
	}
	for name, pkg := range binaries {
		t.Run(name, func(t *testing.T) {
			// As shipped: static (CGO_ENABLED=0), for Linux.
			cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", pkg, err)
			}
			pkgs := strings.Fields(string(out))
			slices.Sort(pkgs)
			got := strings.Join(pkgs, "\n") + "\n"
			golden := filepath.Join("testdata", "deps", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/archtest -run TestBinaryDependencies -update)", err)
			}
			if string(want) != got {
				t.Errorf("%s links a different set of packages than %s:\n%s\nReview the change, then run with -update.", name, golden, listDiff(string(want), got))
			}
		})
	}
	// Stale lists for binaries that no longer exist fail too.
	files, _ := filepath.Glob(filepath.Join("testdata", "deps", "*.txt"))
	for _, f := range files {
		if _, ok := binaries[strings.TrimSuffix(filepath.Base(f), ".txt")]; !ok && !*update {
			t.Errorf("%s lists a binary that is not built any more", f)
		}
	}
}

// TestServerLinksNoPluginRuntime: the server receives facts, it never runs
// collectors, so it links neither go-plugin nor gRPC.
func TestServerLinksNoPluginRuntime(t *testing.T) {
	for _, d := range deps(t, module+"/server/cmd/auditfleet-server") {
		for _, bad := range []string{"github.com/hashicorp/go-plugin", "google.golang.org/grpc", module + "/plugins", module + "/agent"} {
			if d == bad || strings.HasPrefix(d, bad+"/") {
				t.Errorf("auditfleet-server links %s", d)
			}
		}
	}
}

// listDiff shows the lines only in want (-) and only in got (+).
func listDiff(want, got string) string {
	w, g := strings.Fields(want), strings.Fields(got)
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
