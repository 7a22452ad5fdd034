// Package duration is a time.Duration that configuration files write as a
// Go duration string ("30s", "15m").
package duration
