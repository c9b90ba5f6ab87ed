package guardproxy

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dockguard/dockguard/internal/testdaemon/fakedaemon"
	"github.com/dockguard/dockguard/verify/endpoint"
)

// guardFor starts a guard on a loopback port in front of upstream (a
// tcp:// daemon URL) and returns it with its base URL.
func guardFor(t *testing.T, upstream string, cfg Config) (*Server, string) {
	t.Helper()
	tr, scheme, host, err := Upstream(endpoint.Endpoint{Host: upstream})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Transport: tr, Scheme: scheme, Host: host})
	if err != nil {
		t.Fatal(err)
	}
	ln, dh, err := Listen("tcp://127.0.0.1:0", false)
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
	return srv, "http://" + strings.TrimPrefix(dh, "tcp://")
}

type answer struct {
	code int
	msg  string
}

func call(t *testing.T, method, url string) answer {
	t.Helper()
	a, err := do(method, url)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// do is call for goroutines: it reports a transport error as code -1.
func do(method, url string) (answer, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return answer{code: -1}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{code: -1}, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	var body struct{ Message string }
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &body)
	return answer{resp.StatusCode, body.Message}, nil
}

// flaky is a TCP relay in front of a daemon that can be taken down (every
// connection, open or new, is dropped) and brought back: a daemon
// restarting.
type flaky struct {
	ln     net.Listener
	target string
	down   atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func startFlaky(t *testing.T, target string) *flaky {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &flaky{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if f.down.Load() {
				c.Close()
				continue
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, c, up)
			f.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); f.setDown(true) })
	return f
}

func (f *flaky) setDown(down bool) {
	f.down.Store(down)
	if down {
		f.mu.Lock()
		for _, c := range f.conns {
			c.Close()
		}
		f.conns = nil
		f.mu.Unlock()
	}
}

func (f *flaky) host() string { return "tcp://" + f.ln.Addr().String() }

// TestBreakerOnDroppedConnections: an upstream that drops every
// connection: reads are retried (3 attempts each) and then fail with 502;
// after 5 consecutive transport failures the breaker opens and writes get
// 503 at once, while reads still go to the daemon.
func TestBreakerOnDroppedConnections(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Faults: map[string]*fakedaemon.Fault{"*": {Drop: true}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{Backoff: time.Millisecond, BreakerCooldown: time.Hour})
	if a := call(t, "GET", base+"/v1.41/containers/json"); a.code != http.StatusBadGateway {
		t.Fatalf("read on a dropping daemon: %+v, want 502", a)
	}
	if n := fake.Count("containers/list"); n != 3 {
		t.Fatalf("the daemon saw %d attempts of the read, want 3 (retried)", n)
	}
	call(t, "GET", base+"/v1.41/containers/json")
	if st := srv.br.state(); st != "open" {
		t.Fatalf("breaker %s after 6 transport failures, want open", st)
	}
	before := len(fake.Writes())
	a := call(t, "POST", base+"/v1.41/containers/c1/stop")
	if a.code != http.StatusServiceUnavailable || !strings.Contains(a.msg, "writes are refused") {
		t.Fatalf("write with the breaker open: %+v, want 503 with a message", a)
	}
	if len(fake.Writes()) != before {
		t.Fatal("a write reached the daemon while the breaker was open")
	}
	reads := fake.Count("containers/list")
	call(t, "GET", base+"/v1.41/containers/json")
	if fake.Count("containers/list") != reads+3 {
		t.Fatal("reads must still pass (and be retried) while the breaker is open")
	}
	if srv.Totals().Refused["breaker-open"] != 1 {
		t.Fatalf("refusals: %v", srv.Totals().Refused)
	}
}

