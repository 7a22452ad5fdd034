package hostroot

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// buildTree makes a small host root with the kinds of links real hosts have
// (Debian's /etc/os-release -> ../usr/lib/os-release, absolute links such as
// /var/run -> /run) and hostile ones that try to leave the root.
func buildTree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "host")
	outside = filepath.Join(base, "secret")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"etc", "usr/lib", "run", "var", "home/alice"} {
		must(os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	must(os.WriteFile(outside, []byte("outside"), 0o600))
	must(os.WriteFile(filepath.Join(root, "usr/lib/os-release"), []byte("ID=debian\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "run/marker"), []byte("run"), 0o644))
	must(os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
	must(os.Symlink("../usr/lib/os-release", filepath.Join(root, "etc/os-release")))
	must(os.Symlink("/run", filepath.Join(root, "var/run")))
	must(os.Symlink("/etc/passwd", filepath.Join(root, "home/alice/abs-passwd")))
	must(os.Symlink("../../../../../../secret", filepath.Join(root, "home/alice/dotdot")))
	must(os.Symlink(outside, filepath.Join(root, "home/alice/real-outside")))
	must(os.Symlink("loop-b", filepath.Join(root, "home/alice/loop-a")))
	must(os.Symlink("loop-a", filepath.Join(root, "home/alice/loop-b")))
	return root, outside
}

func TestReadFileStaysInside(t *testing.T) {
	dir, _ := buildTree(t)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tests := []struct {
		name    string
		path    string
		want    string // content; empty means an error is wanted
		wantErr error
	}{
		{"plain file", "/etc/passwd", "root:x:0:0::/root:/bin/sh\n", nil},
		{"relative path treated as absolute", "etc/passwd", "root:x:0:0::/root:/bin/sh\n", nil},
		{"relative symlink", "/etc/os-release", "ID=debian\n", nil},
		{"absolute symlink dir resolves in root", "/var/run/marker", "run", nil},
		{"absolute symlink file resolves in root", "/home/alice/abs-passwd", "root:x:0:0::/root:/bin/sh\n", nil},
		{"dotdot in the path is clamped", "/../../../etc/passwd", "root:x:0:0::/root:/bin/sh\n", nil},
		{"dotdot symlink is clamped at root", "/home/alice/dotdot", "", fs.ErrNotExist},
		{"symlink to a real outside path stays inside", "/home/alice/real-outside", "", fs.ErrNotExist},
		{"missing file", "/etc/shadow", "", fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := r.ReadFile(tt.path, 0)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ReadFile(%q) = %q, want error", tt.path, b)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("ReadFile(%q) error = %v, want %v", tt.path, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile(%q): %v", tt.path, err)
			}
			if string(b) != tt.want {
				t.Fatalf("ReadFile(%q) = %q, want %q", tt.path, b, tt.want)
			}
		})
	}
}

func TestSymlinkLoopIsAnError(t *testing.T) {
	dir, _ := buildTree(t)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.ReadFile("/home/alice/loop-a", 0); err == nil {
		t.Fatal("ReadFile of a symlink loop succeeded, want error")
	}
}

func TestResolveNeverLeavesRoot(t *testing.T) {
	dir, _ := buildTree(t)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, p := range []string{"/", "..", "/home/alice/dotdot", "/home/alice/real-outside", "/var/run/../../..", "/home/alice/abs-passwd"} {
		got, err := r.Resolve(p)
		if err != nil {
			continue
		}
		rel, err := filepath.Rel(r.Dir(), got)
		if err != nil || rel == ".." || len(rel) > 2 && rel[:3] == "../" {
			t.Errorf("Resolve(%q) = %q, outside %q", p, got, r.Dir())
		}
	}
}

func TestReadFileLimit(t *testing.T) {
	dir, _ := buildTree(t)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.ReadFile("/etc/passwd", 4); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFile over limit: err = %v, want ErrTooLarge", err)
	}
}

func TestLstatDoesNotFollowFinalLink(t *testing.T) {
	dir, _ := buildTree(t)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fi, err := r.Lstat("/etc/os-release")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("Lstat(/etc/os-release) mode = %v, want symlink", fi.Mode())
	}
	fi, err = r.Stat("/etc/os-release")
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() {
		t.Fatalf("Stat(/etc/os-release) mode = %v, want regular", fi.Mode())
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"/etc/passwd", "../../x", "/home/alice/dotdot/x", "a/../../b", "/var/run/../../../../etc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		dir, _ := buildTree(t)
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		got, err := r.Resolve(p)
		if err != nil {
			return
		}
		rel, err := filepath.Rel(r.Dir(), got)
		if err != nil || rel == ".." || len(rel) > 2 && rel[:3] == "../" {
			t.Fatalf("Resolve(%q) = %q escapes %q", p, got, r.Dir())
		}
	})
}
