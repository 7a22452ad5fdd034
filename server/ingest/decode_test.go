package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/internal/strictjson"
	"github.com/auditfleet/auditfleet/schemas"
)

// FuzzDecodeReport runs the server's whole check of a report body —
// assess.Decode, the report ID and collection time, every namespace
// against its schema — on arbitrary bytes. It must never panic; every
// refusal must be ErrInvalid (a 4xx, never a 500); and what it accepts
// must pass strictjson, carry only namespaces with a schema, and have a
// report ID that makes a valid object key.
func FuzzDecodeReport(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "api", "testdata", "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed reports: %v", err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"schema_version":1,"report_id":"0123456789abcdef0123456789abcdef","collected_at":"2026-11-20T11:00:00Z","agent":{"version":"t","host_root":"/"},"facts":{"os":{"id":"debian"}},"collectors":{},"collector_errors":[]}`))
	f.Add([]byte(`{"schema_version":1,"report_id":"0123456789abcdef0123456789abcdef","collected_at":"2026-11-20T11:00:00Z","facts":{"padding":{}}}`))
	f.Add([]byte(`{"schema_version":1,"report_id":"../../x","collected_at":"2026-11-20T11:00:00Z","facts":{}}`))
	f.Add([]byte(`{"schema_version":1,"schema_version":1}`))
	in := &Ingester{ValidateFacts: schemas.Validate}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) // after every seed's collected_at
	f.Fuzz(func(t *testing.T, body []byte) {
		r, rid, err := in.decode(body, now)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("decode refused %q with %v, which is not ErrInvalid (the client would get a 500)", body, err)
			}
			return
		}
		if err := strictjson.Check(body, strictjson.Default); err != nil {
			t.Fatalf("decode accepted %q, which strictjson refuses: %v", body, err)
		}
		for ns, raw := range r.Doc.Facts {
			if err := schemas.Validate(ns, bytes.TrimSpace(raw)); err != nil {
				t.Fatalf("decode accepted facts.%s that fail their schema: %v", ns, err)
			}
		}
		if rid.IsZero() || rid.String() != r.Doc.ReportID {
			t.Fatalf("decode accepted report ID %q as %q", r.Doc.ReportID, rid)
		}
		if r.Doc.CollectedAt.After(now.Add(time.Hour)) {
			t.Fatalf("decode accepted collected_at %s, in the future", r.Doc.CollectedAt)
		}
	})
}
