package testserver

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Paths of the agent endpoints.
const (
	PathEnroll  = "/api/v1/enroll"
	PathCheckin = "/api/v1/checkin"
	PathReports = "/api/v1/reports"
)

// Failure is an answer the server gives instead of handling a request.
type Failure struct {
	// Status and Code make the API error answer; Status 0 drops the
	// connection without answering (a network failure), and a 2xx Status
	// handles the request normally (see Pass).
	Status     int
	Code       string
	RetryAfter string
}

// Pass handles a request normally; queue it before failures meant for
// later requests.
var Pass = Failure{Status: http.StatusOK}

// Cycle is what check-in answers.
type Cycle struct {
	ID             string
	Deadline       time.Time
	JitterSeconds  int
	PolicyRevision string
}

// Server is a fake auditfleet server. Its zero value is not usable; call
// Start.
type Server struct {
	*httptest.Server

	mu             sync.Mutex
	enrollSecret   string
	maxReportBytes int64 // enforced
	advertisedMax  int64 // sent on check-in
	cycle          Cycle
	hosts          map[string]*host // by machine ID
	tokens         map[string]*host // by current token
	reports        map[string][]byte
	order          []string // report IDs in the order they were stored
	attempts       []string // report IDs of every submission, duplicates included
	checkins       int
	failures       map[string][]Failure // by path, applied in order
	requests       map[string]int       // by path, failed ones included
	enrollments    []EnrollRequest
}

// EnrollRequest is the body of an enrollment the server accepted.
type EnrollRequest struct {
	Hostname     string `json:"hostname"`
	MachineID    string `json:"machine_id"`
	OS           string `json:"os"`
	AgentVersion string `json:"agent_version"`
}

type host struct {
	id, machineID, token string
	revoked              bool
}

// Start starts a server on loopback that accepts enrollSecret. Close it
// when done.
func Start(enrollSecret string) *Server {
	s := &Server{
		enrollSecret:   enrollSecret,
		maxReportBytes: 16 << 20,
		advertisedMax:  16 << 20,
		cycle: Cycle{
			ID:             "2026-11-20T0200Z",
			Deadline:       time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC),
			JitterSeconds:  900,
			PolicyRevision: "sha256:test",
		},
		hosts:    map[string]*host{},
		tokens:   map[string]*host{},
		reports:  map[string][]byte{},
		failures: map[string][]Failure{},
		requests: map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathEnroll, s.enroll)
	mux.HandleFunc("POST "+PathCheckin, s.checkin)
	mux.HandleFunc("POST "+PathReports, s.submit)
	s.Server = httptest.NewServer(s.intercept(mux))
	return s
}

// SetMaxReportBytes sets the limit the server enforces (413 too_large)
// and the one it advertises on check-in, which may differ.
func (s *Server) SetMaxReportBytes(enforced, advertised int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxReportBytes, s.advertisedMax = enforced, advertised
}

// SetCycle changes what check-in answers.
func (s *Server) SetCycle(c Cycle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cycle = c
}

// Fail makes the next len(fs) requests to path fail, in order.
func (s *Server) Fail(path string, fs ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[path] = append(s.failures[path], fs...)
}

// Revoke revokes the host: its token stops working and it cannot
// re-enroll.
func (s *Server) Revoke(hostID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.hosts {
		if h.id == hostID {
			h.revoked = true
			delete(s.tokens, h.token)
		}
	}
}

// Reports returns the IDs of the stored reports in the order they were
// stored.
func (s *Server) Reports() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.order...)
}

// Report returns the stored bytes of a report.
func (s *Server) Report(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.reports[id]
	return b, ok
}

// Attempts returns the report IDs of every submission that reached the
// report handler, duplicates included.
func (s *Server) Attempts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.attempts...)
}

// Enrollments returns the enrollments the server accepted, in order.
func (s *Server) Enrollments() []EnrollRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]EnrollRequest(nil), s.enrollments...)
}

// Requests returns how many requests reached path, failed ones included.
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// Checkins returns how many check-ins succeeded.
func (s *Server) Checkins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkins
}

// Token returns the current token of the host enrolled with machineID.
func (s *Server) Token(machineID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.hosts[machineID]; ok {
		return h.token
	}
	return ""
}

