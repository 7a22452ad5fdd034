package spool

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/auditfleet/auditfleet/agent/client"
)

// Submitter sends one report to the server; *client.Client implements it.
type Submitter interface {
	Submit(ctx context.Context, report []byte) (client.Receipt, error)
}

// Result says what became of the reports in one delivery.
type Result struct {
	// Delivered lists the reports the server now holds, in the order sent
	// (duplicates included: the server already had them).
	Delivered []string
	// Rejected lists the reports the server refused for good, now in
	// rejected/.
	Rejected []string
	// Spooled lists new reports written to the spool by this delivery.
	Spooled []string
	// Pending is how many reports wait in the spool afterwards.
	Pending int
	// Stopped is the failure that stopped delivery and left reports in the
	// spool, nil when none: retryable (client.Retryable), or the server
	// refusing the agent rather than the report (401 revoked token, 403,
	// 404), which needs an operator before the reports can go.
	Stopped error
}

// Flush sends the spooled reports, oldest first. A report the server
// refuses for good (client.ReportRefused) moves to rejected/; any other
// failure stops the flush, leaving that report and the newer ones in the
// spool.
// The error is for local failures only (the spool cannot be read or
// changed); the server's answers are in Result.
func (s *Spool) Flush(ctx context.Context, sub Submitter) (Result, error) {
	var res Result
	err := s.flush(ctx, sub, &res)
	return s.finish(res, err)
}

// Deliver sends the spooled reports, oldest first, then r. When the
// server does not take reports now, r is spooled instead (without being
// tried when an older report just failed, so that order is kept). A report is never dropped without a log line: see the package
// documentation.
func (s *Spool) Deliver(ctx context.Context, sub Submitter, r Report) (Result, error) {
	var res Result
	ferr := s.flush(ctx, sub, &res)
	done := false
	if ferr != nil || res.Stopped == nil {
		// With an unusable spool, the new report may still get through.
		var err error
		if done, err = s.send(ctx, sub, r, &res); err != nil {
			return res, errors.Join(ferr, err)
		}
	}
	if !done {
		s.log.Warn("server cannot take the report now; spooling it", "report_id", r.ID, "err", res.Stopped)
		if err := s.Put(r); err != nil {
			return res, errors.Join(ferr, err)
		}
		res.Spooled = append(res.Spooled, r.ID)
	}
	return s.finish(res, ferr)
}

// send submits a report that is not in the spool. done is false when the
// failure was retryable (res.Stopped set) and the caller should spool it.
func (s *Spool) send(ctx context.Context, sub Submitter, r Report, res *Result) (done bool, err error) {
	rc, serr := sub.Submit(ctx, r.Body)
	switch {
	case serr == nil:
		res.Delivered = append(res.Delivered, r.ID)
		s.log.Info("report delivered", "report_id", r.ID, "cycle_id", rc.CycleID, "duplicate", rc.Duplicate)
		return true, nil
	case !client.ReportRefused(serr):
		res.Stopped = serr
		return false, nil
	}
	res.Rejected = append(res.Rejected, r.ID)
	s.log.Error("server rejected report; kept in rejected/", "report_id", r.ID, "dir", s.rejectedDir(), "err", serr)
	if err := s.RejectReport(r, serr.Error()); err != nil {
		return true, err
	}
	return true, nil
}

func (s *Spool) flush(ctx context.Context, sub Submitter, res *Result) error {
	ents, err := s.Pending()
	if err != nil {
		return err
	}
	for _, e := range ents {
		r, err := s.Read(e)
		if errors.Is(err, os.ErrNotExist) {
			continue // delivered by another agent process meanwhile
		}
		if err != nil {
			return err
		}
		rc, serr := sub.Submit(ctx, r.Body)
		switch {
		case serr == nil:
			res.Delivered = append(res.Delivered, e.ID)
			s.log.Info("spooled report delivered", "report_id", e.ID, "collected_at", e.CollectedAt, "duplicate", rc.Duplicate)
			if err := s.Remove(e); err != nil {
				return err
			}
		case !client.ReportRefused(serr):
			res.Stopped = serr
			s.log.Warn("server cannot take reports now; spooled reports kept for later", "pending", len(ents)-len(res.Delivered)-len(res.Rejected), "err", serr)
			return nil
		default:
			res.Rejected = append(res.Rejected, e.ID)
			s.log.Error("server rejected spooled report; moved to rejected/", "report_id", e.ID, "collected_at", e.CollectedAt, "dir", s.rejectedDir(), "err", serr)
			if err := s.Reject(e, serr.Error()); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish counts what is left in the spool.
func (s *Spool) finish(res Result, err error) (Result, error) {
	if err != nil {
		return res, err
	}
	ents, lerr := s.Pending()
	if lerr != nil {
		return res, fmt.Errorf("count spooled reports: %w", lerr)
	}
	res.Pending = len(ents)
	return res, nil
}
