// Package api is the server's HTTP interface (docs/api.md): agent
// endpoints, people's endpoints with role checks, operations endpoints, and
// the one place errors become HTTP statuses and JSON error bodies.
package api
