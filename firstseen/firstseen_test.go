package firstseen

import (
	"testing"
	"time"
)

func TestApply(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 3, 0, 0, 0, time.UTC) }
	ssl := Update{"openssl", "3.0.15-1~deb12u1"}
	curl := Update{"curl", "7.88.1-10+deb12u8"}
	curlNext := Update{"curl", "7.88.1-10+deb12u9"}

	var r *Record
	got := r.Apply("h1", []Update{ssl}, day(1), "r1")
	got = got.Apply("h1", []Update{ssl, curl}, day(2), "r2")
	got = got.Apply("h1", []Update{ssl, curl}, day(3), "r3")
	tests := []struct {
		name string
		rec  Record
		u    Update
		want time.Time // zero: not in the record
	}{
		{"first sighting kept", got, ssl, day(1)},
		{"later update from its own first report", got, curl, day(2)},
		{"an older report arriving late moves the sighting earlier", got.Apply("h1", []Update{curl}, day(1).Add(-time.Hour), "r0"), curl, day(1).Add(-time.Hour)},
		{"an older report does not drop what the newest shows", got.Apply("h1", []Update{curl}, day(1).Add(-time.Hour), "r0"), ssl, day(1)},
		{"installed: dropped by a newer report", got.Apply("h1", []Update{curl}, day(4), "r4"), ssl, time.Time{}},
		{"a new candidate is a new update", got.Apply("h1", []Update{curlNext}, day(4), "r4"), curlNext, day(4)},
		{"another host's record starts afresh", got.Apply("h2", []Update{ssl}, day(5), "r5"), ssl, day(5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := tt.rec.Lookup(tt.u)
			switch {
			case tt.want.IsZero() && ok:
				t.Errorf("Lookup(%v) = %v, want none", tt.u, s)
			case !tt.want.IsZero() && (!ok || !s.At.Equal(tt.want)):
				t.Errorf("Lookup(%v) = %v, %v; want %s", tt.u, s, ok, tt.want)
			}
		})
	}
}
