package s3store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// harmlessActions may be granted to anyone without exposing objects; it is
// the bucket-level action every anonymous policy mc writes includes. Any
// other action granted to anyone makes the bucket public: reads and
// listings expose evidence, and writes, deletions and configuration
// changes (policy, lifecycle, versioning) let anyone tamper with it.
var harmlessActions = []string{"s3:getbucketlocation"}

type policyDoc struct {
	Statement json.RawMessage
}

type statement struct {
	Sid          string
	Effect       string
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Action       json.RawMessage
	NotAction    json.RawMessage
}

// PublicAccess reports whether a bucket policy document grants anonymous
// users any access beyond s3:GetBucketLocation, and why. It is deliberately conservative: a
// document it cannot parse, a NotPrincipal or NotAction in an Allow
// statement, a principal with a wildcard, and any Condition (which it does
// not evaluate) all count as public. The empty document grants nothing.
func PublicAccess(doc string) (public bool, reason string) {
	if strings.TrimSpace(doc) == "" {
		return false, ""
	}
	var p policyDoc
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return true, fmt.Sprintf("bucket policy cannot be parsed (%v), so it is treated as public", err)
	}
	var stmts []statement
	switch raw := bytes.TrimSpace(p.Statement); {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return false, ""
	case raw[0] == '{':
		var s statement
		if err := json.Unmarshal(raw, &s); err != nil {
			return true, fmt.Sprintf("bucket policy statement cannot be parsed (%v), so it is treated as public", err)
		}
		stmts = []statement{s}
	default:
		if err := json.Unmarshal(raw, &stmts); err != nil {
			return true, fmt.Sprintf("bucket policy statements cannot be parsed (%v), so they are treated as public", err)
		}
	}
	for i, s := range stmts {
		if why := s.public(); why != "" {
			name := fmt.Sprintf("statement %d", i)
			if s.Sid != "" {
				name += fmt.Sprintf(" (Sid %q)", s.Sid)
			}
			return true, fmt.Sprintf("bucket policy %s %s", name, why)
		}
	}
	return false, ""
}

// public says why a statement grants anyone access, or "".
func (s statement) public() string {
	if !strings.EqualFold(strings.TrimSpace(s.Effect), "allow") {
		return ""
	}
	who := ""
	switch {
	case present(s.NotPrincipal):
		who = "everyone but its NotPrincipal"
	case !present(s.Principal):
		who = "an unspecified principal"
	default:
		p, ok := anonymous(s.Principal)
		if !ok {
			return fmt.Sprintf("has a Principal that cannot be parsed (%s), so it is treated as public", compact(s.Principal))
		}
		if p == "" {
			return ""
		}
		who = "anonymous users (Principal " + p + ")"
	}
	switch {
	case present(s.NotAction):
		return fmt.Sprintf("allows %s every action except its NotAction", who)
	case !present(s.Action):
		return fmt.Sprintf("allows %s an unspecified action", who)
	}
	actions, ok := strings1(s.Action)
	if !ok {
		return fmt.Sprintf("allows %s an Action that cannot be parsed (%s)", who, compact(s.Action))
	}
	for _, a := range actions {
		if exposes(a) {
			return fmt.Sprintf("allows %s %s", who, a)
		}
	}
	return ""
}

// anonymous returns the anonymous or wildcard part of a Principal, "" if
// there is none, and false if it cannot be parsed.
func anonymous(raw json.RawMessage) (string, bool) {
	if vals, ok := strings1(raw); ok {
		for _, v := range vals {
			if strings.Contains(v, "*") {
				return fmt.Sprintf("%q", v), true
			}
		}
		return "", true
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", false
	}
	for kind, v := range m { // AWS, CanonicalUser, Federated, Service, …
		vals, ok := strings1(v)
		if !ok {
			return "", false
		}
		for _, val := range vals {
			if strings.Contains(val, "*") {
				return fmt.Sprintf("{%q: %q}", kind, val), true
			}
		}
	}
	return "", true
}

// exposes reports whether an action pattern grants more than the
// harmless actions, matched exactly and case-insensitively.
func exposes(pattern string) bool {
	p := strings.ToLower(strings.TrimSpace(pattern))
	for _, h := range harmlessActions {
		if p == h {
			return false
		}
	}
	return true
}

// strings1 decodes a JSON string or array of strings.
func strings1(raw json.RawMessage) ([]string, bool) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, true
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err == nil {
		return many, true
	}
	return nil, false
}

func present(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil || b.Len() > 80 {
		return fmt.Sprintf("%d bytes", len(raw))
	}
	return b.String()
}
