package opa

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/plugins/backups"
	"github.com/auditfleet/auditfleet/plugins/baseline"
	"github.com/auditfleet/auditfleet/plugins/change"
	"github.com/auditfleet/auditfleet/plugins/continuity"
	"github.com/auditfleet/auditfleet/plugins/exposure"
	"github.com/auditfleet/auditfleet/plugins/logging"
	"github.com/auditfleet/auditfleet/plugins/packages"
	"github.com/auditfleet/auditfleet/plugins/patching"
	"github.com/auditfleet/auditfleet/plugins/retention"
	"github.com/auditfleet/auditfleet/plugins/services"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
	"github.com/auditfleet/auditfleet/schemas"
)

// catalogueHost is the realistic host of bench_test.go (an Ubuntu 22.04
// server, "web-01", with 30 accounts) with every facts namespace of the
// catalogue populated as a busy production host would have it: a handful
// of pending updates, a foreign package and three runtimes, a dozen
// sockets, two personal-data stores, two backup jobs and three restore
// tests, an application audit log, three deployments and a recently
// failed unit.
func catalogueHost(tb testing.TB) *facts.Document {
	tb.Helper()
	doc := realisticHost(tb)
	at := func(d time.Duration) time.Time { return benchNow.Add(-d).UTC() }
	ptr := func(t time.Time) *time.Time { return &t }
	yes, no := true, false
	day := 24 * time.Hour

	var pending []patching.Update
	for i, pkg := range []string{"openssl", "libxml2", "curl", "libc6", "tzdata"} {
		pending = append(pending, patching.Update{
			Package: pkg, InstalledVersion: "1.0-1ubuntu1", CandidateVersion: "1.0-1ubuntu2",
			Origin: "Ubuntu:22.04/jammy-security", Advisories: []string{fmt.Sprintf("USN-70%02d-1", i)},
			PendingSince: at(time.Duration(i*2+1) * day),
		})
	}
	var sockets []baseline.Socket
	for _, s := range []struct {
		proto, addr string
		port        int
		proc        string
	}{
		{"tcp", "0.0.0.0", 22, "sshd"}, {"tcp", "::", 22, "sshd"}, {"tcp", "0.0.0.0", 443, "nginx"}, {"tcp", "::", 443, "nginx"},
		{"tcp", "0.0.0.0", 80, "nginx"}, {"tcp", "127.0.0.1", 5432, "postgres"}, {"tcp", "::1", 5432, "postgres"},
		{"tcp", "127.0.0.1", 6379, "redis-server"}, {"tcp", "127.0.0.53", 53, "systemd-resolve"}, {"udp", "127.0.0.53", 53, "systemd-resolve"},
		{"udp", "127.0.0.1", 323, "chronyd"}, {"tcp", "10.0.0.5", 9100, "node_exporter"},
	} {
		loop := s.addr == "::1" || strings.HasPrefix(s.addr, "127.")
		sockets = append(sockets, baseline.Socket{Protocol: s.proto, Address: s.addr, Port: s.port, Loopback: loop, Process: s.proc, PID: 700 + s.port})
	}
	op := func(n int) logging.Operation { return logging.Operation{Entries: n} }
	ns := map[string]any{
		patching.Namespace: patching.Facts{
			Manager: "apt", IndexRefreshed: ptr(at(18 * time.Hour)),
			AutomaticUpdates: patching.AutomaticUpdates{Enabled: true, Mechanism: "unattended-upgrades", Source: "/etc/apt/apt.conf.d/20auto-upgrades", LastRun: ptr(at(17 * time.Hour))},
			Pending:          pending,
			UnreadSources:    []patching.Unread{},
		},
		packages.Namespace: packages.Facts{
			Manager: "dpkg", Installed: 734, UnreadSources: []packages.Unread{},
			Repositories: []string{"http://archive.ubuntu.com/ubuntu jammy/main", "http://archive.ubuntu.com/ubuntu jammy-updates/main", "http://security.ubuntu.com/ubuntu jammy-security/main", "https://esm.ubuntu.com/infra/ubuntu jammy-infra-security/main"},
			Foreign:      []packages.Package{{Name: "acme-agent", Version: "4.2.0", Architecture: "amd64"}},
			Runtimes: []packages.Runtime{
				{Name: "python", Version: "3.10.12", Cycle: "3.10", Path: "/usr/bin/python3.10", Package: "python3.10", EOL: "2026-10-31"},
				{Name: "nodejs", Version: "18.20.4", Cycle: "18", Path: "/usr/bin/node", Package: "nodejs", EOL: "2025-04-30"},
				{Name: "perl", Version: "5.34.0", Cycle: "5.34", Path: "/usr/bin/perl", Package: "perl-base", EOL: "2024-06-30"},
			},
			RuntimeLifecycle: "endoflife-date/endoflife.date@a70eca3",
		},
		baseline.Namespace: baseline.Facts{
			SSHD: &baseline.SSHD{
				ConfigFiles: []string{"/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/50-cloud-init.conf"}, PermitRootLogin: "no",
				Ports: []int{22}, MatchOverrides: []baseline.Override{{Criteria: "User deploy", Keyword: "forcecommand", Value: "/usr/local/bin/deploy", File: "/etc/ssh/sshd_config", Line: 120}},
			},
			Listening: sockets,
		},
		exposure.Namespace: exposure.Facts{
			Paths: []exposure.Path{
				{Path: "/srv/casework", Store: "casework", Exists: true, Mode: "0750", Owner: "casework", Group: "casework", Entries: 48211, Examples: []string{}, ServedBy: []exposure.WebRoot{}},
				{Path: "/srv/complaints", Store: "complaints", Exists: true, Mode: "0770", Owner: "www-data", Group: "complaints", Entries: 18250, Examples: []string{}, ServedBy: []exposure.WebRoot{}},
			},
			WebServers: []exposure.WebServer{{Name: "nginx", ConfigFiles: []string{"/etc/nginx/nginx.conf", "/etc/nginx/sites-enabled/portal"}, Roots: []exposure.WebRoot{
				{Server: "nginx", Directive: "root", Path: "/var/www/portal", Location: "/", File: "/etc/nginx/sites-enabled/portal", Line: 9},
			}}},
		},
		backups.Namespace: backups.Facts{
			Jobs: []backups.Job{
				{ID: "restic:sftp:backup@vault:/srv/restic/web-01", Tool: "restic", Source: "/etc/auditfleet/backups.yaml", Repository: "sftp:backup@vault:/srv/restic/web-01",
					LastSuccess: ptr(at(22 * time.Hour)), LastRun: ptr(at(22 * time.Hour)), LastResult: "success", Encrypted: &yes, OffHost: &yes, Immutable: &yes},
				{ID: "systemd:pg-dump.timer", Tool: "systemd", Source: "pg-dump.timer", Repository: "/var/backups/pg",
					LastSuccess: ptr(at(23 * time.Hour)), LastRun: ptr(at(23 * time.Hour)), LastResult: "success", Encrypted: &no, OffHost: &no, Immutable: &no},
			},
			RestoreTests: []backups.RestoreTest{
				{ID: "2026-03-10-casework.json", Job: "restic:sftp:backup@vault:/srv/restic/web-01", PerformedAt: at(175 * day), Result: "pass", Restored: "casework", ChecksumMatch: &yes, Source: "/var/lib/auditfleet/restore-tests/2026-03-10-casework.json"},
				{ID: "2026-06-12-casework.json", Job: "restic:sftp:backup@vault:/srv/restic/web-01", PerformedAt: at(81 * day), Result: "fail", Restored: "casework", ChecksumMatch: &no, Source: "/var/lib/auditfleet/restore-tests/2026-06-12-casework.json"},
				{ID: "2026-07-15-casework.json", Job: "restic:sftp:backup@vault:/srv/restic/web-01", PerformedAt: at(48 * day), Result: "pass", Restored: "casework", ChecksumMatch: &yes, Source: "/var/lib/auditfleet/restore-tests/2026-07-15-casework.json"},
			},
		},
		continuity.Namespace: continuity.Facts{Tags: map[string]string{"service": "casework"}, PlanRefs: []string{"BCP-IT-01"}, Source: "/etc/auditfleet/tags"},
		logging.Namespace: logging.Facts{
			Auditd:     logging.Auditd{Installed: true, Running: &yes, WriteLogs: true, LogFile: "/var/log/audit/audit.log", MaxLogFileMB: 50, NumLogs: 20, MaxLogFileAction: "rotate", Rules: 42, OldestEntry: ptr(at(150 * day))},
			Journald:   logging.Journald{Running: &yes, Storage: "persistent", Persistent: true, OldestEntry: ptr(at(200 * day))},
			Forwarding: []logging.Forwarder{{Daemon: "rsyslog", Target: "tcp://logs.example.gov.uk:6514", File: "/etc/rsyslog.d/90-forward.conf", Line: 3}},
			TimeSync:   logging.TimeSync{Daemon: "chronyd", Running: &yes, Synchronised: &yes},
			AppLogs: []logging.AppLog{{
				ID: "casework-audit", Path: "/var/log/casework/audit.jsonl", Format: "jsonl", Readable: true, Entries: 48211, From: ptr(at(92 * day)), To: ptr(at(time.Hour)),
				Operations: map[string]logging.Operation{"collection": op(5120), "alteration": op(9630), "consultation": op(31044), "disclosure": op(812), "combination": op(1203), "erasure": op(402)},
			}},
		},
		retention.Namespace: retention.Facts{Stores: []retention.Store{
			{ID: "casework", Path: "/srv/casework", Exists: true, Items: 48211, OldestItem: ptr(at(700 * day)), SoftDeleted: 37, OldestSoftDeleted: ptr(at(12 * day))},
			{ID: "complaints", Path: "/srv/complaints", Exists: true, Items: 18250, OldestItem: ptr(at(400 * day))},
		}},
		change.Namespace: change.Facts{
			Environment: "production",
			Deployments: []change.Deployment{
				{Application: "casework-api", DeployedAt: at(12 * day), Commit: "9f2c1e7", Branch: "main", ReviewedBy: []string{"r.khan"}, Record: "/var/lib/deploy/casework-api.json"},
				{Application: "portal", DeployedAt: at(3 * day), Commit: "1b7d0aa", Branch: "main", ReviewedBy: []string{"a.n.other", "r.khan"}, Record: "/var/lib/deploy/portal.json"},
				{Application: "reports", DeployedAt: at(40 * day), Commit: "c0ffee1", Branch: "master", ReviewedBy: []string{"j.doe"}, Record: "/var/lib/deploy/reports.json"},
			},
			CanaryPaths: []string{"/srv/casework", "/srv/complaints"},
			Canaries:    []change.Canary{},
		},
		services.Namespace: services.Facts{Systemd: true, FailedUnits: []services.FailedUnit{{Unit: "fwupd-refresh.service", Type: "service", Since: at(6 * time.Hour), Result: "exit-code"}}, FailedCron: []services.CronFailure{}},
	}
	for name, f := range ns {
		b, err := json.Marshal(f)
		if err != nil {
			tb.Fatal(err)
		}
		doc.Facts[name] = b
		doc.Collectors[name] = facts.Run{Collector: name, Version: "0.1.0", Namespace: name, SchemaVersion: 1, DurationMS: 8}
	}
	return doc
}

