package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/auditfleet/auditfleet/plugins/manifest"
)

// Collectors returns the names of the collector plugins in the repository
// at root: every plugins/<name> folder with a cmd/main.go.
func Collectors(root string) ([]string, error) {
	mains, err := filepath.Glob(filepath.Join(root, "plugins", "*", "cmd", "main.go"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range mains {
		names = append(names, filepath.Base(filepath.Dir(filepath.Dir(m))))
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("no collectors under %s/plugins", root)
	}
	return names, nil
}

// Build builds auditfleet-agent into dir and every collector, with its
// manifest, into dir/plugins, from the repository at root.
func Build(root, dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "plugins"), 0o755); err != nil {
		return err
	}
	build := func(out, pkg string) error {
		// As `make build` ships them: static, without symbol tables.
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./"+pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
		}
		return nil
	}
	if err := build(filepath.Join(dir, "auditfleet-agent"), "agent/cmd/auditfleet-agent"); err != nil {
		return err
	}
	names, err := Collectors(root)
	if err != nil {
		return err
	}
	for _, c := range names {
		bin := filepath.Join(dir, "plugins", "auditfleet-collector-"+c)
		if err := build(bin, filepath.Join("plugins", c, "cmd")); err != nil {
			return err
		}
		if _, err := manifest.Write(bin, manifest.Manifest{Name: c, Namespace: c}); err != nil {
			return err
		}
	}
	return nil
}
