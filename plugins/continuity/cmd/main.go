// Command continuity is the "continuity" collector plugin; the agent
// starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/continuity"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(continuity.New()) }
