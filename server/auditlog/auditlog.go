package auditlog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// Actions recorded in the log, after the s.62 operation types, and the two
// the log records about its own chains.
const (
	Read     = "read"     // consultation
	Create   = "create"   // collection
	Update   = "update"   // alteration
	Delete   = "delete"   // erasure
	Disclose = "disclose" // disclosure, e.g. an export

	// Checkpoint is appended by a writer that has been idle for a while,
	// so that a chain's end can be told from a deleted tail.
	Checkpoint = "checkpoint"
	// Close ends a writer's chain: the process stopped cleanly.
	Close = "close"
)

// Outcomes of an access.
const (
	// OK means the access happened and succeeded (HTTP 2xx or 3xx).
	OK = "ok"
	// Denied means the principal was not allowed (HTTP 401 or 403).
	Denied = "denied"
	// Failed means the request was refused or failed (any other 4xx or
	// 5xx); Entry.Status carries the HTTP status.
	Failed = "error"
	// Started records the intent to change something before the change
	// is made; an entry with the real outcome follows with the same
	// request ID.
	Started = "started"
)

// Entry is one audit log record. Writer, Seq, Prev, Follows and Hash make
// it a link of its writer's hash chain; Append fills them.
type Entry struct {
	Time          time.Time      `json:"time"`
	Actor         auth.Principal `json:"actor"`
	Action        string         `json:"action"`
	Object        string         `json:"object"`
	Justification string         `json:"justification,omitempty"`
	Outcome       string         `json:"outcome"` // OK, Denied, Failed or Started
	// Status is the HTTP status the request ended with, for API accesses.
	Status    int    `json:"status,omitempty"`
	Detail    string `json:"detail,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Remote    string `json:"remote,omitempty"`

	// Writer is the chain the entry belongs to: one per process.
	Writer objkey.WriterID `json:"writer"`
	// Seq is the entry's place in its chain: 1, 2, 3, …
	Seq uint64 `json:"seq"`
	// Prev is the hex SHA-256 of the chain's previous entry (its Hash);
	// empty for entry 1.
	Prev string `json:"prev,omitempty"`
	// Follows, on entry 1 only, names the chains this one replaces: a
	// writer whose append failed starts a new chain that says where the
	// old one ended for certain.
	Follows []Link `json:"follows,omitempty"`
	// Hash is the hex SHA-256 of the entry's canonical bytes: the compact
	// JSON encoding of the entry with Hash empty.
	Hash string `json:"hash"`
}

// Link points at one entry of a chain.
type Link struct {
	// Writer is the chain.
	Writer objkey.WriterID `json:"writer"`
	// Seq is the last entry the writer knows was stored (0: none).
	Seq uint64 `json:"seq"`
	// Hash is that entry's Hash (empty when Seq is 0).
	Hash string `json:"hash,omitempty"`
}

// canonical returns the bytes e's Hash is computed over.
func (e Entry) canonical() ([]byte, error) {
	e.Hash = ""
	return json.Marshal(e)
}

// sum returns the hex SHA-256 of e's canonical bytes.
func (e Entry) sum() (string, error) {
	b, err := e.canonical()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// Log appends entries to object storage as one hash chain per writer (per
// process). Its methods are safe for concurrent use; several processes
// append to one store without coordinating.
type Log struct {
	// Store keeps the entries.
	Store store.Backend
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Retain, if positive, locks each entry against deletion and
	// overwrite for this long after it is written (by the wall clock),
	// where the store supports it (S3 object lock).
	Retain time.Duration

	mu      sync.Mutex
	writer  objkey.WriterID // zero: no chain yet, the next Append starts one
	seq     uint64          // last stored entry of the chain
	last    string          // its hash
	lastAt  time.Time       // its time
	follows []Link          // chains the next chain's entry 1 replaces
}

// putTimeout bounds one entry's write; it does not end with the caller's
// context, so that a client going away does not break the chain.
const putTimeout = 30 * time.Second

func (l *Log) now() time.Time {
	if l.Now != nil {
		return l.Now().UTC()
	}
	return time.Now().UTC()
}

// Append writes e as the next entry of this process's chain, stamping its
// time when unset (never earlier than the chain's previous entry). The
// caller must not act on audit data when Append fails: an unlogged read is
// not allowed. After a failed write the entry may or may not be stored, so
// the chain is abandoned and the next Append starts a new one that
// follows it (see Entry.Follows).
func (l *Log) Append(ctx context.Context, e Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := l.append(ctx, e)
	return err
}

func (l *Log) append(ctx context.Context, e Entry) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, fmt.Errorf("audit log: %w", err)
	}
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	e.Time = e.Time.UTC()
	if l.writer.IsZero() {
		l.writer, l.seq, l.last, l.lastAt = objkey.NewWriterID(), 0, "", time.Time{}
	}
	if e.Time.Before(l.lastAt) {
		e.Time = l.lastAt // a clock stepping back must not reorder the chain
	}
	e.Writer, e.Seq, e.Prev, e.Follows, e.Hash = l.writer, l.seq+1, l.last, nil, ""
	if e.Seq == 1 {
		e.Follows = l.follows
	}
	sum, err := e.sum()
	if err != nil {
		return Entry{}, fmt.Errorf("audit log: encode entry: %w", err)
	}
	e.Hash = sum
	b, err := json.Marshal(e)
	if err != nil {
		return Entry{}, fmt.Errorf("audit log: encode entry: %w", err)
	}
	key, err := objkey.Audit(e.Time, e.Writer, e.Seq)
	if err != nil {
		return Entry{}, fmt.Errorf("audit log: %w", err)
	}
	opts := store.PutOptions{WriteOnce: true}
	if l.Retain > 0 {
		// The store enforces retention by its own clock, so it is counted
		// from the real time, not the log's (which tests may set).
		opts.Retain = time.Now().Add(l.Retain)
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), putTimeout)
	defer cancel()
	if _, err := store.PutBytes(pctx, l.Store, key, b, opts); err != nil {
		l.abandon()
		return Entry{}, fmt.Errorf("audit log: %w", err)
	}
	l.seq, l.last, l.lastAt, l.follows = e.Seq, e.Hash, e.Time, nil
	return e, nil
}

// abandon ends the current chain after a write whose result is unknown;
// the next chain's first entry names where this one certainly ended.
func (l *Log) abandon() {
	link := Link{Writer: l.writer, Seq: l.seq, Hash: l.last}
	if l.seq == 0 {
		// Nothing of this chain is certainly stored: keep pointing at the
		// chains it was to follow as well.
		l.follows = append(l.follows, link)
	} else {
		l.follows = []Link{link}
	}
	l.writer = objkey.WriterID{}
}

// system is the actor of the entries the log writes about itself.
var system = auth.Principal{Kind: "system", ID: "auditlog"}

// Close appends a Close entry to end this process's chain, if it has one,
// so that a verifier can tell the chain ended rather than lost its tail.
// A later Append starts a new chain.
func (l *Log) Close(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.writer.IsZero() {
		return nil
	}
	if _, err := l.append(ctx, Entry{Actor: system, Action: Close, Object: "audit log chain " + l.writer.String(), Outcome: OK}); err != nil {
		return err
	}
	l.writer = objkey.WriterID{}
	return nil
}

// DefaultCheckpointEvery is how often a running server's idle chain gets
// a Checkpoint entry.
const DefaultCheckpointEvery = time.Hour

// Run keeps this process's chain alive until ctx ends: whenever no entry
// has been appended for about every, it appends a Checkpoint, so a live
// chain's last entry is never much older than every and a verifier can
// flag a chain whose tail went missing. It returns nil when ctx ends; the
// owner calls Close once nothing else appends.
func (l *Log) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = DefaultCheckpointEvery
	}
	tick := time.NewTicker(every / 4)
	defer tick.Stop()
	for {
		// A failed checkpoint abandons the chain (the next one follows
		// it) and is tried again at the next tick.
		_ = l.checkpoint(ctx, every)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// checkpoint appends a Checkpoint if the chain has none or its last entry
// is older than every less a quarter (the ticker's period).
func (l *Log) checkpoint(ctx context.Context, every time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.writer.IsZero() && l.now().Sub(l.lastAt) < every-every/4 {
		return nil
	}
	_, err := l.append(ctx, Entry{Actor: system, Action: Checkpoint, Object: "audit log chain", Outcome: OK})
	return err
}

// EntryError is an entry that could not be read back as written: the
// store's checksum failed, it does not decode, or its bytes do not match
// its hash. Entries and Verify report it and carry on with the others.
type EntryError struct {
	// Key is the entry's object key.
	Key string
	// Kind is Corrupt, Altered or Unchained.
	Kind string
	// Entry is what could be decoded, for an Unchained entry.
	Entry *Entry
	// Err says what is wrong.
	Err error
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("audit entry %s: %s: %v", e.Key, e.Kind, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// read reads the entry at key and checks it against its own hash and its
// key. The error is an *EntryError when the entry is bad, any other error
// when the store could not be read.
func (l *Log) read(ctx context.Context, key string, k objkey.AuditKey, keyErr error) (Entry, error) {
	b, _, err := store.GetBytes(ctx, l.Store, key)
	switch {
	case errors.Is(err, store.ErrChecksum):
		return Entry{}, &EntryError{Key: key, Kind: Corrupt, Err: err}
	case err != nil:
		return Entry{}, err
	}
	return decode(key, b, k, keyErr)
}

// decode checks stored bytes b of key: they must be exactly the entry's
// encoding, with the hash of its canonical bytes, at the key its writer,
// sequence and time make.
func decode(key string, b []byte, k objkey.AuditKey, keyErr error) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, &EntryError{Key: key, Kind: Corrupt, Err: fmt.Errorf("decode: %w", err)}
	}
	if keyErr != nil || e.Writer.IsZero() {
		if e.Writer.IsZero() && e.Hash == "" {
			return Entry{}, &EntryError{Key: key, Kind: Unchained, Entry: &e, Err: errors.New("written before entries were chained; it cannot be verified")}
		}
		return Entry{}, &EntryError{Key: key, Kind: Corrupt, Err: fmt.Errorf("not an audit entry key: %w", keyErr)}
	}
	sum, err := e.sum()
	if err != nil {
		return Entry{}, &EntryError{Key: key, Kind: Corrupt, Err: err}
	}
	if sum != e.Hash {
		return Entry{}, &EntryError{Key: key, Kind: Altered, Err: fmt.Errorf("content hashes to %s, the entry says %s", short(sum), short(e.Hash))}
	}
	if exact, err := json.Marshal(e); err != nil || !bytes.Equal(exact, b) {
		return Entry{}, &EntryError{Key: key, Kind: Altered, Err: errors.New("stored bytes are not the entry's own encoding")}
	}
	return e, nil
}

// Entries yields the entries recorded from from to to (inclusive, by the
// time in their keys), oldest first. A bad entry is yielded as an
// *EntryError and iteration goes on; any other error (the store cannot be
// listed or read) is yielded last. Entries checks each entry on its own,
// not the chains: Verify does.
func (l *Log) Entries(ctx context.Context, from, to time.Time) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for k, err := range l.keys(ctx, from, to) {
			if err != nil {
				yield(Entry{}, err)
				return
			}
			e, err := l.read(ctx, k.key, k.AuditKey, k.err)
			if errors.Is(err, store.ErrNotFound) {
				continue // deleted since it was listed
			}
			if !yield(e, err) {
				return
			}
			var ee *EntryError
			if err != nil && !errors.As(err, &ee) {
				return
			}
		}
	}
}

// listed is one listed entry key and what it says (or why it says
// nothing: err).
type listed struct {
	key string
	objkey.AuditKey
	err error
}

// keys yields the keys of entries recorded from from to to. A listing
// error is yielded last.
func (l *Log) keys(ctx context.Context, from, to time.Time) iter.Seq2[listed, error] {
	return func(yield func(listed, error) bool) {
		for day := from.UTC().Truncate(24 * time.Hour); !day.After(to.UTC()); day = day.Add(24 * time.Hour) {
			for o, err := range l.Store.List(ctx, objkey.AuditDay(day)) {
				if err != nil {
					yield(listed{}, fmt.Errorf("list audit log: %w", err))
					return
				}
				k, kerr := objkey.ParseAudit(o.Key)
				if kerr == nil && (k.Time.Before(from) || k.Time.After(to)) {
					continue
				}
				if !yield(listed{key: o.Key, AuditKey: k, err: kerr}, nil) {
					return
				}
			}
		}
	}
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
