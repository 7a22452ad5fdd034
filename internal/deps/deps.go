// Package deps pins modules that packages under construction will import.
// Temporary: delete once every module here is imported by real code.
package deps

import (
	_ "github.com/open-policy-agent/opa/v1/rego"
	_ "github.com/shirou/gopsutil/v4/host"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/crypto/ssh"
	_ "modernc.org/sqlite"
	_ "sigs.k8s.io/yaml"
)
