package patching

import (
	"reflect"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/internal/compressed"
	"github.com/auditfleet/auditfleet/result"
)

// TestCompressedLists reads the bookworm-security root with its lists
// compressed by the real tools in every format apt keeps (container
// images: Acquire::GzipIndexes), to the facts of the plain lists; with
// the security list cut short, the list is unread and ICO-SEC-02 is not
// assessed, never a pass with nothing pending.
func TestCompressedLists(t *testing.T) {
	want, _ := mustFacts(t, copyRoot(t, "bookworm-security", nil, nil), `{}`)
	if len(want.Pending) == 0 {
		t.Fatal("the plain lists show nothing pending: the test would prove nothing")
	}
	e := policytest.Engine(t, nil)
	for _, ext := range compressed.Extensions {
		t.Run(ext, func(t *testing.T) {
			root := copyRoot(t, "bookworm-security", nil, func(dir string) {
				collectortest.CompressLists(t, dir, "testdata/lists", ext, "")
			})
			got, warns := mustFacts(t, root, `{}`)
			if !reflect.DeepEqual(got, want) || len(warns) != 0 {
				t.Errorf("facts with %s lists = %+v, warnings %q; want %+v as with plain lists", ext, got, warns, want)
			}

			root = copyRoot(t, "bookworm-security", nil, func(dir string) {
				collectortest.CompressLists(t, dir, "testdata/lists", ext, "security")
			})
			got, _ = mustFacts(t, root, `{}`)
			if len(got.UnreadSources) != 1 || !strings.HasSuffix(got.UnreadSources[0].Path, "-security_main_binary-amd64_Packages"+ext) {
				t.Errorf("unread sources with a cut %s security list = %+v, want that list", ext, got.UnreadSources)
			}
			results := policytest.Evaluate(t, e, policytest.Doc{Facts: map[string]any{Namespace: got}}, testNow)
			policytest.Check(t, results, map[string]result.Status{"ICO-SEC-02": result.NotAssessed})
		})
	}
}
