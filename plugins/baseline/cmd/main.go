// Command baseline is the "baseline" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/baseline"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(baseline.New()) }
