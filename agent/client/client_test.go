package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/agent/internal/testserver"
)

const secret = "aes_test-enroll-secret"

func TestNewURL(t *testing.T) {
	tests := []struct {
		url      string
		insecure bool
		wantErr  string // "" for success
	}{
		{"https://auditfleet.example.gov.uk", false, ""},
		{"https://auditfleet.example.gov.uk:8443/base/", false, ""},
		{"http://127.0.0.1:8080", false, ""},
		{"http://[::1]:8080", false, ""},
		{"http://localhost:8080", false, ""},
		{"http://auditfleet.example.gov.uk", false, "plain http"},
		{"http://10.0.0.5", false, "plain http"},
		{"http://auditfleet.example.gov.uk", true, ""},
		{"ftp://auditfleet.example.gov.uk", false, "scheme must be https"},
		{"https://user:pw@auditfleet.example.gov.uk", false, "no credentials"},
		{"https://auditfleet.example.gov.uk/?token=x", false, "no credentials"},
		{"auditfleet.example.gov.uk", false, "want scheme://host"},
		{"https://user:pw@bad host", false, "server url"},
		{"", false, "want scheme://host"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := New(Config{URL: tt.url, AllowInsecureHTTP: tt.insecure})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New(%q) = %v, want success", tt.url, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New(%q) = %v, want an error mentioning %q", tt.url, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "pw@") {
				t.Errorf("New(%q) error %q repeats the URL's password", tt.url, err)
			}
		})
	}
}

func TestNewTLSFiles(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir, "client")
	notPEM := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"ca", Config{CAFile: cert}, ""},
		{"missing ca", Config{CAFile: filepath.Join(dir, "nope.pem")}, "server ca file"},
		{"ca without certificates", Config{CAFile: notPEM}, "no PEM certificates"},
		{"client pair", Config{CertFile: cert, KeyFile: key}, ""},
		{"cert without key", Config{CertFile: cert}, "both"},
		{"key without cert", Config{KeyFile: key}, "both"},
		{"mismatched pair", Config{CertFile: notPEM, KeyFile: key}, "client certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.URL = "https://auditfleet.example.gov.uk"
			_, err := New(tt.cfg)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("New(%+v) = %v, want success", tt.cfg, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("New(%+v) = %v, want an error mentioning %q", tt.cfg, err, tt.wantErr)
			}
		})
	}
}

func TestEnroll(t *testing.T) {
	srv := testserver.Start(secret)
	defer srv.Close()
	tests := []struct {
		name       string
		secret     string
		req        EnrollRequest
		wantStatus int // 0: success
	}{
		{"good secret", secret, EnrollRequest{Hostname: "web-1", MachineID: "m1", OS: "Debian GNU/Linux 12 (bookworm)"}, 0},
		{"wrong secret", "aes_wrong-secret", EnrollRequest{Hostname: "web-1", MachineID: "m1"}, http.StatusUnauthorized},
		{"no secret", "", EnrollRequest{Hostname: "web-1", MachineID: "m1"}, http.StatusUnauthorized},
		{"no machine id", secret, EnrollRequest{Hostname: "web-1"}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, Config{URL: srv.URL, AgentVersion: "1.2.3"})
			creds, err := c.Enroll(context.Background(), tt.secret, tt.req)
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("Enroll = %v", err)
				}
				if creds.HostID == "" || creds.Token != srv.Token(tt.req.MachineID) || creds.ServerURL != srv.URL {
					t.Errorf("Enroll = %+v, want host ID, the server's token for %s and URL %s", creds, tt.req.MachineID, srv.URL)
				}
				if strings.Contains(creds.String(), creds.Token) {
					t.Errorf("Credentials.String() = %q shows the token", creds.String())
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tt.wantStatus {
				t.Fatalf("Enroll = %v, want *Error with status %d", err, tt.wantStatus)
			}
			if Retryable(err) {
				t.Errorf("Retryable(%v) = true, want false", err)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q contains the enroll secret", err)
			}
		})
	}
}

