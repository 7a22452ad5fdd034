// Package cycle computes audit cycles from the configured cron schedule:
// which cycle a moment falls in, its deadline, and the cycles in a range.
package cycle
