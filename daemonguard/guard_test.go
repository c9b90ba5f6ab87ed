package daemonguard

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func ok(body string) *http.Response {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{}}
}

func status(code int) *http.Response {
	return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(`{"message":"x"}`)), Header: http.Header{}}
}

func get(t *testing.T, tr http.RoundTripper, path string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://docker"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tr.RoundTrip(req)
}

func closeResp(resp *http.Response) {
	if resp != nil {
		resp.Body.Close()
	}
}

func fast(c Config) Config {
	c.Backoff = time.Microsecond
	c.Rate = 1e6
	c.Burst = 1000
	return c
}

func TestReadOnly(t *testing.T) {
	var called atomic.Int32
	tr := New(rtFunc(func(*http.Request) (*http.Response, error) { called.Add(1); return ok(""), nil }), Config{})
	for _, m := range []string{http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch} {
		req, _ := http.NewRequest(m, "http://docker/v1.41/containers/x/kill", strings.NewReader("{}"))
		resp, err := tr.RoundTrip(req)
		closeResp(resp)
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s: err = %v, want ErrReadOnly", m, err)
		}
	}
	if called.Load() != 0 {
		t.Error("a write reached the daemon")
	}
	req, _ := http.NewRequest(http.MethodHead, "http://docker/_ping", nil)
	if resp, err := tr.RoundTrip(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
}

func TestInFlightCap(t *testing.T) {
	var cur, peak atomic.Int32
	base := rtFunc(func(*http.Request) (*http.Response, error) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		return ok("{}"), nil
	})
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base(r)
		// The slot is held until the body is closed, so count down there.
		resp.Body = closeHook{resp.Body, func() { cur.Add(-1) }}
		return resp, err
	}), fast(Config{MaxInFlight: 3}))
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := get(t, tr, "/v1.41/containers/abc/json")
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > 3 {
		t.Errorf("peak in flight %d > 3", p)
	}
	if s := tr.Stats(); s.PeakInFlight > 3 || s.Attempts != 50 || s.ByEndpoint["containers/inspect"] != 50 {
		t.Errorf("stats %+v", s)
	}
}

type closeHook struct {
	io.ReadCloser
	f func()
}

func (c closeHook) Close() error { c.f(); return c.ReadCloser.Close() }

func TestRetriesTransientOnly(t *testing.T) {
	tests := []struct {
		name     string
		answers  []int // status per attempt; 0 = transport error
		tries    int
		attempts int
		status   int
	}{
		{"500 then ok", []int{500, 200}, 3, 2, 200},
		{"three 503s", []int{503, 503, 503, 503}, 3, 3, 503},
		{"404 not retried", []int{404, 200}, 3, 1, 404},
		{"400 not retried", []int{400, 200}, 3, 1, 400},
		{"409 not retried", []int{409, 200}, 3, 1, 409},
		{"reset before the request was written, then ok", []int{0, 200}, 3, 2, 200},
		{"one try", []int{500, 200}, 1, 1, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n int
			tr := New(rtFunc(func(*http.Request) (*http.Response, error) {
				code := tt.answers[n]
				n++
				if code == 0 {
					return nil, errors.New("connection reset by peer")
				}
				return status(code), nil
			}), fast(Config{Tries: tt.tries, BreakerThreshold: 100}))
			resp, err := get(t, tr, "/v1.41/info")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if n != tt.attempts || resp.StatusCode != tt.status {
				t.Errorf("attempts %d status %d, want %d and %d", n, resp.StatusCode, tt.attempts, tt.status)
			}
		})
	}
}

// wrote tells the transport's trace that the whole request left, as
// net/http does once it has flushed the request to the connection.
func wrote(r *http.Request) {
	if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.WroteRequest != nil {
		tr.WroteRequest(httptrace.WroteRequestInfo{})
	}
}

