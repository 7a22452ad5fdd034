package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/agent/restoretest"
	"github.com/auditfleet/auditfleet/hostroot"
	"github.com/auditfleet/auditfleet/plugins/backups"
)

func newRestoreTest(o *options) *cobra.Command {
	var job string
	var lim restoretest.Limits
	cmd := &cobra.Command{
		Use:   "restore-test",
		Short: "Restore a sample of a backup job's latest snapshot, verify it and record the result",
		Long: `restore-test restores a sample of the latest snapshot (restic) or archive
(borg) of each job with a password_file declared under
collectors.backups.jobs (or of --job) to a private temporary directory,
letting the tool check the restored content (restic restore --verify; borg
checks every chunk it reads), compares the files with the live ones that
have not changed since the backup, and writes a restore-test record to the
record directory, where the backups collector reads it for ICO-BKP-02. Run
it on a schedule (deploy/systemd has a timer).

Exit status: 0 when every test passed, 2 when one failed (its record is
written), 1 when a test could not be attempted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, warns := backups.ParseOptions(o.cfg.Collectors["backups"])
			for _, w := range warns {
				o.log.Warn("backups options", "warning", w)
			}
			var specs []backups.JobSpec
			if job != "" {
				s, ok := opts.Job(job)
				if !ok {
					return &exitError{ExitError, fmt.Errorf("restore-test: no backup job %q under collectors.backups.jobs", job)}
				}
				specs = append(specs, s)
			} else {
				for _, s := range opts.Jobs {
					if (s.Tool == "restic" || s.Tool == "borg") && s.PasswordFile != "" {
						specs = append(specs, s)
					}
				}
				if len(specs) == 0 {
					return &exitError{ExitError, errors.New("restore-test: no restic or borg job with a password_file under collectors.backups.jobs")}
				}
			}
			root, err := hostroot.Open(o.hostRoot)
			if err != nil {
				return &exitError{ExitError, err}
			}
			defer root.Close()
			code := ExitOK
			var errs []error
			for _, s := range specs {
				rec, err := restoretest.Test{Root: root, Job: s, Options: opts, Limits: lim}.Run(cmd.Context())
				if err != nil {
					errs = append(errs, err)
					continue
				}
				p, err := restoretest.Write(root, opts, rec)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintf(o.stdout, "%s: %s: %s; %s (record %s)\n", s.ID(), rec.Result, rec.Restored, rec.Detail, p)
				if rec.Result != "pass" {
					code = ExitFailed
				}
			}
			if err := errors.Join(errs...); err != nil {
				return &exitError{ExitError, err}
			}
			if code != ExitOK {
				return &exitError{code, errors.New("restore test failed")}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&job, "job", "", "test only this job (its name or ID)")
	f.IntVar(&lim.MaxFiles, "max-files", restoretest.DefaultMaxFiles, "most files restored per job")
	f.Int64Var(&lim.MaxBytes, "max-bytes", restoretest.DefaultMaxBytes, "most bytes restored per job")
	f.StringVar(&lim.TempDir, "temp-dir", "", "where the scratch directory is made (default the system's)")
	return cmd
}
