package endpoint

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// SSHCommand returns the argv that connects to an ssh:// daemon the way the
// docker CLI does: ssh to the host and run `docker system dial-stdio`
// there, which relays the remote daemon's socket over stdin and stdout.
func SSHCommand(host string) ([]string, error) {
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "ssh" {
		return nil, fmt.Errorf("invalid ssh host %q", host)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("invalid ssh host %q: no host name", host)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("invalid ssh host %q: query and fragment are not allowed", host)
	}
	if strings.HasPrefix(u.Hostname(), "-") || strings.HasPrefix(u.User.Username(), "-") {
		// Never let a host name become an ssh option.
		return nil, fmt.Errorf("invalid ssh host %q", host)
	}
	argv := []string{"ssh", "-o", "ConnectTimeout=30", "-T"}
	if u.User != nil {
		if _, hasPw := u.User.Password(); hasPw {
			return nil, fmt.Errorf("invalid ssh host %q: passwords in the URL are not supported; use an ssh key or agent", host)
		}
		argv = append(argv, "-l", u.User.Username())
	}
	if p := u.Port(); p != "" {
		argv = append(argv, "-p", p)
	}
	argv = append(argv, "--", u.Hostname(), "docker")
	if u.Path != "" && u.Path != "/" {
		argv = append(argv, "--host", "unix://"+u.Path)
	}
	return append(argv, "system", "dial-stdio"), nil
}

// SSHDialer returns a DialContext function for an http.Transport that starts
// one `ssh … docker system dial-stdio` process per connection.
func SSHDialer(host string) (func(ctx context.Context, network, addr string) (net.Conn, error), error) {
	argv, err := SSHCommand(host)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		return dialCommand(ctx, argv)
	}, nil
}

func dialCommand(ctx context.Context, argv []string) (net.Conn, error) {
	// The process must outlive the dial's context, so it is not started
	// with exec.CommandContext; Close ends it.
	cmd := exec.Command(argv[0], argv[1:]...) // argv comes from SSHCommand
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("ssh dialer: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("ssh dialer: %w", err)
	}
	stderr := &limitedWriter{n: 4096}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w (install an ssh client, or forward the remote socket with `ssh -NL /tmp/docker.sock:/var/run/docker.sock HOST` and use -H unix:///tmp/docker.sock)", argv[0], err)
	}
	if err := ctx.Err(); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, err
	}
	return &commandConn{cmd: cmd, stdin: stdin, stdout: stdout, stderr: stderr}, nil
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	mu  sync.Mutex
	buf strings.Builder
	n   int
}

func (l *limitedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n > 0 {
		q := p
		if len(q) > l.n {
			q = q[:l.n]
		}
		l.n -= len(q)
		l.buf.Write(q)
	}
	return len(p), nil
}

// commandConn is a net.Conn over a child process's stdin and stdout.
type commandConn struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr *limitedWriter
	once   sync.Once
}

func (c *commandConn) Read(p []byte) (int, error) {
	n, err := c.stdout.Read(p)
	if err == io.EOF && n == 0 {
		if msg := strings.TrimSpace(c.stderr.String()); msg != "" {
			return 0, fmt.Errorf("ssh connection closed: %s", msg)
		}
	}
	return n, err
}

func (c *commandConn) Write(p []byte) (int, error) { return c.stdin.Write(p) }

func (c *commandConn) Close() error {
	c.once.Do(func() {
		_ = c.stdin.Close()
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
	})
	return nil
}

type cmdAddr struct{}

func (cmdAddr) Network() string { return "cmd" }
func (cmdAddr) String() string  { return "ssh" }

func (c *commandConn) LocalAddr() net.Addr              { return cmdAddr{} }
func (c *commandConn) RemoteAddr() net.Addr             { return cmdAddr{} }
func (c *commandConn) SetDeadline(time.Time) error      { return nil }
func (c *commandConn) SetReadDeadline(time.Time) error  { return nil }
func (c *commandConn) SetWriteDeadline(time.Time) error { return nil }
