package accounts

import (
	"reflect"
	"testing"
)

func TestParseGroup(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []groupEntry
		wantErrs []int
	}{
		{
			name: "members",
			in:   "sudo:x:27:alice,bob\nusers:x:100:\n",
			want: []groupEntry{
				{Name: "sudo", GID: 27, Members: []string{"alice", "bob"}, Line: 1},
				{Name: "users", GID: 100, Line: 2},
			},
		},
		{
			name: "stray commas and blanks",
			in:   "ops:x:1100:,bob, ,dave,\n",
			want: []groupEntry{{Name: "ops", GID: 1100, Members: []string{"bob", "dave"}, Line: 1}},
		},
		{
			name:     "malformed",
			in:       "# c\nbad:x:1\nneg:x:-3:\n:x:5:\n+nis:::\n",
			wantErrs: []int{2, 3, 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := parseGroup([]byte(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseGroup(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if lines := errLines(errs); !reflect.DeepEqual(lines, tt.wantErrs) {
				t.Errorf("parseGroup(%q) errors on lines %v, want %v", tt.in, lines, tt.wantErrs)
			}
		})
	}
}

func TestParseGshadow(t *testing.T) {
	in := "sudo:*:carol:alice,eve\nops:!::\nsudo:*::mallory\nbad:line\n"
	got, errs := parseGshadow([]byte(in))
	want := map[string][]string{"sudo": {"alice", "eve"}, "ops": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseGshadow(%q) = %v, want %v (administrators are not members; first entry wins)", in, got, want)
	}
	if lines := errLines(errs); !reflect.DeepEqual(lines, []int{4}) {
		t.Errorf("parseGshadow(%q) errors on lines %v, want [4]", in, lines)
	}
}

func TestAccountDB(t *testing.T) {
	users, _ := parsePasswd([]byte("root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:27::/home/bob:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n"))
	groups, _ := parseGroup([]byte("root:x:0:\nsudo:x:27:alice\nalice:x:1000:\nadm:x:4:\nstaff:x:50:\n"))
	db := newAccountDB(users, groups, map[string][]string{"adm": {"alice"}, "sudo": {"carol"}})

	if got, want := db.names, []string{"alice", "bob", "root", "toor"}; !reflect.DeepEqual(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	var order []string
	for _, u := range db.users {
		order = append(order, u.Name)
	}
	if want := []string{"root", "toor", "alice", "bob"}; !reflect.DeepEqual(order, want) {
		t.Errorf("users order = %v, want %v (by UID, then name)", order, want)
	}
	members := []struct {
		group string
		want  []string
	}{
		{"sudo", []string{"alice", "bob", "carol"}}, // listed, primary GID, gshadow
		{"adm", []string{"alice"}},                  // gshadow only
		{"root", []string{"root", "toor"}},
		{"staff", []string{}},
		{"nosuch", []string{}},
	}
	for _, m := range members {
		if got := db.groupMembers(m.group); !reflect.DeepEqual(got, m.want) {
			t.Errorf("groupMembers(%q) = %v, want %v", m.group, got, m.want)
		}
	}
	groupsOf := []struct {
		user string
		want []string
	}{
		{"alice", []string{"alice", "adm", "sudo"}},
		{"bob", []string{"sudo"}},
		{"root", []string{"root"}},
	}
	for _, g := range groupsOf {
		if got := db.userGroups(db.byName[g.user]); !reflect.DeepEqual(got, g.want) {
			t.Errorf("userGroups(%q) = %v, want %v (primary first, then by GID)", g.user, got, g.want)
		}
	}
	if !db.inGID("bob", 27) || db.inGID("root", 27) || !db.inGID("alice", 4) {
		t.Errorf("inGID gives wrong answers")
	}
	if got := db.groupName(4242); got != "#4242" {
		t.Errorf("groupName(4242) = %q, want %q", got, "#4242")
	}
}