// catalogueOrg is organisation data of a realistic size for a public body:
// 400 leavers, 25 approved admins, 12 continuity plans, 40 data stores and
// tags for 2,000 hosts. web-01 is a production continuity system.
func catalogueOrg() map[string]any {
	var leavers, admins, plans, stores []any
	for i := range 400 {
		leavers = append(leavers, map[string]any{"user": fmt.Sprintf("leaver%03d", i), "email": fmt.Sprintf("leaver.%03d@example.gov.uk", i), "left_on": fmt.Sprintf("2026-%02d-15", 1+i%12)})
	}
	for i := range 25 {
		admins = append(admins, map[string]any{"user": fmt.Sprintf("admin%02d", i), "hosts": []any{fmt.Sprintf("app-%02d*", i), "db-*"}})
	}
	admins = append(admins, map[string]any{"user": "user00", "hosts": []any{"web-*"}}, map[string]any{"user": "user01"})
	for i := range 12 {
		plans = append(plans, map[string]any{
			"id": fmt.Sprintf("BCP-%02d", i), "name": fmt.Sprintf("Service %d recovery", i), "owner": "Head of Service",
			"covers":      map[string]any{"hosts": []any{fmt.Sprintf("svc%02d-*", i)}, "tags": map[string]any{"service": fmt.Sprintf("svc%02d", i)}},
			"last_review": "2026-03-01", "last_test": "2025-11-02", "record_recovery": true,
		})
	}
	plans = append(plans, map[string]any{"id": "BCP-IT-01", "name": "Casework recovery", "owner": "Head of IT", "covers": map[string]any{"tags": map[string]any{"role": "continuity-system"}}, "last_review": "2026-03-01", "last_test": "2025-11-02", "record_recovery": true})
	for i := range 40 {
		stores = append(stores, map[string]any{"id": fmt.Sprintf("store%02d", i), "hosts": []any{fmt.Sprintf("files-%02d", i)}, "path": fmt.Sprintf("/srv/store%02d", i), "personal_data": true, "retention_days": 365})
	}
	stores = append(stores,
		map[string]any{"id": "casework", "hosts": []any{"web-*"}, "path": "/srv/casework", "personal_data": true, "retention_days": 730, "soft_delete_marker": ".deleted", "purge_days": 30},
		map[string]any{"id": "complaints", "hosts": []any{"web-01"}, "path": "/srv/complaints", "personal_data": true, "retention_days": 1095},
	)
	tags := map[string]any{"web-01": map[string]any{"role": "continuity-system", "env": "production"}}
	for i := range 2000 {
		tags[fmt.Sprintf("host-%04d", i)] = map[string]any{"role": "app", "env": "production"}
	}
	org := map[string]any{
		"thresholds":      map[string]any{"dormant_days": 45, "patch_days": 14},
		"leavers":         leavers,
		"approved_admins": admins,
		"plans":           plans,
		"data_stores":     stores,
		"host_tags":       tags,
		"baseline":        map[string]any{"allowed_ports": []any{22, 80, 443, 9100}, "protected_branches": []any{"main", "master"}},
	}
	return org
}

