// Command auditfleet-agent collects security-posture facts from a host
// through collector plugins, and ships them to the server or scans offline.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/auditfleet/auditfleet/agent/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
