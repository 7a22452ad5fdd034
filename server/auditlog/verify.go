package auditlog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
)

// Kinds of problem Verify reports.
const (
	// Corrupt: the store's checksum failed, or the entry does not decode.
	Corrupt = "corrupt"
	// Altered: the entry does not match its own hash, or the next entry's
	// link to it (one of the two was replaced).
	Altered = "altered"
	// Missing: entries of a chain are not there (a gap in the sequence,
	// or entries a following chain says were stored).
	Missing = "missing"
	// Reordered: an entry sits at another entry's key, two entries claim
	// one place, time runs backwards along a chain, or entries follow a
	// chain's close.
	Reordered = "reordered"
	// Truncated: a chain ends without a close and its last entry is older
	// than a live writer's checkpoints allow: the writer crashed or its
	// last entries were deleted.
	Truncated = "truncated"
	// Unconfirmed: entries a writer wrote after a write it saw fail,
	// beyond the point its next chain says it certainly reached; the
	// access they record may not have happened.
	Unconfirmed = "unconfirmed"
	// Unchained: an entry from before entries were chained; it cannot be
	// verified.
	Unchained = "unchained"
)

// Chain states in a Report.
const (
	// ChainClosed: the chain ends with its writer's Close.
	ChainClosed = "closed"
	// ChainFollowed: the writer abandoned the chain after a failed write
	// and a later chain says where it ended.
	ChainFollowed = "followed"
	// ChainOpen: the writer is still running (or the chain is Truncated).
	ChainOpen = "open"
)

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Stale is how old the last entry of a chain with no close may be
	// before the chain counts as truncated; default twice
	// DefaultCheckpointEvery. Use at least twice the writers' checkpoint
	// interval.
	Stale time.Duration
}

// Report is what Verify found.
type Report struct {
	// From and To are the time range verified.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Entries is the number of entries read.
	Entries int `json:"entries"`
	// Chains summarises each writer's chain in the range.
	Chains []Chain `json:"chains"`
	// Problems lists everything wrong; empty when the log is intact.
	Problems []Problem `json:"problems"`
}

// OK reports whether Verify found nothing wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Chain summarises one writer's chain within the verified range.
type Chain struct {
	Writer objkey.WriterID `json:"writer"`
	// First and Last are the first and last sequence numbers in range.
	First uint64 `json:"first"`
	Last  uint64 `json:"last"`
	// FirstTime and LastTime are their times.
	FirstTime time.Time `json:"first_time"`
	LastTime  time.Time `json:"last_time"`
	// Head is the Hash of the last entry; recorded outside the store, it
	// lets a later verification prove the chain was not rewritten since.
	Head string `json:"head,omitempty"`
	// State is ChainClosed, ChainFollowed or ChainOpen.
	State string `json:"state"`
}

// Problem is one thing wrong with the log.
type Problem struct {
	// Kind is Corrupt, Altered, Missing, Reordered, Truncated,
	// Unconfirmed or Unchained.
	Kind string `json:"kind"`
	// Key is the entry's object key, when there is one.
	Key string `json:"key,omitempty"`
	// Writer and Seq place the problem in a chain, when known.
	Writer string `json:"writer,omitempty"`
	Seq    uint64 `json:"seq,omitempty"`
	// Time is the entry's time, or about when missing entries were due.
	Time time.Time `json:"time,omitzero"`
	// Detail says what is wrong.
	Detail string `json:"detail"`
}

// String renders the problem on one line.
func (p Problem) String() string {
	s := p.Kind
	if p.Writer != "" {
		s += fmt.Sprintf(" %s #%d", p.Writer, p.Seq)
	}
	if !p.Time.IsZero() {
		s += " at " + p.Time.Format(time.RFC3339Nano)
	}
	s += ": " + p.Detail
	if p.Key != "" {
		s += " (" + p.Key + ")"
	}
	return s
}

// slot is one place of a chain: a good entry, or a bad one whose key
// named the place.
type slot struct {
	key  string
	at   time.Time
	good bool
	e    Entry
}

