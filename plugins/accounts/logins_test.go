package accounts

import (
	"reflect"
	"testing"
	"time"
)

func TestLastLogin(t *testing.T) {
	t1 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	alice := passwdEntry{Name: "alice", UID: 1000}
	set := func(name string, complete bool, byName map[string]login, byUID map[int]login) loginSet {
		return loginSet{Source: LoginSource{Name: name}, ByName: byName, ByUID: byUID, Complete: complete}
	}
	tests := []struct {
		name string
		sets []loginSet
		want LastLogin
	}{
		{"no sources", nil, LastLogin{State: "unknown"}},
		{"only incomplete sources without the user", []loginSet{
			set("wtmpdb", false, map[string]login{"bob": {Time: t1}}, nil),
			set("wtmp", false, map[string]login{}, nil),
		}, LastLogin{State: "unknown"}},
		{"complete source without the user", []loginSet{
			set("wtmp", false, map[string]login{}, nil),
			set("lastlog", true, nil, map[int]login{1001: {Time: t1}}),
		}, LastLogin{State: "never"}},
		{"newest wins across sources", []loginSet{
			set("wtmpdb", false, map[string]login{"alice": {Time: t1, TTY: "pts/1"}}, nil),
			set("lastlog", true, nil, map[int]login{1000: {Time: t2, TTY: "tty1", Host: "h"}}),
		}, LastLogin{State: "known", Time: &t2, Source: "lastlog", TTY: "tty1", Host: "h"}},
		{"ties go to the first source", []loginSet{
			set("lastlog2", true, map[string]login{"alice": {Time: t1, TTY: "a"}}, nil),
			set("wtmp", false, map[string]login{"alice": {Time: t1, TTY: "b"}}, nil),
		}, LastLogin{State: "known", Time: &t1, Source: "lastlog2", TTY: "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lastLogin(alice, tt.sets); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lastLogin = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestUnixTime(t *testing.T) {
	tests := []struct {
		sec, usec int64
		ok        bool
	}{
		{0, 0, false},
		{-1, 0, false},
		{1, 0, true},
		{maxUnixSeconds, 999999, true},
		{maxUnixSeconds + 1, 0, false},
	}
	for _, tt := range tests {
		got, ok := unixTime(tt.sec, tt.usec)
		if ok != tt.ok || (ok && (got.Unix() != tt.sec || got.Location() != time.UTC)) {
			t.Errorf("unixTime(%d, %d) = %v, %v, want ok %v", tt.sec, tt.usec, got, ok, tt.ok)
		}
	}
}
