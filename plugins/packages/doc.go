// Package packages defines the "packages" facts namespace, the contract
// between a future packages collector and the ICO-SEC-03 policy (installed
// software is supported).
//
// The collector is not implemented yet. It will read, through the host
// root, the package database (dpkg status, the rpm database, apk's
// installed file) and the configured repositories with their cached
// indexes (apt lists, dnf or yum metadata) to find installed packages that
// no configured repository provides; and it will find language runtimes
// (python, node, php, ruby, java, go, perl) on the usual paths and in
// packages, with the end-of-life date of their release cycle from shipped
// lifecycle data.
//
// Its JSON Schema is schemas/packages.schema.json.
package packages
