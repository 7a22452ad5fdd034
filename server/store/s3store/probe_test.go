package s3store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/auditfleet/auditfleet/server/store"
)

// TestProbe probes every server and bucket kind: it passes, warns about
// exactly the optional features the bucket lacks, and leaves nothing
// behind.
func TestProbe(t *testing.T) {
	ctx := context.Background()
	for _, srv := range servers {
		for _, kind := range bucketKinds {
			t.Run(srv.name+"/"+kind.name, func(t *testing.T) {
				s := newStoreOn(t, srv.get(t), kind.versioning, kind.lock, "", nil)
				warnings, err := s.Probe(ctx)
				if err != nil {
					t.Fatalf("Probe = %v", err)
				}
				text := strings.Join(warnings, "\n")
				for feature, want := range map[string]bool{
					"versioning:":                 !kind.versioning,
					"object lock and legal hold:": !kind.lock,
					"probe: could not remove":     false,
				} {
					if got := strings.Contains(text, feature); got != want {
						t.Errorf("Probe warnings %q: mention of %q = %v, want %v", warnings, feature, got, want)
					}
				}
				// SeaweedFS lists versioned buckets out of byte order.
				wantOrdered := srv.name != "seaweedfs" || !kind.versioning
				if ordered := !strings.Contains(text, "listing:"); ordered != wantOrdered {
					t.Errorf("Probe warnings %q: listing in byte order = %v, want %v", warnings, ordered, wantOrdered)
				}
				if mode := listMode(s.listing.Load()); (mode == listFlat) != wantOrdered {
					t.Errorf("listing mode %d after Probe, want flat %v", mode, wantOrdered)
				}
				for info := range s.client.ListObjectsIter(ctx, s.Bucket(), minio.ListObjectsOptions{Prefix: ProbePrefix, Recursive: true, WithVersions: true}) {
					t.Errorf("left behind by Probe: %s version %s (%v)", info.Key, info.VersionID, info.Err)
				}
			})
		}
	}
}

// checksumTrailer finds the SHA-256 a PUT carries in its trailer.
var checksumTrailer = regexp.MustCompile(`x-amz-checksum-sha256:([A-Za-z0-9+/=]+)`)

// ignoring is an endpoint that ignores a conditional header of PUT: where
// the real server refuses the PUT with 412, it answers 200 as a server
// that ignores the condition would (with the checksum the PUT sent).
type ignoring struct {
	header string
	next   http.RoundTripper
}

func (f ignoring) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPut || req.Header.Get(f.header) == "" || req.Body == nil {
		return f.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := f.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusPreconditionFailed {
		return resp, err
	}
	resp.Body.Close()
	m := checksumTrailer.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("fake: no checksum trailer in the PUT")
	}
	h := http.Header{}
	h.Set("ETag", `"0123456789abcdef0123456789abcdef"`)
	h.Set("x-amz-checksum-sha256", string(m[1]))
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: h, Body: io.NopCloser(strings.NewReader("")), Request: req, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// noChecksum is an endpoint that neither stores nor returns SHA-256
// checksums.
type noChecksum struct{ next http.RoundTripper }

func (f noChecksum) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := f.next.RoundTrip(req)
	if err == nil {
		resp.Header.Del("x-amz-checksum-sha256")
	}
	return resp, err
}

// answer is an endpoint that answers requests whose query has the
// parameter param with status and body instead of the real server.
type answer struct {
	param  string
	status int
	body   string
	next   http.RoundTripper
}

func (f answer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || !req.URL.Query().Has(f.param) {
		return f.next.RoundTrip(req)
	}
	h := http.Header{"Content-Type": {"application/xml"}}
	return &http.Response{StatusCode: f.status, Status: http.StatusText(f.status), Header: h, Body: io.NopCloser(strings.NewReader(f.body)), Request: req, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// TestProbeRefuses puts fakes in front of the real server, each lacking
// one feature the server relies on, and checks that Probe names it.
func TestProbeRefuses(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name             string
		versioning, lock bool
		wrap             func(http.RoundTripper) http.RoundTripper
		want             string
	}{
		{"ignores If-None-Match", true, false, func(rt http.RoundTripper) http.RoundTripper { return ignoring{"If-None-Match", rt} }, "conditional create (If-None-Match: *)"},
		{"ignores If-Match", true, false, func(rt http.RoundTripper) http.RoundTripper { return ignoring{"If-Match", rt} }, "conditional update (If-Match)"},
		{"no checksums", true, false, func(rt http.RoundTripper) http.RoundTripper { return noChecksum{rt} }, "SHA-256 checksums"},
		{"claims versioning it lacks", false, false, func(rt http.RoundTripper) http.RoundTripper {
			return answer{"versioning", http.StatusOK, `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`, rt}
		}, "versioning: bucket"},
		{"unknown no-hold answer", true, true, func(rt http.RoundTripper) http.RoundTripper {
			return answer{"legal-hold", http.StatusNotFound, `<Error><Code>NoSuchHoldAtAll</Code><Message>none</Message></Error>`, rt}
		}, "object lock and legal hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := minioServer.Server(t)
			s := newStoreOn(t, endpoint{srv.Endpoint, srv.AccessKey, srv.SecretKey, srv.NewBucket}, tt.versioning, tt.lock, "", tt.wrap)
			_, err := s.Probe(ctx)
			if !errors.Is(err, ErrMissingFeature) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Probe = %v, want ErrMissingFeature naming %q", err, tt.want)
			}
		})
	}
}

// contents is one object of a ListObjectsV2 answer.
var contents = regexp.MustCompile(`(?s)<Contents>.*?</Contents>`)

// reversing is an endpoint that lists the objects of each page in reverse.
type reversing struct{ next http.RoundTripper }

func (f reversing) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := f.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || req.URL.Query().Get("list-type") != "2" {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	objs := contents.FindAll(body, -1)
	i := len(objs)
	body = contents.ReplaceAllFunc(body, func([]byte) []byte { i--; return objs[i] })
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// TestListOutOfOrder: a flat listing that comes out of byte order fails
// instead of yielding keys out of order, and later listings walk the
// bucket folder by folder, in order.
func TestListOutOfOrder(t *testing.T) {
	ctx := context.Background()
	srv := minioServer.Server(t)
	s := newStoreOn(t, endpoint{srv.Endpoint, srv.AccessKey, srv.SecretKey, srv.NewBucket}, false, false, "", func(rt http.RoundTripper) http.RoundTripper { return reversing{rt} })
	want := []string{"d/a", "d/a-b", "d/b", "d/c-b", "d/c/b", "e"}
	for _, k := range want {
		put(t, s, k, k, store.PutOptions{})
	}
	list := func() ([]string, error) {
		var keys []string
		for o, err := range s.List(ctx, "") {
			if err != nil {
				return keys, err
			}
			keys = append(keys, o.Key)
		}
		return keys, nil
	}
	s.listing.Store(int32(listFlat))
	if got, err := list(); err == nil || !strings.Contains(err.Error(), "not in the byte order") || len(got) > 1 {
		t.Fatalf("flat List of a reversed listing = %q, %v; want an error after at most one key", got, err)
	}
	if mode := listMode(s.listing.Load()); mode != listWalk {
		t.Fatalf("listing mode after a listing out of order = %d, want walk", mode)
	}
	if got, err := list(); err != nil || !slices.Equal(got, want) {
		t.Fatalf("walking List = %q, %v; want %q", got, err, want)
	}
}
