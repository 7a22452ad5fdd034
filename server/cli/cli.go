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
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/server"
	"github.com/auditfleet/auditfleet/server/auditlog"
	"github.com/auditfleet/auditfleet/server/auth"
	"github.com/auditfleet/auditfleet/server/config"
	"github.com/auditfleet/auditfleet/server/objkey"
	"github.com/auditfleet/auditfleet/server/registry"
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

	// needReason refuses a revocation without a stated reason when the
	// configuration requires justifications.
	needReason := func(r string) error {
		if strings.TrimSpace(r) == "" && *cfg.Audit.RequireJustification {
			return errors.New("--reason is required: the revocation is recorded in the audit log with its justification")
		}
		return nil
	}
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

	var role, name, tokenTTL, reason string
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
			life, err := auth.ParseLifetime(tokenTTL)
			if err != nil {
				return fmt.Errorf("--ttl: %w", err)
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			secret, info, err := s.Tokens.IssuePerson(cmd.Context(), name, r, life)
			if err != nil {
				return err
			}
			if err := s.Audit.Append(cmd.Context(), auditlog.Entry{Actor: cliActor(), Action: auditlog.Create, Object: "token of person " + name + " role " + string(r), Justification: reason, Outcome: auditlog.OK, Detail: "created " + info.Describe()}); err != nil {
				return fmt.Errorf("token created but not recorded, so not shown: %w", err)
			}
			_, err = fmt.Fprintln(stdout, secret)
			return err
		},
	}
	token.Flags().StringVar(&role, "role", "assurance", "admin, operator or assurance")
	token.Flags().StringVar(&name, "name", "", "who the token is for (recorded in the audit log)")
	token.Flags().StringVar(&tokenTTL, "ttl", "", "how long the token is valid: 90d, 36h, or never (default: tokens.default_ttl_days, 90 days)")
	token.Flags().StringVar(&reason, "reason", "", "why (recorded in the audit log)")

	var listJSON bool
	tokenList := &cobra.Command{
		Use:   "token-list",
		Short: "List people's API tokens: ID, person, role, expiry (never the secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			var out []auth.TokenInfo
			for info, err := range s.Tokens.People(cmd.Context()) {
				if err != nil {
					return err
				}
				out = append(out, info)
			}
			if listJSON {
				return writeJSON(stdout, map[string]any{"tokens": nonNil(out)})
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tEXPIRES")
			for _, i := range out {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", i.ID, i.Name, i.Role, i.Created.Format(time.RFC3339), expiresText(i.Expires, i.Expired))
			}
			return tw.Flush()
		},
	}
	tokenList.Flags().BoolVar(&listJSON, "json", false, "print JSON")

	tokenRevoke := &cobra.Command{
		Use:   "token-revoke TOKEN_ID",
		Short: "Revoke a person's API token by its ID (from token-list); it stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needReason(reason); err != nil {
				return err
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			return auditedChange(cmd.Context(), s, auditlog.Entry{Actor: cliActor(), Action: auditlog.Delete, Object: "token " + args[0], Justification: reason}, func() (string, error) {
				info, err := s.Tokens.RevokePerson(cmd.Context(), args[0])
				if err != nil {
					return "", err
				}
				fmt.Fprintf(stdout, "revoked %s\n", info.Describe())
				return "revoked " + info.Describe(), nil
			})
		},
	}

	var secretName, secretTTL string
	var maxUses int
	enroll := &cobra.Command{
		Use:   "enroll-secret-create",
		Short: "Create an enroll secret for agents (printed once; stored only hashed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			life, err := auth.ParseLifetime(secretTTL)
			if err != nil {
				return fmt.Errorf("--ttl: %w", err)
			}
			var expires *time.Time
			if life.TTL > 0 {
				e := time.Now().Add(life.TTL).UTC()
				expires = &e
			}
			spec := registry.SecretSpec{Name: secretName, Expires: expires, MaxUses: maxUses}
			if err := spec.Validate(); err != nil {
				return err
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			secret, info, err := s.Registry.IssueEnrollSecret(cmd.Context(), spec)
			if err != nil {
				return err
			}
			if err := s.Audit.Append(cmd.Context(), auditlog.Entry{Actor: cliActor(), Action: auditlog.Create, Object: "enroll secret " + secretName, Justification: reason, Outcome: auditlog.OK, Detail: "created " + info.Describe()}); err != nil {
				return fmt.Errorf("enroll secret created but not recorded, so not shown: %w", err)
			}
			_, err = fmt.Fprintln(stdout, secret)
			return err
		},
	}
	enroll.Flags().StringVar(&secretName, "name", "default", "name of the secret (e.g. the estate or team it is for)")
	enroll.Flags().StringVar(&secretTTL, "ttl", "", "expire the secret after this long: 30d, 36h (default: never)")
	enroll.Flags().IntVar(&maxUses, "max-uses", 0, "how many hosts may enroll with it (default 0: no limit)")
	enroll.Flags().StringVar(&reason, "reason", "", "why (recorded in the audit log)")

	secretList := &cobra.Command{
		Use:   "enroll-secret-list",
		Short: "List enroll secrets: ID, name, expiry, uses (never the secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			var out []registry.SecretInfo
			for info, err := range s.Registry.EnrollSecrets(cmd.Context()) {
				if err != nil {
					return err
				}
				out = append(out, info)
			}
			if listJSON {
				return writeJSON(stdout, map[string]any{"enroll_secrets": nonNil(out)})
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCREATED\tEXPIRES\tUSES\tUSABLE")
			for _, i := range out {
				uses := "-"
				if i.MaxUses > 0 {
					uses = fmt.Sprintf("%d/%d", i.Uses, i.MaxUses)
				}
				expired := i.Expires != nil && !time.Now().Before(*i.Expires)
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\n", i.ID, i.Name, i.Created.Format(time.RFC3339), expiresText(i.Expires, expired), uses, i.Usable)
			}
			return tw.Flush()
		},
	}
	secretList.Flags().BoolVar(&listJSON, "json", false, "print JSON")

	secretRevoke := &cobra.Command{
		Use:   "enroll-secret-revoke SECRET_ID",
		Short: "Revoke an enroll secret by its ID (from enroll-secret-list); hosts enrolled with it keep their tokens",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needReason(reason); err != nil {
				return err
			}
			s, err := open(cmd.Context())
			if err != nil {
				return err
			}
			return auditedChange(cmd.Context(), s, auditlog.Entry{Actor: cliActor(), Action: auditlog.Delete, Object: "enroll secret " + args[0], Justification: reason}, func() (string, error) {
				info, err := s.Registry.RevokeEnrollSecret(cmd.Context(), args[0])
				if err != nil {
					return "", err
				}
				fmt.Fprintf(stdout, "revoked %s\n", info.Describe())
				return "revoked " + info.Describe(), nil
			})
		},
	}
	for _, c := range []*cobra.Command{tokenRevoke, secretRevoke} {
		c.Flags().StringVar(&reason, "reason", "", "why (recorded in the audit log; required when audit.require_justification is on)")
	}

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
	root.AddCommand(serve, token, tokenList, tokenRevoke, enroll, secretList, secretRevoke, orgUpload, closeCycle, audit, ver)
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

// auditedChange records the intent of a credential change, makes it and
// records its outcome, as the API does: no change without a record.
func auditedChange(ctx context.Context, s *server.Server, entry auditlog.Entry, change func() (string, error)) error {
	intent := entry
	intent.Outcome = auditlog.Started
	if err := s.Audit.Append(ctx, intent); err != nil {
		return fmt.Errorf("record intent: %w", err)
	}
	detail, err := change()
	entry.Outcome, entry.Detail = auditlog.OK, detail
	if err != nil {
		entry.Outcome, entry.Detail = auditlog.Failed, err.Error()
	}
	if aerr := s.Audit.Append(ctx, entry); aerr != nil {
		return errors.Join(err, fmt.Errorf("record outcome: %w", aerr))
	}
	return err
}

// expiresText shows an expiry in a listing.
func expiresText(e *time.Time, expired bool) string {
	switch {
	case e == nil:
		return "never"
	case expired:
		return e.Format(time.RFC3339) + " (expired)"
	}
	return e.Format(time.RFC3339)
}

// nonNil makes an empty listing a JSON array, not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
