package registry

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// Host states.
const (
	Active         = "active"
	Revoked        = "revoked"
	Decommissioned = "decommissioned"
)

// Host is a registry entry.
type Host struct {
	ID         objkey.HostID `json:"host_id"`
	Hostname   string        `json:"hostname"`
	OS         string        `json:"os"`
	Agent      string        `json:"agent_version"`
	State      string        `json:"state"`
	EnrolledAt time.Time     `json:"enrolled_at"`
	// TokenHash is the hash of the host's current token; re-enrolling
	// replaces it.
	TokenHash   string     `json:"token_hash,omitempty"`
	MachineHash string     `json:"machine_hash,omitempty"`
	LastReport  *time.Time `json:"last_report,omitempty"`
	// Clones are the refused enrollments of other host names with this
	// host's machine ID: hosts cloned from its image that must be given
	// their own identity.
	Clones    []Clone `json:"clones,omitempty"`
	LastCycle string  `json:"last_cycle,omitempty"`
}

// EnrollSecret is a stored enroll secret.
type EnrollSecret struct {
	Name    string     `json:"name"`
	Created time.Time  `json:"created"`
	Expires *time.Time `json:"expires,omitempty"`
}

// EnrollRequest is what a host says about itself when it enrolls.
type EnrollRequest struct {
	Hostname     string `json:"hostname"`
	MachineID    string `json:"machine_id"`
	OS           string `json:"os"`
	AgentVersion string `json:"agent_version"`
}

// Validate checks the request's fields are present and sane.
func (r EnrollRequest) Validate() error {
	var errs []error
	check := func(name, v string, max int, required bool) {
		switch {
		case required && strings.TrimSpace(v) == "":
			errs = append(errs, fmt.Errorf("%s is required", name))
		case len(v) > max:
			errs = append(errs, fmt.Errorf("%s is longer than %d bytes", name, max))
		case !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			errs = append(errs, fmt.Errorf("%s has control characters or invalid UTF-8", name))
		}
	}
	check("hostname", r.Hostname, 253, true)
	if len(errs) == 0 {
		if err := validHostname(r.Hostname); err != nil {
			errs = append(errs, err)
		}
	}
	check("machine_id", r.MachineID, 128, true)
	check("os", r.OS, 256, false)
	check("agent_version", r.AgentVersion, 128, false)
	return errors.Join(errs...)
}

// Errors the registry returns.
var (
	ErrBadSecret    = errors.New("unknown or expired enroll secret")
	ErrNotFound     = errors.New("no such host")
	ErrNotReadmit   = errors.New("host was revoked or decommissioned; an operator must re-admit it")
	ErrLegalHold    = errors.New("host data is under legal hold")
	ErrNotRevocable = errors.New("host is not active")
	ErrActive       = errors.New("host is already active")
	// ErrDuplicateMachine means a host enrolled with the machine ID of an
	// enrolled host under another name: hosts cloned from one image share
	// /etc/machine-id.
	ErrDuplicateMachine = errors.New("machine ID already enrolled under another host name")
)

// Registry manages hosts in object storage.
type Registry struct {
	Store  store.Backend
	Tokens *auth.Tokens
	Now    func() time.Time
}

func (r *Registry) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

// CreateEnrollSecret makes a new enroll secret and returns it; it is shown
// once and stored only hashed.
func (r *Registry) CreateEnrollSecret(ctx context.Context, name string, expires *time.Time) (string, error) {
	secret, h := auth.NewSecret(auth.EnrollSecretPrefix)
	rec := EnrollSecret{Name: name, Created: r.now(), Expires: expires}
	if _, err := store.PutJSON(ctx, r.Store, objkey.EnrollSecret(h), rec, store.PutOptions{WriteOnce: true}); err != nil {
		return "", fmt.Errorf("create enroll secret %q: %w", name, err)
	}
	return secret, nil
}

func (r *Registry) checkEnrollSecret(ctx context.Context, secret string) error {
	if !strings.HasPrefix(secret, auth.EnrollSecretPrefix) || len(secret) > 256 {
		return ErrBadSecret
	}
	var rec EnrollSecret
	if _, err := store.GetJSON(ctx, r.Store, objkey.EnrollSecret(auth.Hash(secret)), &rec); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadSecret
		}
		return fmt.Errorf("check enroll secret: %w", err)
	}
	if rec.Expires != nil && !r.now().Before(*rec.Expires) {
		return ErrBadSecret
	}
	return nil
}

// Clone is a refused enrollment under this host's machine ID.
type Clone struct {
	// Hostname is the name the other host enrolled with.
	Hostname string `json:"hostname"`
	// At is when it tried, the last time if more than once.
	At time.Time `json:"at"`
}

