// Command auditfleet-server enrolls agents, ingests and evaluates their
// facts, keeps facts and results as evidence in object storage, runs audit
// cycles and serves scorecards.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/auditfleet/auditfleet/server/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
