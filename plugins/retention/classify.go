package retention

import (
	"strings"
	"time"
)

// role is what one regular file is to its store.
type role int

const (
	// live is an item that is kept.
	live role = iota
	// marker is a marker file "<name><marker>" beside the item "<name>":
	// the item is soft-deleted, marked at the marker's modification time.
	marker
	// renamed is an item renamed to "<name><marker>" with no "<name>"
	// beside it: soft-deleted, marked when it was renamed (its change
	// time, see changeTime).
	renamed
	// markedItem is an item "<name>" with a marker file beside it; it is
	// counted once, through its marker.
	markedItem
)

// String names the role, for test messages.
func (r role) String() string {
	switch r {
	case live:
		return "live"
	case marker:
		return "marker"
	case renamed:
		return "renamed"
	case markedItem:
		return "marked-item"
	}
	return "unknown"
}

// classify says what the regular file name is, given the store's
// soft-delete marker (empty: the store does not soft-delete) and
// isFile, which reports whether a regular file of that name is in the
// same directory. A name equal to the marker itself is a live item.
func classify(name, mark string, isFile func(string) bool) role {
	if mark == "" {
		return live
	}
	if base, ok := strings.CutSuffix(name, mark); ok && base != "" {
		if isFile(base) {
			return marker
		}
		return renamed
	}
	if isFile(name + mark) {
		return markedItem
	}
	return live
}

// tally accumulates one store's counts against its cutoffs.
type tally struct {
	// retainedCutoff: live items modified before it are past retention
	// plus grace; zero when no retention period is declared.
	retainedCutoff time.Time
	// purgeCutoff: soft-deleted items marked before it are past the purge
	// window.
	purgeCutoff time.Time
	store       Store
}

// newTally starts the counts for spec as of now. Cutoffs are calendar
// days before now, as the policy's lib.ts_days_ago computes them.
func newTally(spec storeSpec, now time.Time) *tally {
	t := &tally{store: Store{ID: spec.ID, Path: spec.Path, Exists: true}}
	if spec.RetentionDays != nil {
		t.retainedCutoff = now.AddDate(0, 0, -(*spec.RetentionDays + spec.graceDays()))
	}
	t.purgeCutoff = now.AddDate(0, 0, -spec.purgeDays())
	return t
}

// addLive counts a live item modified at mtime.
func (t *tally) addLive(mtime time.Time) {
	mtime = stamp(mtime)
	t.store.Items++
	if t.store.OldestItem == nil || mtime.Before(*t.store.OldestItem) {
		t.store.OldestItem = &mtime
	}
	if !t.retainedCutoff.IsZero() && mtime.Before(t.retainedCutoff) {
		t.store.PastRetention++
	}
}

// addSoftDeleted counts an item marked deleted at marked.
func (t *tally) addSoftDeleted(marked time.Time) {
	marked = stamp(marked)
	t.store.SoftDeleted++
	if t.store.OldestSoftDeleted == nil || marked.Before(*t.store.OldestSoftDeleted) {
		t.store.OldestSoftDeleted = &marked
	}
	if marked.Before(t.purgeCutoff) {
		t.store.SoftDeletedPastPurge++
	}
}

// stamp is t as reported: UTC, whole seconds, so that the policy's
// string comparisons of RFC 3339 times order it correctly.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
