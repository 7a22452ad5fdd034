package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/fixture"
	"github.com/auditfleet/auditfleet/internal/testbin"
)

// collectorCase is one end-to-end scan of a collector's fixture root.
// Each case is taken from the collector's own policy_test.go (same root,
// options, file times, edits and evaluation time), which evaluates the
// policies in-process; here the real agent runs the real plugin.
type collectorCase struct {
	collector string // the collector under test: its plugin and options key
	name      string // the case's name in the collector's policy test
	// root is the fixture root relative to the repository root, copied
	// with every file at fileTime; "" starts from an empty directory.
	root     string
	fileTime time.Time
	mtimes   map[string]time.Time // times the collector's tests set, relative to the root
	gunzip   bool                 // unpack *.gz files in the copy (journal files)
	// edit changes the copy as the collector's test does, after the times
	// are set (the edit helpers below keep a file's time).
	edit    func(t *testing.T, root string)
	options string   // the collector's options (JSON), "" for none
	also    []string // other collectors whose facts the case needs
	// org is organisation data (file name to content), given with --org-dir.
	org  map[string]string
	at   time.Time         // evaluation time (scan --at)
	want map[string]string // control ID to status
}

// Evaluation and file times of the collectors' policy tests.
var (
	sep1Noon     = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	sep1Midnight = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	nov20Noon    = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

	// patching: a list refresh the morning before the evaluation, and
	// unattended-upgrades ran 20 minutes later.
	patchingFileTime = time.Date(2026, 8, 31, 6, 0, 0, 0, time.UTC)
	patchingTimes    = map[string]time.Time{"var/lib/apt/periodic/unattended-upgrades-stamp": patchingFileTime.Add(20 * time.Minute)}

	// backups: files at fileTime, evaluated a day later; the "full" host's
	// state files carry their own times.
	backupsFileTime = time.Date(2026, 8, 31, 2, 0, 0, 0, time.UTC)
	backupsFullTime = map[string]time.Time{
		"srv/borg/encrypted/integrity.5":               time.Date(2026, 8, 30, 1, 45, 0, 0, time.UTC),
		"srv/borg/encrypted/hints.5":                   time.Date(2026, 8, 30, 1, 45, 1, 0, time.UTC),
		"srv/borg/plain/integrity.5":                   time.Date(2026, 7, 1, 1, 45, 0, 0, time.UTC),
		"srv/borg/plain/hints.5":                       time.Date(2026, 7, 1, 1, 45, 0, 0, time.UTC),
		"var/lib/systemd/timers/stamp-db-backup.timer": time.Date(2026, 8, 31, 1, 30, 0, 0, time.UTC),
		"mnt/nas/rsnapshot/daily.0":                    time.Date(2026, 8, 29, 2, 5, 12, 0, time.UTC),
		"var/backups/dumps/.done":                      time.Date(2026, 8, 31, 0, 20, 0, 0, time.UTC),
	}
)

// Options and organisation data shared by several cases.
const (
	loggingGood = `{"app_logs":[{"id":"case-db","path":"/var/log/casedb/audit.jsonl","format":"jsonl",
		"fields":{"operation":"op","time":"ts","user":"actor","justification":"reason","recipient":"to"},"max_lines":1000}]}`
	packagesEOL = `{"runtime_lifecycle":"endoflife-date/endoflife.date@a70eca3","runtime_eol":{"python":{"3.11":"2027-10-31"},"nodejs":{"18":"2025-04-30"}}}`
	// plansCurrent is the continuity tests' "current" plan: reviewed and
	// tested within 12 months of 2026-09-01, covering db-* hosts.
	plansCurrent = `plans:
  - id: BCP-IT-01
    name: Plan BCP-IT-01
    owner: Head of IT
    covers: {hosts: ["db-*"]}
    last_review: 2026-03-01
    last_test: 2025-11-02
    record_recovery: true
`
	// retentionStore declares the retention tests' store on host files-1.
	retentionStore = `data_stores:
  - id: complaints
    hosts: [files-1]
    path: /srv/c
    retention_days: 730
%s`
)

// collectorFeeds are the controls each collector feeds (os and accounts
// are covered by TestScanFixtureHosts).
var collectorFeeds = map[string][]string{
	"patching":   {"ICO-SEC-02"},
	"logging":    {"ICO-LOG-01", "ICO-LOG-02"},
	"retention":  {"ICO-RET-01"},
	"exposure":   {"ICO-SEC-05"},
	"continuity": {"ICO-BCP-01", "ICO-BCP-02"},
	"change":     {"ICO-CHG-01"},
	"packages":   {"ICO-SEC-03"},
	"baseline":   {"ICO-SEC-04"},
	"backups":    {"ICO-BKP-01", "ICO-BKP-02", "ICO-BKP-03"},
	"services":   {"ICO-MON-01"},
}