// TestCatalogueHost pins what the catalogue benchmark exercises, so that a
// faster benchmark cannot come from a policy taking an early exit: every
// namespace present and its added facts schema-valid, and each control's
// expected status.
func TestCatalogueHost(t *testing.T) {
	doc := catalogueHost(t)
	for name, raw := range doc.Facts {
		if name == "os" || name == "accounts" {
			continue // realisticHost's, built with nil slices (null) a collector never sends
		}
		if err := schemas.Validate(name, raw); err != nil {
			t.Errorf("benchmark host facts: %v", err)
		}
	}
	e, err := New(context.Background(), policies.FS, Options{Org: catalogueOrg()})
	if err != nil {
		t.Fatal(err)
	}
	in, err := Input(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), in, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]result.Status{
		"ICO-ACC-01": result.Fail, "ICO-ACC-02": result.Pass, "ICO-ACC-03": result.Pass,
		"ICO-BCP-01": result.Pass, "ICO-BCP-02": result.Pass,
		"ICO-BKP-01": result.Pass, "ICO-BKP-02": result.Pass, "ICO-BKP-03": result.Fail,
		"ICO-CHG-01": result.Pass, "ICO-LOG-01": result.Pass, "ICO-LOG-02": result.Pass,
		"ICO-MON-01": result.Warn, "ICO-MON-02": result.NotAssessed, "ICO-RET-01": result.Pass,
		"ICO-SEC-01": result.Pass, "ICO-SEC-02": result.Pass, "ICO-SEC-03": result.Fail,
		"ICO-SEC-04": result.Pass, "ICO-SEC-05": result.Pass,
	}
	if len(got) != len(want) {
		t.Errorf("Evaluate(catalogue host) gave %d results, want %d", len(got), len(want))
	}
	for _, r := range got {
		if r.Status != want[r.ControlID] {
			t.Errorf("Evaluate(catalogue host)[%s] = %v, want %v: %+v", r.ControlID, r.Status, want[r.ControlID], r.Evidence)
		}
	}
}

