package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/auditfleet/auditfleet/scorecard"
)

// acceptFormats maps the media types a client may ask for in Accept to
// the scorecard format answered.
var acceptFormats = map[string]scorecard.Format{
	"application/json":       scorecard.JSON,
	"application/xml":        scorecard.JUnit,
	"text/xml":               scorecard.JUnit,
	"application/junit+xml":  scorecard.JUnit,
	"application/sarif+json": scorecard.SARIF,
	"text/markdown":          scorecard.Markdown,
}

// format is the scorecard format a request asks for among allowed: the
// format query parameter if given (an unknown one is a 400), else the
// first media type of the Accept header that names an allowed format,
// else JSON.
func format(r *http.Request, allowed []scorecard.Format) (scorecard.Format, error) {
	if q := r.URL.Query().Get("format"); q != "" {
		f, err := scorecard.ParseFormat(q, allowed)
		if err != nil {
			return "", errorf(http.StatusBadRequest, "bad_request", err.Error())
		}
		return f, nil
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if f, ok := acceptFormats[mt]; ok && slices.Contains(allowed, f) {
			return f, nil
		}
	}
	return scorecard.JSON, nil
}

// writeFormatted answers the stored JSON document b as is when f is JSON,
// else decoded into v and written by write in format f.
func writeFormatted[T any](w http.ResponseWriter, b []byte, f scorecard.Format, what string, write func(*T, *bytes.Buffer) error) error {
	if f != scorecard.JSON {
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return fmt.Errorf("decode stored %s: %w", what, err)
		}
		var buf bytes.Buffer
		if err := write(&v, &buf); err != nil {
			return fmt.Errorf("write %s as %s: %w", what, f, err)
		}
		b = buf.Bytes()
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Add("Vary", "Accept")
	_, err := w.Write(b)
	return err
}
