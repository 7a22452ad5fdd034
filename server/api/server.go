package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/auditfleet/auditfleet/internal/strictjson"

	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/cycle"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/org"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
)

// Config holds the API's limits and policies.
type Config struct {
	// MaxReportBytes bounds a report body (default 16 MiB).
	MaxReportBytes int64
	// MaxInflightReportBytes bounds the report bytes held at once across
	// all requests (default 4 × MaxReportBytes); a report that does not
	// fit is answered 503 with Retry-After.
	MaxInflightReportBytes int64
	// RequireJustification makes X-Justification mandatory on audited
	// reads and changes (DPA 2018 s.62; default on).
	RequireJustification bool
	// JitterSeconds spreads agents' submissions over this window.
	JitterSeconds int
	// ReportsPerMinute and ReportBurst rate-limit each host's reports.
	ReportsPerMinute, ReportBurst int
	// EnrollsPerMinute and EnrollBurst rate-limit enrollments from each
	// source address (defaults 60 and 60); SecretEnrollsPerMinute and
	// SecretEnrollBurst those with each enroll secret (defaults 300 and
	// 100). Each server replica counts its own.
	EnrollsPerMinute, EnrollBurst             int
	SecretEnrollsPerMinute, SecretEnrollBurst int
	// AuditCheckpointEvery is how often the servers' idle audit chains
	// get a checkpoint; verification flags a chain silent for twice as
	// long (default auditlog.DefaultCheckpointEvery).
	AuditCheckpointEvery time.Duration
}

// Server serves the API.
type Server struct {
	Store    store.Backend
	Tokens   *auth.Tokens
	Registry *registry.Registry
	Ingest   *ingest.Ingester
	Audit    *auditlog.Log
	Schedule *cycle.Schedule
	Log      *slog.Logger
	Config   Config
	Now      func() time.Time
	// PolicyRevision is reported to agents at check-in.
	PolicyRevision string
	// Closer writes fleet scorecards when cycles close.
	Closer *cycle.Closer
	// Org keeps the organisation data.
	Org *org.Org

	limit *limiter
	// enrollAddr and enrollSecret rate-limit enrollments by source
	// address and by enroll secret.
	enrollAddr, enrollSecret *limiter
	inflight                 *budget
	metrics                  *metrics
}

// maxSmallBody bounds every request body but reports.
const maxSmallBody = 64 << 10

// DefaultMaxReportBytes is the default report size limit.
const DefaultMaxReportBytes = 16 << 20

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// route is one endpoint: who may call it and whether calling it is an
// audited access to audit data.
type route struct {
	method, pattern string
	role            auth.Role // "" means no credential (enroll uses its own secret)
	audited         string    // auditlog action, or "" when not audited
	handle          func(s *Server, w http.ResponseWriter, r *http.Request, p auth.Principal) error
}

