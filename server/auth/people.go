package auth

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// ErrNoToken means no person's token has the ID given.
var ErrNoToken = errors.New("no person's token with that ID")

// idHexLen is how many hex digits of a credential's hash its public ID
// shows: enough to name it (64 bits), far too few to find its stored
// record's full hash, and nothing that authenticates.
const idHexLen = 16

// PublicID returns the public ID of the credential whose secret hashes to
// h: prefix (such as "tok_") and the first 16 hex digits of h. Listings
// and revocations name credentials by it.
func PublicID(prefix string, h objkey.Hash) string { return prefix + h.String()[:idHexLen] }

// ParsePublicID returns the hash digits of a public ID with prefix.
func ParsePublicID(prefix, id string) (string, error) {
	digits, ok := strings.CutPrefix(id, prefix)
	if !ok || len(digits) != idHexLen || strings.Trim(digits, "0123456789abcdef") != "" {
		return "", fmt.Errorf("ID %q: want %q and %d lowercase hex digits", id, prefix, idHexLen)
	}
	return digits, nil
}

// TokenIDPrefix starts the public ID of a person's token.
const TokenIDPrefix = "tok_"

// Lifetime is how long a new person's token is valid: the zero value is
// the default (Tokens.DefaultTTL), Never only when asked for.
type Lifetime struct {
	TTL   time.Duration
	Never bool
}

// ParseLifetime reads a lifetime as people write it: "" (the default),
// "never", a number of days ("90d") or a Go duration ("36h").
func ParseLifetime(s string) (Lifetime, error) {
	switch s = strings.TrimSpace(s); {
	case s == "":
		return Lifetime{}, nil
	case s == "never":
		return Lifetime{Never: true}, nil
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n <= 0 || n > 3650 {
			return Lifetime{}, fmt.Errorf("lifetime %q: want 1d to 3650d, a duration such as 36h, or never", s)
		}
		return Lifetime{TTL: time.Duration(n) * 24 * time.Hour}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 3650*24*time.Hour {
		return Lifetime{}, fmt.Errorf("lifetime %q: want a positive duration such as 36h or 90d (at most 3650d), or never", s)
	}
	return Lifetime{TTL: d}, nil
}

// TokenInfo is what may be shown of a person's token: never its secret
// or its hash.
type TokenInfo struct {
	// ID is the token's public ID (PublicID with TokenIDPrefix).
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Created is when the token was made.
	Created time.Time `json:"created"`
	// Expires is when it stops working; null only with NeverExpires.
	Expires *time.Time `json:"expires"`
	// NeverExpires is set when the token was made never to expire.
	NeverExpires bool `json:"never_expires"`
	// Expired reports whether it has expired.
	Expired bool `json:"expired"`
}

// Describe says for the audit log which token info is and how long it
// is valid.
func (i TokenInfo) Describe() string {
	s := fmt.Sprintf("token %s of person %s role %s", i.ID, i.Name, i.Role)
	if i.Expires == nil {
		return s + ", never expires"
	}
	return s + ", expires " + i.Expires.UTC().Format(time.RFC3339)
}

func (t *Tokens) info(h objkey.Hash, rec Token) TokenInfo {
	e := t.expiry(rec)
	return TokenInfo{
		ID: PublicID(TokenIDPrefix, h), Name: rec.ID, Role: rec.Role, Created: rec.Created,
		Expires: e, NeverExpires: e == nil, Expired: e != nil && !t.now().Before(*e),
	}
}

// IssuePerson creates an API token for the person name with role and
// returns its secret (shown once) and what may be shown of it.
func (t *Tokens) IssuePerson(ctx context.Context, name string, role Role, life Lifetime) (string, TokenInfo, error) {
	if role == Agent || !role.Valid() {
		return "", TokenInfo{}, fmt.Errorf("issue token for %s: role %q: want admin, operator or assurance", name, role)
	}
	if strings.TrimSpace(name) == "" || len(name) > 128 || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", TokenInfo{}, fmt.Errorf("issue token: name %q: want 1 to 128 bytes without control characters", name)
	}
	secret, h := NewSecret(PersonTokenPrefix)
	rec := Token{Principal: Principal{Kind: "person", ID: name, Role: role}, Created: t.now().UTC(), NeverExpires: life.Never}
	if !life.Never {
		ttl := life.TTL
		if ttl <= 0 {
			ttl = t.defaultTTL()
		}
		e := rec.Created.Add(ttl)
		rec.Expires = &e
	}
	if _, err := store.PutJSON(ctx, t.Store, objkey.Token(h), rec, store.PutOptions{WriteOnce: true}); err != nil {
		return "", TokenInfo{}, fmt.Errorf("issue token for person %s: %w", name, err)
	}
	return secret, t.info(h, rec), nil
}

