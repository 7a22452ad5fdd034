package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// Version is the collector's own version.
const Version = "0.1.0"

const (
	passwdPath  = "/etc/passwd"
	shadowPath  = "/etc/shadow"
	groupPath   = "/etc/group"
	gshadowPath = "/etc/gshadow"
	// dbReadLimit bounds passwd, shadow, group and gshadow.
	dbReadLimit = 32 << 20
)

// defaultAdminGroups confer admin rights wherever they exist.
var defaultAdminGroups = []string{"sudo", "wheel", "admin"}

// Collector is the accounts collector. The zero value is ready to use.
type Collector struct{}

// New returns an accounts collector.
func New() *Collector { return &Collector{} }

// Info describes the collector; it does not read the host.
func (c *Collector) Info() sdk.Info {
	return sdk.Info{Name: "accounts", Version: Version, Namespace: Namespace, SchemaVersion: SchemaVersion}
}

// options are the collector's options (see the package documentation).
type options struct {
	ExtraAdminGroups []string `json:"extra_admin_groups"`
}

// parseOptions decodes the options object; invalid options add a
// warning and are ignored.
func parseOptions(raw json.RawMessage, w *sdk.Warnings) options {
	var o options
	if _, err := sdk.DecodeOptions(raw, &o); err != nil {
		w.Add("options: %v; using defaults", err)
		return options{}
	}
	return o
}

// Collect reads the host's accounts. It fails only when /etc/passwd
// cannot be read or ctx ends; every other problem is a warning.
func (c *Collector) Collect(ctx context.Context, req sdk.Request) (sdk.Response, error) {
	if req.Root == nil {
		return sdk.Response{}, errors.New("collect accounts: no host root")
	}
	var w sdk.Warnings
	facts, err := collect(ctx, req.Root, parseOptions(req.Options, &w), &w)
	if err != nil {
		return sdk.Response{}, fmt.Errorf("collect accounts: %w", err)
	}
	return sdk.Response{Facts: facts, Warnings: w}, nil
}

func collect(ctx context.Context, root *hostroot.Root, opts options, w *sdk.Warnings) (Facts, error) {
	data, err := root.ReadFile(passwdPath, dbReadLimit)
	if err != nil {
		return Facts{}, err
	}
	users, errs := parsePasswd(data)
	lineWarnings(w, "passwd: "+passwdPath, errs)
	var unread []string
	if len(errs) > 0 || !slices.ContainsFunc(users, func(u passwdEntry) bool { return u.UID == 0 }) {
		// Every system has root: a passwd without it was emptied or cut.
		if len(errs) == 0 {
			w.Add("passwd: %s has no account with UID 0: emptied or cut short", passwdPath)
		}
		unread = append(unread, passwdPath)
	}

	shadow, shadowReadable := readShadow(root, w)
	groups, groupsRead := readGroups(root, w)
	if !groupsRead {
		unread = append(unread, groupPath)
	}
	gshadow := readGshadow(root, w)
	db := newAccountDB(users, groups, gshadow)

	srcs, sudoUnread := loadSudoers(ctx, root, w)
	unread = append(unread, sudoUnread...)
	grants := newSudoResolver(db, srcs, w).resolve(srcs)
	adminGroups := adminGroupList(db, opts, grants)

	patterns := authorizedKeysPatterns(ctx, root, w)
	uids := make([]int, 0, len(db.users))
	for _, u := range db.users {
		uids = append(uids, u.UID)
	}
	logins := collectLogins(ctx, root, uids, w)
	if err := ctx.Err(); err != nil {
		return Facts{}, err
	}

	f := Facts{
		Users:          make([]User, 0, len(db.users)),
		Groups:         make([]Group, 0, len(db.groups)),
		AdminGroups:    adminGroups,
		SudoRules:      grants.Rules,
		LoginSources:   make([]LoginSource, 0, len(logins)),
		ShadowReadable: shadowReadable,
		UnreadSources:  unread,
	}
	for _, p := range db.users {
		u := User{
			Name:           p.Name,
			UID:            p.UID,
			GID:            p.GID,
			Home:           p.Home,
			Shell:          p.Shell,
			Interactive:    interactiveShell(p.Shell),
			Password:       Password{State: stateUnknown},
			Groups:         db.userGroups(p),
			AdminVia:       []string{},
			SudoNopasswd:   grants.Nopasswd[p.Name],
			AuthorizedKeys: userKeys(ctx, root, patterns, p, w),
			LastLogin:      lastLogin(p, logins),
		}
		if se, ok := shadow[p.Name]; ok {
			u.Password = se.Password
			u.ExpiresOn = se.ExpiresOn
		}
		if p.Passwd != "x" {
			// pam_unix consults shadow only when passwd says "x"; any other
			// value is the password hash itself.
			h := passwordFromHash(p.Passwd)
			u.Password.State, u.Password.Scheme = h.State, h.Scheme
		}
		if p.UID == 0 {
			u.AdminVia = append(u.AdminVia, "uid0")
		}
		for _, g := range adminGroups {
			if db.inGroup(p.Name, g) {
				u.AdminVia = append(u.AdminVia, "group:"+g)
			}
		}
		u.AdminVia = append(u.AdminVia, grants.AdminVia[p.Name]...)
		u.Admin = len(u.AdminVia) > 0
		f.Users = append(f.Users, u)
	}
	for _, g := range db.groups {
		f.Groups = append(f.Groups, Group{Name: g.Name, GID: g.GID, Members: db.groupMembers(g.Name)})
	}
	for _, s := range logins {
		f.LoginSources = append(f.LoginSources, s.Source)
	}
	return f, ctx.Err()
}

