//go:build linux

package pluginhost

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// collectorNice is the nice value collectors run at.
const collectorNice = 10

// ioprioIdle is ioprio_set's value for the idle I/O class: the collector
// gets the disk only when nothing else wants it.
const ioprioIdle = 3 << 13

// lowerThreadPriority gives the calling goroutine's OS thread, and so every
// process it starts, nice 10 and the idle I/O class. It locks the goroutine
// to the thread and never unlocks it, so the Go runtime ends the thread
// with the goroutine instead of reusing it for the agent's own work.
func lowerThreadPriority() error {
	runtime.LockOSThread()
	// On Linux both calls with who 0 change only the calling thread. An
	// agent already running nicer than collectorNice keeps its value.
	if nice, err := threadNice(); err != nil {
		return err
	} else if nice < collectorNice {
		if err := unix.Setpriority(unix.PRIO_PROCESS, 0, collectorNice); err != nil {
			return fmt.Errorf("set collector nice %d: %w", collectorNice, err)
		}
	}
	if _, _, e := unix.Syscall(unix.SYS_IOPRIO_SET, 1 /* IOPRIO_WHO_PROCESS */, 0, ioprioIdle); e != 0 {
		return fmt.Errorf("set collector I/O class idle: %w", e)
	}
	return nil
}

// threadNice returns the nice value of the calling thread.
func threadNice() (int, error) {
	f, err := statFields("/proc/thread-self/stat")
	if err != nil {
		return 0, err
	}
	nice, err := strconv.Atoi(f[16]) // field 19
	if err != nil {
		return 0, fmt.Errorf("read nice value: malformed stat")
	}
	return nice, nil
}

// statFields returns the fields of a /proc stat file from field 3 (state)
// on. The command name (field 2) may hold spaces and parentheses.
func statFields(path string) ([]string, error) {
	stat, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return nil, fmt.Errorf("read %s: malformed stat", path)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 22 {
		return nil, fmt.Errorf("read %s: %d fields, want at least 24", path, len(f)+2)
	}
	return f, nil
}

// usage is what a process has used so far.
type usage struct {
	cpu time.Duration
	rss int64
}

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// readUsage reads the CPU time (user and system) and resident memory of pid.
func readUsage(pid int) (usage, error) {
	f, err := statFields(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return usage{}, fmt.Errorf("read usage of pid %d: %w", pid, err)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)    // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64)    // field 15
	rssPages, err3 := strconv.ParseInt(f[21], 10, 64) // field 24
	if err1 != nil || err2 != nil || err3 != nil {
		return usage{}, fmt.Errorf("read usage of pid %d: malformed stat", pid)
	}
	return usage{cpu: time.Duration(utime+stime) * clockTick, rss: rssPages * int64(os.Getpagesize())}, nil
}

// setCPULimit sets RLIMIT_CPU of pid so the kernel kills the process
// (SIGKILL at the hard limit) should the watchdog not get to it first.
func setCPULimit(pid int, cpu time.Duration) error {
	secs := uint64((cpu + 2*time.Second + time.Second - 1) / time.Second)
	lim := unix.Rlimit{Cur: secs, Max: secs}
	if err := unix.Prlimit(pid, unix.RLIMIT_CPU, &lim, nil); err != nil {
		return fmt.Errorf("set CPU limit of pid %d: %w", pid, err)
	}
	return nil
}

// budgetsEnforced says whether this platform can hold collectors to their
// CPU-time and memory budgets.
const budgetsEnforced = true
