// Command gen regenerates policies/lifecycle/data.json from the
// endoflife.date reference file committed at
// internal/lifecycle/source/os-lifecycles.json. It is run by go generate in
// internal/lifecycle; paths default to locations relative to the
// repository root, which it finds by walking up to go.mod.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/auditfleet/auditfleet/internal/lifecycle"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	root, err := lifecycle.RepoRoot(".")
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	in := fs.String("in", filepath.Join(root, lifecycle.SourcePath), "endoflife.date reference file")
	out := fs.String("out", filepath.Join(root, lifecycle.DataPath), "lifecycle document to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	data, err := lifecycle.Generate(raw)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write lifecycle document: %w", err)
	}
	return nil
}
