package guardproxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingListener counts the connections a server accepted.
type countingListener struct {
	net.Listener
	n atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

func hopFor(t *testing.T) *readHop {
	t.Helper()
	tr := &http.Transport{DialContext: (&net.Dialer{}).DialContext, MaxIdleConnsPerHost: 4}
	h, ok := newReadHop(tr, false).(*readHop)
	if !ok {
		t.Fatal("no read hop for a transport with a dialer")
	}
	return h
}

func hopGet(ctx context.Context, t *testing.T, h http.RoundTripper, method, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReadHopReusesConnections: sequential reads of every answer shape
// (length, chunked, empty, HEAD) share one kept-alive connection; an
// answer with Connection: close is not reused; writes go to the
// transport.
func TestReadHopReusesConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	var writes atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			_, _ = w.Write([]byte("one,"))
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte("two"))
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = w.Write([]byte("bye"))
		case "/write":
			writes.Add(1)
			_, _ = w.Write([]byte("wrote"))
		default:
			_, _ = w.Write([]byte("OK"))
		}
	})}
	go func() { _ = srv.Serve(cl) }()
	t.Cleanup(func() { srv.Close() })
	h := hopFor(t)
	base := "http://" + ln.Addr().String()
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/_ping", "OK"}, {"GET", "/chunked", "one,two"}, {"GET", "/empty", ""}, {"HEAD", "/_ping", ""}, {"GET", "/_ping", "OK"},
	} {
		if got := hopGet(context.Background(), t, h, tc.method, base+tc.path); got != tc.want {
			t.Fatalf("%s %s: %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
	if n := cl.n.Load(); n != 1 {
		t.Fatalf("%d connections for 5 sequential reads, want 1", n)
	}
	hopGet(context.Background(), t, h, "GET", base+"/close")
	hopGet(context.Background(), t, h, "GET", base+"/_ping")
	if n := cl.n.Load(); n != 2 {
		t.Fatalf("%d connections after a Connection: close answer, want 2", n)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/write", strings.NewReader("{}"))
	resp, err := h.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if writes.Load() != 1 {
		t.Fatal("the write did not reach the server")
	}
	// A body closed before its end closes its connection (it cannot be
	// reused with unread bytes on it).
	req, _ = http.NewRequest(http.MethodGet, base+"/chunked", nil)
	resp, err = h.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h.mu.Lock()
	idle := len(h.idle)
	h.mu.Unlock()
	if idle != 0 {
		t.Fatalf("%d idle connections after a body closed early, want 0", idle)
	}
}

// TestReadHopRetriesStaleConnection: a daemon that closes a kept-alive
// connection after one answer (without saying so) makes the next read on
// it fail at once; the read is sent again on a new connection and
// succeeds.
func TestReadHopRetriesStaleConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var accepted atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")
			}()
		}
	}()
	h := hopFor(t)
	url := "http://" + ln.Addr().String() + "/_ping"
	for i := range 3 {
		if got := hopGet(context.Background(), t, h, "GET", url); got != "OK" {
			t.Fatalf("read %d: %q", i+1, got)
		}
	}
	if n := accepted.Load(); n != 3 {
		t.Fatalf("%d connections for 3 reads on a daemon that closes each, want 3", n)
	}
}

// TestReadHopCancel: cancelling a read whose answer is slow returns the
// context's error at once and does not put the connection back.
func TestReadHopCancel(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	h := hopFor(t)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/slow", nil)
	errc := make(chan error, 1)
	go func() {
		resp, err := h.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond) // let it be written; the result does not depend on it
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v, want context.Canceled", err)
	}
	h.mu.Lock()
	idle := len(h.idle)
	h.mu.Unlock()
	if idle != 0 {
		t.Fatalf("%d idle connections after a cancelled read, want 0", idle)
	}
}