func TestCheckin(t *testing.T) {
	srv := testserver.Start(secret)
	defer srv.Close()
	deadline := time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	srv.SetCycle(testserver.Cycle{ID: "2026-11-20T0200Z", Deadline: deadline, JitterSeconds: 600, PolicyRevision: "sha256:abc"})
	srv.SetMaxReportBytes(1000, 1000)
	hostID, token := srv.Enroll("m1")

	c := mustNew(t, Config{URL: srv.URL, Token: token})
	got, err := c.Checkin(context.Background())
	if err != nil {
		t.Fatalf("Checkin = %v", err)
	}
	want := Checkin{HostID: hostID, CycleID: "2026-11-20T0200Z", Deadline: deadline, JitterSeconds: 600, PolicyRevision: "sha256:abc", MaxReportBytes: 1000}
	if got != want {
		t.Errorf("Checkin = %+v, want %+v", got, want)
	}
	if got.Jitter() != 10*time.Minute {
		t.Errorf("Jitter() = %v, want 10m", got.Jitter())
	}

	srv.Revoke(hostID)
	_, err = c.Checkin(context.Background())
	if !IsUnauthenticated(err) || Retryable(err) {
		t.Errorf("Checkin after revoke = %v, want a permanent 401", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("error %q contains the host token", err)
	}
}

func TestSubmit(t *testing.T) {
	report := []byte(`{"schema_version":1,"report_id":"r1","facts":{}}`)
	tests := []struct {
		name          string
		fail          []testserver.Failure
		report        []byte
		wantDuplicate bool
		wantStatus    int  // 0: no *Error
		wantErr       bool // any error
		wantRetry     bool
		wantAfter     time.Duration
	}{
		{name: "stored", report: report},
		{name: "unavailable", fail: []testserver.Failure{{Status: 503, Code: "unavailable"}}, report: report, wantErr: true, wantStatus: 503, wantRetry: true},
		{name: "internal", fail: []testserver.Failure{{Status: 500, Code: "internal"}}, report: report, wantErr: true, wantStatus: 500, wantRetry: true},
		{name: "timeout", fail: []testserver.Failure{{Status: 408, Code: "bad_request"}}, report: report, wantErr: true, wantStatus: 408, wantRetry: true},
		{name: "rate limited", fail: []testserver.Failure{{Status: 429, Code: "rate_limited", RetryAfter: "7"}}, report: report, wantErr: true, wantStatus: 429, wantRetry: true, wantAfter: 7 * time.Second},
		{name: "connection dropped", fail: []testserver.Failure{{Status: 0}}, report: report, wantErr: true, wantRetry: true},
		{name: "too large", fail: []testserver.Failure{{Status: 413, Code: "too_large"}}, report: report, wantErr: true, wantStatus: 413},
		{name: "invalid report", report: []byte(`{"schema_version":9,"report_id":"r2"}`), wantErr: true, wantStatus: 422},
		{name: "not json", report: []byte(`garbage`), wantErr: true, wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := testserver.Start(secret)
			defer srv.Close()
			_, token := srv.Enroll("m1")
			srv.Fail(testserver.PathReports, tt.fail...)
			c := mustNew(t, Config{URL: srv.URL, Token: token})
			rc, err := c.Submit(context.Background(), tt.report)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Submit = %+v, %v; want error %v", rc, err, tt.wantErr)
			}
			if got := Retryable(err); got != tt.wantRetry {
				t.Errorf("Retryable(%v) = %v, want %v", err, got, tt.wantRetry)
			}
			if got := RetryAfter(err); got != tt.wantAfter {
				t.Errorf("RetryAfter(%v) = %v, want %v", err, got, tt.wantAfter)
			}
			var e *Error
			if errors.As(err, &e) != (tt.wantStatus != 0) || (e != nil && e.Status != tt.wantStatus) {
				t.Errorf("Submit error %#v, want *Error with status %d", err, tt.wantStatus)
			}
			if e != nil && e.Code == "" {
				t.Errorf("Error.Code is empty; the API body was not decoded: %v", e)
			}
			if err != nil {
				return
			}
			if rc.ReportID != "r1" || rc.Duplicate {
				t.Errorf("Submit = %+v, want r1 stored, not a duplicate", rc)
			}
			rc, err = c.Submit(context.Background(), tt.report)
			if err != nil || !rc.Duplicate {
				t.Errorf("Submit again = %+v, %v; want a duplicate receipt", rc, err)
			}
			if got := srv.Reports(); len(got) != 1 {
				t.Errorf("server stored %v, want one report", got)
			}
		})
	}
}