func collectorCases() []collectorCase {
	dpkgAllInstalled := func(t *testing.T, root string) {
		replaceInFile(t, root, "var/lib/dpkg/status", "2.36-9+deb12u14", "2.36-9+deb12u15")
		replaceInFile(t, root, "var/lib/dpkg/status", "Version: 252.39-1~deb12u2", "Version: 252.39-1")
	}
	// retentionRoot makes the retention tests' tree: files aged in days
	// before 2026-09-01T12:00Z, and the host name files-1 (the store's
	// host) for the os collector to report.
	retentionRoot := func(ages map[string]int) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			writeFiles(t, root, map[string]string{"etc/hostname": "files-1\n"})
			times := map[string]time.Time{}
			for p, days := range ages {
				writeFiles(t, root, map[string]string{p: "x"})
				times[p] = sep1Noon.AddDate(0, 0, -days)
			}
			fixture.Touch(t, root, times)
		}
	}
	const continuityFull = "plugins/continuity/testdata/hosts/full"

	return []collectorCase{
		// patching: ICO-SEC-02.
		{collector: "patching", name: "security updates pending since the July security release",
			root: "plugins/patching/testdata/roots/bookworm-security", fileTime: patchingFileTime, mtimes: patchingTimes,
			at: sep1Noon, want: map[string]string{"ICO-SEC-02": "fail"}},
		{collector: "patching", name: "everything installed",
			root: "plugins/patching/testdata/roots/bookworm-security", fileTime: patchingFileTime, mtimes: patchingTimes, edit: dpkgAllInstalled,
			at: sep1Noon, want: map[string]string{"ICO-SEC-02": "pass"}},
		{collector: "patching", name: "no security suite: cannot pass",
			root: "plugins/patching/testdata/roots/bookworm", fileTime: patchingFileTime,
			at: sep1Noon, want: map[string]string{"ICO-SEC-02": "warn"}},

		// logging: ICO-LOG-01, ICO-LOG-02.
		{collector: "logging", name: "good host", root: "plugins/logging/testdata/roots/good", fileTime: sep1Midnight,
			options: loggingGood, at: sep1Midnight, want: map[string]string{"ICO-LOG-01": "pass", "ICO-LOG-02": "pass"}},
		{collector: "logging", name: "poor host", root: "plugins/logging/testdata/roots/poor", fileTime: sep1Midnight,
			options: `{"app_logs":[{"id":"app","path":"/var/log/app/audit.jsonl"}]}`,
			at:      sep1Midnight, want: map[string]string{"ICO-LOG-01": "fail", "ICO-LOG-02": "fail"}},

		// retention: ICO-RET-01, against the data-store register.
		{collector: "retention", name: "within retention and purged",
			edit:    retentionRoot(map[string]int{"srv/c/a.pdf": 700, "srv/c/b.pdf": 10, "srv/c/b.pdf.deleted": 5}),
			options: `{"stores":[{"id":"complaints","path":"/srv/c","retention_days":730,"soft_delete_marker":".deleted"}]}`,
			also:    []string{"os"}, org: map[string]string{"data_stores.yaml": fmt.Sprintf(retentionStore, "    soft_delete_marker: .deleted\n")},
			at: sep1Noon, want: map[string]string{"ICO-RET-01": "pass"}},
		{collector: "retention", name: "kept past retention plus grace",
			edit:    retentionRoot(map[string]int{"srv/c/a.pdf": 770, "srv/c/b.pdf": 10}),
			options: `{"stores":[{"id":"complaints","path":"/srv/c","retention_days":730}]}`,
			also:    []string{"os"}, org: map[string]string{"data_stores.yaml": fmt.Sprintf(retentionStore, "")},
			at: sep1Noon, want: map[string]string{"ICO-RET-01": "fail"}},

		// exposure: ICO-SEC-05, on the declared personal-data paths.
		{collector: "exposure", name: "nginx-exposed", root: "plugins/exposure/testdata/roots/nginx-exposed", fileTime: nov20Noon,
			edit: exposureModes([]string{"srv/complaints"}, map[string]fs.FileMode{
				"srv/complaints":                 0o751,
				"srv/complaints/2026":            0o755,
				"srv/complaints/2026/form-1.pdf": 0o644,
				"srv/complaints/2026/form-2.pdf": 0o666,
			}, map[string]string{"srv/complaints/2026/etc": "/etc"}),
			options: `{"paths": [{"path": "/srv/complaints", "store": "complaints"}, "relative/path", 7, "/srv/missing", "/srv/complaints/"], "max_files": 0}`,
			at:      nov20Noon, want: map[string]string{"ICO-SEC-05": "fail"}},
		{collector: "exposure", name: "apache-private", root: "plugins/exposure/testdata/roots/apache-private", fileTime: nov20Noon,
			edit:    exposureModes([]string{"srv/complaints"}, nil, nil),
			options: `{"paths": [{"path": "/srv/complaints", "store": "complaints"}]}`,
			at:      nov20Noon, want: map[string]string{"ICO-SEC-05": "pass"}},

		// continuity: ICO-BCP-01 against the plan register; ICO-BCP-02
		// combines ICO-SEC-01, ICO-BKP-01 and ICO-BKP-02, so its cases run
		// the os and backups collectors on real fixture files too.
		{collector: "continuity", name: "declared plan current", root: continuityFull, fileTime: sep1Noon,
			org: map[string]string{"plans.yaml": plansCurrent}, at: sep1Noon, want: map[string]string{"ICO-BCP-01": "pass"}},
		{collector: "continuity", name: "no plan covers the host", root: "plugins/continuity/testdata/hosts/empty", fileTime: sep1Noon,
			options: `{"tags":{"role":"web"}}`, org: map[string]string{"plans.yaml": plansCurrent},
			at: sep1Noon, want: map[string]string{"ICO-BCP-01": "fail"}},
		{collector: "continuity", name: "declared by option, not backed up", root: "plugins/continuity/testdata/hosts/empty", fileTime: sep1Noon,
			options: `{"continuity_system":true}`, also: []string{"backups"}, org: map[string]string{"plans.yaml": plansCurrent},
			at: sep1Noon, want: map[string]string{"ICO-BCP-02": "fail"}},
		// The policy test's "supported and backed up" with real os and
		// backups facts: the all-pass host (Debian 13, rsnapshot backups
		// and a restore test current at 2026-11-20) declaring itself a
		// continuity system with the full host's declaration.
		{collector: "continuity", name: "continuity system supported and backed up", root: "testdata/hosts/all-pass", fileTime: nov20Noon,
			edit: func(t *testing.T, root string) {
				b, err := os.ReadFile(filepath.Join("..", "..", continuityFull, "etc/auditfleet/tags"))
				if err != nil {
					t.Fatal(err)
				}
				writeFiles(t, root, map[string]string{"etc/auditfleet/tags": string(b)})
			},
			also: []string{"os", "backups"}, at: nov20Noon,
			want: map[string]string{"ICO-SEC-01": "pass", "ICO-BKP-01": "pass", "ICO-BKP-02": "pass", "ICO-BCP-02": "pass"}},

		// change: ICO-CHG-01, with the baseline's protected branches.
		{collector: "change", name: "reviewed deploy, no canary", root: "plugins/change/testdata/hosts/clean", fileTime: sep1Noon,
			options: `{"canary_paths":["/srv/casework"],"canaries":["TESTDATA-CANARY-0042"]}`,
			org:     map[string]string{"baseline.yaml": "baseline:\n  protected_branches: [main, release]\n"},
			at:      sep1Noon, want: map[string]string{"ICO-CHG-01": "pass"}},
		{collector: "change", name: "canary and unreviewed deploy", root: "plugins/change/testdata/hosts/prod", fileTime: sep1Noon,
			options: `{"canary_paths":["/srv/casework","/srv/archive","/srv/missing"],"canaries":["TESTDATA-CANARY-0042","REC-999999"]}`,
			org:     map[string]string{"baseline.yaml": "baseline:\n  protected_branches: [main, release]\n"},
			at:      sep1Noon, want: map[string]string{"ICO-CHG-01": "fail"}},

		// packages: ICO-SEC-03.
		{collector: "packages", name: "everything from the lists, python supported", root: "plugins/packages/testdata/roots/bookworm", fileTime: sep1Noon,
			edit:    func(t *testing.T, root string) { removeStanzaFrom(t, root, "var/lib/dpkg/status", "nodejs") },
			options: packagesEOL, at: sep1Noon, want: map[string]string{"ICO-SEC-03": "pass"}},
		{collector: "packages", name: "node 18 past end of life", root: "plugins/packages/testdata/roots/bookworm", fileTime: sep1Noon,
			options: packagesEOL, at: sep1Noon, want: map[string]string{"ICO-SEC-03": "fail"}},

		// baseline: ICO-SEC-04, with the allowed ports.
		{collector: "baseline", name: "hardened host", root: "plugins/baseline/testdata/roots/hardened", fileTime: sep1Midnight,
			org: map[string]string{"baseline.yaml": "baseline:\n  allowed_ports: [22]\n"},
			at:  sep1Midnight, want: map[string]string{"ICO-SEC-04": "pass"}},
		{collector: "baseline", name: "weak host", root: "plugins/baseline/testdata/roots/weak", fileTime: sep1Midnight,
			org: map[string]string{"baseline.yaml": "baseline:\n  allowed_ports: [22]\n"},
			at:  sep1Midnight, want: map[string]string{"ICO-SEC-04": "fail"}},

		// backups: ICO-BKP-01, ICO-BKP-02, ICO-BKP-03.
		{collector: "backups", name: "no backup at all", root: "plugins/backups/testdata/hosts/none", fileTime: backupsFileTime,
			options: `{}`, at: backupsFileTime.Add(24 * time.Hour),
			want: map[string]string{"ICO-BKP-01": "fail", "ICO-BKP-02": "fail", "ICO-BKP-03": "not_assessed"}},
		{collector: "backups", name: "current, protected, restore tested", root: "plugins/backups/testdata/hosts/full", fileTime: backupsFileTime, mtimes: backupsFullTime,
			options: `{"no_systemd":true,"rsnapshot_config":"/none","jobs":[{"tool":"borg","name":"casework","repository":"/srv/borg/encrypted"}]}`,
			at:      backupsFileTime.Add(24 * time.Hour),
			want:    map[string]string{"ICO-BKP-01": "pass", "ICO-BKP-02": "pass", "ICO-BKP-03": "pass"}},
		{collector: "backups", name: "stale and unencrypted", root: "plugins/backups/testdata/hosts/full", fileTime: backupsFileTime, mtimes: backupsFullTime,
			options: `{"no_systemd":true,"rsnapshot_config":"/none","jobs":[{"tool":"borg","repository":"/srv/borg/plain"}]}`,
			at:      backupsFileTime.Add(24 * time.Hour),
			want:    map[string]string{"ICO-BKP-01": "fail", "ICO-BKP-03": "fail"}},

		// services: ICO-MON-01.
		{collector: "services", name: "backup failing for days", root: "plugins/services/testdata/hosts/failing", fileTime: sep1Noon, gunzip: true,
			at: sep1Noon, want: map[string]string{"ICO-MON-01": "fail"}},
		{collector: "services", name: "unit failed two hours ago", root: "plugins/services/testdata/hosts/recent", fileTime: sep1Noon, gunzip: true,
			at: sep1Noon, want: map[string]string{"ICO-MON-01": "warn"}},
		{collector: "services", name: "unit failed then succeeded", root: "plugins/services/testdata/hosts/recovered", fileTime: sep1Noon, gunzip: true,
			at: sep1Noon, want: map[string]string{"ICO-MON-01": "pass"}},
	}
}

