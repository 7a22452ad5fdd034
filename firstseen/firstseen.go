package firstseen

import (
	"maps"
	"time"
)

// Update names a pending update: a package and the version it would
// install.
type Update struct {
	Package   string
	Candidate string
}

func (u Update) key() string { return u.Package + " " + u.Candidate }

// Sighting is the first report that showed an update pending.
type Sighting struct {
	// At is that report's collection time.
	At time.Time `json:"first_seen"`
	// Report is that report's ID.
	Report string `json:"report_id,omitempty"`
}

// Record is what one host's reports showed pending, first seen when.
type Record struct {
	// Host identifies the host the record is of (its host ID on the
	// server, its host name and machine ID on an agent), so that a record
	// is never applied to another host.
	Host string `json:"host"`
	// Collected is the collection time of the newest report folded in.
	Collected time.Time `json:"collected_at"`
	// Updates maps "<package> <candidate version>" to its first sighting.
	Updates map[string]Sighting `json:"updates"`
}

// Lookup returns the first sighting of u, if the record has one.
func (r *Record) Lookup(u Update) (Sighting, bool) {
	if r == nil {
		return Sighting{}, false
	}
	s, ok := r.Updates[u.key()]
	return s, ok
}

// Apply returns the record of host with the updates pending in a report
// collected at `at` (report ID id) folded in: an update not seen before,
// or seen only later (reports can arrive out of order), is first seen
// then. Updates the newest report no longer shows are dropped (they were
// installed, or their candidate changed): only the newest report says
// what is pending now. A record of another host starts afresh.
func (r *Record) Apply(host string, pending []Update, at time.Time, id string) Record {
	next := Record{Host: host, Updates: map[string]Sighting{}}
	if r != nil && r.Host == host {
		next.Collected = r.Collected
		maps.Copy(next.Updates, r.Updates)
	}
	at = at.UTC()
	newest := !at.Before(next.Collected)
	seen := make(map[string]bool, len(pending))
	for _, u := range pending {
		k := u.key()
		seen[k] = true
		if s, ok := next.Updates[k]; !ok || at.Before(s.At) {
			next.Updates[k] = Sighting{At: at, Report: id}
		}
	}
	if newest {
		next.Collected = at
		maps.DeleteFunc(next.Updates, func(k string, _ Sighting) bool { return !seen[k] })
	}
	return next
}
