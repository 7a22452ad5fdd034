package orgdata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to every parser: none may panic, an
// accepted file must yield JSON-able policy data, and every problem must
// name the file.
func FuzzLoad(f *testing.F) {
	for _, k := range Kinds() {
		for _, name := range k.FileNames() {
			if b, err := os.ReadFile(filepath.Join("testdata", "good", name)); err == nil {
				f.Add(string(k), name, b)
			}
		}
	}
	f.Add(string(KindLeavers), "leavers.csv", []byte("user,left_on\n\"a,2026-01-01\n"))
	f.Add(string(KindPlans), "plans.yaml", []byte("plans: [&a {id: x}, *a, *a]\n"))
	f.Fuzz(func(t *testing.T, kind, name string, data []byte) {
		var s Set
		err := s.Load(Kind(kind), name, data, known)
		if err == nil {
			if _, err := json.Marshal(s.PolicyData()); err != nil {
				t.Fatalf("Load(%s) accepted %q but PolicyData is not JSON: %v", kind, data, err)
			}
			return
		}
		for _, p := range Problems(err) {
			if p.File != name {
				t.Fatalf("Load(%s, %q) problem %q does not name the file", kind, name, p)
			}
		}
	})
}
