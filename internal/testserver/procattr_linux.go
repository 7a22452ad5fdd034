package testserver

import (
	"os/exec"
	"syscall"
)

// setProcAttr has the kernel kill the server if the test binary dies
// without stopping it (a panic, a timeout), so no server outlives its tests.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
