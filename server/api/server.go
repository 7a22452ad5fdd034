package api

import (
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
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/auditfleet/auditfleet/objkey"
	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/cycle"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/objects"
	"github.com/auditfleet/auditfleet/server/org"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/store"
)

// Config holds the API's limits and policies.
type Config struct {
	// MaxReportBytes bounds a report body (default 16 MiB).
	MaxReportBytes int64
	// RequireJustification makes X-Justification mandatory on audited
	// reads and changes (DPA 2018 s.62; default on).
	RequireJustification bool
	// JitterSeconds spreads agents' submissions over this window.
	JitterSeconds int
	// ReportsPerMinute and ReportBurst rate-limit each host's reports.
	ReportsPerMinute, ReportBurst int
}

// Server serves the API.
type Server struct {
	Store    objects.Store
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

	limit   *limiter
	metrics *metrics
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
	{"GET", "/api/v1/audit", auth.Admin, auditlog.Read, (*Server).auditEntries},
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
	if s.Config.ReportsPerMinute <= 0 {
		s.Config.ReportsPerMinute, s.Config.ReportBurst = 6, 3
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	s.limit = newLimiter(s.Config.ReportsPerMinute, s.Config.ReportBurst, s.now)
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
				if err := s.auditAccess(r, rt, p, reqID); err != nil {
					return err
				}
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

// auditAccess records an audited access before it happens; without a
// record (or a required justification) the access does not happen.
func (s *Server) auditAccess(r *http.Request, rt route, p auth.Principal, reqID string) error {
	j := justification(r)
	if j == "" && s.Config.RequireJustification {
		return errorf(http.StatusPreconditionRequired, "justification_required", "this access to audit data is logged and needs a reason: set the X-Justification header")
	}
	err := s.Audit.Append(r.Context(), auditlog.Entry{
		Actor: p, Action: rt.audited, Object: r.Method + " " + r.URL.Path + queryOf(r),
		Justification: j, Outcome: "ok", RequestID: reqID, Remote: r.RemoteAddr,
	})
	if err != nil {
		return fmt.Errorf("record access: %w", err)
	}
	return nil
}

func (s *Server) auditDenied(r *http.Request, rt route, p auth.Principal, reqID string) {
	err := s.Audit.Append(r.Context(), auditlog.Entry{
		Actor: p, Action: rt.audited, Object: r.Method + " " + r.URL.Path, Justification: justification(r),
		Outcome: "denied", Detail: "role " + string(p.Role) + " lacks " + string(rt.role), RequestID: reqID, Remote: r.RemoteAddr,
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

// decodeJSON reads a small JSON body strictly.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxSmallBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body over %d bytes", maxSmallBody))
		}
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

func (s *Server) enroll(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	secret, ok := bearer(r)
	if !ok {
		return errorf(http.StatusUnauthorized, "unauthenticated", "enrolling needs an enroll secret as the bearer token")
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
		Object: objkey.Host(id), Outcome: "ok", Detail: "enrolled " + req.Hostname, Remote: r.RemoteAddr,
	}); err != nil {
		return fmt.Errorf("record enrollment: %w", err)
	}
	writeJSON(w, http.StatusCreated, map[string]string{"host_id": id.String(), "token": token})
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
	rc, err := s.Ingest.Ingest(r.Context(), ingest.Host{ID: id, Name: h.Hostname}, c, body)
	if err != nil {
		return err
	}
	if !rc.Duplicate {
		if err := s.Registry.RecordReport(r.Context(), h, c, s.now()); err != nil {
			return err
		}
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

// latest returns the key of the newest object under prefix.
func (s *Server) latest(ctx context.Context, prefix string) (string, error) {
	key := ""
	for o, err := range s.Store.List(ctx, prefix) {
		if err != nil {
			return "", err
		}
		key = o.Key // keys of one host and cycle differ only by report ID
	}
	if key == "" {
		return "", errorf(http.StatusNotFound, "not_found", "nothing stored for that host and cycle")
	}
	return key, nil
}

func (s *Server) hostDoc(w http.ResponseWriter, r *http.Request, prefix func(objkey.CycleID, objkey.HostID) string) error {
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
	key, err := s.latest(r.Context(), prefix(c, id))
	if err != nil {
		return err
	}
	b, _, err := objects.GetBytes(r.Context(), s.Store, key)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}

func (s *Server) hostResults(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	return s.hostDoc(w, r, objkey.HostResults)
}

func (s *Server) hostFacts(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	return s.hostDoc(w, r, objkey.HostFacts)
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

func (s *Server) createEnrollSecret(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	var req struct {
		Name    string     `json:"name"`
		Expires *time.Time `json:"expires"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Name) == "" || len(req.Name) > 128 {
		return errorf(http.StatusBadRequest, "bad_request", "name is required (at most 128 bytes)")
	}
	secret, err := s.Registry.CreateEnrollSecret(r.Context(), req.Name, req.Expires)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"name": req.Name, "secret": secret})
	return nil
}

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

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	reports  prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "auditfleet_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "auditfleet_http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		reports: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "auditfleet_reports_ingested_total", Help: "Reports stored (duplicates not counted).",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.reports, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

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

func (s *Server) cycleScorecard(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	c, err := objkey.ParseCycleID(r.PathValue("cycle_id"))
	if err != nil {
		return errorf(http.StatusBadRequest, "bad_request", err.Error())
	}
	b, _, err := objects.GetBytes(r.Context(), s.Store, objkey.FleetScorecard(c))
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "not_found", "cycle "+c.String()+" has no scorecard (not closed yet)")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
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
