package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// collect runs the collector on a fixture root.
func collect(t testing.TB, ctx context.Context, root, options string) (sdk.Response, error) {
	t.Helper()
	r, err := hostroot.Open(filepath.Join("testdata", "roots", root))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return New().Collect(ctx, sdk.Request{Root: r, Options: json.RawMessage(options)})
}

// mustFacts runs the collector and checks its output against the schema.
func mustFacts(t *testing.T, root, options string) (Facts, []string) {
	t.Helper()
	return collectortest.Facts[Facts](t, New(), filepath.Join("testdata", "roots", root), options)
}

func TestCollectGolden(t *testing.T) {
	tests := []struct {
		name, root, options string
		wantWarn            []string // substrings each of which some warning has
		noWarn              bool
	}{
		{name: "hardened", root: "hardened", noWarn: true},
		{name: "weak", root: "weak", wantWarn: []string{`port "99999" is not a number`}},
		{name: "offline", root: "offline", wantWarn: []string{"listening sockets unknown"}},
		{name: "defaults", root: "defaults", wantWarn: []string{"OpenSSH's defaults assumed"}},
		{name: "bad-options", root: "hardened", options: `{"allowed_ports":[22]}`, wantWarn: []string{"options ignored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, warns := mustFacts(t, tt.root, tt.options)
			all := strings.Join(warns, "\n")
			if tt.noWarn && len(warns) > 0 {
				t.Errorf("warnings = %q, want none", warns)
			}
			for _, w := range tt.wantWarn {
				if !strings.Contains(all, w) {
					t.Errorf("warnings = %q, want one containing %q", warns, w)
				}
			}
			collectortest.GoldenJSON(t, filepath.Join("testdata", "golden", tt.name+".json"), f)
		})
	}
}

func TestCollectFacts(t *testing.T) {
	hard, _ := mustFacts(t, "hardened", "")
	s := hard.SSHD
	if s == nil {
		t.Fatal("hardened sshd = nil")
	}
	if s.PermitRootLogin != "no" || s.PasswordAuthentication || s.KbdInteractiveAuthentication || s.PermitEmptyPasswords {
		t.Errorf("hardened sshd = %+v, want the drop-in's values (first value wins)", *s)
	}
	if want := []string{"/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/10-hardening.conf"}; !slices.Equal(s.ConfigFiles, want) {
		t.Errorf("hardened config files = %q, want %q (hidden file skipped)", s.ConfigFiles, want)
	}
	if len(s.MatchOverrides) != 1 || s.MatchOverrides[0].Criteria != "User backup" || s.MatchOverrides[0].Line != 8 {
		t.Errorf("hardened match overrides = %+v, want AllowTcpForwarding only (X11Forwarding has digits)", s.MatchOverrides)
	}
	wantSocks := []Socket{
		{Protocol: "tcp", Address: "0.0.0.0", Port: 22, Process: "sshd", PID: 1234},
		{Protocol: "tcp", Address: "::", Port: 22, Process: "sshd", PID: 1234},
		{Protocol: "tcp", Address: "127.0.0.1", Port: 631, Loopback: true},
		{Protocol: "udp", Address: "127.0.0.53", Port: 53, Loopback: true, Process: "systemd-resolve", PID: 900},
	}
	if !slices.Equal(hard.Listening, wantSocks) {
		t.Errorf("hardened listening = %+v, want %+v", hard.Listening, wantSocks)
	}

	weak, _ := mustFacts(t, "weak", "")
	w := weak.SSHD
	if w == nil || w.PermitRootLogin != "yes" || !w.PasswordAuthentication || w.KbdInteractiveAuthentication {
		t.Fatalf("weak sshd = %+v, want root yes, passwords yes (before Include), kbd no", w)
	}
	if !slices.Equal(w.Ports, []int{22, 2222}) {
		t.Errorf("weak ports = %v, want [22 2222]", w.Ports)
	}
	if len(w.MatchOverrides) != 2 || w.MatchOverrides[1].Value != "without-password" || w.MatchOverrides[0].Criteria != "User backup Address 10.0.0.0/8" {
		t.Errorf("weak match overrides = %+v", w.MatchOverrides)
	}
	i := slices.IndexFunc(weak.Listening, func(s Socket) bool { return s.Port == 8080 })
	if i < 0 || weak.Listening[i] != (Socket{Protocol: "tcp", Address: "0.0.0.0", Port: 8080, Process: "python3", PID: 4321}) {
		t.Errorf("weak listening = %+v, want one tcp/8080 owned by python3", weak.Listening)
	}
	if i := slices.IndexFunc(weak.Listening, func(s Socket) bool { return s.Port == 5432 }); i < 0 || !weak.Listening[i].Loopback {
		t.Errorf("weak listening = %+v, want ::ffff:127.0.0.1:5432 as loopback", weak.Listening)
	}

	def, _ := mustFacts(t, "defaults", "")
	if d := def.SSHD; d == nil || d.PermitRootLogin != "prohibit-password" || !d.PasswordAuthentication || !d.KbdInteractiveAuthentication || d.PermitEmptyPasswords || !slices.Equal(d.Ports, []int{22}) {
		t.Errorf("defaults sshd = %+v, want OpenSSH's defaults", def.SSHD)
	}
	if def.Listening == nil || len(def.Listening) != 0 {
		t.Errorf("defaults listening = %#v, want empty, not nil", def.Listening)
	}
}

func TestCollectErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name, root string
		ctx        context.Context
		want       error
	}{
		{name: "nothing to read", root: "empty", ctx: context.Background(), want: sdk.ErrNotApplicable},
		{name: "cancelled", root: "hardened", ctx: cancelled, want: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := collect(t, tt.ctx, tt.root, "")
			if !errors.Is(err, tt.want) {
				t.Errorf("Collect(%s) error = %v, want %v", tt.root, err, tt.want)
			}
		})
	}
	if _, err := New().Collect(context.Background(), sdk.Request{}); err == nil {
		t.Error("Collect without a root: no error")
	}
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "baseline" || i.Namespace != Namespace || i.SchemaVersion != SchemaVersion || i.Version != Version {
		t.Errorf("Info() = %+v", i)
	}
}
