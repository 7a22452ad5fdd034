package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/version"
)

// Main runs the server command line and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var (
		cfgPath, dir, logLevel string
		cfg                    *config.Config
		log                    *slog.Logger
	)
	root := &cobra.Command{
		Use:           "auditfleet-server",
		Short:         "Enroll agents, ingest and evaluate facts, keep the evidence in object storage, serve scorecards",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
				return fmt.Errorf("--log-level: %w", err)
			}
			log = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lvl}))
			if cmd.Name() == "version" {
				return nil
			}
			switch {
			case cfgPath != "" && dir != "":
				return errors.New("--config and --dir cannot be used together")
			case cfgPath != "":
				c, err := config.Load(cfgPath)
				if err != nil {
					return err
				}
				cfg = c
			case dir != "":
				cfg = config.Default(dir)
			default:
				return errors.New("say where the evidence lives: --config FILE, or --dir DIR for a single-machine directory store")
			}
			return nil
		},
	}
	root.PersistentFlags().StringVar(&cfgPath, "config", os.Getenv("AUDITFLEET_SERVER_CONFIG"), "server configuration file (env AUDITFLEET_SERVER_CONFIG)")
	root.PersistentFlags().StringVar(&dir, "dir", "", "single-machine mode: keep everything in this directory store, serve on 127.0.0.1:8480")
	root.PersistentFlags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error (JSON logs on stderr)")

	var opened *server.Server // its audit chain is closed when the command ends
	open := func(ctx context.Context) (*server.Server, error) {
		st, err := server.OpenStore(ctx, cfg.Storage, log)
		if err != nil {
			return nil, err
		}
		s, err := server.New(ctx, cfg, st, log)
		if err != nil {
			return nil, err
		}
		opened = s
		return s, nil
	}
	cliActor := func() auth.Principal { return auth.Principal{Kind: "cli", ID: "cli:" + os.Getenv("USER")} }

	var listen string
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API until interrupted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if listen != "" {
				cfg.Listen = listen
				if err := cfg.Validate(); err != nil {
					return err
				}
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			path := cfg.BootstrapTokenFile
			if path == "" && dir != "" {
				path = dir + "/admin-token"
			}
			created, err := s.Bootstrap(cmd.Context(), path)
			if err != nil {
				return err
			}
			if created {
				log.Info("created the first admin token", "file", path)
			}
			return s.Serve(cmd.Context(), nil)
		},
	}
	serve.Flags().StringVar(&listen, "listen", "", "address to serve on, overriding the configuration")

	var role, name string
	var ttl time.Duration
	token := &cobra.Command{
		Use:   "token-create",
		Short: "Create an API token for a person (printed once; stored only hashed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := auth.Role(role)
			if !r.Valid() || r == auth.Agent {
				return fmt.Errorf("--role %q: want admin, operator or assurance", role)
			}
			if name == "" {
				return errors.New("--name is required")
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			secret, _, err := s.Tokens.Issue(cmd.Context(), auth.Principal{Kind: "person", ID: name, Role: r}, auth.PersonTokenPrefix, expiry(ttl))
			if err != nil {
				return err
			}
			if err := s.Audit.Append(cmd.Context(), auditlog.Entry{Actor: cliActor(), Action: auditlog.Create, Object: "token of person " + name + " role " + string(r), Outcome: auditlog.OK, Detail: expiryDetail(ttl)}); err != nil {
				return fmt.Errorf("token created but not recorded, so not shown: %w", err)
			}
			_, err = fmt.Fprintln(stdout, secret)
			return err
		},
	}
	token.Flags().StringVar(&role, "role", "assurance", "admin, operator or assurance")
	token.Flags().StringVar(&name, "name", "", "who the token is for (recorded in the audit log)")
	token.Flags().DurationVar(&ttl, "ttl", 0, "expire the token after this long (default: never)")

	var secretName string
	enroll := &cobra.Command{
		Use:   "enroll-secret-create",
		Short: "Create an enroll secret for agents (printed once; stored only hashed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			secret, err := s.Registry.CreateEnrollSecret(cmd.Context(), secretName, expiry(ttl))
			if err != nil {
				return err
			}
			if err := s.Audit.Append(cmd.Context(), auditlog.Entry{Actor: cliActor(), Action: auditlog.Create, Object: "enroll secret " + secretName, Outcome: auditlog.OK, Detail: expiryDetail(ttl)}); err != nil {
				return fmt.Errorf("enroll secret created but not recorded, so not shown: %w", err)
			}
			_, err = fmt.Fprintln(stdout, secret)
			return err
		},
	}
	enroll.Flags().StringVar(&secretName, "name", "default", "name of the secret (e.g. the estate or team it is for)")
	enroll.Flags().DurationVar(&ttl, "ttl", 0, "expire the secret after this long (default: never)")

	var kind, file string
	orgUpload := &cobra.Command{
		Use:   "org-upload",
		Short: "Validate and upload organisation data (thresholds, leavers, plans, waivers, …); see docs/org-data.md",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := objkey.ParseOrgKind(kind)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			ct := "application/yaml"
			if strings.HasSuffix(file, ".csv") {
				ct = "text/csv"
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			who := cliActor()
			p, err := s.Org.Upload(cmd.Context(), k, ct, data, who.ID)
			if err != nil {
				return err
			}
			if err := s.Audit.Append(cmd.Context(), auditlog.Entry{Actor: who, Action: auditlog.Update, Object: "org " + k.String() + " version " + p.Version, Outcome: "ok"}); err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "%s version %s is now current\n", k, p.Version)
			return err
		},
	}
	orgUpload.Flags().StringVar(&kind, "kind", "", "thresholds, leavers, approved_admins, plans, data_stores, host_tags, baseline or waivers")
	orgUpload.Flags().StringVar(&file, "file", "", "the YAML (or, for leavers, CSV) document")

	var asJSON bool
	closeCycle := &cobra.Command{
		Use:   "cycle-close",
		Short: "Close the current audit cycle now and print the fleet scorecard",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			c, _, err := s.API.Schedule.Current(time.Now())
			if err != nil {
				return err
			}
			closed, err := s.Closer.Close(cmd.Context(), c)
			if err != nil {
				return err
			}
			if err := s.Audit.Append(cmd.Context(), auditlog.Entry{Actor: cliActor(), Action: auditlog.Read, Object: "fleet scorecard " + c.String(), Outcome: "ok"}); err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(closed)
			}
			fmt.Fprintf(stdout, "%d hosts enrolled, %d reported, %d silent for 2 or more cycles\n", closed.Enrolled, closed.Reported, closed.Silent)
			for _, ch := range closed.Cloned {
				fmt.Fprintf(stdout, "NOT AUDITED: %s shares its machine ID with %s (cloned from one image; give each its own /etc/machine-id)\n", strings.Join(ch.Clones, ", "), ch.Host)
			}
			fmt.Fprintln(stdout)
			return closed.WriteText(stdout)
		},
	}
	closeCycle.Flags().BoolVar(&asJSON, "json", false, "print the scorecard as JSON")

	var verifyFrom, verifyTo string
	var verifyJSON bool
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Verify the audit log's chains: report missing, altered, reordered and corrupt entries (exit 1 if any)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now().UTC()
			from, err := verifyDay("--from", verifyFrom, now.Truncate(24*time.Hour).Add(-6*24*time.Hour))
			if err != nil {
				return err
			}
			to, err := verifyDay("--to", verifyTo, now.Truncate(24*time.Hour))
			if err != nil {
				return err
			}
			if to.Before(from) {
				return errors.New("--to is before --from")
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			rep, err := s.Audit.Verify(cmd.Context(), from, to.Add(24*time.Hour-time.Nanosecond), auditlog.VerifyOptions{Stale: 2 * time.Duration(cfg.Audit.CheckpointEvery)})
			if err != nil {
				return err
			}
			if err := s.Audit.Append(cmd.Context(), auditlog.Entry{Actor: cliActor(), Action: auditlog.Read, Object: "audit log verification " + from.Format(time.DateOnly) + ".." + to.Format(time.DateOnly), Outcome: auditlog.OK, Detail: fmt.Sprintf("%d entries, %d problems", rep.Entries, len(rep.Problems))}); err != nil {
				return err
			}
			if verifyJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					OK bool `json:"ok"`
					*auditlog.Report
				}{rep.OK(), rep}); err != nil {
					return err
				}
			} else if err := rep.WriteText(stdout); err != nil {
				return err
			}
			if !rep.OK() {
				return fmt.Errorf("audit log: %d problems", len(rep.Problems))
			}
			return nil
		},
	}
	verify.Flags().StringVar(&verifyFrom, "from", "", "first day to verify, YYYY-MM-DD (UTC; default: six days ago)")
	verify.Flags().StringVar(&verifyTo, "to", "", "last day to verify, YYYY-MM-DD (UTC; default: today)")
	verify.Flags().BoolVar(&verifyJSON, "json", false, "print the report as JSON")
	audit := &cobra.Command{Use: "audit", Short: "Work with the audit log"}
	audit.AddCommand(verify)

	ver := &cobra.Command{
		Use:   "version",
		Short: "Print the server version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(stdout, "auditfleet-server %s\n", version.String())
			return err
		},
	}
	root.AddCommand(serve, token, enroll, orgUpload, closeCycle, audit, ver)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if opened != nil {
		// End this command's audit chain (serve has closed its own).
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		err = errors.Join(err, opened.Audit.Close(cctx))
	}
	if err != nil {
		fmt.Fprintln(stderr, "auditfleet-server:", err)
		return 1
	}
	return 0
}

// verifyDay parses a day flag, def when empty.
func verifyDay(flag, v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want YYYY-MM-DD", flag, v)
	}
	return t, nil
}

// expiryDetail describes a credential's validity for the audit log.
func expiryDetail(ttl time.Duration) string {
	if e := expiry(ttl); e != nil {
		return "expires " + e.Format(time.RFC3339)
	}
	return "never expires"
}

// expiry is the end of a validity of ttl from now; nil when ttl is 0.
func expiry(ttl time.Duration) *time.Time {
	if ttl <= 0 {
		return nil
	}
	t := time.Now().Add(ttl).UTC()
	return &t
}
