package opa

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/loader"

	"github.com/auditfleet/auditfleet/policies"
)

// keyPair returns PEM private and public keys of the given kind.
func keyPair(t *testing.T, kind string) (priv, pub []byte) {
	t.Helper()
	var (
		key    any
		pubKey any
	)
	switch kind {
	case "ec":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key, pubKey = k, &k.PublicKey
	case "rsa":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		key, pubKey = k, &k.PublicKey
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pubKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
}

func TestBundleRoundTrip(t *testing.T) {
	ctx := context.Background()
	builtin, err := New(ctx, policies.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := Input(realisticHost(t))
	if err != nil {
		t.Fatal(err)
	}
	want, err := builtin.Evaluate(ctx, in, benchNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"ec", "rsa"} {
		t.Run(kind, func(t *testing.T) {
			priv, pub := keyPair(t, kind)
			b, err := BuildBundle(policies.FS, "2026.11.23-1", priv)
			if err != nil {
				t.Fatalf("BuildBundle: %v", err)
			}
			fsys, rev, err := OpenBundle(bytes.NewReader(b), pub)
			if err != nil {
				t.Fatalf("OpenBundle: %v", err)
			}
			if rev != "2026.11.23-1" {
				t.Errorf("revision %q, want 2026.11.23-1", rev)
			}
			e, err := New(ctx, fsys, Options{Revision: "bundle:" + rev})
			if err != nil {
				t.Fatalf("New from bundle: %v", err)
			}
			got, err := e.Evaluate(ctx, in, benchNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d results from the bundle, %d built in", len(got), len(want))
			}
			for i := range got {
				if got[i].ControlID != want[i].ControlID || got[i].Status != want[i].Status {
					t.Errorf("bundle %s = %s, built-in %s = %s", got[i].ControlID, got[i].Status, want[i].ControlID, want[i].Status)
				}
				if got[i].PolicyRevision != "bundle:2026.11.23-1" {
					t.Errorf("%s: policy revision %q, want the bundle's", got[i].ControlID, got[i].PolicyRevision)
				}
			}
		})
	}
}

// rewrite changes the first file of the bundle whose name ends in suffix.
func rewrite(t *testing.T, b []byte, suffix string, change func([]byte) []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	done := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if !done && strings.HasSuffix(h.Name, suffix) {
			body, done = change(body), true
		}
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	zw.Close()
	if !done {
		t.Fatalf("no file ending in %s in the bundle", suffix)
	}
	return out.Bytes()
}

func TestBundleRefused(t *testing.T) {
	priv, pub := keyPair(t, "ec")
	_, otherPub := keyPair(t, "ec")
	signed, err := BuildBundle(policies.FS, "r1", priv)
	if err != nil {
		t.Fatal(err)
	}
	unsigned := func() []byte {
		b, err := loader.NewFileLoader().WithFS(policies.FS).WithFilter(skip).AsBundle(".")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := bundle.NewWriter(&buf).Write(*b); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	tests := []struct {
		name   string
		bundle []byte
		key    []byte
		want   string
	}{
		{"tampered policy", rewrite(t, signed, "ico_sec_01/policy.rego", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"fail"`), []byte(`"pass"`), 1)
		}), pub, "digest mismatch"},
		{"tampered data", rewrite(t, signed, "data.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte("2026"), []byte("2099"), 1)
		}), pub, "mismatch"},
		{"unsigned", unsigned, pub, "signatures"},
		{"wrong key", signed, otherPub, "verif"},
		{"not a key", signed, []byte("hello"), "not a PEM key"},
		{"private key given to verify", signed, priv, "not a public key"},
		{"not a bundle", []byte("garbage"), pub, "open bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := OpenBundle(bytes.NewReader(tt.bundle), tt.key)
			if err == nil {
				t.Fatal("OpenBundle succeeded, want it refused")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("OpenBundle error %q does not mention %q", err, tt.want)
			}
		})
	}
}

// TestBundleCarriesLifecycle checks that a bundle of the built-in policies
// carries their lifecycle data, so an engine on the bundle reads the
// bundle's data.lifecycle and nothing built in.
func TestBundleCarriesLifecycle(t *testing.T) {
	priv, pub := keyPair(t, "ec")
	b, err := BuildBundle(policies.FS, "r1", priv)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _, err := OpenBundle(bytes.NewReader(b), pub)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := fs.ReadFile(fsys, "data.json")
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	builtinRaw, err := fs.ReadFile(policies.FS, "lifecycle/data.json")
	if err != nil {
		t.Fatal(err)
	}
	var builtin any
	if err := json.Unmarshal(builtinRaw, &builtin); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(data["lifecycle"], builtin) {
		t.Errorf("the bundle's data.lifecycle differs from policies/lifecycle/data.json")
	}
}
