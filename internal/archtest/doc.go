// Package archtest holds repository-wide tests of the architecture: every
// package documents itself once, the agent never links server code,
// collectors stay independent of the agent, only the plugin host starts
// processes, and test-helper packages are imported by tests only.
package archtest
