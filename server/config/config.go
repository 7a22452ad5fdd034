package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/auditfleet/auditfleet/assess"
	"github.com/auditfleet/auditfleet/internal/duration"
)

// Config is the server configuration file.
type Config struct {
	// Listen is the address to serve on (default 127.0.0.1:8480).
	Listen string `json:"listen,omitempty"`
	// TLS, when set, serves HTTPS. Plain HTTP is refused on a non-loopback
	// address unless AllowInsecureHTTP is set (behind a TLS proxy).
	TLS               *TLS `json:"tls,omitempty"`
	AllowInsecureHTTP bool `json:"allow_insecure_http,omitempty"`

	Storage Storage `json:"storage"`
	Cycle   Cycle   `json:"cycle,omitempty"`
	Limits  Limits  `json:"limits,omitempty"`
	Facts   Facts   `json:"facts,omitempty"`
	Audit   Audit   `json:"audit,omitempty"`
	Tokens  Tokens  `json:"tokens,omitempty"`
	// Policy adds the organisation's own controls to the built-in ones, or
	// replaces them with a signed bundle, as the agent's offline scan can.
	Policy assess.Source `json:"policy,omitempty"`
	// BootstrapTokenFile is where the first admin token is written (0600)
	// when the store has no people yet.
	BootstrapTokenFile string `json:"bootstrap_token_file,omitempty"`
}

// TLS names the server certificate and key.
type TLS struct {
	CertFile string `json:"cert_file"`
	KeyFile  string `json:"key_file"`
}

// Storage selects and configures the object store.
type Storage struct {
	// Type is "dir" (a local directory, the single-machine default) or "s3".
	Type string `json:"type"`
	// Dir is the directory of the dir store.
	Dir string `json:"dir,omitempty"`
	S3  S3     `json:"s3,omitempty"`
}

// S3 configures an S3-compatible endpoint. Credentials come from
// AccessKey/SecretKey, else the standard AWS environment variables
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or shared credentials file.
type S3 struct {
	Endpoint  string `json:"endpoint"`
	Bucket    string `json:"bucket"`
	Region    string `json:"region,omitempty"`
	UseTLS    *bool  `json:"use_tls,omitempty"`
	PathStyle bool   `json:"path_style,omitempty"`
	CAFile    string `json:"ca_file,omitempty"`
	AccessKey string `json:"access_key,omitempty"`
	SecretKey string `json:"secret_key,omitempty"`
	// RetentionMode is the object-lock mode of retention, "governance"
	// (the default) or "compliance", in any case (S3 writes them
	// upper-case); RetentionDays is how long evidence is locked.
	RetentionMode string `json:"retention_mode,omitempty"`
	RetentionDays int    `json:"retention_days,omitempty"`
}

// Cycle configures audit cycles.
type Cycle struct {
	// Schedule is a cron expression in UTC (default "0 2 * * *": daily at 02:00).
	Schedule string `json:"schedule,omitempty"`
	// Jitter spreads agents' submissions over this window (default 15m).
	Jitter Duration `json:"jitter,omitempty"`
	// Settle is how long closing a cycle waits for reports still being
	// stored in it (default 2m): longer than any report request takes.
	Settle Duration `json:"settle,omitempty"`
}

// Limits bound what agents may send.
type Limits struct {
	// MaxReportBytes bounds one report (default 16 MiB).
	MaxReportBytes int64 `json:"max_report_bytes,omitempty"`
	// MaxInflightReportBytes bounds the report bytes the server holds at
	// once across all requests (default 4 × max_report_bytes); decoding
	// and assessing take up to about 8 times a report's size in memory,
	// so this bounds the memory reports take to about 8 times it. A
	// report that does not fit is answered 503 with Retry-After.
	MaxInflightReportBytes int64 `json:"max_inflight_report_bytes,omitempty"`
	ReportsPerMinute       int   `json:"reports_per_minute,omitempty"`
	ReportBurst            int   `json:"report_burst,omitempty"`
	// MaxReportAge refuses reports collected longer ago than this
	// (default 168h): spooled evidence older than a week says little
	// about the host today.
	MaxReportAge Duration `json:"max_report_age,omitempty"`
	// EnrollsPerMinute and EnrollBurst bound enrollments from one source
	// address (default 60 and 60); SecretEnrollsPerMinute and
	// SecretEnrollBurst those with one enroll secret (default 300 and
	// 100). Each server replica counts its own.
	EnrollsPerMinute       int `json:"enrolls_per_minute,omitempty"`
	EnrollBurst            int `json:"enroll_burst,omitempty"`
	SecretEnrollsPerMinute int `json:"secret_enrolls_per_minute,omitempty"`
	SecretEnrollBurst      int `json:"secret_enroll_burst,omitempty"`
}

