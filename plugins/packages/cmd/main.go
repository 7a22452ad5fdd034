// Command packages is the "packages" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/packages"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(packages.New()) }
