package services

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/unitlog"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// Collector is the "services" collector.
type Collector struct {
	now func() time.Time
}

// New returns the "services" collector.
func New() *Collector { return &Collector{now: time.Now} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector; it does not read the host.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "services", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect reads, under req.Root, the systemd journal (or, without one,
// the syslog-format text logs) and the crontabs, and reports the units
// and cron jobs that are failing. It fails without a host root, when ctx
// ends, and, wrapping sdk.ErrNotApplicable, on a host with neither
// systemd nor cron nor any log to read. Unreadable parts are warnings,
// and what they leave unknown is null in the facts, never empty.
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect services: no host root")
	}
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("collect services: %w", err)
	}
	opts, optWarns := parseOptions(req.Options)
	w := sdk.Warnings(optWarns)
	f, err := collect(ctx, req.Root, opts, req.Time(c.now), &w)
	if err != nil {
		return sdk.Response{}, fmt.Errorf("collect services: %w", err)
	}
	return sdk.Response{Facts: f, Warnings: w}, nil
}

// collect builds the facts.
func collect(ctx context.Context, root *hostroot.Root, opts options, now time.Time, w *sdk.Warnings) (Facts, error) {
	since := now.AddDate(0, 0, -opts.LookbackDays)
	files, journalDirsFound, fw := unitlog.FindJournals(root)
	*w = append(*w, fw...)
	f := Facts{Systemd: isSystemd(root, root.IsLive()) || len(files) > 0}
	seq := 0
	jr, err := readJournals(ctx, root, files, since, opts.JournalMaxBytes, &seq, w)
	if err != nil {
		return Facts{}, err
	}
	useJournal := jr.Used()
	if jr.Read+jr.Old > 0 && jr.Entries == 0 {
		w.Add("the journal holds no entries of the last %d days; the text logs are read instead", opts.LookbackDays)
	}
	if useJournal {
		f.Sources = append(f.Sources, journalDirsFound...)
	}
	texts, tw := unitlog.FindTextLogs(root, nil)
	*w = append(*w, tw...)
	extra, tw := unitlog.FindTextLogs(root, opts.ExtraLogs)
	*w = append(*w, tw...)
	extra = slices.DeleteFunc(extra, func(l unitlog.TextLog) bool { return slices.Contains(texts, l) })
	jobs, cronFound, cronUnreadable := readCrontabs(root, w)
	if !f.Systemd && len(texts)+len(extra) == 0 && !cronFound {
		return Facts{}, fmt.Errorf("no systemd, no cron and no system log under the host root: %w", sdk.ErrNotApplicable)
	}
	loc, _ := unitlog.HostLocation(root)
	var evs []event
	textRead := 0
	var cutShort []string // text logs not read in full
	var toRead []unitlog.TextLog
	if !useJournal {
		toRead = texts
	}
	for _, l := range append(toRead, extra...) {
		e, err := readTextLog(ctx, root, l, loc, since, &seq, w)
		if ctx.Err() != nil {
			return Facts{}, ctx.Err()
		}
		if err != nil {
			w.Add("%v; partly read", err)
			cutShort = append(cutShort, l.Path)
		}
		evs = append(evs, e...)
		textRead++
		f.Sources = append(f.Sources, l.Path)
	}
	if useJournal {
		evs = append(evs, jr.events...)
	}
	sortEvents(evs)
	f.FailedUnits = units(root, f.Systemd, useJournal, jr, evs, w)
	f.FailedCron = cron(root, jobs, cronUnreadable, useJournal || textRead > 0, evs, w)
	if len(cutShort) > 0 {
		// The lines lost are the newest: what was read showing no
		// failure does not show that none is failing now.
		if f.Systemd && len(f.FailedUnits) == 0 && f.FailedUnits != nil && !useJournal {
			w.Add("text logs not read in full (%s); failed units unknown", strings.Join(cutShort, ", "))
			f.FailedUnits = nil
		}
		if len(f.FailedCron) == 0 && f.FailedCron != nil && len(jobs) > 0 {
			w.Add("text logs not read in full (%s); failing cron jobs unknown", strings.Join(cutShort, ", "))
			f.FailedCron = nil
		}
	}
	return f, nil
}

// units returns the failed units, or nil when they cannot be known.
func units(root *hostroot.Root, systemd, useJournal bool, jr journalResult, evs []event, w *sdk.Warnings) []FailedUnit {
	if !systemd {
		return []FailedUnit{}
	}
	if useJournal {
		boot, ok := unitlog.CurrentBoot(root)
		if !ok {
			boot = jr.NewestBoot
		}
		if !jr.HasBoot(boot) {
			w.Add("the journal has no entries of the current boot %s; failed units unknown", boot)
			return nil
		}
		failed := failedUnits(evs, boot)
		if len(failed) == 0 && len(jr.Damaged) > 0 {
			// What was read shows no failure, but the entries lost may.
			w.Add("journal files not read in full (%s); failed units unknown", strings.Join(jr.Damaged, ", "))
			return nil
		}
		return failed
	}
	if slices.ContainsFunc(evs, func(e event) bool { return e.kind == unitFailed || e.kind == unitOK || e.kind == bootMark }) {
		w.Add("no readable systemd journal: failed units read from the text logs, which carry no boot ID")
		return failedUnits(evs, "")
	}
	w.Add("systemd host with no journal entries to read and no service manager lines in the text logs; failed units unknown")
	return nil
}

// cron returns the failing cron jobs, or nil when they cannot be known.
// unreadable is true when a crontab could not be read.
func cron(root *hostroot.Root, jobs []cronJob, unreadable, logsRead bool, evs []event, w *sdk.Warnings) []CronFailure {
	logged := slices.ContainsFunc(evs, func(e event) bool { return e.kind == cronRun || e.kind == cronFailed })
	if len(jobs) == 0 && !logged {
		if unreadable {
			w.Add("a crontab could not be read and no cron run is logged; failing cron jobs unknown")
			return nil
		}
		return []CronFailure{} // no cron job to fail
	}
	if !logsRead {
		w.Add("cron jobs are set up but no log could be read; failing cron jobs unknown")
		return nil
	}
	if !cronLogsFailures(root) && !slices.ContainsFunc(evs, func(e event) bool { return e.kind == cronFailed }) {
		w.Add("cron jobs are set up but cron does not log their failures (Debian's cron needs -L with 4 set, e.g. EXTRA_OPTS=\"-L 15\" in %s; cronie never logs exit statuses); failing cron jobs unknown", defaultCron)
		return nil
	}
	if !logged {
		w.Add("cron jobs are set up but the logs read hold no cron run (cut short, unreadable or rotated away); failing cron jobs unknown")
		return nil
	}
	return failedCron(evs, jobs)
}

// isSystemd reports whether the host root shows systemd as its init:
// /run/systemd/system exists (systemd's own test, sd_booted). On the live
// root that test is the whole answer; a host mounted elsewhere may come
// without its /run, so there /sbin/init resolving to systemd counts too.
func isSystemd(root *hostroot.Root, live bool) bool {
	if fi, err := root.Stat("/run/systemd/system"); err == nil && fi.IsDir() {
		return true
	}
	if live {
		return false
	}
	if p, err := root.Resolve("/sbin/init"); err == nil && filepath.Base(p) == "systemd" {
		if _, err := root.Stat("/sbin/init"); err == nil {
			return true
		}
	}
	return false
}

// isNotExist reports whether err says a path is absent (including a path
// through a file that is not a directory).
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
