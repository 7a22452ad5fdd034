// Package manifest reads and writes collector manifests: the file beside
// each collector binary that names it and pins its SHA-256, so the agent
// runs only the exact binary that was installed.
package manifest
