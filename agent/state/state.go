package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/internal/atomicfile"
	"github.com/auditfleet/auditfleet/firstseen"
)

// File names inside the state directory.
const (
	CredentialsFile = "credentials.json"
	CycleFile       = "cycle.json"
	FirstSeenFile   = "first-seen.json"
	SpoolDir        = "spool"
)

// maxStateFile bounds what is read from a state file.
const maxStateFile = 64 << 10

// maxFirstSeenFile bounds the record of first sightings (about 150 bytes
// an update).
const maxFirstSeenFile = 8 << 20

// ErrNotEnrolled means the state directory holds no credentials.
var ErrNotEnrolled = errors.New("this host is not enrolled: run auditfleet-agent enroll first")

// Dir is a state directory.
type Dir struct{ path string }

// Open returns the state directory at path, creating it (mode 0700) if
// needed. It refuses a directory that another user owns or that group or
// others may write (on unix, also one whose path others could change):
// whoever can write it can point this host's reports at their own server.
func Open(path string) (*Dir, error) {
	if path == "" {
		return nil, errors.New("state directory: empty path")
	}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	if err := checkDir(path); err != nil {
		return nil, err
	}
	return &Dir{path: path}, nil
}

// Path returns the directory.
func (d *Dir) Path() string { return d.path }

// SpoolPath returns the directory where undelivered reports wait.
func (d *Dir) SpoolPath() string { return filepath.Join(d.path, SpoolDir) }

// Credentials reads the host's credentials. It returns an error wrapping
// ErrNotEnrolled when there are none, and refuses a file that group or
// others can access or another user owns.
func (d *Dir) Credentials() (client.Credentials, error) {
	path := filepath.Join(d.path, CredentialsFile)
	b, err := readPrivate(path)
	if errors.Is(err, os.ErrNotExist) {
		return client.Credentials{}, fmt.Errorf("no %s in %s: %w", CredentialsFile, d.path, ErrNotEnrolled)
	}
	if err != nil {
		return client.Credentials{}, err
	}
	var c client.Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return client.Credentials{}, fmt.Errorf("read credentials %s: not valid JSON", path) // no detail: it would quote the file
	}
	if c.ServerURL == "" || c.HostID == "" || c.Token == "" {
		return client.Credentials{}, fmt.Errorf("read credentials %s: server_url, host_id and token must all be set; enroll again", path)
	}
	return c, nil
}

// SaveCredentials atomically replaces the credentials file (mode 0600).
func (d *Dir) SaveCredentials(c client.Credentials) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(d.path, CredentialsFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return nil
}

// Cycle records the audit cycle the agent last reported in.
type Cycle struct {
	ID       string `json:"cycle_id"`
	ReportID string `json:"report_id"`
}

// LastCycle returns the cycle recorded by SaveCycle; the zero Cycle when
// none was.
func (d *Dir) LastCycle() (Cycle, error) {
	path := filepath.Join(d.path, CycleFile)
	b, err := readPrivate(path)
	if errors.Is(err, os.ErrNotExist) {
		return Cycle{}, nil
	}
	if err != nil {
		return Cycle{}, err
	}
	var c Cycle
	if err := json.Unmarshal(b, &c); err != nil {
		return Cycle{}, fmt.Errorf("read %s: %w", path, err)
	}
	return c, nil
}

// SaveCycle records that a report for the cycle was delivered or spooled.
func (d *Dir) SaveCycle(c Cycle) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("save cycle: %w", err)
	}
	if err := atomicfile.Write(filepath.Join(d.path, CycleFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save cycle: %w", err)
	}
	return nil
}

// FirstSeen returns the record of when this agent's scans first saw each
// pending update (package firstseen); an empty record when there is none.
func (d *Dir) FirstSeen() (firstseen.Record, error) {
	path := filepath.Join(d.path, FirstSeenFile)
	b, err := readPrivateN(path, maxFirstSeenFile)
	if errors.Is(err, os.ErrNotExist) {
		return firstseen.Record{}, nil
	}
	if err != nil {
		return firstseen.Record{}, err
	}
	var r firstseen.Record
	if err := json.Unmarshal(b, &r); err != nil {
		return firstseen.Record{}, fmt.Errorf("read %s: %w", path, err)
	}
	return r, nil
}

// SaveFirstSeen replaces the record of first sightings.
func (d *Dir) SaveFirstSeen(r firstseen.Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save first sightings: %w", err)
	}
	if len(b) > maxFirstSeenFile {
		return fmt.Errorf("save first sightings: %d bytes, over %d", len(b), maxFirstSeenFile)
	}
	if err := atomicfile.Write(filepath.Join(d.path, FirstSeenFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save first sightings: %w", err)
	}
	return nil
}

// readPrivate reads a small state file after checking that only the
// agent's user owns it and can access it.
func readPrivate(path string) ([]byte, error) { return readPrivateN(path, maxStateFile) }

// readPrivateN is readPrivate of a file of at most limit bytes.
func readPrivateN(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file", path)
	}
	if err := checkPrivate(path, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("read %s: over %d bytes", path, limit)
	}
	return b, nil
}
