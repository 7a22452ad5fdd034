// Package retention defines the "retention" facts namespace, the contract
// between a future retention collector and the ICO-RET-01 policy
// (retention and true deletion).
//
// The collector is not implemented yet. It will walk, through the host
// root, the personal-data stores declared in its configuration (from the
// organisation's data-store register): the oldest live item, how many
// items are past the retention period plus grace, and how many items carry
// the store's soft-delete marker beyond the purge window.
//
// Its JSON Schema is schemas/retention.schema.json.
package retention
