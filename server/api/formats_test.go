package api

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/server/auth"
)

// get is a GET with an Accept header that returns the raw answer.
func (e *env) get(path, token, accept string) (int, http.Header, []byte) {
	e.t.Helper()
	hr, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("X-Justification", "ticket review")
	if accept != "" {
		hr.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// TestFormatHostResults asks for a host's results in every format, by
// query and by Accept, and checks each against the stored JSON summary.
func TestFormatHostResults(t *testing.T) {
	e := newEnv(t)
	hostID, token := e.enroll("debian12", "machine-1")
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: report(t, "uid0-empty", nil)}); code != http.StatusCreated {
		t.Fatalf("report = %d %v", code, m)
	}
	path := "/api/v1/hosts/" + hostID + "/results"
	tok := e.tokens[auth.Assurance]

	code, hdr, stored := e.get(path, tok, "")
	if code != http.StatusOK || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("results = %d %s: %s", code, hdr.Get("Content-Type"), stored)
	}
	var card struct {
		Summary struct {
			Total       int `json:"total"`
			Fail        int `json:"fail"`
			Error       int `json:"error"`
			NotAssessed int `json:"not_assessed"`
			Waived      int `json:"waived"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(stored, &card); err != nil {
		t.Fatal(err)
	}
	s := card.Summary
	if s.Total == 0 || s.Fail == 0 {
		t.Fatalf("fixture results %+v: nothing fails, the formats would not be tested", s)
	}

	tests := []struct {
		name, query, accept, wantType string
		check                         func(t *testing.T, body []byte)
	}{
		{"json by Accept is the stored document", "", "application/json", "application/json", func(t *testing.T, body []byte) {
			if !bytes.Equal(body, stored) {
				t.Error("JSON answer differs from the stored results")
			}
		}},
		{"junit by query", "?format=junit", "", "application/xml; charset=utf-8", func(t *testing.T, body []byte) {
			var j struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Errors   int `xml:"errors,attr"`
				Skipped  int `xml:"skipped,attr"`
			}
			if err := xml.Unmarshal(body, &j); err != nil {
				t.Fatalf("junit does not parse: %v", err)
			}
			if j.Tests != s.Total || j.Failures != s.Fail || j.Errors != s.Error || j.Skipped != s.NotAssessed+s.Waived {
				t.Errorf("junit %+v; summary %+v", j, s)
			}
		}},
		{"sarif by Accept", "", "text/html, application/sarif+json;q=0.9", "application/sarif+json", func(t *testing.T, body []byte) {
			var l struct {
				Version string `json:"version"`
				Runs    []struct {
					Results []struct {
						Kind string `json:"kind"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(body, &l); err != nil {
				t.Fatal(err)
			}
			if l.Version != "2.1.0" || len(l.Runs) != 1 || len(l.Runs[0].Results) != s.Fail+s.Error {
				t.Errorf("sarif version %q, runs %d; want 2.1.0 with %d results", l.Version, len(l.Runs), s.Fail+s.Error)
			}
		}},
		{"markdown by query", "?format=markdown", "application/json", "text/markdown; charset=utf-8", func(t *testing.T, body []byte) {
			if want := fmt.Sprintf("%d of %d controls failed", s.Fail, s.Total); !strings.Contains(string(body), want) {
				t.Errorf("markdown lacks %q:\n%s", want, body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, hdr, body := e.get(path+tt.query, tok, tt.accept)
			if code != http.StatusOK || hdr.Get("Content-Type") != tt.wantType {
				t.Fatalf("= %d %q, want 200 %q: %s", code, hdr.Get("Content-Type"), tt.wantType, body)
			}
			tt.check(t, body)
		})
	}

	code, _, body := e.get(path+"?format=xml", tok, "")
	if code != http.StatusBadRequest || !strings.Contains(string(body), "bad_request") {
		t.Errorf("?format=xml = %d %s, want 400 bad_request", code, body)
	}
}

// TestFormatFleetScorecard closes a cycle and reads its scorecard as
// Markdown; JUnit is not a fleet format.
func TestFormatFleetScorecard(t *testing.T) {
	e := newEnv(t)
	_, token := e.enroll("debian12", "machine-1")
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: report(t, "uid0-empty", nil)}); code != http.StatusCreated {
		t.Fatalf("report = %d %v", code, m)
	}
	code, m, _ := e.do(req{method: "POST", path: "/api/v1/cycles/close", token: e.tokens[auth.Admin], justification: "early close", body: []byte(`{}`)})
	if code != http.StatusOK {
		t.Fatalf("close = %d %v", code, m)
	}
	path := "/api/v1/cycles/2026-11-20T0200Z/scorecard"
	tok := e.tokens[auth.Assurance]
	code, hdr, body := e.get(path, tok, "text/markdown")
	if code != http.StatusOK || hdr.Get("Content-Type") != "text/markdown; charset=utf-8" {
		t.Fatalf("markdown = %d %q: %s", code, hdr.Get("Content-Type"), body)
	}
	for _, want := range []string{"## Audit cycle 2026-11-20T0200Z", "1 of 1 hosts assessed", "| Area |"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("markdown lacks %q:\n%s", want, body)
		}
	}
	code, hdr, _ = e.get(path, tok, "")
	if code != http.StatusOK || hdr.Get("Content-Type") != "application/json" {
		t.Errorf("default = %d %q, want JSON", code, hdr.Get("Content-Type"))
	}
	if code, _, body := e.get(path+"?format=junit", tok, ""); code != http.StatusBadRequest {
		t.Errorf("?format=junit = %d %s, want 400", code, body)
	}
}
