//go:build unix

package state

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/agent/client"
)

// asOtherUser makes the checks see the agent as running under another
// uid than the one owning the test's files, for the test's duration.
func asOtherUser(t *testing.T) int {
	t.Helper()
	other := os.Geteuid() + 4242
	agentUID = func() int { return other }
	t.Cleanup(func() { agentUID = os.Geteuid })
	return other
}

// TestOpenRefusesUnsafeStateDirectory checks finding 7 of issue 11: a
// state directory, or a directory on its path, that a user other than the
// agent's could write is refused, naming the path, its owner and mode,
// and the fix.
func TestOpenRefusesUnsafeStateDirectory(t *testing.T) {
	me := strconv.Itoa(os.Geteuid())
	tests := []struct {
		name  string
		setup func(t *testing.T, base string) string // returns the state directory
		want  []string                               // parts of the error; none means accepted
	}{
		{"private directory", func(t *testing.T, base string) string {
			return mkdir(t, filepath.Join(base, "state"), 0o700)
		}, nil},
		{"readable by others", func(t *testing.T, base string) string {
			return mkdir(t, filepath.Join(base, "state"), 0o755)
		}, nil},
		{"group writable", func(t *testing.T, base string) string {
			return mkdir(t, filepath.Join(base, "state"), 0o770)
		}, []string{"state directory", "/state is writable by group or others", "mode 0770", "owner uid " + me, "chmod 700"}},
		{"world writable", func(t *testing.T, base string) string {
			return mkdir(t, filepath.Join(base, "state"), 0o777)
		}, []string{"writable by group or others", "mode 0777"}},
		{"owned by another user", func(t *testing.T, base string) string {
			dir := mkdir(t, filepath.Join(base, "state"), 0o700)
			asOtherUser(t)
			return dir
		}, []string{"/state is owned by uid " + me, "not by uid " + strconv.Itoa(os.Geteuid()+4242), "mode 0700", "chown " + strconv.Itoa(os.Geteuid()+4242)}},
		{"parent writable by others", func(t *testing.T, base string) string {
			mkdir(t, filepath.Join(base, "shared"), 0o777)
			return filepath.Join(base, "shared", "state")
		}, []string{"/shared on its path is writable by group or others", "mode 0777", "sticky", "chmod go-w"}},
		{"parent writable by others with the sticky bit", func(t *testing.T, base string) string {
			mkdir(t, filepath.Join(base, "tmp"), 0o777|os.ModeSticky)
			return filepath.Join(base, "tmp", "state")
		}, nil},
		{"link to a directory others may write", func(t *testing.T, base string) string {
			target := mkdir(t, filepath.Join(base, "open"), 0o777)
			link := filepath.Join(base, "state")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			return link
		}, []string{"writable by group or others", "mode 0777"}},
		{"link inside a directory others may write", func(t *testing.T, base string) string {
			target := mkdir(t, filepath.Join(base, "real"), 0o700)
			mkdir(t, filepath.Join(base, "links"), 0o777)
			link := filepath.Join(base, "links", "state")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			return link
		}, []string{"/links on its path is writable by group or others"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := mkdir(t, filepath.Join(t.TempDir(), "base"), 0o755)
			dir := tt.setup(t, base)
			_, err := Open(dir)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Open(%s) = %v, want it accepted", dir, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Open(%s) accepted it, want a refusal", dir)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open(%s) = %v, want it to say %q", dir, err, w)
				}
			}
		})
	}
}

// TestCredentialsOwnedByAnotherUser checks that a credentials file the
// agent's user does not own is refused even with mode 0600.
func TestCredentialsOwnedByAnotherUser(t *testing.T) {
	d, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SaveCredentials(client.Credentials{ServerURL: "https://attacker.example", HostID: "h_1", Token: "aft_secret"}); err != nil {
		t.Fatal(err)
	}
	other := asOtherUser(t)
	_, err = d.Credentials()
	want := []string{CredentialsFile + " is owned by uid " + strconv.Itoa(os.Geteuid()), "not by uid " + strconv.Itoa(other), "mode 0600", "chown"}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Credentials() = %v, want it to say %q", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), "aft_secret") {
		t.Errorf("error %q contains the token", err)
	}
}

// TestOwnershipForReal repeats the owner checks with files truly owned by
// another user, which only root can arrange.
func TestOwnershipForReal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give files to another user; TestOpenRefusesUnsafeStateDirectory covers the check by changing the agent's uid instead")
	}
	const nobody = 65534
	dir := mkdir(t, filepath.Join(t.TempDir(), "state"), 0o700)
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SaveCredentials(client.Credentials{ServerURL: "https://af.example", HostID: "h_1", Token: "aft_secret"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(dir, CredentialsFile), nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Credentials(); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("Credentials() of a file owned by uid 65534 = %v, want a refusal naming the owner", err)
	}
	if err := os.Chown(dir, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("Open of a directory owned by uid 65534 = %v, want a refusal naming the owner", err)
	}
}

func mkdir(t *testing.T, path string, mode os.FileMode) string {
	t.Helper()
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have cleared bits
		t.Fatal(err)
	}
	return path
}
