package accounts

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// maxAliasDepth bounds alias expansion, which stops alias loops.
const maxAliasDepth = 32

// match is the tri-state result of matching a sudoers list, as in sudo:
// the last list member that matches decides.
type match int

const (
	unspec match = iota
	allow
	deny
)

func (m match) negate(neg bool) match {
	if !neg || m == unspec {
		return m
	}
	if m == allow {
		return deny
	}
	return allow
}

// sudoGrants is what sudoers grants the local users.
type sudoGrants struct {
	Rules []SudoRule
	// Groups are groups named in rules that allow all commands as root.
	Groups []string
	// AdminVia maps a user to the "sudoers:<file>:<line>" of each rule
	// that allows them all commands as root, in rule order.
	AdminVia map[string][]string
	// Nopasswd holds the users with any NOPASSWD rule.
	Nopasswd map[string]bool
}

// sudoResolver expands sudoers user specifications against the local
// account database.
type sudoResolver struct {
	db      *accountDB
	aliases map[string]sudoAlias // by kind + " " + name
}

// newSudoResolver collects the aliases of all sources; a redefined alias
// keeps its first definition and adds a warning.
func newSudoResolver(db *accountDB, srcs []sudoersSource, w *sdk.Warnings) *sudoResolver {
	r := &sudoResolver{db: db, aliases: make(map[string]sudoAlias)}
	for _, s := range srcs {
		for _, a := range s.File.Aliases {
			k := a.Kind + " " + a.Name
			if _, dup := r.aliases[k]; dup {
				w.Add("sudoers: %s:%d: %s %s already defined, ignored", s.Path, a.Line, a.Kind, a.Name)
				continue
			}
			r.aliases[k] = a
		}
	}
	return r
}

func (r *sudoResolver) alias(kind, name string) (sudoAlias, bool) {
	a, ok := r.aliases[kind+" "+name]
	return a, ok
}

// resolve turns every user specification into SudoRules, one per
// principal and per run of commands sharing run-as list and NOPASSWD.
func (r *sudoResolver) resolve(srcs []sudoersSource) sudoGrants {
	g := sudoGrants{Rules: []SudoRule{}, AdminVia: map[string][]string{}, Nopasswd: map[string]bool{}}
	groups := map[string]bool{}
	for _, s := range srcs {
		for _, spec := range s.File.Specs {
			cands := r.candidates(spec.Users)
			for _, seg := range segments(spec.Cmnds) {
				cmds := make([]string, 0, len(seg))
				items := make([]sudoItem, 0, len(seg))
				for _, c := range seg {
					cmds = append(cmds, c.Cmnd.String())
					items = append(items, c.Cmnd)
				}
				all := r.allCommands(items)
				asRoot := all && r.runAsRoot(seg[0].RunAs)
				via := fmt.Sprintf("sudoers:%s:%d", s.Path, spec.Line)
				for _, p := range spec.Users {
					if p.Negated {
						continue
					}
					users := []string{}
					for _, u := range cands {
						if r.userItem(p.Value, u, 0) == allow && r.userList(spec.Users, u, 0) == allow {
							users = append(users, u)
						}
					}
					g.Rules = append(g.Rules, SudoRule{
						File:        s.Path,
						Line:        spec.Line,
						Principal:   p.Value,
						Users:       users,
						RunAs:       seg[0].RunAs,
						Commands:    slices.Clone(cmds),
						AllCommands: all,
						Nopasswd:    seg[0].Nopasswd,
					})
					for _, u := range users {
						if asRoot && !slices.Contains(g.AdminVia[u], via) {
							g.AdminVia[u] = append(g.AdminVia[u], via)
						}
						if seg[0].Nopasswd {
							g.Nopasswd[u] = true
						}
					}
					if asRoot {
						for _, grp := range r.principalGroups(p.Value, 0) {
							groups[grp] = true
						}
					}
				}
			}
		}
	}
	slices.SortStableFunc(g.Rules, func(a, b SudoRule) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	for grp := range groups {
		g.Groups = append(g.Groups, grp)
	}
	slices.Sort(g.Groups)
	return g
}

// segments splits a command list into runs sharing run-as list and
// NOPASSWD.
func segments(cmnds []sudoCmnd) [][]sudoCmnd {
	var out [][]sudoCmnd
	for i, c := range cmnds {
		if i == 0 || c.RunAs != cmnds[i-1].RunAs || c.Nopasswd != cmnds[i-1].Nopasswd {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], c)
	}
	return out
}

