// Command services is the "services" collector plugin; the agent starts
// it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/sdk"
	"github.com/auditfleet/auditfleet/plugins/services"
)

func main() { sdk.Serve(services.New()) }
