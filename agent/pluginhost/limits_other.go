//go:build !linux

package pluginhost

import (
	"errors"
	"time"
)

// lowerThreadPriority does nothing here: only Linux gives a thread a
// priority its child processes inherit. The service manager's settings
// (see deploy/) apply instead.
func lowerThreadPriority() error { return nil }

// usage is what a process has used so far.
type usage struct {
	cpu time.Duration
	rss int64
}

var errNoUsage = errors.New("reading a process's usage is only implemented on Linux")

// readUsage is not implemented off Linux.
func readUsage(int) (usage, error) { return usage{}, errNoUsage }

// setCPULimit does nothing off Linux.
func setCPULimit(int, time.Duration) error { return nil }

// budgetsEnforced says whether this platform can hold collectors to their
// CPU-time and memory budgets.
const budgetsEnforced = false