// TestBreakerRecoversAfterRestart: the daemon goes away mid-run (every
// connection dropped), the breaker opens, the daemon comes back, and
// after the cooldown one probe closes the breaker and writes flow again.
func TestBreakerRecoversAfterRestart(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Containers: []fakedaemon.Container{{ID: "c1", Name: "c1", State: "running"}}}).Start()
	defer fake.Close()
	relay := startFlaky(t, strings.TrimPrefix(fake.Host(), "tcp://"))
	srv, base := guardFor(t, relay.host(), Config{Backoff: time.Millisecond, BreakerCooldown: 300 * time.Millisecond, BreakerThreshold: 3})
	if a := call(t, "GET", base+"/v1.41/containers/json"); a.code != 200 {
		t.Fatalf("before the restart: %+v", a)
	}
	relay.setDown(true)
	call(t, "GET", base+"/v1.41/containers/json") // 3 failed attempts
	if a := call(t, "POST", base+"/v1.41/containers/c1/stop"); a.code != http.StatusServiceUnavailable {
		t.Fatalf("write while the daemon is down: %+v, want 503", a)
	}
	relay.setDown(false)
	// Still within the cooldown: refused without a probe.
	if a := call(t, "POST", base+"/v1.41/containers/c1/stop"); a.code != http.StatusServiceUnavailable {
		t.Fatalf("write within the cooldown: %+v, want 503", a)
	}
	time.Sleep(350 * time.Millisecond)
	if st := srv.br.state(); st != "half-open" {
		t.Fatalf("breaker %s after the cooldown, want half-open", st)
	}
	if a := call(t, "POST", base+"/v1.41/containers/c1/stop"); a.code != http.StatusNoContent {
		t.Fatalf("write after the cooldown with the daemon back: %+v, want the daemon's 204", a)
	}
	if st := srv.br.state(); st != "closed" {
		t.Fatalf("breaker %s after a good probe, want closed", st)
	}
}

// TestSlowUpstreamQueuesInOrder: with one write in flight on a slow
// daemon, writes wait in the queue and reach the daemon in their order of
// arrival; only the one past the queue bound gets 429.
func TestSlowUpstreamQueuesInOrder(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Faults: map[string]*fakedaemon.Fault{"*": {Delay: 200 * time.Millisecond}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{InFlight: 1, Queue: 3, Interval: -1})
	type res struct {
		i int
		a answer
	}
	results := make(chan res, 5)
	for i := range 4 {
		go func() {
			a, _ := do("POST", fmt.Sprintf("%s/v1.41/containers/c%d/stop", base, i))
			results <- res{i, a}
		}()
		// One in flight, then one more queued each time.
		waitFor(t, func() bool { w := srv.writes.stats(); return w.InFlight+w.Queued == i+1 })
	}
	if a := call(t, "POST", base+"/v1.41/containers/c9/stop"); a.code != http.StatusTooManyRequests || !strings.Contains(a.msg, "already waiting") {
		t.Fatalf("past the queue bound: %+v, want 429 with a message", a)
	}
	for range 4 {
		if r := <-results; r.a.code != http.StatusNotFound {
			t.Fatalf("queued write %d: %+v, want the daemon's 404", r.i, r.a)
		}
	}
	w := fake.Writes()
	if len(w) != 4 {
		t.Fatalf("the daemon saw %v", w)
	}
	for i, s := range w {
		if !strings.HasSuffix(s, fmt.Sprintf("/containers/c%d/stop", i)) {
			t.Fatalf("the daemon saw %v, want c0..c3 in their order of arrival", w)
		}
	}
	if p := fake.Peak(); p != 1 {
		t.Fatalf("daemon peak %d, want 1", p)
	}
}

