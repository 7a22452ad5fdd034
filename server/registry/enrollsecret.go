package registry

import (
	"context"
	"errors"
	"fmt"
	"iter"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// EnrollSecret is a stored enroll secret.
type EnrollSecret struct {
	Name    string     `json:"name"`
	Created time.Time  `json:"created"`
	Expires *time.Time `json:"expires,omitempty"`
	// MaxUses, when above 0, is how many enrollments the secret allows.
	MaxUses int `json:"max_uses,omitempty"`
	// Uses counts the enrollments it allowed; it is kept only for a
	// secret with MaxUses, by compare-and-swap so that of enrollments
	// racing on any number of replicas exactly MaxUses get through.
	Uses int `json:"uses,omitempty"`
}

// SecretIDPrefix starts the public ID of an enroll secret.
const SecretIDPrefix = "es_"

// ErrNoSecret means no enroll secret has the ID given.
var ErrNoSecret = errors.New("no enroll secret with that ID")

// SecretSpec is what an enroll secret is made with.
type SecretSpec struct {
	// Name says what the secret is for (the estate or team).
	Name string
	// Expires, when set, ends its validity.
	Expires *time.Time
	// MaxUses, when above 0, bounds how many hosts may enroll with it.
	MaxUses int
}

// MaxSecretUses bounds SecretSpec.MaxUses.
const MaxSecretUses = 1_000_000

// SecretInfo is what may be shown of an enroll secret: never the secret
// or its hash.
type SecretInfo struct {
	// ID is the secret's public ID: "es_" and 16 hex digits of its hash.
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Created time.Time  `json:"created"`
	Expires *time.Time `json:"expires"`
	// MaxUses is 0 when the secret has no use limit.
	MaxUses int `json:"max_uses"`
	// Uses is counted only for a secret with a use limit.
	Uses int `json:"uses"`
	// Usable reports whether it is neither expired nor used up.
	Usable bool `json:"usable"`
}

// Describe says for the audit log which secret i is and its limits.
func (i SecretInfo) Describe() string {
	s := fmt.Sprintf("enroll secret %s %q", i.ID, i.Name)
	if i.Expires != nil {
		s += ", expires " + i.Expires.UTC().Format(time.RFC3339)
	} else {
		s += ", never expires"
	}
	if i.MaxUses > 0 {
		s += fmt.Sprintf(", %d of %d uses", i.Uses, i.MaxUses)
	}
	return s
}

func (r *Registry) secretInfo(h objkey.Hash, rec EnrollSecret) SecretInfo {
	return SecretInfo{
		ID: auth.PublicID(SecretIDPrefix, h), Name: rec.Name, Created: rec.Created, Expires: rec.Expires,
		MaxUses: rec.MaxUses, Uses: rec.Uses, Usable: r.usable(rec),
	}
}

// usable reports whether rec is neither expired nor used up.
func (r *Registry) usable(rec EnrollSecret) bool {
	return (rec.Expires == nil || r.now().Before(*rec.Expires)) && (rec.MaxUses == 0 || rec.Uses < rec.MaxUses)
}

// Validate checks the spec is sane. An expiry in the past is allowed
// here (the secret is born expired); the API and CLI refuse it.
func (s SecretSpec) Validate() error {
	var errs []error
	if strings.TrimSpace(s.Name) == "" || len(s.Name) > 128 || strings.ContainsFunc(s.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		errs = append(errs, errors.New("name is required: 1 to 128 bytes without control characters"))
	}
	if s.MaxUses < 0 || s.MaxUses > MaxSecretUses {
		errs = append(errs, fmt.Errorf("max_uses %d: want 0 (no limit) to %d", s.MaxUses, MaxSecretUses))
	}
	return errors.Join(errs...)
}

// CreateEnrollSecret makes a new enroll secret without a use limit and
// returns it; it is shown once and stored only hashed.
func (r *Registry) CreateEnrollSecret(ctx context.Context, name string, expires *time.Time) (string, error) {
	secret, _, err := r.IssueEnrollSecret(ctx, SecretSpec{Name: name, Expires: expires})
	return secret, err
}

// IssueEnrollSecret makes a new enroll secret as spec says and returns it
// (shown once, stored only hashed) and what may be shown of it.
func (r *Registry) IssueEnrollSecret(ctx context.Context, spec SecretSpec) (string, SecretInfo, error) {
	if err := spec.Validate(); err != nil {
		return "", SecretInfo{}, fmt.Errorf("create enroll secret: %w", err)
	}
	secret, h := auth.NewSecret(auth.EnrollSecretPrefix)
	rec := EnrollSecret{Name: spec.Name, Created: r.now(), Expires: spec.Expires, MaxUses: spec.MaxUses}
	if rec.Expires != nil {
		e := rec.Expires.UTC()
		rec.Expires = &e
	}
	// Mutable (IfAbsent, not WriteOnce): its use count changes.
	if _, err := store.PutJSON(ctx, r.Store, objkey.EnrollSecret(h), rec, store.PutOptions{IfAbsent: true}); err != nil {
		return "", SecretInfo{}, fmt.Errorf("create enroll secret %q: %w", spec.Name, err)
	}
	return secret, r.secretInfo(h, rec), nil
}

// checkEnrollSecret accepts a known, unexpired, not used-up secret and,
// if it has a use limit, counts this use: the count is changed by
// compare-and-swap, so of enrollments racing on any number of replicas
// exactly MaxUses are accepted. A use is counted when the secret is
// accepted, so an enrollment refused after that (a cloned machine ID, a
// revoked host, a store failure) still uses it up.
func (r *Registry) checkEnrollSecret(ctx context.Context, secret string) error {
	if !strings.HasPrefix(secret, auth.EnrollSecretPrefix) || len(secret) > 256 {
		return ErrBadSecret
	}
	key := objkey.EnrollSecret(auth.Hash(secret))
	for attempt := 1; ; attempt++ {
		var rec EnrollSecret
		o, err := store.GetJSON(ctx, r.Store, key, &rec)
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadSecret
		} else if err != nil {
			return fmt.Errorf("check enroll secret: %w", err)
		}
		if !r.usable(rec) {
			return ErrBadSecret
		}
		if rec.MaxUses == 0 {
			return nil
		}
		rec.Uses++
		_, err = store.PutJSON(ctx, r.Store, key, rec, store.PutOptions{IfMatch: o.ETag})
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrNotFound):
			return ErrBadSecret // revoked meanwhile
		case !errors.Is(err, store.ErrChanged) || attempt == maxAttempts:
			return fmt.Errorf("count use of enroll secret: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("count use of enroll secret: %w", ctx.Err())
		case <-time.After(time.Duration(mrand.N(attempt*5)+1) * time.Millisecond):
		}
	}
}

