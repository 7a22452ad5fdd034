package lifecycle

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseCommitted checks that the committed document and the golden
// one pass ParseDocument, and that it reads them without loss: marshalled
// again they are the same bytes.
func TestParseCommitted(t *testing.T) {
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(root, DataPath), filepath.Join("testdata", "source.golden.json")} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ParseDocument(raw)
		if err != nil {
			t.Fatalf("ParseDocument(%s): %v", path, err)
		}
		again, err := doc.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, raw) {
			t.Errorf("%s: ParseDocument then Marshal does not give the same bytes", path)
		}
	}
}

func TestParseDocumentRefused(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "source.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	// edit decodes the golden document, changes it and encodes it again.
	edit := func(change func(doc map[string]any)) []byte {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		change(doc)
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	product := func(doc map[string]any, key string) map[string]any {
		return doc["products"].(map[string]any)[key].(map[string]any)
	}
	release := func(doc map[string]any, key, cycle string) map[string]any {
		return product(doc, key)["releases"].(map[string]any)[cycle].(map[string]any)
	}
	tests := []struct {
		name   string
		raw    []byte
		wantIn string
	}{
		{"not JSON", []byte("{"), "decode lifecycle document"},
		{"trailing data", append(append([]byte{}, raw...), []byte("{}")...), "trailing data"},
		{"unknown field", edit(func(d map[string]any) { d["lifecylce"] = 1 }), "unknown field"},
		{"source format", []byte(`{"source": "endoflife-date/endoflife.date", "commit": "x", "products": {}}`), "decode lifecycle document"},
		{"no source commit", edit(func(d map[string]any) { delete(d["source"].(map[string]any), "commit") }), "repository and commit are required"},
		{"no products", edit(func(d map[string]any) { d["products"] = map[string]any{}; d["os_release_ids"] = map[string]any{} }), "no products"},
		{"missing eol", edit(func(d map[string]any) { delete(release(d, "debian", "12"), "eol") }), `release "12": no eol`},
		{"null eol", edit(func(d map[string]any) { release(d, "debian", "12")["eol"] = nil }), "parse date"},
		{"bad eol", edit(func(d map[string]any) { release(d, "debian", "12")["eol"] = "2026-13-01" }), "parse date"},
		{"bad release date", edit(func(d map[string]any) { release(d, "debian", "12")["release_date"] = "June 2023" }), "release_date"},
		{"eoes without extended support", edit(func(d map[string]any) { delete(product(d, "debian"), "extended_support") }), "declares no extended_support"},
		{"bad extended kind", edit(func(d map[string]any) {
			product(d, "debian")["extended_support"].(map[string]any)["kind"] = "cheap"
		}), `kind "cheap"`},
		{"paid without entitlement", edit(func(d map[string]any) {
			delete(product(d, "ubuntu")["extended_support"].(map[string]any), "entitlement")
		}), "needs the entitlement"},
		{"version components out of range", edit(func(d map[string]any) {
			product(d, "debian")["match"].(map[string]any)["version_components"] = []int{4}
		}), "outside 1..3"},
		{"index names unknown product", edit(func(d map[string]any) { d["os_release_ids"].(map[string]any)["debian"] = []string{"debain"} }), `product "debain" is not in products`},
		{"product not indexed", edit(func(d map[string]any) { delete(d["os_release_ids"].(map[string]any), "debian") }), `does not list it`},
		{"no releases", edit(func(d map[string]any) {
			product(d, "macos")["releases"] = map[string]any{}
		}), "no releases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument(tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("ParseDocument(%s) error = %v, want one containing %q", tt.name, err, tt.wantIn)
			}
		})
	}
}
