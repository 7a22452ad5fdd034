package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Defaults for Config.
const (
	// DefaultTimeout bounds one request, upload and answer included.
	DefaultTimeout = 2 * time.Minute
	// MaxResponseBytes bounds every answer the client reads.
	MaxResponseBytes = 1 << 20
)

// Config says where the server is and how to reach it safely.
type Config struct {
	// URL is the server's base URL, e.g. https://auditfleet.example.gov.uk.
	URL string
	// Token is the host token sent on check-in and submission.
	Token string
	// CAFile, when set, is a PEM bundle of the only CAs trusted for the
	// server's certificate (instead of the system roots).
	CAFile string
	// CertFile and KeyFile, when set, are the client certificate and key
	// presented to the server (mutual TLS).
	CertFile, KeyFile string
	// AllowInsecureHTTP permits a plain http:// URL to a host other than
	// loopback. See New.
	AllowInsecureHTTP bool
	// Timeout bounds one request (default DefaultTimeout).
	Timeout time.Duration
	// AgentVersion is reported on check-in and in the User-Agent header.
	AgentVersion string
	// Transport replaces the HTTP transport (tests). The TLS settings above
	// are ignored when it is set.
	Transport http.RoundTripper
}

// Client calls the agent endpoints of one server.
type Client struct {
	base    *url.URL
	token   string
	version string
	http    *http.Client
}

// New checks cfg and returns a Client.
//
// A plain http:// URL is refused unless its host is loopback or
// cfg.AllowInsecureHTTP is set: enroll secrets and host tokens are bearer
// credentials, and reports carry personal data (user names, login times),
// so on the network they must travel inside TLS. Loopback traffic never
// leaves the machine (a local TLS-terminating proxy, tests), and the
// explicit switch exists for networks where TLS is terminated by something
// the agent cannot see, such as a service mesh sidecar.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a password
		}
		return nil, fmt.Errorf("server url: %w", err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("server url %q: want scheme://host[:port][/path] with no credentials, query or fragment", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) && !cfg.AllowInsecureHTTP {
			return nil, fmt.Errorf("server url %s: plain http would expose tokens and personal data on the network; use https, or set server.allow_insecure_http if TLS is terminated outside the agent", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("server url %q: scheme must be https (or http to loopback)", u.Redacted())
	}
	rt := cfg.Transport
	if rt == nil {
		tc, err := tlsConfig(cfg)
		if err != nil {
			return nil, err
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = tc
		tr.TLSHandshakeTimeout = 15 * time.Second
		tr.ResponseHeaderTimeout = 0 // the server answers reports only once durable; the overall timeout applies
		rt = tr
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{
		base:    u,
		token:   cfg.Token,
		version: cfg.AgentVersion,
		http: &http.Client{
			Transport: rt,
			Timeout:   timeout,
			// Never follow redirects: a POST must not be replayed, nor a
			// bearer token sent, to a place the configuration did not name.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func tlsConfig(cfg Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("server ca file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("server ca file %s: no PEM certificates found", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	switch {
	case cfg.CertFile != "" && cfg.KeyFile != "":
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	case cfg.CertFile != "" || cfg.KeyFile != "":
		return nil, errors.New("client certificate: both the certificate and the key file are needed")
	}
	return tc, nil
}

// URL returns the server's base URL.
func (c *Client) URL() string { return c.base.String() }

// Enroll registers this host with an enroll secret and returns its
// credentials. The secret is sent only in the Authorization header.
func (c *Client) Enroll(ctx context.Context, enrollSecret string, req EnrollRequest) (Credentials, error) {
	if req.AgentVersion == "" {
		req.AgentVersion = c.version
	}
	body, err := json.Marshal(req)
	if err != nil {
		return Credentials{}, fmt.Errorf("enroll: %w", err)
	}
	var out struct {
		HostID string `json:"host_id"`
		Token  string `json:"token"`
	}
	if err := c.do(ctx, "/api/v1/enroll", enrollSecret, body, &out); err != nil {
		return Credentials{}, fmt.Errorf("enroll: %w", err)
	}
	if out.HostID == "" || out.Token == "" {
		return Credentials{}, errors.New("enroll: the server's answer lacks host_id or token")
	}
	return Credentials{ServerURL: c.URL(), HostID: out.HostID, Token: out.Token}, nil
}

// Checkin tells the server this host is alive and returns the current
// audit cycle.
func (c *Client) Checkin(ctx context.Context) (Checkin, error) {
	body, err := json.Marshal(struct {
		AgentVersion string `json:"agent_version"`
	}{c.version})
	if err != nil {
		return Checkin{}, fmt.Errorf("check in: %w", err)
	}
	var out Checkin
	if err := c.do(ctx, "/api/v1/checkin", c.token, body, &out); err != nil {
		return Checkin{}, fmt.Errorf("check in: %w", err)
	}
	if out.CycleID == "" {
		return Checkin{}, errors.New("check in: the server's answer lacks cycle_id")
	}
	return out, nil
}

// Submit sends one facts document, exactly the bytes given, and returns
// the server's receipt once the server has stored it durably.
func (c *Client) Submit(ctx context.Context, report []byte) (Receipt, error) {
	var out Receipt
	if err := c.do(ctx, "/api/v1/reports", c.token, report, &out); err != nil {
		return Receipt{}, fmt.Errorf("submit report: %w", err)
	}
	if out.ReportID == "" {
		return Receipt{}, errors.New("submit report: the server's answer lacks report_id")
	}
	return out, nil
}

// do POSTs body to path with a bearer token and decodes a 2xx answer into
// out. Errors never contain the token.
func (c *Client) do(ctx context.Context, path, token string, body []byte, out any) error {
	u := c.base.JoinPath(path)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "auditfleet-agent/"+c.version)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err // *url.Error: method, URL (no token) and cause
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if len(b) > MaxResponseBytes {
		return fmt.Errorf("answer from %s is over %d bytes", u.Path, MaxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeError(resp, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode answer (%d): %w", resp.StatusCode, err)
	}
	return nil
}

// decodeError turns a non-2xx answer into an *Error.
func decodeError(resp *http.Response, body []byte) *Error {
	e := &Error{Status: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	var doc struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &doc) == nil {
		e.Code, e.Message = doc.Error.Code, truncate(doc.Error.Message, 500)
	}
	return e
}

// parseRetryAfter reads delay-seconds or an HTTP date; zero when absent or
// unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
