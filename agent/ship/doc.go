// Package ship sends the host's facts to the server: once (check in,
// collect, deliver, return) or once per audit cycle in a loop that spreads
// the fleet's reports over the cycle's jitter window, retries the spool
// with backoff, and stops when its context ends. Time and randomness are
// injected, so the loop is tested without waiting.
package ship
