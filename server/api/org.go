package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/org"
	"github.com/auditfleet/auditfleet/server/store"
)

func (s *Server) orgKind(r *http.Request) (objkey.OrgKind, error) {
	k, err := objkey.ParseOrgKind(r.PathValue("kind"))
	if err != nil {
		return objkey.OrgKind{}, errorf(http.StatusBadRequest, "bad_request", err.Error())
	}
	return k, nil
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	k, err := s.orgKind(r)
	if err != nil {
		return err
	}
	b, p, err := s.Org.Get(r.Context(), k)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "not_found", "no "+k.String()+" uploaded yet")
	}
	if err != nil {
		return err
	}
	ct := "application/yaml"
	if p.Format == "csv" {
		ct = "text/csv"
	}
	w.Header().Set("Content-Type", ct+"; charset=utf-8")
	w.Header().Set("X-Org-Version", p.Version)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}

func (s *Server) putOrg(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	k, err := s.orgKind(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, org.MaxUploadBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("document over %d bytes", org.MaxUploadBytes))
		}
		return errorf(http.StatusBadRequest, "bad_request", "read body: "+err.Error())
	}
	ptr, err := s.Org.Upload(r.Context(), k, r.Header.Get("Content-Type"), body, p.Kind+":"+p.ID)
	switch {
	case errors.Is(err, org.ErrMediaType):
		return errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", err.Error())
	case errors.Is(err, org.ErrInvalid):
		return errorf(http.StatusUnprocessableEntity, "invalid_org_data", err.Error())
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ptr)
	return nil
}
