package server

import (
	"fmt"

	"github.com/auditfleet/auditfleet/schemas"
)

// factsValidator returns the check of each namespace's facts against its
// JSON Schema: the built-in collectors' schemas and those of the
// organisation's own collectors in dir ("" for none). A namespace with no
// schema gives an error wrapping schemas.ErrUnknownNamespace, so reports
// carrying it are refused.
func factsValidator(dir string) (func(namespace string, factsJSON []byte) error, error) {
	set, err := schemas.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("facts.schemas_dir: %w", err)
	}
	return set.Validate, nil
}
