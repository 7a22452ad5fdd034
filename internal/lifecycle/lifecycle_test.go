package lifecycle

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestGenerateGolden(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "source.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(raw)
	if err != nil {
		t.Fatalf("Generate(testdata/source.json) error: %v", err)
	}
	golden := filepath.Join("testdata", "source.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Generate(testdata/source.json) differs from %s; run go test -update and review the diff", golden)
	}
}

func TestBuildDates(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "source.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Build(raw)
	if err != nil {
		t.Fatalf("Build(testdata/source.json) error: %v", err)
	}
	tests := []struct {
		product, cycle string
		eol            string // Date.String()
		eoes           string // "" when the release has no extended support
		ext            string // extended-support kind, "" for none
	}{
		{"debian", "12", "2026-07-11", "2028-06-30", Free},
		{"ubuntu", "24.04", "2029-05-31", "2036-05-31", Paid},
		{"ubuntu", "23.10", "2024-07-12", "", Paid},
		{"oracle-linux", "10", "not ended", "not ended", Paid},
		{"fedora", "1", "ended", "", ""},
		{"macos", "14", "not ended", "", ""},
		{"rocky-linux", "9", "2032-05-31", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.product+"/"+tt.cycle, func(t *testing.T) {
			p, ok := doc.Products[tt.product]
			if !ok {
				t.Fatalf("Products[%s] missing", tt.product)
			}
			r, ok := p.Releases[tt.cycle]
			if !ok {
				t.Fatalf("Products[%s].Releases[%s] missing", tt.product, tt.cycle)
			}
			if got := r.EOL.String(); got != tt.eol {
				t.Errorf("eol = %s, want %s", got, tt.eol)
			}
			gotEOES := ""
			if r.EOES != nil {
				gotEOES = r.EOES.String()
			}
			if gotEOES != tt.eoes {
				t.Errorf("eoes = %q, want %q", gotEOES, tt.eoes)
			}
			gotExt := ""
			if p.ExtendedSupport != nil {
				gotExt = p.ExtendedSupport.Kind
			}
			if gotExt != tt.ext {
				t.Errorf("extended support = %q, want %q", gotExt, tt.ext)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{`"2026-07-11"`, Date{Day: "2026-07-11"}, false},
		{`false`, Date{}, false},
		{`true`, Date{Ended: true}, false},
		{`"2026-13-01"`, Date{}, true},
		{`"soon"`, Date{}, true},
		{`12`, Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var d Date
			err := json.Unmarshal([]byte(tt.in), &d)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal(%s) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if d != tt.want {
				t.Errorf("Unmarshal(%s) = %+v, want %+v", tt.in, d, tt.want)
			}
			back, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if string(back) != tt.in {
				t.Errorf("Marshal(%+v) = %s, want %s", d, back, tt.in)
			}
		})
	}
}

func TestBuildRefuses(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "source.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		edit   func(src map[string]any)
		wantIn string
	}{
		{"unknown product", func(src map[string]any) {
			products(src)["plan9"] = map[string]any{"title": "Plan 9", "releases": []any{}}
		}, `product "plan9": not in the product table`},
		{"missing product", func(src map[string]any) {
			delete(products(src), "debian")
		}, `product "debian": in the product table but not in the source`},
		{"extended dates without a programme", func(src map[string]any) {
			rel := products(src)["fedora"].(map[string]any)["releases"].([]any)[0].(map[string]any)
			rel["eoes"] = "2030-01-01"
		}, `product "fedora": the source has extended-support dates`},
		{"programme without extended dates", func(src map[string]any) {
			for _, r := range products(src)["debian"].(map[string]any)["releases"].([]any) {
				delete(r.(map[string]any), "eoes")
			}
		}, `product "debian": the table declares extended support`},
		{"release without eol", func(src map[string]any) {
			rel := products(src)["rhel"].(map[string]any)["releases"].([]any)[0].(map[string]any)
			delete(rel, "eol")
		}, `product "rhel": release "9": no eol`},
		{"bad date", func(src map[string]any) {
			rel := products(src)["rhel"].(map[string]any)["releases"].([]any)[0].(map[string]any)
			rel["eol"] = "31/05/2032"
		}, `parse date "31/05/2032"`},
		{"no commit", func(src map[string]any) {
			delete(src, "commit")
		}, "source and commit are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var src map[string]any
			if err := json.Unmarshal(raw, &src); err != nil {
				t.Fatal(err)
			}
			tt.edit(src)
			edited, err := json.Marshal(src)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Build(edited)
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("Build(%s) error = %v, want one containing %q", tt.name, err, tt.wantIn)
			}
		})
	}
}

func products(src map[string]any) map[string]any { return src["products"].(map[string]any) }

// TestCommittedDataCurrent regenerates policies/lifecycle/data.json from the
// reference file kept in the repository (SourcePath) and fails when the
// committed copy differs.
func TestCommittedDataCurrent(t *testing.T) {
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	srcPath := filepath.Join(root, SourcePath)
	raw, err := os.ReadFile(srcPath)
	if err != nil {
		t.Fatalf("lifecycle reference file: %v (it is committed at %s)", err, SourcePath)
	}
	want, err := Generate(raw)
	if err != nil {
		t.Fatalf("Generate(%s) error: %v", srcPath, err)
	}
	got, err := os.ReadFile(filepath.Join(root, DataPath))
	if err != nil {
		t.Fatalf("%v (run go generate ./internal/lifecycle/...)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date with %s: run go generate ./internal/lifecycle/... and commit the result", DataPath, srcPath)
	}
}

// TestSourceReadme checks that source/README.md names the endoflife.date
// commit the committed reference file is pinned to, so a refresh cannot
// leave it stale.
func TestSourceReadme(t *testing.T) {
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, SourcePath))
	if err != nil {
		t.Fatal(err)
	}
	var src source
	if err := json.Unmarshal(raw, &src); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Join(root, SourcePath)), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{src.Source, src.Commit, src.CommitDate, src.License} {
		if want == "" || !strings.Contains(string(readme), want) {
			t.Errorf("source/README.md does not name %q from %s; update it with the source", want, SourcePath)
		}
	}
}
