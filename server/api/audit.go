package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
)

func (s *Server) auditEntries(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
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
	from, err := day("from", today)
	if err != nil {
		return err
	}
	to, err := day("to", today)
	if err != nil {
		return err
	}
	if to.Sub(from) > 31*24*time.Hour || to.Before(from) {
		return errorf(http.StatusBadRequest, "bad_request", "from..to must be 0 to 31 days")
	}
	entries := []auditlog.Entry{}
	for e, err := range s.Audit.Entries(r.Context(), from, to.Add(24*time.Hour-time.Nanosecond)) {
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
	return nil
}
