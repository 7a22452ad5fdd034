package s3store

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/internal/digest"
)

// MaxObjectSize is the largest object Put stores: the S3 limit of a single
// PUT, which keeps the SHA-256 a whole-object checksum.
const MaxObjectSize = 5 << 30

// emptySHA256 is the base64 SHA-256 of no bytes.
const emptySHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

// Retention modes for Config.RetentionMode.
const (
	Governance = "governance"
	Compliance = "compliance"
)

// Config says how to reach the bucket. Log it with slog: LogValue leaves
// the secrets out.
type Config struct {
	// Endpoint is the S3 endpoint, host[:port] without a scheme, e.g.
	// "s3.eu-west-2.amazonaws.com" or "minio.internal:9000".
	Endpoint string
	// Bucket is the bucket holding everything; it must exist.
	Bucket string
	// Region is the bucket's region; empty lets the client discover it.
	Region string
	// UseTLS selects https.
	UseTLS bool
	// PathStyle selects path-style requests (endpoint/bucket/key), which
	// MinIO and Ceph RGW usually need; false selects virtual-host style
	// (bucket.endpoint/key), which AWS prefers.
	PathStyle bool
	// AccessKey authenticates, with SecretKey. If it is empty, the
	// standard AWS environment variables (AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then the shared
	// credentials file (~/.aws/credentials, AWS_PROFILE), then the EC2/ECS
	// instance role are tried in turn.
	AccessKey string
	// SecretKey is the secret of AccessKey.
	SecretKey string
	// SessionToken is the token of temporary credentials, if any.
	SessionToken string
	// CAFile is a PEM file of CA certificates to trust instead of the
	// system's, for endpoints with a private CA.
	CAFile string
	// RetentionMode is the object-lock mode of retention set on objects
	// put with PutOptions.Retain: Governance (the default) or Compliance.
	RetentionMode string
}

// LogValue implements slog.LogValuer, without the secret key and token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("endpoint", c.Endpoint),
		slog.String("bucket", c.Bucket),
		slog.String("region", c.Region),
		slog.Bool("use_tls", c.UseTLS),
		slog.Bool("path_style", c.PathStyle),
		slog.String("access_key", c.AccessKey),
		slog.String("ca_file", c.CAFile),
		slog.String("retention_mode", c.RetentionMode),
	)
}

// Store is an S3 bucket. Its methods are safe for concurrent use, and any
// number of Stores (in any number of processes) may share one bucket.
type Store struct {
	client *minio.Client
	bucket string
	mode   minio.RetentionMode

	mu     sync.Mutex
	locked *bool // whether the bucket has object lock, once known

	listing atomic.Int32 // how List reads the bucket: a listMode
}

// New returns a Store for the bucket cfg names. It does no I/O: Check
// reaches the bucket.
func New(cfg Config) (*Store, error) {
	return build(cfg, nil)
}

// build is New with a hook that may wrap the HTTP transport (in tests).
func build(cfg Config, wrap func(http.RoundTripper) http.RoundTripper) (*Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("s3 store: endpoint and bucket are required")
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, fmt.Errorf("s3 store: endpoint %q must be host[:port], without a scheme (use use_tls)", cfg.Endpoint)
	}
	var mode minio.RetentionMode
	switch strings.ToLower(cfg.RetentionMode) {
	case "", Governance:
		mode = minio.Governance
	case Compliance:
		mode = minio.Compliance
	default:
		return nil, fmt.Errorf("s3 store: retention mode %q: want %q or %q", cfg.RetentionMode, Governance, Compliance)
	}
	transport, err := minio.DefaultTransport(cfg.UseTLS)
	if err != nil {
		return nil, fmt.Errorf("s3 store: %w", err)
	}
	if cfg.UseTLS {
		transport.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.CAFile != "" {
			pem, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				return nil, fmt.Errorf("s3 store: CA file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("s3 store: CA file %s: no PEM certificates", cfg.CAFile)
			}
			transport.TLSClientConfig.RootCAs = pool
		}
	} else if cfg.CAFile != "" {
		return nil, fmt.Errorf("s3 store: CA file %s given but use_tls is off", cfg.CAFile)
	}
	var rt http.RoundTripper = transport
	if wrap != nil {
		rt = wrap(transport)
	}
	lookup := minio.BucketLookupDNS
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:           creds(cfg, transport),
		Secure:          cfg.UseTLS,
		Transport:       rt,
		Region:          cfg.Region,
		BucketLookup:    lookup,
		TrailingHeaders: true, // for the SHA-256 trailing checksum
	})
	if err != nil {
		return nil, fmt.Errorf("s3 store: %w", err)
	}
	return &Store{client: client, bucket: cfg.Bucket, mode: mode}, nil
}

