package api

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

func (s *Server) listCycles(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	type entry struct {
		CycleID string `json:"cycle_id"`
		Closed  bool   `json:"closed"`
	}
	cycles := []entry{}
	for o, err := range s.Store.List(r.Context(), objkey.CyclesPrefix) {
		if err != nil {
			return err
		}
		c, err := objkey.ParseCycle(o.Key)
		if err != nil {
			continue
		}
		_, err = s.Store.Stat(r.Context(), objkey.FleetScorecard(c))
		cycles = append(cycles, entry{CycleID: c.String(), Closed: err == nil})
	}
	writeJSON(w, http.StatusOK, map[string]any{"cycles": cycles})
	return nil
}

// cycleScorecard answers the cycle's fleet scorecard as stored (JSON) or
// as Markdown (?format=markdown or Accept: text/markdown).
func (s *Server) cycleScorecard(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	c, err := objkey.ParseCycleID(r.PathValue("cycle_id"))
	if err != nil {
		return errorf(http.StatusBadRequest, "bad_request", err.Error())
	}
	f, err := format(r, scorecard.FleetFormats)
	if err != nil {
		return err
	}
	b, _, err := store.GetBytes(r.Context(), s.Store, objkey.FleetScorecard(c))
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "not_found", "cycle "+c.String()+" has no scorecard (not closed yet)")
	}
	if err != nil {
		return err
	}
	return writeFormatted(w, b, f, "fleet scorecard", func(card *scorecard.Fleet, buf *bytes.Buffer) error { return card.WriteMarkdown(buf) })
}

// closeCycle closes the current cycle now, writing its fleet scorecard
// (for audits that cannot wait for the schedule, and for tests).
func (s *Server) closeCycle(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	if s.Closer == nil {
		return errorf(http.StatusServiceUnavailable, "unavailable", "cycles are not configured")
	}
	c, _, err := s.Schedule.Current(s.now())
	if err != nil {
		return err
	}
	closed, err := s.Closer.Close(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, closed)
	return nil
}
