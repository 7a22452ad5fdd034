package orgdata

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/waiver"
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

// FuzzLoadFiles loads two arbitrary organisation data files together, as
// a signed bundle carries them, and overlays them on the good fixture set
// as the server does: no input may panic; a refusal names only the files
// given; what is accepted loads the same twice (same digest), overlays
// into JSON-able policy data, and its host patterns (waivers, plans, host
// tags) can be matched against any host name.
func FuzzLoadFiles(f *testing.F) {
	names := []string{}
	for _, k := range Kinds() {
		names = append(names, k.FileNames()...)
	}
	for i, name := range names {
		b, err := os.ReadFile(filepath.Join("testdata", "good", name))
		if err != nil {
			continue
		}
		other := names[(i+1)%len(names)]
		ob, _ := os.ReadFile(filepath.Join("testdata", "good", other))
		f.Add(name, b, other, ob, "web-1")
	}
	f.Add("host_tags.yaml", []byte("hosts:\n  \"[\": {tier: x}\n"), "plans.yaml", []byte("plans: [{id: p, covers: {hosts: [\"*\"]}}]\n"), "a[b")
	base, err := LoadDir(filepath.Join("testdata", "good"), known)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name1 string, data1 []byte, name2 string, data2 []byte, host string) {
		files := map[string][]byte{name1: data1, name2: data2}
		s, err := LoadFiles(files, known)
		if err != nil {
			for _, p := range Problems(err) {
				if _, ok := files[p.File]; !ok {
					t.Fatalf("LoadFiles problem %q names a file not given (%q, %q)", p, name1, name2)
				}
			}
			return
		}
		again, err := LoadFiles(files, known)
		if err != nil || again.Digest() != s.Digest() {
			t.Fatalf("LoadFiles accepted the files once, then %v (digest %s vs %s)", err, s.Digest(), again.Digest())
		}
		if _, err := json.Marshal(base.Overlay(s).PolicyData()); err != nil {
			t.Fatalf("overlaid policy data is not JSON: %v", err)
		}
		o := base.Overlay(s)
		tags := o.HostTags.Tags(host, map[string]string{"env": "prod"})
		for _, p := range o.Plans {
			p.Covers.Covers(host, tags)
		}
		for _, w := range o.Waivers {
			w.Selects(waiver.Host{Name: host, Tags: tags})
		}
	})
}
