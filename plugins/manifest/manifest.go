package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Suffix ends every manifest file name: "<name>.manifest.json".
const Suffix = ".manifest.json"

// MaxSize bounds a manifest file.
const MaxSize = 64 << 10

// Manifest pins one collector binary.
type Manifest struct {
	// Name is the collector's name; the file is "<Name>.manifest.json".
	Name string `json:"name"`
	// Binary is the executable's file name, in the same directory.
	Binary string `json:"binary"`
	// SHA256 is the hex SHA-256 of the binary.
	SHA256 string `json:"sha256"`
	// Namespace is the only facts namespace the collector may write.
	Namespace string `json:"namespace"`
	// ProtocolVersion is the plugin protocol the binary speaks.
	ProtocolVersion int `json:"protocol_version"`
	// Timeout is how long one collection may take ("30s"); empty means the
	// agent's default.
	Timeout string `json:"timeout,omitempty"`
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// Validate checks that m is complete and well-formed.
func (m *Manifest) Validate() error {
	var errs []error
	if !nameRE.MatchString(m.Name) {
		errs = append(errs, fmt.Errorf("name %q must match %s", m.Name, nameRE))
	}
	if m.Binary == "" || m.Binary != filepath.Base(m.Binary) || m.Binary == "." || m.Binary == ".." || strings.ContainsAny(m.Binary, `/\`) {
		errs = append(errs, fmt.Errorf("binary %q must be a file name in the manifest's directory", m.Binary))
	}
	if b, err := hex.DecodeString(m.SHA256); err != nil || len(b) != sha256.Size {
		errs = append(errs, fmt.Errorf("sha256 %q must be 64 hex digits", m.SHA256))
	}
	if !facts.ValidNamespace(m.Namespace) {
		errs = append(errs, fmt.Errorf("namespace %q is not valid", m.Namespace))
	}
	if m.ProtocolVersion != sdk.ProtocolVersion {
		errs = append(errs, fmt.Errorf("protocol version %d is not supported (want %d)", m.ProtocolVersion, sdk.ProtocolVersion))
	}
	if m.Timeout != "" {
		if d, err := time.ParseDuration(m.Timeout); err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("timeout %q must be a positive duration", m.Timeout))
		}
	}
	return errors.Join(errs...)
}

// TimeoutOr returns the manifest's timeout, or def when it sets none.
func (m *Manifest) TimeoutOr(def time.Duration) time.Duration {
	if d, err := time.ParseDuration(m.Timeout); err == nil && d > 0 {
		return d
	}
	return def
}

// Checksum returns the raw SHA-256 the manifest pins.
func (m *Manifest) Checksum() []byte {
	b, _ := hex.DecodeString(m.SHA256)
	return b
}

// Parse decodes and validates a manifest, refusing unknown fields.
func Parse(b []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode manifest: %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("invalid manifest: %w", err)
	}
	return &m, nil
}

// Load reads and validates the manifest file at path; the manifest's Name
// must match the file name.
func Load(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load manifest: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("load manifest %s: %w", path, err)
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("load manifest %s: larger than %d bytes", path, MaxSize)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("load manifest %s: %w", path, err)
	}
	if want := m.Name + Suffix; filepath.Base(path) != want {
		return nil, fmt.Errorf("load manifest %s: name %q does not match file name (want %s)", path, m.Name, want)
	}
	return m, nil
}

// FileSHA256 returns the hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Write computes the binary's checksum, fills in m.SHA256 and
// m.ProtocolVersion, and writes "<dir of binary>/<Name>.manifest.json".
func Write(binaryPath string, m Manifest) (string, error) {
	sum, err := FileSHA256(binaryPath)
	if err != nil {
		return "", err
	}
	m.Binary = filepath.Base(binaryPath)
	m.SHA256 = sum
	m.ProtocolVersion = sdk.ProtocolVersion
	if err := m.Validate(); err != nil {
		return "", fmt.Errorf("write manifest for %s: %w", binaryPath, err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", fmt.Errorf("write manifest for %s: %w", binaryPath, err)
	}
	out := filepath.Join(filepath.Dir(binaryPath), m.Name+Suffix)
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write manifest for %s: %w", binaryPath, err)
	}
	return out, nil
}