// Tokens configures people's API tokens.
type Tokens struct {
	// DefaultTTLDays is how long a person's token is valid unless it is
	// made with another lifetime or "never" (default 90). It applies to
	// the bootstrap admin token and to tokens stored without an expiry.
	DefaultTTLDays int `json:"default_ttl_days,omitempty"`
}

// Facts says which facts namespaces reports may carry: those of the
// built-in collectors, plus those of the organisation's own collectors
// whose schemas are in SchemasDir. A report with any other namespace is
// refused.
type Facts struct {
	// SchemasDir holds <namespace>.schema.json, a JSON Schema for each of
	// the organisation's own collectors (their facts are validated
	// against it like the built-in ones).
	SchemasDir string `json:"schemas_dir,omitempty"`
}

// Audit configures the audit log.
type Audit struct {
	// RequireJustification makes a stated reason mandatory for every
	// audited access (default true; DPA 2018 s.62).
	RequireJustification *bool `json:"require_justification,omitempty"`
	// RetentionDays locks each audit log entry against deletion and
	// overwrite for this many days where the store supports it (S3 object
	// lock); 0 means storage.s3.retention_days.
	RetentionDays int `json:"retention_days,omitempty"`
	// CheckpointEvery is how often a server whose audit chain has been
	// idle appends a checkpoint entry (default 1h); verification reports
	// a chain without a close and silent for twice as long as truncated.
	CheckpointEvery Duration `json:"checkpoint_every,omitempty"`
}

