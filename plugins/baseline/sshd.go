package baseline

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/auditfleet/auditfleet/plugins/internal/sshdconfig"
	"github.com/auditfleet/auditfleet/plugins/internal/textcheck"
)

const (
	// sshdConfigPath is the main sshd configuration file.
	sshdConfigPath = "/etc/ssh/sshd_config"
	// maxIncludeDepth is sshd's own Include nesting limit.
	maxIncludeDepth = 16
)

// sshdBinaries are the places an installed OpenSSH server keeps sshd.
var sshdBinaries = []string{"/usr/sbin/sshd", "/usr/bin/sshd", "/usr/local/sbin/sshd"}

// directive is one keyword line of an sshd_config file.
type directive = sshdconfig.Directive

// parseSSHDConfig splits an sshd_config file into directives; lines that
// cannot be split are returned as problems ("line N: ...").
func parseSSHDConfig(data []byte) ([]directive, []string) {
	dirs, probs := sshdconfig.Parse(data)
	var problems []string
	for _, p := range probs {
		problems = append(problems, fmt.Sprintf("line %d: %s", p.Line, p.Reason))
	}
	return dirs, problems
}

// sshdState accumulates the effective configuration while the files are
// read in sshd's order.
type sshdState struct {
	s SSHD
	// set records the global settings already given (first value wins).
	set map[string]bool
	// portsSet is true once a global Port line was seen.
	portsSet bool
}

// newSSHDState starts from OpenSSH's defaults (OpenSSH 7.0 and later:
// PermitRootLogin prohibit-password; passwords and keyboard-interactive
// on; empty passwords refused; port 22).
func newSSHDState() *sshdState {
	return &sshdState{
		s: SSHD{
			ConfigFiles:                  []string{},
			PermitRootLogin:              "prohibit-password",
			PasswordAuthentication:       true,
			KbdInteractiveAuthentication: true,
			PermitEmptyPasswords:         false,
			Ports:                        []int{},
			MatchOverrides:               []Override{},
		},
		set: map[string]bool{},
	}
}

// unread records that file could not be read in full, and why.
func (st *sshdState) unread(file, why string) {
	st.s.Unread = append(st.s.Unread, file+": "+why)
}

// finish applies the default port when no Port line was given.
func (st *sshdState) finish() SSHD {
	if !st.portsSet {
		st.s.Ports = []int{22}
	}
	return st.s
}

// canonicalKeyword maps aliases onto one keyword:
// ChallengeResponseAuthentication is an alias of
// KbdInteractiveAuthentication since OpenSSH 8.7, and they share one
// "first value wins" slot.
func canonicalKeyword(kw string) string {
	if kw == "challengeresponseauthentication" {
		return "kbdinteractiveauthentication"
	}
	return kw
}

// parseFlag parses an sshd yes/no value.
func parseFlag(args []string) (bool, error) {
	if len(args) != 1 {
		return false, fmt.Errorf("want one value, got %d", len(args))
	}
	switch strings.ToLower(args[0]) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, fmt.Errorf("value %q is not yes or no", args[0])
}

// parsePermitRootLogin parses a PermitRootLogin value, reporting
// without-password as prohibit-password.
func parsePermitRootLogin(args []string) (string, error) {
	if len(args) != 1 {
		return "", fmt.Errorf("want one value, got %d", len(args))
	}
	switch v := strings.ToLower(args[0]); v {
	case "yes", "no", "prohibit-password", "forced-commands-only":
		return v, nil
	case "without-password":
		return "prohibit-password", nil
	}
	return "", fmt.Errorf("value %q is not yes, prohibit-password, forced-commands-only or no", args[0])
}

// parsePort parses a Port value.
func parsePort(args []string) (int, error) {
	if len(args) != 1 {
		return 0, fmt.Errorf("want one value, got %d", len(args))
	}
	p, err := strconv.Atoi(args[0])
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", args[0])
	}
	return p, nil
}

