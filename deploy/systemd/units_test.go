package systemd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// execPath matches the binary of an ExecStart= line.
var execPath = regexp.MustCompile(`(?m)^(ExecStart=)(/\S+)`)

// TestUnitsVerify runs systemd-analyze verify on every unit, with each
// ExecStart binary replaced by an executable of the same name in a
// temporary directory (the real ones are not installed here). Any warning
// is a failure: verify reports unknown keys and bad values only as
// warnings.
func TestUnitsVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatalf("systemd-analyze is not installed (run `make deps`, or apt-get install systemd): %v", err)
	}
	units, err := filepath.Glob("*.service")
	if err != nil {
		t.Fatal(err)
	}
	timers, _ := filepath.Glob("*.timer")
	units = append(units, timers...)
	if len(units) == 0 {
		t.Fatal("no units found")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range execPath.FindAllSubmatch(b, -1) {
			stub := filepath.Join(bin, filepath.Base(string(m[2])))
			if err := os.WriteFile(stub, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		b = execPath.ReplaceAllFunc(b, func(line []byte) []byte {
			m := execPath.FindSubmatch(line)
			return []byte("ExecStart=" + filepath.Join(bin, filepath.Base(string(m[2]))))
		})
		p := filepath.Join(dir, u)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			var out bytes.Buffer
			cmd := exec.Command(analyze, "verify", p)
			cmd.Dir = dir
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if err != nil || strings.TrimSpace(out.String()) != "" {
				t.Errorf("systemd-analyze verify %s: %v\n%s", filepath.Base(p), err, out.String())
			}
		})
	}
}

// TestAgentUnitsAreLimited checks the units that run on audited hosts
// keep to low priority and bounded CPU and memory.
func TestAgentUnitsAreLimited(t *testing.T) {
	want := []string{"CPUQuota=", "MemoryMax=", "Nice=10", "IOSchedulingClass=idle", "NoNewPrivileges=true", "ProtectSystem=strict"}
	for _, u := range []string{"auditfleet-agent.service", "auditfleet-restore-test.service"} {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(w)).Match(b) {
				t.Errorf("%s: no %s line", u, w)
			}
		}
	}
}
