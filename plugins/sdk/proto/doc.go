// Package proto holds the collector plugin protocol (collector.proto) and
// the Go code protoc generates from it; regenerate with `make proto`.
package proto
