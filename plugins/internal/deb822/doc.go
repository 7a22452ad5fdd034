// Package deb822 reads the control-file format of Debian's package
// manager (dpkg status, apt Packages lists, Release files) for the
// collectors that need it, fast and without copying unused fields.
package deb822