// candidates are the user names a specification may apply to: every
// local user, plus users it names that have no local account.
func (r *sudoResolver) candidates(items []sudoItem) []string {
	extra := map[string]bool{}
	var walk func(items []sudoItem, depth int)
	walk = func(items []sudoItem, depth int) {
		for _, it := range items {
			v := it.Value
			if a, ok := r.alias("User_Alias", v); ok {
				if depth < maxAliasDepth {
					walk(a.Items, depth+1)
				}
				continue
			}
			if v == "" || v == "ALL" || strings.ContainsAny(v[:1], "%#+") {
				continue
			}
			if _, local := r.db.byName[v]; !local {
				extra[v] = true
			}
		}
	}
	walk(items, 0)
	if len(extra) == 0 {
		return r.db.names
	}
	out := slices.Clone(r.db.names)
	for n := range extra {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// userList matches user against a user list: the last member that
// matches decides.
func (r *sudoResolver) userList(items []sudoItem, user string, depth int) match {
	for i := len(items) - 1; i >= 0; i-- {
		if m := r.userItem(items[i].Value, user, depth); m != unspec {
			return m.negate(items[i].Negated)
		}
	}
	return unspec
}

// userItem matches user against one user-list member. Non-Unix groups
// ("%:name") and netgroups ("+name") cannot be resolved locally and never
// match, so a negated one never takes rights away.
func (r *sudoResolver) userItem(v, user string, depth int) match {
	hit := func(ok bool) match {
		if ok {
			return allow
		}
		return unspec
	}
	switch {
	case v == "ALL":
		return allow
	case strings.HasPrefix(v, "%:"), strings.HasPrefix(v, "+"):
		return unspec
	case strings.HasPrefix(v, "%#"):
		gid, err := strconv.Atoi(v[2:])
		return hit(err == nil && r.db.inGID(user, gid))
	case strings.HasPrefix(v, "%"):
		return hit(r.db.inGroup(user, v[1:]))
	case strings.HasPrefix(v, "#"):
		uid, err := strconv.Atoi(v[1:])
		u, ok := r.db.byName[user]
		return hit(err == nil && ok && u.UID == uid)
	}
	if a, ok := r.alias("User_Alias", v); ok {
		if depth >= maxAliasDepth {
			return unspec
		}
		return r.userList(a.Items, user, depth+1)
	}
	return hit(v == user)
}

// principalGroups returns the groups a principal names ("%name", "%#gid",
// or through a User_Alias).
func (r *sudoResolver) principalGroups(v string, depth int) []string {
	switch {
	case strings.HasPrefix(v, "%:"):
		return nil
	case strings.HasPrefix(v, "%#"):
		gid, err := strconv.Atoi(v[2:])
		if err != nil {
			return nil
		}
		return []string{r.db.groupName(gid)}
	case strings.HasPrefix(v, "%"):
		return []string{v[1:]}
	}
	a, ok := r.alias("User_Alias", v)
	if !ok || depth >= maxAliasDepth {
		return nil
	}
	var out []string
	for _, it := range a.Items {
		if !it.Negated {
			out = append(out, r.principalGroups(it.Value, depth+1)...)
		}
	}
	return out
}

// allCommands reports whether a command list allows every command: it
// contains ALL (directly or through a Cmnd_Alias) and no later !ALL.
// Negated single commands do not count, as sudo itself warns they are
// easily bypassed.
func (r *sudoResolver) allCommands(items []sudoItem) bool {
	all := false
	var walk func(items []sudoItem, neg bool, depth int)
	walk = func(items []sudoItem, neg bool, depth int) {
		for _, it := range items {
			n := neg != it.Negated
			if it.Value == "ALL" {
				all = !n
				continue
			}
			if a, ok := r.alias("Cmnd_Alias", it.Value); ok && depth < maxAliasDepth {
				walk(a.Items, n, depth+1)
			}
		}
	}
	walk(items, false, 0)
	return all
}

// runAsRoot reports whether a run-as list ("" when none, else the text
// inside the parentheses) lets commands run as root. No list means root;
// a list with only a group part runs as the invoking user. Members that
// cannot be resolved locally count as root.
func (r *sudoResolver) runAsRoot(runAs string) bool {
	if runAs == "" {
		return true
	}
	userPart := runAsUsers(runAs)
	if userPart == "" {
		return false
	}
	sc := &sudoScanner{s: userPart}
	items, err := sc.list()
	if err != nil {
		return true
	}
	return r.runAsList(items, 0) == allow
}

// runAsUsers returns the user part of a run-as list: the text before the
// ":" that starts the group part (not the ":" of a "%:group").
func runAsUsers(runAs string) string {
	for i := 0; i < len(runAs); i++ {
		switch {
		case runAs[i] == '\\':
			i++
		case runAs[i] == ':' && (i == 0 || runAs[i-1] != '%'):
			return runAs[:i]
		}
	}
	return runAs
}

func (r *sudoResolver) runAsList(items []sudoItem, depth int) match {
	for i := len(items) - 1; i >= 0; i-- {
		if m := r.runAsItem(items[i], depth); m != unspec {
			return m.negate(items[i].Negated)
		}
	}
	return unspec
}

func (r *sudoResolver) runAsItem(it sudoItem, depth int) match {
	v := it.Value
	switch {
	case v == "ALL" || v == "root" || v == "#0":
		return allow
	case strings.HasPrefix(v, "%:"), strings.HasPrefix(v, "+"):
		if it.Negated {
			return unspec
		}
		return allow
	case strings.HasPrefix(v, "%"):
		for _, u := range r.db.users {
			if u.UID == 0 && r.userItem(v, u.Name, 0) == allow {
				return allow
			}
		}
		return unspec
	}
	if a, ok := r.alias("Runas_Alias", v); ok {
		if depth >= maxAliasDepth {
			return unspec
		}
		return r.runAsList(a.Items, depth+1)
	}
	if u, ok := r.db.byName[v]; ok && u.UID == 0 {
		return allow
	}
	return unspec
}
