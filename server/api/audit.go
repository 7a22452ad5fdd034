package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
)

// maxAuditDays bounds the days one audit request reads.
const maxAuditDays = 31

// auditRange parses the from and to days (YYYY-MM-DD, UTC) of an audit
// request; both default to defFrom and today. It returns the first and
// the last instant of the range.
func (s *Server) auditRange(r *http.Request, defFrom time.Time) (time.Time, time.Time, error) {
	day := func(name string, def time.Time) (time.Time, error) {
		v := r.URL.Query().Get(name)
		if v == "" {
			return def, nil
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return time.Time{}, errorf(http.StatusBadRequest, "bad_request", fmt.Sprintf("%s: want YYYY-MM-DD", name))
		}
		return t, nil
	}
	today := s.now().Truncate(24 * time.Hour)
	from, err := day("from", defFrom)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	to, err := day("to", today)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if to.Sub(from) > maxAuditDays*24*time.Hour || to.Before(from) {
		return time.Time{}, time.Time{}, errorf(http.StatusBadRequest, "bad_request", fmt.Sprintf("from..to must be 0 to %d days", maxAuditDays))
	}
	return from, to.Add(24*time.Hour - time.Nanosecond), nil
}

// auditEntries lists the entries of a range of days. An entry that cannot
// be read as written is listed under problems, not served, and does not
// stop the others being listed.
func (s *Server) auditEntries(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	from, to, err := s.auditRange(r, s.now().Truncate(24*time.Hour))
	if err != nil {
		return err
	}
	entries := []auditlog.Entry{}
	problems := []auditlog.Problem{}
	for e, err := range s.Audit.Entries(r.Context(), from, to) {
		var ee *auditlog.EntryError
		switch {
		case errors.As(err, &ee):
			problems = append(problems, auditlog.Problem{Kind: ee.Kind, Key: ee.Key, Detail: ee.Err.Error()})
			if ee.Entry != nil {
				entries = append(entries, *ee.Entry)
			}
		case err != nil:
			return err
		default:
			entries = append(entries, e)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries, "problems": problems})
	return nil
}

// auditVerify verifies the chains of a range of days (default: the last
// seven) up to now and answers with the report; ok is false when anything
// is wrong.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	from, to, err := s.auditRange(r, s.now().Truncate(24*time.Hour).Add(-6*24*time.Hour))
	if err != nil {
		return err
	}
	every := s.Config.AuditCheckpointEvery
	if every <= 0 {
		every = auditlog.DefaultCheckpointEvery
	}
	rep, err := s.Audit.Verify(r.Context(), from, to, auditlog.VerifyOptions{Stale: 2 * every})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		OK bool `json:"ok"`
		*auditlog.Report
	}{rep.OK(), rep})
	return nil
}
