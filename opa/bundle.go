package opa

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/loader"
)

// BundleKeyID is the key ID auditfleet signs bundles with and expects in
// their signatures.
const BundleKeyID = "auditfleet"

// MaxBundleBytes bounds a policy bundle read by OpenBundle.
const MaxBundleBytes = 64 << 20

// BuildBundle packs the policy tree fsys (Rego modules other than tests,
// and JSON data) into an OPA bundle (tar.gz) with the given revision,
// signed with the PEM private key (RSA gives RS256, ECDSA P-256 ES256).
// An empty revision means the tree's content hash.
func BuildBundle(fsys fs.FS, revision string, privateKeyPEM []byte) ([]byte, error) {
	alg, err := keyAlgorithm(privateKeyPEM, true)
	if err != nil {
		return nil, fmt.Errorf("build bundle: signing key: %w", err)
	}
	b, err := loader.NewFileLoader().WithFS(fsys).WithFilter(skip).AsBundle(".")
	if err != nil {
		return nil, fmt.Errorf("build bundle: %w", err)
	}
	if revision == "" {
		if revision, err = hashTree(fsys); err != nil {
			return nil, fmt.Errorf("build bundle: %w", err)
		}
	}
	b.Manifest.Revision = revision
	b.Manifest.Init()
	if err := b.GenerateSignature(bundle.NewSigningConfig(string(privateKeyPEM), alg, ""), BundleKeyID, false); err != nil {
		return nil, fmt.Errorf("build bundle: sign: %w", err)
	}
	var out bytes.Buffer
	if err := bundle.NewWriter(&out).Write(*b); err != nil {
		return nil, fmt.Errorf("build bundle: write: %w", err)
	}
	return out.Bytes(), nil
}

// OpenBundle reads a signed bundle, verifies its signature against the PEM
// public key, and returns its policy tree (for New) and its revision. The
// tree holds the bundle's modules and, in data.json, all its data: an
// engine on it reads the bundle's data.lifecycle, never the built-in one.
// An unsigned, tampered or wrongly signed bundle is refused.
func OpenBundle(r io.Reader, publicKeyPEM []byte) (fs.FS, string, error) {
	alg, err := keyAlgorithm(publicKeyPEM, false)
	if err != nil {
		return nil, "", fmt.Errorf("open bundle: verification key: %w", err)
	}
	vc := bundle.NewVerificationConfig(map[string]*bundle.KeyConfig{
		BundleKeyID: {Key: string(publicKeyPEM), Algorithm: alg},
	}, BundleKeyID, "", nil)
	lr := &io.LimitedReader{R: r, N: MaxBundleBytes + 1}
	b, err := bundle.NewReader(lr).WithBundleVerificationConfig(vc).WithProcessAnnotations(true).Read()
	if lr.N <= 0 {
		return nil, "", fmt.Errorf("open bundle: larger than %d bytes", MaxBundleBytes)
	}
	if err != nil {
		return nil, "", fmt.Errorf("open bundle: %w", err)
	}
	if len(b.Signatures.Signatures) == 0 {
		return nil, "", errors.New("open bundle: the bundle is not signed")
	}
	tree := fstest.MapFS{}
	for _, m := range b.Modules {
		tree[strings.TrimPrefix(m.Path, "/")] = &fstest.MapFile{Data: m.Raw}
	}
	data, err := json.Marshal(b.Data)
	if err != nil {
		return nil, "", fmt.Errorf("open bundle: data: %w", err)
	}
	tree["data.json"] = &fstest.MapFile{Data: data}
	return tree, b.Manifest.Revision, nil
}

// keyAlgorithm returns the JWS algorithm for a PEM key: RS256 for RSA,
// ES256/ES384/ES512 for ECDSA by curve, EdDSA for Ed25519.
func keyAlgorithm(pemBytes []byte, private bool) (string, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return "", errors.New("not a PEM key")
	}
	var key any
	var err error
	switch {
	case private && block.Type == "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case private && block.Type == "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case private && block.Type == "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case !private && block.Type == "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case !private && block.Type == "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		want := "public"
		if private {
			want = "private"
		}
		return "", fmt.Errorf("PEM block %q is not a %s key", block.Type, want)
	}
	if err != nil {
		return "", err
	}
	switch k := key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return "RS256", nil
	case *ecdsa.PrivateKey:
		return ecAlg(k.Curve.Params().BitSize)
	case *ecdsa.PublicKey:
		return ecAlg(k.Curve.Params().BitSize)
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "EdDSA", nil
	}
	return "", fmt.Errorf("unsupported key type %T", key)
}

func ecAlg(bits int) (string, error) {
	switch bits {
	case 256:
		return "ES256", nil
	case 384:
		return "ES384", nil
	case 521:
		return "ES512", nil
	}
	return "", fmt.Errorf("unsupported ECDSA curve of %d bits", bits)
}
