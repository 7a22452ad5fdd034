package auditlog

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// Actions recorded in the log, after the s.62 operation types.
const (
	Read     = "read"     // consultation
	Create   = "create"   // collection
	Update   = "update"   // alteration
	Delete   = "delete"   // erasure
	Disclose = "disclose" // disclosure, e.g. an export
)

// Entry is one audit log record.
type Entry struct {
	Time          time.Time      `json:"time"`
	Actor         auth.Principal `json:"actor"`
	Action        string         `json:"action"`
	Object        string         `json:"object"`
	Justification string         `json:"justification,omitempty"`
	Outcome       string         `json:"outcome"` // "ok", "denied", "error"
	Detail        string         `json:"detail,omitempty"`
	RequestID     string         `json:"request_id,omitempty"`
	Remote        string         `json:"remote,omitempty"`
}

// Log appends entries to object storage.
type Log struct {
	Store store.Backend
	Now   func() time.Time
}

// Append writes e, stamping its time when unset. The caller must not act
// on audit data when Append fails: an unlogged read is not allowed.
func (l *Log) Append(ctx context.Context, e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
		if l.Now != nil {
			e.Time = l.Now()
		}
	}
	e.Time = e.Time.UTC()
	key, err := objkey.Audit(e.Time)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if _, err := store.PutJSON(ctx, l.Store, key, e, store.PutOptions{WriteOnce: true}); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// Entries yields the entries recorded from from to to (inclusive days,
// UTC), oldest first.
func (l *Log) Entries(ctx context.Context, from, to time.Time) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for day := from.UTC().Truncate(24 * time.Hour); !day.After(to.UTC()); day = day.Add(24 * time.Hour) {
			for o, err := range l.Store.List(ctx, objkey.AuditDay(day)) {
				if err != nil {
					yield(Entry{}, fmt.Errorf("list audit log: %w", err))
					return
				}
				var e Entry
				if _, err := store.GetJSON(ctx, l.Store, o.Key, &e); err != nil {
					if !yield(Entry{}, err) {
						return
					}
					continue
				}
				if e.Time.Before(from) || e.Time.After(to) {
					continue
				}
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}
