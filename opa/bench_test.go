package opa

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/auditfleet/auditfleet/facts"
	"github.com/auditfleet/auditfleet/plugins/accounts"
	osinfo "github.com/auditfleet/auditfleet/plugins/os"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

// benchNow is the evaluation time of the benchmark host.
var benchNow = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

// realisticHost is an Ubuntu 22.04 server with 30 accounts: 20 system
// accounts and 10 people, two of them admins, one dormant, one with an
// unknown last login.
func realisticHost(tb testing.TB) *facts.Document {
	tb.Helper()
	ptr := func(t time.Time) *time.Time { return &t }
	var users []accounts.User
	users = append(users, accounts.User{
		Name: "root", UID: 0, GID: 0, Home: "/root", Shell: "/bin/bash", Interactive: true,
		Password: accounts.Password{State: "locked", Scheme: "yescrypt", LastChanged: "2024-03-01"},
		Groups:   []string{"root"}, Admin: true, AdminVia: []string{"uid0"},
		LastLogin: accounts.LastLogin{State: "known", Time: ptr(benchNow.Add(-72 * time.Hour)), Source: "wtmp", TTY: "tty1"},
	})
	for i := range 19 {
		name := fmt.Sprintf("svc%02d", i)
		users = append(users, accounts.User{
			Name: name, UID: 100 + i, GID: 100 + i, Home: "/nonexistent", Shell: "/usr/sbin/nologin",
			Password:  accounts.Password{State: "disabled"},
			Groups:    []string{name},
			LastLogin: accounts.LastLogin{State: "never", Source: "lastlog"},
		})
	}
	for i := range 10 {
		name := fmt.Sprintf("user%02d", i)
		u := accounts.User{
			Name: name, UID: 1000 + i, GID: 1000 + i, Home: "/home/" + name, Shell: "/bin/bash", Interactive: true,
			Password: accounts.Password{State: "set", Scheme: "yescrypt", LastChanged: "2026-01-15"},
			Groups:   []string{name, "users"},
			AuthorizedKeys: []accounts.Key{{
				File: "/home/" + name + "/.ssh/authorized_keys", Line: 1, Type: "ssh-ed25519",
				Fingerprint: "SHA256:" + name, Comment: name + "@laptop", FileModTime: benchNow.Add(-400 * time.Hour),
			}},
			LastLogin: accounts.LastLogin{State: "known", Time: ptr(benchNow.Add(-time.Duration(i*30) * time.Hour)), Source: "wtmp", TTY: "pts/0", Host: "10.0.0.5"},
		}
		switch i {
		case 0, 1:
			u.Admin, u.AdminVia, u.Groups = true, []string{"group:sudo"}, append(u.Groups, "sudo")
			u.SudoNopasswd = i == 1
		case 8:
			u.LastLogin.Time = ptr(benchNow.AddDate(0, -4, 0))
		case 9:
			u.LastLogin = accounts.LastLogin{State: "unknown"}
		}
		users = append(users, u)
	}
	acc := accounts.Facts{
		Users:          users,
		Groups:         []accounts.Group{{Name: "sudo", GID: 27, Members: []string{"user00", "user01"}}},
		AdminGroups:    []string{"sudo"},
		SudoRules:      []accounts.SudoRule{{File: "/etc/sudoers", Line: 50, Principal: "%sudo", Users: []string{"user00", "user01"}, Commands: []string{"ALL"}, AllCommands: true}},
		LoginSources:   []accounts.LoginSource{{Name: "wtmp", Path: "/var/log/wtmp", Present: true, Records: 812}, {Name: "lastlog", Path: "/var/log/lastlog", Present: true, Records: 30}},
		ShadowReadable: true,
	}
	osf := osinfo.Facts{
		Family: "linux", ID: "ubuntu", IDLike: []string{"debian"}, Name: "Ubuntu", PrettyName: "Ubuntu 22.04.4 LTS",
		VersionID: "22.04", Version: "22.04.4 LTS (Jammy Jellyfish)", VersionCodename: "jammy", ReleaseSource: "/etc/os-release",
		Kernel:       osinfo.Kernel{Name: "Linux", Release: "5.15.0-101-generic", Version: "#111-Ubuntu SMP"},
		Architecture: "x86_64", Hostname: "web-01", MachineID: "0123456789abcdef0123456789abcdef",
		Entitlements: []string{"ubuntu-pro"},
	}
	raw := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	return &facts.Document{
		SchemaVersion: facts.SchemaVersion,
		ReportID:      "00112233445566778899aabbccddeeff",
		CollectedAt:   benchNow,
		Agent:         facts.Agent{Version: "0.1.0", HostRoot: "/"},
		Facts:         map[string]json.RawMessage{osinfo.Namespace: raw(osf), accounts.Namespace: raw(acc)},
		Collectors: map[string]facts.Run{
			"os":       {Collector: "os", Version: "0.1.0", Namespace: "os", SchemaVersion: 1, DurationMS: 3},
			"accounts": {Collector: "accounts", Version: "0.1.0", Namespace: "accounts", SchemaVersion: 1, DurationMS: 12},
		},
	}
}

// TestRealisticHost pins what the benchmark host exercises: a passing OS,
// one dormant account and unlisted admins.
func TestRealisticHost(t *testing.T) {
	e, err := New(context.Background(), policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := Input(realisticHost(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), in, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	// The controls whose facts or organisation data this host lacks are
	// not assessed.
	want := map[string]result.Status{"ICO-SEC-01": result.Pass, "ICO-ACC-01": result.Fail, "ICO-ACC-03": result.Warn}
	for _, r := range got {
		if _, ok := want[r.ControlID]; !ok {
			want[r.ControlID] = result.NotAssessed
		}
		if r.Status != want[r.ControlID] {
			t.Errorf("Evaluate(realistic host)[%s] = %v, want %v: %+v", r.ControlID, r.Status, want[r.ControlID], r.Evidence)
		}
	}
}

// BenchmarkEvaluate evaluates the whole catalogue for one realistic host
// per iteration; run with -cpu 1 for the single-core figure.
func BenchmarkEvaluate(b *testing.B) {
	benchEvaluate(b, Options{}, realisticHost(b))
}

// benchEvaluate evaluates the whole catalogue, with opts, for the host
// document doc per iteration and reports hosts per second.
func benchEvaluate(b *testing.B, opts Options, doc *facts.Document) {
	ctx := context.Background()
	e, err := New(ctx, policies.FS, opts)
	if err != nil {
		b.Fatal(err)
	}
	in, err := Input(doc)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(ctx, in, benchNow); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hosts/s")
}

// BenchmarkInputJSON measures turning a raw facts document into input.
func BenchmarkInputJSON(b *testing.B) {
	raw, err := json.Marshal(realisticHost(b))
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

// BenchmarkEvaluateControl evaluates each control's own query for the same
// host, to show where the time goes.
func BenchmarkEvaluateControl(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, policies.FS, Options{})
	if err != nil {
		b.Fatal(err)
	}
	in, err := Input(realisticHost(b))
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
