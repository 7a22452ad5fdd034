//go:build !linux

package testserver

import "os/exec"

// setProcAttr does nothing where the kernel cannot tie the server's life
// to the test binary's; Stop must run.
func setProcAttr(*exec.Cmd) {}
