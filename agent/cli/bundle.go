package cli

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
)

func newBundle(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Build and verify signed policy bundles",
		Long: `A signed policy bundle carries the controls and their data from the
assurance team to the agents; scan --bundle verifies its signature before
it evaluates anything, and records the bundle's revision in every result.

Make a key pair with openssl:
  openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out bundle-signing.pem
  openssl pkey -in bundle-signing.pem -pubout -out bundle-signing.pub`,
	}
	cmd.AddCommand(newBundleBuild(o), newBundleVerify(o))
	return cmd
}

func newBundleBuild(o *options) *cobra.Command {
	var keyPath, out, revision, dir string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build a signed bundle of the policies (built-in, or a policy directory)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			key, err := os.ReadFile(keyPath)
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("signing key: %w", err)}
			}
			fsys := fs.FS(policies.FS)
			if dir != "" {
				fsys = os.DirFS(dir)
			}
			b, err := opa.BuildBundle(fsys, revision, key)
			if err != nil {
				return &exitError{ExitError, err}
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return &exitError{ExitError, fmt.Errorf("write bundle: %w", err)}
			}
			fmt.Fprintf(o.stdout, "wrote %s (%d bytes)\n", out, len(b))
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "signing-key", "", "PEM private key (RSA or ECDSA) to sign with")
	cmd.Flags().StringVar(&out, "out", "policies.tar.gz", "bundle file to write")
	cmd.Flags().StringVar(&revision, "revision", "", "bundle revision recorded in every result (default: content hash)")
	cmd.Flags().StringVar(&dir, "policies", "", "policy directory to bundle (default: the built-in policies)")
	_ = cmd.MarkFlagRequired("signing-key")
	return cmd
}

func newBundleVerify(o *options) *cobra.Command {
	var keyPath string
	cmd := &cobra.Command{
		Use:   "verify BUNDLE",
		Short: "Verify a bundle's signature and list its controls",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fsys, rev, err := openBundle(args[0], keyPath)
			if err != nil {
				return &exitError{ExitError, err}
			}
			e, err := opa.New(cmd.Context(), fsys, opa.Options{Revision: "bundle:" + rev})
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("policy bundle %s: %w", args[0], err)}
			}
			fmt.Fprintf(o.stdout, "%s: signature verified, revision %s, %d controls\n", args[0], rev, len(e.Controls()))
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "bundle-key", "", "PEM public key the bundle must be signed with")
	return cmd
}
