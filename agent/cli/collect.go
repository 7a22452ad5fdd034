package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/agent"
	"github.com/auditfleet/auditfleet/agent/pluginhost"
	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/version"
)

func newCollect(o *options) *cobra.Command {
	var only []string
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Run the collectors and print the facts document as JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			doc, err := o.collect(cmd, only, time.Time{})
			if err != nil {
				return err
			}
			enc := json.NewEncoder(o.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(doc); err != nil {
				return &exitError{ExitError, fmt.Errorf("write facts: %w", err)}
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&only, "collector", nil, "run only these collectors (repeatable)")
	return cmd
}

// collect runs the collectors with the resolved options.
// at, when not zero, is the time to collect as at (scan --at): collectors
// compute ages and look-back windows from it, and the document records it.
func (o *options) collect(cmd *cobra.Command, only []string, at time.Time) (*facts.Document, error) {
	root, err := hostroot.Open(o.hostRoot)
	if err != nil {
		return nil, &exitError{ExitError, err}
	}
	o.hostRoot = root.Dir()
	root.Close()
	var now func() time.Time
	if !at.IsZero() {
		now = func() time.Time { return at }
	}
	cpu, mem := o.cfg.Limits.Collector()
	a := &agent.Agent{
		Collector: pluginhost.New(pluginhost.Config{
			Dir:          o.pluginDir,
			Now:          now,
			Timeout:      o.collectorTimeout,
			Options:      o.cfg.Collectors,
			Only:         only,
			CPUBudget:    cpu,
			MemoryBudget: mem,
			Logger:       o.log,
		}),
		HostRoot: o.hostRoot,
		Version:  version.String(),
		Now:      now,
	}
	doc, err := a.Collect(cmd.Context())
	if err != nil {
		return nil, &exitError{ExitError, err}
	}
	for _, e := range doc.CollectorErrors {
		o.log.Warn("collector error", "collector", e.Collector, "kind", e.Kind, "message", e.Message)
	}
	return doc, nil
}
