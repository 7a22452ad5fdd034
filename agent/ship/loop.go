package ship

import (
	"context"
	"time"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/state"
)

// Backoff bounds for retries (check-in, collection, spool).
const (
	MinBackoff = 30 * time.Second
	MaxBackoff = 30 * time.Minute
)

// deadlineMargin is how long after a cycle's deadline the loop checks in,
// to find the next cycle open.
const deadlineMargin = time.Minute

// Loop reports once per audit cycle until ctx ends, then returns nil. It
// returns an error only when going on is pointless: the server refuses the
// host's credentials (re-enroll), or the state directory cannot be used.
//
// Each round it checks in. On a cycle it has not reported in, it waits a
// random delay within the cycle's jitter window (never past the cycle's
// deadline), so that the fleet does not report at once, then collects and
// delivers as Once does. Otherwise it retries the spool, if anything
// waits there. It then sleeps until the next check-in: after
// CheckinInterval, a minute after the cycle's deadline if sooner, or after an
// exponential backoff (at least the server's Retry-After) when something
// failed.
func (r *Runner) Loop(ctx context.Context) error {
	last, err := r.Cycles.LastCycle()
	if err != nil {
		return err
	}
	interval := r.CheckinInterval
	if interval <= 0 {
		interval = DefaultCheckinInterval
	}
	var (
		failures int    // consecutive failed rounds
		pending  = -1   // reports in the spool; -1 unknown
		jittered string // cycle whose jitter delay has been waited
	)
	for {
		failed, retryAfter, deadline, err := r.round(ctx, &last, &jittered, &pending)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		now := r.now()
		var wait time.Duration
		if failed {
			failures++
			wait = max(r.backoff(failures), retryAfter)
		} else {
			failures = 0
			wait = interval
			if d := deadline.Sub(now); d > 0 && d+deadlineMargin < wait {
				wait = d + deadlineMargin
			}
		}
		r.log().Debug("sleeping until the next check-in", "wait", wait, "pending", pending)
		if err := r.sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

// round does one check-in and what follows. failed asks for a backoff;
// err ends the loop.
func (r *Runner) round(ctx context.Context, last *state.Cycle, jittered *string, pending *int) (failed bool, retryAfter time.Duration, deadline time.Time, err error) {
	ci, cerr := r.Server.Checkin(ctx)
	if cerr != nil {
		if ctx.Err() != nil || client.Retryable(cerr) {
			r.log().Warn("check-in failed; will retry", "err", cerr)
			return true, client.RetryAfter(cerr), time.Time{}, nil
		}
		return false, 0, time.Time{}, explain(cerr)
	}
	deadline = ci.Deadline
	if ci.CycleID == last.ID {
		if *pending == 0 {
			return false, 0, deadline, nil
		}
		res, ferr := r.Spool.Flush(ctx, r.Server)
		if ferr != nil {
			r.log().Error("spool could not be read or updated; will retry after a backoff", "err", ferr)
			return true, 0, deadline, nil
		}
		*pending = res.Pending
		return r.judge(res.Stopped, deadline)
	}

	if *jittered != ci.CycleID {
		delay := r.jitterDelay(ci)
		r.log().Info("new audit cycle; collecting after the jitter delay", "cycle_id", ci.CycleID, "deadline", ci.Deadline, "delay", delay)
		if err := r.sleep(ctx, delay); err != nil {
			return false, 0, deadline, nil // ctx ended; Loop returns
		}
		*jittered = ci.CycleID
	}
	out, err := r.collectAndDeliver(ctx, Outcome{Checkin: ci, spoolDir: r.Spool.Dir()})
	if err != nil {
		if ctx.Err() != nil {
			return false, 0, deadline, nil
		}
		if out.ReportID != "" {
			// The report exists but could not be kept (spool disk full,
			// state directory unwritable): the agent keeps running, the
			// cycle is not marked reported, and the next round collects
			// and delivers a new report once there is room.
			r.log().Error("report collected but neither delivered nor kept; will collect again after a backoff",
				"cycle_id", ci.CycleID, "report_id", out.ReportID, "err", err)
			return true, 0, deadline, nil
		}
		r.log().Error("collection failed; will retry", "cycle_id", ci.CycleID, "err", err)
		return true, 0, deadline, nil
	}
	*last = state.Cycle{ID: ci.CycleID, ReportID: out.ReportID}
	*pending = out.Delivery.Pending
	if p := out.Problem(); p != nil && !Waiting(p) {
		if client.IsUnauthenticated(out.Delivery.Stopped) {
			return false, 0, deadline, p
		}
		r.log().Error("report not delivered", "err", p)
	}
	return r.judge(out.Delivery.Stopped, deadline)
}

// judge turns the failure that stopped a delivery into the loop's next
// step.
func (r *Runner) judge(stopped error, deadline time.Time) (bool, time.Duration, time.Time, error) {
	switch {
	case stopped == nil:
		return false, 0, deadline, nil
	case client.IsUnauthenticated(stopped):
		return false, 0, deadline, explain(stopped)
	}
	return true, client.RetryAfter(stopped), deadline, nil
}

// jitterDelay picks a uniform delay in the cycle's jitter window, kept
// before the deadline.
func (r *Runner) jitterDelay(ci client.Checkin) time.Duration {
	window := ci.Jitter()
	if left := ci.Deadline.Sub(r.now()); !ci.Deadline.IsZero() && left < window {
		window = max(left, 0)
	}
	return time.Duration(r.rand(int64(window)))
}

// backoff returns the delay after n consecutive failures: exponential
// from MinBackoff to MaxBackoff, with its upper half random so that a
// fleet that lost its server does not return at once.
func (r *Runner) backoff(n int) time.Duration {
	d := MinBackoff
	for i := 1; i < n && d < MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, MaxBackoff)
	return d/2 + time.Duration(r.rand(int64(d/2)))
}
