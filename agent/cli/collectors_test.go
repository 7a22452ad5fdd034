package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/testbin"
	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/schemas"
)

// repoRoot is the repository, from this package's folder.
var repoRoot = filepath.Join("..", "..")

// scanCasesFile is where each collector keeps its scan cases, relative to
// its folder plugins/<name>.
const scanCasesFile = "testdata/scan.yaml"

// scanCases is a collector's testdata/scan.yaml: cases of the real
// `auditfleet-agent scan --host-root` over its fixture roots, each
// checking the status of the controls it names.
type scanCases struct {
	Cases []scanCase `yaml:"cases"`
}

// scanCase is one scan. Paths of fixture files (root, copy_files) are
// relative to the collector's folder; paths inside the host root are
// relative to it. The steps run in the order of the fields.
type scanCase struct {
	Name string `yaml:"name"`
	// Root is the fixture root, copied with every file and directory at
	// FileTime (at when not given); none starts from an empty directory.
	Root     string    `yaml:"root"`
	FileTime time.Time `yaml:"file_time"`
	// Gunzip unpacks every *.gz file of the copy (journal files).
	Gunzip bool `yaml:"gunzip"`
	// CopyFiles copies fixture files into the root (root path: fixture path).
	CopyFiles map[string]string `yaml:"copy_files"`
	// Files are written into the root (path: content); ${UID} and ${GID}
	// stand for the test's own user and group IDs.
	Files map[string]string `yaml:"files"`
	// Replace rewrites text in files of the root, keeping their times.
	Replace []struct {
		File string `yaml:"file"`
		Old  string `yaml:"old"`
		New  string `yaml:"new"`
	} `yaml:"replace"`
	// RemoveStanzas removes packages' stanzas from Debian control files
	// (file: package names), keeping their times.
	RemoveStanzas map[string][]string `yaml:"remove_stanzas"`
	// Remove removes paths from the root (dpkg's file list of a package
	// whose stanza was removed, say).
	Remove []string `yaml:"remove"`
	// TreeModes give, in order, every directory and file below a path
	// (links not followed) a mode, in octal.
	TreeModes []struct {
		Path  string `yaml:"path"`
		Dirs  string `yaml:"dirs"`
		Files string `yaml:"files"`
	} `yaml:"tree_modes"`
	// Modes then give single paths a mode, in octal.
	Modes map[string]string `yaml:"modes"`
	// Symlinks are made last (link: target).
	Symlinks map[string]string `yaml:"symlinks"`
	// Mtimes are modification times set after every other step.
	Mtimes map[string]time.Time `yaml:"mtimes"`
	// Options are the collector's options in the agent configuration.
	Options any `yaml:"options"`
	// Also are other collectors whose facts the case needs; the others
	// do not run (they would fail on a partial root, and ICO-MON-01
	// reports every collector failure).
	Also []string `yaml:"also"`
	// Org is organisation data (file name: content), given with --org-dir.
	Org map[string]string `yaml:"org"`
	// At is the evaluation and collection time (scan --at).
	At time.Time `yaml:"at"`
	// Want is the status of each control the case checks.
	Want map[string]string `yaml:"want"`
}

