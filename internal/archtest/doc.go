// Package archtest holds repository-wide tests of the architecture: every
// package documents itself once, the agent never links server code,
// collectors stay independent of the agent, and only the plugin host
// starts processes.
package archtest
