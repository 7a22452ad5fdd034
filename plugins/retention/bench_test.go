package retention

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// BenchmarkCollect walks a store of 100,000 files in 1,000 directories,
// one in ten soft-deleted by a marker file.
func BenchmarkCollect(b *testing.B) {
	const dirs, perDir = 100, 1000
	root := b.TempDir()
	for d := range dirs {
		dir := filepath.Join(root, "srv", "store", fmt.Sprintf("d%03d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for i := range perDir {
			name := fmt.Sprintf("f%04d", i)
			if i%10 == 0 {
				name += ".deleted"
			}
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				b.Fatal(err)
			}
			m := testNow.Add(-time.Duration(d*perDir+i) * time.Hour)
			if err := os.Chtimes(p, m, m); err != nil {
				b.Fatal(err)
			}
		}
	}
	r, err := hostroot.Open(root)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	c := testCollector()
	req := sdk.Request{Root: r, Options: json.RawMessage(`{"stores":[{"id":"s","path":"/srv/store","retention_days":730,"soft_delete_marker":".deleted"}]}`)}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.Collect(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if s := resp.Facts.(Facts).Stores[0]; s.Items+s.SoftDeleted != dirs*perDir || s.Truncated {
			b.Fatalf("walked %s, want %d files", show(s), dirs*perDir)
		}
	}
}
