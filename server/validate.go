package server

import (
	"errors"

	"github.com/auditfleet/auditfleet/schemas"
)

// validateFacts checks a namespace's facts against its JSON Schema.
// Namespaces without a schema (an organisation's own collectors) are
// accepted as any JSON object.
func validateFacts(namespace string, factsJSON []byte) error {
	err := schemas.Validate(namespace, factsJSON)
	if errors.Is(err, schemas.ErrUnknownNamespace) {
		return nil
	}
	return err
}