func TestNoRetryOnceTheRequestLeft(t *testing.T) {
	var n atomic.Int32
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		wrote(r)
		return nil, errors.New("connection reset by peer")
	}), fast(Config{Tries: 3, BreakerThreshold: 100}))
	resp, err := get(t, tr, "/v1.41/containers/abc/json")
	closeResp(resp)
	if err == nil || n.Load() != 1 {
		t.Errorf("err %v after %d attempts; the daemon may be working on the first, so want 1", err, n.Load())
	}
}

// TestTimedOutAttemptKeepsItsSlot: with one slot, a request whose first
// attempt passed its deadline must wait until the daemon has answered that
// attempt, not only until the caller stopped waiting.
func TestTimedOutAttemptKeepsItsSlot(t *testing.T) {
	var cur, peak atomic.Int32
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		wrote(r)
		c := cur.Add(1)
		defer cur.Add(-1)
		if c > peak.Load() {
			peak.Store(c)
		}
		if strings.Contains(r.URL.Path, "slow") {
			// A daemon that finishes what it started, whatever the client does.
			time.Sleep(150 * time.Millisecond)
		}
		return ok("{}"), nil
	}), fast(Config{MaxInFlight: 1, Timeout: 30 * time.Millisecond, Grace: time.Second}))
	start := time.Now()
	resp, err := get(t, tr, "/v1.41/slow/json")
	closeResp(resp)
	if err == nil || !strings.Contains(err.Error(), "no answer within 30ms") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if s := tr.Stats(); s.Attempts != 1 {
		t.Errorf("a timed-out attempt was retried: %+v", s)
	}
	resp, err = get(t, tr, "/v1.41/info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if p := peak.Load(); p != 1 {
		t.Errorf("%d requests at the daemon at once with a cap of 1", p)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("the next request went out after %s, before the daemon answered the first", d)
	}
}

// TestGraceEndsTheAttempt: a daemon that never answers gets its connection
// closed after Timeout+Grace, and the slot comes back.
func TestGraceEndsTheAttempt(t *testing.T) {
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		wrote(r)
		if strings.Contains(r.URL.Path, "hang") {
			<-r.Context().Done()
			return nil, context.Cause(r.Context())
		}
		return ok("{}"), nil
	}), fast(Config{MaxInFlight: 1, Timeout: 20 * time.Millisecond, Grace: 30 * time.Millisecond}))
	resp, err := get(t, tr, "/v1.41/hang/json")
	closeResp(resp)
	if err == nil {
		t.Fatal("no error from a hanging daemon")
	}
	start := time.Now()
	resp, err = get(t, tr, "/v1.41/info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the slot came back after %s", d)
	}
}

func TestBreakerOpensAfterConsecutiveFailures(t *testing.T) {
	var n atomic.Int32
	tr := New(rtFunc(func(*http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, errors.New("dial unix: connection refused")
	}), fast(Config{Tries: 3, BreakerThreshold: 5}))
	for range 5 {
		resp, _ := get(t, tr, "/v1.41/info")
		closeResp(resp)
	}
	if n.Load() != 5 {
		t.Errorf("%d attempts reached the daemon, want 5 then the breaker", n.Load())
	}
	resp, err := get(t, tr, "/v1.41/info")
	closeResp(resp)
	if !errors.Is(err, ErrBreakerOpen) || !tr.BreakerOpen() {
		t.Errorf("err = %v, want ErrBreakerOpen", err)
	}
}

func TestSuccessResetsTheBreaker(t *testing.T) {
	var n int
	tr := New(rtFunc(func(*http.Request) (*http.Response, error) {
		n++
		if n%4 == 0 {
			return ok(""), nil
		}
		return status(502), nil
	}), fast(Config{Tries: 1, BreakerThreshold: 4}))
	for range 20 {
		resp, err := get(t, tr, "/v1.41/info")
		if err != nil {
			t.Fatalf("breaker opened despite successes: %v", err)
		}
		resp.Body.Close()
	}
}

