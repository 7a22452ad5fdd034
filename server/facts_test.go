package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
)

// TestUnknownNamespacesRefused sends reports through a server assembled
// as auditfleet-server assembles it: a facts namespace with no schema is
// refused (400, naming it) and nothing is stored, while the namespace of
// an organisation's own collector whose schema is in facts.schemas_dir is
// accepted and checked against that schema.
func TestUnknownNamespacesRefused(t *testing.T) {
	custom := t.TempDir()
	schema := `{"type":"object","required":["asset_tag"],"properties":{"asset_tag":{"type":"string","pattern":"^A[0-9]{6}$"}}}`
	if err := os.WriteFile(filepath.Join(custom, "acme_inventory.schema.json"), []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		schemasDir string
		ns         string
		facts      string
		wantStatus int
		wantCode   string
		wantText   string
	}{
		{"unknown namespace", "", "padding", `{"x":"aaaa"}`, 400, "unknown_namespace", `facts.padding`},
		{"custom namespace without its schema", "", "acme_inventory", `{"asset_tag":"A123456"}`, 400, "unknown_namespace", `facts.acme_inventory`},
		{"custom namespace with its schema", custom, "acme_inventory", `{"asset_tag":"A123456"}`, 201, "", ""},
		{"custom facts failing their schema", custom, "acme_inventory", `{"asset_tag":"B1"}`, 422, "schema_violation", "/asset_tag"},
		{"another unknown namespace beside a custom one", custom, "acme_other", `{}`, 400, "unknown_namespace", `facts.acme_other`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := dirstore.Open(filepath.Join(t.TempDir(), "store"))
			if err != nil {
				t.Fatal(err)
			}
			cfg := config.Default(t.TempDir())
			cfg.Facts.SchemasDir = tt.schemasDir
			s, err := server.New(context.Background(), cfg, st, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s.API.Handler())
			defer srv.Close()
			token := enrollOne(t, s, srv.URL)
			before := evidence(t, st)
			body := reportWith(t, tt.ns, tt.facts)
			status, resp := post(t, srv.URL+"/api/v1/reports", token, body)
			if status != tt.wantStatus {
				t.Fatalf("report with facts.%s = %d %s, want %d", tt.ns, status, resp, tt.wantStatus)
			}
			after := evidence(t, st)
			if tt.wantStatus >= 400 {
				if !strings.Contains(resp, `"code":"`+tt.wantCode+`"`) || !strings.Contains(resp, tt.wantText) {
					t.Errorf("answer %s, want code %s naming %s", resp, tt.wantCode, tt.wantText)
				}
				if after != before {
					t.Errorf("a refused report changed the store: %d evidence objects before, %d after", before, after)
				}
			} else if after != before+2 {
				t.Errorf("an accepted report left %d new evidence objects, want facts and results", after-before)
			}
		})
	}
	if _, err := server.New(context.Background(), func() *config.Config {
		c := config.Default(t.TempDir())
		c.Facts.SchemasDir = filepath.Join(custom, "missing")
		return c
	}(), nil, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "facts.schemas_dir") {
		t.Errorf("server.New with a missing schemas_dir = %v, want an error naming facts.schemas_dir", err)
	}
}

// enrollOne enrolls a host through the API and returns its token.
func enrollOne(t *testing.T, s *server.Server, url string) string {
	t.Helper()
	secret, err := s.Registry.CreateEnrollSecret(context.Background(), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	status, resp := post(t, url+"/api/v1/enroll", secret, []byte(`{"hostname":"web-1","machine_id":"machine-web-1"}`))
	if status != http.StatusCreated {
		t.Fatalf("enroll: %d %s", status, resp)
	}
	var out struct{ Token string }
	if err := json.Unmarshal([]byte(resp), &out); err != nil {
		t.Fatal(err)
	}
	return out.Token
}

// reportWith returns the debian12-lts report of the API tests with facts
// namespace ns set to factsJSON.
func reportWith(t *testing.T, ns, factsJSON string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("api", "testdata", "debian12-lts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["report_id"] = fmt.Sprintf("%032x", time.Now().UnixNano())
	m["collected_at"] = time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	m["facts"].(map[string]any)[ns] = json.RawMessage(factsJSON)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func post(t *testing.T, url, token string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(bytes.ReplaceAll(b, []byte(" "), nil))
}

// evidence counts the facts and results objects in st.
func evidence(t *testing.T, st store.Backend) int {
	t.Helper()
	n := 0
	for o, err := range st.List(context.Background(), "") {
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(o.Key, objkey.FactsPrefix) || strings.HasPrefix(o.Key, objkey.ResultsPrefix) {
			n++
		}
	}
	return n
}
