package cycle

import (
	"testing"
	"time"
)

func TestCurrent(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		spec, now, wantID, wantDeadline string
	}{
		{"0 2 * * *", "2026-11-20T12:00:00Z", "2026-11-20T0200Z", "2026-11-21T02:00:00Z"},
		{"0 2 * * *", "2026-11-20T01:59:59Z", "2026-11-19T0200Z", "2026-11-20T02:00:00Z"},
		{"0 2 * * *", "2026-11-20T02:00:00Z", "2026-11-20T0200Z", "2026-11-21T02:00:00Z"},
		{"*/15 * * * *", "2026-11-20T12:07:30Z", "2026-11-20T1200Z", "2026-11-20T12:15:00Z"},
		{"@weekly", "2026-11-20T12:00:00Z", "2026-11-15T0000Z", "2026-11-22T00:00:00Z"},
		{"0 0 1 * *", "2026-03-15T00:00:00Z", "2026-03-01T0000Z", "2026-04-01T00:00:00Z"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		id, deadline, err := s.Current(at(tt.now))
		if err != nil {
			t.Fatalf("Current(%s) at %s: %v", tt.spec, tt.now, err)
		}
		if id.String() != tt.wantID || !deadline.Equal(at(tt.wantDeadline)) {
			t.Errorf("Current(%s) at %s = %s, %s; want %s, %s", tt.spec, tt.now, id, deadline.Format(time.RFC3339), tt.wantID, tt.wantDeadline)
		}
		prev, err := s.Previous(id)
		if err != nil || !prev.Time().Before(id.Time()) {
			t.Errorf("Previous(%s) = %s, %v; want an earlier cycle", id, prev, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, spec := range []string{"", "every day", "61 * * * *", "* * * * * *"} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", spec)
		}
	}
}
