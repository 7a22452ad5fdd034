package retention

import (
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	files := map[string]bool{"a.pdf": true, "a.pdf.deleted": true, "b.pdf.deleted": true, "c.pdf": true, ".deleted": true}
	isFile := func(n string) bool { return files[n] }
	tests := []struct {
		name, mark string
		want       role
	}{
		{"a.pdf", "", live},
		{"a.pdf.deleted", "", live},
		{"c.pdf", ".deleted", live},
		{"a.pdf", ".deleted", markedItem},
		{"a.pdf.deleted", ".deleted", marker},
		{"b.pdf.deleted", ".deleted", renamed},
		{".deleted", ".deleted", live},
		{"a.pdf.deleted.bak", ".deleted", live},
		{"c.pdf~", "~", marker},
		{"d.pdf~", "~", renamed},
	}
	for _, tt := range tests {
		if got := classify(tt.name, tt.mark, isFile); got != tt.want {
			t.Errorf("classify(%q, %q) = %v, want %v", tt.name, tt.mark, got, tt.want)
		}
	}
}

func TestTally(t *testing.T) {
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	spec := storeSpec{ID: "s", Path: "/s", RetentionDays: intp(10), GraceDays: intp(5), PurgeDays: intp(3)}
	// Retention plus grace is 15 calendar days: the cutoff is 2026-08-17T12:00:00Z.
	cutoff := time.Date(2026, 8, 17, 12, 0, 0, 0, time.UTC)
	purge := time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		live, soft  []time.Time
		want        Store
		noRetention bool
	}{
		{name: "empty", want: Store{ID: "s", Path: "/s", Exists: true}},
		{
			name: "at the cutoff is not past it",
			live: []time.Time{cutoff, cutoff.Add(time.Hour)},
			soft: []time.Time{purge},
			want: Store{ID: "s", Path: "/s", Exists: true, Items: 2, OldestItem: &cutoff, SoftDeleted: 1, OldestSoftDeleted: &purge},
		},
		{
			name: "a second before is past it",
			live: []time.Time{cutoff.Add(time.Hour), cutoff.Add(-time.Second), cutoff.Add(-48 * time.Hour)},
			soft: []time.Time{purge.Add(-time.Second), purge.Add(time.Hour)},
			want: Store{
				ID: "s", Path: "/s", Exists: true, Items: 3, OldestItem: timep(cutoff.Add(-48 * time.Hour)), PastRetention: 2,
				SoftDeleted: 2, OldestSoftDeleted: timep(purge.Add(-time.Second)), SoftDeletedPastPurge: 1,
			},
		},
		{
			name: "sub-second times are truncated to UTC seconds",
			live: []time.Time{cutoff.Add(-time.Second + 900*time.Millisecond).In(time.FixedZone("X", 3600))},
			want: Store{ID: "s", Path: "/s", Exists: true, Items: 1, OldestItem: timep(cutoff.Add(-time.Second)), PastRetention: 1},
		},
		{
			name:        "no retention period: nothing counted past it",
			noRetention: true,
			live:        []time.Time{cutoff.AddDate(-10, 0, 0)},
			want:        Store{ID: "s", Path: "/s", Exists: true, Items: 1, OldestItem: timep(cutoff.AddDate(-10, 0, 0))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := spec
			if tt.noRetention {
				s.RetentionDays = nil
			}
			ta := newTally(s, now)
			for _, m := range tt.live {
				ta.addLive(m)
			}
			for _, m := range tt.soft {
				ta.addSoftDeleted(m)
			}
			if got := ta.store; !storesEqual(got, tt.want) {
				t.Errorf("tally = %s, want %s", show(got), show(tt.want))
			}
		})
	}
}

func timep(t time.Time) *time.Time { return &t }
