// Package change defines the "change" facts namespace, the contract
// between a future change collector and the ICO-CHG-01 policy (no test
// data or unreviewed code in production).
//
// The collector is not implemented yet. It will read, through the host
// root, the host's environment tag, the deployment records that deployment
// tooling leaves on the host (commit, branch, who reviewed it), and it will
// search the production data paths declared in its configuration for
// test-data canaries.
//
// Its JSON Schema is schemas/change.schema.json.
package change