func creds(cfg Config, transport http.RoundTripper) *credentials.Credentials {
	if cfg.AccessKey != "" {
		return credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken)
	}
	return credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.FileAWSCredentials{},
		&credentials.IAM{Client: &http.Client{Transport: transport}},
	})
}

// Bucket returns the bucket's name.
func (s *Store) Bucket() string { return s.bucket }

// objectLock reports whether the bucket has object lock, asking once.
func (s *Store) objectLock(ctx context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locked != nil {
		return *s.locked, nil
	}
	enabled, _, _, _, err := s.client.GetObjectLockConfig(ctx, s.bucket)
	locked := err == nil && enabled == "Enabled"
	if err != nil && !isCode(err, "ObjectLockConfigurationNotFoundError") {
		return false, fmt.Errorf("read object lock configuration of %s: %w", s.bucket, mapErr(ctx, err))
	}
	s.locked = &locked
	return locked, nil
}

// Put stores the size bytes of r (size -1: until EOF) under key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error) {
	obj, err := s.put(ctx, key, r, size, opts)
	if err != nil {
		return store.Object{}, fmt.Errorf("put %s: %w", key, err)
	}
	return obj, nil
}

func (s *Store) put(ctx context.Context, key string, r io.Reader, size int64, opts store.PutOptions) (store.Object, error) {
	if err := store.ValidKey(key); err != nil {
		return store.Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return store.Object{}, err
	}
	if size > MaxObjectSize {
		return store.Object{}, fmt.Errorf("%d bytes is more than the %d a single PUT may carry", size, int64(MaxObjectSize))
	}
	ct := opts.ContentType
	if ct == "" {
		ct = store.DefaultContentType
	}
	popts := minio.PutObjectOptions{
		ContentType:      ct,
		Checksum:         minio.ChecksumSHA256,
		DisableMultipart: true,
	}
	switch {
	case opts.WriteOnce || opts.IfAbsent:
		popts.SetMatchETagExcept("*") // If-None-Match: *
	case opts.IfMatch != "":
		popts.SetMatchETag(opts.IfMatch) // If-Match: "<etag>"
	}
	if opts.LegalHold || !opts.Retain.IsZero() {
		locked, err := s.objectLock(ctx)
		if err != nil {
			return store.Object{}, err
		}
		if opts.LegalHold && !locked {
			return store.Object{}, fmt.Errorf("legal hold needs object lock, which bucket %s does not have: %w", s.bucket, errors.ErrUnsupported)
		}
		if opts.LegalHold {
			popts.LegalHold = minio.LegalHoldEnabled
		}
		if locked && !opts.Retain.IsZero() {
			popts.Mode = s.mode
			popts.RetainUntilDate = opts.Retain.UTC()
		}
	}
	if size < 0 {
		f, n, err := spool(ctx, r)
		if err != nil {
			return store.Object{}, err
		}
		defer func() {
			f.Close()
			os.Remove(f.Name())
		}()
		r, size = f, n
	}
	if size == 0 {
		// No body, so no trailer: send the checksum of nothing as a header.
		popts.Checksum = minio.ChecksumNone
		popts.UserMetadata = map[string]string{"x-amz-checksum-sha256": emptySHA256}
	}
	d := digest.NewReader(ctx, r, size)
	info, err := s.client.PutObject(ctx, s.bucket, key, d, size, popts)
	if err != nil {
		if errors.Is(err, digest.ErrSize) {
			return store.Object{}, err
		}
		if opts.IfMatch != "" {
			if err := s.ifMatchFailed(ctx, key, err); err != nil {
				return store.Object{}, err
			}
		}
		if isCode(err, "PreconditionFailed") || isCode(err, "ConditionalRequestConflict") {
			return store.Object{}, store.ErrExists
		}
		return store.Object{}, mapErr(ctx, err)
	}
	if d.N() != size {
		return store.Object{}, fmt.Errorf("%w: sent %d bytes, want %d", digest.ErrSize, d.N(), size)
	}
	sum := d.Sum()
	stored := info.ChecksumSHA256
	if stored == "" { // not in the PUT response: ask for this version's
		st, err := s.client.StatObject(ctx, s.bucket, key, statOpts(info.VersionID))
		if err != nil {
			return store.Object{}, mapErr(ctx, err)
		}
		stored = st.ChecksumSHA256
	}
	if stored == "" {
		return store.Object{}, fmt.Errorf("%w: endpoint stored no SHA-256 checksum; it must support x-amz-checksum-sha256", store.ErrChecksum)
	}
	if got, err := digest.Base64ToHex(stored); err != nil || got != sum {
		return store.Object{}, fmt.Errorf("%w: endpoint stored sha256 %s, sent %s", store.ErrChecksum, stored, sum)
	}
	return store.Object{Key: key, Size: size, SHA256: sum, ContentType: ct, LastModified: time.Now().UTC(), VersionID: info.VersionID, ETag: unquote(info.ETag)}, nil
}

