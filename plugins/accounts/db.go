package accounts

import (
	"cmp"
	"fmt"
	"slices"
)

// accountDB indexes the users and groups of a host for the joins the
// collector makes.
type accountDB struct {
	// users are the passwd entries sorted by UID, then name.
	users []passwdEntry
	// names are the distinct user names, sorted.
	names  []string
	byName map[string]passwdEntry
	// groups are the group entries sorted by GID, then name.
	groups    []groupEntry
	groupGIDs map[string]int
	gidNames  map[int][]string
	// members maps a group name to the users in it: listed in group or
	// gshadow, or having it as primary group.
	members map[string]map[string]bool
	// memberOf maps a user name to the groups listing it (in group or
	// gshadow), in GID order.
	memberOf map[string][]string
}

// newAccountDB joins passwd, group and (optional, may be nil) gshadow
// members.
func newAccountDB(users []passwdEntry, groups []groupEntry, gshadow map[string][]string) *accountDB {
	db := &accountDB{
		byName:    make(map[string]passwdEntry, len(users)),
		groupGIDs: make(map[string]int, len(groups)),
		gidNames:  make(map[int][]string, len(groups)),
		members:   make(map[string]map[string]bool, len(groups)),
		memberOf:  make(map[string][]string, len(users)),
	}
	db.users = slices.Clone(users)
	slices.SortStableFunc(db.users, func(a, b passwdEntry) int {
		return cmp.Or(cmp.Compare(a.UID, b.UID), cmp.Compare(a.Name, b.Name))
	})
	for _, u := range users {
		if _, dup := db.byName[u.Name]; !dup {
			db.byName[u.Name] = u
			db.names = append(db.names, u.Name)
		}
	}
	slices.Sort(db.names)

	db.groups = slices.Clone(groups)
	slices.SortStableFunc(db.groups, func(a, b groupEntry) int {
		return cmp.Or(cmp.Compare(a.GID, b.GID), cmp.Compare(a.Name, b.Name))
	})
	for _, g := range db.groups {
		if _, dup := db.groupGIDs[g.Name]; dup {
			continue
		}
		db.groupGIDs[g.Name] = g.GID
		db.gidNames[g.GID] = append(db.gidNames[g.GID], g.Name)
		set := make(map[string]bool, len(g.Members))
		for _, m := range g.Members {
			set[m] = true
		}
		for _, m := range gshadow[g.Name] {
			set[m] = true
		}
		db.members[g.Name] = set
		for m := range set {
			db.memberOf[m] = append(db.memberOf[m], g.Name)
		}
	}
	for _, u := range users {
		for _, g := range db.gidNames[u.GID] {
			db.members[g][u.Name] = true
		}
	}
	return db
}

// inGroup reports whether user is a member of the named group.
func (db *accountDB) inGroup(user, group string) bool { return db.members[group][user] }

// inGID reports whether user is a member of a group with this GID.
func (db *accountDB) inGID(user string, gid int) bool {
	for _, g := range db.gidNames[gid] {
		if db.members[g][user] {
			return true
		}
	}
	if u, ok := db.byName[user]; ok && u.GID == gid {
		return true
	}
	return false
}

// groupMembers returns the sorted members of a group.
func (db *accountDB) groupMembers(group string) []string {
	out := make([]string, 0, len(db.members[group]))
	for m := range db.members[group] {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// userGroups returns the groups of user, the primary group first and the
// rest in GID order.
func (db *accountDB) userGroups(u passwdEntry) []string {
	primary := db.gidNames[u.GID]
	out := slices.Clone(primary)
	if out == nil {
		out = []string{}
	}
	for _, g := range db.memberOf[u.Name] {
		if !slices.Contains(primary, g) {
			out = append(out, g)
		}
	}
	return out
}

// groupName names a GID for messages: its group name, or "#gid".
func (db *accountDB) groupName(gid int) string {
	if n := db.gidNames[gid]; len(n) > 0 {
		return n[0]
	}
	return fmt.Sprintf("#%d", gid)
}