// TestCaseFactsMatchSchemas validates the facts of every engine case in
// testdata/cases against their namespace's schema, for the namespaces
// defined ahead of their collectors; the os and accounts facts of the
// older cases are deliberately sparse.
func TestCaseFactsMatchSchemas(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Input struct {
				Facts map[string]json.RawMessage `json:"facts"`
			} `json:"input"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for name, raw := range c.Input.Facts {
			if name == "os" || name == "accounts" {
				continue
			}
			checked++
			if err := schemas.Validate(name, raw); err != nil {
				t.Errorf("%s: %v", filepath.Base(f), err)
			}
		}
	}
	if checked == 0 {
		t.Error("no case has facts of the newer namespaces")
	}
}

// BenchmarkEvaluateCatalogue evaluates the whole catalogue for one host
// with every namespace populated and realistic organisation data, per
// iteration; run with -cpu 1 for the single-core figure.
func BenchmarkEvaluateCatalogue(b *testing.B) {
	benchEvaluate(b, Options{Org: catalogueOrg()}, catalogueHost(b))
}

// BenchmarkEvaluateCatalogueControl evaluates each control's own query for
// the catalogue host, to show where the time goes. A control that reads
// others' results (ICO-BCP-02) pays for them here, but not in the
// combined query, where each result is evaluated once.
func BenchmarkEvaluateCatalogueControl(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, policies.FS, Options{Org: catalogueOrg()})
	if err != nil {
		b.Fatal(err)
	}
	in, err := Input(catalogueHost(b))
	if err != nil {
		b.Fatal(err)
	}
	opts := []rego.EvalOption{rego.EvalParsedInput(in), rego.EvalTime(benchNow)}
	for _, c := range e.controls {
		q, err := c.query()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.meta.ID, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := eval(ctx, q, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInputJSONCatalogue measures turning the raw facts document of
// the catalogue host into input.
func BenchmarkInputJSONCatalogue(b *testing.B) {
	raw, err := json.Marshal(catalogueHost(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := InputJSON(raw); err != nil {
			b.Fatal(err)
		}
	}
}
