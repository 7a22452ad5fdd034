package tool

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	sh := "/bin/sh"
	tests := []struct {
		name    string
		script  string
		max     int
		want    string
		wantErr string
	}{
		{"output", "echo hello", 100, "hello\n", ""},
		{"env is only what is given", `echo "[$HOME]"`, 100, "[]\n", ""},
		{"failure carries the last message", "echo first >&2; echo 'Fatal: wrong password' >&2; exit 1", 100, "", "Fatal: wrong password"},
		{"output bounded", "head -c 1000 /dev/zero", 10, "", "output larger than 10 bytes"},
	}
	for _, tt := range tests {
		out, err := Run(context.Background(), Command{Binary: sh, Args: []string{"-c", tt.script}, Env: []string{"PATH=/usr/bin:/bin"}, MaxOutput: tt.max})
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: Run error = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || string(out) != tt.want {
			t.Errorf("%s: Run = %q, %v; want %q", tt.name, out, err, tt.want)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Command{Binary: "/bin/sleep", Args: []string{"30"}, MaxOutput: 10})
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") || time.Since(start) > 10*time.Second {
		t.Errorf("Run = %v after %v, want a deadline error at once", err, time.Since(start))
	}
}
