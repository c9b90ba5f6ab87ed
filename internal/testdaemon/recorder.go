package testdaemon

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one request a Recorder forwarded.
type Request struct {
	Method string
	// URI is the path with the query ("/v1.41/containers/x/stop?t=10").
	URI string
	// Start and End are when the request arrived and when its answer was
	// sent.
	Start, End time.Time
}

// Path is the URI without the query.
func (r Request) Path() string { p, _, _ := strings.Cut(r.URI, "?"); return p }

// Recorder is a reverse proxy in front of a daemon's socket that records
// every request it forwards and how many were in flight at once, so that
// live tests can assert what dockguard sent to a real daemon.
type Recorder struct {
	// Host is the proxy's own daemon URL (unix://…).
	Host string

	mu       sync.Mutex
	reqs     []Request
	inFlight int
	peak     int
}

// StartRecorder starts a Recorder for the daemon at host (unix://…); it
// stops with the test.
func StartRecorder(t testing.TB, host string) *Recorder {
	t.Helper()
	sock := strings.TrimPrefix(host, "unix://")
	rec := &Recorder{}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: "docker"})
	proxy.Transport = &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "proxy.sock"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := Request{Method: r.Method, URI: r.URL.RequestURI(), Start: time.Now()}
		rec.mu.Lock()
		rec.inFlight++
		rec.peak = max(rec.peak, rec.inFlight)
		rec.mu.Unlock()
		proxy.ServeHTTP(w, r)
		rq.End = time.Now()
		rec.mu.Lock()
		rec.inFlight--
		rec.reqs = append(rec.reqs, rq)
		rec.mu.Unlock()
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	rec.Host = "unix://" + ln.Addr().String()
	return rec
}

// Requests returns the requests answered so far, in the order their
// answers were sent.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// Peak is the most requests the proxy had in flight at once.
func (r *Recorder) Peak() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peak
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs, r.peak = nil, 0
}
