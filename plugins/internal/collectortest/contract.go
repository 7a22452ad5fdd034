package collectortest

import (
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// misspelt is the option Contract gives every collector: no collector
// has it, so each must report it.
const misspelt = "no_such_option"

// Contract checks what every collector promises beyond its own tests,
// and every collector's tests call it (the schemas test checks they do):
// its Facts type F and the schema of its namespace describe the same
// JSON (MatchesSchema), and a misspelt option is a warning naming it,
// never silently ignored nor an error (MisspeltOptionWarns). dir is a
// fixture root on which c collects without error.
func Contract[F any](t *testing.T, c sdk.Collector, dir string) {
	t.Helper()
	t.Run("schema", func(t *testing.T) { MatchesSchema[F](t, c.Info().Namespace) })
	t.Run("misspelt option", func(t *testing.T) { MisspeltOptionWarns(t, c, dir) })
}

// MisspeltOptionWarns runs c on the host root dir with an option it does
// not have, and reports an error unless Collect succeeds with a warning
// that names the option (collectors decode options with
// sdk.DecodeOptions).
func MisspeltOptionWarns(t testing.TB, c sdk.Collector, dir string) {
	t.Helper()
	resp, err := Run(t, c, dir, `{"`+misspelt+`": true}`)
	if err != nil {
		t.Fatalf("Collect(%s) with option %q: %v, want warnings only", dir, misspelt, err)
	}
	for _, w := range resp.Warnings {
		if strings.Contains(w, `unknown field "`+misspelt+`"`) {
			return
		}
	}
	t.Errorf("Collect(%s) with option %q: warnings %q, want one naming the unknown option", dir, misspelt, resp.Warnings)
}