// AuditRetention is how long audit log entries are locked: audit
// retention_days, else the store's retention_days.
func (c *Config) AuditRetention() time.Duration {
	days := c.Audit.RetentionDays
	if days == 0 {
		days = c.Storage.S3.RetentionDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// Duration is a time.Duration written as a string such as "30s".
type Duration = duration.Duration

// Default returns the single-machine configuration: a directory store
// under dir, loopback HTTP, daily cycles.
func Default(dir string) *Config {
	c := &Config{Storage: Storage{Type: "dir", Dir: dir}}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8480"
	}
	if c.Cycle.Schedule == "" {
		c.Cycle.Schedule = "0 2 * * *"
	}
	if c.Cycle.Jitter == 0 {
		c.Cycle.Jitter = Duration(15 * time.Minute)
	}
	if c.Limits.MaxReportBytes == 0 {
		c.Limits.MaxReportBytes = 16 << 20
	}
	if c.Limits.MaxReportAge == 0 {
		c.Limits.MaxReportAge = Duration(7 * 24 * time.Hour)
	}
	if c.Cycle.Settle == 0 {
		c.Cycle.Settle = Duration(2 * time.Minute)
	}
	if c.Limits.MaxInflightReportBytes == 0 {
		c.Limits.MaxInflightReportBytes = 4 * c.Limits.MaxReportBytes
	}
	if c.Limits.ReportsPerMinute == 0 {
		c.Limits.ReportsPerMinute, c.Limits.ReportBurst = 6, 3
	}
	if c.Limits.EnrollsPerMinute == 0 {
		c.Limits.EnrollsPerMinute, c.Limits.EnrollBurst = 60, 60
	}
	if c.Limits.SecretEnrollsPerMinute == 0 {
		c.Limits.SecretEnrollsPerMinute, c.Limits.SecretEnrollBurst = 300, 100
	}
	if c.Tokens.DefaultTTLDays == 0 {
		c.Tokens.DefaultTTLDays = 90
	}
	if c.Audit.CheckpointEvery == 0 {
		c.Audit.CheckpointEvery = Duration(time.Hour)
	}
	if c.Audit.RequireJustification == nil {
		t := true
		c.Audit.RequireJustification = &t
	}
}

// Parse decodes a configuration document, refusing unknown keys.
func Parse(b []byte) (*Config, error) {
	var c Config
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		return nil, fmt.Errorf("parse server config: %w", err)
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Load reads and parses the file at path.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read server config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Validate checks the configuration is complete and safe.
func (c *Config) Validate() error {
	var errs []error
	host, _, err := net.SplitHostPort(c.Listen)
	if err != nil {
		errs = append(errs, fmt.Errorf("listen %q: %v", c.Listen, err))
	} else if c.TLS == nil && !c.AllowInsecureHTTP && !loopback(host) {
		errs = append(errs, fmt.Errorf("listen %q: plain HTTP on a non-loopback address; configure tls, or set allow_insecure_http behind a TLS-terminating proxy", c.Listen))
	}
	if c.TLS != nil && (c.TLS.CertFile == "" || c.TLS.KeyFile == "") {
		errs = append(errs, errors.New("tls: cert_file and key_file are both required"))
	}
	if err := c.Policy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("policy: %w", err))
	}
	switch c.Storage.Type {
	case "dir":
		if c.Storage.Dir == "" {
			errs = append(errs, errors.New("storage.dir is required for a dir store"))
		}
	case "s3":
		if c.Storage.S3.Endpoint == "" || c.Storage.S3.Bucket == "" {
			errs = append(errs, errors.New("storage.s3.endpoint and storage.s3.bucket are required"))
		}
		switch m := strings.ToLower(c.Storage.S3.RetentionMode); m {
		case "", "governance", "compliance":
			c.Storage.S3.RetentionMode = m
		default:
			errs = append(errs, fmt.Errorf("storage.s3.retention_mode %q: want governance or compliance", c.Storage.S3.RetentionMode))
		}
	default:
		errs = append(errs, fmt.Errorf("storage.type %q: want dir or s3", c.Storage.Type))
	}
	if c.Limits.MaxReportAge < Duration(time.Hour) {
		errs = append(errs, fmt.Errorf("limits.max_report_age %s: want at least 1h", time.Duration(c.Limits.MaxReportAge)))
	}
	if c.Cycle.Settle < 0 {
		errs = append(errs, fmt.Errorf("cycle.settle %s: want 0 (the default) or more", time.Duration(c.Cycle.Settle)))
	}
	if c.Limits.MaxReportBytes < 1024 || c.Limits.MaxReportBytes > 256<<20 {
		errs = append(errs, fmt.Errorf("limits.max_report_bytes %d: want 1 KiB to 256 MiB", c.Limits.MaxReportBytes))
	}
	for _, l := range []struct {
		name        string
		rate, burst int
	}{
		{"limits.enrolls_per_minute and enroll_burst", c.Limits.EnrollsPerMinute, c.Limits.EnrollBurst},
		{"limits.secret_enrolls_per_minute and secret_enroll_burst", c.Limits.SecretEnrollsPerMinute, c.Limits.SecretEnrollBurst},
	} {
		if l.rate < 1 || l.rate > 100000 || l.burst < 1 || l.burst > 100000 {
			errs = append(errs, fmt.Errorf("%s %d and %d: want 1 to 100000 each", l.name, l.rate, l.burst))
		}
	}
	if d := c.Tokens.DefaultTTLDays; d < 1 || d > 3650 {
		errs = append(errs, fmt.Errorf("tokens.default_ttl_days %d: want 1 to 3650 (make a token that never expires explicitly, with ttl never)", d))
	}
	if c.Audit.RetentionDays < 0 {
		errs = append(errs, fmt.Errorf("audit.retention_days %d: want 0 or more", c.Audit.RetentionDays))
	}
	if every := time.Duration(c.Audit.CheckpointEvery); every < time.Minute || every > 24*time.Hour {
		errs = append(errs, fmt.Errorf("audit.checkpoint_every %s: want 1m to 24h", every))
	}
	if c.Limits.MaxInflightReportBytes < c.Limits.MaxReportBytes {
		errs = append(errs, fmt.Errorf("limits.max_inflight_report_bytes %d: want at least limits.max_report_bytes (%d), or no report of the largest size could ever be accepted", c.Limits.MaxInflightReportBytes, c.Limits.MaxReportBytes))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid server config: %w", err)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
