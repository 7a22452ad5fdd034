package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

//go:generate go run ./cmd/gen

// GeneratedBy is recorded in the generated document so that nobody edits it
// by hand.
const GeneratedBy = "go generate ./internal/lifecycle/... (do not edit)"

// Document is the normalised lifecycle data, loaded by OPA as data.lifecycle.
type Document struct {
	GeneratedBy string `json:"generated_by"`
	Source      Source `json:"source"`
	// OSReleaseIDs maps an os-release ID to the keys of the products that
	// may carry it, in the order the policy tries them.
	OSReleaseIDs map[string][]string `json:"os_release_ids"`
	// Products maps an endoflife.date product key to its lifecycle.
	Products map[string]Product `json:"products"`
}

// Source identifies the endoflife.date revision the document was built from.
type Source struct {
	Repository string `json:"repository"`
	Commit     string `json:"commit"`
	CommitDate string `json:"commit_date"`
	License    string `json:"license,omitempty"`
}

// Product is one operating system and its releases.
type Product struct {
	Title string `json:"title"`
	// Match says how to recognise the product from os-release; nil when
	// the product cannot be recognised from the os facts yet.
	Match *Match `json:"match,omitempty"`
	// ExtendedSupport describes support after the end of security support
	// (the releases' eoes dates); nil when the product offers none.
	ExtendedSupport *ExtendedSupport `json:"extended_support,omitempty"`
	// Releases maps a release cycle (e.g. "12", "22.04") to its dates.
	Releases map[string]Release `json:"releases"`
}

// Match recognises a product from os-release fields.
type Match struct {
	// IDs are the os-release ID values of the product.
	IDs []string `json:"ids"`
	// NameContains, when set, must occur in the lower-cased os-release
	// NAME; it tells apart products that share an ID.
	NameContains string `json:"name_contains,omitempty"`
	// VersionComponents lists how many (1 to MaxVersionComponents)
	// dot-separated components of VERSION_ID form the release cycle, tried
	// in order until one names a known release. Missing components are
	// padded with "0" (SLES "15" is cycle "15.0").
	VersionComponents []int `json:"version_components"`
}

// MaxVersionComponents bounds Match.VersionComponents; the Rego library
// pads VERSION_ID to this many components.
const MaxVersionComponents = 3

// Extended-support kinds.
const (
	// Free extended support applies to every host (Debian LTS).
	Free = "free"
	// Paid extended support applies only to hosts holding the entitlement.
	Paid = "paid"
)

// ExtendedSupport describes what covers a release between its end of
// security support (eol) and its end of extended support (eoes).
type ExtendedSupport struct {
	// Kind is Free or Paid.
	Kind string `json:"kind"`
	// Name is what the programme is called, e.g. "Debian LTS".
	Name string `json:"name"`
	// Entitlement is the entitlement name that grants a Paid programme,
	// as reported in the os facts or granted in config.
	Entitlement string `json:"entitlement,omitempty"`
}

// Release is one release cycle of a product.
type Release struct {
	Codename    string `json:"codename,omitempty"`
	ReleaseDate string `json:"release_date,omitempty"`
	// EOL is the end of security support.
	EOL Date `json:"eol"`
	// EOES is the end of extended support; nil when the release has none.
	EOES *Date `json:"eoes,omitempty"`
}

// Date is a lifecycle date as endoflife.date records it: a day, true (ended
// on an unknown day) or false (not ended, or not yet determined). It
// marshals back to the same three forms, so a policy can tell them apart.
type Date struct {
	// Day is "YYYY-MM-DD", or empty when the date is a boolean.
	Day string
	// Ended is the boolean form's value; meaningless when Day is set.
	Ended bool
}

// MarshalJSON encodes the day as a string, or the boolean.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.Day != "" {
		return json.Marshal(d.Day)
	}
	return json.Marshal(d.Ended)
}

// UnmarshalJSON accepts "YYYY-MM-DD", true or false.
func (d *Date) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("parse date: %w", err)
	}
	switch x := v.(type) {
	case bool:
		*d = Date{Ended: x}
		return nil
	case string:
		if _, err := time.Parse(time.DateOnly, x); err != nil {
			return fmt.Errorf("parse date %q: %w", x, err)
		}
		*d = Date{Day: x}
		return nil
	}
	return fmt.Errorf("parse date: want a YYYY-MM-DD string or a boolean, got %s", b)
}

// String returns the day, "ended" or "not ended".
func (d Date) String() string {
	switch {
	case d.Day != "":
		return d.Day
	case d.Ended:
		return "ended"
	}
	return "not ended"
}

