package auditlog

import (
	"context"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

func TestAppendAndEntries(t *testing.T) {
	ctx := context.Background()
	st, err := dirstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	l := &Log{Store: st}
	day1 := time.Date(2026, 11, 19, 23, 59, 0, 0, time.UTC)
	day2 := day1.Add(2 * time.Minute)
	actor := auth.Principal{Kind: "person", ID: "alice", Role: auth.Assurance}
	for i, at := range []time.Time{day2, day1, day2.Add(time.Second)} {
		if err := l.Append(ctx, Entry{Time: at, Actor: actor, Action: Read, Object: "results", Justification: string(rune('a' + i)), Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for e, err := range l.Entries(ctx, day1.Add(-time.Hour), day2.Add(time.Hour)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Justification)
	}
	if want := []string{"b", "a", "c"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Entries = %v, want %v (time order across days)", got, want)
	}
	got = nil
	for e, err := range l.Entries(ctx, day2, day2.Add(time.Hour)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Justification)
	}
	if len(got) != 2 {
		t.Errorf("Entries of day 2 = %v, want a and c", got)
	}
}
