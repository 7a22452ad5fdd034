package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/auditfleet/auditfleet/internal/duration"
)

// DefaultPath is where the agent looks for its configuration when no flag
// or environment variable names one.
const DefaultPath = "/etc/auditfleet/agent.yaml"

// Config is the agent configuration file.
type Config struct {
	// HostRoot is the directory audited as "/" (default "/").
	HostRoot string `json:"host_root,omitempty"`
	// PluginDir holds the collector binaries and manifests.
	PluginDir string `json:"plugin_dir,omitempty"`
	// CollectorTimeout overrides every collector's manifest timeout.
	CollectorTimeout Duration `json:"collector_timeout,omitempty"`
	// Collectors holds each collector's options object, by collector name.
	Collectors map[string]json.RawMessage `json:"collectors,omitempty"`
	// Policy holds the thresholds used when the agent evaluates policies
	// itself (scan).
	Policy Policy `json:"policy,omitempty"`
	// StateDir holds the credentials, the report spool and the last cycle
	// reported in (default /var/lib/auditfleet/agent).
	StateDir string `json:"state_dir,omitempty"`
	// Server says how to reach the auditfleet server (enroll, run).
	Server Server `json:"server,omitempty"`
	// Spool bounds the reports kept while the server cannot take them.
	Spool Spool `json:"spool,omitempty"`
	// Limits bounds what the agent and its collectors may use of the host.
	Limits Limits `json:"limits,omitempty"`
}

// Defaults of Limits: stricter than the host would notice.
const (
	DefaultMaxProcs        = 1                // the agent's GOMAXPROCS
	DefaultMemoryLimit     = 128 << 20        // the agent's soft memory limit, bytes
	DefaultCollectorCPU    = 20 * time.Second // CPU time per collector run
	DefaultCollectorMemory = 256 << 20        // resident memory per collector, bytes
)

// Limits bounds the agent's own use of the host and each collector's.
type Limits struct {
	// MaxProcs is the agent's GOMAXPROCS (default 1); the GOMAXPROCS
	// environment variable wins over it.
	MaxProcs int `json:"max_procs,omitempty"`
	// MemoryLimit is the agent's soft Go memory limit in bytes (default
	// 128 MiB): past it the garbage collector works harder, nothing is
	// killed. The GOMEMLIMIT environment variable wins over it.
	MemoryLimit int64 `json:"memory_limit,omitempty"`
	// CollectorCPU is the CPU time one collector run may use (default
	// 20s); over it the collector is killed and reported.
	CollectorCPU Duration `json:"collector_cpu,omitempty"`
	// CollectorMemory is the resident memory in bytes one collector may
	// use (default 256 MiB); over it the collector is killed and reported.
	CollectorMemory int64 `json:"collector_memory,omitempty"`
}

// Runtime returns the GOMAXPROCS and soft memory limit the agent should
// set, with defaults filled in; 0 means leave the runtime's value alone
// because the operator set it in the environment getenv reads.
func (l Limits) Runtime(getenv func(string) string) (maxProcs int, memoryLimit int64) {
	if getenv("GOMAXPROCS") == "" {
		maxProcs = l.MaxProcs
		if maxProcs == 0 {
			maxProcs = DefaultMaxProcs
		}
	}
	if getenv("GOMEMLIMIT") == "" {
		memoryLimit = l.MemoryLimit
		if memoryLimit == 0 {
			memoryLimit = DefaultMemoryLimit
		}
	}
	return maxProcs, memoryLimit
}

// Collector returns the CPU-time and memory budget of one collector run,
// with defaults filled in.
func (l Limits) Collector() (cpu time.Duration, memory int64) {
	cpu, memory = time.Duration(l.CollectorCPU), l.CollectorMemory
	if cpu == 0 {
		cpu = DefaultCollectorCPU
	}
	if memory == 0 {
		memory = DefaultCollectorMemory
	}
	return cpu, memory
}

func (l Limits) validate() []error {
	var errs []error
	if l.MaxProcs < 0 {
		errs = append(errs, fmt.Errorf("limits.max_procs %d must not be negative", l.MaxProcs))
	}
	if l.MemoryLimit < 0 {
		errs = append(errs, fmt.Errorf("limits.memory_limit %d must not be negative", l.MemoryLimit))
	}
	if l.CollectorMemory < 0 {
		errs = append(errs, fmt.Errorf("limits.collector_memory %d must not be negative", l.CollectorMemory))
	}
	return errs
}

// Server says how the agent reaches the auditfleet server.
type Server struct {
	// URL is the server's base URL, used by enroll when --server is not
	// given; run uses the URL stored at enrollment.
	URL string `json:"url,omitempty"`
	// CAFile is a PEM bundle of the CAs trusted for the server's
	// certificate, replacing the system roots.
	CAFile string `json:"ca_file,omitempty"`
	// CertFile and KeyFile are a client certificate and key for mutual TLS.
	CertFile string `json:"cert_file,omitempty"`
	KeyFile  string `json:"key_file,omitempty"`
	// AllowInsecureHTTP permits a plain http:// URL to a host that is not
	// loopback, for TLS terminated outside the agent (a service mesh
	// sidecar). Without TLS, tokens and personal data cross the network
	// in clear.
	AllowInsecureHTTP bool `json:"allow_insecure_http,omitempty"`
	// Timeout bounds one request (default 2m).
	Timeout Duration `json:"timeout,omitempty"`
	// CheckinInterval is the longest `run` waits between check-ins
	// (default 1h, at least 1m).
	CheckinInterval Duration `json:"checkin_interval,omitempty"`
}

