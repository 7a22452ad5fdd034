package packages

import (
	"path/filepath"
	"testing"

	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
)

// TestContract checks Facts against schemas/packages.schema.json, and that a
// misspelt option is a warning.
func TestContract(t *testing.T) {
	collectortest.Contract[Facts](t, New(), filepath.Join("testdata", "roots", "bookworm"))
}
