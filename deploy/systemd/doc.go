// Package systemd holds the systemd units that run the agent, its weekly
// restore test and the server; its test checks them with
// systemd-analyze verify.
package systemd
