package state

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/agent/client"
)

func TestCredentialsRoundTrip(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Credentials(); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("Credentials() before enrolling = %v, want ErrNotEnrolled", err)
	}
	want := client.Credentials{ServerURL: "https://af.example", HostID: "h_1", Token: "aft_secret"}
	if err := d.SaveCredentials(want); err != nil {
		t.Fatal(err)
	}
	got, err := d.Credentials()
	if err != nil || got != want {
		t.Fatalf("Credentials() = %+v, %v; want %+v", got, err, want)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(d.Path(), CredentialsFile))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("credentials file mode %v (%v), want 0600", fi.Mode().Perm(), err)
		}
		di, _ := os.Stat(d.Path())
		if di.Mode().Perm() != 0o700 {
			t.Errorf("state directory mode %v, want 0700", di.Mode().Perm())
		}
	}
	// Replacing keeps the file private and leaves no temporary behind.
	want.Token = "aft_new"
	if err := d.SaveCredentials(want); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Credentials(); got != want {
		t.Errorf("Credentials() after replace = %+v, want %+v", got, want)
	}
	ents, _ := os.ReadDir(d.Path())
	if len(ents) != 1 {
		t.Errorf("state directory holds %v, want only %s", ents, CredentialsFile)
	}
}

func TestCredentialsRefused(t *testing.T) {
	good := `{"server_url":"https://af.example","host_id":"h_1","token":"aft_secret"}`
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		unix    bool // only meaningful where mode bits are enforced
		want    string
	}{
		{"group readable", good, 0o640, true, "accessible to group or others"},
		{"world readable", good, 0o644, true, "chmod 600"},
		{"group writable", good, 0o620, true, "accessible to group or others"},
		{"not json", "token: aft_secret", 0o600, false, "not valid JSON"},
		{"missing token", `{"server_url":"https://af.example","host_id":"h_1"}`, 0o600, false, "must all be set"},
		{"too big", `{"x":"` + strings.Repeat("a", maxStateFile) + `"}`, 0o600, false, "over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.unix && runtime.GOOS == "windows" {
				return // mode bits are not enforced there; nothing to check
			}
			d, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(d.Path(), CredentialsFile)
			if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil { // umask may have cleared bits
				t.Fatal(err)
			}
			_, err = d.Credentials()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Credentials() = %v, want an error mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "aft_secret") {
				t.Errorf("error %q contains the token", err)
			}
		})
	}
}

func TestCredentialsNotAFile(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(d.Path(), CredentialsFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Credentials(); err == nil || errors.Is(err, ErrNotEnrolled) {
		t.Errorf("Credentials() on a directory = %v, want a read error", err)
	}
}

func TestCycle(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if c, err := d.LastCycle(); err != nil || c != (Cycle{}) {
		t.Fatalf("LastCycle() = %+v, %v; want zero", c, err)
	}
	want := Cycle{ID: "2026-11-20T0200Z", ReportID: "r1"}
	if err := d.SaveCycle(want); err != nil {
		t.Fatal(err)
	}
	if c, err := d.LastCycle(); err != nil || c != want {
		t.Errorf("LastCycle() = %+v, %v; want %+v", c, err, want)
	}
}

func TestOpenEmpty(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") = nil error, want one")
	}
}