// TestScanCollectorFixtures runs `scan` with the real agent and plugins on
// each collector's fixture roots, with its options in the agent
// configuration and organisation data from --org-dir, and checks the
// status of every control the collector feeds: at least one passing and
// one failing case per control.
func TestScanCollectorFixtures(t *testing.T) {
	names, err := testbin.Collectors(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range names {
		if _, ok := collectorFeeds[c]; !ok && c != "os" && c != "accounts" {
			t.Errorf("collector %s has no cases here (os and accounts are covered by TestScanFixtureHosts)", c)
		}
	}
	cases := collectorCases()
	covered := map[string]map[string]bool{} // control to the statuses checked
	for _, tc := range cases {
		t.Run(tc.collector+"/"+tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.root != "" {
				root = fixture.Copy(t, filepath.Join("..", "..", filepath.FromSlash(tc.root)), tc.fileTime)
			}
			if tc.gunzip {
				fixture.Gunzip(t, root)
			}
			fixture.Touch(t, root, tc.mtimes)
			if tc.edit != nil {
				tc.edit(t, root)
			}
			dir := t.TempDir()
			cfg := map[string]any{}
			if tc.options != "" {
				cfg["collectors"] = map[string]json.RawMessage{tc.collector: json.RawMessage(tc.options)}
			}
			b, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfgPath := filepath.Join(dir, "agent.yaml")
			if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
				t.Fatal(err)
			}
			args := []string{"scan", "--host-root", root, "--config", cfgPath, "--plugin-dir", filepath.Join(binDir, "plugins"),
				"--format", "json", "--at", tc.at.Format(time.RFC3339)}
			// Only the collectors the case needs: the others would fail on
			// a partial root, and ICO-MON-01 reports every collector failure.
			for _, c := range append([]string{tc.collector}, tc.also...) {
				args = append(args, "--collector", c)
			}
			if len(tc.org) > 0 {
				orgDir := filepath.Join(dir, "org")
				writeFiles(t, orgDir, tc.org)
				args = append(args, "--org-dir", orgDir)
			}
			stdout, stderr, code := agentCmd(t, args...)
			var doc scanDoc
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("scan output is not JSON (exit %d): %v\n%s\nstderr:\n%s", code, err, stdout, stderr)
			}
			if len(doc.CollectorErrors) != 0 {
				t.Errorf("collector errors: %+v\nstderr:\n%s", doc.CollectorErrors, stderr)
			}
			failed := false
			seen := map[string]bool{}
			for _, r := range doc.Results {
				failed = failed || r.Status == "fail"
				want, ok := tc.want[r.ControlID]
				if !ok {
					continue
				}
				seen[r.ControlID] = true
				if r.Status != want {
					t.Errorf("%s = %s, want %s; evidence: %+v\nstderr:\n%s", r.ControlID, r.Status, want, r.Evidence, stderr)
				}
			}
			for id := range tc.want {
				if !seen[id] {
					t.Errorf("no result for %s", id)
				}
			}
			wantExit := ExitOK
			if failed {
				wantExit = ExitFailed
			}
			if code != wantExit {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, wantExit, stderr)
			}
		})
		for id, st := range tc.want {
			if slices.Contains(collectorFeeds[tc.collector], id) {
				covered[id] = mergeStatus(covered[id], st)
			}
		}
	}
	for c, ids := range collectorFeeds {
		for _, id := range ids {
			if !covered[id]["pass"] || !covered[id]["fail"] {
				t.Errorf("%s, fed by %s: the cases check statuses %v; want a passing and a failing case", id, c, covered[id])
			}
		}
	}
}

