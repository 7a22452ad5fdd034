package waiver

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// DefaultWindow is how many days ahead Review looks for waivers about to
// expire when given no window.
const DefaultWindow = 30

// Entry is one waiver as a Report lists it.
type Entry struct {
	ID       string            `json:"id"`
	Control  string            `json:"control_id"`
	Hosts    []string          `json:"hosts,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
	Subject  string            `json:"subject,omitempty"`
	Reason   string            `json:"reason"`
	Approver string            `json:"approver"`
	Created  string            `json:"created"`
	Expires  string            `json:"expires"`
	// DaysLeft is the number of days from the review day to the expiry
	// day: 0 on its last day, negative once expired.
	DaysLeft int `json:"days_left"`
	// Covered is how many failing results it covered, in whole or in part.
	Covered int `json:"covered"`
}

// Report is a fleet-level review of the waivers at one moment. A waiver
// can be in several lists (stale and expiring, say). Each list is sorted
// by expiry date, then ID.
type Report struct {
	// Active are the waivers that apply now.
	Active []Entry `json:"active"`
	// Stale are active waivers that covered no failure anywhere: the
	// failure was fixed, or the selector or subject is wrong. Retire or
	// correct them.
	Stale []Entry `json:"stale"`
	// Expiring are active waivers whose expiry day is within the window.
	Expiring []Entry `json:"expiring"`
	// Expired are waivers whose expiry day has passed; they no longer
	// apply.
	Expired []Entry `json:"expired"`
	// Pending are waivers whose created day has not come yet.
	Pending []Entry `json:"pending"`
}

// Review sorts the waivers into a Report at now, given what they covered
// across the fleet (the Usage of every host's Apply, added together). A
// waiver is expiring when its expiry day is at most window days after the
// review day (UTC); window <= 0 means DefaultWindow.
func Review(waivers []Waiver, used Usage, now time.Time, window int) Report {
	if window <= 0 {
		window = DefaultWindow
	}
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	rep := Report{Active: []Entry{}, Stale: []Entry{}, Expiring: []Entry{}, Expired: []Entry{}, Pending: []Entry{}}
	for _, w := range waivers {
		e := Entry{
			ID: w.ID, Control: w.Control, Hosts: slices.Clone(w.Hosts), Tags: maps.Clone(w.Tags), Subject: w.Subject,
			Reason: w.Reason, Approver: w.Approver,
			Created: w.Created.Format(DateLayout), Expires: w.Expires.Format(DateLayout),
			DaysLeft: int(w.Expires.Sub(today).Hours()) / 24,
			Covered:  used[w.ID],
		}
		switch {
		case w.Expired(now):
			rep.Expired = append(rep.Expired, e)
		case !w.Active(now):
			rep.Pending = append(rep.Pending, e)
		default:
			rep.Active = append(rep.Active, e)
			if e.Covered == 0 {
				rep.Stale = append(rep.Stale, e)
			}
			if e.DaysLeft <= window {
				rep.Expiring = append(rep.Expiring, e)
			}
		}
	}
	for _, list := range [][]Entry{rep.Active, rep.Stale, rep.Expiring, rep.Expired, rep.Pending} {
		slices.SortStableFunc(list, func(a, b Entry) int {
			return cmp.Or(cmp.Compare(a.Expires, b.Expires), cmp.Compare(a.ID, b.ID))
		})
	}
	return rep
}
