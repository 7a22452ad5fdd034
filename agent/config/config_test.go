package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadExample(t *testing.T) {
	c, err := Load("testdata/agent.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.CollectorTimeout) != 20*time.Second {
		t.Errorf("CollectorTimeout = %v, want 20s", time.Duration(c.CollectorTimeout))
	}
	if got := string(c.Collectors["accounts"]); got != `{"extra_admin_groups":["ops"]}` {
		t.Errorf("Collectors[accounts] = %s", got)
	}
	wantOrg := map[string]any{
		"thresholds":      map[string]any{"dormant_days": 60, "os_warn_days": 90},
		"approved_admins": []any{map[string]any{"user": "alice"}, map[string]any{"user": "bob"}},
		"entitlements":    []any{map[string]any{"entitlement": "ubuntu-pro", "reference": "agent configuration"}},
	}
	if got := c.Policy.OrgData(); !reflect.DeepEqual(got, wantOrg) {
		t.Errorf("OrgData() = %v, want %v", got, wantOrg)
	}
	if c.StateDir != "/var/lib/auditfleet/agent" {
		t.Errorf("StateDir = %q", c.StateDir)
	}
	wantServer := Server{
		URL:             "https://auditfleet.example.gov.uk",
		CAFile:          "/etc/auditfleet/server-ca.pem",
		CertFile:        "/etc/auditfleet/client.pem",
		KeyFile:         "/etc/auditfleet/client-key.pem",
		Timeout:         Duration(90 * time.Second),
		CheckinInterval: Duration(30 * time.Minute),
	}
	if c.Server != wantServer {
		t.Errorf("Server = %+v, want %+v", c.Server, wantServer)
	}
	if c.Spool != (Spool{MaxFiles: 50, MaxBytes: 128 << 20}) {
		t.Errorf("Spool = %+v", c.Spool)
	}
	wantLimits := Limits{MaxProcs: 2, MemoryLimit: 64 << 20, CollectorCPU: Duration(5 * time.Second), CollectorMemory: 100000000}
	if c.Limits != wantLimits {
		t.Errorf("Limits = %+v, want %+v", c.Limits, wantLimits)
	}
}

func TestLimitsRuntime(t *testing.T) {
	tests := []struct {
		name      string
		limits    Limits
		env       map[string]string
		wantProcs int
		wantMem   int64
	}{
		{"defaults", Limits{}, nil, 1, 128 << 20},
		{"configured", Limits{MaxProcs: 3, MemoryLimit: 1 << 30}, nil, 3, 1 << 30},
		{"environment wins", Limits{MaxProcs: 3, MemoryLimit: 1 << 30}, map[string]string{"GOMAXPROCS": "4", "GOMEMLIMIT": "2GiB"}, 0, 0},
		{"only GOMEMLIMIT set", Limits{}, map[string]string{"GOMEMLIMIT": "2GiB"}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			procs, mem := tt.limits.Runtime(func(k string) string { return tt.env[k] })
			if procs != tt.wantProcs || mem != tt.wantMem {
				t.Errorf("Runtime() = %d, %d; want %d, %d", procs, mem, tt.wantProcs, tt.wantMem)
			}
		})
	}
}

func TestLimitsCollector(t *testing.T) {
	cpu, mem := Limits{}.Collector()
	if cpu != DefaultCollectorCPU || mem != DefaultCollectorMemory {
		t.Errorf("Collector() defaults = %v, %d", cpu, mem)
	}
	cpu, mem = Limits{CollectorCPU: Duration(time.Second), CollectorMemory: 5 << 20}.Collector()
	if cpu != time.Second || mem != 5<<20 {
		t.Errorf("Collector() = %v, %d; want 1s, 5 MiB", cpu, mem)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"unknown key", "host_rot: /\n", "unknown field"},
		{"bad duration", "collector_timeout: soon\n", "invalid duration"},
		{"negative duration", "collector_timeout: -1s\n", "negative"},
		{"negative days", "policy: {dormant_days: -3}\n", "dormant_days"},
		{"negative max_procs", "limits: {max_procs: -1}\n", "limits.max_procs"},
		{"negative memory limit", "limits: {memory_limit: -1}\n", "limits.memory_limit"},
		{"negative collector memory", "limits: {collector_memory: -1}\n", "limits.collector_memory"},
		{"options not a mapping", "collectors: {os: [1, 2]}\n", "collectors.os"},
		{"not yaml", "{{{", "parse agent config"},
		{"server url not a url", "server: {url: 'auditfleet'}\n", "server.url"},
		{"server url scheme", "server: {url: 'ftp://af.example'}\n", "server.url"},
		{"cert without key", "server: {cert_file: /c.pem}\n", "go together"},
		{"key without cert", "server: {key_file: /k.pem}\n", "go together"},
		{"check-in too often", "server: {checkin_interval: 5s}\n", "at least 1m"},
		{"unknown server key", "server: {insecure: true}\n", "unknown field"},
		{"negative spool files", "spool: {max_files: -1}\n", "spool.max_files"},
		{"negative spool bytes", "spool: {max_bytes: -1}\n", "spool.max_bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%q) error = %v, want it to mention %q", tt.doc, err, tt.want)
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope.yaml")); !os.IsNotExist(unwrapAll(err)) {
		t.Fatalf("Load(missing explicit path) = %v, want not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

// TestDeployExample keeps the example IT ops copy valid.
func TestDeployExample(t *testing.T) {
	if _, err := Load("../../deploy/config/agent.yaml"); err != nil {
		t.Fatalf("deploy/config/agent.yaml: %v", err)
	}
}
