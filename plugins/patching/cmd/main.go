// Command patching is the "patching" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/patching"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(patching.New()) }
