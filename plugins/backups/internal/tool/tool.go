package tool

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Command is one run of a program.
type Command struct {
	// Binary is the program's absolute path.
	Binary string
	// Args are its arguments; Args[0] names the run in errors ("snapshots").
	Args []string
	// Env is its whole environment.
	Env []string
	// Dir is its working directory ("" is the caller's).
	Dir string
	// Files are passed as file descriptors 3, 4, ...
	Files []*os.File
	// MaxOutput bounds standard output; more is an error.
	MaxOutput int
}

// Run runs c and returns its standard output.
func Run(ctx context.Context, c Command) ([]byte, error) {
	name := c.Binary
	if len(c.Args) > 0 {
		name += " " + c.Args[0]
	}
	cmd := exec.CommandContext(ctx, c.Binary, c.Args...)
	cmd.Env = c.Env
	cmd.Dir = c.Dir
	cmd.ExtraFiles = c.Files
	cmd.WaitDelay = 5 * time.Second
	stdout := &limitedBuffer{max: c.MaxOutput}
	stderr := &limitedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", name, ctx.Err())
		}
		return nil, fmt.Errorf("%s: %w: %s", name, err, lastLine(stderr.String()))
	}
	if stdout.over {
		return nil, fmt.Errorf("%s: output larger than %d bytes", name, c.MaxOutput)
	}
	return stdout.Bytes(), nil
}

// lastLine is a program's error message: the last non-empty line of its
// standard error.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// limitedBuffer keeps at most max bytes and remembers it dropped some.
// The buffer is a field, not embedded: an embedded bytes.Buffer would
// lend it ReadFrom, and io.Copy would write around the limit.
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.over = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

// Bytes returns what was kept.
func (b *limitedBuffer) Bytes() []byte { return b.buf.Bytes() }

// String returns what was kept.
func (b *limitedBuffer) String() string { return b.buf.String() }
