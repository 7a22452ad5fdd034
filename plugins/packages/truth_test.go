package packages

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/result"
)

// TestTruthUnreadSources corrupts each source of the packages facts, in
// every way fixture.Corrupt knows, on the bookworm host where ICO-SEC-03
// passes (everything installed comes from the lists, python supported):
// the dpkg status and each Packages list, the security list on a host
// where sudo's installed version is only in it. ICO-SEC-03 must then not
// pass, nor report zero of anything. The Release files are no source: a
// list apt has stored was verified when fetched, and is what says a
// repository provides a package.
func TestTruthUnreadSources(t *testing.T) {
	dropNode := func(dir string) { uninstall(t, dir, "nodejs") }
	sudoFromSecurity := func(dir string) {
		dropNode(dir)
		fixture.RemoveStanza(t, dir, mainList, "sudo")
	}
	sources := []struct {
		rel  string
		host func(dir string)
	}{
		{status, dropNode},
		{mainList, dropNode},
		{secList, sudoFromSecurity},
	}
	e := policytest.Engine(t, nil)
	eval := func(t *testing.T, dir string) result.Result {
		f, _ := mustFacts(t, dir, eolOptions)
		return policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: f}}, testNow)["ICO-SEC-03"]
	}
	for _, src := range sources {
		if r := eval(t, copyRoot(t, "bookworm", src.host)); r.Status != result.Pass {
			t.Fatalf("ICO-SEC-03 on the intact host for %s = %s (%+v), want pass", src.rel, r.Status, r.Evidence)
		}
		for _, kind := range fixture.Corruptions {
			t.Run(src.rel+"/"+string(kind), func(t *testing.T) {
				dir := copyRoot(t, "bookworm", func(dir string) {
					src.host(dir)
					fixture.Corrupt(t, dir, src.rel, kind)
				})
				if _, err := collectortest.Run(t, New(), dir, eolOptions); err != nil {
					t.Logf("collector error (ICO-SEC-03 ends in error or not_assessed): %v", err)
					return
				}
				policytest.Untrusted{}.Check(t, "ICO-SEC-03", eval(t, dir), true)
			})
		}
	}
}

// uninstall removes package name from the fixture host as dpkg would: its
// status entry and its file list.
func uninstall(t *testing.T, dir, name string) {
	t.Helper()
	fixture.RemoveStanza(t, dir, status, name)
	if err := os.Remove(filepath.Join(dir, "var/lib/dpkg/info", name+".list")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
}
