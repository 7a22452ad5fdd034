package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/auditfleet/auditfleet/agent/client"
	"github.com/auditfleet/auditfleet/agent/state"
	"github.com/auditfleet/auditfleet/version"
)

// EnvEnrollSecret holds the enroll secret when --secret-file is not given.
const EnvEnrollSecret = "AUDITFLEET_ENROLL_SECRET"

// maxSecretFile bounds what is read from --secret-file.
const maxSecretFile = 4 << 10

func newEnroll(o *options) *cobra.Command {
	var serverURL, secretFile, stateDir string
	cmd := &cobra.Command{
		Use:   "enroll",
		Short: "Enroll this host with the server and store its credentials",
		Long: `Enroll this host with the auditfleet server and store the host ID and
token it returns in the state directory (credentials.json, mode 0600).

The enroll secret is read from --secret-file, else from the environment
variable ` + EnvEnrollSecret + `. It is never taken as a flag value, which
any user could read in the process list. The host is identified by the
hostname, machine ID and OS name that the os collector reads under the host
root. Enrolling again with the same machine ID keeps the host ID and
replaces the token (the old one stops working).

Exit codes: 0 enrolled; 1 anything else.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.enroll(cmd, serverURL, secretFile, stateDir)
		},
	}
	f := cmd.Flags()
	f.StringVar(&serverURL, "server", "", "server base URL, e.g. https://auditfleet.example.gov.uk (default: server.url in the config)")
	f.StringVar(&secretFile, "secret-file", "", "file holding the enroll secret (default: env "+EnvEnrollSecret+")")
	f.StringVar(&stateDir, "state-dir", "", "state directory (config state_dir, default "+state.DefaultDir+")")
	return cmd
}

func (o *options) enroll(cmd *cobra.Command, serverURL, secretFile, stateDir string) error {
	fail := func(err error) error { return &exitError{ExitError, err} }
	serverURL = firstNonEmpty(serverURL, o.cfg.Server.URL)
	if serverURL == "" {
		return fail(errors.New("no server: give --server URL or set server.url in the config"))
	}
	secret, err := enrollSecret(secretFile)
	if err != nil {
		return fail(err)
	}
	c, err := o.newClient(serverURL, "")
	if err != nil {
		return fail(err)
	}
	st, err := state.Open(o.stateDir(stateDir))
	if err != nil {
		return fail(err)
	}
	req, err := o.identify(cmd)
	if err != nil {
		return fail(err)
	}
	creds, err := c.Enroll(cmd.Context(), secret, req)
	if err != nil {
		var ce *client.Error
		if errors.As(err, &ce) {
			switch ce.Status {
			case http.StatusUnauthorized:
				err = fmt.Errorf("%w: the server does not accept this enroll secret (wrong, expired or used up); ask an admin for a new one", err)
			case http.StatusForbidden:
				err = fmt.Errorf("%w: this machine ID belongs to a revoked or decommissioned host; an operator must re-admit it before it can enroll again", err)
			}
		}
		return fail(err)
	}
	if old, err := st.Credentials(); err == nil {
		o.log.Info("replacing the previous credentials", "old_host_id", old.HostID, "old_server", old.ServerURL)
	}
	if err := st.SaveCredentials(creds); err != nil {
		return fail(err)
	}
	fmt.Fprintf(o.stdout, "enrolled %s as %s; credentials in %s\n", req.Hostname, creds, filepath.Join(st.Path(), state.CredentialsFile))
	return nil
}

// enrollSecret reads the secret from file, else from the environment.
func enrollSecret(file string) (string, error) {
	if file == "" {
		if s := strings.TrimSpace(os.Getenv(EnvEnrollSecret)); s != "" {
			return s, nil
		}
		return "", errors.New("no enroll secret: give --secret-file FILE or set " + EnvEnrollSecret + " (never pass a secret as a flag value: it would show in the process list)")
	}
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("enroll secret: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("enroll secret: %w", err)
	}
	if len(b) > maxSecretFile {
		return "", fmt.Errorf("enroll secret file %s is over %d bytes: is it the right file?", file, maxSecretFile)
	}
	s := strings.TrimSpace(string(b))
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return "", fmt.Errorf("enroll secret file %s must hold the secret alone on one line", file)
	}
	return s, nil
}

// identify runs the os collector to learn the host's name, machine ID and
// OS, as the server will see them in reports.
func (o *options) identify(cmd *cobra.Command) (client.EnrollRequest, error) {
	doc, err := o.collect(cmd, []string{"os"}, time.Time{})
	if err != nil {
		return client.EnrollRequest{}, fmt.Errorf("identify this host: %w", err)
	}
	if len(doc.CollectorErrors) > 0 {
		e := doc.CollectorErrors[0]
		return client.EnrollRequest{}, fmt.Errorf("identify this host: os collector: %s: %s", e.Kind, e.Message)
	}
	raw, ok := doc.Facts["os"]
	if !ok {
		return client.EnrollRequest{}, fmt.Errorf("identify this host: the os collector is not in %s", o.pluginDir)
	}
	var f struct {
		Hostname   string `json:"hostname"`
		MachineID  string `json:"machine_id"`
		PrettyName string `json:"pretty_name"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return client.EnrollRequest{}, fmt.Errorf("identify this host: os facts: %w", err)
	}
	if f.MachineID == "" {
		return client.EnrollRequest{}, fmt.Errorf("identify this host: no machine ID under %s (/etc/machine-id): the server tells hosts apart by it", o.hostRoot)
	}
	if f.Hostname == "" {
		return client.EnrollRequest{}, fmt.Errorf("identify this host: no hostname under %s (/etc/hostname)", o.hostRoot)
	}
	return client.EnrollRequest{Hostname: f.Hostname, MachineID: f.MachineID, OS: f.PrettyName, AgentVersion: version.String()}, nil
}

// stateDir resolves the state directory: flag, config, default.
func (o *options) stateDir(flag string) string {
	return firstNonEmpty(flag, o.cfg.StateDir, state.DefaultDir)
}

// newClient returns a client for serverURL with the configured TLS
// settings and the host token (empty for enrollment).
func (o *options) newClient(serverURL, token string) (*client.Client, error) {
	s := o.cfg.Server
	return client.New(client.Config{
		URL:               serverURL,
		Token:             token,
		CAFile:            s.CAFile,
		CertFile:          s.CertFile,
		KeyFile:           s.KeyFile,
		AllowInsecureHTTP: s.AllowInsecureHTTP,
		Timeout:           time.Duration(s.Timeout),
		AgentVersion:      version.String(),
	})
}
