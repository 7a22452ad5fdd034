//go:build !linux

package cli

import "os"

func runLauncher() { os.Exit(1) }