// People yields every person's token, in ID order, expired ones too.
// Hosts' tokens are not listed: they are revoked with their host.
func (t *Tokens) People(ctx context.Context) iter.Seq2[TokenInfo, error] {
	return func(yield func(TokenInfo, error) bool) {
		for o, err := range t.Store.List(ctx, objkey.TokensPrefix) {
			if err != nil {
				yield(TokenInfo{}, fmt.Errorf("list tokens: %w", err))
				return
			}
			h, rec, err := t.read(ctx, o.Key)
			if errors.Is(err, store.ErrNotFound) || (err == nil && rec.Kind != "person") {
				continue // revoked meanwhile, or a host's token
			}
			if err != nil {
				if !yield(TokenInfo{}, err) {
					return
				}
				continue
			}
			if !yield(t.info(h, rec), nil) {
				return
			}
		}
	}
}

// read returns the hash and record of the token stored at key.
func (t *Tokens) read(ctx context.Context, key string) (objkey.Hash, Token, error) {
	name, _ := strings.CutPrefix(key, objkey.TokensPrefix)
	h, err := objkey.ParseHash(strings.TrimSuffix(name, ".json"))
	if err != nil {
		return objkey.Hash{}, Token{}, fmt.Errorf("token object %s: %w", key, err)
	}
	var rec Token
	if _, err := store.GetJSON(ctx, t.Store, key, &rec); err != nil {
		return objkey.Hash{}, Token{}, fmt.Errorf("read token %s: %w", PublicID(TokenIDPrefix, h), err)
	}
	return h, rec, nil
}

// RevokePerson revokes the person's token with public ID id, so that it
// stops working at once, and returns what it was. It fails with
// ErrNoToken if no person's token has that ID (hosts' tokens are revoked
// with their host).
func (t *Tokens) RevokePerson(ctx context.Context, id string) (TokenInfo, error) {
	digits, err := ParsePublicID(TokenIDPrefix, id)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("revoke token: %w: %w", ErrNoToken, err)
	}
	var found []TokenInfo
	var hashes []objkey.Hash
	for o, err := range t.Store.List(ctx, objkey.TokensPrefix+digits) {
		if err != nil {
			return TokenInfo{}, fmt.Errorf("revoke token %s: %w", id, err)
		}
		h, rec, err := t.read(ctx, o.Key)
		if errors.Is(err, store.ErrNotFound) || (err == nil && rec.Kind != "person") {
			continue
		} else if err != nil {
			return TokenInfo{}, fmt.Errorf("revoke token %s: %w", id, err)
		}
		found, hashes = append(found, t.info(h, rec)), append(hashes, h)
	}
	switch len(found) {
	case 0:
		return TokenInfo{}, fmt.Errorf("revoke token %s: %w", id, ErrNoToken)
	case 1:
	default: // 64-bit prefixes of SHA-256 do not collide in practice; refuse rather than guess
		return TokenInfo{}, fmt.Errorf("revoke token %s: %d tokens share this ID; revoke none", id, len(found))
	}
	if err := t.Store.Delete(ctx, objkey.Token(hashes[0])); errors.Is(err, store.ErrNotFound) {
		return TokenInfo{}, fmt.Errorf("revoke token %s: %w", id, ErrNoToken) // revoked meanwhile
	} else if err != nil {
		return TokenInfo{}, fmt.Errorf("revoke token %s: %w", id, err)
	}
	return found[0], nil
}
