package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/auditfleet/auditfleet/opa"
	"github.com/auditfleet/auditfleet/server/api"
	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/cycle"
	"github.com/auditfleet/auditfleet/server/ingest"
	"github.com/auditfleet/auditfleet/server/org"
	"github.com/auditfleet/auditfleet/server/registry"
	"github.com/auditfleet/auditfleet/server/store"
	"github.com/auditfleet/auditfleet/server/store/dirstore"
	"github.com/oklog/run"
)

// Server is an assembled auditfleet server.
type Server struct {
	Config   *config.Config
	Store    store.Backend
	Tokens   *auth.Tokens
	Registry *registry.Registry
	Audit    *auditlog.Log
	API      *api.Server
	Org      *org.Org
	Closer   *cycle.Closer
	Log      *slog.Logger
}

// OpenStore opens the configured object store and checks it is safe to
// use: it exists, nobody anonymous can read or list it, and (S3) the
// endpoint has the features the server relies on, probed on scratch keys
// (s3store.Store.Probe). It logs the bucket's versioning and object-lock
// state, and a warning when neither protects evidence from being
// overwritten or deleted or when the probe found an optional feature
// missing.
func OpenStore(ctx context.Context, c config.Storage, log *slog.Logger) (store.Backend, error) {
	var (
		st  store.Backend
		err error
	)
	switch c.Type {
	case "dir":
		st, err = dirstore.Open(c.Dir)
	case "s3":
		st, err = openS3(ctx, c.S3)
	default:
		err = fmt.Errorf("storage type %q: want dir or s3", c.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("open storage: %w", err)
	}
	state, err := st.Check(ctx)
	if err != nil {
		return nil, fmt.Errorf("check storage: %w", err)
	}
	if err := state.Usable(); err != nil {
		return nil, fmt.Errorf("refusing to start: %w", err)
	}
	warnings := state.Warnings()
	if p, ok := st.(prober); ok {
		w, err := p.Probe(ctx)
		if err != nil {
			return nil, fmt.Errorf("refusing to start: probe storage: %w", err)
		}
		warnings = append(warnings, w...)
	}
	if log != nil {
		log.Info("storage checked", "type", c.Type, "versioning", state.Versioning, "object_lock", state.ObjectLock)
		for _, w := range warnings {
			log.Warn("storage", "warning", w)
		}
	}
	return st, nil
}

// prober is a store that can check, on scratch keys, that its endpoint
// has the features the server relies on (s3store.Store.Probe): an error
// names a missing one and stops the server; warnings name optional ones.
type prober interface {
	Probe(ctx context.Context) (warnings []string, err error)
}

// New assembles a server over an open store.
func New(ctx context.Context, cfg *config.Config, st store.Backend, log *slog.Logger) (*Server, error) {
	newEngine := func(ctx context.Context, orgDoc map[string]any) (*opa.Engine, error) {
		return cfg.Policy.Engine(ctx, orgDoc)
	}
	engine, err := newEngine(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	var ids []string
	for _, c := range engine.Controls() {
		ids = append(ids, c.ID)
	}
	orgs := &org.Org{Store: st, NewEngine: newEngine, Controls: ids}
	sched, err := cycle.Parse(cfg.Cycle.Schedule)
	if err != nil {
		return nil, err
	}
	validateFacts, err := factsValidator(cfg.Facts.SchemasDir)
	if err != nil {
		return nil, err
	}
	tokens := &auth.Tokens{Store: st, DefaultTTL: time.Duration(cfg.Tokens.DefaultTTLDays) * 24 * time.Hour}
	reg := &registry.Registry{Store: st, Tokens: tokens}
	audit := &auditlog.Log{Store: st, Retain: cfg.AuditRetention()}
	s := &Server{Config: cfg, Store: st, Tokens: tokens, Registry: reg, Audit: audit, Log: log, Org: orgs}
	closer := &cycle.Closer{Store: st, Hosts: reg, Schedule: sched, Controls: engine.Controls(), Policies: orgs.Current, Log: log,
		Settle: time.Duration(cfg.Cycle.Settle)}
	s.Closer = closer
	s.API = &api.Server{
		Closer: closer,
		Store:  st, Tokens: tokens, Registry: reg, Audit: audit, Schedule: sched, Log: log,
		Org: orgs,
		Ingest: &ingest.Ingester{Store: st, Policies: orgs.Current, ValidateFacts: validateFacts,
			Retain: time.Duration(cfg.Storage.S3.RetentionDays) * 24 * time.Hour,
			Next:   sched.Next, Previous: sched.Previous, MaxAge: time.Duration(cfg.Limits.MaxReportAge), Log: log},
		PolicyRevision: engine.Revision(),
		Config: api.Config{
			MaxReportBytes:         cfg.Limits.MaxReportBytes,
			MaxInflightReportBytes: cfg.Limits.MaxInflightReportBytes,
			RequireJustification:   *cfg.Audit.RequireJustification,
			JitterSeconds:          int(time.Duration(cfg.Cycle.Jitter).Seconds()),
			ReportsPerMinute:       cfg.Limits.ReportsPerMinute,
			ReportBurst:            cfg.Limits.ReportBurst,
			EnrollsPerMinute:       cfg.Limits.EnrollsPerMinute,
			EnrollBurst:            cfg.Limits.EnrollBurst,
			SecretEnrollsPerMinute: cfg.Limits.SecretEnrollsPerMinute,
			SecretEnrollBurst:      cfg.Limits.SecretEnrollBurst,
			AuditCheckpointEvery:   time.Duration(cfg.Audit.CheckpointEvery),
		},
	}
	return s, nil
}

// SetClock makes every part of the server read time from now: for tests
// and for re-evaluating evidence as of a date.
func (s *Server) SetClock(now func() time.Time) {
	s.Tokens.Now, s.Registry.Now, s.Audit.Now = now, now, now
	s.API.Now, s.API.Ingest.Now, s.Closer.Now, s.Org.Now = now, now, now, now
}

// Bootstrap creates the first admin token when the store has no people's
// tokens yet, writes it to path (0600) and returns true. Afterwards it does
// nothing.
func (s *Server) Bootstrap(ctx context.Context, path string) (bool, error) {
	marker := "auth/bootstrapped.json"
	if _, err := s.Store.Stat(ctx, marker); err == nil {
		return false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("bootstrap: %w", err)
	}
	if path == "" {
		return false, errors.New("bootstrap: no people can sign in yet and bootstrap_token_file is not set")
	}
	secret, info, err := s.Tokens.IssuePerson(ctx, "bootstrap-admin", auth.Admin, auth.Lifetime{})
	if err != nil {
		return false, fmt.Errorf("bootstrap: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("bootstrap: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return false, fmt.Errorf("bootstrap: write admin token: %w", err)
	}
	if _, err := store.PutJSON(ctx, s.Store, marker, map[string]any{"at": time.Now().UTC(), "token_file": path}, store.PutOptions{WriteOnce: true}); err != nil && !errors.Is(err, store.ErrExists) {
		return false, fmt.Errorf("bootstrap: %w", err)
	}
	if err := s.Audit.Append(ctx, auditlog.Entry{Actor: auth.Principal{Kind: "system", ID: "auditfleet-server"}, Action: auditlog.Create, Object: "bootstrap admin token", Outcome: "ok", Detail: "created " + info.Describe()}); err != nil {
		return false, err
	}
	return true, nil
}

// Serve serves the API on the configured address and runs the cycle
// closer and the audit log's checkpoints beside it, as one group, until
// ctx ends; then it shuts down gracefully and closes its audit chain. If either stops on its own (the listener fails, the closer
// cannot read its schedule), the other is stopped too and Serve returns
// that error at once: the server never serves on without cycles. ready,
// if not nil, receives the bound address.
func (s *Server) Serve(ctx context.Context, ready chan<- string) error {
	ln, err := net.Listen("tcp", s.Config.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s.API.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if s.Config.TLS != nil {
		scheme = "https"
	}
	addr := scheme + "://" + ln.Addr().String()

	var g run.Group
	g.Add(func() error {
		var err error
		if s.Config.TLS != nil {
			err = srv.ServeTLS(ln, s.Config.TLS.CertFile, s.Config.TLS.KeyFile)
		} else {
			err = srv.Serve(ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	}, func(error) {
		shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			s.Log.Error("shut down", "err", err)
		}
	})
	closerCtx, stopCloser := context.WithCancel(context.Background())
	g.Add(func() error {
		if err := s.Closer.Run(closerCtx); err != nil {
			return fmt.Errorf("cycle closer: %w", err)
		}
		if closerCtx.Err() == nil {
			return errors.New("cycle closer stopped")
		}
		return nil
	}, func(error) { stopCloser() })
	auditCtx, stopAudit := context.WithCancel(context.Background())
	g.Add(func() error {
		return s.Audit.Run(auditCtx, time.Duration(s.Config.Audit.CheckpointEvery))
	}, func(error) { stopAudit() })
	stopped := make(chan struct{})
	g.Add(func() error {
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		return nil
	}, func(error) { close(stopped) })

	s.Log.Info("serving", "addr", addr)
	if ready != nil {
		ready <- addr
	}
	err = g.Run()
	// Nothing appends any more: close this process's audit chain, so that
	// verification can tell its end from a deleted tail.
	closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if cerr := s.Audit.Close(closeCtx); cerr != nil {
		s.Log.Error("close audit log chain", "err", cerr)
		err = errors.Join(err, cerr)
	}
	if err != nil {
		s.Log.Error("server stopped", "err", err)
		return err
	}
	return nil
}