// TestDisconnectWhileQueuedFreesSlot: a client that gives up while its
// request waits leaves the queue; its request never reaches the daemon,
// and the next one gets the slot.
func TestDisconnectWhileQueuedFreesSlot(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Faults: map[string]*fakedaemon.Fault{"*": {Delay: 300 * time.Millisecond, Times: 1}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{InFlight: 1, Interval: -1})
	go func() { _, _ = do("POST", base+"/v1.41/containers/first/stop") }()
	waitFor(t, func() bool { return srv.writes.stats().InFlight == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v1.41/containers/quitter/stop", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, func() bool { return srv.writes.stats().Queued == 1 })
	cancel()
	<-gone
	waitFor(t, func() bool { return srv.writes.stats().Queued == 0 })
	if a := call(t, "POST", base+"/v1.41/containers/next/stop"); a.code != http.StatusNotFound {
		t.Fatalf("the request after the quitter: %+v", a)
	}
	for _, w := range fake.Writes() {
		if strings.Contains(w, "quitter") {
			t.Fatalf("the request of a client that gave up reached the daemon: %v", fake.Writes())
		}
	}
	// The handler frees its slot just after the answer's last byte.
	waitFor(t, func() bool { s := srv.writes.stats(); return s.InFlight == 0 && s.Queued == 0 })
}

// TestBadInput: malformed HTTP, oversized headers and path traversal
// attempts are answered by the guard (400, 431) and never reach the
// daemon; the guard keeps serving.
func TestBadInput(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Containers: []fakedaemon.Container{{ID: "c1", Name: "c1", State: "running"}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{MaxHeaderBytes: 4096})
	addr := strings.TrimPrefix(base, "http://")
	raw := func(req string) string {
		t.Helper()
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = io.WriteString(c, req)
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	for name, tc := range map[string]struct{ req, want string }{
		"garbage":          {"\x16\x03\x01 not http at all\r\n\r\n", "400"},
		"no version":       {"GET /_ping\r\n\r\n", "400"},
		"bad header":       {"GET /_ping HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "400"},
		"oversized header": {"GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n", "431"},
		"dot-dot":          {"DELETE /v1.41/containers/../images/alpine?force=1 HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		"encoded slash":    {"DELETE /v1.41/containers/..%2F..%2Fimages%2Falpine?force=1 HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		"encoded dot":      {"DELETE /v1.41/containers/%2e%2e/c1?force=1 HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		"empty segment":    {"DELETE /v1.41/containers//c1?force=1 HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		"backslash":        {"DELETE /v1.41/containers/..\\c1 HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		"method":           {"TRACE /_ping HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
		"bad length":       {"POST /v1.41/containers/create HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", "400"},
	} {
		if got := raw(tc.req); !strings.Contains(got, " "+tc.want+" ") {
			t.Errorf("%s: guard answered %q, want %s", name, got, tc.want)
		}
	}
	if log := fake.Log(); len(log) != 0 {
		t.Fatalf("bad input reached the daemon: %v", log)
	}
	if a := call(t, "GET", base+"/_ping"); a.code != 200 {
		t.Fatalf("the guard stopped serving after bad input: %+v", a)
	}
	if srv.Totals().Refused["bad-request"] < 6 {
		t.Fatalf("refusals: %v", srv.Totals().Refused)
	}
}

// TestMetricsAndDeny: deny rules answer 403 before anything reaches the
// daemon, and the metrics page counts requests, refusals and the breaker
// state in the Prometheus text format.
func TestMetricsAndDeny(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41"}).Start()
	defer fake.Close()
	_, base := guardFor(t, fake.Host(), Config{Deny: []string{"POST /containers/*/exec"}})
	if a := call(t, "POST", base+"/v1.41/containers/c1/exec"); a.code != http.StatusForbidden || !strings.Contains(a.msg, "POST /containers/*/exec") {
		t.Fatalf("denied request: %+v", a)
	}
	call(t, "GET", base+"/v1.41/containers/json")
	if len(fake.Writes()) != 0 {
		t.Fatalf("a denied request reached the daemon: %v", fake.Writes())
	}
	resp, err := http.Get(base + MetricsPath)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`dockguard_guard_requests_total{kind="read"} 1`,
		`dockguard_guard_requests_total{kind="write"} 1`,
		`dockguard_guard_refused_total{reason="denied"} 1`,
		`dockguard_guard_breaker_state{state="closed"} 1`,
		`dockguard_guard_in_flight{gate="write"} 0`,
		`dockguard_guard_upstream_seconds_count{kind="read"} 1`,
		"# TYPE dockguard_guard_queue_wait_seconds histogram",
	} {
		if !strings.Contains(string(b), want+"\n") && !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q:\n%s", want, b)
		}
	}
}

// TestFetchTotals: report --guard-metrics reads back what the guard
// counted, from its metrics page.
func TestFetchTotals(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Containers: []fakedaemon.Container{{ID: "r1", Name: "r1", State: "running"}}}).Start()
	defer fake.Close()
	_, base := guardFor(t, fake.Host(), Config{Interval: -1, Deny: []string{"POST /containers/*/exec"}})
	call(t, "GET", base+"/v1.41/containers/json")
	call(t, "DELETE", base+"/v1.41/containers/r1?force=1")
	call(t, "POST", base+"/v1.41/containers/r1/exec")
	got, err := FetchTotals(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	if got.Requests["read"] != 1 || got.Requests["write"] != 2 || got.Rewrites[RewriteStopFirst] != 1 || got.Refused["denied"] != 1 || got.PeakWriteInFlight != 1 {
		t.Fatalf("totals %+v", got)
	}
	if _, err := FetchTotals(context.Background(), "ftp://x"); err == nil {
		t.Fatal("an ftp URL was accepted")
	}
	if _, err := ParseTotals(strings.NewReader("some_other_metric 1\n")); err == nil {
		t.Fatal("a page that is not a guard's was accepted")
	}
}

// TestPingFailingWhileQueuedOpensBreaker: writes queued behind a daemon
// that stopped answering, whose /_ping fails too: the health probe opens
// the breaker, and new writes get 503 instead of joining the queue.
func TestPingFailingWhileQueuedOpensBreaker(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Faults: map[string]*fakedaemon.Fault{
		"*": {Delay: 6 * time.Second}, "ping": {Drop: true}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{InFlight: 1, Interval: -1, BreakerCooldown: time.Hour})
	for i := range 2 {
		go func() { _, _ = do("POST", fmt.Sprintf("%s/v1.41/containers/w%d/stop", base, i)) }()
	}
	waitFor(t, func() bool { return srv.writes.stats().Queued == 1 })
	deadline := time.Now().Add(5 * time.Second)
	for srv.br.state() != "open" {
		if time.Now().After(deadline) {
			t.Fatal("the breaker did not open while writes waited on a daemon whose ping fails")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if a := call(t, "POST", base+"/v1.41/containers/w9/stop"); a.code != http.StatusServiceUnavailable || !strings.Contains(a.msg, "_ping") {
		t.Fatalf("a new write with the breaker open: %+v, want 503 naming the failed ping", a)
	}
}

// TestReadRetriedOn503: a read answered 503 twice is retried and gets the
// third answer; a write answered 503 is not retried.
func TestReadRetriedOn503(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Faults: map[string]*fakedaemon.Fault{
		"containers/list": {Status: 503, Times: 2}, "*": {Status: 503, Times: 1}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{Backoff: time.Millisecond, Interval: -1})
	if a := call(t, "GET", base+"/v1.41/containers/json"); a.code != 200 {
		t.Fatalf("read after two 503s: %+v, want 200 on the third try", a)
	}
	if n := fake.Count("containers/list"); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
	if a := call(t, "POST", base+"/v1.41/containers/x/stop"); a.code != 503 {
		t.Fatalf("write answered 503: %+v, want the 503 passed through", a)
	}
	if n := len(fake.Writes()); n != 1 {
		t.Fatalf("the write was sent %d times, want once", n)
	}
	if srv.Totals().Retries != 2 {
		t.Fatalf("retries %d, want 2", srv.Totals().Retries)
	}
}

// TestClientCancelReachesDaemon: a client that goes away mid-request
// ends the upstream request too: the guard frees the slot at once instead
// of waiting for the slow daemon's answer.
func TestClientCancelReachesDaemon(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Faults: map[string]*fakedaemon.Fault{"containers/list": {Delay: 30 * time.Second}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1.41/containers/json", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, func() bool { return fake.Count("containers/list") == 1 })
	begin := time.Now()
	cancel()
	<-done
	waitFor(t, func() bool { return srv.reads.stats().InFlight == 0 })
	if d := time.Since(begin); d > 10*time.Second {
		t.Fatalf("the read slot was held %s after the client left", d)
	}
}
