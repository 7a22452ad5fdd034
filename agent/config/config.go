package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"sigs.k8s.io/yaml"
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
	// Bundle is a signed policy bundle to evaluate instead of the built-in
	// policies; BundleKey is the PEM public key that must have signed it.
	Bundle    string `json:"bundle,omitempty"`
	BundleKey string `json:"bundle_key,omitempty"`
}

// Duration is a time.Duration written as "30s" in YAML.
type Duration time.Duration

// UnmarshalJSON parses a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

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

// PolicyData returns the document the policies read as data.config.
func (p Policy) PolicyData() map[string]any {
	cfg := map[string]any{}
	if p.DormantDays > 0 {
		cfg["accounts"] = map[string]any{"dormant_days": p.DormantDays}
	}
	if p.OSWarnDays > 0 {
		cfg["os"] = map[string]any{"warn_days": p.OSWarnDays}
	}
	if len(p.Entitlements) > 0 {
		ents := make([]any, len(p.Entitlements))
		for i, e := range p.Entitlements {
			ents[i] = e
		}
		cfg["entitlements"] = ents
	}
	return cfg
}

// OrgData returns the document the policies read as data.org, or nil when
// no organisation data is configured.
func (p Policy) OrgData() map[string]any {
	if p.ApprovedAdmins == nil {
		return nil
	}
	admins := make([]any, len(p.ApprovedAdmins))
	for i, a := range p.ApprovedAdmins {
		admins[i] = a
	}
	return map[string]any{"approved_admins": admins}
}
