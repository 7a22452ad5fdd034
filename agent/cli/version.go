package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/plugins/sdk"
	"github.com/auditfleet/auditfleet/version"
)

func newVersion(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the agent version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(o.stdout, "auditfleet-agent %s (collector protocol %d)\n", version.String(), sdk.ProtocolVersion)
			return err
		},
	}
}
