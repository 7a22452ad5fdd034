// Package config reads the agent's YAML configuration file: where the host
// root and plugins are, collector options and time limits, and the policy
// thresholds used by offline scans.
package config
