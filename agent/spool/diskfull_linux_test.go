package spool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/internal/atomicfile"
	"github.com/auditfleet/auditfleet/agent/internal/testserver"
)

// TestFaultSpoolDiskFull fills the spool's file system (a 64 KiB tmpfs)
// while the server is down: the report that does not fit gives an error
// saying so, the reports spooled before stay intact and no temporary file
// is left taking space; once space returns and the server is back, the
// report is spooled again and every report reaches the server once, oldest
// first. Mounting needs root (the CI runs tests as root).
func TestFaultSpoolDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root; the CI runs this test as root")
	}
	dir := filepath.Join(t.TempDir(), "spool")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, b)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })

	srv := testserver.Start("aes_x")
	defer srv.Close()
	_, token := srv.Enroll("m1")
	c, err := client.New(client.Config{URL: srv.URL, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Open(dir, Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var (
		sent    []Report
		failed  *Report
		lastErr error
	)
	for i := range 40 {
		r := report(fmt.Sprintf("r%02d", i), i, 6000)
		srv.Fail(testserver.PathReports, testserver.Failure{Status: 0}) // down for this attempt
		_, err := sp.Deliver(ctx, c, r)
		if err != nil {
			failed, lastErr = &r, err
			break
		}
		sent = append(sent, r)
	}
	if failed == nil {
		t.Fatal("40 reports of 6 KB fit in a 64 KiB spool")
	}
	if !errors.Is(lastErr, syscall.ENOSPC) || !strings.Contains(lastErr.Error(), failed.ID) {
		t.Errorf("Deliver on a full disk = %v; want an error naming %s and wrapping ENOSPC", lastErr, failed.ID)
	}
	pending, err := sp.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(pending), reportIDs(sent); !slices.Equal(got, want) {
		t.Fatalf("spool after the disk filled holds %v, want the earlier %v intact", got, want)
	}
	for i, e := range pending {
		got, err := sp.Read(e)
		if err != nil || string(got.Body) != string(sent[i].Body) {
			t.Errorf("spooled %s changed when the disk filled: %v", e.ID, err)
		}
	}
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if atomicfile.IsTemp(de.Name()) {
			t.Errorf("temporary file %s left on the full disk", de.Name())
		}
	}

	// Space returns, and so does the server: the caller (the agent's
	// loop) delivers the report again.
	if b, err := exec.Command("mount", "-o", "remount,size=1m", dir).CombinedOutput(); err != nil {
		t.Fatalf("grow tmpfs: %v %s", err, b)
	}
	res, err := sp.Deliver(ctx, c, *failed)
	if err != nil || res.Pending != 0 {
		t.Fatalf("Deliver once space returned = %+v, %v", res, err)
	}
	if got, want := srv.Reports(), append(reportIDs(sent), failed.ID); !slices.Equal(got, want) {
		t.Errorf("server holds %v, want each report once, oldest first: %v", got, want)
	}
}

func reportIDs(rs []Report) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
