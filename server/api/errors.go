package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
)

// Error is an error with an HTTP status and a stable code for clients.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorf returns an *Error.
func errorf(status int, code, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

// toError maps any error to the status and code the client sees. It is
// the only place that decides statuses.
func toError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, auth.ErrUnauthenticated):
		return errorf(http.StatusUnauthorized, "unauthenticated", "missing, unknown, expired or revoked credential")
	case errors.Is(err, registry.ErrBadSecret):
		return errorf(http.StatusUnauthorized, "unauthenticated", "unknown, expired, used up or revoked enroll secret")
	case errors.Is(err, auth.ErrNoToken), errors.Is(err, registry.ErrNoSecret):
		return errorf(http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, registry.ErrNotFound):
		return errorf(http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, registry.ErrInactive):
		return errorf(http.StatusForbidden, "host_inactive", "the host was revoked or decommissioned while its report was stored; the report was not kept")
	case errors.Is(err, registry.ErrNotReadmit):
		return errorf(http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, registry.ErrNotRevocable), errors.Is(err, registry.ErrActive):
		return errorf(http.StatusConflict, "conflict", err.Error())
	case errors.Is(err, registry.ErrLegalHold), errors.Is(err, registry.ErrDuplicateMachine):
		return errorf(http.StatusConflict, "conflict", err.Error())
	case errors.Is(err, ingest.ErrConflict):
		return errorf(http.StatusConflict, "conflict", err.Error())
	case errors.Is(err, ingest.ErrUnknownNamespace):
		return errorf(http.StatusBadRequest, "unknown_namespace", err.Error())
	case errors.Is(err, ingest.ErrSchema):
		return errorf(http.StatusUnprocessableEntity, "schema_violation", err.Error())
	case errors.Is(err, ingest.ErrInvalid):
		return errorf(http.StatusBadRequest, "invalid_report", err.Error())
	case errors.Is(err, store.ErrChecksum):
		return errorf(http.StatusInternalServerError, "corrupt_object", "a stored object failed its checksum check and is not served; an operator must restore it (the server log names it)")
	}
	return errorf(http.StatusInternalServerError, "internal", "internal error")
}

// writeError answers with the JSON error body.
func writeError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]*Error{"error": e})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
