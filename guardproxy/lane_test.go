package guardproxy

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/verify/endpoint"
)

// rawUpstream is a daemon stand-in on a unix socket that records every
// request head byte for byte and answers with what answer returns for it
// (after its delay), so that tests see exactly what the guard sends and
// control exactly what it gets back.
type rawUpstream struct {
	sock   string
	mu     sync.Mutex
	heads  []string
	answer func(head string) (resp string, delay time.Duration)
	// gone is closed when a connection ends while a request on it waits
	// for its delay.
	gone chan struct{}
	once sync.Once
}

func startRawUpstream(t *testing.T, dir string, answer func(string) (string, time.Duration)) *rawUpstream {
	t.Helper()
	u := &rawUpstream{sock: filepath.Join(dir, "up.sock"), answer: answer, gone: make(chan struct{})}
	ln, err := net.Listen("unix", u.sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go u.serve(c)
		}
	}()
	return u
}

func (u *rawUpstream) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		var head strings.Builder
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			head.WriteString(line)
			if line == "\r\n" {
				break
			}
		}
		h := head.String()
		if i := strings.Index(strings.ToLower(h), "\r\ncontent-length: "); i >= 0 {
			v, _, _ := strings.Cut(h[i+len("\r\ncontent-length: "):], "\r\n")
			n, _ := strconv.Atoi(v)
			if _, err := io.CopyN(io.Discard, br, int64(n)); err != nil {
				return
			}
		}
		u.mu.Lock()
		u.heads = append(u.heads, h)
		u.mu.Unlock()
		resp, delay := u.answer(h)
		if delay > 0 {
			// A peer that goes away while the answer is pending is seen
			// by a read that ends.
			ended := make(chan struct{})
			go func() {
				var b [1]byte
				_ = c.SetReadDeadline(time.Now().Add(delay))
				if _, err := c.Read(b[:]); err != nil && !os.IsTimeout(err) {
					u.once.Do(func() { close(u.gone) })
				}
				close(ended)
			}()
			<-ended
			_ = c.SetReadDeadline(time.Time{})
		}
		if _, err := io.WriteString(c, resp); err != nil {
			return
		}
	}
}

func (u *rawUpstream) recorded() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.heads...)
}

// guardOnUnix starts a guard on a unix socket in front of the unix
// socket up and returns the guard's socket.
func guardOnUnix(t *testing.T, dir, up string, cfg Config) (*Server, string) {
	t.Helper()
	tr, scheme, host, err := Upstream(endpoint.Endpoint{Host: "unix://" + up})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Transport: tr, Scheme: scheme, Host: host})
	if err != nil {
		t.Fatal(err)
	}
	gsock := filepath.Join(dir, "guard.sock")
	ln, _, err := Listen("unix://"+gsock, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("guard: %v", err)
		}
	})
	return srv, gsock
}

