// Package dpkg reads the package state of Debian-family hosts for the
// patching and packages collectors: the dpkg status (explaining, as "not
// applicable", a host that has none) and apt's Packages lists, plain or
// compressed in any of the formats apt keeps them in, parsed into the
// packages installed and offered.
package dpkg
