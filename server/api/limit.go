package api

import (
	"fmt"
	"sync"
	"time"
)

// limiter is a per-key token bucket: rate tokens per second, up to burst.
// Keys idle for long are dropped so memory stays bounded by active hosts.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
	sweep   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(perMinute, burst int, now func() time.Time) *limiter {
	return &limiter{rate: float64(perMinute) / 60, burst: float64(burst), buckets: map[string]*bucket{}, now: now}
}

// allow takes a token for key, or reports how long until one is free.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.sweep) > 10*time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.last) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// budget bounds the bytes of report bodies the server holds at once,
// across all requests: decoding and assessing a report takes several
// times its size in memory, so without a bound enough concurrent reports
// exhaust it. Each host may have one report in flight, so that one host
// (or one stolen token) cannot hold the whole budget with slow uploads. A
// request that does not fit is refused at once (the agent retries later)
// rather than queued, so waiting requests hold nothing.
type budget struct {
	mu        sync.Mutex
	max, used int64
	holders   map[string]bool
}

// take reserves n bytes for host and returns ""; or it says why it
// cannot: host already has a report in flight, or n bytes do not fit.
func (b *budget) take(host string, n int64) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.holders[host] {
		return "the server is still receiving or assessing a report from this host"
	}
	if n > b.max-b.used {
		return fmt.Sprintf("the server holds as many report bytes as it may at once (%d)", b.max)
	}
	if b.holders == nil {
		b.holders = map[string]bool{}
	}
	b.holders[host] = true
	b.used += n
	return ""
}

// give returns the n bytes host took.
func (b *budget) give(host string, n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.holders, host)
	b.used -= n
}

// inUse returns the bytes taken now.
func (b *budget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
