package catalogue

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/policies"
	"github.com/auditfleet/auditfleet/result"
)

var update = flag.Bool("update", false, "rewrite docs/controls.md")

// TestDocumentUpToDate fails when docs/controls.md no longer matches the
// policies' metadata; `make docs` regenerates it.
func TestDocumentUpToDate(t *testing.T) {
	e, err := opa.New(context.Background(), policies.FS, opa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := Markdown(e.Controls())
	path := filepath.Join("..", "docs", "controls.md")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make docs`)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/controls.md is out of date with the policies' metadata: run `make docs`")
	}
	for _, c := range e.Controls() {
		if !bytes.Contains(want, []byte("## "+c.ID+"\n")) {
			t.Errorf("docs/controls.md has no section for %s", c.ID)
		}
	}
}

func TestMarkdown(t *testing.T) {
	md := string(Markdown([]result.Control{{
		ID: "ICO-X-01", Title: "A | B", Area: "BRM", Severity: result.Low, Package: "auditfleet.controls.ico_x_01",
		Mappings: result.Mappings{CISv8: []string{"8.2", "8.10"}}, Remediation: "Fix it.",
		Requires: result.Inputs{Facts: []string{"accounts"}, Org: []string{"leavers"}},
		Depends:  []string{"ICO-A-01", "ICO-B-01"},
	}}))
	for _, want := range []string{
		`| [ICO-X-01](#ico-x-01) | A \| B | BRM | low | Low | – | 8.2, 8.10 | – |`,
		"- Area: Breach response and monitoring (BRM)",
		"- Severity: low (priority Low, weight 1)",
		"**Remediation.** Fix it.",
		"- Requires: facts `accounts`; organisation data `leavers`\n- Reads: nothing\n",
		"- Combines the results of: ICO-A-01, ICO-B-01\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown() lacks %q:\n%s", want, md)
		}
	}
}
