package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/agent/pluginhost"
	"github.com/auditfleet/auditfleet/plugins/manifest"
)

func newPlugins(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugins",
		Short: "Inspect collector plugins and write their manifests",
	}
	cmd.AddCommand(newPluginsList(o), newPluginsManifest(o))
	return cmd
}

func newPluginsList(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the collectors of the plugin directory and check their checksums",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			h := pluginhost.New(pluginhost.Config{Dir: o.pluginDir, Logger: o.log})
			ms, refused, err := h.Discover()
			if err != nil {
				return &exitError{ExitError, err}
			}
			fmt.Fprintf(o.stdout, "plugin directory: %s\n", o.pluginDir)
			for _, m := range ms {
				state := "ok"
				sum, err := manifest.FileSHA256(filepath.Join(o.pluginDir, m.Binary))
				switch {
				case err != nil:
					state = "MISSING: " + err.Error()
				case sum != m.SHA256:
					state = "CHECKSUM MISMATCH: will be refused"
				}
				fmt.Fprintf(o.stdout, "  %-12s namespace %-12s %s  %s\n", m.Name, m.Namespace, m.SHA256[:12], state)
			}
			for _, r := range refused {
				fmt.Fprintf(o.stdout, "  %-12s REFUSED: %s\n", r.Name, r.Err.Message)
			}
			return nil
		},
	}
}

func newPluginsManifest(o *options) *cobra.Command {
	var m manifest.Manifest
	cmd := &cobra.Command{
		Use:   "manifest BINARY",
		Short: "Write the manifest that pins a collector binary's SHA-256",
		Long: `Write <name>.manifest.json beside BINARY, pinning its SHA-256. Run it when
installing or upgrading a collector; the agent refuses a binary that no
longer matches its manifest.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if m.Name == "" {
				m.Name = strings.TrimPrefix(filepath.Base(args[0]), "auditfleet-collector-")
			}
			if m.Namespace == "" {
				m.Namespace = strings.ReplaceAll(m.Name, "-", "_")
			}
			path, err := manifest.Write(args[0], m)
			if err != nil {
				return &exitError{ExitError, err}
			}
			fmt.Fprintln(o.stdout, path)
			return nil
		},
	}
	cmd.Flags().StringVar(&m.Name, "name", "", "collector name (default: binary name without auditfleet-collector-)")
	cmd.Flags().StringVar(&m.Namespace, "namespace", "", "facts namespace (default: the name)")
	cmd.Flags().StringVar(&m.Timeout, "timeout", "", "time limit per collection, e.g. 30s (default: the agent's)")
	return cmd
}
