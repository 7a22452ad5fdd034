package registry

import (
	"context"
	"errors"
	"fmt"
	"iter"
	mrand "math/rand/v2"
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
	// Recent are the host's last stored reports, newest last (at most
	// maxRecent), so a report sent again is known wherever it was filed.
	Recent []StoredReport `json:"recent_reports,omitempty"`
}

// StoredReport is a report stored for a host, and its cycle.
type StoredReport struct {
	ID    string `json:"report_id"`
	Cycle string `json:"cycle_id"`
}

// maxRecent bounds Host.Recent.
const maxRecent = 8

// Stored maps the IDs of the host's recent reports to their cycles.
func (h Host) Stored() map[string]objkey.CycleID {
	m := make(map[string]objkey.CycleID, len(h.Recent))
	for _, r := range h.Recent {
		if c, err := objkey.ParseCycleID(r.Cycle); err == nil {
			m[r.ID] = c
		}
	}
	return m
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
	// ErrInactive means the host was revoked or decommissioned while a
	// report of it was being stored.
	ErrInactive = errors.New("host was revoked or decommissioned")
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
// The host record is changed by compare-and-swap, so an enrollment racing
// a revocation or decommissioning either lands before it (and its token is
// revoked with the host) or sees the host inactive and is refused: a token
// issued during the race never outlives the revocation.
func (r *Registry) Enroll(ctx context.Context, secret string, req EnrollRequest) (objkey.HostID, string, error) {
	if err := r.checkEnrollSecret(ctx, secret); err != nil {
		return objkey.HostID{}, "", err
	}
	if err := req.Validate(); err != nil {
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	mh := auth.Hash("machine:" + req.MachineID)
	id, err := r.machineHost(ctx, mh)
	if err != nil {
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	token, th, err := r.Tokens.Issue(ctx, auth.Principal{Kind: "host", ID: id.String(), Role: auth.Agent}, auth.HostTokenPrefix, nil)
	if err != nil {
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	var old string
	h, err := r.update(ctx, id, func(h *Host) error {
		switch {
		case h.State != Active && h.State != "":
			return fmt.Errorf("enroll %s: %w", h.ID, ErrNotReadmit)
		case h.Hostname != "" && !strings.EqualFold(h.Hostname, req.Hostname):
			return errClone
		}
		old = h.TokenHash
		h.Hostname, h.OS, h.Agent, h.TokenHash, h.State = req.Hostname, req.OS, req.AgentVersion, th.String(), Active
		return nil
	})
	if err != nil {
		_ = r.Tokens.Revoke(ctx, th)
		if errors.Is(err, errClone) {
			return objkey.HostID{}, "", r.refuseClone(ctx, id, req.Hostname)
		}
		return objkey.HostID{}, "", fmt.Errorf("enroll: %w", err)
	}
	if err := r.revokeToken(ctx, old); err != nil {
		return objkey.HostID{}, "", fmt.Errorf("enroll %s: revoke previous token: %w", h.ID, err)
	}
	return h.ID, token, nil
}

// errClone stops an enrollment update whose host name differs from the
// enrolled host's with the same machine ID.
var errClone = errors.New("machine ID enrolled under another host name")

// machineHost returns the host of machine hash mh, registering a new
// host (no state and no token until its enrollment completes) if the
// machine is not known. Of replicas
// enrolling one machine at once, one creates it and the others use it.
func (r *Registry) machineHost(ctx context.Context, mh objkey.Hash) (objkey.HostID, error) {
	idx := objkey.MachineIndex(mh)
	var mi machineIndex
	_, err := store.GetJSON(ctx, r.Store, idx, &mi)
	switch {
	case errors.Is(err, store.ErrNotFound):
		mi.HostID = objkey.NewHostID()
		if _, err := store.PutJSON(ctx, r.Store, idx, mi, store.PutOptions{WriteOnce: true}); errors.Is(err, store.ErrExists) {
			return r.machineHost(ctx, mh) // another replica registered it first
		} else if err != nil {
			return objkey.HostID{}, err
		}
	case err != nil:
		return objkey.HostID{}, err
	}
	// Create the host record if it is missing: a new machine, or one
	// whose registration stopped between the index and the record.
	h := Host{ID: mi.HostID, EnrolledAt: r.now(), MachineHash: mh.String()}
	if _, err := store.PutJSON(ctx, r.Store, objkey.Host(h.ID), h, store.PutOptions{IfAbsent: true}); err != nil && !errors.Is(err, store.ErrExists) {
		return objkey.HostID{}, fmt.Errorf("save host %s: %w", h.ID, err)
	}
	return mi.HostID, nil
}

// refuseClone records on host id that hostname tried to enroll with its
// machine ID, and returns the error that refuses it. Taking over the
// host's identity would silently merge two hosts' evidence and revoke its
// token.
func (r *Registry) refuseClone(ctx context.Context, id objkey.HostID, hostname string) error {
	h, err := r.update(ctx, id, func(h *Host) error {
		i := slices.IndexFunc(h.Clones, func(c Clone) bool { return strings.EqualFold(c.Hostname, hostname) })
		switch {
		case i >= 0:
			h.Clones[i].At = r.now()
		case len(h.Clones) < maxClones:
			h.Clones = append(h.Clones, Clone{Hostname: hostname, At: r.now()})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enroll %s: record clone %q: %w", id, hostname, err)
	}
	return fmt.Errorf("enroll %q: %w: host %s (%s) has this machine ID; hosts cloned from one image share /etc/machine-id, so give this host its own (rm /etc/machine-id && systemd-machine-id-setup) and enroll again, or decommission %s if it was renamed",
		hostname, ErrDuplicateMachine, h.ID, h.Hostname, h.ID)
}

// maxAttempts bounds the compare-and-swap retries of one update.
const maxAttempts = 50

// update applies change to host id's current record and writes it back
// only if no other writer changed it meanwhile (store.PutOptions.IfMatch),
// reading it again and reapplying change on a conflict. change may run
// more than once and must change nothing but h; an error from it stops
// the update and is returned as is.
func (r *Registry) update(ctx context.Context, id objkey.HostID, change func(h *Host) error) (Host, error) {
	for attempt := 1; ; attempt++ {
		var h Host
		o, err := store.GetJSON(ctx, r.Store, objkey.Host(id), &h)
		if errors.Is(err, store.ErrNotFound) {
			return Host{}, fmt.Errorf("host %s: %w", id, ErrNotFound)
		} else if err != nil {
			return Host{}, err
		}
		if err := change(&h); err != nil {
			return Host{}, err
		}
		_, err = store.PutJSON(ctx, r.Store, objkey.Host(id), h, store.PutOptions{IfMatch: o.ETag})
		switch {
		case err == nil:
			return h, nil
		case errors.Is(err, store.ErrNotFound):
			return Host{}, fmt.Errorf("host %s: %w", id, ErrNotFound)
		case !errors.Is(err, store.ErrChanged) || attempt == maxAttempts:
			return Host{}, fmt.Errorf("save host %s: %w", id, err)
		}
		// Another writer changed the record: wait a moment, spread out so
		// that writers racing each other do not collide again.
		select {
		case <-ctx.Done():
			return Host{}, fmt.Errorf("save host %s: %w", id, ctx.Err())
		case <-time.After(time.Duration(mrand.N(attempt*5)+1) * time.Millisecond):
		}
	}
}

// revokeToken deletes the token whose hash is hash (if any).
func (r *Registry) revokeToken(ctx context.Context, hash string) error {
	th, err := objkey.ParseHash(hash)
	if hash == "" || err != nil {
		return nil
	}
	return r.Tokens.Revoke(ctx, th)
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

// RecordReport notes that a host reported in a cycle. It fails with
// ErrInactive if the host was revoked or decommissioned meanwhile: the
// report must then not be kept.
func (r *Registry) RecordReport(ctx context.Context, id objkey.HostID, cycle objkey.CycleID, report string, at time.Time) error {
	at = at.UTC()
	_, err := r.update(ctx, id, func(h *Host) error {
		if h.State != Active {
			return fmt.Errorf("record report of %s: %w (%s)", id, ErrInactive, h.State)
		}
		h.LastReport, h.LastCycle = &at, cycle.String()
		if !slices.ContainsFunc(h.Recent, func(s StoredReport) bool { return s.ID == report }) {
			h.Recent = append(h.Recent, StoredReport{ID: report, Cycle: cycle.String()})
			if n := len(h.Recent); n > maxRecent {
				h.Recent = slices.Clone(h.Recent[n-maxRecent:])
			}
		}
		return nil
	})
	return err
}

// Revoke stops a host's token; the host must be re-admitted to enroll again.
func (r *Registry) Revoke(ctx context.Context, id objkey.HostID) (Host, error) {
	var token string
	h, err := r.update(ctx, id, func(h *Host) error {
		if h.State != Active {
			return fmt.Errorf("revoke %s: %w", id, ErrNotRevocable)
		}
		token = h.TokenHash
		h.State, h.TokenHash = Revoked, ""
		return nil
	})
	if err != nil {
		return Host{}, err
	}
	if err := r.revokeToken(ctx, token); err != nil {
		return Host{}, fmt.Errorf("revoke %s: %w", id, err)
	}
	return h, nil
}

// Readmit lets a revoked or decommissioned host enroll again: it becomes
// active without a token until it re-enrolls with an enroll secret.
func (r *Registry) Readmit(ctx context.Context, id objkey.HostID) (Host, error) {
	return r.update(ctx, id, func(h *Host) error {
		if h.State == Active {
			return fmt.Errorf("readmit %s: %w", id, ErrActive)
		}
		h.State, h.TokenHash = Active, ""
		return nil
	})
}

// Decommission revokes the host and truly deletes its facts, results and
// scorecards in every cycle (all versions). Objects under legal hold are
// kept and reported; the host stays registered as decommissioned, so the
// erasure itself remains on record. It returns the number of objects
// deleted.
func (r *Registry) Decommission(ctx context.Context, id objkey.HostID) (int, error) {
	var token string
	if _, err := r.update(ctx, id, func(h *Host) error {
		token = h.TokenHash
		h.State, h.TokenHash = Decommissioned, ""
		return nil
	}); err != nil {
		return 0, fmt.Errorf("decommission %s: %w", id, err)
	}
	if err := r.revokeToken(ctx, token); err != nil {
		return 0, fmt.Errorf("decommission %s: %w", id, err)
	}
	// The host is no longer active, so a report still being stored is
	// refused at RecordReport and removed by its ingest; one recorded
	// before this point was written before it, so the listing below finds
	// it.
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
	switch err := r.Store.Delete(ctx, objkey.FirstSeen(id)); {
	case err == nil:
		deleted++
	case errors.Is(err, store.ErrLegalHold):
		held = append(held, objkey.FirstSeen(id))
	case !errors.Is(err, store.ErrNotFound):
		return deleted, fmt.Errorf("decommission %s: delete %s: %w", id, objkey.FirstSeen(id), err)
	}
	if len(held) > 0 {
		return deleted, fmt.Errorf("decommission %s: %d objects kept: %w", id, len(held), ErrLegalHold)
	}
	return deleted, nil
}
