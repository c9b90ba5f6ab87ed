package livetest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/verify/endpoint"
)

func TestMain(m *testing.M) {
	code := testdaemon.Main(m)
	// The dockguard binary the signal and upstream tests built.
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

var (
	imageOnce sync.Once
	imageErr  error
)

// daemon returns the private daemon with the helper image imported.
func daemon(t *testing.T) *testdaemon.Daemon {
	t.Helper()
	d := testdaemon.Require(t)
	imageOnce.Do(func() { imageErr = d.ImportImage() })
	if imageErr != nil {
		t.Fatalf("import the helper image: %v", imageErr)
	}
	return d
}

// guard is a running guard with a recorder between it and the daemon.
type guard struct {
	srv *guardproxy.Server
	rec *testdaemon.Recorder
	// wire sees each request as the guard sends it upstream.
	wire *wireLog
	// d is the daemon as reached through the guard: d.Docker runs the
	// docker CLI with DOCKER_HOST pointing at the guard.
	d *testdaemon.Daemon
}

// wireSend is one request the guard sent upstream: Wrote is when its
// headers were on the wire (the moment the guard's spacing counts from),
// Done when its answer's body was closed (when the guard frees its slot).
type wireSend struct {
	Method, URI string
	Wrote, Done time.Time
}

// wireLog wraps the guard's upstream transport and notes, for every
// request, the moments the guard itself acts on. The recorder further on
// sees the same requests a scheduling delay later, which varies from one
// request to the next on a loaded machine; what the guard guarantees is
// asserted here, and what the daemon saw at the recorder.
type wireLog struct {
	base http.RoundTripper
	mu   sync.Mutex
	sent []wireSend
}

func (w *wireLog) RoundTrip(req *http.Request) (*http.Response, error) {
	s := &wireSend{Method: req.Method, URI: req.URL.RequestURI()}
	// Hooks added here run before the guard's own WroteHeaders hook, so
	// s.Wrote is never later than the moment the guard's spacing starts.
	ctx := httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{WroteHeaders: func() { s.Wrote = time.Now() }})
	resp, err := w.base.RoundTrip(req.WithContext(ctx))
	if err != nil || resp.StatusCode == http.StatusSwitchingProtocols {
		// An upgraded connection's body must stay the io.ReadWriteCloser
		// the reverse proxy hijacks; the storm has none.
		return resp, err
	}
	resp.Body = &noteClose{ReadCloser: resp.Body, done: func() {
		s.Done = time.Now()
		w.mu.Lock()
		w.sent = append(w.sent, *s)
		w.mu.Unlock()
	}}
	return resp, nil
}

// Sent returns the requests whose answers the guard has closed.
func (w *wireLog) Sent() []wireSend {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireSend(nil), w.sent...)
}

// Reset forgets what was noted.
func (w *wireLog) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = nil
}

// noteClose calls done once, when the body is closed.
type noteClose struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (n *noteClose) Close() error {
	err := n.ReadCloser.Close()
	n.once.Do(n.done)
	return err
}

// startGuard starts a guard with cfg in front of a recorder in front of d;
// both stop with the test.
func startGuard(t *testing.T, d *testdaemon.Daemon, cfg guardproxy.Config) *guard {
	t.Helper()
	rec := testdaemon.StartRecorder(t, d.Host)
	tr, scheme, host, err := guardproxy.Upstream(endpoint.Endpoint{Host: rec.Host})
	if err != nil {
		t.Fatal(err)
	}
	wire := &wireLog{base: tr}
	srv, err := guardproxy.New(guardproxy.Options{Config: cfg, Transport: wire, Scheme: scheme, Host: host})
	if err != nil {
		t.Fatal(err)
	}
	// Socket paths are limited to 108 bytes: a short folder of our own.
	dir, err := os.MkdirTemp("", "dgg")
	if err != nil {
		t.Fatal(err)
	}
	ln, dockerHost, err := guardproxy.Listen("unix://"+filepath.Join(dir, "guard.sock"), false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, 10*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("guard: %v", err)
		}
		os.RemoveAll(dir)
	})
	gd := *d
	gd.Host = dockerHost
	return &guard{srv: srv, rec: rec, wire: wire, d: &gd}
}
