package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

func newControls(o *options) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List the controls of the catalogue (built-in and custom)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return &exitError{ExitError, fmt.Errorf("--format %q: want table or json", format)}
			}
			engine, err := o.engine(cmd.Context(), nil)
			if err != nil {
				return err
			}
			controls := engine.Controls()
			if format == "json" {
				enc := json.NewEncoder(o.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(controls)
			}
			fmt.Fprintf(o.stdout, "%-11s  %-8s  %-4s  %-8s  %s\n", "CONTROL", "SEVERITY", "AREA", "PRIORITY", "TITLE")
			for _, c := range controls {
				fmt.Fprintf(o.stdout, "%-11s  %-8s  %-4s  %-8s  %s\n", c.ID, c.Severity, c.Area, c.Severity.Priority(), c.Title)
			}
			fmt.Fprintf(o.stdout, "\n%d controls, policy revision %s\n", len(controls), engine.Revision())
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	o.policyFlags(cmd)
	return cmd
}