func mergeStatus(m map[string]bool, status string) map[string]bool {
	if m == nil {
		m = map[string]bool{}
	}
	m[status] = true
	return m
}

// writeFiles writes files (relative path to content) under dir, making
// the directories they need.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// rewrite replaces the content of the file rel under root by what change
// returns, keeping its modification time.
func rewrite(t *testing.T, root, rel string, change func([]byte) []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, change(b), info.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// replaceInFile rewrites old with new in the file rel under root.
func replaceInFile(t *testing.T, root, rel, old, new string) {
	t.Helper()
	rewrite(t, root, rel, func(b []byte) []byte {
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s does not contain %q", rel, old)
		}
		return bytes.ReplaceAll(b, []byte(old), []byte(new))
	})
}

// removeStanzaFrom removes package name's stanza from the Debian control
// file rel under root.
func removeStanzaFrom(t *testing.T, root, rel, name string) {
	t.Helper()
	rewrite(t, root, rel, func(b []byte) []byte {
		var kept []string
		found := false
		for _, s := range strings.Split(string(b), "\n\n") {
			if strings.HasPrefix(strings.TrimLeft(s, "\n"), "Package: "+name+"\n") {
				found = true
				continue
			}
			kept = append(kept, s)
		}
		if !found {
			t.Fatalf("%s has no stanza for %s", rel, name)
		}
		return []byte(strings.Join(kept, "\n\n"))
	})
}