// EnrollSecrets yields every enroll secret, in ID order, expired and
// used-up ones too.
func (r *Registry) EnrollSecrets(ctx context.Context) iter.Seq2[SecretInfo, error] {
	return func(yield func(SecretInfo, error) bool) {
		for o, err := range r.Store.List(ctx, objkey.EnrollSecretsPrefix) {
			if err != nil {
				yield(SecretInfo{}, fmt.Errorf("list enroll secrets: %w", err))
				return
			}
			info, err := r.readSecret(ctx, o.Key)
			if errors.Is(err, store.ErrNotFound) {
				continue // revoked meanwhile
			}
			if !yield(info, err) {
				return
			}
		}
	}
}

func (r *Registry) readSecret(ctx context.Context, key string) (SecretInfo, error) {
	name, _ := strings.CutPrefix(key, objkey.EnrollSecretsPrefix)
	h, err := objkey.ParseHash(strings.TrimSuffix(name, ".json"))
	if err != nil {
		return SecretInfo{}, fmt.Errorf("enroll secret object %s: %w", key, err)
	}
	var rec EnrollSecret
	if _, err := store.GetJSON(ctx, r.Store, key, &rec); err != nil {
		return SecretInfo{}, fmt.Errorf("read enroll secret %s: %w", auth.PublicID(SecretIDPrefix, h), err)
	}
	return r.secretInfo(h, rec), nil
}

// RevokeEnrollSecret deletes the enroll secret with public ID id, so no
// host can enroll with it any more, and returns what it was. Hosts
// already enrolled with it keep their own tokens.
func (r *Registry) RevokeEnrollSecret(ctx context.Context, id string) (SecretInfo, error) {
	digits, err := auth.ParsePublicID(SecretIDPrefix, id)
	if err != nil {
		return SecretInfo{}, fmt.Errorf("revoke enroll secret: %w: %w", ErrNoSecret, err)
	}
	var found []SecretInfo
	var keys []string
	for o, err := range r.Store.List(ctx, objkey.EnrollSecretsPrefix+digits) {
		if err != nil {
			return SecretInfo{}, fmt.Errorf("revoke enroll secret %s: %w", id, err)
		}
		info, err := r.readSecret(ctx, o.Key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return SecretInfo{}, fmt.Errorf("revoke enroll secret %s: %w", id, err)
		}
		found, keys = append(found, info), append(keys, o.Key)
	}
	switch len(found) {
	case 0:
		return SecretInfo{}, fmt.Errorf("revoke enroll secret %s: %w", id, ErrNoSecret)
	case 1:
	default:
		return SecretInfo{}, fmt.Errorf("revoke enroll secret %s: %d secrets share this ID; revoke none", id, len(found))
	}
	if err := r.Store.Delete(ctx, keys[0]); errors.Is(err, store.ErrNotFound) {
		return SecretInfo{}, fmt.Errorf("revoke enroll secret %s: %w", id, ErrNoSecret)
	} else if err != nil {
		return SecretInfo{}, fmt.Errorf("revoke enroll secret %s: %w", id, err)
	}
	return found[0], nil
}
