package livetest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/verify/endpoint"
)

func TestMain(m *testing.M) { os.Exit(testdaemon.Main(m)) }

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
	// d is the daemon as reached through the guard: d.Docker runs the
	// docker CLI with DOCKER_HOST pointing at the guard.
	d *testdaemon.Daemon
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
	srv, err := guardproxy.New(guardproxy.Options{Config: cfg, Transport: tr, Scheme: scheme, Host: host})
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
	return &guard{srv: srv, rec: rec, d: &gd}
}
