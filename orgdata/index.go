package orgdata

import "strings"

// Keys of the indexes AddLeaverIndexes and AddHostIndexes put in data.org.
const (
	// LeaversByUserKey indexes data.org.leavers by user name.
	LeaversByUserKey = "leavers_by_user"
	// LeaversByEmailKey indexes data.org.leavers by email address.
	LeaversByEmailKey = "leavers_by_email"
	// DataStoreHostsKey indexes data.org.data_stores by host.
	DataStoreHostsKey = "data_store_hosts"
	// PlanHostsKey indexes data.org.plans by the hosts and tags they
	// cover.
	PlanHostsKey = "plan_hosts"
)

// AddLeaverIndexes adds to doc, data.org as PolicyData returns it, the
// indexes of data.org.leavers the policies look a host's names up in:
// leavers_by_user maps each user name to its leaver, leavers_by_email each
// email address. Entries without a user name (or email address) are left
// out of that index; with doc["leavers"] not a list, nothing is added.
func AddLeaverIndexes(doc map[string]any) {
	list, ok := doc[string(KindLeavers)].([]any)
	if !ok {
		return
	}
	byUser, byEmail := map[string]any{}, map[string]any{}
	for _, l := range list {
		m, _ := l.(map[string]any)
		if user, ok := m["user"].(string); ok {
			byUser[user] = m
		}
		if email, ok := m["email"].(string); ok && email != "" {
			byEmail[email] = m
		}
	}
	doc[LeaversByUserKey], doc[LeaversByEmailKey] = byUser, byEmail
}

// AddHostIndexes adds to doc, data.org as PolicyData returns it, indexes
// of the register entries that apply to hosts by host glob, built once per
// upload so that the policies look a host up instead of matching every
// entry's globs on every host:
//
//   - data_store_hosts indexes data_stores: "names" maps a host name
//     written without glob syntax to the positions of the stores listing
//     it; "globs" maps every other pattern to the positions of the stores
//     listing it, grouped by the pattern's key (globKey: the first runes,
//     up to 3, of its literal prefix); and "any" lists the stores without
//     hosts (every host).
//   - plan_hosts indexes plans: by covers.hosts likewise ("names",
//     "globs"); "tags" maps each tag key and value of covers.tags to the
//     positions of the plans requiring it; and "ids" maps each plan ID to
//     its position (plans' IDs must then be distinct strings).
//
// Positions count from 0 and each list is in register order. An index is
// left out when an entry is not as PolicyData makes it (hosts not a list
// of strings, tag values not strings): the policies then match the
// register itself. Both lists and indexes come from the same upload, so
// they stay consistent.
func AddHostIndexes(doc map[string]any) {
	if stores, ok := doc[string(KindDataStores)].([]any); ok {
		if idx, ok := storeIndex(stores); ok {
			doc[DataStoreHostsKey] = idx
		}
	}
	if plans, ok := doc[string(KindPlans)].([]any); ok {
		if idx, ok := planIndex(plans); ok {
			doc[PlanHostsKey] = idx
		}
	}
}

// hostIndex gathers entry positions by host name and by glob.
type hostIndex struct {
	names, globs map[string]any
}

func newHostIndex() hostIndex {
	return hostIndex{names: map[string]any{}, globs: map[string]any{}}
}

// add files entry i under each of its host patterns; false when hosts is
// not a list of strings.
func (h hostIndex) add(i int, hosts any) bool {
	list, ok := hosts.([]any)
	if !ok {
		return false
	}
	seen := map[string]bool{}
	for _, p := range list {
		s, ok := p.(string)
		if !ok {
			return false
		}
		if seen[s] {
			continue // an entry is listed once per key
		}
		seen[s] = true
		if !strings.ContainsAny(s, globSyntax) {
			h.names[s] = appendPos(h.names[s], i)
			continue
		}
		key := globKey(s)
		byPattern, _ := h.globs[key].(map[string]any)
		if byPattern == nil {
			byPattern = map[string]any{}
			h.globs[key] = byPattern
		}
		byPattern[s] = appendPos(byPattern[s], i)
	}
	return true
}

// globSyntax are the characters with a meaning in OPA's glob.match
// patterns ("*", "?", "[...]", "{a,b}" and "\" escapes, "]" and "}" for
// good measure): a pattern without them matches exactly the host name it
// spells.
const globSyntax = `*?[]{}\`

// globKeyRunes is how much of a glob's literal prefix keys it.
const globKeyRunes = 3

// globKey is the start of pattern p's literal prefix (the runes before its
// first glob syntax), at most globKeyRunes runes: every name p matches
// starts with it, so a host looks up the keys its name starts with (its
// first 0 to globKeyRunes runes) and matches only the patterns there.
func globKey(p string) string {
	prefix := []rune(p[:strings.IndexAny(p, globSyntax)])
	return string(prefix[:min(len(prefix), globKeyRunes)])
}

func appendPos(list any, i int) []any {
	l, _ := list.([]any)
	return append(l, i)
}

func storeIndex(stores []any) (map[string]any, bool) {
	h := newHostIndex()
	all := []any{}
	for i, s := range stores {
		m, ok := s.(map[string]any)
		if !ok {
			return nil, false
		}
		hosts, present := m["hosts"]
		if !present || hosts == nil {
			all = append(all, i)
			continue
		}
		if !h.add(i, hosts) {
			return nil, false
		}
	}
	return map[string]any{"names": h.names, "globs": h.globs, "any": all}, true
}

func planIndex(plans []any) (map[string]any, bool) {
	h := newHostIndex()
	tags, ids := map[string]any{}, map[string]any{}
	for i, p := range plans {
		m, ok := p.(map[string]any)
		if !ok {
			return nil, false
		}
		id, ok := m["id"].(string)
		if _, dup := ids[id]; !ok || dup {
			return nil, false
		}
		ids[id] = i
		covers, ok := m["covers"].(map[string]any)
		if !ok {
			if _, present := m["covers"]; present {
				return nil, false
			}
			continue
		}
		if hosts, present := covers["hosts"]; present && !h.add(i, hosts) {
			return nil, false
		}
		t, present := covers["tags"]
		if !present {
			continue
		}
		tm, ok := t.(map[string]any)
		if !ok {
			return nil, false
		}
		for k, v := range tm {
			s, ok := v.(string)
			if !ok {
				return nil, false
			}
			byValue, _ := tags[k].(map[string]any)
			if byValue == nil {
				byValue = map[string]any{}
				tags[k] = byValue
			}
			byValue[s] = appendPos(byValue[s], i)
		}
	}
	return map[string]any{"ids": ids, "names": h.names, "globs": h.globs, "tags": tags}, true
}
