package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/internal/testserver"
	"github.com/auditfleet/auditfleet/agent/state"
)

const (
	enrollSecretValue = "aes_0123456789abcdef-test-secret"
	fixtureHost       = "debian12-lts"
	fixtureMachineID  = "249d18ecfccc61f086b6c0dfa3796de4"
)

// agentEnv runs the built agent with extra environment variables and
// returns stdout, stderr and the exit code.
func agentEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "auditfleet-agent"), args...)
	cmd.Env = append(os.Environ(), "AUDITFLEET_CONFIG=", "AUDITFLEET_HOST_ROOT=", "AUDITFLEET_PLUGIN_DIR=", EnvEnrollSecret+"=")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &ee):
		return stdout.String(), stderr.String(), ee.ExitCode()
	default:
		t.Fatalf("run agent: %v", err)
		return "", "", -1
	}
}

// hostArgs are the flags that point the agent at a fixture host, the test
// plugins, an empty configuration and stateDir.
func hostArgs(t *testing.T, stateDir string) []string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "agent.yaml")
	if err := os.WriteFile(cfg, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{
		"--config", cfg,
		"--host-root", filepath.Join("..", "..", "testdata", "hosts", fixtureHost),
		"--plugin-dir", filepath.Join(binDir, "plugins"),
		"--state-dir", stateDir,
	}
}

func writeSecret(t *testing.T, secret string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "enroll-secret")
	if err := os.WriteFile(p, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEnroll(t *testing.T) {
	srv := testserver.Start(enrollSecretValue)
	defer srv.Close()
	tests := []struct {
		name     string
		args     func(t *testing.T) []string
		env      []string
		existing bool // credentials from an earlier enrollment exist
		wantCode int
		wantErr  string // in stderr
	}{
		{
			name: "secret file",
			args: func(t *testing.T) []string {
				return []string{"--server", srv.URL, "--secret-file", writeSecret(t, enrollSecretValue)}
			},
			wantCode: ExitOK,
		},
		{
			name:     "secret from the environment",
			args:     func(*testing.T) []string { return []string{"--server", srv.URL} },
			env:      []string{EnvEnrollSecret + "=" + enrollSecretValue},
			wantCode: ExitOK,
		},
		{
			name: "re-enroll replaces the credentials",
			args: func(t *testing.T) []string {
				return []string{"--server", srv.URL, "--secret-file", writeSecret(t, enrollSecretValue)}
			},
			existing: true,
			wantCode: ExitOK,
		},
		{
			name: "wrong secret: clear error, no credentials",
			args: func(t *testing.T) []string {
				return []string{"--server", srv.URL, "--secret-file", writeSecret(t, "aes_wrong-secret")}
			},
			wantCode: ExitError,
			wantErr:  "does not accept this enroll secret",
		},
		{
			name: "wrong secret keeps earlier credentials",
			args: func(t *testing.T) []string {
				return []string{"--server", srv.URL, "--secret-file", writeSecret(t, "aes_wrong-secret")}
			},
			existing: true,
			wantCode: ExitError,
			wantErr:  "401",
		},
		{
			name:     "no secret",
			args:     func(*testing.T) []string { return []string{"--server", srv.URL} },
			wantCode: ExitError,
			wantErr:  "--secret-file",
		},
		{
			name:     "secret as a flag value is not accepted",
			args:     func(*testing.T) []string { return []string{"--server", srv.URL, "--secret", enrollSecretValue} },
			wantCode: ExitError,
			wantErr:  "unknown flag",
		},
		{
			name:     "empty secret file",
			args:     func(t *testing.T) []string { return []string{"--server", srv.URL, "--secret-file", writeSecret(t, "")} },
			wantCode: ExitError,
			wantErr:  "must hold the secret",
		},
		{
			name:     "no server",
			args:     func(t *testing.T) []string { return []string{"--secret-file", writeSecret(t, enrollSecretValue)} },
			wantCode: ExitError,
			wantErr:  "no server",
		},
		{
			name: "plain http to another host refused",
			args: func(t *testing.T) []string {
				return []string{"--server", "http://auditfleet.example.invalid", "--secret-file", writeSecret(t, enrollSecretValue)}
			},
			wantCode: ExitError,
			wantErr:  "plain http",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stateDir := filepath.Join(t.TempDir(), "state")
			var before []byte
			if tt.existing {
				st, err := state.Open(stateDir)
				if err != nil {
					t.Fatal(err)
				}
				hostID, token := srv.Enroll(fixtureMachineID)
				if err := st.SaveCredentials(clientCreds(srv.URL, hostID, token)); err != nil {
					t.Fatal(err)
				}
				before, _ = os.ReadFile(filepath.Join(stateDir, state.CredentialsFile))
			}
			n := len(srv.Enrollments())
			args := append([]string{"enroll"}, hostArgs(t, stateDir)...)
			stdout, stderr, code := agentEnv(t, tt.env, append(args, tt.args(t)...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr)
			}
			if strings.Contains(stdout+stderr, enrollSecretValue) || strings.Contains(stdout+stderr, "aft_") {
				t.Errorf("output shows a secret:\n%s\n%s", stdout, stderr)
			}
			credsPath := filepath.Join(stateDir, state.CredentialsFile)
			got, err := os.ReadFile(credsPath)
			if tt.wantCode != ExitOK {
				if tt.existing && !bytes.Equal(got, before) {
					t.Errorf("a failed enrollment changed the credentials:\n%s\nwas\n%s", got, before)
				}
				if !tt.existing && err == nil {
					t.Errorf("a failed enrollment wrote credentials: %s", got)
				}
				return
			}
			var creds client.Credentials
			if err := json.Unmarshal(got, &creds); err != nil {
				t.Fatalf("credentials file: %v\n%s", err, got)
			}
			if creds.ServerURL != srv.URL || creds.HostID != "h_1" || creds.Token != srv.Token(fixtureMachineID) {
				t.Errorf("credentials %s, want server %s, host h_1 and the server's current token", got, srv.URL)
			}
			if fi, _ := os.Stat(credsPath); fi.Mode().Perm() != 0o600 {
				t.Errorf("credentials mode %v, want 0600", fi.Mode().Perm())
			}
			enr := srv.Enrollments()
			if len(enr) != n+1 {
				t.Fatalf("server saw %d enrollments, want %d", len(enr), n+1)
			}
			last := enr[len(enr)-1]
			if last.Hostname != fixtureHost || last.MachineID != fixtureMachineID || !strings.Contains(last.OS, "Debian GNU/Linux 12") || last.AgentVersion == "" {
				t.Errorf("enrollment %+v, want the fixture host's name, machine ID, OS and an agent version", last)
			}
			if !strings.Contains(stdout, "enrolled "+fixtureHost+" as host h_1") {
				t.Errorf("stdout %q does not confirm the enrollment", stdout)
			}
		})
	}
}
