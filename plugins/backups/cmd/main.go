// Command backups is the "backups" collector plugin; the agent starts it.
package main

import (
	"github.com/auditfleet/auditfleet/plugins/backups"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

func main() { sdk.Serve(backups.New()) }