// Verify reads every entry recorded from from to to (inclusive) and walks
// each writer's chain, reporting every entry that is corrupt, altered,
// missing or out of order, and every chain that ends without a close
// although its writer should have written since. Entries before from are
// not read: a chain whose first entry in the range is not its first is
// reported missing its start only if that entry is more than
// opts.Stale after from. The error is for a store that cannot be read; what is wrong
// with the log is in the Report.
func (l *Log) Verify(ctx context.Context, from, to time.Time, opts VerifyOptions) (*Report, error) {
	if opts.Stale <= 0 {
		opts.Stale = 2 * DefaultCheckpointEvery
	}
	from, to = from.UTC(), to.UTC()
	rep := &Report{From: from, To: to, Chains: []Chain{}, Problems: []Problem{}}
	chains := map[objkey.WriterID]map[uint64]*slot{}
	place := func(w objkey.WriterID, seq uint64, s *slot) {
		c := chains[w]
		if c == nil {
			c = map[uint64]*slot{}
			chains[w] = c
		}
		if old, ok := c[seq]; ok {
			rep.problem(Reordered, s.key, w, seq, s.at, fmt.Sprintf("two entries claim this place in the chain (the other is %s)", old.key))
			old.good = false
			return
		}
		c[seq] = s
	}
	for k, err := range l.keys(ctx, from, to) {
		if err != nil {
			return nil, fmt.Errorf("verify audit log: %w", err)
		}
		rep.Entries++
		e, err := l.read(ctx, k.key, k.AuditKey, k.err)
		var ee *EntryError
		switch {
		case errors.Is(err, store.ErrNotFound):
			rep.Entries-- // deleted since it was listed: the chain shows it
			continue
		case errors.As(err, &ee):
			if k.err != nil {
				rep.problem(ee.Kind, k.key, objkey.WriterID{}, 0, time.Time{}, ee.Err.Error())
				continue
			}
			rep.problem(ee.Kind, k.key, k.Writer, k.Seq, k.Time, ee.Err.Error())
			place(k.Writer, k.Seq, &slot{key: k.key, at: k.Time})
			continue
		case err != nil:
			return nil, fmt.Errorf("verify audit log: %w", err)
		}
		if e.Writer != k.Writer || e.Seq != k.Seq || !e.Time.Equal(k.Time) {
			rep.problem(Reordered, k.key, k.Writer, k.Seq, k.Time, fmt.Sprintf("holds entry %s #%d of %s, not the entry of its key", e.Writer, e.Seq, e.Time.Format(time.RFC3339Nano)))
			place(k.Writer, k.Seq, &slot{key: k.key, at: k.Time})
			continue
		}
		place(k.Writer, k.Seq, &slot{key: k.key, at: k.Time, good: true, e: e})
	}

	// Which chains later chains follow, and where they ended for certain.
	followed := map[objkey.WriterID]Link{}
	for _, c := range chains {
		if s := c[1]; s != nil && s.good {
			for _, f := range s.e.Follows {
				followed[f.Writer] = f
			}
		}
	}
	ref := to
	if now := l.now(); now.Before(ref) {
		ref = now
	}
	for w, c := range chains {
		rep.Chains = append(rep.Chains, rep.walk(w, c, followed, ref, opts.Stale))
	}
	slices.SortFunc(rep.Chains, func(a, b Chain) int {
		return cmp.Or(a.FirstTime.Compare(b.FirstTime), cmp.Compare(a.Writer.String(), b.Writer.String()))
	})
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Writer, b.Writer), cmp.Compare(a.Seq, b.Seq))
	})
	return rep, nil
}

