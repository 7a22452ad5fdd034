// Package state keeps what the agent must remember between runs in its
// state directory: the credentials from enrollment (a 0600 file, written
// atomically, refused when others can read it), the last audit cycle it
// reported in, and the location of the report spool.
package state
