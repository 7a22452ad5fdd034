package accounts

import "time"

// Namespace is where the account facts appear in the facts document.
const Namespace = "accounts"

// SchemaVersion is the version of the Facts layout.
const SchemaVersion = 1

// Facts is the "accounts" namespace: local accounts, groups, sudo rules,
// SSH keys and last logins.
type Facts struct {
	Users  []User  `json:"users"`
	Groups []Group `json:"groups"`
	// AdminGroups are the groups on this host that confer admin rights:
	// sudo, wheel and admin where they exist, plus any group granted a
	// sudoers rule that allows all commands.
	AdminGroups []string `json:"admin_groups"`
	// SudoRules are the user specifications from sudoers and its includes.
	SudoRules []SudoRule `json:"sudo_rules"`
	// LoginSources says which last-login sources were found and read.
	LoginSources []LoginSource `json:"login_sources"`
	// ShadowReadable is false when /etc/shadow could not be read, so
	// password states are "unknown".
	ShadowReadable bool `json:"shadow_readable"`
	// UnreadSources are the account databases (/etc/passwd, /etc/group,
	// sudoers and its includes) that exist, or must, but could not be
	// read in full: unreadable, a link to nothing, /etc/group missing,
	// with lines that do not parse, without root (UID or GID 0: emptied or
	// cut), or a sudoers file of binary data or cut inside its last line.
	// Users, groups, admins and sudo rules may then be missing. Omitted
	// when empty.
	UnreadSources []string `json:"unread_sources,omitempty"`
}

// User is one local account from passwd, joined with shadow, groups,
// sudoers, authorized_keys and the login records.
type User struct {
	Name  string `json:"name"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Home  string `json:"home"`
	Shell string `json:"shell"`
	// Interactive is true when the shell allows a login (not nologin,
	// false, sync, shutdown, halt, or empty-with-no-default).
	Interactive bool     `json:"interactive"`
	Password    Password `json:"password"`
	// ExpiresOn is the account expiry date (shadow field 8) as YYYY-MM-DD,
	// or empty when the account does not expire.
	ExpiresOn string `json:"expires_on,omitempty"`
	// Groups lists every group the user belongs to, primary first.
	Groups []string `json:"groups"`
	// Admin is true when the user can act as root: UID 0, membership of an
	// admin group, or a sudoers rule allowing all commands.
	Admin bool `json:"admin"`
	// AdminVia says why Admin is true: "uid0", "group:sudo",
	// "sudoers:/etc/sudoers.d/ops:3".
	AdminVia []string `json:"admin_via"`
	// SudoNopasswd is true when a sudoers rule lets the user run commands
	// without a password.
	SudoNopasswd   bool  `json:"sudo_nopasswd"`
	AuthorizedKeys []Key `json:"authorized_keys"`
	// LastLogin is the latest login found in any source.
	LastLogin LastLogin `json:"last_login"`
}

// Password is the state of a user's password from shadow.
type Password struct {
	// State is "set" (a usable hash), "empty" (no password needed),
	// "locked" ('!' before a hash), "disabled" ('*', '!' or '!!' alone: no
	// password login possible) or "unknown" (shadow unreadable or no entry).
	State string `json:"state"`
	// Scheme is the hash scheme when set or locked: "yescrypt", "sha512",
	// "sha256", "md5", "bcrypt", "des" or "unknown".
	Scheme string `json:"scheme,omitempty"`
	// LastChanged is shadow field 3 as YYYY-MM-DD; empty when unset or 0
	// means "must change at next login" (ChangeRequired).
	LastChanged    string `json:"last_changed,omitempty"`
	ChangeRequired bool   `json:"change_required,omitempty"`
	MaxDays        *int   `json:"max_days,omitempty"`
	InactiveDays   *int   `json:"inactive_days,omitempty"`
}

// Key is one SSH public key from an authorized_keys file.
type Key struct {
	File        string    `json:"file"`
	Line        int       `json:"line"`
	Type        string    `json:"type"`
	Fingerprint string    `json:"fingerprint"` // SHA256:...
	Comment     string    `json:"comment,omitempty"`
	Options     []string  `json:"options,omitempty"`
	FileModTime time.Time `json:"file_mod_time"`
}

// LastLogin is the latest login of a user across all sources.
type LastLogin struct {
	// State is "known" (Time is set), "never" (a complete per-user source
	// such as lastlog or lastlog2 was read and has no login for the user)
	// or "unknown" (no source could say).
	State  string     `json:"state"`
	Time   *time.Time `json:"time,omitempty"`
	Source string     `json:"source,omitempty"` // "wtmpdb", "lastlog2", "wtmp" or "lastlog"
	TTY    string     `json:"tty,omitempty"`
	Host   string     `json:"host,omitempty"`
}

// LoginSource reports one last-login source.
type LoginSource struct {
	Name    string `json:"name"` // "wtmpdb", "lastlog2", "wtmp", "lastlog"
	Path    string `json:"path"`
	Present bool   `json:"present"`
	// Records is how many login records were read from it.
	Records int    `json:"records"`
	Error   string `json:"error,omitempty"`
}

// Group is one group from /etc/group, with members from both group and
// gshadow (when readable) and users whose primary group it is.
type Group struct {
	Name    string   `json:"name"`
	GID     int      `json:"gid"`
	Members []string `json:"members"`
}

// SudoRule is one user specification from sudoers, expanded per principal.
type SudoRule struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Principal is the user, "%group" or alias as written.
	Principal string `json:"principal"`
	// Users are the local user names the rule applies to after expanding
	// groups and User_Alias.
	Users       []string `json:"users"`
	RunAs       string   `json:"run_as,omitempty"`
	Commands    []string `json:"commands"`
	AllCommands bool     `json:"all_commands"`
	Nopasswd    bool     `json:"nopasswd"`
}
