package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing/fstest"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/internal/lifecycle"
	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/policies"
)

func newBundle(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Build and verify signed policy bundles",
		Long: `A signed policy bundle carries the controls and their data from the
assurance team to the agents; scan --bundle verifies its signature before
it evaluates anything, and records the bundle's revision in every result.

The bundle carries the lifecycle data ICO-SEC-01 reads (data.lifecycle),
so scan --bundle judges end of support by the bundle's dates, not the
agent's built-in ones: build --lifecycle FILE packs a newer lifecycle
document to give a fleet new end-of-life dates without a new agent.

Make a key pair with openssl:
  openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out bundle-signing.pem
  openssl pkey -in bundle-signing.pem -pubout -out bundle-signing.pub`,
	}
	cmd.AddCommand(newBundleBuild(o), newBundleVerify(o))
	return cmd
}

func newBundleBuild(o *options) *cobra.Command {
	var keyPath, out, revision, dir, lifecyclePath, orgDir string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build a signed bundle of the policies (built-in, or a policy directory)",
		Long: `Build a signed bundle of the policies and their data: the built-in
policies, or those of --policies DIR.

--lifecycle FILE replaces the lifecycle data (lifecycle/data.json, read by
ICO-SEC-01 as data.lifecycle) with FILE, a lifecycle document laid out as
policies/lifecycle/data.json is. Generate one from a newer endoflife.date
reference file (see internal/lifecycle/source/README.md) with
  go run ./internal/lifecycle/cmd/gen -in os-lifecycles.json -out lifecycle.json
Its source repository and commit are what every ICO-SEC-01 result records
in sources.lifecycle, so change them when you change the dates. The
lifecycle document going into the bundle, given or built in, is checked
before anything is signed.

--org-dir DIR packs the organisation data files of DIR (thresholds,
entitlements, approved admins, waivers, …; docs/org-data.md), validated
against the bundle's controls, so that offline scans with the bundle use
them: a scan's own --org-dir files still win, kind by kind.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := os.ReadFile(keyPath)
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("signing key: %w", err)}
			}
			fsys := fs.FS(policies.FS)
			if dir != "" {
				fsys = os.DirFS(dir)
			}
			fsys, source, err := withLifecycle(fsys, lifecyclePath)
			if err != nil {
				return &exitError{ExitError, err}
			}
			if orgDir != "" {
				if fsys, err = withOrg(cmd.Context(), fsys, orgDir); err != nil {
					return &exitError{ExitError, err}
				}
			}
			b, err := opa.BuildBundle(fsys, revision, key)
			if err != nil {
				return &exitError{ExitError, err}
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return &exitError{ExitError, fmt.Errorf("write bundle: %w", err)}
			}
			fmt.Fprintf(o.stdout, "wrote %s (%d bytes), lifecycle data %s\n", out, len(b), source)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "signing-key", "", "PEM private key (RSA or ECDSA) to sign with")
	cmd.Flags().StringVar(&out, "out", "policies.tar.gz", "bundle file to write")
	cmd.Flags().StringVar(&revision, "revision", "", "bundle revision recorded in every result (default: content hash)")
	cmd.Flags().StringVar(&dir, "policies", "", "policy directory to bundle (default: the built-in policies)")
	cmd.Flags().StringVar(&lifecyclePath, "lifecycle", "", "lifecycle document to pack instead of the policies' lifecycle/data.json")
	cmd.Flags().StringVar(&orgDir, "org-dir", "", "organisation data files to pack for offline scans (docs/org-data.md)")
	_ = cmd.MarkFlagRequired("signing-key")
	return cmd
}

// lifecycleFile is where a policy tree keeps the lifecycle document, loaded
// as data.lifecycle.
const lifecycleFile = "lifecycle/data.json"

// withLifecycle returns the policy tree fsys with its lifecycle document
// replaced by the one at path (when path is not empty), and that
// document's source as results record it ("none" for a tree without
// one). The document, given or in the tree, must pass
// lifecycle.ParseDocument.
func withLifecycle(fsys fs.FS, path string) (fs.FS, string, error) {
	if path == "" {
		raw, err := fs.ReadFile(fsys, lifecycleFile)
		if errors.Is(err, fs.ErrNotExist) {
			return fsys, "none", nil
		}
		if err != nil {
			return nil, "", fmt.Errorf("lifecycle data: %w", err)
		}
		doc, err := lifecycle.ParseDocument(raw)
		if err != nil {
			return nil, "", fmt.Errorf("lifecycle data %s of the policies: %w", lifecycleFile, err)
		}
		return fsys, sourceOf(doc), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("lifecycle data: %w", err)
	}
	doc, err := lifecycle.ParseDocument(raw)
	if err != nil {
		return nil, "", fmt.Errorf("lifecycle data %s: %w", path, err)
	}
	data, err := doc.Marshal()
	if err != nil {
		return nil, "", fmt.Errorf("lifecycle data %s: %w", path, err)
	}
	tree, err := withFile(fsys, lifecycleFile, data)
	if err != nil {
		return nil, "", err
	}
	return tree, sourceOf(doc), nil
}

// withOrg returns the policy tree fsys with the organisation data files of
// dir packed as assess.BundleOrgFile, after checking that they load
// against the tree's controls.
func withOrg(ctx context.Context, fsys fs.FS, dir string) (fs.FS, error) {
	engine, err := opa.New(ctx, fsys, opa.Options{})
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	var ids []string
	for _, c := range engine.Controls() {
		ids = append(ids, c.ID)
	}
	files, err := orgdata.Files(dir, ids)
	if err != nil {
		return nil, fmt.Errorf("organisation data: %w", err)
	}
	data, err := assess.EncodeBundleOrg(files)
	if err != nil {
		return nil, err
	}
	return withFile(fsys, assess.BundleOrgFile, data)
}

// withFile returns a copy of the policy tree fsys with the file at name
// set to data (added, or replacing the tree's own).
func withFile(fsys fs.FS, name string, data []byte) (fs.FS, error) {
	tree := fstest.MapFS{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		tree[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	tree[name] = &fstest.MapFile{Data: data}
	return tree, nil
}

// sourceOf names a lifecycle document's source as ICO-SEC-01 records it
// in sources.lifecycle.
func sourceOf(doc *lifecycle.Document) string {
	return doc.Source.Repository + "@" + doc.Source.Commit
}

// bundleLifecycle returns the source of the lifecycle data in an opened
// bundle (opa.OpenBundle keeps all its data in data.json), checked with
// lifecycle.ParseDocument; "none" when the bundle carries none.
func bundleLifecycle(fsys fs.FS) (string, error) {
	raw, err := fs.ReadFile(fsys, "data.json")
	if errors.Is(err, fs.ErrNotExist) {
		return "none", nil
	}
	if err != nil {
		return "", err
	}
	var data struct {
		Lifecycle json.RawMessage `json:"lifecycle"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		return "", fmt.Errorf("bundle data: %w", err)
	}
	if data.Lifecycle == nil {
		return "none", nil
	}
	doc, err := lifecycle.ParseDocument(data.Lifecycle)
	if err != nil {
		return "", err
	}
	return sourceOf(doc), nil
}

func newBundleVerify(o *options) *cobra.Command {
	var keyPath string
	cmd := &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Verify a bundle's signature and list its controls",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fsys, rev, err := assess.OpenBundle(args[0], keyPath)
			if err != nil {
				return &exitError{ExitError, err}
			}
			e, err := opa.New(cmd.Context(), fsys, opa.Options{Revision: "bundle:" + rev})
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("policy bundle %s: %w", args[0], err)}
			}
			source, err := bundleLifecycle(fsys)
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("policy bundle %s: %w", args[0], err)}
			}
			fmt.Fprintf(o.stdout, "%s: signature verified, revision %s, %d controls, lifecycle data %s\n", args[0], rev, len(e.Controls()), source)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "bundle-key", "", "PEM public key the bundle must be signed with")
	return cmd
}
