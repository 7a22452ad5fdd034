// Package baseline defines the "baseline" facts namespace, the contract
// between a future baseline collector and the ICO-SEC-04 policy (secure
// baseline).
//
// The collector is not implemented yet. It will read, through the host
// root, /etc/ssh/sshd_config and its Include files (global settings with
// OpenSSH's defaults applied, and Match blocks), and /proc/net/tcp, tcp6,
// udp and udp6 for listening sockets, with the owning process from
// /proc/<pid>/fd and comm where readable.
//
// Its JSON Schema is schemas/baseline.schema.json.
package baseline