// routes is the whole API; the RBAC tests walk it.
var routes = []route{
	{"POST", "/api/v1/enroll", "", "", (*Server).enroll},
	{"POST", "/api/v1/checkin", auth.Agent, "", (*Server).checkin},
	{"POST", "/api/v1/reports", auth.Agent, "", (*Server).report},
	{"GET", "/api/v1/hosts", auth.Assurance, "", (*Server).listHosts},
	{"GET", "/api/v1/hosts/{host_id}", auth.Assurance, "", (*Server).getHost},
	{"GET", "/api/v1/hosts/{host_id}/results", auth.Assurance, auditlog.Read, (*Server).hostResults},
	{"GET", "/api/v1/hosts/{host_id}/facts", auth.Operator, auditlog.Read, (*Server).hostFacts},
	{"POST", "/api/v1/hosts/{host_id}/revoke", auth.Operator, auditlog.Update, (*Server).revokeHost},
	{"POST", "/api/v1/hosts/{host_id}/readmit", auth.Operator, auditlog.Update, (*Server).readmitHost},
	{"DELETE", "/api/v1/hosts/{host_id}", auth.Admin, auditlog.Delete, (*Server).decommission},
	{"POST", "/api/v1/enroll-secrets", auth.Admin, auditlog.Create, (*Server).createEnrollSecret},
	{"GET", "/api/v1/enroll-secrets", auth.Admin, "", (*Server).listEnrollSecrets},
	{"DELETE", "/api/v1/enroll-secrets/{secret_id}", auth.Admin, auditlog.Delete, (*Server).revokeEnrollSecret},
	{"POST", "/api/v1/tokens", auth.Admin, auditlog.Create, (*Server).createToken},
	{"GET", "/api/v1/tokens", auth.Admin, "", (*Server).listTokens},
	{"DELETE", "/api/v1/tokens/{token_id}", auth.Admin, auditlog.Delete, (*Server).revokeToken},
	{"GET", "/api/v1/audit", auth.Admin, auditlog.Read, (*Server).auditEntries},
	{"GET", "/api/v1/audit/verify", auth.Admin, auditlog.Read, (*Server).auditVerify},
	{"GET", "/api/v1/cycles", auth.Assurance, "", (*Server).listCycles},
	{"GET", "/api/v1/org/{kind}", auth.Assurance, auditlog.Read, (*Server).getOrg},
	{"PUT", "/api/v1/org/{kind}", auth.Operator, auditlog.Update, (*Server).putOrg},
	{"GET", "/api/v1/cycles/{cycle_id}/scorecard", auth.Assurance, auditlog.Read, (*Server).cycleScorecard},
	{"POST", "/api/v1/cycles/close", auth.Admin, auditlog.Create, (*Server).closeCycle},
}

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler {
	if s.Config.MaxReportBytes <= 0 {
		s.Config.MaxReportBytes = DefaultMaxReportBytes
	}
	if s.Config.MaxInflightReportBytes <= 0 {
		s.Config.MaxInflightReportBytes = 4 * s.Config.MaxReportBytes
	}
	if s.Config.ReportsPerMinute <= 0 {
		s.Config.ReportsPerMinute, s.Config.ReportBurst = 6, 3
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Config.EnrollsPerMinute <= 0 {
		s.Config.EnrollsPerMinute, s.Config.EnrollBurst = DefaultEnrollsPerMinute, DefaultEnrollBurst
	}
	if s.Config.SecretEnrollsPerMinute <= 0 {
		s.Config.SecretEnrollsPerMinute, s.Config.SecretEnrollBurst = DefaultSecretEnrollsPerMinute, DefaultSecretEnrollBurst
	}
	s.limit = newLimiter(s.Config.ReportsPerMinute, s.Config.ReportBurst, s.now)
	s.enrollAddr = newLimiter(s.Config.EnrollsPerMinute, max(s.Config.EnrollBurst, 1), s.now)
	s.enrollSecret = newLimiter(s.Config.SecretEnrollsPerMinute, max(s.Config.SecretEnrollBurst, 1), s.now)
	s.inflight = &budget{max: s.Config.MaxInflightReportBytes}
	s.metrics = newMetrics()
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "not_found", fmt.Sprintf("no endpoint %s %s", r.Method, r.URL.Path)))
	})
	return mux
}

// wrap authenticates, authorises, audits and times one route.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := newRequestID()
		w.Header().Set("X-Request-Id", reqID)
		sw := &statusWriter{ResponseWriter: w}
		var p auth.Principal
		err := func() (err error) {
			defer func() {
				if v := recover(); v != nil {
					err = fmt.Errorf("panic in %s %s: %v", rt.method, rt.pattern, v)
				}
			}()
			if rt.role != "" {
				if p, err = s.authenticate(r); err != nil {
					return err
				}
				if !p.Role.Allows(rt.role) {
					s.auditDenied(r, rt, p, reqID)
					return errorf(http.StatusForbidden, "forbidden", fmt.Sprintf("role %s may not %s %s (needs %s)", p.Role, rt.method, rt.pattern, rt.role))
				}
			}
			if rt.audited != "" {
				return s.auditAccess(sw, r, rt, p, reqID)
			}
			return rt.handle(s, sw, r, p)
		}()
		if err != nil {
			e := toError(err)
			if e.Status >= 500 {
				s.Log.Error("request failed", "method", r.Method, "route", rt.pattern, "request_id", reqID, "err", err)
			}
			writeError(sw, e)
		}
		s.metrics.observe(rt.pattern, r.Method, sw.status, time.Since(start))
		s.Log.Info("request", "method", r.Method, "route", rt.pattern, "status", sw.status, "principal", p.ID, "request_id", reqID, "duration", time.Since(start))
	})
}

// authenticate resolves the bearer token; an agent token must also be the
// current token of an active host.
func (s *Server) authenticate(r *http.Request) (auth.Principal, error) {
	secret, ok := bearer(r)
	if !ok {
		return auth.Principal{}, auth.ErrUnauthenticated
	}
	p, err := s.Tokens.Authenticate(r.Context(), secret)
	if err != nil {
		return auth.Principal{}, err
	}
	if p.Role == auth.Agent {
		if _, err := s.Registry.Authenticate(r.Context(), p, auth.Hash(secret)); err != nil {
			return auth.Principal{}, err
		}
	}
	return p, nil
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	return strings.TrimSpace(secret), ok && strings.TrimSpace(secret) != ""
}

