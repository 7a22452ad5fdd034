package logging

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// TestRunningReasons checks that not installed is known not running, and
// that only an installed daemon without a process table is unknown; the
// real ICO-LOG-01 then gives the verdict with that reason.
func TestRunningReasons(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	e := policytest.Engine(t, nil)
	journalOnly := func(t *testing.T) string { // journald installed, no /proc, no auditd
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "etc/systemd"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "etc/systemd/journald.conf"), []byte("[Journal]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tests := []struct {
		name                   string
		dir                    func(t *testing.T) string
		auditd, journald       *bool
		auditdWhy, journaldWhy string
		want                   result.Status
		wantDetail             string
	}{
		{"nothing installed, no process table", func(t *testing.T) string { return t.TempDir() },
			ptr(false), ptr(false), "auditd is not installed", "systemd-journald is not installed",
			result.Fail, "no audit log is kept: auditd is not installed"},
		{"auditd not installed, journald running", func(*testing.T) string { return filepath.Join("testdata", "roots", "poor") },
			ptr(false), ptr(true), "auditd is not installed", "systemd-journald is running",
			result.Fail, "journald keeps the journal in memory only"},
		{"auditd not installed, journald installed, no process table", journalOnly,
			ptr(false), nil, "auditd is not installed", "no process table under the host root, so whether systemd-journald runs is unknown",
			result.NotAssessed, "auditd is not installed (no auditd binary, unit or auditd.conf under the host root); no process table"},
		{"auditd installed, no process table", func(*testing.T) string { return filepath.Join("testdata", "roots", "offline") },
			nil, nil, "no process table under the host root, so whether auditd runs is unknown", "whether systemd-journald runs is unknown",
			result.NotAssessed, "no process table under the host root, so whether auditd runs is unknown"},
		{"auditd installed and running", func(*testing.T) string { return filepath.Join("testdata", "roots", "good") },
			ptr(true), ptr(true), "auditd is running", "systemd-journald is running",
			result.Pass, "logs written to disk by auditd and journald"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := collectortest.Facts[Facts](t, New(), tt.dir(t), "{}")
			if !sameBool(f.Auditd.Running, tt.auditd) || !strings.HasPrefix(f.Auditd.RunningReason, tt.auditdWhy) {
				t.Errorf("auditd running = %v, %q; want %v, %q...", fmtBool(f.Auditd.Running), f.Auditd.RunningReason, fmtBool(tt.auditd), tt.auditdWhy)
			}
			if !sameBool(f.Journald.Running, tt.journald) || !strings.Contains(f.Journald.RunningReason, tt.journaldWhy) {
				t.Errorf("journald running = %v, %q; want %v, %q", fmtBool(f.Journald.Running), f.Journald.RunningReason, fmtBool(tt.journald), tt.journaldWhy)
			}
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)
			policytest.Check(t, results, map[string]result.Status{"ICO-LOG-01": tt.want})
			for _, r := range results {
				if r.ControlID == "ICO-LOG-01" && (len(r.Evidence) == 0 || !strings.Contains(r.Evidence[0].Detail, tt.wantDetail)) {
					t.Errorf("ICO-LOG-01 evidence %+v, want %q", r.Evidence, tt.wantDetail)
				}
			}
		})
	}
}

// TestLiveHostRunningKnown collects the machine running the test (host
// root "/"): its process table is read, so whether auditd and journald
// run is known, installed or not.
func TestLiveHostRunningKnown(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skipf("no /proc on this machine: %v", err)
	}
	f, _ := collectortest.Facts[Facts](t, New(), "/", "{}")
	if f.Auditd.Running == nil || f.Journald.Running == nil {
		t.Errorf("live host: auditd %v (%q), journald %v (%q); want both known", fmtBool(f.Auditd.Running), f.Auditd.RunningReason, fmtBool(f.Journald.Running), f.Journald.RunningReason)
	}
}

func sameBool(a, b *bool) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func fmtBool(b *bool) string {
	if b == nil {
		return "null"
	}
	if *b {
		return "true"
	}
	return "false"
}
