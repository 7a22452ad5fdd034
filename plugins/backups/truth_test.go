package backups

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/policytest"
	"github.com/auditfleet/auditfleet/result"
)

// resticRepo makes a local restic repository at /srv/restic of the host
// dir, with one snapshot written a day before policyNow (read without
// the password: the snapshot file's time).
func resticRepo(t *testing.T, dir string) {
	t.Helper()
	snap := time.Date(2026, 8, 31, 1, 0, 0, 0, time.UTC)
	files := map[string]string{"srv/restic/config": "encrypted config\n", resticSnapshot: resticSnapshotContent, "srv/restic/keys/k": "key\n"}
	fixture.Write(t, dir, files)
	times := map[string]time.Time{}
	for name := range files {
		times[name] = snap
	}
	fixture.Touch(t, dir, times)
}

// resticSnapshotContent stands in for an encrypted snapshot; restic
// names the file by its SHA-256, resticSnapshot.
const resticSnapshotContent = "encrypted snapshot: IV, ciphertext and MAC\n"

var resticSnapshot = func() string {
	sum := sha256.Sum256([]byte(resticSnapshotContent))
	return "srv/restic/snapshots/" + hex.EncodeToString(sum[:])
}()

// TestTruthCorruptSources corrupts or hides each source the backup facts
// come from, on a host where the controls it decides pass, and checks
// that none of them then passes: an unread source is unknown, never a
// backup that is current, protected or restore-tested.
func TestTruthCorruptSources(t *testing.T) {
	const (
		borg   = `{"no_systemd":true,"rsnapshot_config":"/none","jobs":[{"tool":"borg","name":"casework","repository":"/srv/borg/encrypted"}]}`
		restic = `{"no_systemd":true,"rsnapshot_config":"/none","jobs":[{"tool":"restic","name":"data","repository":"/srv/restic"}]}`
		rsnap  = `{"no_systemd":true}`
		timer  = `{"rsnapshot_config":"/none"}`
	)
	journal := "var/log/journal/b5a1e0c4d3f24a6b9c8d7e6f5a4b3c2d/system.journal"
	all := fixture.Corruptions
	gone := []fixture.Corruption{fixture.Removed, fixture.DanglingSymlink, fixture.Directory}
	dirKinds := fixture.DirCorruptions
	sources := []struct {
		name, options string
		edit          func(t *testing.T, dir string)
		rel           string
		kinds         []fixture.Corruption
		controls      []string // the controls the source decides
	}{
		// Cut short (inside its key), the config is damaged.
		{"borg config", borg, nil, "srv/borg/encrypted/config", all, []string{"ICO-BKP-01", "ICO-BKP-03"}},
		{"borg hints", borg, nil, "srv/borg/encrypted/hints.5", gone, []string{"ICO-BKP-01"}},
		{"borg integrity", borg, nil, "srv/borg/encrypted/integrity.5", gone, []string{"ICO-BKP-01"}},
		{"borg data", borg, nil, "srv/borg/encrypted/data", []fixture.Corruption{fixture.Removed, fixture.Emptied, fixture.File}, []string{"ICO-BKP-01"}},
		{"borg repository", borg, nil, "srv/borg/encrypted", dirKinds, []string{"ICO-BKP-01", "ICO-BKP-03"}},
		// Snapshot files are encrypted: without the password their
		// presence and times are read, and the newest one's content is
		// checked against its name (its SHA-256).
		{"restic snapshot file", restic, resticRepo, resticSnapshot, []fixture.Corruption{fixture.Emptied, fixture.Truncated, fixture.Garbage, fixture.Directory}, []string{"ICO-BKP-01"}},
		{"restic config", restic, resticRepo, "srv/restic/config", []fixture.Corruption{fixture.Removed, fixture.DanglingSymlink, fixture.Directory, fixture.Emptied}, []string{"ICO-BKP-01"}},
		{"restic snapshots", restic, resticRepo, "srv/restic/snapshots", dirKinds, []string{"ICO-BKP-01"}},
		{"restic repository", restic, resticRepo, "srv/restic", dirKinds, []string{"ICO-BKP-01"}},
		{"rsnapshot config", rsnap, nil, "etc/rsnapshot.conf", all, []string{"ICO-BKP-01"}},
		// The newest snapshot is the evidence of a backup; a log that
		// is there but not read in full may hold a later failure (a
		// removed or emptied log is a rotated one).
		{"rsnapshot log", rsnap, nil, "var/log/rsnapshot.log", []fixture.Corruption{fixture.Directory, fixture.DanglingSymlink, fixture.Truncated, fixture.Garbage}, []string{"ICO-BKP-01"}},
		// Without the snapshot tree, the log's successes are not borne
		// out: the log alone is no backup.
		{"rsnapshot snapshot tree", rsnap, nil, "mnt/nas/rsnapshot/daily.0", []fixture.Corruption{fixture.Removed, fixture.DanglingSymlink, fixture.File}, []string{"ICO-BKP-01"}},
		{"rsnapshot snapshot root", rsnap, nil, "mnt/nas/rsnapshot", []fixture.Corruption{fixture.Removed, fixture.Emptied, fixture.File}, []string{"ICO-BKP-01"}},
		{"restore-test record", borg, nil, "var/lib/auditfleet/restore-tests/2026-07-15-casework.json", all, []string{"ICO-BKP-02"}},
		{"restore-test directory", borg, nil, "var/lib/auditfleet/restore-tests", dirKinds, []string{"ICO-BKP-02"}},
		// The outcome of a timer's service comes from the journal; the
		// timer's stamp file only says when it last fired.
		{"journal file", timer, onlyTimer("db-backup.timer"), journal, all, []string{"ICO-BKP-01"}},
		{"journal directory", timer, onlyTimer("db-backup.timer"), "var/log/journal", dirKinds, []string{"ICO-BKP-01"}},
	}
	e := policytest.Engine(t, nil)
	eval := func(t *testing.T, dir, options string) map[string]result.Result {
		f, _ := mustFacts(t, dir, options)
		return policytest.Evaluate(t, e, policytest.Doc{
			Host:  map[string]any{"id": "h", "name": "db-01"},
			Facts: map[string]any{Namespace: f},
		}, policyNow)
	}
	for _, s := range sources {
		t.Run(s.name, func(t *testing.T) {
			setup := func(t *testing.T) string {
				dir := host(t, "full")
				if s.edit != nil {
					s.edit(t, dir)
				}
				return dir
			}
			base := eval(t, setup(t), s.options)
			for _, id := range s.controls {
				if base[id].Status != result.Pass {
					t.Fatalf("baseline %s = %s (%+v), want pass", id, base[id].Status, base[id].Evidence)
				}
			}
			for _, kind := range s.kinds {
				t.Run(string(kind), func(t *testing.T) {
					dir := setup(t)
					fixture.Corrupt(t, dir, s.rel, kind)
					r := eval(t, dir, s.options)
					for _, id := range s.controls {
						got, ok := r[id]
						switch {
						case !ok:
							t.Errorf("no %s result", id)
						case got.Status == result.Pass:
							t.Errorf("%s passes with %s %s: %+v", id, s.name, kind, got.Evidence)
						case got.Status == result.NotAssessed && len(got.Evidence) == 0:
							t.Errorf("%s not assessed without a reason", id)
						}
					}
				})
			}
		})
	}
}
