package api

import (
	"net/http"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/registry"
)

// Enrollment rate limits, when not configured.
const (
	DefaultEnrollsPerMinute       = 60
	DefaultEnrollBurst            = 60
	DefaultSecretEnrollsPerMinute = 300
	DefaultSecretEnrollBurst      = 100
)

func (s *Server) createEnrollSecret(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	var req struct {
		Name    string     `json:"name"`
		Expires *time.Time `json:"expires"`
		MaxUses int        `json:"max_uses"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	spec := registry.SecretSpec{Name: req.Name, Expires: req.Expires, MaxUses: req.MaxUses}
	if err := spec.Validate(); err != nil {
		return errorf(http.StatusBadRequest, "bad_request", err.Error())
	}
	if req.Expires != nil && !s.now().Before(*req.Expires) {
		return errorf(http.StatusBadRequest, "bad_request", "expires is not in the future")
	}
	secret, info, err := s.Registry.IssueEnrollSecret(r.Context(), spec)
	if err != nil {
		return err
	}
	noteAudit(r, "created "+info.Describe())
	writeJSON(w, http.StatusCreated, struct {
		registry.SecretInfo
		Secret string `json:"secret"`
	}{info, secret})
	return nil
}

func (s *Server) listEnrollSecrets(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	out := []registry.SecretInfo{}
	for info, err := range s.Registry.EnrollSecrets(r.Context()) {
		if err != nil {
			return err
		}
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, map[string]any{"enroll_secrets": out})
	return nil
}

func (s *Server) revokeEnrollSecret(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	info, err := s.Registry.RevokeEnrollSecret(r.Context(), r.PathValue("secret_id"))
	if err != nil {
		return err
	}
	noteAudit(r, "revoked "+info.Describe())
	writeJSON(w, http.StatusOK, map[string]any{"revoked": info})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	var req struct {
		Name string `json:"name"`
		Role string `json:"role"`
		// TTL is "" (the default lifetime), "never", "90d" or "36h".
		TTL string `json:"ttl"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	life, err := auth.ParseLifetime(req.TTL)
	if err != nil {
		return errorf(http.StatusBadRequest, "bad_request", "ttl: "+err.Error())
	}
	secret, info, err := s.Tokens.IssuePerson(r.Context(), req.Name, auth.Role(req.Role), life)
	if err != nil {
		return errorf(http.StatusBadRequest, "bad_request", err.Error())
	}
	noteAudit(r, "created "+info.Describe())
	writeJSON(w, http.StatusCreated, struct {
		auth.TokenInfo
		Secret string `json:"secret"`
	}{info, secret})
	return nil
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	out := []auth.TokenInfo{}
	for info, err := range s.Tokens.People(r.Context()) {
		if err != nil {
			return err
		}
		out = append(out, info)
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	info, err := s.Tokens.RevokePerson(r.Context(), r.PathValue("token_id"))
	if err != nil {
		return err
	}
	noteAudit(r, "revoked "+info.Describe())
	writeJSON(w, http.StatusOK, map[string]any{"revoked": info})
	return nil
}
