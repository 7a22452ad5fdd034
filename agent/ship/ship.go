package ship

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/spool"
	"github.com/auditfleet/auditfleet/agent/state"
	"github.com/auditfleet/auditfleet/facts"
)

// DefaultCheckinInterval is how often the loop checks in when nothing
// else wakes it.
const DefaultCheckinInterval = time.Hour

// Server is what the runner needs of the server; *client.Client
// implements it.
type Server interface {
	Checkin(ctx context.Context) (client.Checkin, error)
	Submit(ctx context.Context, report []byte) (client.Receipt, error)
}

// CycleStore remembers the last audit cycle reported in; *state.Dir
// implements it.
type CycleStore interface {
	LastCycle() (state.Cycle, error)
	SaveCycle(state.Cycle) error
}

// Runner checks in, collects and delivers reports.
type Runner struct {
	// Server is where reports go.
	Server Server
	// Collect produces a new facts document.
	Collect func(ctx context.Context) (*facts.Document, error)
	// Spool keeps the reports the server cannot take yet.
	Spool *spool.Spool
	// Cycles remembers the last cycle reported in, across restarts.
	Cycles CycleStore
	// Log receives progress and failures (nil discards them).
	Log *slog.Logger
	// CheckinInterval is the longest the loop sleeps between check-ins
	// (default DefaultCheckinInterval).
	CheckinInterval time.Duration

	// Now returns the current time (default time.Now).
	Now func() time.Time
	// Sleep waits for d or until ctx ends, returning ctx.Err() then
	// (default: a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a uniform random number in [0, n) for n > 0 (default
	// math/rand/v2).
	Rand func(n int64) int64
}

// Outcome says what one run achieved.
type Outcome struct {
	// Checkin is the server's answer; zero when the check-in failed with
	// a retryable error and the run went on without it.
	Checkin client.Checkin
	// ReportID identifies the report collected by this run.
	ReportID string
	// Delivery says what became of the new report and the spool.
	Delivery spool.Result

	spoolDir string
}

// Once checks in, collects one report and delivers it after any spooled
// ones. When the server cannot be reached the report is spooled. The error
// is for failures that stop the run (collection failed, credentials
// refused, local I/O); what the server did with the reports is in the
// Outcome (see Problem).
func (r *Runner) Once(ctx context.Context) (Outcome, error) {
	out := Outcome{spoolDir: r.Spool.Dir()}
	ci, err := r.Server.Checkin(ctx)
	switch {
	case err == nil:
		out.Checkin = ci
		r.log().Info("checked in", "cycle_id", ci.CycleID, "deadline", ci.Deadline, "policy_revision", ci.PolicyRevision)
	case client.Retryable(err) && ctx.Err() == nil:
		r.log().Warn("check-in failed; collecting anyway, the report will be spooled if the server stays unreachable", "err", err)
	default:
		return out, explain(err)
	}
	return r.collectAndDeliver(ctx, out)
}

func (r *Runner) collectAndDeliver(ctx context.Context, out Outcome) (Outcome, error) {
	doc, err := r.Collect(ctx)
	if err != nil {
		if ctx.Err() == nil {
			// Still give the spool its chance.
			if res, ferr := r.Spool.Flush(ctx, r.Server); ferr == nil {
				out.Delivery = res
			}
		}
		return out, fmt.Errorf("collect: %w", err)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return out, fmt.Errorf("encode report %s: %w", doc.ReportID, err)
	}
	rep := spool.Report{ID: doc.ReportID, CollectedAt: doc.CollectedAt, Body: body}
	out.ReportID = rep.ID
	if limit := out.Checkin.MaxReportBytes; limit > 0 && int64(len(body)) > limit {
		out.Delivery, err = r.rejectOversized(ctx, rep, limit)
	} else {
		out.Delivery, err = r.Spool.Deliver(ctx, r.Server, rep)
	}
	if err != nil {
		return out, err
	}
	if out.Checkin.CycleID != "" {
		if err := r.Cycles.SaveCycle(state.Cycle{ID: out.Checkin.CycleID, ReportID: rep.ID}); err != nil {
			return out, err
		}
	}
	return out, nil
}

// rejectOversized keeps a report the server announced it would refuse in
// rejected/ without uploading it, and still flushes the spool.
func (r *Runner) rejectOversized(ctx context.Context, rep spool.Report, limit int64) (spool.Result, error) {
	res, err := r.Spool.Flush(ctx, r.Server)
	if err != nil {
		return res, err
	}
	reason := fmt.Sprintf("report is %d bytes, over the server's max_report_bytes of %d; not sent", len(rep.Body), limit)
	r.log().Error("report too large for the server; kept in rejected/", "report_id", rep.ID, "bytes", len(rep.Body), "max_report_bytes", limit)
	if err := r.Spool.RejectReport(rep, reason); err != nil {
		return res, err
	}
	res.Rejected = append(res.Rejected, rep.ID)
	return res, nil
}

// Problem returns why a run's reports did not all reach the server, nil
// when they did. Spooled reports that a retry may deliver give an error
// for which Waiting is true.
func (o Outcome) Problem() error {
	res, spoolDir := o.Delivery, o.spoolDir
	switch {
	case len(res.Rejected) > 0:
		return fmt.Errorf("the server refused %d report(s) for good (%v); they are kept with the reason in %s", len(res.Rejected), res.Rejected, filepath.Join(spoolDir, spool.RejectedDir))
	case res.Stopped != nil && !client.Retryable(res.Stopped):
		return fmt.Errorf("%d report(s) wait in %s: %w", res.Pending, spoolDir, explain(res.Stopped))
	case res.Pending > 0:
		return &WaitingError{Pending: res.Pending, Dir: spoolDir, Err: res.Stopped}
	}
	return nil
}

// WaitingError means reports wait in the spool for a retry.
type WaitingError struct {
	Pending int
	Dir     string
	Err     error
}

// Error says how many reports wait, where, and why.
func (e *WaitingError) Error() string {
	return fmt.Sprintf("%d report(s) spooled in %s for a later attempt: %v", e.Pending, e.Dir, e.Err)
}

// Unwrap returns the failure that left the reports in the spool.
func (e *WaitingError) Unwrap() error { return e.Err }

// Waiting reports whether err only says that reports wait in the spool.
func Waiting(err error) bool {
	var we *WaitingError
	return errors.As(err, &we)
}

// explain adds what the operator should do to a refusal of the agent's
// credentials.
func explain(err error) error {
	var e *client.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Status {
	case 401:
		return fmt.Errorf("%w: the server no longer accepts this host's token (revoked, or replaced by another enrollment): re-enroll with auditfleet-agent enroll", err)
	case 403:
		return fmt.Errorf("%w: the server refuses this host (revoked or decommissioned?): ask an operator to re-admit it, then re-enroll", err)
	}
	return err
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *Runner) rand(n int64) int64 {
	if n <= 0 {
		return 0
	}
	if r.Rand != nil {
		return r.Rand(n)
	}
	return rand.Int64N(n)
}