// source is the layout of the endoflife.date reference file.
type source struct {
	Source     string                   `json:"source"`
	Commit     string                   `json:"commit"`
	CommitDate string                   `json:"commit_date"`
	License    string                   `json:"license"`
	Products   map[string]sourceProduct `json:"products"`
}

type sourceProduct struct {
	Title    string          `json:"title"`
	Releases []sourceRelease `json:"releases"`
}

type sourceRelease struct {
	ReleaseCycle string `json:"releaseCycle"`
	Codename     string `json:"codename"`
	ReleaseDate  *Date  `json:"releaseDate"`
	EOL          *Date  `json:"eol"`
	EOES         *Date  `json:"eoes"`
}

// Build converts an endoflife.date reference file into a Document, using
// the product table. It refuses products the table does not cover (and
// table entries the file lacks), so every product gets a decision.
func Build(raw []byte) (*Document, error) {
	var src source
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&src); err != nil {
		return nil, fmt.Errorf("decode lifecycle source: %w", err)
	}
	if src.Source == "" || src.Commit == "" {
		return nil, errors.New("decode lifecycle source: source and commit are required")
	}
	doc := &Document{
		GeneratedBy: GeneratedBy,
		Source: Source{
			Repository: src.Source,
			Commit:     src.Commit,
			CommitDate: src.CommitDate,
			License:    src.License,
		},
		OSReleaseIDs: map[string][]string{},
		Products:     map[string]Product{},
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(src.Products)) {
		if _, ok := policyFor(key); !ok {
			errs = append(errs, fmt.Errorf("product %q: not in the product table; add an entry to products.go", key))
		}
	}
	for _, pol := range productTable {
		sp, ok := src.Products[pol.Key]
		if !ok {
			errs = append(errs, fmt.Errorf("product %q: in the product table but not in the source", pol.Key))
			continue
		}
		p, err := buildProduct(pol, sp)
		if err != nil {
			errs = append(errs, fmt.Errorf("product %q: %w", pol.Key, err))
			continue
		}
		doc.Products[pol.Key] = p
		if p.Match != nil {
			for _, id := range p.Match.IDs {
				doc.OSReleaseIDs[id] = append(doc.OSReleaseIDs[id], pol.Key)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return doc, nil
}

func buildProduct(pol productPolicy, sp sourceProduct) (Product, error) {
	p := Product{
		Title:    sp.Title,
		Match:    pol.Match,
		Releases: map[string]Release{},
	}
	if pol.Extended.Kind != "" {
		ext := pol.Extended
		p.ExtendedSupport = &ext
	}
	if p.Title == "" {
		return p, errors.New("no title")
	}
	if m := pol.Match; m != nil {
		if len(m.IDs) == 0 || len(m.VersionComponents) == 0 {
			return p, errors.New("the table's match needs IDs and version components")
		}
		for _, n := range m.VersionComponents {
			if n < 1 || n > MaxVersionComponents {
				return p, fmt.Errorf("version component count %d is outside 1..%d", n, MaxVersionComponents)
			}
		}
	}
	withEOES := 0
	for _, sr := range sp.Releases {
		if sr.ReleaseCycle == "" {
			return p, errors.New("release without releaseCycle")
		}
		if _, dup := p.Releases[sr.ReleaseCycle]; dup {
			return p, fmt.Errorf("release %q: listed twice", sr.ReleaseCycle)
		}
		if sr.EOL == nil {
			return p, fmt.Errorf("release %q: no eol", sr.ReleaseCycle)
		}
		r := Release{Codename: sr.Codename, EOL: *sr.EOL, EOES: sr.EOES}
		if sr.ReleaseDate != nil {
			r.ReleaseDate = sr.ReleaseDate.Day
		}
		if r.EOES != nil {
			withEOES++
		}
		p.Releases[sr.ReleaseCycle] = r
	}
	switch {
	case withEOES > 0 && p.ExtendedSupport == nil:
		return p, errors.New("the source has extended-support dates but the table says the product has no extended support")
	case withEOES == 0 && p.ExtendedSupport != nil:
		return p, errors.New("the table declares extended support but no release has an eoes date")
	}
	return p, nil
}

// Marshal encodes the document deterministically (sorted keys, two-space
// indent, trailing newline), as committed in policies/lifecycle/data.json.
func (d *Document) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode lifecycle document: %w", err)
	}
	return buf.Bytes(), nil
}

// Generate builds and marshals the document for an endoflife.date
// reference file.
func Generate(raw []byte) ([]byte, error) {
	doc, err := Build(raw)
	if err != nil {
		return nil, err
	}
	return doc.Marshal()
}
