// Package accounts is the "accounts" collector: local users and groups,
// password state, admin rights (UID 0, admin groups, sudoers), SSH
// authorized keys and last logins, read through a host root.
//
// Sources, all read through hostroot:
//
//   - /etc/passwd (required: Collect fails only when it cannot be read),
//     /etc/shadow, /etc/group and /etc/gshadow;
//   - /etc/sudoers and everything it includes (#include, @include,
//     #includedir, @includedir);
//   - /etc/ssh/sshd_config and its Include files, for AuthorizedKeysFile,
//     and every user's authorized_keys files;
//   - last logins from /var/log/lastlog, /var/log/wtmp and /var/log/wtmp.1,
//     /var/lib/lastlog/lastlog2.db (util-linux lastlog2) and
//     /var/lib/wtmpdb/wtmp.db plus its rotated wtmp_*.db files (wtmpdb).
//     SQLite databases are opened read-only and never written or created.
//
// A missing source is a fact, not an error; an unreadable or corrupt one
// adds a warning and leaves the rest of the facts intact.
//
// Options (a JSON object; an unknown key, such as a misspelt option, is a
// warning and the options are ignored):
//
//	{"extra_admin_groups": ["ops"]}
//
// extra_admin_groups names further groups whose members are admins, in
// addition to sudo, wheel, admin and any group granted all commands as root
// in sudoers. Only groups that exist on the host are used.
package accounts
