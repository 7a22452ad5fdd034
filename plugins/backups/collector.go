package backups

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/unitlog"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

// Collector is the "backups" collector.
type Collector struct {
	now func() time.Time
}

// New returns the "backups" collector.
func New() *Collector { return &Collector{now: time.Now} }

var _ sdk.Collector = (*Collector)(nil)

// Info describes the collector; it does not read the host.
func (*Collector) Info() sdk.Info {
	return sdk.Info{Name: "backups", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// Collect finds the host's backup jobs (declared restic, borg and other
// jobs, rsnapshot, enabled systemd units and timers named for backups)
// and restore-test records. A host with none has empty lists: that is a
// fact ICO-BKP-01 fails, not an error. It fails only without a host root
// or when ctx has ended.
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect backups: no host root")
	}
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("collect backups: %w", err)
	}
	o, warns := ParseOptions(req.Options)
	f, w := collect(ctx, req.Root, o, req.Time(c.now))
	if err := ctx.Err(); err != nil {
		return sdk.Response{}, fmt.Errorf("collect backups: %w", err)
	}
	return sdk.Response{Facts: f, Warnings: append(warns, w...)}, nil
}

func collect(ctx context.Context, root *hostroot.Root, o Options, now time.Time) (Facts, []string) {
	f := Facts{Jobs: []Job{}}
	var warns []string
	mounts, _ := readMounts(root)
	for _, spec := range o.Jobs {
		var j Job
		var w []string
		switch spec.Tool {
		case "restic":
			j, w = resticJob(ctx, root, spec, o, mounts)
		case "borg":
			j, w = borgJob(ctx, root, spec, o, mounts)
		default:
			j, w = declaredJob(root, spec, mounts)
		}
		w = append(w, applyMarker(root, &j, spec)...)
		f.Jobs = append(f.Jobs, j)
		warns = append(warns, w...)
	}
	loc, w := hostLocation(root)
	if j, w2, ok := rsnapshotJob(root, o, mounts, loc); ok {
		f.Jobs = append(f.Jobs, j)
		warns = append(warns, w2...)
	} else {
		warns = append(warns, w2...)
	}
	warns = append(warns, w...)
	if !o.NoSystemd {
		jobs, nc, w := systemdJobs(root, func(services map[string]bool) (map[string]UnitOutcome, []string) {
			return logOutcomes(ctx, root, services, now.AddDate(0, 0, -o.JournalLookbackDays), int64(o.JournalMaxMB)<<20, loc)
		})
		f.Jobs = append(f.Jobs, jobs...)
		f.NotCounted = nc
		warns = append(warns, w...)
	}
	slices.SortStableFunc(f.Jobs, func(a, b Job) int { return cmp.Compare(a.ID, b.ID) })
	f.RestoreTests, w = readRecords(root, o.RecordDir)
	warns = append(warns, w...)
	return f, warns
}

// logOutcomes reads what the systemd journal (or, without one, the
// syslog text logs) says of the services' runs from since on; services
// maps each service to whether it is Type=oneshot.
func logOutcomes(ctx context.Context, root *hostroot.Root, services map[string]bool, since time.Time, maxBytes int64, loc *time.Location) (map[string]UnitOutcome, []string) {
	l, w, err := unitlog.Read(ctx, root, unitlog.Options{
		Since: since, MaxBytes: maxBytes, Location: loc,
		Units: func(u string) bool { _, ok := services[u]; return ok },
	})
	warns := make([]string, 0, len(w))
	for _, s := range w {
		warns = append(warns, "systemd jobs: "+s)
	}
	if err != nil {
		return nil, warns // ctx has ended: Collect fails
	}
	if len(l.Sources) == 0 {
		warns = append(warns, "systemd jobs: no journal and no syslog text log to read; the outcomes of their runs are unknown")
	}
	out := map[string]UnitOutcome{}
	for s, oneshot := range services {
		o := l.Outcome(s, oneshot)
		out[s] = UnitOutcome{LastSuccess: o.LastSuccess, LastFailure: o.LastFailure, Unread: l.Damaged}
	}
	return out, warns
}
