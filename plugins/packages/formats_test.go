package packages

import (
	"reflect"
	"testing"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/internal/compressed"
	"github.com/auditfleet/auditfleet/result"
)

// TestCompressedLists reads the bookworm root with its lists compressed
// by the real tools in every format apt keeps, to the facts of the plain
// lists; with the main list cut short, it is unread, which packages are
// foreign is unknown and ICO-SEC-03 is not assessed, never a pass nor a
// failure for packages only that list provides.
func TestCompressedLists(t *testing.T) {
	dropNode := func(dir string) { uninstall(t, dir, "nodejs") }
	want, _ := mustFacts(t, copyRoot(t, "bookworm", dropNode), eolOptions)
	e := policytest.Engine(t, nil)
	for _, ext := range compressed.Extensions {
		t.Run(ext, func(t *testing.T) {
			root := copyRoot(t, "bookworm", func(dir string) {
				dropNode(dir)
				collectortest.CompressLists(t, dir, "testdata/lists", ext, "")
			})
			got, warns := mustFacts(t, root, eolOptions)
			if !reflect.DeepEqual(got, want) || len(warns) != 0 {
				t.Errorf("facts with %s lists = %+v, warnings %q; want %+v as with plain lists", ext, got, warns, want)
			}

			root = copyRoot(t, "bookworm", func(dir string) {
				dropNode(dir)
				collectortest.CompressLists(t, dir, "testdata/lists", ext, "bookworm_main")
			})
			got, _ = mustFacts(t, root, eolOptions)
			if len(got.UnreadSources) != 1 || got.Foreign != nil {
				t.Errorf("with a cut %s main list: unread %+v, foreign %+v; want the list unread and foreign unknown", ext, got.UnreadSources, got.Foreign)
			}
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: got}}, testNow)
			policytest.Check(t, results, map[string]result.Status{"ICO-SEC-03": result.NotAssessed})
		})
	}
}
