package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name     string
		existing []byte // nil: no file before
		data     []byte
		perm     os.FileMode
	}{
		{"new file", nil, []byte(`{"a":1}`), 0o600},
		{"replace", []byte("old content that is longer"), []byte("new"), 0o600},
		{"empty", []byte("old"), []byte{}, 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.json")
			if tt.existing != nil {
				if err := os.WriteFile(path, tt.existing, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(path, tt.data, tt.perm); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(tt.data) {
				t.Errorf("content %q, want %q", got, tt.data)
			}
			if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != tt.perm {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.perm)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 1 {
				t.Errorf("directory holds %d entries, want only the file (no temporary left)", len(ents))
			}
		})
	}
}

func TestWriteMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "f")
	if err := Write(path, []byte("x"), 0o600); err == nil {
		t.Fatalf("Write(%s) = nil, want an error", path)
	}
}

func TestRenameRemove(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(sub, "b")
	if err := Write(a, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Rename(a, b); err != nil {
		t.Fatalf("Rename: %v", err)
	}
	if _, err := os.Stat(a); !os.IsNotExist(err) {
		t.Errorf("Stat(old) = %v, want not exist", err)
	}
	if err := Remove(b); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, err := os.Stat(b); !os.IsNotExist(err) {
		t.Errorf("Stat(removed) = %v, want not exist", err)
	}
	if err := Remove(b); err != nil {
		t.Errorf("Remove(missing) = %v, want nil", err)
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{".tmp-x.json-123": true, "x.json": false, "tmp-x": false} {
		if got := IsTemp(name); got != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, got, want)
		}
	}
}