func TestDeadlinePerAttempt(t *testing.T) {
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}), fast(Config{Timeout: 20 * time.Millisecond, Tries: 1}))
	resp, err := get(t, tr, "/v1.41/info")
	closeResp(resp)
	if err == nil || !strings.Contains(err.Error(), "no answer within 20ms") {
		t.Errorf("err = %v", err)
	}
	// WithTimeout overrides the deadline for one request.
	var got time.Duration
	tr = New(rtFunc(func(r *http.Request) (*http.Response, error) {
		dl, _ := r.Context().Deadline()
		got = time.Until(dl)
		return ok(""), nil
	}), Config{})
	req, _ := http.NewRequestWithContext(WithTimeout(context.Background(), time.Minute), http.MethodGet, "http://docker/v1.41/system/df", nil)
	resp, err = tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got < 50*time.Second {
		t.Errorf("deadline %s, want about a minute", got)
	}
}

func TestCallerCancelIsNotAFailure(t *testing.T) {
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}), fast(Config{BreakerThreshold: 1}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/v1.41/info", nil)
	resp, _ := tr.RoundTrip(req)
	closeResp(resp)
	if tr.BreakerOpen() {
		t.Error("a cancelled caller opened the breaker")
	}
}

func TestClassify(t *testing.T) {
	for in, want := range map[string]string{
		"/_ping":                          "ping",
		"/v1.41/_ping":                    "ping",
		"/v1.41/info":                     "info",
		"/v1.52/containers/json":          "containers/list",
		"/v1.52/containers/0123abc/json":  "containers/inspect",
		"/v1.41/containers/0123abc/stats": "containers/stats",
		"/v1.41/system/df":                "system/df",
		"/v1.41/volumes":                  "volumes/list",
		"/v1.41/containers/0123abc/logs":  "containers/0123abc",
		"/v1.41/images/json":              "images/json",
	} {
		if got := Classify(in); got != want {
			t.Errorf("Classify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWritePolicy(t *testing.T) {
	var called atomic.Int32
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		called.Add(1)
		return ok("{}"), nil
	}), fast(Config{Writes: true}))
	for _, tt := range []struct {
		method, path string
		refused      error
	}{
		{http.MethodDelete, "/v1.41/containers/abc?force=1", ErrForce},
		{http.MethodDelete, "/v1.41/containers/abc?force=true", ErrForce},
		{http.MethodDelete, "/v1.41/volumes/v?force=True", ErrForce},
		{http.MethodDelete, "/v1.41/containers/abc?force=0", nil},
		{http.MethodDelete, "/v1.41/containers/abc", nil},
		{http.MethodPost, "/v1.41/containers/abc/stop?t=10", nil},
		{http.MethodPut, "/v1.41/containers/abc/archive", nil},
	} {
		before := called.Load()
		req, _ := http.NewRequest(tt.method, "http://docker"+tt.path, nil)
		resp, err := tr.RoundTrip(req)
		closeResp(resp)
		switch {
		case tt.refused != nil && !errors.Is(err, tt.refused):
			t.Errorf("%s %s: err %v, want %v", tt.method, tt.path, err, tt.refused)
		case tt.method == http.MethodPut && err == nil:
			t.Errorf("PUT went through")
		case tt.refused == nil && tt.method != http.MethodPut && err != nil:
			t.Errorf("%s %s: %v", tt.method, tt.path, err)
		}
		if sent := called.Load() > before; sent != (err == nil) {
			t.Errorf("%s %s: sent %v with err %v", tt.method, tt.path, sent, err)
		}
	}
	if s := tr.Stats(); s.ByEndpoint["containers/remove"] != 2 || s.ByEndpoint["containers/stop"] != 1 {
		t.Errorf("classes %v", s.ByEndpoint)
	}
}

