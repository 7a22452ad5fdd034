package accounts

import (
	"context"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Last-login states, as in LastLogin.State.
const (
	loginKnown   = "known"
	loginNever   = "never"
	loginUnknown = "unknown"
)

// Login source names, as in LoginSource.Name and LastLogin.Source.
const (
	srcWtmpdb   = "wtmpdb"
	srcLastlog2 = "lastlog2"
	srcWtmp     = "wtmp"
	srcLastlog  = "lastlog"
)

// maxUnixSeconds is 9999-12-31T23:59:59Z; later times cannot be written
// as RFC 3339 and are treated as corrupt.
const maxUnixSeconds = 253402300799

// login is one user's newest login in one source.
type login struct {
	Time time.Time
	TTY  string
	Host string
}

// loginSet is what one last-login source says.
type loginSet struct {
	Source LoginSource
	// ByName and ByUID hold the newest login per user; lastlog is keyed by
	// UID, the other sources by name.
	ByName map[string]login
	ByUID  map[int]login
	// Complete is true for a source that records every user's last
	// login, so a user missing from it never logged in.
	Complete bool
}

// newer records l for key in m when it is newer than what m holds.
func newer[K comparable](m map[K]login, key K, l login) {
	if old, ok := m[key]; !ok || l.Time.After(old.Time) {
		m[key] = l
	}
}

// collectLogins reads every last-login source, in the order they are
// reported: wtmpdb (and its rotated files), lastlog2, wtmp, wtmp.1,
// lastlog.
func collectLogins(ctx context.Context, root *hostroot.Root, uids []int, w *sdk.Warnings) []loginSet {
	var sets []loginSet
	sets = append(sets, readWtmpdbAll(ctx, root, w)...)
	sets = append(sets, readLastlog2(ctx, root, w))
	sets = append(sets, readWtmp(ctx, root, wtmpPath, w))
	if s := readWtmp(ctx, root, wtmpPath+".1", w); s.Source.Present {
		sets = append(sets, s)
	}
	sets = append(sets, readLastlog(ctx, root, uids, w))
	return sets
}

// lastLogin picks the newest login of u across sets. Ties go to the
// source listed first. A user no source names never logged in only when a
// complete source says so and no source failed to be read: an unread
// source may hold the login, so then the state is unknown.
func lastLogin(u passwdEntry, sets []loginSet) LastLogin {
	var best *login
	src := ""
	complete, unread := false, false
	for i := range sets {
		s := &sets[i]
		complete = complete || s.Complete
		unread = unread || s.Source.Error != ""
		l, ok := s.ByName[u.Name]
		if !ok {
			l, ok = s.ByUID[u.UID]
		}
		if ok && (best == nil || l.Time.After(best.Time)) {
			best, src = &l, s.Source.Name
		}
	}
	switch {
	case best != nil:
		t := best.Time
		return LastLogin{State: loginKnown, Time: &t, Source: src, TTY: best.TTY, Host: best.Host}
	case complete && !unread:
		return LastLogin{State: loginNever}
	}
	return LastLogin{State: loginUnknown}
}

// unixTime converts seconds since the epoch, reporting false for times
// that are not after the epoch or not representable.
func unixTime(sec, usec int64) (time.Time, bool) {
	if sec <= 0 || sec > maxUnixSeconds {
		return time.Time{}, false
	}
	return time.Unix(sec, usec*1000).UTC(), true
}
