package api

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestInflightBudget holds two reports mid-upload so that their bytes
// fill the server-wide budget: a third host's report is refused with 503
// and Retry-After and stores nothing, as is a second report of a host
// with one in flight whatever the budget, and once the two are done the
// budget is free again.
func TestInflightBudget(t *testing.T) {
	e := newEnv(t)
	_, token := e.enroll("web-1", "machine-web-1")
	_, token2 := e.enroll("web-2", "machine-web-2")
	first, second := report(t, "debian12-lts", nil), report(t, "debian12-lts", nil)
	e.api.inflight = &budget{max: int64(len(first) + len(second))}

	type answer struct {
		code int
		err  error
	}
	slow := func(tok string, body []byte) (*io.PipeWriter, chan answer) {
		pr, pw := io.Pipe()
		hr, err := http.NewRequest("POST", e.srv.URL+"/api/v1/reports", pr)
		if err != nil {
			t.Fatal(err)
		}
		hr.ContentLength = int64(len(body))
		hr.Header.Set("Authorization", "Bearer "+tok)
		hr.Header.Set("Content-Type", "application/json")
		done := make(chan answer, 1)
		go func() {
			resp, err := http.DefaultClient.Do(hr)
			if err != nil {
				done <- answer{err: err}
				return
			}
			resp.Body.Close()
			done <- answer{code: resp.StatusCode}
		}()
		return pw, done
	}
	pw1, done1 := slow(token, first)
	pw2, done2 := slow(token2, second)
	deadline := time.Now().Add(30 * time.Second)
	for e.api.inflight.inUse() != e.api.inflight.max {
		if time.Now().After(deadline) {
			t.Fatalf("the two held reports never took the budget: %d of %d bytes in use", e.api.inflight.inUse(), e.api.inflight.max)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A host with a report in flight may not start another, budget or not.
	e.api.inflight.mu.Lock()
	e.api.inflight.max += 1 << 30
	e.api.inflight.mu.Unlock()
	if code, m, hdr := e.do(req{method: "POST", path: "/api/v1/reports", token: token, body: report(t, "debian12-lts", nil)}); code != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" || !strings.Contains(fmt.Sprint(m), "from this host") {
		t.Errorf("second report of a host with one in flight = %d (Retry-After %q) %v, want 503 with Retry-After", code, hdr.Get("Retry-After"), m)
	}
	e.api.inflight.mu.Lock()
	e.api.inflight.max -= 1 << 30
	e.api.inflight.mu.Unlock()
	_, token3 := e.enroll("web-3", "machine-web-3")

	before := e.snapshot()
	code, m, hdr := e.do(req{method: "POST", path: "/api/v1/reports", token: token3, body: report(t, "debian12-lts", nil)})
	if code != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" {
		t.Errorf("report over the in-flight budget = %d (Retry-After %q) %v, want 503 with Retry-After", code, hdr.Get("Retry-After"), m)
	}
	if errBody, _ := m["error"].(map[string]any); errBody == nil || errBody["code"] != "busy" || !strings.Contains(errBody["message"].(string), "as many report bytes") {
		t.Errorf("error body %v, want code busy saying the server holds as many report bytes as it may", m)
	}
	if d := diff(before, e.snapshot()); len(d) != 0 {
		t.Errorf("a report refused for the budget changed the bucket: %v", d)
	}

	for _, w := range []struct {
		pw   *io.PipeWriter
		body []byte
		done chan answer
	}{{pw1, first, done1}, {pw2, second, done2}} {
		go func() {
			_, _ = w.pw.Write(w.body)
			w.pw.Close()
		}()
		if a := <-w.done; a.err != nil || a.code != http.StatusCreated {
			t.Errorf("held report = %d %v, want 201", a.code, a.err)
		}
	}
	if n := e.api.inflight.inUse(); n != 0 {
		t.Errorf("%d bytes still taken after every report was answered", n)
	}
	if code, m, _ := e.do(req{method: "POST", path: "/api/v1/reports", token: token2, body: report(t, "debian12-lts", nil)}); code != http.StatusCreated {
		t.Errorf("report once the budget is free = %d %v, want 201", code, m)
	}
}