func shortDir(t *testing.T) string {
	t.Helper()
	// A unix socket path has a length bound; t.TempDir's can pass it.
	dir, err := os.MkdirTemp("", "dgl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

const (
	listAnswer = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret-hop\r\nKeep-Alive: timeout=5\r\n" +
		"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"4\r\n[{\"I\r\n7;ext=1\r\nd\":\"a\"}\r\n1\r\n]\r\n0\r\nX-Trailer: t\r\n\r\n"
	pingAnswer = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK"
	stopAnswer = "HTTP/1.1 204 No Content\r\nApi-Version: 1.41\r\n\r\n"
)

func answerByPath(head string) (string, time.Duration) {
	switch {
	case strings.Contains(head, "/containers/json"):
		return listAnswer, 0
	case strings.HasPrefix(head, "POST "):
		return stopAnswer, 0
	}
	return pingAnswer, 0
}

// TestLanePassesReadsAsTheyCame: a plain read reaches the daemon byte for
// byte as the client wrote it (header order and case kept, the registry
// credential untouched), the daemon's chunked answer comes back with its
// framing and trailer and without its hop-by-hop headers, a write on the
// same connection afterwards goes the whole policy's way (net/http's
// transport writes its own head), and a read after it still works.
func TestLanePassesReadsAsTheyCame(t *testing.T) {
	dir := shortDir(t)
	up := startRawUpstream(t, dir, answerByPath)
	srv, gsock := guardOnUnix(t, dir, up.sock, Config{Interval: -1})
	c, err := net.Dial("unix", gsock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	read := "GET /v1.41/containers/json?all=1 HTTP/1.1\r\nx-registry-auth: e30=\r\nHost: docker\r\nuser-agent: test/1\r\n\r\n"
	if _, err := io.WriteString(c, read); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: "GET"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != `[{"Id":"a"}]` || resp.StatusCode != 200 {
		t.Fatalf("answer %d %q, want 200 and the daemon's body", resp.StatusCode, body)
	}
	if resp.Trailer.Get("X-Trailer") != "t" {
		t.Errorf("trailer %v, want X-Trailer: t passed through", resp.Trailer)
	}
	for _, h := range []string{"X-Hop", "Keep-Alive", "Connection"} {
		if v := resp.Header.Get(h); v != "" {
			t.Errorf("hop-by-hop header %s: %q reached the client", h, v)
		}
	}
	if resp.Header.Get("Api-Version") != "1.41" || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("end-to-end headers lost: %v", resp.Header)
	}
	write := "POST /v1.41/containers/x/stop HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n\r\n"
	for _, req := range []string{write, "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"} {
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		method, _, _ := strings.Cut(req, " ")
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%s: HTTP %d", strings.TrimSpace(strings.Split(req, "\r\n")[0]), resp.StatusCode)
		}
	}
	heads := up.recorded()
	if len(heads) != 3 {
		t.Fatalf("the daemon got %d requests, want 3: %q", len(heads), heads)
	}
	if heads[0] != read {
		t.Errorf("the read reached the daemon as\n%q\nwant as the client sent it\n%q", heads[0], read)
	}
	if !strings.HasPrefix(heads[1], "POST /v1.41/containers/x/stop HTTP/1.1\r\nHost: docker\r\n") {
		t.Errorf("the write reached the daemon as %q", heads[1])
	}
	tot := srv.Totals()
	if tot.Requests["read"] != 2 || tot.Requests["write"] != 1 {
		t.Errorf("requests counted %v, want 2 reads and 1 write", tot.Requests)
	}
}

// TestLanePipelinedAndHead: two requests in one write are answered in
// order; a HEAD answer's Content-Length comes without a body.
func TestLanePipelinedAndHead(t *testing.T) {
	dir := shortDir(t)
	up := startRawUpstream(t, dir, answerByPath)
	_, gsock := guardOnUnix(t, dir, up.sock, Config{})
	c, err := net.Dial("unix", gsock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "HEAD /_ping HTTP/1.1\r\nHost: docker\r\n\r\nGET /v1.41/containers/json HTTP/1.1\r\nHost: docker\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ContentLength != 2 {
		t.Errorf("HEAD Content-Length %d, want the daemon's 2", resp.ContentLength)
	}
	resp, err = http.ReadResponse(br, &http.Request{Method: "GET"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != `[{"Id":"a"}]` {
		t.Errorf("second answer %q", b)
	}
}

// TestLaneMalformedAnswer: a daemon whose chunked answer breaks off ends
// that client's connection; the guard goes on serving others.
func TestLaneMalformedAnswer(t *testing.T) {
	dir := shortDir(t)
	up := startRawUpstream(t, dir, func(head string) (string, time.Duration) {
		if strings.Contains(head, "/bad") {
			return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx", 0
		}
		return pingAnswer, 0
	})
	_, gsock := guardOnUnix(t, dir, up.sock, Config{})
	c, err := net.Dial("unix", gsock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /v1.41/bad HTTP/1.1\r\nHost: docker\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, _ := io.ReadAll(c)
	if bytes.Contains(got, []byte("xx")) {
		t.Errorf("the malformed body reached the client: %q", got)
	}
	resp, err := unixClient(gsock, 1).Get("http://docker/_ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after a malformed answer: HTTP %d", resp.StatusCode)
	}
}

// TestHalfClosedClientGetsItsAnswer: a client on the unix socket that
// closes its sending side right after its request (as nc -N and socat
// do) gets the daemon's answer, on the lane (a read) and on the net/http
// side (a write), even when the daemon takes a while; before, net/http
// cancelled the request and the client got a 502.
func TestHalfClosedClientGetsItsAnswer(t *testing.T) {
	dir := shortDir(t)
	up := startRawUpstream(t, dir, func(head string) (string, time.Duration) {
		a, _ := answerByPath(head)
		return a, 300 * time.Millisecond
	})
	_, gsock := guardOnUnix(t, dir, up.sock, Config{Interval: -1})
	for _, tc := range []struct{ req, method string }{
		{"GET /v1.41/containers/json HTTP/1.1\r\nHost: docker\r\n\r\n", "GET"},
		{"POST /v1.41/containers/x/stop HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n\r\n", "POST"},
	} {
		c, err := net.Dial("unix", gsock)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(c, tc.req); err != nil {
			t.Fatal(err)
		}
		if err := c.(*net.UnixConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: tc.method})
		if err != nil {
			t.Fatalf("%s: %v", tc.method, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		c.Close()
		if resp.StatusCode/100 != 2 {
			t.Errorf("%s with the client's side half-closed: HTTP %d %s, want the daemon's answer", tc.method, resp.StatusCode, b)
		}
	}
}

// TestClosedUnixClientCancels: a client on the unix socket that closes
// its connection altogether while the daemon is slow ends the daemon's
// request too, on either side of the guard.
func TestClosedUnixClientCancels(t *testing.T) {
	for _, req := range []string{
		"GET /v1.41/containers/json HTTP/1.1\r\nHost: docker\r\n\r\n",
		"POST /v1.41/containers/x/stop HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n\r\n",
	} {
		dir := shortDir(t)
		up := startRawUpstream(t, dir, func(head string) (string, time.Duration) {
			a, _ := answerByPath(head)
			return a, 30 * time.Second
		})
		srv, gsock := guardOnUnix(t, dir, up.sock, Config{Interval: -1})
		c, err := net.Dial("unix", gsock)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return len(up.recorded()) == 1 })
		c.Close()
		select {
		case <-up.gone:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the daemon's request was not ended when the client closed", strings.Fields(req)[0])
		}
		waitFor(t, func() bool { return srv.reads.stats().InFlight == 0 && srv.writes.stats().InFlight == 0 })
	}
}
