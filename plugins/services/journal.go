package services

import (
	"context"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/unitlog"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// journalResult is what the journal files gave.
type journalResult struct {
	unitlog.JournalStats
	events []event
}

// readJournals reads the events of every journal file from since on,
// within a byte budget over all files.
func readJournals(ctx context.Context, root *hostroot.Root, files []unitlog.JournalFile, since time.Time, budget int64, seq *int, w *sdk.Warnings) (journalResult, error) {
	var res journalResult
	st, warns, err := unitlog.ReadJournals(ctx, root, files, since, budget, func(l unitlog.Line) {
		ev, ok := classify(lineFields(l))
		if !ok {
			return
		}
		*seq++
		ev.at, ev.seq, ev.boot, ev.log = l.At, *seq, l.Boot, l.Log
		res.events = append(res.events, ev)
	})
	*w = append(*w, warns...)
	res.JournalStats = st
	return res, err
}

// readTextLog reads the events of one syslog-format text log from since
// on.
func readTextLog(ctx context.Context, root *hostroot.Root, l unitlog.TextLog, loc *time.Location, since time.Time, seq *int, w *sdk.Warnings) ([]event, error) {
	var evs []event
	warns, err := unitlog.ReadTextLog(ctx, root, l, loc, since, func(line unitlog.Line) {
		ev, ok := classify(lineFields(line))
		if !ok {
			return
		}
		*seq++
		ev.at, ev.seq, ev.log = line.At, *seq, line.Log
		evs = append(evs, ev)
	})
	*w = append(*w, warns...)
	return evs, err
}

// lineFields are the fields of a log line that classify reads.
func lineFields(l unitlog.Line) fields {
	return fields{
		ident: l.Ident, pid: l.PID, message: l.Message, messageID: l.MessageID,
		unit: l.Unit, unitResult: l.UnitResult, jobResult: l.JobResult,
	}
}
