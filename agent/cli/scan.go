package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/agent/state"
	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/firstseen"
	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/orgdata"
	"github.com/auditfleet/auditfleet/scorecard"
)

func newScan(o *options) *cobra.Command {
	var (
		format string
		at     string
		only   []string
		report string
		stateD string
	)
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect facts, evaluate the controls locally and print the scorecard",
		Long: `Collect facts, evaluate every control locally and print the scorecard.

Exit status: 2 when at least one control failed; otherwise 1 on an
operational error (the scan could not run, or a control could not be
evaluated because its collector failed); otherwise 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := scorecard.ParseFormat(format, scorecard.HostFormats)
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("--%w", err)}
			}
			now := time.Now().UTC()
			var collectAt time.Time // zero: the clock
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return &exitError{ExitError, fmt.Errorf("--at %q: want an RFC 3339 time such as 2026-11-20T12:00:00Z: %w", at, err)}
				}
				now = t.UTC()
				collectAt = now
			}
			engine, org, err := o.policies(cmd.Context())
			if err != nil {
				return err
			}
			doc, err := o.collect(cmd, only, collectAt)
			if err != nil {
				return err
			}
			assessed, body, err := assess.Encode(doc)
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("prepare facts for evaluation: %w", err)}
			}
			if report != "" {
				if err := os.WriteFile(report, body, 0o600); err != nil {
					return &exitError{ExitError, fmt.Errorf("write the assessed report: %w", err)}
				}
			}
			firstSeen(o, cmd, stateD, assessed)
			pol := &assess.Policies{Engine: engine, Org: org}
			if org != nil {
				pol.OrgKey = org.Digest()
			}
			card, err := assess.Assess(cmd.Context(), assessed, assess.Host{}, pol, now)
			if err != nil {
				return &exitError{ExitError, fmt.Errorf("evaluate policies: %w", err)}
			}
			if err := card.Write(o.stdout, f); err != nil {
				return &exitError{ExitError, err}
			}
			if card.Failed() {
				return &exitError{ExitFailed, fmt.Errorf("%d controls failed", card.Summary.Fail)}
			}
			if card.Summary.Error > 0 {
				return &exitError{ExitError, fmt.Errorf("%d controls could not be evaluated (see collector errors)", card.Summary.Error)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json, junit (JUnit XML), sarif (SARIF 2.1.0) or markdown")
	cmd.Flags().StringVar(&at, "at", "", "evaluate as of this RFC 3339 time instead of now (reproducible audits and tests)")
	cmd.Flags().StringSliceVar(&only, "collector", nil, "run only these collectors (repeatable)")
	cmd.Flags().StringVar(&stateD, "state-dir", "", "state directory whose record of first sightings dates pending updates from the first scan that saw them (config state_dir, default "+state.DefaultDir+"; not used when it does not exist)")
	cmd.Flags().StringVar(&report, "report", "", "also write the facts document assessed to this file (0600), e.g. to submit it or assess it again")
	o.policyFlags(cmd)
	return cmd
}

// firstSeen dates the scan's pending updates from the first scan of this
// host root that saw them, by the state directory's record, and records
// this scan there. Without a usable state directory the dates are the
// package lists' (a warning says why); the scan still runs.
func firstSeen(o *options, cmd *cobra.Command, flag string, r *assess.Report) {
	dir := firstNonEmpty(flag, o.cfg.StateDir, state.DefaultDir)
	if _, err := os.Stat(dir); err != nil {
		return // no agent installed here: nothing to keep sightings in
	}
	warn := func(err error) {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: pending updates dated from the package lists only: %v\n", err)
	}
	d, err := state.Open(dir)
	if err != nil {
		warn(err)
		return
	}
	rec, err := d.FirstSeen()
	if err != nil {
		warn(err)
		return
	}
	host := o.hostRoot + " " + r.OSFact("hostname") + " " + r.OSFact("machine_id")
	if rec.Host != host {
		rec = firstseen.Record{} // another host root's, or none
	}
	if err := r.UseFirstSeen(&rec, "this agent's record of its scans, "+filepath.Join(dir, state.FirstSeenFile)); err != nil {
		warn(err)
		return
	}
	if err := d.SaveFirstSeen(rec.Apply(host, r.PendingUpdates(), r.Doc.CollectedAt, r.Doc.ReportID)); err != nil {
		warn(err)
	}
}

// policyFlags adds the flags that choose the policies.
func (o *options) policyFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.customDir, "custom-policies", "", "directory of the organisation's own controls (Rego), evaluated beside the built-in ones (config policy.custom_dir)")
	cmd.Flags().StringVar(&o.bundle, "bundle", "", "signed policy bundle to evaluate instead of the built-in policies (config policy.bundle)")
	cmd.Flags().StringVar(&o.bundleKey, "bundle-key", "", "PEM public key the bundle must be signed with (config policy.bundle_key)")
	cmd.Flags().StringVar(&o.orgDir, "org-dir", "", "directory of organisation data: thresholds, leavers, approved admins, plans, data stores, host tags, waivers (config policy.org_dir; see docs/org-data.md)")
}

// policies loads the engine and the organisation data it is given,
// validated against the engine's controls. For each kind, the first
// source that has it is used: the files of --org-dir (policy.org_dir),
// then those packed in a signed bundle, then the agent configuration's
// policy settings (docs/org-data.md).
func (o *options) policies(ctx context.Context) (*opa.Engine, *orgdata.Set, error) {
	engine, err := o.engine(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	var ids []string
	for _, c := range engine.Controls() {
		ids = append(ids, c.ID)
	}
	packed, err := o.source().Org(ids)
	if err != nil {
		return nil, nil, &exitError{ExitError, err}
	}
	var files *orgdata.Set
	if dir := firstNonEmpty(o.orgDir, o.cfg.Policy.OrgDir); dir != "" {
		if files, err = orgdata.LoadDir(dir, ids); err != nil {
			return nil, nil, &exitError{ExitError, fmt.Errorf("organisation data: %w", err)}
		}
	}
	if packed == nil && files == nil {
		return engine, nil, nil
	}
	set := packed.Overlay(files)
	engine, err = o.engine(ctx, set.PolicyData())
	if err != nil {
		return nil, nil, err
	}
	return engine, set, nil
}

// source is where the policies come from, from the flags and the
// configuration.
func (o *options) source() assess.Source {
	return assess.Source{
		CustomDir: firstNonEmpty(o.customDir, o.cfg.Policy.CustomDir),
		Bundle:    firstNonEmpty(o.bundle, o.cfg.Policy.Bundle),
		BundleKey: firstNonEmpty(o.bundleKey, o.cfg.Policy.BundleKey),
	}
}

// engine loads the policies: the built-in controls plus custom ones, or a
// signed bundle, verified before use. org, when not nil, is the
// organisation data (data.org), merged over the agent configuration's.
func (o *options) engine(ctx context.Context, org map[string]any) (*opa.Engine, error) {
	engine, err := o.source().Engine(ctx, mergeOrg(o.cfg.Policy.OrgData(), org))
	if err != nil {
		return nil, &exitError{ExitError, err}
	}
	return engine, nil
}

// mergeOrg overlays organisation data files on what the agent
// configuration says; the files win.
func mergeOrg(base, over map[string]any) map[string]any {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}
