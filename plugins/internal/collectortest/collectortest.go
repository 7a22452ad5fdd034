package collectortest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
	"github.com/auditfleet/auditfleet/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// Run opens the host root dir and runs c on it with the options as given.
func Run(t testing.TB, c sdk.Collector, dir, options string) (sdk.Response, error) {
	t.Helper()
	r, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return c.Collect(context.Background(), sdk.Request{Root: r, Options: json.RawMessage(options)})
}

// Cancelled runs c on the host root dir with a cancelled context and
// reports an error unless Collect returns context.Canceled.
func Cancelled(t testing.TB, c sdk.Collector, dir, options string) {
	t.Helper()
	r, err := hostroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Collect(ctx, sdk.Request{Root: r, Options: json.RawMessage(options)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Collect with a cancelled context = %v, want context.Canceled", err)
	}
}

// Collect runs c on the host root dir, fails the test if it returns an
// error, and checks its facts against the schema of its namespace.
func Collect(t testing.TB, c sdk.Collector, dir, options string) sdk.Response {
	t.Helper()
	resp, err := Run(t, c, dir, options)
	if err != nil {
		t.Fatalf("Collect(%s) error: %v", dir, err)
	}
	b, err := json.Marshal(resp.Facts)
	if err != nil {
		t.Fatal(err)
	}
	if err := schemas.Validate(c.Info().Namespace, b); err != nil {
		t.Errorf("facts of %s do not match the schema: %v\n%s", dir, err, b)
	}
	return resp
}

// Facts is Collect for a collector whose facts are an F: the facts and
// the warnings.
func Facts[F any](t testing.TB, c sdk.Collector, dir, options string) (F, []string) {
	t.Helper()
	resp := Collect(t, c, dir, options)
	f, ok := resp.Facts.(F)
	if !ok {
		t.Fatalf("Collect.Facts is %T, want %T", resp.Facts, f)
	}
	return f, resp.Warnings
}

// Golden compares got with the golden file path, which go test -update
// first rewrites with got.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update and review the diff):\n%s\nwant\n%s", path, got, want)
	}
}

// GoldenJSON is Golden for v as indented JSON ending in a newline.
func GoldenJSON(t testing.TB, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	Golden(t, path, append(got, '\n'))
}

// Output is what most golden files hold: the facts and the warnings.
type Output struct {
	// Facts are the collector's facts.
	Facts any `json:"facts"`
	// Warnings are its warnings, null when there are none.
	Warnings []string `json:"warnings"`
}
