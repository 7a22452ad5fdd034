package services

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/internal/journal/journaltest"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// benchJournal writes a host root with a compact, zstd journal of n
// entries spread over the ten days before testNow: a realistic mix of
// kernel, sshd and cron lines and service manager start, finish and
// failure messages (two units in a hundred keep failing), with cron
// logging failures.
func benchJournal(b *testing.B, n int) (string, int) {
	b.Helper()
	const boot = "c0ffee00d15ea5e0b0a7b00710ad1234"
	dir := b.TempDir()
	jdir := filepath.Join(dir, "var", "log", "journal", "3d1219c7c4c5404aaa1f6d2a48adfda4")
	for _, d := range []string{jdir, filepath.Join(dir, "run", "systemd", "system"), filepath.Join(dir, "etc", "default")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "etc", "default", "cron"), []byte("EXTRA_OPTS=\"-L 15\"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	common := []string{"_BOOT_ID=" + boot, "_MACHINE_ID=3d1219c7c4c5404aaa1f6d2a48adfda4", "_HOSTNAME=app-07", "_TRANSPORT=journal", "PRIORITY=6"}
	pid1 := append([]string{"_PID=1", "_UID=0", "_GID=0", "_COMM=systemd", "_EXE=/usr/lib/systemd/systemd", "SYSLOG_IDENTIFIER=systemd", "CODE_FILE=src/core/unit.c"}, common...)
	start := testNow.Add(-10 * 24 * time.Hour)
	step := 10 * 24 * time.Hour / time.Duration(n)
	es := make([]journaltest.Entry, 0, n)
	for i := range n {
		at := start.Add(time.Duration(i) * step)
		unit := fmt.Sprintf("job-%02d.service", i%100)
		var f []string
		switch i % 10 {
		case 0, 1:
			f = append([]string{"MESSAGE_ID=" + msgUnitFailureResult, "UNIT=" + unit, "UNIT_RESULT=exit-code", "MESSAGE=" + unit + ": Failed with result 'exit-code'."}, pid1...)
			if i%100 >= 2 {
				f = append([]string{"MESSAGE_ID=" + msgUnitSuccess, "UNIT=" + unit, "MESSAGE=" + unit + ": Deactivated successfully."}, pid1...)
			}
		case 2:
			f = append([]string{"MESSAGE_ID=" + msgUnitStarted, "UNIT=" + unit, "JOB_RESULT=done", "JOB_TYPE=start", "MESSAGE=Finished " + unit + " - Job."}, pid1...)
		case 3:
			f = append([]string{"_PID=" + fmt.Sprint(4000+i), "_COMM=cron", "SYSLOG_IDENTIFIER=CRON", "MESSAGE=(root) CMD (/usr/local/bin/task --n " + fmt.Sprint(i%7) + ")"}, common...)
		case 4:
			f = append([]string{"SYSLOG_IDENTIFIER=kernel", "_TRANSPORT=kernel", "MESSAGE=" + strings.Repeat(fmt.Sprintf("audit: type=1400 msg=%d ", i), 40)}, common...)
		default:
			f = append([]string{"_PID=" + fmt.Sprint(800+i%50), "_COMM=sshd", "SYSLOG_IDENTIFIER=sshd", "_SYSTEMD_UNIT=ssh.service",
				fmt.Sprintf("MESSAGE=Accepted publickey for user%d from 10.0.%d.%d port %d ssh2", i%40, i%256, (i/256)%256, 40000+i%20000)}, common...)
		}
		es = append(es, journaltest.Entry{Realtime: at, Monotonic: uint64(i) * 1000, BootID: boot, Fields: f})
	}
	data := journaltest.Build(journaltest.Options{Compact: true, Compress: "zstd", State: 1}, es)
	if err := os.WriteFile(filepath.Join(jdir, "system.journal"), data, 0o640); err != nil {
		b.Fatal(err)
	}
	return dir, len(data)
}

// BenchmarkCollect collects from a host whose journal holds 50,000
// entries.
func BenchmarkCollect(b *testing.B) {
	dir, size := benchJournal(b, 50_000)
	r, err := hostroot.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	c := &Collector{now: func() time.Time { return testNow }}
	req := sdk.Request{Root: r, Options: json.RawMessage(`{}`)}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Collect(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if got := len(resp.Facts.(Facts).FailedUnits); got != 2 || len(resp.Warnings) != 0 {
			b.Fatalf("%d failed units, warnings %q; want 2 and none", got, resp.Warnings)
		}
	}
	b.ReportMetric(float64(size)/(1<<20), "journal-MiB")
}
