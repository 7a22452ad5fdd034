package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// ParseDocument decodes a lifecycle document (the layout of
// policies/lifecycle/data.json) strictly, unknown fields and trailing data
// refused, and checks it with Validate. It is what a lifecycle document
// from outside the build (bundle build --lifecycle) goes through before
// the policies may read it.
func ParseDocument(raw []byte) (*Document, error) {
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode lifecycle document: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode lifecycle document: trailing data after the document")
	}
	// Release.EOL is not a pointer, so a missing eol would decode as
	// false ("not ended"): the one mistake that would pass every host.
	var eols struct {
		Products map[string]struct {
			Releases map[string]map[string]json.RawMessage `json:"releases"`
		} `json:"products"`
	}
	if err := json.Unmarshal(raw, &eols); err != nil {
		return nil, fmt.Errorf("decode lifecycle document: %w", err)
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(eols.Products)) {
		rels := eols.Products[key].Releases
		for _, cycle := range slices.Sorted(maps.Keys(rels)) {
			if _, ok := rels[cycle]["eol"]; !ok {
				errs = append(errs, fmt.Errorf("product %q: release %q: no eol", key, cycle))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("lifecycle document: %w", err)
	}
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	return &doc, nil
}

// Validate checks what the ICO-SEC-01 policy relies on: a named source
// revision (results record it), products with a title, a valid
// os-release match and extended-support entry, releases whose dates
// parse and whose eoes dates go with a declared extended-support
// programme, and an os_release_ids index that lists exactly the IDs the
// products match, naming products that exist.
func (d *Document) Validate() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if d.Source.Repository == "" || d.Source.Commit == "" {
		fail("source: repository and commit are required (every ICO-SEC-01 result records them)")
	}
	if len(d.Products) == 0 {
		fail("no products")
	}
	indexed := map[string]bool{} // "id\x00product" pairs the index lists
	for _, id := range slices.Sorted(maps.Keys(d.OSReleaseIDs)) {
		keys := d.OSReleaseIDs[id]
		if id == "" || len(keys) == 0 {
			fail("os_release_ids[%q]: want a non-empty ID naming at least one product", id)
		}
		for _, key := range keys {
			p, ok := d.Products[key]
			switch {
			case !ok:
				fail("os_release_ids[%q]: product %q is not in products", id, key)
			case p.Match == nil || !slices.Contains(p.Match.IDs, id):
				fail("os_release_ids[%q]: product %q does not match ID %q", id, key, id)
			case indexed[id+"\x00"+key]:
				fail("os_release_ids[%q]: product %q listed twice", id, key)
			}
			indexed[id+"\x00"+key] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(d.Products)) {
		p := d.Products[key]
		for _, err := range p.problems() {
			fail("product %q: %w", key, err)
		}
		if p.Match != nil {
			for _, id := range p.Match.IDs {
				if !indexed[id+"\x00"+key] {
					fail("product %q: matches ID %q but os_release_ids[%q] does not list it", key, id, id)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("lifecycle document: %w", err)
	}
	return nil
}

// problems lists what is wrong with one product.
func (p Product) problems() []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.Title == "" {
		fail("no title")
	}
	if m := p.Match; m != nil {
		if len(m.IDs) == 0 || slices.Contains(m.IDs, "") {
			fail("match: ids must be non-empty os-release IDs")
		}
		if len(m.VersionComponents) == 0 {
			fail("match: no version_components")
		}
		for _, n := range m.VersionComponents {
			if n < 1 || n > MaxVersionComponents {
				fail("match: version component count %d is outside 1..%d", n, MaxVersionComponents)
			}
		}
		if m.NameContains != strings.ToLower(m.NameContains) {
			fail("match: name_contains %q must be lower case (it is matched against the lower-cased NAME)", m.NameContains)
		}
	}
	if e := p.ExtendedSupport; e != nil {
		switch {
		case e.Kind != Free && e.Kind != Paid:
			fail("extended_support: kind %q, want %q or %q", e.Kind, Free, Paid)
		case e.Name == "":
			fail("extended_support: no name")
		case e.Kind == Paid && e.Entitlement == "":
			fail("extended_support: a paid programme needs the entitlement that grants it")
		}
	}
	if len(p.Releases) == 0 {
		fail("no releases")
	}
	for _, cycle := range slices.Sorted(maps.Keys(p.Releases)) {
		r := p.Releases[cycle]
		if cycle == "" {
			fail("a release without a cycle")
		}
		if r.ReleaseDate != "" {
			if _, err := time.Parse(time.DateOnly, r.ReleaseDate); err != nil {
				fail("release %q: release_date %q is not a YYYY-MM-DD date", cycle, r.ReleaseDate)
			}
		}
		if r.EOES != nil && p.ExtendedSupport == nil {
			fail("release %q: has an eoes date but the product declares no extended_support", cycle)
		}
	}
	return errs
}
