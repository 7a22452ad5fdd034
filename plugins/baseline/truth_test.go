package baseline

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthUnreadSources corrupts each source of the baseline facts on
// the hardened fixture (where ICO-SEC-04 passes) and evaluates ICO-SEC-04:
// it must not pass on a corrupted source, nor report zero of anything.
// Each source is spoilt in every way fixture.Corrupt knows.
func TestTruthUnreadSources(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	e := policytest.Engine(t, map[string]any{"baseline": map[string]any{"allowed_ports": []any{22}}})
	// absentOK are removals that leave a legitimate host: no sshd_config
	// and no sshd binary is no OpenSSH server; a drop-in removed is a drop-in
	// not there; a kernel without IPv6 has no tcp6 or udp6.
	absentOK := map[string]bool{
		"etc/ssh/sshd_config/removed":                     true,
		"etc/ssh/sshd_config.d/10-hardening.conf/removed": true,
		"proc/net/tcp6/removed":                           true,
		"proc/net/udp6/removed":                           true,
	}
	sources := []string{
		"etc/ssh/sshd_config",
		"etc/ssh/sshd_config.d/10-hardening.conf",
		"proc/net/tcp",
		"proc/net/tcp6",
		"proc/net/udp",
		"proc/net/udp6",
	}
	for _, src := range sources {
		for _, kind := range append([]fixture.Corruption{""}, fixture.Corruptions...) {
			name := src + "/" + string(kind)
			if kind == "" {
				name += "intact"
			}
			t.Run(name, func(t *testing.T) {
				if absentOK[name] {
					t.Skip("absence is a legitimate state the collector cannot tell from removal")
				}
				dir := fixture.Copy(t, filepath.Join("testdata", "roots", "hardened"), now)
				if kind != "" {
					fixture.Corrupt(t, dir, src, kind)
				}
				if _, err := collectortest.Run(t, New(), dir, ""); err != nil {
					t.Logf("collector error (ICO-SEC-04 ends in error): %v", err)
					return
				}
				f, warns := collectortest.Facts[Facts](t, New(), dir, "")
				results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)
				r, ok := results["ICO-SEC-04"]
				if !ok {
					t.Fatal("no ICO-SEC-04 result")
				}
				t.Logf("ICO-SEC-04 = %s %+v (warnings %q)", r.Status, r.Evidence, warns)
				if kind == "" {
					if r.Status != result.Pass {
						t.Errorf("ICO-SEC-04 on the intact fixture = %s, want pass", r.Status)
					}
					return
				}
				switch r.Status {
				case result.NotAssessed:
					if len(r.Evidence) == 0 {
						t.Error("ICO-SEC-04 not_assessed without a reason")
					}
				case result.Error, result.Fail:
				default:
					t.Errorf("ICO-SEC-04 = %s on a corrupted %s: %+v", r.Status, src, r.Evidence)
				}
				if slices.ContainsFunc(r.Evidence, func(e result.Evidence) bool { return strings.HasPrefix(e.Detail, "0 ") }) {
					t.Errorf("ICO-SEC-04 reports a count of zero: %+v", r.Evidence)
				}
			})
		}
	}
}

// TestTruthSSHDConfigCutShort cuts each sshd configuration file of the
// hardened fixture in the middle of each of its lines: what is left may
// parse, but the settings after the cut are lost, so ICO-SEC-04 must be
// not_assessed, naming the file, and never pass. A file cut at a line's
// end cannot be told from a shorter one and is not tried.
func TestTruthSSHDConfigCutShort(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	e := policytest.Engine(t, map[string]any{"baseline": map[string]any{"allowed_ports": []any{22}}})
	for _, rel := range []string{"etc/ssh/sshd_config", "etc/ssh/sshd_config.d/10-hardening.conf"} {
		intact, err := os.ReadFile(filepath.Join("testdata", "roots", "hardened", filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range fixture.MidLineCuts(intact) {
			t.Run(fmt.Sprintf("%s/cut at %d", rel, cut), func(t *testing.T) {
				dir := fixture.Copy(t, filepath.Join("testdata", "roots", "hardened"), now)
				fixture.Write(t, dir, map[string]string{rel: string(intact[:cut])})
				f, _ := collectortest.Facts[Facts](t, New(), dir, "")
				r := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, now)["ICO-SEC-04"]
				if r.Status != result.NotAssessed && r.Status != result.Fail {
					t.Fatalf("ICO-SEC-04 = %s on %s cut at byte %d: %+v", r.Status, rel, cut, r.Evidence)
				}
				if r.Status == result.NotAssessed && !slices.ContainsFunc(r.Evidence, func(e result.Evidence) bool {
					return strings.Contains(e.Detail, "/"+rel) && strings.Contains(e.Detail, "cut short")
				}) {
					t.Errorf("ICO-SEC-04 not_assessed without naming the cut file: %+v", r.Evidence)
				}
			})
		}
	}
}
