package unitlog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
)

// DefaultMaxBytes bounds the journal bytes Read reads over all files when
// Options.MaxBytes is 0.
const DefaultMaxBytes = 1 << 30

// Options say what Read reads.
type Options struct {
	// Since is the start of the lookback window: older lines are not
	// read.
	Since time.Time
	// MaxBytes bounds the journal bytes read over all files (0:
	// DefaultMaxBytes).
	MaxBytes int64
	// Units, when set, keeps only the events of the units it accepts.
	Units func(unit string) bool
	// Location is the zone of text log timestamps that carry none (nil:
	// the host's, see HostLocation).
	Location *time.Location
}

// Log is what the service manager logged of its units in the window.
type Log struct {
	// Events are its classified lines, sorted by time, then reading order.
	Events []Event
	// Sources are the journal directories read or, without journal
	// entries in the window, the text logs read.
	Sources []string
	// Journal is true when the events come from the journal.
	Journal bool
	// Damaged are the logs read from that could not be read in full,
	// each as "<path>: <reason>": events there are lost.
	Damaged []string
}

// Read reads the service manager's unit events from the system journal
// under root or, when the journal gives no entry of the window (no
// journal, or only older files), from the default text logs (see
// FindTextLogs). Problems are warnings; the error is ctx's.
func Read(ctx context.Context, root *hostroot.Root, o Options) (*Log, []string, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	l := &Log{}
	seq := 0
	var seqs []int
	visit := func(line Line) {
		ev, ok := Classify(line)
		if !ok || (ev.Kind != Boot && o.Units != nil && !o.Units(ev.Unit)) {
			return
		}
		seq++
		l.Events, seqs = append(l.Events, ev), append(seqs, seq)
	}
	files, dirs, warns := FindJournals(root)
	st, w, err := ReadJournals(ctx, root, files, o.Since, o.MaxBytes, visit)
	warns = append(warns, w...)
	if err != nil {
		return nil, warns, err
	}
	if st.Used() {
		l.Journal, l.Sources = true, dirs
		for _, p := range st.Damaged {
			l.Damaged = append(l.Damaged, p+": not read in full (unreadable, corrupt or cut short)")
		}
	} else {
		if st.Read+st.Old > 0 {
			warns.Add("the journal holds no entries since %s; the text logs are read instead", o.Since.UTC().Format(time.DateOnly))
		}
		l.Events, seqs = nil, nil
		loc := o.Location
		if loc == nil {
			loc, _ = HostLocation(root)
		}
		logs, w := FindTextLogs(root, nil)
		warns = append(warns, w...)
		for _, tl := range logs {
			w, err := ReadTextLog(ctx, root, tl, loc, o.Since, visit)
			if ctx.Err() != nil {
				return nil, warns, ctx.Err()
			}
			warns = append(warns, w...)
			if err != nil {
				warns.Add("%v; partly read", err)
				l.Damaged = append(l.Damaged, fmt.Sprintf("%s: %v", tl.Path, err))
			}
			l.Sources = append(l.Sources, tl.Path)
		}
	}
	sortEvents(l.Events, seqs)
	return l, warns, nil
}

// sortEvents orders evs by time, then by reading order (seqs, in step).
func sortEvents(evs []Event, seqs []int) {
	idx := make([]int, len(evs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := evs[a].At.Compare(evs[b].At); c != 0 {
			return c
		}
		return cmp.Compare(seqs[a], seqs[b])
	})
	sorted := make([]Event, len(evs))
	for i, j := range idx {
		sorted[i] = evs[j]
	}
	copy(evs, sorted)
}

// Outcome is what the log says of one unit's runs.
type Outcome struct {
	// LastSuccess is when its latest run that ended well was logged; nil
	// when none was.
	LastSuccess *time.Time
	// LastFailure is when its latest failure was logged; nil when none
	// was.
	LastFailure *time.Time
	// Result is the UNIT_RESULT of the latest failure ("exit-code",
	// "timeout", ...); "" when none was logged since the last success.
	Result string
}

// Outcome returns when unit last ended well and last failed. A run ends
// well when the unit is deactivated successfully or, Type=oneshot, its
// start job is done ("Finished"; "Started" before systemd 246): pass
// oneshot for such a unit. For any other unit "Started" means only that
// it is up, not that a run ended, and does not count.
func (l *Log) Outcome(unit string, oneshot bool) Outcome {
	var o Outcome
	result := "" // of the current run of failures
	for _, ev := range l.Events {
		if ev.Unit != unit {
			continue
		}
		at := ev.At.UTC()
		switch {
		case ev.Kind == Failed:
			// "Failed to start" carries no result: it follows the
			// "Failed with result" of the same failure.
			if ev.Result != "" {
				result = ev.Result
			}
			o.LastFailure, o.Result = &at, result
		case ev.Kind == Deactivated, ev.Kind == Finished, ev.Kind == Started && oneshot:
			o.LastSuccess, result = &at, ""
		}
	}
	return o
}
