package s3store

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7/pkg/policy"
)

var update = flag.Bool("update", false, "rewrite the golden policy documents in testdata/policies")

// fixtureBucket is the bucket the golden policy documents name.
const fixtureBucket = "auditfleet-evidence"

// mcDocument returns the policy document `mc anonymous set <mode>` writes
// on a bucket without a policy: mc builds it with minio-go's
// policy.SetPolicy and json.Marshal (mc cmd/client-s3.go SetAccess), as
// here. download is readonly, public readwrite, upload writeonly.
func mcDocument(t *testing.T, p policy.BucketPolicy, bucket string) string {
	t.Helper()
	doc := policy.BucketAccessPolicy{Version: "2012-10-17"}
	doc.Statements = policy.SetPolicy(doc.Statements, p, bucket, "")
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var mcModes = []struct {
	mode   string
	policy policy.BucketPolicy
}{
	{"download", policy.BucketPolicyReadOnly},
	{"public", policy.BucketPolicyReadWrite},
	{"upload", policy.BucketPolicyWriteOnly},
}

// TestMCDocuments keeps testdata/policies/mc-*.json equal to what mc
// writes (refresh with -update).
func TestMCDocuments(t *testing.T) {
	for _, m := range mcModes {
		t.Run(m.mode, func(t *testing.T) {
			path := filepath.Join("testdata", "policies", "mc-"+m.mode+".json")
			got := mcDocument(t, m.policy, fixtureBucket) + "\n"
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("mc anonymous set %s writes\n%s\nbut %s holds\n%s", m.mode, got, path, want)
			}
		})
	}
}

