package logging

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
	"github.com/auditfleet/auditfleet/schemas"
)

// TestContract checks Facts against schemas/logging.schema.json, and that a
// misspelt option is a warning.
func TestContract(t *testing.T) {
	collectortest.Contract[Facts](t, New(), filepath.Join("testdata", "roots", "good"))
}

// TestS62Operations checks that the s.62 operations the logging schema
// allows are exactly Operations.
func TestS62Operations(t *testing.T) {
	src, err := schemas.Source(Namespace)
	if err != nil {
		t.Fatal(err)
	}
	var root struct {
		Defs struct {
			AppLog struct {
				Properties struct {
					Operations struct {
						Properties map[string]any `json:"properties"`
					} `json:"operations"`
				} `json:"properties"`
			} `json:"app_log"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(src, &root); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(maps.Keys(root.Defs.AppLog.Properties.Operations.Properties))
	want := slices.Sorted(slices.Values(Operations))
	if !slices.Equal(got, want) {
		t.Errorf("logging schema operations = %v, want Operations %v", got, want)
	}
}
