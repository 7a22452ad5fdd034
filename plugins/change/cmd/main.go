// Command change is the "change" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/change"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(change.New()) }
