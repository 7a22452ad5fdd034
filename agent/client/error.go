package client

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error codes of the API that the agent acts on.
const (
	CodeUnauthenticated = "unauthenticated"
	CodeForbidden       = "forbidden"
	CodeTooLarge        = "too_large"
	CodeRateLimited     = "rate_limited"
)

// Error is a failure answered by the server: a 4xx or 5xx status with the
// API's error body (Code and Message are empty when the body was not the
// API's JSON, for instance from a proxy).
type Error struct {
	Status  int
	Code    string
	Message string
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
}

// Error describes the failure with the status, code and message.
func (e *Error) Error() string {
	code := e.Code
	if code == "" {
		code = http.StatusText(e.Status)
	}
	if e.Message == "" {
		return fmt.Sprintf("server answered %d %s", e.Status, code)
	}
	return fmt.Sprintf("server answered %d %s: %s", e.Status, code, e.Message)
}

// Retryable reports whether the same request may succeed later: server
// errors, 408 and 429. Every other 4xx is permanent.
func (e *Error) Retryable() bool {
	return e.Status >= 500 || e.Status == http.StatusRequestTimeout || e.Status == http.StatusTooManyRequests
}

// Retryable reports whether err is worth retrying later: a retryable
// *Error, or any failure that is not an answer from the server (network
// errors, timeouts, an unreadable response). A permanent *Error is not,
// and neither is nil.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Retryable()
	}
	return true
}

// RetryAfter returns how long the server asked the agent to wait, or zero.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// ReportRefused reports whether the server refused a submitted report for
// good because of the report itself (400, 409, 413, 415, 422: bad JSON,
// schema violation, too large): whoever sends it again, whenever, it will
// be refused. Other permanent failures (401, 403, 404, …) concern the
// agent's credentials or configuration, not the report.
func ReportRefused(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// IsUnauthenticated reports whether the server refused the credentials
// (401): the token was revoked or replaced, or the enroll secret is wrong.
func IsUnauthenticated(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized
}
