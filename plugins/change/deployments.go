package change

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/auditfleet/auditfleet/plugins/sdk"
)

// maxDeploymentsFile bounds the size of the deployment record file.
const maxDeploymentsFile = 32 << 20

// maxRecordLine bounds one line of the deployment record file.
const maxRecordLine = 64 << 10

// record is one line of the deployment record file. Fields that deploy
// tools add beyond these are ignored.
type record struct {
	Application string          `json:"application"`
	DeployedAt  string          `json:"deployed_at"`
	Commit      *string         `json:"commit"`
	Branch      *string         `json:"branch"`
	ReviewedBy  json.RawMessage `json:"reviewed_by"`
}

// maxUnreadRecords bounds the records not understood that the facts list
// one by one.
const maxUnreadRecords = 10

// ParseDeployments parses the bytes of a deployment record file named
// name: JSON Lines, one deployment a line, appended by deployment tooling:
//
//	{"application":"casework-api","deployed_at":"2026-08-20T14:03:00Z","commit":"9f2c1e7","branch":"main","reviewed_by":["r.khan"]}
//
// application and deployed_at (RFC 3339) are required; commit and branch
// are strings; reviewed_by is a list of names or one name, and absent,
// null or empty when nobody reviewed the change. Blank lines and lines
// starting with '#' are ignored. The current deployment of an application
// is its record with the latest deployed_at (the later line on a tie).
// Lines that cannot be understood are skipped with a warning naming the
// line. The result is sorted by application, with times in UTC.
func ParseDeployments(name string, b []byte) ([]Deployment, []string) {
	var warns sdk.Warnings
	current := map[string]Deployment{}
	r := bufio.NewReader(bytes.NewReader(b))
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r)
		if err != nil {
			break
		}
		if tooLong {
			warns.Add("%s:%d: line longer than %d bytes; skipped", name, n, maxRecordLine)
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		d, err := parseRecord(line)
		if err != nil {
			warns.Add("%s:%d: %v; record skipped", name, n, err)
			continue
		}
		d.Record = name
		if old, ok := current[d.Application]; !ok || !d.DeployedAt.Before(old.DeployedAt) {
			current[d.Application] = d
		}
	}
	out := make([]Deployment, 0, len(current))
	for _, d := range current {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Deployment) int { return strings.Compare(a.Application, b.Application) })
	return out, warns
}

// readLine returns the next line without its end, reporting a line over
// maxRecordLine as tooLong (and discarding it). err is io.EOF after the
// last line.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			return nil, false, err
		}
		if !tooLong {
			buf = append(buf, chunk...)
			if len(buf) > maxRecordLine {
				tooLong, buf = true, nil
			}
		}
		if !isPrefix {
			return buf, tooLong, nil
		}
	}
}

// parseRecord decodes and validates one record.
func parseRecord(line []byte) (Deployment, error) {
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return Deployment{}, fmt.Errorf("decode: %w", err)
	}
	if strings.TrimSpace(rec.Application) == "" {
		return Deployment{}, fmt.Errorf("no application")
	}
	at, err := time.Parse(time.RFC3339, rec.DeployedAt)
	if err != nil {
		return Deployment{}, fmt.Errorf("application %q: deployed_at: %w", rec.Application, err)
	}
	reviewers, err := parseReviewers(rec.ReviewedBy)
	if err != nil {
		return Deployment{}, fmt.Errorf("application %q: reviewed_by: %w", rec.Application, err)
	}
	d := Deployment{Application: strings.TrimSpace(rec.Application), DeployedAt: at.UTC(), ReviewedBy: reviewers}
	if rec.Commit != nil {
		d.Commit = *rec.Commit
	}
	if rec.Branch != nil {
		d.Branch = *rec.Branch
	}
	return d, nil
}

// parseReviewers accepts a list of names, one name, or null/absent, and
// returns the non-empty names without duplicates, never nil.
func parseReviewers(raw json.RawMessage) ([]string, error) {
	out := []string{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	var names []string
	if err := json.Unmarshal(raw, &names); err != nil {
		var one string
		if err1 := json.Unmarshal(raw, &one); err1 != nil {
			return nil, fmt.Errorf("want a list of names or one name: %w", err)
		}
		names = []string{one}
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}
