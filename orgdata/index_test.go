package orgdata

import (
	"reflect"
	"testing"
)

func TestAddLeaverIndexes(t *testing.T) {
	jb := map[string]any{"user": "jb", "email": "j.b@example.gov.uk", "left_on": "2026-01-02"}
	as := map[string]any{"user": "as", "left_on": "2026-02-03"}
	mailOnly := map[string]any{"email": "c.j@example.gov.uk", "left_on": "2026-03-04"}
	tests := []struct {
		name        string
		doc         map[string]any
		user, email map[string]any // nil: no index added
	}{
		{"no leavers", map[string]any{"plans": []any{}}, nil, nil},
		{"leavers not a list", map[string]any{"leavers": "x"}, nil, nil},
		{"empty list", map[string]any{"leavers": []any{}}, map[string]any{}, map[string]any{}},
		{"by user and email", map[string]any{"leavers": []any{jb, as, mailOnly, "odd", map[string]any{"email": ""}}},
			map[string]any{"jb": jb, "as": as},
			map[string]any{"j.b@example.gov.uk": jb, "c.j@example.gov.uk": mailOnly}},
	}
	for _, tt := range tests {
		AddLeaverIndexes(tt.doc)
		user, okU := tt.doc[LeaversByUserKey]
		email, okE := tt.doc[LeaversByEmailKey]
		if tt.user == nil {
			if okU || okE {
				t.Errorf("%s: AddLeaverIndexes added %v and %v, want nothing", tt.name, user, email)
			}
			continue
		}
		if !reflect.DeepEqual(user, tt.user) || !reflect.DeepEqual(email, tt.email) {
			t.Errorf("%s: AddLeaverIndexes gave by user %v, by email %v; want %v, %v", tt.name, user, email, tt.user, tt.email)
		}
	}
}
