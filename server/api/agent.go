package api

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/registry"
)

func (s *Server) enroll(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	secret, ok := bearer(r)
	if !ok {
		return errorf(http.StatusUnauthorized, "unauthenticated", "enrolling needs an enroll secret as the bearer token")
	}
	secretID := auth.PublicID(registry.SecretIDPrefix, auth.Hash(secret))
	if err := s.limitEnroll(w, r, secretID); err != nil {
		return err
	}
	var req registry.EnrollRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return errorf(http.StatusBadRequest, "bad_request", err.Error())
	}
	id, token, err := s.Registry.Enroll(r.Context(), secret, req)
	if err != nil {
		return err
	}
	if err := s.Audit.Append(r.Context(), auditlog.Entry{
		Actor: auth.Principal{Kind: "host", ID: id.String(), Role: auth.Agent}, Action: auditlog.Create,
		Object: objkey.Host(id), Outcome: "ok", Detail: "enrolled " + req.Hostname + " with enroll secret " + secretID, Remote: r.RemoteAddr,
	}); err != nil {
		return fmt.Errorf("record enrollment: %w", err)
	}
	writeJSON(w, http.StatusCreated, map[string]string{"host_id": id.String(), "token": token})
	return nil
}

// limitEnroll refuses an enrollment (429 with Retry-After) when its
// source address or its enroll secret has enrolled too often. Unknown
// secrets count too, so guessing is as slow as enrolling.
func (s *Server) limitEnroll(w http.ResponseWriter, r *http.Request, secretID string) error {
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	for _, l := range []struct {
		lim       *limiter
		key, what string
	}{{s.enrollAddr, addr, "this address"}, {s.enrollSecret, secretID, "this enroll secret"}} {
		if ok, wait := l.lim.allow(l.key); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			return errorf(http.StatusTooManyRequests, "rate_limited", "too many enrollments from "+l.what+"; retry later")
		}
	}
	return nil
}

func (s *Server) checkin(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	c, deadline, err := s.Schedule.Current(s.now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"host_id": p.ID, "cycle_id": c.String(), "deadline": deadline, "jitter_seconds": s.Config.JitterSeconds,
		"policy_revision": s.PolicyRevision, "max_report_bytes": s.Config.MaxReportBytes,
	})
	return nil
}

// busyRetrySeconds is the Retry-After of a report refused because the
// server holds as many report bytes as it may, or one of the host's.
const busyRetrySeconds = 10

func (s *Server) report(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	if ok, wait := s.limit.allow(p.ID); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return errorf(http.StatusTooManyRequests, "rate_limited", "too many reports from this host; retry later")
	}
	if r.ContentLength > s.Config.MaxReportBytes {
		return errorf(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("report is %d bytes, over the %d byte limit", r.ContentLength, s.Config.MaxReportBytes))
	}
	// Reserve the body's bytes in the server-wide budget before reading
	// it; a body of unknown length may be as long as the limit.
	reserve := r.ContentLength
	if reserve < 0 {
		reserve = s.Config.MaxReportBytes
	}
	if why := s.inflight.take(p.ID, reserve); why != "" {
		w.Header().Set("Retry-After", strconv.Itoa(busyRetrySeconds))
		return errorf(http.StatusServiceUnavailable, "busy", why+"; retry later")
	}
	defer s.inflight.give(p.ID, reserve)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.Config.MaxReportBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("report over the %d byte limit", s.Config.MaxReportBytes))
		}
		return errorf(http.StatusBadRequest, "bad_request", "read body: "+err.Error())
	}
	id, err := objkey.ParseHostID(p.ID)
	if err != nil {
		return auth.ErrUnauthenticated
	}
	h, err := s.Registry.Get(r.Context(), id)
	if err != nil {
		return err
	}
	c, _, err := s.Schedule.Current(s.now())
	if err != nil {
		return err
	}
	rc, err := s.Ingest.Ingest(r.Context(), ingest.Host{ID: id, Name: h.Hostname, Stored: h.Stored()}, c, body)
	if err != nil {
		return err
	}
	filed, err := objkey.ParseCycleID(rc.CycleID)
	if err != nil {
		return fmt.Errorf("report %s: %w", rc.ReportID, err)
	}
	// The host may have been revoked or decommissioned while its report
	// was stored: then nothing of it may stay.
	if err := s.Registry.RecordReport(r.Context(), id, filed, rc.ReportID, s.now()); err != nil {
		if errors.Is(err, registry.ErrInactive) {
			if derr := s.Ingest.Discard(r.Context(), id, filed, rc.ReportID); derr != nil {
				return errors.Join(err, derr)
			}
		}
		return err
	}
	if !rc.Duplicate {
		if err := s.Audit.Append(r.Context(), auditlog.Entry{Actor: p, Action: auditlog.Create, Object: "report " + rc.ReportID + " cycle " + rc.CycleID, Outcome: "ok", Remote: r.RemoteAddr}); err != nil {
			return fmt.Errorf("record report: %w", err)
		}
		s.metrics.reports.Inc()
	}
	status := http.StatusCreated
	if rc.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, rc)
	return nil
}
