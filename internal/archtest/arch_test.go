package archtest

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
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
// for the agent's restore-test), and the test harnesses that start MinIO and
// build binaries.
func TestOnlyPluginHostStartsProcesses(t *testing.T) {
	allowed := []string{module + "/agent/pluginhost", module + "/plugins/backups/internal/tool", module + "/internal/miniotest", module + "/internal/testbin"}
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
