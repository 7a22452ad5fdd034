package collectortest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CompressLists replaces every plain apt Packages list of the fixture
// root dir with its compressed form from the directory from (made by
// plugins/internal/compressed/testdata/generate.sh), as apt keeps them
// with Acquire::GzipIndexes: ext is the extension, e.g. ".lz4". The
// lists whose names contain cut are truncated to half their length.
func CompressLists(t testing.TB, dir, from, ext, cut string) {
	t.Helper()
	lists := filepath.Join(dir, "var", "lib", "apt", "lists")
	plain, err := filepath.Glob(filepath.Join(lists, "*_Packages"))
	if err != nil || len(plain) == 0 {
		t.Fatalf("no Packages lists in %s (%v)", lists, err)
	}
	for _, p := range plain {
		name := filepath.Base(p)
		b, err := os.ReadFile(filepath.Join(from, name+ext))
		if err != nil {
			t.Fatalf("%v (run plugins/internal/compressed/testdata/generate.sh)", err)
		}
		if cut != "" && strings.Contains(name, cut) {
			b = b[:len(b)/2]
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+ext, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p+ext, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
}
