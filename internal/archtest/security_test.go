package archtest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSecurityTestsExist keeps SECURITY.md true: every test it names as
// the proof of a defence ("`pkg/path` TestName, TestOther") must exist in
// that package (or, for "pkg/...", below it).
func TestSecurityTestsExist(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile("`([a-z0-9/._]+)` ((?:Test[A-Za-z0-9]+(?:, )?)+)")
	n := 0
	for _, m := range ref.FindAllStringSubmatch(string(doc), -1) {
		pkg, recursive := strings.CutSuffix(m[1], "/...")
		var src strings.Builder
		dir := filepath.Join(root, filepath.FromSlash(pkg))
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != dir && (!recursive || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if strings.HasSuffix(p, "_test.go") {
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				src.Write(b)
			}
			return nil
		})
		if err != nil {
			t.Errorf("SECURITY.md names package %s: %v", m[1], err)
			continue
		}
		for _, name := range strings.Split(m[2], ", ") {
			n++
			if !strings.Contains(src.String(), "func "+name+"(") {
				t.Errorf("SECURITY.md names %s in %s, which has no such test", name, m[1])
			}
		}
	}
	if n < 30 {
		t.Errorf("SECURITY.md names %d tests; the pattern no longer finds them", n)
	}
}