func TestPublicAccess(t *testing.T) {
	const (
		bucketRes = `"arn:aws:s3:::auditfleet-evidence"`
		objectRes = `"arn:aws:s3:::auditfleet-evidence/*"`
	)
	stmt := func(effect, principal, action, extra string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Principal":` + principal + `,"Action":` + action + `,"Resource":[` + objectRes + `,` + bucketRes + `]` + extra + `}]}`
	}
	tests := []struct {
		name   string
		doc    string
		public bool
		reason string // a part of the reason, when public
	}{
		{"no policy", "", false, ""},
		{"no statements", `{"Version":"2012-10-17","Statement":[]}`, false, ""},
		{"AWS public-read example", `{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":` + objectRes + `}]}`, true, `Sid "PublicReadGetObject"`},
		{"principal AWS *", stmt("Allow", `{"AWS":"*"}`, `"s3:GetObject"`, ""), true, "s3:GetObject"},
		{"principal AWS [*]", stmt("Allow", `{"AWS":["*"]}`, `["s3:GetObject"]`, ""), true, "s3:GetObject"},
		{"principal CanonicalUser *", stmt("Allow", `{"CanonicalUser":"*"}`, `"s3:GetObject"`, ""), true, "CanonicalUser"},
		{"principal list with *", stmt("Allow", `{"AWS":["arn:aws:iam::111122223333:user/audit","*"]}`, `"s3:GetObject"`, ""), true, "*"},
		{"wildcard account", stmt("Allow", `{"AWS":"arn:aws:iam::*:root"}`, `"s3:GetObject"`, ""), true, "arn:aws:iam::*:root"},
		{"object version read", stmt("Allow", `"*"`, `"s3:GetObjectVersion"`, ""), true, "s3:GetObjectVersion"},
		{"list only", stmt("Allow", `"*"`, `"s3:ListBucket"`, ""), true, "s3:ListBucket"},
		{"list versions only", stmt("Allow", `"*"`, `"s3:ListBucketVersions"`, ""), true, "s3:ListBucketVersions"},
		{"s3 wildcard", stmt("Allow", `"*"`, `"s3:*"`, ""), true, "s3:*"},
		{"any action", stmt("Allow", `"*"`, `"*"`, ""), true, ""},
		{"get wildcard", stmt("Allow", `"*"`, `["s3:Get*"]`, ""), true, "s3:Get*"},
		{"action case", stmt("Allow", `"*"`, `"S3:GETOBJECT"`, ""), true, "S3:GETOBJECT"},
		{"write only", stmt("Allow", `"*"`, `["s3:PutObject"]`, ""), true, "s3:PutObject"},
		{"delete", stmt("Allow", `"*"`, `"s3:DeleteObject"`, ""), true, "s3:DeleteObject"},
		{"condition does not clear it", stmt("Allow", `"*"`, `"s3:GetObject"`, `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`), true, "s3:GetObject"},
		{"NotAction", `{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:DeleteObject","Resource":` + objectRes + `}]}`, true, "NotAction"},
		{"NotPrincipal", `{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":` + objectRes + `}]}`, true, "NotPrincipal"},
		{"single statement object", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":` + objectRes + `}}`, true, "s3:GetObject"},
		{"lower-case effect", stmt("allow", `"*"`, `"s3:GetObject"`, ""), true, "s3:GetObject"},
		{"no principal", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":` + objectRes + `}]}`, true, "unspecified principal"},
		{"no action", `{"Statement":[{"Effect":"Allow","Principal":"*","Resource":` + objectRes + `}]}`, true, "unspecified action"},
		{"later statement", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/audit"},"Action":"s3:*","Resource":` + objectRes + `},{"Sid":"oops","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":` + bucketRes + `}]}`, true, "statement 1"},
		{"not JSON", `{"Statement":[`, true, "cannot be parsed"},
		{"garbled principal", stmt("Allow", `42`, `"s3:GetObject"`, ""), true, "cannot be parsed"},
		{"garbled action", stmt("Allow", `"*"`, `{"x":1}`, ""), true, "cannot be parsed"},
		{"deny only", stmt("Deny", `"*"`, `"s3:*"`, ""), false, ""},
		{"named principal", stmt("Allow", `{"AWS":"arn:aws:iam::111122223333:role/auditfleet-server"}`, `"s3:*"`, ""), false, ""},
		{"location only", stmt("Allow", `"*"`, `"s3:GetBucketLocation"`, ""), false, ""},
		{"location only, list", stmt("Allow", `{"AWS":["*"]}`, `["s3:GetBucketLocation"]`, ""), false, ""},
	}
	for _, m := range mcModes {
		b, err := os.ReadFile(filepath.Join("testdata", "policies", "mc-"+m.mode+".json"))
		if err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name   string
			doc    string
			public bool
			reason string
		}{"mc anonymous set " + m.mode, string(b), true, `Principal {"AWS": "*"}`})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			public, reason := PublicAccess(tt.doc)
			if public != tt.public {
				t.Fatalf("PublicAccess(%s) = %v (%s), want %v", tt.doc, public, reason, tt.public)
			}
			if public && !strings.Contains(reason, tt.reason) {
				t.Errorf("PublicAccess(%s) reason %q, want it to mention %q", tt.doc, reason, tt.reason)
			}
			if !public && reason != "" {
				t.Errorf("PublicAccess(%s) reason %q for a private policy", tt.doc, reason)
			}
		})
	}
}

// TestMinioHelperMisses shows why the policy is parsed here: minio-go's
// policy.GetPolicy reports the classic AWS public-read policy (anonymous
// s3:GetObject, no s3:GetBucketLocation) as no access at all.
func TestMinioHelperMisses(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + fixtureBucket + `/*"]}]}`
	var p policy.BucketAccessPolicy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	if got := policy.GetPolicy(p.Statements, fixtureBucket, ""); got != policy.BucketPolicyNone {
		t.Fatalf("minio-go policy.GetPolicy = %q; this test documents that it says %q", got, policy.BucketPolicyNone)
	}
	if public, reason := PublicAccess(doc); !public {
		t.Fatalf("PublicAccess(%s) = false, want the anonymous s3:GetObject caught", doc)
	} else {
		t.Logf("caught: %s", reason)
	}
}

func FuzzPublicAccess(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`)
	f.Add(`{"Statement":{"Effect":"Deny","Principal":{"AWS":["*"]},"Action":["s3:*"]}}`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, doc string) {
		public, reason := PublicAccess(doc)
		if public && reason == "" {
			t.Fatalf("PublicAccess(%q) = public without a reason", doc)
		}
	})
}