func TestWriteInterval(t *testing.T) {
	var mu sync.Mutex
	var starts []time.Time
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		if r.Method != http.MethodGet {
			starts = append(starts, time.Now())
		}
		mu.Unlock()
		return ok("{}"), nil
	}), fast(Config{Writes: true, WriteInterval: 40 * time.Millisecond}))
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			method := http.MethodDelete
			if i%2 == 0 {
				method = http.MethodGet // reads are not paced
			}
			req, _ := http.NewRequest(method, "http://docker/v1.41/containers/c", nil)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Error(err)
			}
			closeResp(resp)
		}()
	}
	wg.Wait()
	if len(starts) != 3 {
		t.Fatalf("%d writes", len(starts))
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	for i := 1; i < len(starts); i++ {
		// The base sees a start a goroutine hop after the guard let it
		// go; allow that much.
		if d := starts[i].Sub(starts[i-1]); d < 38*time.Millisecond {
			t.Errorf("writes %d and %d started %s apart", i-1, i, d)
		}
	}
}

// trickle is a body that yields one byte every 10 ms until its request's
// context ends, as a daemon that is answering too slowly does.
type trickle struct{ ctx context.Context }

func (b trickle) Read(p []byte) (int, error) {
	select {
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	case <-time.After(10 * time.Millisecond):
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = ' '
	return 1, nil
}

func (trickle) Close() error { return nil }

// TestBodyReadTimeoutIsAFailure: the headers came in time but the body
// did not; that counts for the breaker, so that a daemon trickling every
// body stops being asked.
func TestBodyReadTimeoutIsAFailure(t *testing.T) {
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		wrote(r)
		return &http.Response{StatusCode: 200, Body: trickle{r.Context()}, Header: http.Header{}}, nil
	}), fast(Config{Timeout: 50 * time.Millisecond, BreakerThreshold: 2}))
	for i := range 2 {
		resp, err := get(t, tr, "/v1.41/containers/a/json")
		if err != nil {
			t.Fatalf("headers: %v", err)
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil || !strings.Contains(err.Error(), "reading the answer: no answer within") || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("read %d: err = %v", i, err)
		}
	}
	if s := tr.Stats(); s.BodyFailures != 2 || s.Failures != 2 || !s.BreakerOpen || s.Attempts != 2 {
		t.Errorf("two timed-out bodies: %+v; want 2 failures and the breaker open (threshold 2)", s)
	}
	resp, err := get(t, tr, "/v1.41/info")
	closeResp(resp)
	if !errors.Is(err, ErrBreakerOpen) || !strings.Contains(err.Error(), "reading the answer") {
		t.Errorf("after two trickled bodies: %v", err)
	}
}

// TestCallerClosingTheBodyIsNotAFailure: a reader that stops early (it
// had enough) or a caller that gives up is not the daemon's fault.
func TestCallerClosingTheBodyIsNotAFailure(t *testing.T) {
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: trickle{r.Context()}, Header: http.Header{}}, nil
	}), fast(Config{Timeout: time.Second, BreakerThreshold: 1}))
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/v1.41/info", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	if _, err := resp.Body.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if s := tr.Stats(); s.Failures != 0 || s.BreakerOpen {
		t.Errorf("a caller that gave up counted as a failure: %+v", s)
	}
}

