package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/agent/ship"
	"github.com/auditfleet/auditfleet/agent/spool"
	"github.com/auditfleet/auditfleet/agent/state"
	"github.com/auditfleet/auditfleet/facts"
)

// ExitSpooled: run --once collected a report but the server could not
// take it (or an older spooled one) now; it waits in the spool and the
// next run sends it first.
const ExitSpooled = 3

func newRun(o *options) *cobra.Command {
	var (
		once     bool
		stateDir string
	)
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Send this host's facts to the server, once or once per audit cycle",
		Long: `Send this host's facts to the server it is enrolled with.

With --once: check in, collect, send any spooled reports (oldest first) and
then the new one, and exit. When the server cannot be reached or asks to
retry later, the report is kept in <state-dir>/spool/ and the next run sends
it first. A report the server refuses for good (too large, invalid) is moved
to <state-dir>/spool/rejected/ with a .reason file beside it.

Without --once: keep running until SIGINT or SIGTERM. Check in (every
server.checkin_interval, default 1h), and on each new audit cycle wait a
random delay within the cycle's jitter window, then collect and send once;
retry the spool with exponential backoff.

Exit codes:
  0  every report was delivered (run: stopped by a signal)
  1  operational error: not enrolled, the server refused the host's token
     (re-enroll), collection failed, a report was refused for good, or the
     state directory is unusable
  3  (--once) reports wait in the spool for the next run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd, once, stateDir)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&once, "once", false, "check in, collect, send and exit")
	f.StringVar(&stateDir, "state-dir", "", "state directory (config state_dir, default "+state.DefaultDir+")")
	return cmd
}

func (o *options) run(cmd *cobra.Command, once bool, stateDir string) error {
	fail := func(err error) error { return &exitError{ExitError, err} }
	st, err := state.Open(o.stateDir(stateDir))
	if err != nil {
		return fail(err)
	}
	creds, err := st.Credentials()
	if err != nil {
		return fail(err)
	}
	if u := o.cfg.Server.URL; u != "" && strings.TrimRight(u, "/") != strings.TrimRight(creds.ServerURL, "/") {
		o.log.Warn("server.url in the config differs from the server this host enrolled with; using the enrolled one (enroll again to move)", "config", u, "enrolled", creds.ServerURL)
	}
	c, err := o.newClient(creds.ServerURL, creds.Token)
	if err != nil {
		return fail(err)
	}
	sp, err := spool.Open(st.SpoolPath(), spool.Limits{MaxFiles: o.cfg.Spool.MaxFiles, MaxBytes: o.cfg.Spool.MaxBytes}, o.log)
	if err != nil {
		return fail(err)
	}
	r := &ship.Runner{
		Server: c,
		Collect: func(context.Context) (*facts.Document, error) {
			return o.collect(cmd, nil, time.Time{}) // under cmd.Context(), the context the runner passes
		},
		Spool:           sp,
		Cycles:          st,
		Log:             o.log.With("host_id", creds.HostID),
		CheckinInterval: time.Duration(o.cfg.Server.CheckinInterval),
	}
	if !once {
		if err := r.Loop(cmd.Context()); err != nil {
			return fail(err)
		}
		return nil
	}
	out, err := r.Once(cmd.Context())
	if err != nil {
		return fail(err)
	}
	res := out.Delivery
	if len(res.Delivered) > 0 {
		fmt.Fprintf(o.stdout, "delivered %d report(s): %s\n", len(res.Delivered), strings.Join(res.Delivered, ", "))
	}
	if p := out.Problem(); p != nil {
		if ship.Waiting(p) {
			return &exitError{ExitSpooled, p}
		}
		return fail(p)
	}
	if !slices.Contains(res.Delivered, out.ReportID) {
		return fail(errors.New("the new report was neither delivered nor spooled")) // cannot happen; never report success for it
	}
	return nil
}