// ifMatchFailed maps the error of a PUT with If-Match: ErrChanged when the
// object has another revision, ErrNotFound when it is gone (S3 answers a
// missing key with 404 NoSuchKey or, as some implementations do, 412), and
// nil for any other error.
func (s *Store) ifMatchFailed(ctx context.Context, key string, err error) error {
	switch {
	case isCode(err, "NoSuchKey"):
		return store.ErrNotFound
	case isCode(err, "PreconditionFailed") || isCode(err, "ConditionalRequestConflict"):
		if _, serr := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); isCode(serr, "NoSuchKey") {
			return store.ErrNotFound
		}
		return store.ErrChanged
	}
	return nil
}

// unquote strips the quotes S3 puts around an entity tag.
func unquote(etag string) string { return strings.Trim(etag, `"`) }

// spool copies a reader of unknown length to a temporary file, so that it
// can be sent as one PUT with a length.
func spool(ctx context.Context, r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "s3store-put-*")
	if err != nil {
		return nil, 0, err
	}
	n, err := io.Copy(f, io.LimitReader(digest.NewReader(ctx, r, -1), MaxObjectSize+1))
	if err == nil && n > MaxObjectSize {
		err = fmt.Errorf("more than the %d bytes a single PUT may carry", int64(MaxObjectSize))
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}

func statOpts(versionID string) minio.StatObjectOptions {
	o := minio.StatObjectOptions{VersionID: versionID}
	o.Set("x-amz-checksum-mode", "ENABLED")
	return o
}

// Get opens key for reading. The reader returns an error wrapping
// store.ErrChecksum at EOF if the bytes do not match the stored SHA-256.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, store.Object, error) {
	if err := store.ValidKey(key); err != nil {
		return nil, store.Object{}, fmt.Errorf("get %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, store.Object{}, fmt.Errorf("get %s: %w", key, err)
	}
	var gopts minio.GetObjectOptions
	gopts.Set("x-amz-checksum-mode", "ENABLED") // return the stored checksum; we verify it ourselves
	// One GET answers both the body and its description, so the checksum
	// verified is the one of the bytes read even while another writer
	// replaces the object (a separate HEAD and GET could see two versions).
	body, info, _, err := minio.Core{Client: s.client}.GetObject(ctx, s.bucket, key, gopts)
	if err != nil {
		return nil, store.Object{}, fmt.Errorf("get %s: %w", key, mapErr(ctx, err))
	}
	obj, err := object(key, info)
	if err != nil {
		body.Close()
		return nil, store.Object{}, fmt.Errorf("get %s: %w", key, err)
	}
	return digest.Verify(body, key, obj.SHA256, obj.Size), obj, nil
}

// object converts what the endpoint said about a key, requiring its
// SHA-256.
func object(key string, info minio.ObjectInfo) (store.Object, error) {
	if info.ChecksumSHA256 == "" {
		return store.Object{}, fmt.Errorf("%w: no SHA-256 stored with the object", store.ErrChecksum)
	}
	sum, err := digest.Base64ToHex(info.ChecksumSHA256)
	if err != nil {
		return store.Object{}, fmt.Errorf("%w: %v", store.ErrChecksum, err)
	}
	return store.Object{
		Key:          key,
		Size:         info.Size,
		SHA256:       sum,
		ContentType:  info.ContentType,
		LastModified: info.LastModified.UTC(),
		VersionID:    info.VersionID,
		ETag:         unquote(info.ETag),
	}, nil
}

