package patching

import (
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthUnreadSources corrupts each source of the patching facts, in
// every way fixture.Corrupt knows, on hosts where ICO-SEC-02 passes: a
// Debian host with everything installed and unattended-upgrades on, and
// patched Rocky 9 with dnf-automatic. ICO-SEC-02 must then not pass, nor
// report zero pending.
func TestTruthUnreadSources(t *testing.T) {
	const (
		baseosRepo    = "var/cache/dnf/baseos-6c1d7a2b9e4f0853/repodata/"
		appstreamRepo = "var/cache/dnf/appstream-2f8e4b61d0c3a975/repodata/"
	)
	upToDate := func(t *testing.T, dir string) {
		fixture.Replace(t, dir, "var/lib/dpkg/status", "2.36-9+deb12u14", "2.36-9+deb12u15")
		fixture.Replace(t, dir, "var/lib/dpkg/status", "Version: 252.39-1~deb12u2", "Version: 252.39-1")
	}
	hosts := map[string]struct {
		root string
		edit func(t *testing.T, dir string)
	}{
		"debian": {"bookworm-security", upToDate},
		"rocky":  {"rocky9-patched", nil},
	}
	// The sources that decide ICO-SEC-02: the installed packages, the
	// security lists and their Release files (or dnf's repository
	// metadata and advisories), and the automatic-update settings.
	// pending is true for those the pending count comes from: only they
	// may not leave "0 pending" in the evidence. Not here, as they decide
	// nothing the verdict rests on: the non-security lists (no security
	// update comes from them), apt's and dnf-automatic's stamps (when
	// updates last ran or the index was refreshed; the lists' own times
	// bound the refresh too) and dnf's primary lists (their times only).
	sources := []struct {
		host, rel string
		pending   bool
	}{
		{"debian", "var/lib/dpkg/status", true},
		{"debian", secList, true},
		{"debian", secRelease, true},
		{"debian", "etc/apt/apt.conf.d/20auto-upgrades", false},
		{"rocky", "var/lib/rpm/rpmdb.sqlite", true},
		{"rocky", baseosRepo + "repomd.xml", true},
		{"rocky", baseosRepo + "da661eda6339eb4bcf343c0547ccb1120ce5d5afb3afc9b1f464f86e3aa1828b-updateinfo.xml.gz", true},
		{"rocky", appstreamRepo + "repomd.xml", true},
		{"rocky", appstreamRepo + "96c3997b230db88697d289a9cfb8cf3adf79c0f9b40e1d7dadc2132d0743efc4-updateinfo.xml.zst", true},
		{"rocky", "etc/dnf/automatic.conf", false},
	}
	// absentOK are corruptions that leave a legitimate host: apt keeps an
	// empty Packages list for a component without packages.
	absentOK := map[string]bool{
		"debian/" + secList + "/empty": true,
	}
	e := policytest.Engine(t, nil)
	eval := func(t *testing.T, dir string) result.Result {
		f, _ := mustFacts(t, dir, `{}`)
		return policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)["ICO-SEC-02"]
	}
	setup := func(t *testing.T, host string, corrupt func(dir string)) string {
		h := hosts[host]
		return copyRoot(t, h.root, nil, func(dir string) {
			if h.edit != nil {
				h.edit(t, dir)
			}
			if corrupt != nil {
				corrupt(dir)
			}
		})
	}
	for name := range hosts {
		if r := eval(t, setup(t, name, nil)); r.Status != result.Pass {
			t.Fatalf("ICO-SEC-02 on the intact %s host = %s (%+v), want pass", name, r.Status, r.Evidence)
		}
	}
	for _, src := range sources {
		for _, kind := range fixture.Corruptions {
			name := src.host + "/" + src.rel + "/" + string(kind)
			t.Run(name, func(t *testing.T) {
				if absentOK[name] {
					t.Skip("a legitimate state the collector cannot tell from the corruption")
				}
				dir := setup(t, src.host, func(dir string) { fixture.Corrupt(t, dir, src.rel, kind) })
				if _, err := collectortest.Run(t, New(), dir, `{}`); err != nil {
					t.Logf("collector error (ICO-SEC-02 ends in error or not_assessed): %v", err)
					return
				}
				// A warning is ICO-SEC-02's verdict on an index or
				// automatic updates it cannot vouch for.
				policytest.Untrusted{WarnOK: true, ZeroOK: !src.pending}.Check(t, "ICO-SEC-02", eval(t, dir), true)
			})
		}
	}
}