// justification returns the request's stated reason for the access.
func justification(r *http.Request) string {
	j := strings.TrimSpace(r.Header.Get("X-Justification"))
	if len(j) > 1024 {
		j = j[:1024]
	}
	return j
}

// auditAccess serves an audited route and records it with its real
// outcome. A read's answer is held back until its entry is stored: if the
// entry cannot be stored, the client gets a 500 and nothing of the answer
// (an unlogged read is not allowed). A change is recorded twice: its
// intent (Started) before it is made, so that no change happens without a
// record, and its outcome after. Without a required justification nothing
// happens and the refusal is recorded.
func (s *Server) auditAccess(w http.ResponseWriter, r *http.Request, rt route, p auth.Principal, reqID string) error {
	j := justification(r)
	entry := auditlog.Entry{
		Actor: p, Action: rt.audited, Object: r.Method + " " + r.URL.Path + queryOf(r),
		Justification: j, RequestID: reqID, Remote: r.RemoteAddr,
	}
	buf := newBufferedWriter()
	note := new(string)
	r = r.WithContext(context.WithValue(r.Context(), auditNoteKey{}, note))
	var err error
	if j == "" && s.Config.RequireJustification {
		err = errorf(http.StatusPreconditionRequired, "justification_required", "this access to audit data is logged and needs a reason: set the X-Justification header")
	} else {
		if rt.method != http.MethodGet {
			intent := entry
			intent.Outcome = auditlog.Started
			if err := s.Audit.Append(r.Context(), intent); err != nil {
				return fmt.Errorf("record access: %w", err)
			}
		}
		err = call(rt, s, buf, r, p)
	}
	if err != nil {
		e := toError(err)
		if e.Status >= 500 {
			s.Log.Error("request failed", "method", r.Method, "route", rt.pattern, "request_id", reqID, "err", err)
		}
		writeError(buf, e)
		entry.Detail = e.Code + ": " + e.Message
	} else {
		entry.Detail = *note
	}
	entry.Status = buf.statusCode()
	entry.Outcome = outcomeOf(entry.Status)
	if err := s.Audit.Append(r.Context(), entry); err != nil {
		return fmt.Errorf("record access: %w", err)
	}
	buf.sendTo(w)
	return nil
}

// auditNoteKey keys the detail a handler adds to its audit entry.
type auditNoteKey struct{}

// noteAudit sets the detail of the audit entry of the request r is
// serving (what was created or revoked); outside an audited route it
// does nothing.
func noteAudit(r *http.Request, detail string) {
	if p, ok := r.Context().Value(auditNoteKey{}).(*string); ok {
		*p = detail
	}
}

// call runs a route's handler, turning a panic into an error.
func call(rt route, s *Server, w http.ResponseWriter, r *http.Request, p auth.Principal) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic in %s %s: %v", rt.method, rt.pattern, v)
		}
	}()
	return rt.handle(s, w, r, p)
}

// outcomeOf is the audit outcome of an HTTP status.
func outcomeOf(status int) string {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return auditlog.Denied
	case status >= 400:
		return auditlog.Failed
	}
	return auditlog.OK
}

// bufferedWriter holds a whole answer until it is sent.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedWriter) statusCode() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

// sendTo writes the held answer to w.
func (b *bufferedWriter) sendTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.statusCode())
	_, _ = w.Write(b.body.Bytes())
}

func (s *Server) auditDenied(r *http.Request, rt route, p auth.Principal, reqID string) {
	err := s.Audit.Append(r.Context(), auditlog.Entry{
		Actor: p, Action: rt.audited, Object: r.Method + " " + r.URL.Path, Justification: justification(r),
		Outcome: auditlog.Denied, Status: http.StatusForbidden, Detail: "role " + string(p.Role) + " lacks " + string(rt.role), RequestID: reqID, Remote: r.RemoteAddr,
	})
	if err != nil {
		s.Log.Error("audit log", "request_id", reqID, "err", err)
	}
}

func queryOf(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// decodeJSON reads a small JSON body strictly: one value, no repeated
// key, valid UTF-8 (strictjson), no unknown field.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSmallBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body over %d bytes", maxSmallBody))
		}
		return errorf(http.StatusBadRequest, "bad_request", "read body: "+err.Error())
	}
	if err := strictjson.Check(body, strictjson.Default); err != nil {
		return errorf(http.StatusBadRequest, "invalid_json", "body: "+err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "invalid_json", "body: "+err.Error())
	}
	return nil
}

func requireJSON(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json")
	}
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	st, err := s.Store.Check(ctx)
	if err == nil {
		err = st.Usable()
	}
	if err != nil {
		writeError(w, errorf(http.StatusServiceUnavailable, "unavailable", "storage: "+err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
