// Package hosttags reads a host's tags file (/etc/auditfleet/tags), in
// which a host declares its tags, its continuity plans and whether it is
// a continuity system: the continuity collector reports the declaration,
// and the change collector takes the env tag from it.
package hosttags