// loadScanCases reads plugins/<collector>/testdata/scan.yaml strictly.
func loadScanCases(t *testing.T, collector string) []scanCase {
	t.Helper()
	p := filepath.Join(repoRoot, "plugins", collector, filepath.FromSlash(scanCasesFile))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("collector %s has no scan cases: %v (a passing and a failing case per control it feeds; see README, Adding a collector)", collector, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f scanCases
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	if len(f.Cases) == 0 {
		t.Fatalf("%s has no cases", p)
	}
	for i, c := range f.Cases {
		if c.Name == "" || c.At.IsZero() || len(c.Want) == 0 {
			t.Fatalf("%s: case %d (%q): name, at and want are required", p, i, c.Name)
		}
	}
	return f.Cases
}

// feeds returns, from the controls' METADATA, the controls that require
// facts of namespace ns and those that only read them, directly or
// through a control they depend on (ICO-BCP-02 combines ICO-SEC-01's
// result, so the os facts feed it too).
func feeds(controls []result.Control, ns string) (requires, reads []string) {
	byID := map[string]result.Control{}
	for _, c := range controls {
		byID[c.ID] = c
	}
	var fed func(c result.Control, seen map[string]bool) bool
	fed = func(c result.Control, seen map[string]bool) bool {
		if slices.Contains(c.Requires.Facts, ns) || slices.Contains(c.Reads.Facts, ns) {
			return true
		}
		for _, d := range c.Depends {
			if !seen[d] {
				seen[d] = true
				if fed(byID[d], seen) {
					return true
				}
			}
		}
		return false
	}
	for _, c := range controls {
		switch {
		case slices.Contains(c.Requires.Facts, ns):
			requires = append(requires, c.ID)
		case fed(c, map[string]bool{c.ID: true}):
			reads = append(reads, c.ID)
		}
	}
	return requires, reads
}

// builtinControls returns the metadata of the built-in controls.
func builtinControls(t *testing.T) []result.Control {
	t.Helper()
	e, err := opa.New(context.Background(), policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e.Controls()
}

// TestScanCollectorFixtures runs `scan` with the real agent and plugins
// on the cases of every collector's testdata/scan.yaml, with its options
// in the agent configuration and organisation data from --org-dir, and
// checks the statuses they name. Which controls a collector feeds comes
// from the controls' METADATA: for each control that requires its facts
// the cases that run it need a passing and a failing result, and each
// control that only reads them at least one case.
func TestScanCollectorFixtures(t *testing.T) {
	names, err := testbin.Collectors(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	controls := builtinControls(t)
	ids := map[string]bool{}
	for _, c := range controls {
		ids[c.ID] = true
	}
	covered := map[string]map[string]map[string]bool{} // collector, control, status
	for _, name := range names {
		cases := loadScanCases(t, name)
		for _, tc := range cases {
			for id := range tc.Want {
				if !ids[id] {
					t.Errorf("%s/%s: want %s: no such control", name, tc.Name, id)
				}
			}
			t.Run(name+"/"+tc.Name, func(t *testing.T) { runScanCase(t, name, tc) })
			for _, c := range append([]string{name}, tc.Also...) {
				for id, st := range tc.Want {
					if covered[c] == nil {
						covered[c] = map[string]map[string]bool{}
					}
					if covered[c][id] == nil {
						covered[c][id] = map[string]bool{}
					}
					covered[c][id][st] = true
				}
			}
		}
	}
	for _, name := range names {
		requires, reads := feeds(controls, name)
		for _, id := range requires {
			if st := covered[name][id]; !st["pass"] || !st["fail"] {
				t.Errorf("%s requires the %s facts: the scan cases that run %s check statuses %v; want a passing and a failing case", id, name, name, slices.Sorted(mapKeys(st)))
			}
		}
		for _, id := range reads {
			if len(covered[name][id]) == 0 {
				t.Errorf("%s reads the %s facts: no scan case that runs %s checks it", id, name, name)
			}
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// runScanCase prepares the host root of tc, runs the agent's scan on it
// and checks the statuses.
func runScanCase(t *testing.T, collector string, tc scanCase) {
	dir := filepath.Join(repoRoot, "plugins", collector)
	fileTime := tc.FileTime
	if fileTime.IsZero() {
		fileTime = tc.At
	}
	root := t.TempDir()
	if tc.Root != "" {
		root = fixture.Copy(t, filepath.Join(dir, filepath.FromSlash(tc.Root)), fileTime)
	}
	if tc.Gunzip {
		fixture.Gunzip(t, root)
	}
	for to, from := range tc.CopyFiles {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(from)))
		if err != nil {
			t.Fatal(err)
		}
		fixture.Write(t, root, map[string]string{to: string(b)})
	}
	ids := strings.NewReplacer("${UID}", strconv.Itoa(os.Getuid()), "${GID}", strconv.Itoa(os.Getgid()))
	for p, content := range tc.Files {
		fixture.Write(t, root, map[string]string{p: ids.Replace(content)})
	}
	for _, r := range tc.Replace {
		fixture.Replace(t, root, r.File, r.Old, r.New)
	}
	for file, pkgs := range tc.RemoveStanzas {
		for _, p := range pkgs {
			fixture.RemoveStanza(t, root, file, p)
		}
	}
	for _, p := range tc.Remove {
		if err := os.RemoveAll(filepath.Join(root, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range tc.TreeModes {
		chmodTree(t, filepath.Join(root, filepath.FromSlash(m.Path)), mode(t, m.Dirs), mode(t, m.Files))
	}
	for p, m := range tc.Modes {
		if err := os.Chmod(filepath.Join(root, filepath.FromSlash(p)), mode(t, m)); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range tc.Symlinks {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	fixture.Touch(t, root, tc.Mtimes)

	work := t.TempDir()
	cfg := map[string]any{}
	if tc.Options != nil {
		cfg["collectors"] = map[string]any{collector: tc.Options}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(work, "agent.yaml")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"scan", "--host-root", root, "--config", cfgPath, "--plugin-dir", filepath.Join(binDir, "plugins"),
		"--format", "json", "--at", tc.At.Format(time.RFC3339)}
	for _, c := range append([]string{collector}, tc.Also...) {
		args = append(args, "--collector", c)
	}
	if len(tc.Org) > 0 {
		orgDir := filepath.Join(work, "org")
		fixture.Write(t, orgDir, tc.Org)
		args = append(args, "--org-dir", orgDir)
	}
	stdout, stderr, code := agentCmd(t, args...)
	var doc scanDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("scan output is not JSON (exit %d): %v\n%s\nstderr:\n%s", code, err, stdout, stderr)
	}
	if len(doc.CollectorErrors) != 0 {
		t.Errorf("collector errors: %+v\nstderr:\n%s", doc.CollectorErrors, stderr)
	}
	failed := false
	seen := map[string]bool{}
	for _, r := range doc.Results {
		failed = failed || r.Status == "fail"
		want, ok := tc.Want[r.ControlID]
		if !ok {
			continue
		}
		seen[r.ControlID] = true
		if r.Status != want {
			t.Errorf("%s = %s, want %s; evidence: %+v\nstderr:\n%s", r.ControlID, r.Status, want, r.Evidence, stderr)
		}
	}
	for id := range tc.Want {
		if !seen[id] {
			t.Errorf("no result for %s", id)
		}
	}
	wantExit := ExitOK
	if failed {
		wantExit = ExitFailed
	}
	if code != wantExit {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, wantExit, stderr)
	}
}

// mode parses an octal file mode such as "0750".
func mode(t *testing.T, s string) fs.FileMode {
	t.Helper()
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil || m > 0o7777 {
		t.Fatalf("mode %q: want octal, e.g. \"0750\"", s)
	}
	return fs.FileMode(m)
}

// chmodTree gives every directory below top dirMode and every other
// entry fileMode; symbolic links are left alone.
func chmodTree(t *testing.T, top string, dirMode, fileMode fs.FileMode) {
	t.Helper()
	err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.Type()&fs.ModeSymlink != 0:
			return nil
		case d.IsDir():
			return os.Chmod(p, dirMode)
		}
		return os.Chmod(p, fileMode)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCollectorIsItsFolderAndSchema keeps the README's claim that adding
// a collector is its folder plus its schema: every place that lists the
// collectors finds them by the same glob, plugins/*/cmd/main.go — the
// Makefile's COLLECTORS (build), internal/testbin (the binaries the tests
// run), the scan cases above and the schemas test — and each collector
// has what those places then look for.
func TestCollectorIsItsFolderAndSchema(t *testing.T) {
	names, err := testbin.Collectors(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	// The Makefile's list, as make computes it.
	cmd := exec.Command("make", "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "print-collectors")
	cmd.Dir = repoRoot
	cmd.Stdin = strings.NewReader("print-collectors:\n\t@echo $(COLLECTORS)\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make print-collectors: %v", err)
	}
	if got := strings.Fields(string(out)); !slices.Equal(got, names) {
		t.Errorf("Makefile COLLECTORS = %v, internal/testbin finds %v", got, names)
	}
	// Every folder under plugins/ is a collector or one of the shared ones.
	ents, err := os.ReadDir(filepath.Join(repoRoot, "plugins"))
	if err != nil {
		t.Fatal(err)
	}
	shared := []string{"internal", "manifest", "sdk"}
	for _, e := range ents {
		if e.IsDir() && !slices.Contains(shared, e.Name()) && !slices.Contains(names, e.Name()) {
			t.Errorf("plugins/%s has no cmd/main.go: the build and the tests do not find it as a collector", e.Name())
		}
	}
	for _, c := range names {
		for _, f := range []string{"facts.go", "collector.go", "doc.go", scanCasesFile} {
			if _, err := os.Stat(filepath.Join(repoRoot, "plugins", c, filepath.FromSlash(f))); err != nil {
				t.Errorf("collector %s: %v", c, err)
			}
		}
		if !slices.Contains(schemas.Namespaces(), c) {
			t.Errorf("collector %s has no schemas/%s.schema.json", c, c)
		}
	}
}

// TestReadmeCollectorsTable checks the README's table of collectors: a
// row per collector, in the order of the table, whose "feeds" column
// names exactly the controls whose METADATA requires or reads its facts.
func TestReadmeCollectorsTable(t *testing.T) {
	names, err := testbin.Collectors(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Collectors\n")
	if !ok {
		t.Fatal("README.md has no section \"Collectors\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	controls := builtinControls(t)
	var rows []string
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if !strings.HasPrefix(line, "| `") || len(cells) != 3 {
			continue
		}
		name := strings.Trim(cells[0], "`")
		rows = append(rows, name)
		requires, reads := feeds(controls, name)
		want := slices.Sorted(slices.Values(append(requires, reads...)))
		if got := expandIDs(cells[2]); !slices.Equal(got, want) {
			t.Errorf("README collectors table: %s feeds %v, but the controls' METADATA say %v", name, got, want)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(rows)), names) {
		t.Errorf("README collectors table rows %v, collectors %v: want a row per collector", rows, names)
	}
}

// expandIDs reads a "feeds" cell such as "ICO-ACC-01/02/03, ICO-BCP-02"
// as sorted control IDs.
func expandIDs(cell string) []string {
	var out []string
	for _, part := range controlRefs.FindAllString(cell, -1) {
		first, more, _ := strings.Cut(part, "/")
		out = append(out, first)
		if more == "" {
			continue
		}
		prefix := first[:strings.LastIndex(first, "-")+1]
		for _, n := range strings.Split(more, "/") {
			out = append(out, prefix+n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// controlRefs finds control IDs in a table cell, with their short forms
// ("ICO-ACC-01/02/03"); words around them are prose.
var controlRefs = regexp.MustCompile(`[A-Z][A-Z0-9]*-[A-Z0-9]+-[0-9]+(?:/[0-9]+)*`)
