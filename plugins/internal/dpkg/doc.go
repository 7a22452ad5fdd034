// Package dpkg finds and reads the dpkg status of a host for the
// collectors of Debian-family package state, and explains, as "not
// applicable", a host that has none.
package dpkg
