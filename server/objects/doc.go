// Package objects reads and writes JSON documents in the server's object
// storage, over the small interface every storage backend satisfies.
package objects
