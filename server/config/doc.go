// Package config reads the server's YAML configuration: listen address and
// TLS, object storage, the audit cycle schedule, limits and the audit log
// policy. Environment variables override the file for secrets.
package config
