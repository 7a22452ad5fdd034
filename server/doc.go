// Package server wires the auditfleet server together: object storage,
// enrollment, ingest, the audit log and the HTTP API. The server keeps no
// state of its own: object storage is the single source of truth, so
// several replicas can serve one bucket.
package server
