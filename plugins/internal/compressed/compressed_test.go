package compressed

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
)

// lists are the fixtures testdata/generate.sh compresses with the real
// tools, as plain files; the compressed forms sit beside them under the
// collectors' testdata/lists.
var lists = []struct{ plain, compressedDir string }{
	{"../../patching/testdata/roots/bookworm-security/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages", "../../patching/testdata/lists"},
	{"../../packages/testdata/roots/bookworm/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", "../../packages/testdata/lists"},
}

// hostFile returns a function that writes data as the host file /f
// under a root of its own, and returns the root.
func hostFile(t *testing.T) func(data []byte) *hostroot.Root {
	t.Helper()
	dir := t.TempDir()
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return func(data []byte) *hostroot.Root {
		if err := os.WriteFile(filepath.Join(dir, "f"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return root
	}
}

// fixtures returns, per extension, the plain and compressed bytes of
// every fixture list.
func fixtures(t *testing.T) map[string][][2][]byte {
	t.Helper()
	out := map[string][][2][]byte{}
	for _, l := range lists {
		plain, err := os.ReadFile(l.plain)
		if err != nil {
			t.Fatal(err)
		}
		for _, ext := range Extensions {
			z, err := os.ReadFile(filepath.Join(l.compressedDir, filepath.Base(l.plain)+ext))
			if err != nil {
				t.Fatalf("%v (run testdata/generate.sh)", err)
			}
			out[ext] = append(out[ext], [2][]byte{plain, z})
		}
	}
	return out
}

func TestReadFile(t *testing.T) {
	file := hostFile(t)
	for ext, fs := range fixtures(t) {
		for i, f := range fs {
			got, err := ReadFile(file(f[1]), "/f", ext, 1<<20)
			if err != nil || !bytes.Equal(got, f[0]) {
				t.Errorf("ReadFile(list %d%s) = %d bytes, %v; want the %d bytes of the plain list", i, ext, len(got), err, len(f[0]))
			}
		}
	}
}

// TestReadFileTruncated cuts the small fixture at every length, the
// large one every 97 bytes: each cut is an error, never a shorter list.
// The cuts after a header and between blocks or frames are the ones a
// decompressor can take for the end of the data.
func TestReadFileTruncated(t *testing.T) {
	file := hostFile(t)
	for ext, fs := range fixtures(t) {
		for i, f := range fs {
			for n := 0; n < len(f[1]); n += 1 + 96*i {
				if got, err := ReadFile(file(f[1][:n]), "/f", ext, 1<<20); err == nil {
					t.Fatalf("ReadFile(%s cut to %d of %d bytes) = %d bytes, want an error", ext, n, len(f[1]), len(got))
				}
			}
		}
	}
}

// TestReadFileCorrupt flips one bit at every offset of the small
// fixture's first 64 bytes (the headers), then at every fifth: each is
// an error (the formats carry checksums), never different contents.
func TestReadFileCorrupt(t *testing.T) {
	file := hostFile(t)
	for ext, fs := range fixtures(t) {
		f := fs[0]
		for i := 0; i < len(f[1]); i += 1 + 4*min(1, i/64) {
			z := bytes.Clone(f[1])
			z[i] ^= 0x10
			got, err := ReadFile(file(z), "/f", ext, 1<<20)
			if err == nil && !bytes.Equal(got, f[0]) {
				t.Errorf("ReadFile(%s with bit 4 of byte %d of %d flipped) = %d different bytes, want an error", ext, i, len(z), len(got))
			}
		}
	}
}

func TestReadFileLimit(t *testing.T) {
	file := hostFile(t)
	for ext, fs := range fixtures(t) {
		f := fs[0]
		_, err := ReadFile(file(f[1]), "/f", ext, int64(len(f[0])-1))
		if !errors.Is(err, hostroot.ErrTooLarge) {
			t.Errorf("ReadFile(%s of %d bytes, limit one less) error = %v, want ErrTooLarge", ext, len(f[0]), err)
		}
		if _, err := ReadFile(file(f[1]), "/f", ext, int64(len(f[0]))); err != nil {
			t.Errorf("ReadFile(%s of %d bytes, limit the same) error = %v, want none", ext, len(f[0]), err)
		}
	}
}

func TestUnsupported(t *testing.T) {
	_, err := ReadFile(hostFile(t)([]byte("x")), "/f", ".zck", 1<<20)
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), ".zck") {
		t.Errorf("ReadFile(.zck) error = %v, want ErrUnsupported naming .zck", err)
	}
}
