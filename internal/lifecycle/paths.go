package lifecycle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Paths relative to the repository root.
const (
	// SourcePath is the endoflife.date reference file the document is
	// generated from, kept in the repository (source/README.md says where
	// it comes from and how to refresh it).
	SourcePath = "internal/lifecycle/source/os-lifecycles.json"
	// DataPath is the generated document the policies load.
	DataPath = "policies/lifecycle/data.json"
)

// RepoRoot returns the nearest directory at or above dir holding go.mod.
func RepoRoot(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("find repository root: %w", err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("find repository root: no go.mod at or above %s", dir)
		}
		d = parent
	}
}