// Stat describes key.
func (s *Store) Stat(ctx context.Context, key string) (store.Object, error) {
	if err := store.ValidKey(key); err != nil {
		return store.Object{}, fmt.Errorf("stat %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return store.Object{}, fmt.Errorf("stat %s: %w", key, err)
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, statOpts(""))
	if err != nil {
		return store.Object{}, fmt.Errorf("stat %s: %w", key, mapErr(ctx, err))
	}
	obj, err := object(key, info)
	if err != nil {
		return store.Object{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return obj, nil
}

// version is one version of a key, or a delete marker.
type version struct {
	id           string
	deleteMarker bool
	info         minio.ObjectInfo
}

// versions lists every version and delete marker of exactly key.
func (s *Store) versions(ctx context.Context, key string) ([]version, error) {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var vs []version
	for info := range s.client.ListObjectsIter(lctx, s.bucket, minio.ListObjectsOptions{Prefix: key, Recursive: true, WithVersions: true}) {
		if info.Err != nil {
			return nil, mapErr(ctx, info.Err)
		}
		if info.Key != key {
			// Another key with key as its prefix. Not a reason to stop:
			// implementations differ in the order they list versions in
			// (SeaweedFS lists "k2" before "k" in a versioned bucket).
			continue
		}
		vs = append(vs, version{id: info.VersionID, deleteMarker: info.IsDeleteMarker, info: info})
	}
	return vs, ctx.Err()
}

// Versions lists every version of key, newest first, delete markers
// included (with an empty SHA256 and a zero Size).
func (s *Store) Versions(ctx context.Context, key string) ([]store.Object, error) {
	if err := store.ValidKey(key); err != nil {
		return nil, fmt.Errorf("versions of %s: %w", key, err)
	}
	vs, err := s.versions(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", key, err)
	}
	out := make([]store.Object, 0, len(vs))
	for _, v := range vs {
		out = append(out, store.Object{Key: key, Size: v.info.Size, LastModified: v.info.LastModified.UTC(), VersionID: v.id})
	}
	return out, nil
}

// Delete removes every version and delete marker of key, unless a version
// is under legal hold (store.ErrLegalHold) or compliance retention
// (store.ErrRetained); then it removes nothing. Governance retention is
// bypassed.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := store.ValidKey(key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	// Repeat while versions appear: a concurrent writer may add one.
	for round := 0; ; round++ {
		vs, err := s.versions(ctx, key)
		if err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		if len(vs) == 0 {
			if round == 0 {
				return fmt.Errorf("delete %s: %w", key, store.ErrNotFound)
			}
			return nil
		}
		if round == 3 {
			return fmt.Errorf("delete %s: versions keep appearing; a writer is still writing the key", key)
		}
		if err := s.checkDeletable(ctx, key, vs); err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
		for _, v := range vs {
			err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{VersionID: v.id, GovernanceBypass: true})
			if err != nil && !isCode(err, "NoSuchVersion") && !isCode(err, "NoSuchKey") {
				return fmt.Errorf("delete %s version %s: %w", key, v.id, mapErr(ctx, err))
			}
		}
	}
}

// checkDeletable refuses versions under legal hold or unexpired
// compliance retention, before anything is removed.
func (s *Store) checkDeletable(ctx context.Context, key string, vs []version) error {
	locked, err := s.objectLock(ctx)
	if err != nil || !locked {
		return err
	}
	for _, v := range vs {
		if v.deleteMarker {
			continue
		}
		hold, err := s.client.GetObjectLegalHold(ctx, s.bucket, key, minio.GetObjectLegalHoldOptions{VersionID: v.id})
		if isCode(err, "NoSuchVersion") || isCode(err, "NoSuchKey") {
			continue // removed meanwhile: nothing left to hold
		}
		if err != nil && !noLockInfo(err) {
			return fmt.Errorf("read legal hold of version %s: %w", v.id, mapErr(ctx, err))
		}
		if err == nil && hold != nil && *hold == minio.LegalHoldEnabled {
			return fmt.Errorf("%w: version %s", store.ErrLegalHold, v.id)
		}
		mode, until, err := s.client.GetObjectRetention(ctx, s.bucket, key, v.id)
		if err != nil && !noLockInfo(err) {
			return fmt.Errorf("read retention of version %s: %w", v.id, mapErr(ctx, err))
		}
		if err == nil && mode != nil && *mode == minio.Compliance && until != nil && until.After(time.Now()) {
			return fmt.Errorf("%w: version %s until %s", store.ErrRetained, v.id, until.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// noLockInfoCodes are the answers S3 implementations give when asked for
// the legal hold or retention of an object version that has none: AWS and
// MinIO answer NoSuchObjectLockConfiguration, Ceph RGW and SeaweedFS (for
// retention) ObjectLockConfigurationNotFoundError, SeaweedFS (for legal
// hold) NoSuchObjectLegalHold; NoSuchObjectRetention is the retention
// counterpart some implementations use.
var noLockInfoCodes = []string{
	"NoSuchObjectLockConfiguration",
	"ObjectLockConfigurationNotFoundError",
	"ObjectLockConfigurationNotFound",
	"NoSuchObjectLegalHold",
	"NoSuchObjectRetention",
}

// noLockInfo reports the errors of an object version that has no legal
// hold or retention set.
func noLockInfo(err error) bool {
	return slices.ContainsFunc(noLockInfoCodes, func(code string) bool { return isCode(err, code) })
}

// SetLegalHold places (on) or lifts (off) a legal hold on every version
// of key. It needs a bucket with object lock (errors.ErrUnsupported
// otherwise).
func (s *Store) SetLegalHold(ctx context.Context, key string, on bool) error {
	if err := store.ValidKey(key); err != nil {
		return fmt.Errorf("set legal hold on %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("set legal hold on %s: %w", key, err)
	}
	locked, err := s.objectLock(ctx)
	if err != nil {
		return fmt.Errorf("set legal hold on %s: %w", key, err)
	}
	if !locked {
		return fmt.Errorf("set legal hold on %s: bucket %s has no object lock: %w", key, s.bucket, errors.ErrUnsupported)
	}
	vs, err := s.versions(ctx, key)
	if err != nil {
		return fmt.Errorf("set legal hold on %s: %w", key, err)
	}
	status := minio.LegalHoldDisabled
	if on {
		status = minio.LegalHoldEnabled
	}
	n := 0
	for _, v := range vs {
		if v.deleteMarker {
			continue
		}
		n++
		if err := s.client.PutObjectLegalHold(ctx, s.bucket, key, minio.PutObjectLegalHoldOptions{VersionID: v.id, Status: &status}); err != nil {
			return fmt.Errorf("set legal hold on %s version %s: %w", key, v.id, mapErr(ctx, err))
		}
	}
	if n == 0 {
		return fmt.Errorf("set legal hold on %s: %w", key, store.ErrNotFound)
	}
	return nil
}

// Check reports the bucket's state: whether it exists, its versioning and
// object lock, and whether its policy makes it public.
func (s *Store) Check(ctx context.Context) (store.BucketState, error) {
	state := store.BucketState{Name: s.bucket, Versioning: store.VersioningOff}
	if err := ctx.Err(); err != nil {
		return state, err
	}
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return state, fmt.Errorf("check bucket %s: %w", s.bucket, mapErr(ctx, err))
	}
	if state.Exists = exists; !exists {
		return state, nil
	}
	v, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if err != nil {
		return state, fmt.Errorf("check versioning of bucket %s: %w", s.bucket, mapErr(ctx, err))
	}
	switch {
	case v.Enabled():
		state.Versioning = store.VersioningEnabled
	case v.Suspended():
		state.Versioning = store.VersioningSuspended
	}
	if state.ObjectLock, err = s.objectLock(ctx); err != nil {
		return state, fmt.Errorf("check bucket %s: %w", s.bucket, err)
	}
	policy, err := s.client.GetBucketPolicy(ctx, s.bucket)
	if err != nil {
		return state, fmt.Errorf("check policy of bucket %s (the server needs s3:GetBucketPolicy to prove the bucket is not public): %w", s.bucket, mapErr(ctx, err))
	}
	state.Public, state.PublicReason = PublicAccess(policy)
	return state, nil
}

// isCode reports whether err is an S3 error response with code.
func isCode(err error, code string) bool {
	var er minio.ErrorResponse
	return errors.As(err, &er) && er.Code == code
}

// mapErr maps S3 errors to the store's: the context's error once ctx is
// done, store.ErrNotFound for a missing key or bucket.
func mapErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w (%v)", ctxErr, err)
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		switch er.Code {
		case "NoSuchKey", "NoSuchBucket", "NoSuchVersion":
			return fmt.Errorf("%w: %s", store.ErrNotFound, er.Code)
		}
		if er.StatusCode == http.StatusNotFound && er.Code == "" {
			return store.ErrNotFound
		}
	}
	return err
}
