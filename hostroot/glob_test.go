package hostroot

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestGlob(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"etc/a/x.conf", "etc/a/y.conf", "etc/b/z.conf", "etc/b/.w.conf", "etc/c", "etc/locked/l.conf"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link out of the root stays inside it.
	if err := os.Symlink("/etc", filepath.Join(dir, "etc/out")); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tests := []struct {
		pattern string
		want    []string
	}{
		{"/etc/a/*.conf", []string{"/etc/a/x.conf", "/etc/a/y.conf"}},
		{"/etc/*/*.conf", []string{"/etc/a/x.conf", "/etc/a/y.conf", "/etc/b/z.conf", "/etc/locked/l.conf"}},
		{"/etc/b/.*.conf", []string{"/etc/b/.w.conf"}},
		{"/etc/./c", []string{"/etc/c"}},
		{"/etc/none", []string{}},
		{"/etc/none/*", []string{}},
		{"/etc/[", []string{}},
		{"/etc/c/*", []string{}},
		{"/etc/out/*.conf", []string{}}, // /etc/out is the root's /etc, which holds no .conf
	}
	for _, tt := range tests {
		got, err := r.Glob(tt.pattern)
		if err != nil || len(got)+len(tt.want) > 0 && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Glob(%q) = %q, %v; want %q", tt.pattern, got, err, tt.want)
		}
	}
	// A directory that cannot be read is an error, beside the matches
	// found elsewhere.
	if err := os.Symlink("loop", filepath.Join(dir, "etc/loop")); err != nil {
		t.Fatal(err)
	}
	got, err := r.Glob("/etc/*/*.conf")
	if err == nil || !reflect.DeepEqual(got, []string{"/etc/a/x.conf", "/etc/a/y.conf", "/etc/b/z.conf", "/etc/locked/l.conf"}) {
		t.Errorf("Glob with a looping directory = %q, %v; want the 4 others and an error", got, err)
	}
}
