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
		{"no key", []string{"--bundle", bundle}, "no --bundle-key"},
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
