package baseline

// Namespace is where the baseline facts appear in the facts document.
const Namespace = "baseline"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "baseline" namespace: the secure-configuration settings the
// ICO-SEC-04 policy compares with the organisation's baseline, namely the
// OpenSSH server's authentication settings and the sockets accepting
// connections.
type Facts struct {
	// SSHD is the OpenSSH server's effective configuration; null when no
	// sshd is installed.
	SSHD *SSHD `json:"sshd"`
	// Listening lists the sockets accepting connections: TCP sockets in
	// LISTEN state and bound UDP sockets, from /proc/net; null when they
	// cannot be known (no /proc/net under the host root, or a table there
	// unreadable, missing or cut short), never empty for unknown.
	Listening []Socket `json:"listening"`
}

// SSHD is the effective global configuration of the OpenSSH server, with
// OpenSSH's defaults applied to settings the files leave unset.
type SSHD struct {
	// ConfigFiles are the files read, main file first, then Include files
	// in the order sshd reads them.
	ConfigFiles []string `json:"config_files"`
	// PermitRootLogin is "yes", "prohibit-password", "forced-commands-only"
	// or "no" ("without-password" is reported as "prohibit-password").
	PermitRootLogin string `json:"permit_root_login"`
	// PasswordAuthentication is true when passwords are accepted.
	PasswordAuthentication bool `json:"password_authentication"`
	// KbdInteractiveAuthentication is true when keyboard-interactive
	// authentication (which PAM typically answers with a password) is on
	// (ChallengeResponseAuthentication in older releases).
	KbdInteractiveAuthentication bool `json:"kbd_interactive_authentication"`
	// PermitEmptyPasswords is true when accounts with an empty password may
	// log in.
	PermitEmptyPasswords bool `json:"permit_empty_passwords"`
	// Ports are the TCP ports sshd is configured to listen on.
	Ports []int `json:"ports"`
	// MatchOverrides are settings changed inside Match blocks, which apply
	// only to the connections the block matches.
	MatchOverrides []Override `json:"match_overrides"`
	// Unread are the configuration files that exist but could not be read
	// in full, each as "<path>: <reason>" (unreadable, a link to nothing,
	// binary data, cut short, lines that do not parse): the effective
	// configuration is then unknown, which is not the same as no sshd
	// (SSHD null). Omitted when every file was read.
	Unread []string `json:"unread,omitempty"`
}

// Override is one setting inside an sshd Match block.
type Override struct {
	// Criteria is the Match line's criteria as written, e.g. "User backup"
	// or "Address 10.0.0.0/8".
	Criteria string `json:"criteria"`
	// Keyword is the setting, lower-cased, e.g. "passwordauthentication".
	Keyword string `json:"keyword"`
	// Value is the value as written, lower-cased, e.g. "yes".
	Value string `json:"value"`
	// File is the configuration file holding it.
	File string `json:"file"`
	// Line is its line number in File (from 1).
	Line int `json:"line"`
}

// Socket is one socket accepting connections.
type Socket struct {
	// Protocol is "tcp" or "udp" (IPv4 and IPv6 alike).
	Protocol string `json:"protocol"`
	// Address is the local address it is bound to, e.g. "0.0.0.0", "::",
	// "127.0.0.1", "10.0.0.5".
	Address string `json:"address"`
	// Port is the local port.
	Port int `json:"port"`
	// Loopback is true when the address is a loopback address, so only
	// the host itself can connect.
	Loopback bool `json:"loopback"`
	// Process is the command name (comm) of the process owning the
	// socket; empty when it could not be read.
	Process string `json:"process"`
	// PID is the owning process's ID; 0 when it could not be read.
	PID int `json:"pid"`
}