// maxClones bounds the clones recorded on one host.
const maxClones = 50

type machineIndex struct {
	HostID objkey.HostID `json:"host_id"`
}

// Enroll registers a host (or re-enrolls a known machine) and returns its
// host ID and a new token; a re-enrolled host's old token stops working.
func (r *Registry) Enroll(ctx context.Context, secret string, req EnrollRequest) (objkey.HostID, string, error) {
	if err := r.checkEnrollSecret(ctx, secret); err != nil {
		return objkey.HostID{}, "", err
	}
	if err := req.Validate(); err != nil {
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	mh := auth.Hash("machine:" + req.MachineID)
	idx := objkey.MachineIndex(mh)
	var (
		h      Host
		exists bool
	)
	var mi machineIndex
	_, err := store.GetJSON(ctx, r.Store, idx, &mi)
	switch {
	case err == nil:
		if _, err := store.GetJSON(ctx, r.Store, objkey.Host(mi.HostID), &h); err != nil {
			return objkey.HostID{}, "", fmt.Errorf("enroll: read host %s: %w", mi.HostID, err)
		}
		exists = true
	case errors.Is(err, store.ErrNotFound):
		id := objkey.NewHostID()
		if _, err := store.PutJSON(ctx, r.Store, idx, machineIndex{HostID: id}, store.PutOptions{WriteOnce: true}); err != nil {
			if errors.Is(err, store.ErrExists) {
				// Another replica enrolled this machine at the same moment.
				return r.Enroll(ctx, secret, req)
			}
			return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
		}
		h = Host{ID: id, EnrolledAt: r.now(), MachineHash: mh.String()}
	default:
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	if exists && h.State != Active {
		return objkey.HostID{}, "", fmt.Errorf("enroll %s: %w", h.ID, ErrNotReadmit)
	}
	if exists && h.Hostname != "" && !strings.EqualFold(h.Hostname, req.Hostname) {
		return objkey.HostID{}, "", r.refuseClone(ctx, h, req.Hostname)
	}
	token, th, err := r.Tokens.Issue(ctx, auth.Principal{Kind: "host", ID: h.ID.String(), Role: auth.Agent}, auth.HostTokenPrefix, nil)
	if err != nil {
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	old := h.TokenHash
	h.Hostname, h.OS, h.Agent, h.State, h.TokenHash = req.Hostname, req.OS, req.AgentVersion, Active, th.String()
	if err := r.put(ctx, h); err != nil {
		_ = r.Tokens.Revoke(ctx, th)
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	if old != "" {
		if oh, err := objkey.ParseHash(old); err == nil {
			if err := r.Tokens.Revoke(ctx, oh); err != nil {
				return objkey.HostID{}, "", fmt.Errorf("enroll: revoke previous token: %w", err)
			}
		}
	}
	return h.ID, token, nil
}

// refuseClone records on h that hostname tried to enroll with h's machine
// ID, and returns the error that refuses it. Taking over h's identity
// would silently merge two hosts' evidence and revoke h's token.
func (r *Registry) refuseClone(ctx context.Context, h Host, hostname string) error {
	i := slices.IndexFunc(h.Clones, func(c Clone) bool { return strings.EqualFold(c.Hostname, hostname) })
	switch {
	case i >= 0:
		h.Clones[i].At = r.now()
	case len(h.Clones) < maxClones:
		h.Clones = append(h.Clones, Clone{Hostname: hostname, At: r.now()})
	}
	if err := r.put(ctx, h); err != nil {
		return fmt.Errorf("enroll %s: record clone %q: %w", h.ID, hostname, err)
	}
	return fmt.Errorf("enroll %q: %w: host %s (%s) has this machine ID; hosts cloned from one image share /etc/machine-id, so give this host its own (rm /etc/machine-id && systemd-machine-id-setup) and enroll again, or decommission %s if it was renamed",
		hostname, ErrDuplicateMachine, h.ID, h.Hostname, h.ID)
}

func (r *Registry) put(ctx context.Context, h Host) error {
	if _, err := store.PutJSON(ctx, r.Store, objkey.Host(h.ID), h, store.PutOptions{}); err != nil {
		return fmt.Errorf("save host %s: %w", h.ID, err)
	}
	return nil
}

// Get returns a host's registry entry.
func (r *Registry) Get(ctx context.Context, id objkey.HostID) (Host, error) {
	var h Host
	if _, err := store.GetJSON(ctx, r.Store, objkey.Host(id), &h); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Host{}, fmt.Errorf("host %s: %w", id, ErrNotFound)
		}
		return Host{}, err
	}
	return h, nil
}

// Authenticate checks that principal p is an active host whose current
// token is the one that authenticated it, and returns the host.
func (r *Registry) Authenticate(ctx context.Context, p auth.Principal, tokenHash objkey.Hash) (Host, error) {
	if p.Kind != "host" || p.Role != auth.Agent {
		return Host{}, auth.ErrUnauthenticated
	}
	id, err := objkey.ParseHostID(p.ID)
	if err != nil {
		return Host{}, auth.ErrUnauthenticated
	}
	h, err := r.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Host{}, auth.ErrUnauthenticated
	}
	if err != nil {
		return Host{}, err
	}
	if h.State != Active || h.TokenHash != tokenHash.String() {
		return Host{}, auth.ErrUnauthenticated
	}
	return h, nil
}

// List yields every host in the registry, in host ID order.
func (r *Registry) List(ctx context.Context) iter.Seq2[Host, error] {
	return func(yield func(Host, error) bool) {
		for o, err := range r.Store.List(ctx, objkey.HostsPrefix) {
			if err != nil {
				yield(Host{}, fmt.Errorf("list hosts: %w", err))
				return
			}
			var h Host
			if _, err := store.GetJSON(ctx, r.Store, o.Key, &h); err != nil {
				if !yield(Host{}, err) {
					return
				}
				continue
			}
			if !yield(h, nil) {
				return
			}
		}
	}
}

// RecordReport notes that a host reported in a cycle.
func (r *Registry) RecordReport(ctx context.Context, h Host, cycle objkey.CycleID, at time.Time) error {
	at = at.UTC()
	h.LastReport, h.LastCycle = &at, cycle.String()
	return r.put(ctx, h)
}

// Revoke stops a host's token; the host must be re-admitted to enroll again.
func (r *Registry) Revoke(ctx context.Context, id objkey.HostID) (Host, error) {
	h, err := r.Get(ctx, id)
	if err != nil {
		return Host{}, err
	}
	if h.State != Active {
		return Host{}, fmt.Errorf("revoke %s: %w", id, ErrNotRevocable)
	}
	if th, err := objkey.ParseHash(h.TokenHash); err == nil {
		if err := r.Tokens.Revoke(ctx, th); err != nil {
			return Host{}, fmt.Errorf("revoke %s: %w", id, err)
		}
	}
	h.State, h.TokenHash = Revoked, ""
	return h, r.put(ctx, h)
}

// Readmit lets a revoked or decommissioned host enroll again: it becomes
// active without a token until it re-enrolls with an enroll secret.
func (r *Registry) Readmit(ctx context.Context, id objkey.HostID) (Host, error) {
	h, err := r.Get(ctx, id)
	if err != nil {
		return Host{}, err
	}
	if h.State == Active {
		return Host{}, fmt.Errorf("readmit %s: %w", id, ErrActive)
	}
	h.State, h.TokenHash = Active, ""
	return h, r.put(ctx, h)
}

// Decommission revokes the host and truly deletes its facts, results and
// scorecards in every cycle (all versions). Objects under legal hold are
// kept and reported; the host stays registered as decommissioned, so the
// erasure itself remains on record. It returns the number of objects
// deleted.
func (r *Registry) Decommission(ctx context.Context, id objkey.HostID) (int, error) {
	h, err := r.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if th, err := objkey.ParseHash(h.TokenHash); err == nil {
		if err := r.Tokens.Revoke(ctx, th); err != nil {
			return 0, fmt.Errorf("decommission %s: %w", id, err)
		}
	}
	h.State, h.TokenHash = Decommissioned, ""
	if err := r.put(ctx, h); err != nil {
		return 0, fmt.Errorf("decommission %s: %w", id, err)
	}
	deleted := 0
	var held []string
	for o, err := range r.Store.List(ctx, objkey.CyclesPrefix) {
		if err != nil {
			return deleted, fmt.Errorf("decommission %s: list cycles: %w", id, err)
		}
		c, err := objkey.ParseCycle(o.Key)
		if err != nil {
			continue
		}
		for _, prefix := range objkey.HostData(c, id) {
			for obj, err := range r.Store.List(ctx, prefix) {
				if err != nil {
					return deleted, fmt.Errorf("decommission %s: list %s: %w", id, prefix, err)
				}
				switch err := r.Store.Delete(ctx, obj.Key); {
				case err == nil:
					deleted++
				case errors.Is(err, store.ErrLegalHold):
					held = append(held, obj.Key)
				case errors.Is(err, store.ErrNotFound):
				default:
					return deleted, fmt.Errorf("decommission %s: delete %s: %w", id, obj.Key, err)
				}
			}
		}
	}
	if len(held) > 0 {
		return deleted, fmt.Errorf("decommission %s: %d objects kept: %w", id, len(held), ErrLegalHold)
	}
	return deleted, nil
}