// exposureModes sets up a copy as the exposure tests do: passwd and group
// files naming the test's own user and group "complaints" (stable
// owners), every directory 0755 and file 0644, the private trees 0750 and
// 0640, then modes, then symbolic links.
func exposureModes(private []string, modes map[string]fs.FileMode, links map[string]string) func(t *testing.T, root string) {
	return func(t *testing.T, root string) {
		writeFiles(t, root, map[string]string{
			"etc/passwd": fmt.Sprintf("# owners\ncomplaints:x:%d:%d::/srv/complaints:/usr/sbin/nologin\n", os.Getuid(), os.Getgid()),
			"etc/group":  fmt.Sprintf("complaints:x:%d:\n", os.Getgid()),
		})
		chmodTree := func(top string, dirMode, fileMode fs.FileMode) {
			err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
				switch {
				case err != nil:
					return err
				case d.Type()&fs.ModeSymlink != 0:
					return nil
				case d.IsDir():
					return os.Chmod(p, dirMode)
				}
				return os.Chmod(p, fileMode)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		chmodTree(root, 0o755, 0o644)
		for _, tree := range private {
			chmodTree(filepath.Join(root, tree), 0o750, 0o640)
		}
		for p, m := range modes {
			if err := os.Chmod(filepath.Join(root, p), m); err != nil {
				t.Fatal(err)
			}
		}
		for link, target := range links {
			if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
				t.Fatal(err)
			}
		}
	}
}
