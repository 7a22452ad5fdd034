package orgdata

// Keys of the indexes AddLeaverIndexes puts in data.org.
const (
	// LeaversByUserKey indexes data.org.leavers by user name.
	LeaversByUserKey = "leavers_by_user"
	// LeaversByEmailKey indexes data.org.leavers by email address.
	LeaversByEmailKey = "leavers_by_email"
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