// TestAnswers covers answers the API does not produce but a proxy or a
// broken server might.
func TestAnswers(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int // 0: not an *Error
		wantRetry  bool
		wantErr    string
	}{
		{"proxy error page", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html>bad gateway</html>"))
		}, 502, true, "502 Bad Gateway"},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example/", http.StatusTemporaryRedirect)
		}, 307, false, "307"},
		{"answer too large", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(`{"report_id":"`))
			w.Write([]byte(strings.Repeat("x", MaxResponseBytes)))
		}, 0, true, "over"},
		{"answer not JSON", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte("ok"))
		}, 0, true, "decode answer"},
		{"answer without report id", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte("{}"))
		}, 0, true, "lacks report_id"},
		{"http date retry-after", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "Mon, 01 Jan 2001 00:00:00 GMT")
			w.WriteHeader(http.StatusTooManyRequests)
		}, 429, true, "429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := mustNew(t, Config{URL: srv.URL, Token: "aft_x"})
			_, err := c.Submit(context.Background(), []byte(`{}`))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Submit = %v, want an error mentioning %q", err, tt.wantErr)
			}
			var e *Error
			if errors.As(err, &e) != (tt.wantStatus != 0) || (e != nil && e.Status != tt.wantStatus) {
				t.Errorf("Submit error %#v, want *Error with status %d", err, tt.wantStatus)
			}
			if got := Retryable(err); got != tt.wantRetry {
				t.Errorf("Retryable(%v) = %v, want %v", err, got, tt.wantRetry)
			}
		})
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte(`{"cycle_id":"c1"}`))
	}))
	defer srv.Close()
	c := mustNew(t, Config{URL: srv.URL + "/", Token: "aft_tok", AgentVersion: "1.2.3"})
	if _, err := c.Checkin(context.Background()); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"Authorization": "Bearer aft_tok", "Content-Type": "application/json", "User-Agent": "auditfleet-agent/1.2.3"} {
		if got.Get(k) != want {
			t.Errorf("header %s = %q, want %q", k, got.Get(k), want)
		}
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	clientCert, clientKey := writeCert(t, dir, "client")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"error":{"code":"forbidden","message":"no client certificate"}}`))
			return
		}
		w.Write([]byte(`{"cycle_id":"c1"}`))
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // expected handshake failures
	srv.StartTLS()
	defer srv.Close()
	ca := filepath.Join(dir, "server-ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		cfg        Config
		wantStatus int // 0: success, -1: a TLS error
	}{
		{"trusted ca and client cert", Config{CAFile: ca, CertFile: clientCert, KeyFile: clientKey}, 0},
		{"trusted ca, no client cert", Config{CAFile: ca}, http.StatusForbidden},
		{"system roots only", Config{}, -1},
		{"wrong ca", Config{CAFile: clientCert}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.URL = srv.URL
			c := mustNew(t, tt.cfg)
			_, err := c.Checkin(context.Background())
			var e *Error
			switch {
			case tt.wantStatus == 0 && err != nil:
				t.Errorf("Checkin = %v, want success", err)
			case tt.wantStatus > 0 && (!errors.As(err, &e) || e.Status != tt.wantStatus):
				t.Errorf("Checkin = %v, want status %d", err, tt.wantStatus)
			case tt.wantStatus < 0 && (err == nil || !strings.Contains(err.Error(), "certificate")):
				t.Errorf("Checkin = %v, want a certificate error", err)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{"-5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err                  error
		retry, refused, auth bool
	}{
		{nil, false, false, false},
		{errors.New("connection refused"), true, false, false},
		{context.DeadlineExceeded, true, false, false},
		{fmt.Errorf("submit report: %w", &Error{Status: 500}), true, false, false},
		{&Error{Status: 503}, true, false, false},
		{&Error{Status: 408}, true, false, false},
		{&Error{Status: 429}, true, false, false},
		{&Error{Status: 400}, false, true, false},
		{&Error{Status: 409}, false, true, false},
		{fmt.Errorf("submit report: %w", &Error{Status: 413}), false, true, false},
		{&Error{Status: 415}, false, true, false},
		{&Error{Status: 422}, false, true, false},
		{&Error{Status: 401}, false, false, true},
		{&Error{Status: 403}, false, false, false},
		{&Error{Status: 404}, false, false, false},
		{&Error{Status: 410}, false, false, false},
		{&Error{Status: 307}, false, false, false},
	}
	for _, tt := range tests {
		if got := Retryable(tt.err); got != tt.retry {
			t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.retry)
		}
		if got := ReportRefused(tt.err); got != tt.refused {
			t.Errorf("ReportRefused(%v) = %v, want %v", tt.err, got, tt.refused)
		}
		if got := IsUnauthenticated(tt.err); got != tt.auth {
			t.Errorf("IsUnauthenticated(%v) = %v, want %v", tt.err, got, tt.auth)
		}
	}
}

func mustNew(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// writeCert writes a self-signed ECDSA certificate and its key as PEM.
func writeCert(t *testing.T, dir, name string) (certFile, keyFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
