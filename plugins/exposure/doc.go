// Package exposure defines the "exposure" facts namespace, the contract
// between a future exposure collector and the ICO-SEC-05 policy (personal
// data not publicly exposed).
//
// The collector is not implemented yet. It will walk, through the host
// root, the personal-data paths declared in its configuration (from the
// organisation's data-store register), recording modes and owners and
// counting entries that any local user can read or write; and it will read
// the nginx (/etc/nginx) and Apache (/etc/apache2, /etc/httpd)
// configuration for document roots and aliases, whether directory listing
// is on, and which of them serve a declared path or part of one.
//
// Its JSON Schema is schemas/exposure.schema.json.
package exposure
