package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/auditfleet/auditfleet/scorecard"
	"github.com/auditfleet/auditfleet/server/ingest"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
)

func (s *Server) hostID(r *http.Request) (objkey.HostID, error) {
	id, err := objkey.ParseHostID(r.PathValue("host_id"))
	if err != nil {
		return objkey.HostID{}, errorf(http.StatusBadRequest, "bad_request", err.Error())
	}
	return id, nil
}

func (s *Server) listHosts(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	hosts := []registry.Host{}
	for h, err := range s.Registry.List(r.Context()) {
		if err != nil {
			return err
		}
		hosts = append(hosts, public(h))
	}
	writeJSON(w, http.StatusOK, map[string]any{"hosts": hosts})
	return nil
}

func (s *Server) getHost(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	id, err := s.hostID(r)
	if err != nil {
		return err
	}
	h, err := s.Registry.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, public(h))
	return nil
}

// hostDoc answers the stored document of the host named in the path, in
// the cycle asked for (default: the last it reported in), of the report
// collected last there (ingest.Latest): key builds the document's key,
// answer writes it.
func (s *Server) hostDoc(w http.ResponseWriter, r *http.Request, key func(objkey.CycleID, objkey.HostID, objkey.ReportID) string, answer func(http.ResponseWriter, []byte) error) error {
	id, err := s.hostID(r)
	if err != nil {
		return err
	}
	var c objkey.CycleID
	if q := r.URL.Query().Get("cycle"); q != "" {
		if c, err = objkey.ParseCycleID(q); err != nil {
			return errorf(http.StatusBadRequest, "bad_request", err.Error())
		}
	} else {
		h, err := s.Registry.Get(r.Context(), id)
		if err != nil {
			return err
		}
		if h.LastCycle == "" {
			return errorf(http.StatusNotFound, "not_found", "host has not reported")
		}
		if c, err = objkey.ParseCycleID(h.LastCycle); err != nil {
			return err
		}
	}
	rec, found, err := ingest.Latest(r.Context(), s.Store, c, id)
	if err != nil {
		return err
	}
	if !found {
		return errorf(http.StatusNotFound, "not_found", "nothing stored for that host and cycle")
	}
	rid, err := objkey.ParseReportID(rec.ReportID)
	if err != nil {
		return fmt.Errorf("results of %s in %s: %w", id, c, err)
	}
	b, _, err := store.GetBytes(r.Context(), s.Store, key(c, id, rid))
	if err != nil {
		return err
	}
	return answer(w, b)
}

// hostResults answers the host's stored results: the stored JSON, or the
// scorecard in the format asked for (?format= or Accept: junit, sarif,
// markdown, table).
func (s *Server) hostResults(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	f, err := format(r, scorecard.HostFormats)
	if err != nil {
		return err
	}
	return s.hostDoc(w, r, objkey.Results, func(w http.ResponseWriter, b []byte) error {
		return writeFormatted(w, b, f, "results", func(h *scorecard.Host, buf *bytes.Buffer) error { return h.Write(buf, f) })
	})
}

func (s *Server) hostFacts(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	return s.hostDoc(w, r, objkey.Facts, writeJSONBytes)
}

// writeJSONBytes answers stored JSON as is.
func writeJSONBytes(w http.ResponseWriter, b []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(b)
	return err
}

// hostChange applies a registry change to the host named in the path and
// answers with the updated entry.
func (s *Server) hostChange(w http.ResponseWriter, r *http.Request, change func(context.Context, objkey.HostID) (registry.Host, error)) error {
	id, err := s.hostID(r)
	if err != nil {
		return err
	}
	h, err := change(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, public(h))
	return nil
}

// public hides a registry entry's hashes from API answers.
func public(h registry.Host) registry.Host {
	h.TokenHash, h.MachineHash = "", ""
	return h
}

func (s *Server) revokeHost(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	return s.hostChange(w, r, s.Registry.Revoke)
}

func (s *Server) readmitHost(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	return s.hostChange(w, r, s.Registry.Readmit)
}

func (s *Server) decommission(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	id, err := s.hostID(r)
	if err != nil {
		return err
	}
	n, err := s.Registry.Decommission(r.Context(), id)
	outcome, detail := "ok", fmt.Sprintf("erased %d objects", n)
	if err != nil {
		outcome, detail = "error", fmt.Sprintf("erased %d objects; %v", n, err)
	}
	if aerr := s.Audit.Append(r.Context(), auditlog.Entry{Actor: p, Action: auditlog.Delete, Object: "host " + id.String() + " facts and results", Justification: justification(r), Outcome: outcome, Detail: detail, Remote: r.RemoteAddr}); aerr != nil {
		return fmt.Errorf("record erasure: %w", aerr)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"host_id": id.String(), "state": registry.Decommissioned, "objects_deleted": n})
	return nil
}
