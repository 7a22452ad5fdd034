// Command exposure is the "exposure" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/exposure"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(exposure.New()) }