// TestSlowPing: a ping answered after SlowPing is a breaker failure and
// halves the rate, down to MinRate; a prompt answer resets the run of
// failures as any success does.
func TestSlowPing(t *testing.T) {
	var delay atomic.Int64
	delay.Store(int64(30 * time.Millisecond))
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		wrote(r)
		if strings.HasSuffix(r.URL.Path, "/_ping") {
			time.Sleep(time.Duration(delay.Load()))
		}
		return ok("OK"), nil
	}), Config{Rate: 3, Burst: 100, SlowPing: 10 * time.Millisecond, BreakerThreshold: 3})
	ping := func() {
		t.Helper()
		resp, err := get(t, tr, "/_ping")
		if err != nil {
			t.Fatalf("a slow ping is still an answer: %v", err)
		}
		resp.Body.Close()
	}
	ping()
	if s := tr.Stats(); s.SlowPings != 1 || s.Failures != 1 || s.Rate != 1.5 || s.BreakerOpen {
		t.Errorf("one slow ping: %+v; want 1 failure and the rate halved to 1.5", s)
	}
	ping()
	if s := tr.Stats(); s.Rate != MinRate {
		t.Errorf("rate %v after two slow pings, want the floor %v", s.Rate, MinRate)
	}
	delay.Store(0)
	ping() // prompt: resets the run
	delay.Store(int64(30 * time.Millisecond))
	ping()
	ping()
	if tr.BreakerOpen() {
		t.Error("the breaker opened although a prompt answer came between the slow pings")
	}
	ping()
	if !tr.BreakerOpen() {
		t.Errorf("three slow pings in a row did not open the breaker (threshold 3): %+v", tr.Stats())
	}
	// Only pings are timed against SlowPing: a slow inspect is not news.
	tr2 := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		time.Sleep(30 * time.Millisecond)
		return ok("{}"), nil
	}), fast(Config{SlowPing: 10 * time.Millisecond}))
	resp, err := get(t, tr2, "/v1.41/containers/a/json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s := tr2.Stats(); s.Failures != 0 || s.SlowPings != 0 {
		t.Errorf("a slow inspect counted as a slow ping: %+v", s)
	}
}

// TestRateWaitEndsAtTheDeadline: a request whose turn comes after the
// caller's deadline waits until the deadline and fails with it, as a
// request cut short by the deadline; rate.Limiter.Wait failed it at once
// with an error of its own, which verify then reported as an API error.
func TestRateWaitEndsAtTheDeadline(t *testing.T) {
	var n atomic.Int32
	tr := New(rtFunc(func(*http.Request) (*http.Response, error) {
		n.Add(1)
		return ok("{}"), nil
	}), Config{Rate: 1, Burst: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for i := range 2 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/v1.41/info", nil)
		resp, err := tr.RoundTrip(req)
		closeResp(resp)
		switch {
		case i == 0 && err != nil:
			t.Fatal(err)
		case i == 1 && (!errors.Is(err, context.DeadlineExceeded) || ctx.Err() == nil):
			t.Errorf("second request: err %v, ctx %v; want it to end with the deadline", err, ctx.Err())
		}
	}
	if n.Load() != 1 || tr.BreakerOpen() {
		t.Errorf("%d requests sent, breaker %v", n.Load(), tr.BreakerOpen())
	}
}

// TestStartGate closes the gate while one write is on the wire and two wait
// for their turn: the one sent finishes, the waiting ones never start, and
// nothing counts against the breaker.
func TestStartGate(t *testing.T) {
	release := make(chan struct{})
	var sent atomic.Int32
	tr := New(rtFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		<-release
		return ok("{}"), nil
	}), fast(Config{Writes: true, WriteInterval: time.Hour, BreakerThreshold: 1}))
	gate := make(chan struct{})
	ctx := WithStartGate(context.Background(), gate)
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, "http://docker/v1.41/containers/c", nil)
			resp, err := tr.RoundTrip(req)
			closeResp(resp)
			errs <- err
		}()
	}
	for sent.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	var notStarted int
	for range 2 {
		if err := <-errs; !errors.Is(err, ErrNotStarted) {
			t.Errorf("a waiting write: %v, want ErrNotStarted", err)
		} else {
			notStarted++
		}
	}
	close(release)
	if err := <-errs; err != nil {
		t.Errorf("the write on the wire: %v", err)
	}
	if sent.Load() != 1 || notStarted != 2 || tr.BreakerOpen() {
		t.Errorf("sent %d, not started %d, breaker %v", sent.Load(), notStarted, tr.BreakerOpen())
	}
}
