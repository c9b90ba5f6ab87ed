package livetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockguard/dockguard/internal/testdaemon"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// dockguardBinary builds cmd/dockguard once per test binary.
func dockguardBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dggbin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "dockguard")
		if out, err := exec.Command("go", "build", "-o", binPath, "github.com/dockguard/dockguard/cmd/dockguard").CombinedOutput(); err != nil {
			binErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// socketDir is a short private folder for a guard's socket (socket paths
// are limited to 108 bytes), removed with the test.
func socketDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dgg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// unixHTTP is an HTTP client of a unix socket.
func unixHTTP(sock string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
}

// waitSocket waits until something answers HTTP on sock.
func waitSocket(t *testing.T, sock string, stderr func() string) {
	t.Helper()
	c := unixHTTP(sock)
	defer c.CloseIdleConnections()
	for deadline := time.Now().Add(60 * time.Second); ; {
		resp, err := c.Get("http://docker/_ping")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guard did not answer on %s: %v; stderr %s", sock, err, stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// metrics returns the guard's metrics text.
func metrics(c *http.Client) string {
	resp, err := c.Get("http://docker/_dockguard/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// metric returns the value of one line of the guard's metrics ("" when
// absent).
func metric(c *http.Client, line string) string {
	for _, l := range strings.Split(metrics(c), "\n") {
		if v, ok := strings.CutPrefix(l, line+" "); ok {
			return v
		}
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for a process writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSIGINTDrains runs the dockguard binary as `dockguard guard` in front
// of the private daemon (through the recorder) with one write in flight at
// a time. A stop that takes 3 s (the container ignores its stop signal)
// is in flight and a second stop is queued behind it when the guard gets
// SIGINT. The guard must stop accepting, finish both, exit 0 and
// print its totals; without a terminal it shows no status line.
func TestSIGINTDrains(t *testing.T) {
	d := daemon(t)
	bin := dockguardBinary(t)
	id := runID(d)
	slow, quick := "dgsig-slow-"+id, "dgsig-quick-"+id
	for _, n := range []string{slow, quick} {
		// SIGWINCH is a signal the helper ignores: the stop waits for its
		// timeout, then kills.
		if _, err := d.Docker("run", "-d", "--network", "none", "--stop-signal", "SIGWINCH", "--name", n, "--label", d.RunLabel, testdaemon.Image, "sleep"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// Stopped by the test; a failed run may leave them running.
			_, _ = d.Docker("stop", "-t", "1", n)
			_, _ = d.Docker("rm", n)
		})
	}
	rec := testdaemon.StartRecorder(t, d.Host)
	sock := filepath.Join(socketDir(t), "guard.sock")
	var stdout, stderr syncBuffer
	cmd := exec.Command(bin, "guard", "--listen", "unix://"+sock, "--upstream", rec.Host, "--in-flight", "1", "--interval", "0s")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	exited := start(t, cmd)
	waitSocket(t, sock, stderr.String)

	c := unixHTTP(sock)
	type result struct {
		name string
		code int
		err  error
	}
	results := make(chan result, 2)
	post := func(name, timeout string) {
		resp, err := c.Post("http://docker/v1.41/containers/"+name+"/stop?t="+timeout, "", nil)
		if err != nil {
			results <- result{name: name, err: err}
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		results <- result{name: name, code: resp.StatusCode}
	}
	go post(slow, "5")
	// The slow stop is at the daemon (the guard's one write slot is
	// taken) before the quick one is sent.
	waitFor(t, 60*time.Second, func() bool { return metric(c, `dockguard_guard_in_flight{gate="write"}`) == "1" })
	go post(quick, "1")
	for deadline := time.Now().Add(60 * time.Second); metric(c, `dockguard_guard_queue_depth{gate="write"}`) != "1"; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the second stop never queued; metrics:\n%s\nstderr %s", metrics(c), stderr.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// It stops accepting: the socket goes away with the listener, while
	// the two requests are still being served.
	waitFor(t, 30*time.Second, func() bool {
		conn, err := net.Dial("unix", sock)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	select {
	case <-exited.done:
		t.Fatalf("the guard exited (%v) before the queued stop was done; stdout %s", exited.err, stdout.String())
	default:
	}
	for range 2 {
		r := <-results
		if r.err != nil || r.code != http.StatusNoContent {
			t.Errorf("stop of %s through the draining guard: %d, %v", r.name, r.code, r.err)
		}
	}
	select {
	case <-exited.done:
		if exited.err != nil {
			t.Fatalf("exit: %v; stderr %s", exited.err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the guard did not exit after the drain; stderr %s", stderr.String())
	}
	// Both stops reached the daemon, the queued one after the slow one had
	// been answered: drained, not cut off.
	slowStops, quickStops := stopsAt(rec, slow), stopsAt(rec, quick)
	if len(slowStops) != 1 || len(quickStops) != 1 {
		t.Fatalf("stops at the daemon: %d slow, %d queued; want 1 each", len(slowStops), len(quickStops))
	}
	if quickStops[0].Start.Before(slowStops[0].End) {
		t.Errorf("the queued stop reached the daemon before the slow one was answered: one write in flight was not kept")
	}
	out := stdout.String()
	for _, want := range []string{"DOCKER_HOST=unix://" + sock, "dockguard guard totals:", "requests:", "write 2", "peak in flight: 1 writes"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(stderr.String(), "\033[K") {
		t.Errorf("a status line was drawn without a terminal: %q", stderr.String())
	}
	for _, n := range []string{slow, quick} {
		if st, err := d.Docker("inspect", "-f", "{{.State.Status}}", n); err != nil || st != "exited" {
			t.Errorf("%s after its stop: %q, %v", n, st, err)
		}
	}
}

// stopsAt returns the stops of name the recorder saw.
func stopsAt(rec *testdaemon.Recorder, name string) []testdaemon.Request {
	var out []testdaemon.Request
	for _, r := range rec.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path(), "/containers/"+name+"/stop") {
			out = append(out, r)
		}
	}
	return out
}

// TestStatusLineOnTTY runs `dockguard guard --status auto` with its
// output on a pseudo-terminal (util-linux script) and interrupts it with
// Ctrl-C typed on that terminal. The status line is drawn (carriage
// return, erase line, the counters), shows a request made meanwhile, and
// is erased before the totals are printed.
func TestStatusLineOnTTY(t *testing.T) {
	d := daemon(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("script (util-linux) is needed for the terminal test: apt-get install bsdutils")
	}
	bin := dockguardBinary(t)
	sock := filepath.Join(socketDir(t), "guard.sock")
	var out syncBuffer
	// exec: the guard itself is the terminal's foreground process, so
	// the Ctrl-C below reaches it as the terminal's SIGINT.
	cmd := exec.Command("script", "-qefc", "exec "+bin+" guard --status auto --listen unix://"+sock+" --upstream "+d.Host, "/dev/null")
	cmd.Stdout, cmd.Stderr = &out, &out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	exited := start(t, cmd)
	t.Cleanup(func() { stdin.Close() })
	waitSocket(t, sock, func() string { return fmt.Sprintf("%q", out.String()) })
	c := unixHTTP(sock)
	resp, err := c.Get("http://docker/v1.41/containers/json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c.CloseIdleConnections()
	// The status line is redrawn every second; wait for one drawn after
	// the request (its reads count is not shown, so wait for two draws
	// after it instead).
	before := strings.Count(out.String(), "\r\033[K")
	waitFor(t, 60*time.Second, func() bool { return strings.Count(out.String(), "\r\033[K") >= before+2 })
	if _, err := stdin.Write([]byte{3}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	select {
	case <-exited.done:
		if exited.err != nil {
			t.Fatalf("exit: %v; output %q", exited.err, out.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the guard did not exit on Ctrl-C; output %q", out.String())
	}
	got := out.String()
	status := strings.LastIndex(got, "\r\033[Kwrites in flight 0, queued 0 · reads in flight 0, queued 0 · rewritten 0 · refused 0 · breaker closed")
	if status < 0 {
		t.Fatalf("no status line in the terminal output %q", got)
	}
	totals := strings.Index(got, "dockguard guard totals:")
	if totals < status {
		t.Fatalf("no totals after the last status line: %q", got)
	}
	// Between the last status line and the totals the line is erased.
	if between := got[status+len("\r\033[K") : totals]; !strings.Contains(between, "\r\033[K") {
		t.Fatalf("the status line was not erased before the totals: %q", between)
	}
	if !strings.Contains(got[totals:], "read 2") {
		// The _ping that found the guard and the containers list.
		t.Errorf("totals do not count the two reads: %q", got[totals:])
	}
}

// waitFor polls cond every 20 ms until it holds, failing the test after
// limit (a bound for a stuck run, not a timing assertion).
func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// proc is a started process: done is closed when it has exited, with
// err its exit.
type proc struct {
	done chan struct{}
	err  error
}

// start starts cmd; at the end of the test a process still running is
// killed and waited for.
func start(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}
