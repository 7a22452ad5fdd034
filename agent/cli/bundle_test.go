package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/lifecycle"
)

// writeKeys writes an ECDSA P-256 key pair as PEM files.
func writeKeys(t *testing.T, dir, name string) (priv, pub string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	priv, pub = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".pub")
	if err := os.WriteFile(priv, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

func TestScanWithSignedBundle(t *testing.T) {
	dir := t.TempDir()
	priv, pub := writeKeys(t, dir, "signing")
	_, otherPub := writeKeys(t, dir, "other")
	bundle := filepath.Join(dir, "policies.tar.gz")
	if _, stderr, code := agentCmd(t, "bundle", "build", "--signing-key", priv, "--out", bundle, "--revision", "2026.11.23-1"); code != 0 {
		t.Fatalf("bundle build: exit %d: %s", code, stderr)
	}
	// A copy with one byte flipped.
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.tar.gz")
	corrupt := append([]byte{}, b...)
	corrupt[len(corrupt)/2] ^= 0xff
	if err := os.WriteFile(tampered, corrupt, 0o644); err != nil {
		t.Fatal(err)
	}
	plugins := filepath.Join(binDir, "plugins")
	root := "../../testdata/hosts/debian11-eol"
	stdout, stderr, code := agentCmd(t, "scan", "--bundle", bundle, "--bundle-key", pub, "--host-root", root, "--plugin-dir", plugins, "--format", "json", "--at", evalTime)
	if code != ExitFailed {
		t.Fatalf("scan with a good bundle: exit %d, want %d (Debian 11 fails ICO-SEC-01): %s", code, ExitFailed, stderr)
	}
	var doc struct {
		PolicyRevision string `json:"policy_revision"`
		Results        []struct {
			PolicyRevision string `json:"policy_revision"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.PolicyRevision != "bundle:2026.11.23-1" || len(doc.Results) == 0 || doc.Results[0].PolicyRevision != "bundle:2026.11.23-1" {
		t.Errorf("policy revision %q (results %+v), want bundle:2026.11.23-1 everywhere", doc.PolicyRevision, doc.Results)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"wrong key", []string{"--bundle", bundle, "--bundle-key", otherPub}, "verify"},
		{"no key", []string{"--bundle", bundle}, "no bundle key"},
		{"tampered", []string{"--bundle", tampered, "--bundle-key", pub}, "policy bundle"},
		{"with custom policies", []string{"--bundle", bundle, "--bundle-key", pub, "--custom-policies", "../../opa/testdata/custom/good"}, "cannot be used together"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"scan", "--host-root", root, "--plugin-dir", plugins}, tt.args...)
			stdout, stderr, code := agentCmd(t, args...)
			if code != ExitError || stdout != "" {
				t.Errorf("exit %d with output %q, want %d and no scorecard", code, stdout, ExitError)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
		})
	}
}

// TestBundleLifecycle gives a fleet newer end-of-life dates through the
// bundle: a bundle built with --lifecycle carrying a later end of Debian
// 11 LTS turns the debian11-eol host's ICO-SEC-01 failure into a pass
// under scan --bundle, and the result names the bundle's lifecycle
// source, not the built-in one.
func TestBundleLifecycle(t *testing.T) {
	dir := t.TempDir()
	priv, pub := writeKeys(t, dir, "signing")
	raw, err := os.ReadFile("../../policies/lifecycle/data.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := lifecycle.ParseDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	builtin := doc.Source.Repository + "@" + doc.Source.Commit
	rel := doc.Products["debian"].Releases["11"]
	if rel.EOES == nil || rel.EOES.Day >= "2026-11-20" {
		t.Fatalf("built-in Debian 11 end of LTS %v: the test needs one before %s", rel.EOES, evalTime)
	}
	rel.EOES = &lifecycle.Date{Day: "2028-06-30"}
	doc.Products["debian"].Releases["11"] = rel
	doc.Source.Commit, doc.Source.CommitDate = "1111111111111111111111111111111111111111", "2026-11-01"
	newer := doc.Source.Repository + "@" + doc.Source.Commit
	data, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	lifecyclePath := filepath.Join(dir, "lifecycle.json")
	if err := os.WriteFile(lifecyclePath, data, 0o644); err != nil {
		t.Fatal(err)
	}

	plugins := filepath.Join(binDir, "plugins")
	root := "../../testdata/hosts/debian11-eol"
	for _, tt := range []struct {
		name       string
		args       []string
		source     string
		status     string
		evidenceIn string
	}{
		{"built-in lifecycle data", nil, builtin, "fail", "free Debian LTS ended 2026-08-31"},
		{"--lifecycle", []string{"--lifecycle", lifecyclePath}, newer, "pass", "free Debian LTS until 2028-06-30"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bundle := filepath.Join(t.TempDir(), "policies.tar.gz")
			stdout, stderr, code := agentCmd(t, append([]string{"bundle", "build", "--signing-key", priv, "--out", bundle, "--revision", "r1"}, tt.args...)...)
			if code != 0 || !strings.Contains(stdout, "lifecycle data "+tt.source) {
				t.Fatalf("bundle build: exit %d, stdout %q (want it to name %s): %s", code, stdout, tt.source, stderr)
			}
			stdout, stderr, code = agentCmd(t, "bundle", "verify", "--bundle-key", pub, bundle)
			if code != 0 || !strings.Contains(stdout, "lifecycle data "+tt.source) {
				t.Errorf("bundle verify: exit %d, stdout %q (want it to name %s): %s", code, stdout, tt.source, stderr)
			}
			stdout, stderr, _ = agentCmd(t, "scan", "--bundle", bundle, "--bundle-key", pub, "--host-root", root, "--plugin-dir", plugins, "--format", "json", "--at", evalTime)
			var res scanDoc
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("scan --bundle: %v: %s", err, stderr)
			}
			found := false
			for _, r := range res.Results {
				if r.ControlID != "ICO-SEC-01" {
					continue
				}
				found = true
				if r.Status != tt.status {
					t.Errorf("ICO-SEC-01 = %s, want %s (evidence %+v)", r.Status, tt.status, r.Evidence)
				}
				if r.Sources["lifecycle"] != tt.source {
					t.Errorf("ICO-SEC-01 sources.lifecycle = %q, want the bundle's %q", r.Sources["lifecycle"], tt.source)
				}
				if len(r.Evidence) != 1 || !strings.Contains(r.Evidence[0].Detail, tt.evidenceIn) {
					t.Errorf("ICO-SEC-01 evidence %+v, want %q", r.Evidence, tt.evidenceIn)
				}
			}
			if !found {
				t.Fatalf("no ICO-SEC-01 result: %s", stdout)
			}
		})
	}

	// A lifecycle document that fails lifecycle.ParseDocument is refused
	// before anything is signed; the endoflife.date source file given by
	// mistake is the likely one.
	bad := filepath.Join(dir, "bad.json")
	badData := strings.Replace(string(data), `"eol": "2024-08-14"`, `"eol": "14/08/2024"`, 1)
	if badData == string(data) {
		t.Fatal("no Debian 11 eol to break")
	}
	if err := os.WriteFile(bad, []byte(badData), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, file, want string }{
		{"endoflife.date source", "../../internal/lifecycle/source/os-lifecycles.json", "decode lifecycle document"},
		{"bad date", bad, "parse date"},
		{"missing", filepath.Join(dir, "absent.json"), "no such file"},
	} {
		t.Run("refused/"+tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "policies.tar.gz")
			_, stderr, code := agentCmd(t, "bundle", "build", "--signing-key", priv, "--out", out, "--lifecycle", tt.file)
			if code != ExitError || !strings.Contains(stderr, "lifecycle data") || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and an error about the lifecycle data (%q)", code, stderr, ExitError, tt.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a bundle was written: %v", err)
			}
		})
	}
}

// TestBundleOrgData: organisation data packed into a signed bundle
// reaches offline scans with it, and a scan's own --org-dir files win,
// kind by kind.
func TestBundleOrgData(t *testing.T) {
	dir := t.TempDir()
	priv, pub := writeKeys(t, dir, "signing")
	packed := filepath.Join(dir, "packed")
	local := filepath.Join(dir, "local")
	bad := filepath.Join(dir, "bad")
	for d, files := range map[string]map[string]string{
		packed: {"waivers.yaml": "waivers:\n  - id: W-1\n    control: ICO-SEC-01\n    hosts: [\"debian11-*\"]\n    reason: Upgrade booked for December.\n    approver: SIRO\n    created: 2026-11-01\n    expires: 2026-12-31\n"},
		local:  {"waivers.yaml": "waivers: []\n"},
		bad:    {"waivers.yaml": "waivers:\n  - id: W-2\n    control: ICO-NOPE-99\n"},
	} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(d, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	bundle := filepath.Join(dir, "policies.tar.gz")
	if _, stderr, code := agentCmd(t, "bundle", "build", "--signing-key", priv, "--out", bundle, "--org-dir", packed); code != 0 {
		t.Fatalf("bundle build --org-dir: exit %d: %s", code, stderr)
	}
	if _, stderr, code := agentCmd(t, "bundle", "build", "--signing-key", priv, "--out", filepath.Join(dir, "bad.tar.gz"), "--org-dir", bad); code != ExitError || !strings.Contains(stderr, "organisation data") {
		t.Errorf("bundle build with invalid organisation data: exit %d, stderr %q; want %d naming the organisation data", code, stderr, ExitError)
	}
	plugins := filepath.Join(binDir, "plugins")
	root := "../../testdata/hosts/debian11-eol"
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"the bundle's waiver", nil, "waived"},
		{"--org-dir replaces the bundle's waivers", []string{"--org-dir", local}, "fail"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"scan", "--bundle", bundle, "--bundle-key", pub, "--host-root", root, "--plugin-dir", plugins, "--format", "json", "--at", evalTime}, tt.args...)
			stdout, stderr, _ := agentCmd(t, args...)
			var res scanDoc
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("scan: %v: %s", err, stderr)
			}
			got := ""
			for _, r := range res.Results {
				if r.ControlID == "ICO-SEC-01" {
					got = string(r.Status)
				}
			}
			if got != tt.want {
				t.Errorf("ICO-SEC-01 = %q, want %s", got, tt.want)
			}
		})
	}
}
