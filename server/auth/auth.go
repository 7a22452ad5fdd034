package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// Role is what a principal may do.
type Role string

// Roles. People have admin, operator or assurance (read-only); hosts have
// agent, which only reaches the agent endpoints for their own host.
const (
	Admin     Role = "admin"
	Operator  Role = "operator"
	Assurance Role = "assurance"
	Agent     Role = "agent"
)

// rank orders the people's roles: each may do what the ones below may.
var rank = map[Role]int{Assurance: 1, Operator: 2, Admin: 3}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Agent || rank[r] > 0 }

// Allows reports whether a principal with role r may use an endpoint that
// needs role need. The agent role is separate: it allows only agent
// endpoints, and no person's role allows them.
func (r Role) Allows(need Role) bool {
	if r == Agent || need == Agent {
		return r == need
	}
	return rank[r] > 0 && rank[r] >= rank[need]
}

// Secret prefixes, so a leaked secret says what it is.
const (
	HostTokenPrefix    = "aft_"
	PersonTokenPrefix  = "apt_"
	EnrollSecretPrefix = "aes_"
)

// NewSecret returns a random 256-bit secret with prefix, and its hash.
func NewSecret(prefix string) (string, objkey.Hash) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	s := prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return s, Hash(s)
}

// Hash returns the SHA-256 of a secret, the only form the server stores.
// Secrets are 256-bit random values, so a fast hash is enough: there is
// nothing to brute-force.
func Hash(secret string) objkey.Hash {
	sum := sha256.Sum256([]byte(secret))
	h, _ := objkey.ParseHash(hex.EncodeToString(sum[:]))
	return h
}

// Principal is who made a request.
type Principal struct {
	// Kind is "host" or "person".
	Kind string `json:"kind"`
	// ID is the host ID or the person's name.
	ID   string `json:"id"`
	Role Role   `json:"role"`
}

// Token is a stored token: what its secret authenticates.
type Token struct {
	Principal
	Created time.Time `json:"created"`
	// Expires, when set, ends the token's validity.
	Expires *time.Time `json:"expires,omitempty"`
	// NeverExpires records that a person's token was made, on request,
	// never to expire. A person's token with neither Expires nor
	// NeverExpires (one made before expiry was the default) expires
	// Tokens.DefaultTTL after Created.
	NeverExpires bool `json:"never_expires,omitempty"`
}

// ErrUnauthenticated is returned for a missing, unknown, expired or
// revoked credential. The caller is not told which.
var ErrUnauthenticated = errors.New("unauthenticated")

// Tokens stores and looks up tokens.
type Tokens struct {
	Store store.Backend
	Now   func() time.Time
	// DefaultTTL is how long a person's token is valid when no other
	// lifetime was asked for (0: DefaultTokenTTL).
	DefaultTTL time.Duration
}

// DefaultTokenTTL is the default lifetime of a person's token.
const DefaultTokenTTL = 90 * 24 * time.Hour

func (t *Tokens) defaultTTL() time.Duration {
	if t.DefaultTTL > 0 {
		return t.DefaultTTL
	}
	return DefaultTokenTTL
}

// expiry is when rec stops being valid; nil for never.
func (t *Tokens) expiry(rec Token) *time.Time {
	if rec.Expires != nil || rec.NeverExpires || rec.Kind != "person" {
		return rec.Expires
	}
	e := rec.Created.Add(t.defaultTTL())
	return &e
}

func (t *Tokens) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Issue creates a token for p and returns its secret.
func (t *Tokens) Issue(ctx context.Context, p Principal, prefix string, expires *time.Time) (string, objkey.Hash, error) {
	if !p.Role.Valid() {
		return "", objkey.Hash{}, fmt.Errorf("issue token: unknown role %q", p.Role)
	}
	secret, h := NewSecret(prefix)
	rec := Token{Principal: p, Created: t.now().UTC(), Expires: expires}
	if _, err := store.PutJSON(ctx, t.Store, objkey.Token(h), rec, store.PutOptions{WriteOnce: true}); err != nil {
		return "", objkey.Hash{}, fmt.Errorf("issue token for %s %s: %w", p.Kind, p.ID, err)
	}
	return secret, h, nil
}

// Revoke deletes the token with hash h. A missing token is not an error.
func (t *Tokens) Revoke(ctx context.Context, h objkey.Hash) error {
	if err := t.Store.Delete(ctx, objkey.Token(h)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// Authenticate returns the principal of a bearer secret.
func (t *Tokens) Authenticate(ctx context.Context, secret string) (Principal, error) {
	if secret == "" || len(secret) > 256 || !(strings.HasPrefix(secret, HostTokenPrefix) || strings.HasPrefix(secret, PersonTokenPrefix)) {
		return Principal{}, ErrUnauthenticated
	}
	var rec Token
	if _, err := store.GetJSON(ctx, t.Store, objkey.Token(Hash(secret)), &rec); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Principal{}, ErrUnauthenticated
		}
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if e := t.expiry(rec); e != nil && !t.now().Before(*e) {
		return Principal{}, ErrUnauthenticated
	}
	return rec.Principal, nil
}