// apply applies one global directive; a value sshd would refuse is
// returned as an error and leaves the setting as it was.
func (st *sshdState) apply(d directive) error {
	kw := canonicalKeyword(d.Keyword)
	switch kw {
	case "port":
		p, err := parsePort(d.Args)
		if err != nil {
			return err
		}
		st.portsSet = true
		if !slices.Contains(st.s.Ports, p) {
			st.s.Ports = append(st.s.Ports, p)
		}
		return nil
	case "permitrootlogin", "passwordauthentication", "kbdinteractiveauthentication", "permitemptypasswords":
	default:
		return nil
	}
	if st.set[kw] {
		return nil
	}
	if kw == "permitrootlogin" {
		v, err := parsePermitRootLogin(d.Args)
		if err != nil {
			return err
		}
		st.s.PermitRootLogin = v
		st.set[kw] = true
		return nil
	}
	v, err := parseFlag(d.Args)
	if err != nil {
		return err
	}
	switch kw {
	case "passwordauthentication":
		st.s.PasswordAuthentication = v
	case "kbdinteractiveauthentication":
		st.s.KbdInteractiveAuthentication = v
	case "permitemptypasswords":
		st.s.PermitEmptyPasswords = v
	}
	st.set[kw] = true
	return nil
}

// sshd reads the OpenSSH server's effective configuration; nil when no
// sshd is installed (neither its configuration nor its binary exists).
func (h *host) sshd() *SSHD {
	if !h.exists(sshdConfigPath) {
		if !slices.ContainsFunc(sshdBinaries, h.exists) {
			return nil
		}
		h.warns.Add("sshd: %s is missing; OpenSSH's defaults assumed", sshdConfigPath)
		s := newSSHDState().finish()
		return &s
	}
	st := newSSHDState()
	h.sshdFile(st, sshdConfigPath, "", 0)
	s := st.finish()
	return &s
}

// sshdFile reads one configuration file into st. match is the criteria
// of the Match block the file is included from ("" outside any); a
// Match block started inside an included file ends with that file, as
// in sshd.
func (h *host) sshdFile(st *sshdState, file, match string, depth int) {
	if h.ctx.Err() != nil {
		return
	}
	data, err := h.root.ReadFile(file, maxConfSize)
	if err != nil {
		h.warns.Add("sshd: %v", err)
		st.unread(file, err.Error())
		return
	}
	if p := textcheck.Binary(data); p != "" {
		h.warns.Add("sshd: %s: %s; not read", file, p)
		st.unread(file, p)
		return
	}
	st.s.ConfigFiles = append(st.s.ConfigFiles, file)
	if p := textcheck.CutShort(data); p != "" {
		h.warns.Add("sshd: %s: %s", file, p)
		st.unread(file, p)
	}
	dirs, problems := parseSSHDConfig(data)
	for _, p := range problems {
		h.warns.Add("sshd: %s: %s", file, p)
	}
	if len(problems) > 0 {
		st.unread(file, strings.Join(problems, "; "))
	}
	for _, d := range dirs {
		switch d.Keyword {
		case "match":
			match = strings.Join(d.Args, " ")
			if match == "" {
				h.warns.Add("sshd: %s:%d: Match without criteria", file, d.Line)
				match = "(none)"
			}
		case "include":
			if depth >= maxIncludeDepth {
				h.warns.Add("sshd: %s:%d: includes nested deeper than %d, not read", file, d.Line, maxIncludeDepth)
				continue
			}
			for _, a := range d.Args {
				if !path.IsAbs(a) {
					a = path.Join("/etc/ssh", a)
				}
				files, err := h.root.Glob(a)
				if err != nil {
					h.warns.Add("sshd: Include %s: %v", a, err)
				}
				for _, f := range files {
					h.sshdFile(st, f, match, depth+1)
				}
			}
		default:
			if match != "" {
				if !keywordRE(d.Keyword) {
					// The facts schema allows letters only; no setting
					// ICO-SEC-04 checks has others (X11Forwarding has).
					continue
				}
				st.s.MatchOverrides = append(st.s.MatchOverrides, Override{
					Criteria: match, Keyword: d.Keyword, Value: strings.ToLower(strings.Join(d.Args, " ")), File: file, Line: d.Line,
				})
				continue
			}
			if err := st.apply(d); err != nil {
				h.warns.Add("sshd: %s:%d: %s: %v; line ignored", file, d.Line, d.Keyword, err)
			}
		}
	}
}

// keywordRE reports whether kw is a plausible keyword: lower-case
// letters only, as the facts schema requires.
func keywordRE(kw string) bool {
	if kw == "" {
		return false
	}
	for _, c := range kw {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
