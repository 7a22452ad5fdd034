// Command auditfleet-agent collects security-posture facts from a host
// through collector plugins, and ships them to the server or scans offline.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/auditfleet/auditfleet/agent/cli"
)

func main() {
	// The agent runs briefly on hosts it must not disturb: trade a little
	// CPU for a smaller peak heap, unless the operator set GOGC.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
