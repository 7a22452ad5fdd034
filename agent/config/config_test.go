package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadExample(t *testing.T) {
	c, err := Load("testdata/agent.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.CollectorTimeout) != 20*time.Second {
		t.Errorf("CollectorTimeout = %v, want 20s", time.Duration(c.CollectorTimeout))
	}
	if got := string(c.Collectors["accounts"]); got != `{"extra_admin_groups":["ops"]}` {
		t.Errorf("Collectors[accounts] = %s", got)
	}
	want := map[string]any{
		"accounts":     map[string]any{"dormant_days": 60},
		"os":           map[string]any{"warn_days": 90},
		"entitlements": []any{"ubuntu-pro"},
	}
	if got := c.Policy.PolicyData(); !reflect.DeepEqual(got, want) {
		t.Errorf("PolicyData() = %v, want %v", got, want)
	}
	if got := c.Policy.OrgData(); !reflect.DeepEqual(got, map[string]any{"approved_admins": []any{"alice", "bob"}}) {
		t.Errorf("OrgData() = %v", got)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"unknown key", "host_rot: /\n", "unknown field"},
		{"bad duration", "collector_timeout: soon\n", "invalid duration"},
		{"negative duration", "collector_timeout: -1s\n", "negative"},
		{"negative days", "policy: {dormant_days: -3}\n", "dormant_days"},
		{"options not a mapping", "collectors: {os: [1, 2]}\n", "collectors.os"},
		{"not yaml", "{{{", "parse agent config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%q) error = %v, want it to mention %q", tt.doc, err, tt.want)
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope.yaml")); !os.IsNotExist(unwrapAll(err)) {
		t.Fatalf("Load(missing explicit path) = %v, want not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}
