// Command retention is the "retention" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/retention"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(retention.New()) }
