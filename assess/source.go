package assess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/policies"
)

// Source says where the controls come from: the built-in policies, plus
// the organisation's own controls from CustomDir, or instead a signed
// bundle verified with BundleKey. The agent (offline scans) and the
// server load them the same way.
type Source struct {
	// CustomDir is a directory of the organisation's own controls (Rego),
	// evaluated beside the built-in ones.
	CustomDir string `json:"custom_dir,omitempty"`
	// Bundle is a signed policy bundle evaluated instead of the built-in
	// policies; BundleKey is the PEM public key that must have signed it.
	Bundle    string `json:"bundle,omitempty"`
	BundleKey string `json:"bundle_key,omitempty"`
}

// Validate checks the source's settings go together, before any file is
// read: a bundle needs its key, and cannot be combined with custom
// controls.
func (s Source) Validate() error {
	if s.Bundle != "" && s.CustomDir != "" {
		return errors.New("a policy bundle and custom controls cannot be used together: build the custom controls into the bundle")
	}
	if s.Bundle != "" && s.BundleKey == "" {
		return fmt.Errorf("policy bundle %s: no bundle key to verify it with; unsigned bundles are never used", s.Bundle)
	}
	if s.Bundle == "" && s.BundleKey != "" {
		return errors.New("a bundle key is set but no bundle")
	}
	return nil
}

// Engine compiles the source's controls over organisation data org
// (data.org). A bundle is verified before
// anything in it is used; an unsigned, tampered or wrongly signed bundle
// is refused.
func (s Source) Engine(ctx context.Context, org map[string]any) (*opa.Engine, error) {
	opts := opa.Options{Org: org, CustomDir: s.CustomDir}
	fsys := fs.FS(policies.FS)
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.Bundle != "" {
		var rev string
		var err error
		if fsys, rev, err = OpenBundle(s.Bundle, s.BundleKey); err != nil {
			return nil, err
		}
		opts.Revision = "bundle:" + rev
	}
	e, err := opa.New(ctx, fsys, opts)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	return e, nil
}

// OpenBundle verifies and opens the signed bundle at path.
func OpenBundle(path, keyPath string) (fs.FS, string, error) {
	if keyPath == "" {
		return nil, "", fmt.Errorf("policy bundle %s: no bundle key to verify it with; unsigned bundles are never used", path)
	}
	key, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, "", fmt.Errorf("policy bundle key: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("policy bundle: %w", err)
	}
	defer f.Close()
	fsys, rev, err := opa.OpenBundle(f, key)
	if err != nil {
		return nil, "", fmt.Errorf("policy bundle %s: %w", path, err)
	}
	return fsys, rev, nil
}

// BundleOrgFile is where a policy tree packed into a bundle keeps the
// organisation data files (data.auditfleet_org: {"files": {name: text}}),
// for offline scans with the bundle.
const BundleOrgFile = "auditfleet_org/data.json"

// bundleOrg is the document at BundleOrgFile.
type bundleOrg struct {
	Files map[string]string `json:"files"`
}

// EncodeBundleOrg encodes organisation data files (name: content) as the
// document at BundleOrgFile.
func EncodeBundleOrg(files map[string][]byte) ([]byte, error) {
	doc := bundleOrg{Files: map[string]string{}}
	for name, b := range files {
		doc.Files[name] = string(b)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode organisation data for the bundle: %w", err)
	}
	return out, nil
}

// Org returns the organisation data packed in the source's bundle,
// validated against controls; nil when the source is no bundle or the
// bundle carries none. The bundle is verified again before it is read.
func (s Source) Org(controls []string) (*orgdata.Set, error) {
	if s.Bundle == "" {
		return nil, nil
	}
	fsys, _, err := OpenBundle(s.Bundle, s.BundleKey)
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(fsys, "data.json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("policy bundle %s: %w", s.Bundle, err)
	}
	var data struct {
		Org *bundleOrg `json:"auditfleet_org"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, fmt.Errorf("policy bundle %s: data: %w", s.Bundle, err)
	}
	if data.Org == nil {
		return nil, nil
	}
	files := map[string][]byte{}
	for name, text := range data.Org.Files {
		files[name] = []byte(text)
	}
	set, err := orgdata.LoadFiles(files, controls)
	if err != nil {
		return nil, fmt.Errorf("policy bundle %s: organisation data: %w", s.Bundle, err)
	}
	return set, nil
}