// walk checks one chain's places in sequence order and summarises it.
func (rep *Report) walk(w objkey.WriterID, c map[uint64]*slot, followed map[objkey.WriterID]Link, ref time.Time, stale time.Duration) Chain {
	seqs := make([]uint64, 0, len(c))
	for seq := range c {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	first, last := c[seqs[0]], c[seqs[len(seqs)-1]]
	sum := Chain{Writer: w, First: seqs[0], Last: seqs[len(seqs)-1], FirstTime: first.at, LastTime: last.at, State: ChainOpen}
	if last.good {
		sum.Head = last.e.Hash
	}
	if first.good && seqs[0] == 1 && first.e.Prev != "" {
		rep.problem(Altered, first.key, w, 1, first.at, "the first entry of a chain links to a previous entry")
	}
	if seqs[0] > 1 && first.at.Sub(rep.From) > stale {
		// A writer never stays silent for stale (it checkpoints), so the
		// entries before this one would be in the range.
		rep.problem(Missing, "", w, 1, rep.From, gap(1, seqs[0]-1, rep.From, first.at))
	}
	closedAt := uint64(0)
	for i, seq := range seqs {
		s := c[seq]
		if s.good && s.e.Action == Close && s.e.Actor == system && closedAt == 0 {
			closedAt = seq
		}
		if i == 0 {
			continue
		}
		prevSeq := seqs[i-1]
		prev := c[prevSeq]
		if seq > prevSeq+1 {
			rep.problem(Missing, "", w, prevSeq+1, prev.at, gap(prevSeq+1, seq-1, prev.at, s.at))
			continue
		}
		if !s.good || !prev.good {
			continue
		}
		if s.e.Prev != prev.e.Hash {
			rep.problem(Altered, s.key, w, seq, s.at, fmt.Sprintf("links to %s, but entry #%d hashes to %s: one of the two was replaced", short(s.e.Prev), prevSeq, short(prev.e.Hash)))
		}
		if s.e.Time.Before(prev.e.Time) {
			rep.problem(Reordered, s.key, w, seq, s.at, fmt.Sprintf("recorded before entry #%d (%s)", prevSeq, prev.e.Time.Format(time.RFC3339Nano)))
		}
	}
	if closedAt != 0 {
		sum.State = ChainClosed
		if sum.Last > closedAt {
			rep.problem(Reordered, c[sum.Last].key, w, closedAt+1, c[sum.Last].at, fmt.Sprintf("entries #%d to #%d follow the chain's close", closedAt+1, sum.Last))
		}
		return sum
	}
	if f, ok := followed[w]; ok {
		sum.State = ChainFollowed
		switch {
		case f.Seq < sum.Last:
			from := max(f.Seq+1, sum.First)
			rep.problem(Unconfirmed, c[sum.Last].key, w, from, c[sum.Last].at, fmt.Sprintf("entries #%d to #%d were written after a write the writer saw fail; what they record may not have happened", from, sum.Last))
		case f.Seq > sum.Last:
			rep.problem(Missing, "", w, sum.Last+1, last.at, fmt.Sprintf("entries #%d to #%d are missing: the chain that follows says they were stored", sum.Last+1, f.Seq))
		}
		if s := c[f.Seq]; s != nil && s.good && s.e.Hash != f.Hash {
			rep.problem(Altered, s.key, w, f.Seq, s.at, fmt.Sprintf("hashes to %s, but the chain that follows says %s", short(s.e.Hash), short(f.Hash)))
		}
		return sum
	}
	if ref.Sub(last.at) > stale {
		rep.problem(Truncated, last.key, w, sum.Last, last.at, fmt.Sprintf("the chain ends with entry #%d, not a close, and has no entry in the %s before %s: its writer stopped without closing it, or its last entries were deleted", sum.Last, stale, ref.Format(time.RFC3339)))
	}
	return sum
}

func gap(a, b uint64, after, before time.Time) string {
	which := fmt.Sprintf("entry #%d is", a)
	if b > a {
		which = fmt.Sprintf("entries #%d to #%d are", a, b)
	}
	return fmt.Sprintf("%s missing (between %s and %s)", which, after.Format(time.RFC3339Nano), before.Format(time.RFC3339Nano))
}

func (rep *Report) problem(kind, key string, w objkey.WriterID, seq uint64, at time.Time, detail string) {
	rep.Problems = append(rep.Problems, Problem{Kind: kind, Key: key, Writer: w.String(), Seq: seq, Time: at, Detail: detail})
}

// WriteText writes the report for people: a summary, each chain and each
// problem on a line.
func (rep *Report) WriteText(w io.Writer) error {
	verdict := "intact"
	if !rep.OK() {
		verdict = fmt.Sprintf("%d problems", len(rep.Problems))
	}
	if _, err := fmt.Fprintf(w, "audit log %s to %s: %d entries in %d chains, %s\n", rep.From.Format(time.RFC3339), rep.To.Format(time.RFC3339), rep.Entries, len(rep.Chains), verdict); err != nil {
		return err
	}
	for _, c := range rep.Chains {
		if _, err := fmt.Fprintf(w, "chain %s #%d..#%d %s..%s %s head %s\n", c.Writer, c.First, c.Last, c.FirstTime.Format(time.RFC3339), c.LastTime.Format(time.RFC3339), c.State, c.Head); err != nil {
			return err
		}
	}
	for _, p := range rep.Problems {
		if _, err := fmt.Fprintln(w, "PROBLEM", p.String()); err != nil {
			return err
		}
	}
	return nil
}