// Enroll enrolls a host directly, as the enroll endpoint would, and
// returns its host ID and token.
func (s *Server) Enroll(machineID string) (hostID, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.enrollLocked(machineID)
	if err != nil {
		panic(err)
	}
	return h.id, h.token
}

func (s *Server) intercept(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[r.URL.Path]++
		var f *Failure
		if q := s.failures[r.URL.Path]; len(q) > 0 {
			f = &q[0]
			s.failures[r.URL.Path] = q[1:]
		}
		s.mu.Unlock()
		switch {
		case f == nil || (f.Status >= 200 && f.Status <= 299):
			next.ServeHTTP(w, r)
		case f.Status == 0:
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		default:
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			writeError(w, f.Status, f.Code, "injected failure")
		}
	})
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func bearer(r *http.Request) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return tok
}

// decode reads a JSON body of at most limit bytes, answering the error
// itself; ok is false when it did.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) (body []byte, ok bool) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "want application/json")
		return nil, false
	}
	buf, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body is over the %d byte limit", limit))
		} else {
			writeError(w, http.StatusBadRequest, "bad_request", "read body")
		}
		return nil, false
	}
	if err := json.Unmarshal(buf, v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_json", "body is not JSON")
		return nil, false
	}
	return buf, true
}

func newSecret(prefix string) string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func (s *Server) enrollLocked(machineID string) (*host, error) {
	h, ok := s.hosts[machineID]
	if ok && h.revoked {
		return nil, errors.New("host revoked")
	}
	if !ok {
		h = &host{id: "h_" + strconv.Itoa(len(s.hosts)+1), machineID: machineID}
		s.hosts[machineID] = h
	}
	delete(s.tokens, h.token)
	h.token = newSecret("aft_")
	s.tokens[h.token] = h
	return h, nil
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != s.enrollSecret {
		writeError(w, http.StatusUnauthorized, "unauthenticated", "unknown or expired enroll secret")
		return
	}
	var req EnrollRequest
	if _, ok := decode(w, r, 1<<16, &req); !ok {
		return
	}
	if req.MachineID == "" || req.Hostname == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "hostname and machine_id are required")
		return
	}
	s.mu.Lock()
	h, err := s.enrollLocked(req.MachineID)
	if err == nil {
		s.enrollments = append(s.enrollments, req)
	}
	s.mu.Unlock()
	if err != nil {
		writeError(w, http.StatusForbidden, "forbidden", "host is revoked")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"host_id": h.id, "token": h.token})
}

func (s *Server) auth(w http.ResponseWriter, r *http.Request) (*host, bool) {
	s.mu.Lock()
	h, ok := s.tokens[bearer(r)]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusUnauthorized, "unauthenticated", "unknown or revoked token")
	}
	return h, ok
}

func (s *Server) checkin(w http.ResponseWriter, r *http.Request) {
	h, ok := s.auth(w, r)
	if !ok {
		return
	}
	var req struct {
		AgentVersion string `json:"agent_version"`
	}
	if _, ok := decode(w, r, 1<<16, &req); !ok {
		return
	}
	s.mu.Lock()
	s.checkins++
	c, limit := s.cycle, s.advertisedMax
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"host_id":          h.id,
		"cycle_id":         c.ID,
		"deadline":         c.Deadline,
		"jitter_seconds":   c.JitterSeconds,
		"policy_revision":  c.PolicyRevision,
		"max_report_bytes": limit,
	})
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.auth(w, r); !ok {
		return
	}
	s.mu.Lock()
	limit, cycle := s.maxReportBytes, s.cycle.ID
	s.mu.Unlock()
	var doc struct {
		SchemaVersion int    `json:"schema_version"`
		ReportID      string `json:"report_id"`
	}
	body, ok := decode(w, r, limit, &doc)
	if !ok {
		return
	}
	if doc.SchemaVersion != 1 || doc.ReportID == "" {
		writeError(w, http.StatusUnprocessableEntity, "invalid_report", "schema_version must be 1 and report_id set")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, doc.ReportID)
	if _, dup := s.reports[doc.ReportID]; dup {
		writeJSON(w, http.StatusOK, map[string]any{"report_id": doc.ReportID, "duplicate": true})
		return
	}
	s.reports[doc.ReportID] = body
	s.order = append(s.order, doc.ReportID)
	writeJSON(w, http.StatusCreated, map[string]any{"report_id": doc.ReportID, "cycle_id": cycle, "summary": map[string]int{"total": 0}})
}
