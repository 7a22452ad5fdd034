package services

import (
	"encoding/json"
	"os"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestDeployExample keeps the services options in the example agent
// configuration valid.
func TestDeployExample(t *testing.T) {
	b, err := os.ReadFile("../../deploy/config/agent.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Collectors map[string]json.RawMessage `json:"collectors"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	raw, ok := cfg.Collectors["services"]
	if !ok {
		t.Fatal("the example has no services options")
	}
	o, warns := parseOptions(raw)
	if len(warns) > 0 || o.LookbackDays != 14 || len(o.ExtraLogs) != 1 {
		t.Errorf("parseOptions(example) = %+v, warnings %q", o, warns)
	}
}
