package guardproxy

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/verify/endpoint"
)

// fastUpstream is a daemon stand-in on a unix socket that answers GETs at
// once with a fixed body, so that a benchmark through the guard measures
// the guard's own cost per request.
func fastUpstream(b *testing.B, dir string, body []byte) string {
	b.Helper()
	sock := filepath.Join(dir, "up.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Api-Version", "1.41")
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return "unix://" + sock
}

// unixClient is a keep-alive client of the socket, as the docker CLI and
// the SDKs are.
func unixClient(sock string, conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
}

func getOK(b *testing.B, c *http.Client, url string) {
	resp, err := c.Get(url)
	if err != nil {
		b.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
}

// BenchmarkServeRead times a read through a guard on a unix socket in
// front of a fast upstream, sequential and at 16 clients; "direct" is the
// same client straight to the upstream, for the ratio. Profile it with
// go test -run '^$' -bench ServeRead -cpuprofile cpu.out ./guardproxy/.
func BenchmarkServeRead(b *testing.B) {
	dir, err := os.MkdirTemp("", "dgb")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	up := fastUpstream(b, dir, []byte(`[{"Id":"0123456789abcdef","Names":["/c1"],"State":"running"}]`))
	tr, scheme, host, err := Upstream(endpoint.Endpoint{Host: up})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Options{Transport: tr, Scheme: scheme, Host: host})
	if err != nil {
		b.Fatal(err)
	}
	gsock := filepath.Join(dir, "guard.sock")
	ln, _, err := Listen("unix://"+gsock, false)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, 5*time.Second) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("guard: %v", err)
		}
	})
	for _, target := range []struct{ name, sock string }{{"direct", up[len("unix://"):]}, {"guard", gsock}} {
		for _, conc := range []int{1, 16} {
			b.Run(target.name+"/c"+itoa(conc), func(b *testing.B) {
				c := unixClient(target.sock, conc)
				defer c.CloseIdleConnections()
				url := "http://docker/v1.41/containers/json"
				b.ReportAllocs()
				b.ResetTimer()
				var wg sync.WaitGroup
				next := make(chan struct{}, b.N)
				for range b.N {
					next <- struct{}{}
				}
				close(next)
				for range conc {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range next {
							getOK(b, c, url)
						}
					}()
				}
				wg.Wait()
			})
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
