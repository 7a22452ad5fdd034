package pluginhost

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// budgetPoll is how often a collector's usage is read. A collector can
// overshoot its memory budget for at most this long before it is killed.
const budgetPoll = 100 * time.Millisecond

// budget holds one collector process to its CPU-time and memory budgets.
type budget struct {
	cpu time.Duration // 0: no CPU budget
	mem int64         // 0: no memory budget

	mu   sync.Mutex
	over string // what was over budget, once the process was killed for it
}

// watch reads the usage of pid every budgetPoll until the process is gone
// or stop is called, and calls kill once it is over budget. stop returns
// after the watching goroutine has.
func (b *budget) watch(pid int, kill func()) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(budgetPoll)
		defer t.Stop()
		for {
			u, err := readUsage(pid)
			if err != nil {
				return // gone; whoever waits on it reports why
			}
			if over := b.check(u); over != "" {
				b.mu.Lock()
				b.over = over
				b.mu.Unlock()
				kill()
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// check returns what u is over budget on, or "".
func (b *budget) check(u usage) string {
	switch {
	case b.cpu > 0 && u.cpu > b.cpu:
		return fmt.Sprintf("used %s of CPU time, over its budget of %s", u.cpu, b.cpu)
	case b.mem > 0 && u.rss > b.mem:
		return fmt.Sprintf("used %d bytes of memory, over its budget of %d", u.rss, b.mem)
	}
	return ""
}

// exceeded returns what the process was killed for being over, or "".
func (b *budget) exceeded() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.over
}
