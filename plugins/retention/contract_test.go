package retention

import (
	"testing"

	"github.com/auditfleet/auditfleet/plugins/internal/collectortest"
)

// TestContract checks Facts against schemas/retention.schema.json, and
// that a misspelt option is a warning (on an empty root: the collector
// reads only the stores its options declare).
func TestContract(t *testing.T) {
	collectortest.Contract[Facts](t, New(), t.TempDir())
}
