package pluginhost

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/plugins/manifest"
)

// testPlugin is the path of the built testdata/testplugin binary.
var testPlugin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pluginhost-test")
	if err != nil {
		panic(err)
	}
	testPlugin = filepath.Join(dir, "testplugin")
	out, err := exec.Command("go", "build", "-o", testPlugin, "./testdata/testplugin").CombinedOutput()
	if err != nil {
		panic("build test plugin: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// install copies the test plugin into dir as collector-<mode> and writes
// its manifest. Plugins meant to hang get a short time limit in their
// manifest; the others keep the default, so a loaded machine cannot make
// a working plugin time out.
func install(t *testing.T, dir, mode string) string {
	t.Helper()
	b, err := os.ReadFile(testPlugin)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "collector-"+mode)
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	ns := "test_" + strings.ReplaceAll(mode, "-", "_")
	m := manifest.Manifest{Name: mode, Namespace: ns}
	if mode == "hang" || mode == "slow-start" {
		m.Timeout = "2s"
	}
	if _, err := manifest.Write(bin, m); err != nil {
		t.Fatal(err)
	}
	return bin
}

func pluginDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugins")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func hostRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/hostname"), []byte("fixture-host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestCollectIsolatesMisbehavingPlugins(t *testing.T) {
	t.Setenv("AUDITFLEET_TEST_HOST_ENV", "must-not-leak")
	dir := pluginDir(t)
	modes := []string{"ok", "crash", "exit", "hang", "slow-start", "noise", "garbage", "wrong-namespace", "fail", "tampered", "second-ok", "not-applicable"}
	for _, m := range modes {
		install(t, dir, m)
	}
	// A binary changed after its manifest was written.
	f, err := os.OpenFile(filepath.Join(dir, "collector-tampered"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("evil"))
	f.Close()
	// A manifest that is not JSON.
	if err := os.WriteFile(filepath.Join(dir, "broken"+manifest.Suffix), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}

	h := New(Config{Dir: dir, Parallel: 4, Options: map[string]json.RawMessage{"ok": json.RawMessage(`{"x":1}`)}})
	outs, err := h.Collect(context.Background(), hostRoot(t))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	want := map[string]facts.ErrorKind{
		"ok":              "",
		"second-ok":       "",
		"crash":           facts.ErrCrash,
		"exit":            facts.ErrCrash,
		"hang":            facts.ErrTimeout,
		"slow-start":      facts.ErrTimeout,
		"noise":           facts.ErrStart,
		"garbage":         facts.ErrInvalidOutput,
		"wrong-namespace": facts.ErrInvalidOutput,
		"fail":            facts.ErrCollector,
		"tampered":        facts.ErrRefused,
		"broken":          facts.ErrRefused,
		"not-applicable":  "",
	}
	got := map[string]Outcome{}
	for _, o := range outs {
		got[o.Name] = o
	}
	if len(got) != len(want) {
		t.Errorf("Collect returned %d outcomes, want %d: %+v", len(got), len(want), outs)
	}
	for name, kind := range want {
		o, ok := got[name]
		if !ok {
			t.Errorf("no outcome for %s", name)
			continue
		}
		switch {
		case kind == "" && o.Err != nil:
			t.Errorf("%s: error %+v, want facts", name, o.Err)
		case kind == "" && name == "not-applicable":
			if o.Output != nil || !strings.Contains(o.Run.NotApplicable, "no such package manager here") {
				t.Errorf("%s: output %v, run %+v; want no facts and the reason recorded", name, o.Output, o.Run)
			}
		case kind == "" && o.Output == nil:
			t.Errorf("%s: no output", name)
		case kind != "" && o.Err == nil:
			t.Errorf("%s: no error, want %s", name, kind)
		case kind != "" && o.Err.Kind != kind:
			t.Errorf("%s: error kind %s (%s), want %s", name, o.Err.Kind, o.Err.Message, kind)
		case kind != "" && !strings.Contains(o.Err.Message, name):
			t.Errorf("%s: error %q does not name the collector", name, o.Err.Message)
		}
	}
	if o := got["tampered"]; o.Err != nil && !strings.Contains(o.Err.Message, "manifest pins") {
		t.Errorf("tampered: error %q does not explain the checksum mismatch", o.Err.Message)
	}
	if o := got["crash"]; o.Err != nil && !strings.Contains(o.Err.Message, "deliberate crash") {
		t.Errorf("crash: error %q does not carry the plugin's panic message", o.Err.Message)
	}
	if o := got["ok"]; o.Output != nil {
		var f struct {
			Hostname   string `json:"hostname"`
			Options    string `json:"options"`
			SawHostEnv bool   `json:"saw_host_env"`
		}
		if err := json.Unmarshal(o.Output.Facts, &f); err != nil {
			t.Fatal(err)
		}
		if f.Hostname != "fixture-host" {
			t.Errorf("ok: hostname %q, want fixture-host (read through the host root)", f.Hostname)
		}
		if f.Options != `{"x":1}` {
			t.Errorf("ok: options %q, want {\"x\":1}", f.Options)
		}
		if f.SawHostEnv {
			t.Error("ok: plugin saw the agent's environment; want SkipHostEnv")
		}
		if o.Run.Version != "1.2.3" || o.Run.Namespace != "test_ok" {
			t.Errorf("ok: run %+v, want version 1.2.3 namespace test_ok", o.Run)
		}
	}
}

func TestUnsafePluginDirectoryIsRefused(t *testing.T) {
	tests := []struct {
		name    string
		dirMode os.FileMode
		binMode os.FileMode
		wantErr bool // whole-directory error, rather than a refused plugin
	}{
		{"world-writable dir", 0o777, 0o755, true},
		{"group-writable dir", 0o775, 0o755, true},
		{"world-writable binary", 0o755, 0o757, false},
		{"safe", 0o755, 0o755, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := pluginDir(t)
			bin := install(t, dir, "ok")
			if err := os.Chmod(bin, tt.binMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tt.dirMode); err != nil {
				t.Fatal(err)
			}
			outs, err := New(Config{Dir: dir}).Collect(context.Background(), hostRoot(t))
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "writable") {
					t.Fatalf("Collect = %v, %v; want a writable-directory error", outs, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if len(outs) != 1 {
				t.Fatalf("Collect returned %d outcomes, want 1", len(outs))
			}
			refused := outs[0].Err != nil && outs[0].Err.Kind == facts.ErrRefused
			if wantRefused := tt.binMode&0o022 != 0; refused != wantRefused {
				t.Fatalf("refused = %v (%+v), want %v", refused, outs[0].Err, wantRefused)
			}
		})
	}
}

func TestOnlyAndDuplicateNamespace(t *testing.T) {
	dir := pluginDir(t)
	install(t, dir, "ok")
	bin := install(t, dir, "second-ok")
	// Claim the namespace of "ok" for a second collector.
	if _, err := manifest.Write(bin, manifest.Manifest{Name: "second-ok", Namespace: "test_ok"}); err != nil {
		t.Fatal(err)
	}
	outs, err := New(Config{Dir: dir, Only: []string{"second-ok", "missing"}}).Collect(context.Background(), hostRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]facts.ErrorKind{}
	for _, o := range outs {
		if o.Err != nil {
			kinds[o.Name] = o.Err.Kind
		} else {
			kinds[o.Name] = "ok"
		}
	}
	want := map[string]facts.ErrorKind{"missing": facts.ErrRefused, "second-ok": facts.ErrInvalidOutput}
	if len(kinds) != len(want) || kinds["missing"] != want["missing"] || kinds["second-ok"] != want["second-ok"] {
		t.Fatalf("outcomes %v, want %v", kinds, want)
	}
	outs, err = New(Config{Dir: dir}).Collect(context.Background(), hostRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Name == "second-ok" && (o.Err == nil || o.Err.Kind != facts.ErrRefused || !strings.Contains(o.Err.Message, "already claimed")) {
			t.Fatalf("second-ok: %+v, want refused for a duplicate namespace", o.Err)
		}
	}
}

// TestCollectRefusesCorruptOutput runs collectors that answer facts no
// SDK collector could write — not JSON, not an object, nested 9,000
// levels, with a repeated key, invalid UTF-8, cut short, or over the size
// limit: each is an invalid_output collector error naming the collector
// and what is wrong, never a crash of the agent, and never facts.
func TestCollectRefusesCorruptOutput(t *testing.T) {
	dir := pluginDir(t)
	want := map[string]string{
		"garbage":   "facts are not a JSON object",
		"array":     "facts are not a JSON object",
		"empty":     "facts are not a JSON object",
		"deep":      "nested more than 62 levels",
		"dupkeys":   `object key "hostname" repeated`,
		"badutf8":   "invalid UTF-8",
		"surrogate": "unpaired surrogate",
		"truncated": "facts are not a JSON object",
		"oversized": "over the 33554432 byte limit",
		"huge":      "over the 33554432 byte limit",
	}
	for mode := range want {
		install(t, dir, mode)
	}
	install(t, dir, "ok")
	outs, err := New(Config{Dir: dir, Parallel: 2}).Collect(context.Background(), hostRoot(t))
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	got := map[string]Outcome{}
	for _, o := range outs {
		got[o.Name] = o
	}
	for mode, text := range want {
		o := got[mode]
		switch {
		case o.Err == nil:
			t.Errorf("%s: no collector error (output %v)", mode, o.Output != nil)
		case o.Err.Kind != facts.ErrInvalidOutput:
			t.Errorf("%s: error kind %s (%s), want %s", mode, o.Err.Kind, o.Err.Message, facts.ErrInvalidOutput)
		case !strings.Contains(o.Err.Message, "collector "+mode) || !strings.Contains(o.Err.Message, text):
			t.Errorf("%s: error %q, want it to name the collector and say %q", mode, o.Err.Message, text)
		case o.Output != nil:
			t.Errorf("%s: facts kept beside the error", mode)
		}
	}
	if o := got["ok"]; o.Err != nil || o.Output == nil {
		t.Errorf("ok: %+v, want its facts despite the others", o)
	}
}