// readShadow reads /etc/shadow into a map by user name (first entry
// wins). readable is false when the file is missing or unreadable.
func readShadow(root *hostroot.Root, w *sdk.Warnings) (map[string]shadowEntry, bool) {
	data, err := root.ReadFile(shadowPath, dbReadLimit)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.Add("shadow: %v", err)
		}
		return nil, false
	}
	entries, errs := parseShadow(data)
	lineWarnings(w, "shadow: "+shadowPath, errs)
	m := make(map[string]shadowEntry, len(entries))
	for _, e := range entries {
		if _, dup := m[e.Name]; !dup {
			m[e.Name] = e
		}
	}
	return m, true
}

// readGroups reads /etc/group; read is false when it could not be read
// in full. Every system has one, so a missing file is unread too: no
// groups would hide admin group members.
func readGroups(root *hostroot.Root, w *sdk.Warnings) (groups []groupEntry, read bool) {
	data, err := root.ReadFile(groupPath, dbReadLimit)
	if err != nil {
		w.Add("group: %v", err)
		return nil, false
	}
	groups, errs := parseGroup(data)
	lineWarnings(w, "group: "+groupPath, errs)
	if !slices.ContainsFunc(groups, func(g groupEntry) bool { return g.GID == 0 }) {
		// Every system has a group 0: a group file without it was
		// emptied or cut.
		w.Add("group: %s has no group with GID 0: emptied or cut short", groupPath)
		return groups, false
	}
	return groups, len(errs) == 0
}

// readGshadow reads the members in /etc/gshadow; it is optional.
func readGshadow(root *hostroot.Root, w *sdk.Warnings) map[string][]string {
	data, err := root.ReadFile(gshadowPath, dbReadLimit)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.Add("gshadow: %v", err)
		}
		return nil
	}
	m, errs := parseGshadow(data)
	lineWarnings(w, "gshadow: "+gshadowPath, errs)
	return m
}

// adminGroupList returns the sorted admin groups: the default and extra
// ones that exist, and those sudoers grants all commands as root.
func adminGroupList(db *accountDB, opts options, grants sudoGrants) []string {
	out := []string{}
	for _, g := range slices.Concat(defaultAdminGroups, opts.ExtraAdminGroups) {
		if _, ok := db.groupGIDs[g]; ok {
			out = append(out, g)
		}
	}
	out = append(out, grants.Groups...)
	slices.Sort(out)
	return slices.Compact(out)
}