// Spool bounds the reports kept for a later attempt; when full, the
// oldest are dropped with a warning.
type Spool struct {
	// MaxFiles is the most reports kept (default 100).
	MaxFiles int `json:"max_files,omitempty"`
	// MaxBytes is the most bytes of reports kept (default 256 MiB).
	MaxBytes int64 `json:"max_bytes,omitempty"`
}

// Policy holds organisation thresholds for local evaluation.
type Policy struct {
	// DormantDays is how long an account may go unused (default 45).
	DormantDays int `json:"dormant_days,omitempty"`
	// OSWarnDays is how long before end of support ICO-SEC-01 warns (default 180).
	OSWarnDays int `json:"os_warn_days,omitempty"`
	// Entitlements are paid extended-support subscriptions this host has,
	// e.g. "ubuntu-pro", "rhel-els", "windows-esu".
	Entitlements []string `json:"entitlements,omitempty"`
	// ApprovedAdmins lists the accounts allowed admin rights.
	ApprovedAdmins []string `json:"approved_admins,omitempty"`
	// CustomDir is a directory of the organisation's own controls (Rego),
	// evaluated beside the built-in ones.
	CustomDir string `json:"custom_dir,omitempty"`
	// OrgDir is a directory of organisation data files (thresholds,
	// leavers, approved admins, plans, data stores, host tags, baseline,
	// waivers; see docs/org-data.md) for offline scans.
	OrgDir string `json:"org_dir,omitempty"`
	// Bundle is a signed policy bundle to evaluate instead of the built-in
	// policies; BundleKey is the PEM public key that must have signed it.
	Bundle    string `json:"bundle,omitempty"`
	BundleKey string `json:"bundle_key,omitempty"`
}

// Duration is a time.Duration written as a string such as "30s".
type Duration = duration.Duration

// Parse decodes a configuration document, refusing unknown keys.
func Parse(b []byte) (*Config, error) {
	var c Config
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		return nil, fmt.Errorf("parse agent config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks the values are in range.
func (c *Config) Validate() error {
	var errs []error
	if c.Policy.DormantDays < 0 {
		errs = append(errs, fmt.Errorf("policy.dormant_days %d must not be negative", c.Policy.DormantDays))
	}
	if c.Policy.OSWarnDays < 0 {
		errs = append(errs, fmt.Errorf("policy.os_warn_days %d must not be negative", c.Policy.OSWarnDays))
	}
	errs = append(errs, c.Server.validate()...)
	errs = append(errs, c.Limits.validate()...)
	if c.Spool.MaxFiles < 0 {
		errs = append(errs, fmt.Errorf("spool.max_files %d must not be negative", c.Spool.MaxFiles))
	}
	if c.Spool.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("spool.max_bytes %d must not be negative", c.Spool.MaxBytes))
	}
	for name, opts := range c.Collectors {
		var m map[string]any
		if err := json.Unmarshal(opts, &m); err != nil || m == nil {
			errs = append(errs, fmt.Errorf("collectors.%s must be a mapping of options", name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid agent config: %w", err)
	}
	return nil
}

func (s Server) validate() []error {
	var errs []error
	if s.URL != "" {
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, errors.New("server.url must be an https:// (or http://) URL"))
		}
	}
	if (s.CertFile == "") != (s.KeyFile == "") {
		errs = append(errs, errors.New("server.cert_file and server.key_file go together"))
	}
	if ci := time.Duration(s.CheckinInterval); ci != 0 && ci < time.Minute {
		errs = append(errs, fmt.Errorf("server.checkin_interval %v must be at least 1m", ci))
	}
	return errs
}

// Load reads the file at path. A missing file at DefaultPath is not an
// error (it yields an empty configuration); any other missing file is.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPath
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read agent config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// OrgData returns the organisation data the configuration sets, in the
// shape the policies read as data.org (thresholds, approved admins,
// entitlements), or nil when it sets none. Offline scans use it for the
// kinds no organisation data file provides (see docs/org-data.md).
func (p Policy) OrgData() map[string]any {
	org := map[string]any{}
	thresholds := map[string]any{}
	if p.DormantDays > 0 {
		thresholds["dormant_days"] = p.DormantDays
	}
	if p.OSWarnDays > 0 {
		thresholds["os_warn_days"] = p.OSWarnDays
	}
	if len(thresholds) > 0 {
		org["thresholds"] = thresholds
	}
	if p.ApprovedAdmins != nil {
		admins := make([]any, len(p.ApprovedAdmins))
		for i, a := range p.ApprovedAdmins {
			admins[i] = map[string]any{"user": a}
		}
		org["approved_admins"] = admins
	}
	if len(p.Entitlements) > 0 {
		ents := make([]any, len(p.Entitlements))
		for i, e := range p.Entitlements {
			ents[i] = map[string]any{"entitlement": e, "reference": "agent configuration"}
		}
		org["entitlements"] = ents
	}
	if len(org) == 0 {
		return nil
	}
	return org
}
