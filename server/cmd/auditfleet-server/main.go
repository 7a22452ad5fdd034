// Command auditfleet-server will enroll agents, ingest facts and serve
// fleet scorecards; for now it only reports its version.
package main

import (
	"fmt"
	"os"

	"github.com/auditfleet/auditfleet/version"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] != "version" {
		fmt.Fprintln(os.Stderr, "auditfleet-server: not implemented yet; only `version` is available")
		os.Exit(1)
	}
	fmt.Printf("auditfleet-server %s\n", version.String())
}
