// Package pluginhost runs collector plugins for the agent: it discovers
// them through their manifests, refuses any binary whose SHA-256 does not
// match or that others could have replaced, starts each one with no host
// environment over mutually authenticated gRPC, bounds it with a timeout,
// and turns every crash, hang or garbage answer into a collector error
// instead of an agent failure.
package pluginhost
