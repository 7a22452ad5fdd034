package dirlist

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"c", "a", "b"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	tests := []struct {
		dir      string
		limit    int
		want     int
		wantFull bool
	}{
		{"/", 10, 4, true},
		{"/", 4, 4, true},
		{"/", 2, 2, false},
		{"/", 0, 0, false},
		{"/empty", 0, 0, true},
		{"/empty", -1, 0, true},
	}
	for _, tt := range tests {
		ents, full, err := Read(root, (*hostroot.Root).Open, tt.dir, tt.limit)
		if err != nil || len(ents) != tt.want || full != tt.wantFull {
			t.Errorf("Read(%s, %d) = %d entries, full %v, %v; want %d, %v", tt.dir, tt.limit, len(ents), full, err, tt.want, tt.wantFull)
		}
		for i := 1; i < len(ents); i++ {
			if ents[i-1].Name() > ents[i].Name() {
				t.Errorf("Read(%s, %d): %s before %s, want sorted by name", tt.dir, tt.limit, ents[i-1].Name(), ents[i].Name())
			}
		}
	}
	if _, _, err := Read(root, (*hostroot.Root).Open, "/missing", 1); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read(/missing) error = %v, want ErrNotExist", err)
	}
}
