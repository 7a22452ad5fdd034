// Package baseline is the "baseline" collector: the facts behind the
// ICO-SEC-04 policy (secure baseline).
//
// It reads, through the host root:
//
//   - /etc/ssh/sshd_config and the files its Include lines name (relative
//     paths from /etc/ssh, globs in lexical order, nested up to 16 deep),
//     as sshd does: for a global setting the first value wins, Port lines
//     add up, and ChallengeResponseAuthentication is the same setting as
//     KbdInteractiveAuthentication. Settings left unset take OpenSSH's
//     defaults (PermitRootLogin prohibit-password, PasswordAuthentication
//     and KbdInteractiveAuthentication yes, PermitEmptyPasswords no, port
//     22). Settings inside Match blocks are reported as overrides, with
//     their criteria, file and line (keywords with characters other than
//     letters, such as X11Forwarding, are left out). A value sshd would
//     refuse is a warning and is ignored. sshd is null when neither the
//     configuration nor an sshd binary exists.
//   - /proc/net/tcp, tcp6, udp and udp6 for the sockets accepting
//     connections: TCP in LISTEN state (0A) and UDP bound to a port and
//     not connected (07). Addresses are decoded as printed by a
//     little-endian kernel. The owning process comes from the
//     "socket:[inode]" links in /proc/<pid>/fd and /proc/<pid>/comm where
//     readable (the lowest PID wins when processes share a socket).
//
// The facts cannot say that the sockets are unknown: when the host root
// has none of the /proc/net tables (a copied or offline root), listening
// is empty and a warning says so; ICO-SEC-04 then sees no reachable port.
// With neither sshd nor /proc/net the collector returns an error wrapping
// sdk.ErrNotApplicable. It takes no options; any given are a warning.
//
// Its JSON Schema is schemas/baseline.schema.json.
package baseline
