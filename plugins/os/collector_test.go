package osinfo

import (
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// hostsDir holds the shared Debian fixture hosts built by
// testdata/hosts/build.sh at the repository root.
const hostsDir = "../../testdata/hosts"

// collect runs the collector on the host root dir, options "" meaning {}.
func collect(t *testing.T, dir, options string) (sdk.Response, error) {
	t.Helper()
	return collectortest.Run(t, New(), dir, cmp.Or(options, "{}"))
}

func TestCollectFixtureRoots(t *testing.T) {
	tests := []struct {
		name    string
		dir     string
		options string
	}{
		{"debian11-eol", filepath.Join(hostsDir, "debian11-eol"), ""},
		{"debian12-lts", filepath.Join(hostsDir, "debian12-lts"), ""},
		{"debian13-lastlog2", filepath.Join(hostsDir, "debian13-lastlog2"), ""},
		{"ubuntu2204-pro", "testdata/roots/ubuntu2204-pro", ""},
		{"ubuntu2404", "testdata/roots/ubuntu2404", ""},
		{"rocky9-host-proc", "testdata/roots/rocky9", ""},
		{"rhel9-els-declared", "testdata/roots/rhel9", `{"entitlements": ["rhel-els"]}`},
		{"alpine320", "testdata/roots/alpine320", ""},
		{"debian-sid-usrlib", "testdata/roots/debian-sid-usrlib", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := collectortest.Facts[Facts](t, New(), tt.dir, cmp.Or(tt.options, "{}"))
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), collectortest.Output{Facts: f, Warnings: warns})
		})
	}
}

// TestCollectJSONShape checks the JSON contract the policies rely on: list
// fields are arrays, never null.
func TestCollectJSONShape(t *testing.T) {
	resp, err := collect(t, "testdata/roots/alpine320", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(resp.Facts)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id_like", "entitlements"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("facts[%q] = %#v, want a JSON array", k, m[k])
		}
	}
}

func TestCollectErrors(t *testing.T) {
	t.Run("empty root", func(t *testing.T) {
		if _, err := collect(t, t.TempDir(), ""); err == nil {
			t.Errorf("Collect(empty root) error = nil, want an error")
		}
	})
	t.Run("canceled", func(t *testing.T) {
		collectortest.Cancelled(t, New(), "testdata/roots/rocky9", "{}")
	})
	t.Run("nil root", func(t *testing.T) {
		if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
			t.Errorf("Collect(nil root) error = nil, want an error")
		}
	})
}

func TestCollectBadOptions(t *testing.T) {
	resp, err := collect(t, "testdata/roots/ubuntu2204-pro", `{"entitlements": ["Windows ESU"]}`)
	if err != nil {
		t.Fatal(err)
	}
	f := resp.Facts.(Facts)
	if want := []string{EntitlementUbuntuPro}; !slices.Equal(f.Entitlements, want) {
		t.Errorf("Entitlements = %v, want %v (found ones kept, bad declared ones dropped)", f.Entitlements, want)
	}
	if !slices.ContainsFunc(resp.Warnings, func(w string) bool { return strings.Contains(w, "declared entitlements ignored") }) {
		t.Errorf("Warnings = %q, want one about the ignored options", resp.Warnings)
	}
}

// TestCollectLive runs against this machine's own root, where the live
// sources are used, and checks them against the kernel's own files.
func TestCollectLive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the live cross-check reads /proc, which only Linux has")
	}
	resp, err := collect(t, "/", "")
	if err != nil {
		t.Fatal(err)
	}
	f := resp.Facts.(Facts)
	release, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(release)); f.Kernel.Release != want {
		t.Errorf("live Kernel.Release = %q, want %q", f.Kernel.Release, want)
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	if f.Hostname != host {
		t.Errorf("live Hostname = %q, want %q", f.Hostname, host)
	}
	if f.Family != "linux" || f.Kernel.Name != "Linux" {
		t.Errorf("live Family, Kernel.Name = %q, %q, want linux, Linux", f.Family, f.Kernel.Name)
	}
	if f.BootTime == nil || f.BootTime.IsZero() {
		t.Errorf("live BootTime = %v, want the boot time", f.BootTime)
	}
	if f.Architecture == "" {
		t.Errorf("live Architecture is empty")
	}
}

// TestPluginGRPC collects through the real plugin boundary: the SDK's gRPC
// server in front of this collector and the SDK client the agent uses.
func TestPluginGRPC(t *testing.T) {
	client, server := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(New()))
	defer client.Close()
	defer server.Stop()
	raw, err := client.Dispense(sdk.PluginName)
	if err != nil {
		t.Fatal(err)
	}
	c := raw.(*sdk.Client)
	ctx := context.Background()
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "os" || info.Namespace != Namespace || info.SchemaVersion != SchemaVersion || info.Version != Version {
		t.Errorf("Info() = %+v, want os/%s/%d/%s", info, Namespace, SchemaVersion, Version)
	}
	dir, err := filepath.Abs(filepath.Join(hostsDir, "debian12-lts"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Collect(ctx, dir, json.RawMessage(`{"entitlements": ["extra-support"]}`), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var f Facts
	if err := json.Unmarshal(out.Facts, &f); err != nil {
		t.Fatal(err)
	}
	if f.ID != "debian" || f.VersionID != "12" || f.Hostname != "debian12-lts" || !slices.Equal(f.Entitlements, []string{"extra-support"}) {
		t.Errorf("Collect over gRPC = %+v, want Debian 12 on debian12-lts with entitlement extra-support", f)
	}
	if !out.Partial || len(out.Warnings) == 0 {
		t.Errorf("Collect over gRPC: Partial = %v, Warnings = %q, want partial (no /proc in the fixture)", out.Partial, out.Warnings)
	}
}
