package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/auditfleet/auditfleet/internal/miniotest"
	"github.com/auditfleet/auditfleet/server/internal/tamper"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
	"github.com/auditfleet/auditfleet/server/store/s3store"
)

// minioServer is the one MinIO server of this package's tests.
var minioServer miniotest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := minioServer.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// target is a store the command line runs on: its flags, the store and a
// way to tamper with it behind the server's back.
type target struct {
	flags []string
	st    store.Backend
	tm    tamper.Store
}

var targets = []struct {
	name string
	open func(t *testing.T) target
}{
	{"dir", func(t *testing.T) target {
		dir := filepath.Join(t.TempDir(), "store") // made 0700, as the server requires
		st, err := dirstore.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return target{flags: []string{"--dir", dir}, st: st, tm: tamper.Dir(dir)}
	}},
	{"minio", func(t *testing.T) target {
		srv := minioServer.Server(t)
		bucket := srv.NewBucket(t, true, true)
		cfg := fmt.Sprintf("storage:\n  type: s3\n  s3:\n    endpoint: %s\n    bucket: %s\n    path_style: true\n    use_tls: false\n    access_key: %s\n    secret_key: %s\n    retention_days: 1\n", srv.Endpoint, bucket, srv.AccessKey, srv.SecretKey)
		path := filepath.Join(t.TempDir(), "server.yaml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := s3store.New(s3store.Config{Endpoint: srv.Endpoint, Bucket: bucket, PathStyle: true, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
		if err != nil {
			t.Fatal(err)
		}
		tm, err := tamper.S3(srv.Endpoint, srv.AccessKey, srv.SecretKey, bucket)
		if err != nil {
			t.Fatal(err)
		}
		return target{flags: []string{"--config", path}, st: st, tm: tm}
	}},
}

func run(t *testing.T, tg target, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append(append([]string{"--log-level", "error"}, tg.flags...), args...), &out, &errb)
	return code, out.String() + errb.String()
}

// credentialEntry returns the key and bytes of the entry token-create
// wrote, and the key of its chain's close.
func credentialEntry(t *testing.T, tg target) (string, []byte, string) {
	t.Helper()
	var key, closeKey string
	var b []byte
	for o, err := range tg.st.List(context.Background(), objkey.AuditPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		data, _, err := store.GetBytes(context.Background(), tg.st, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(`"object":"token of person alice role admin"`)) {
			key, b = o.Key, data
		} else if key != "" && closeKey == "" && bytes.Contains(data, []byte(`"action":"close"`)) {
			closeKey = o.Key
		}
	}
	if key == "" || closeKey == "" {
		t.Fatal("token-create wrote no audit entry, or its chain was not closed")
	}
	return key, b, closeKey
}

func TestAuditVerify(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, tg target, key string, b []byte, closeKey string)
		want   string // kind of the problem found; "" for none
	}{
		{"intact", nil, ""},
		{"deleted", func(t *testing.T, tg target, key string, _ []byte, _ string) {
			if err := tg.st.Delete(context.Background(), key); err != nil {
				t.Fatal(err)
			}
		}, "missing"},
		{"edited, checksum fixed", func(t *testing.T, tg target, key string, b []byte, _ string) {
			if err := tg.tm.Rewrite(context.Background(), key, bytes.Replace(b, []byte("role admin"), []byte("role assurance"), 1)); err != nil {
				t.Fatal(err)
			}
		}, "altered"},
		{"reordered", func(t *testing.T, tg target, key string, b []byte, closeKey string) {
			c, _, err := store.GetBytes(context.Background(), tg.st, closeKey)
			if err != nil {
				t.Fatal(err)
			}
			if err := tg.tm.Rewrite(context.Background(), key, c); err != nil {
				t.Fatal(err)
			}
			if err := tg.tm.Rewrite(context.Background(), closeKey, b); err != nil {
				t.Fatal(err)
			}
		}, "reordered"},
	}
	for _, target := range targets {
		t.Run(target.name, func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					tg := target.open(t)
					if code, out := run(t, tg, "token-create", "--role", "admin", "--name", "alice"); code != 0 || strings.TrimSpace(out) == "" {
						t.Fatalf("token-create: %d %s", code, out)
					}
					if code, out := run(t, tg, "enroll-secret-create", "--name", "estate"); code != 0 {
						t.Fatalf("enroll-secret-create: %d %s", code, out)
					}
					key, b, closeKey := credentialEntry(t, tg)
					if tt.tamper != nil {
						tt.tamper(t, tg, key, b, closeKey)
					}
					code, out := run(t, tg, "audit", "verify")
					if (code == 0) != (tt.want == "") {
						t.Errorf("audit verify exit %d, want failure %v:\n%s", code, tt.want != "", out)
					}
					if tt.want != "" && !strings.Contains(out, "PROBLEM "+tt.want) {
						t.Errorf("audit verify does not report %s:\n%s", tt.want, out)
					}
					code, out = run(t, tg, "audit", "verify", "--json")
					var rep struct {
						OK       bool `json:"ok"`
						Entries  int  `json:"entries"`
						Problems []struct {
							Kind string `json:"kind"`
						} `json:"problems"`
					}
					if err := json.Unmarshal([]byte(out[:strings.LastIndex(out, "}")+1]), &rep); err != nil {
						t.Fatalf("audit verify --json: %v\n%s", err, out)
					}
					if rep.OK != (tt.want == "") || (tt.want != "" && (len(rep.Problems) == 0 || rep.Problems[0].Kind != tt.want)) || rep.Entries < 4 {
						t.Errorf("audit verify --json (exit %d) = %+v, want problem %q", code, rep, tt.want)
					}
				})
			}
		})
	}
}

func TestCredentialChangesAreAudited(t *testing.T) {
	tg := targets[0].open(t)
	if code, out := run(t, tg, "enroll-secret-create", "--name", "estate", "--ttl", "24h"); code != 0 {
		t.Fatalf("enroll-secret-create: %d %s", code, out)
	}
	found := false
	for o, err := range tg.st.List(context.Background(), objkey.AuditPrefix) {
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := store.GetBytes(context.Background(), tg.st, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		found = found || bytes.Contains(b, []byte(`"object":"enroll secret estate"`)) && bytes.Contains(b, []byte(`"detail":"created enroll secret es_`)) && bytes.Contains(b, []byte(`, expires `))
	}
	if !found {
		t.Error("enroll-secret-create wrote no audit entry with the secret's expiry")
	}
}
