package objkey

import (
	"fmt"
	"strings"
)

// Prefixes of the server's credential and index objects.
//
//	auth/tokens/<hash>.json        a host token or a person's API token, by SHA-256 of the secret
//	auth/enroll/<hash>.json        an enroll secret, by SHA-256 of the secret
//	index/machines/<hash>.json     the host enrolled with a machine ID, by SHA-256 of the machine ID
//
// Secrets and machine IDs never appear in keys: only their hashes do, so a
// listing of the bucket reveals neither.
const (
	AuthPrefix  = "auth/"
	IndexPrefix = "index/"
)

// Hash is a SHA-256 digest in 64 lowercase hex digits.
type Hash struct{ s string }

// ParseHash accepts exactly 64 lowercase hex digits.
func ParseHash(s string) (Hash, error) {
	if !isLowerHex(s, 64) {
		return Hash{}, fmt.Errorf("hash %s: want 64 lowercase hex digits", quote(s))
	}
	return Hash{s}, nil
}

// String returns the hex digest.
func (h Hash) String() string { return h.s }

// Token returns the key of the token whose secret hashes to h.
func Token(h Hash) string {
	return AuthPrefix + "tokens/" + need(h.s, "Token", "Hash") + jsonExt
}

// TokensPrefix is the prefix of every token object.
const TokensPrefix = AuthPrefix + "tokens/"

// EnrollSecretsPrefix is the prefix of every enroll secret object.
const EnrollSecretsPrefix = AuthPrefix + "enroll/"

// EnrollSecret returns the key of the enroll secret that hashes to h.
func EnrollSecret(h Hash) string {
	return AuthPrefix + "enroll/" + need(h.s, "EnrollSecret", "Hash") + jsonExt
}

// MachineIndex returns the key that maps the machine ID hashing to h to
// its host.
func MachineIndex(h Hash) string {
	return IndexPrefix + "machines/" + need(h.s, "MachineIndex", "Hash") + jsonExt
}

// ParseHost returns the host whose registry entry has key, for keys listed
// under HostsPrefix.
func ParseHost(key string) (HostID, error) {
	s, ok := strings.CutPrefix(key, HostsPrefix)
	if ok {
		s, ok = strings.CutSuffix(s, jsonExt)
	}
	if !ok {
		return HostID{}, fmt.Errorf("host key %s: want %s<host>%s", quote(key), HostsPrefix, jsonExt)
	}
	return ParseHostID(s)
}
