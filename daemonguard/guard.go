// Package daemonguard wraps an http.RoundTripper so that dockguard can never
// become the API storm it warns about: a cap on requests in flight, a rate
// limit, a deadline on every request, bounded retries with jittered
// exponential backoff on transient errors only, a circuit breaker, and a
// read-only policy (only GET and HEAD leave the process).
//
// It is its own package because every part of dockguard that talks to a
// daemon (verify, cleanup, the guard proxy) goes through it: its in-flight
// count is meant to be the daemon's in-flight count.
//
// It also counts the calls it lets through, by endpoint, so that the
// API-call budget can be reported and tested.
package daemonguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Config sets the protection limits. The zero value of a field means its
// default (see Defaults).
type Config struct {
	// MaxInFlight caps the requests being processed by the daemon at once.
	MaxInFlight int
	// Rate is the sustained request rate in requests per second, Burst the
	// number that may be sent back to back.
	Rate  float64
	Burst int
	// Timeout is the deadline of one attempt, including reading the body.
	// WithTimeout overrides it for one request.
	Timeout time.Duration
	// Grace is how much longer an attempt that passed its deadline keeps
	// its in-flight slot while the daemon may still be working on it; then
	// its connection is closed. Default: Timeout.
	Grace time.Duration
	// Tries is the number of attempts for a transient failure (1 = no retry).
	Tries int
	// Backoff is the base delay before the first retry; it doubles for each
	// further retry and is jittered by ±50 %.
	Backoff time.Duration
	// BreakerThreshold is the number of consecutive transport failures
	// after which every further request fails at once with ErrBreakerOpen.
	BreakerThreshold int
	// Writes lets POST and DELETE through (dockguard cleanup); without it
	// the transport is read-only. A DELETE with force=1 or force=true is
	// refused even then.
	Writes bool
	// WriteInterval is the least time between the starts of two write
	// attempts (retries included). Unlike the other fields, zero means
	// none: `cleanup --interval 0`.
	WriteInterval time.Duration
	// SlowPing is how long a ping may take to be answered. A slower one
	// counts as a breaker failure, although it was answered, and halves
	// the request rate: a daemon that needs seconds for /_ping is
	// overloaded, and the calls that follow must not add to it.
	SlowPing time.Duration
}

// MinRate is the floor of the rate halvings after slow pings, in requests
// per second, so that a run can still end (its deadline ends it anyway).
const MinRate = 1.0

// Defaults returns the default limits: 3 in flight, 50 requests/s with a
// burst of 10, 10 s per request, 3 tries from 100 ms, breaker after 5,
// a ping slower than 2 s counted as a failure.
func Defaults() Config {
	return Config{MaxInFlight: 3, Rate: 50, Burst: 10, Timeout: 10 * time.Second,
		Tries: 3, Backoff: 100 * time.Millisecond, BreakerThreshold: 5, SlowPing: 2 * time.Second}
}

func (c Config) withDefaults() Config {
	d := Defaults()
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = d.MaxInFlight
	}
	if c.Rate <= 0 {
		c.Rate = d.Rate
	}
	if c.Burst <= 0 {
		c.Burst = d.Burst
	}
	if c.Timeout <= 0 {
		c.Timeout = d.Timeout
	}
	if c.Grace <= 0 {
		c.Grace = c.Timeout
	}
	if c.Tries <= 0 {
		c.Tries = d.Tries
	}
	if c.Backoff <= 0 {
		c.Backoff = d.Backoff
	}
	if c.BreakerThreshold <= 0 {
		c.BreakerThreshold = d.BreakerThreshold
	}
	if c.SlowPing <= 0 {
		c.SlowPing = d.SlowPing
	}
	return c
}

// ErrBreakerOpen is returned for every request once the circuit breaker has
// opened.
var ErrBreakerOpen = errors.New("circuit breaker open: too many consecutive transport failures, no further calls are made to the daemon")

// ErrReadOnly is returned for a request whose method is not GET or HEAD.
var ErrReadOnly = errors.New("refused: dockguard only reads from the daemon (GET and HEAD)")

// ErrForce is returned for a DELETE that asks for force: dockguard never
// force-removes anything, which is the storm it warns about.
var ErrForce = errors.New("refused: dockguard never sends force=1 on a DELETE")

// ErrNotStarted is returned for a request whose start gate (WithStartGate)
// closed while it still waited for its turn: it never reached the daemon.
var ErrNotStarted = errors.New("not started: stopped while waiting for its turn")

type timeoutKey struct{}

type gateKey struct{}

// WithStartGate returns a context whose requests are not started once gate
// is closed. A request still waiting for its turn (the rate, the in-flight
// cap, the write interval) when gate closes returns ErrNotStarted; one
// whose first attempt has started runs to its end, retries included. That
// is Ctrl-C in cleanup: nothing new starts, what the daemon is working on
// finishes.
func WithStartGate(ctx context.Context, gate <-chan struct{}) context.Context {
	return context.WithValue(ctx, gateKey{}, gate)
}

// WithTimeout returns a context whose requests get deadline d per attempt
// instead of Config.Timeout; /system/df uses it for its longer deadline.
func WithTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, timeoutKey{}, d)
}

// Stats is a snapshot of what the transport did.
type Stats struct {
	// Requests counts logical requests (each may take several attempts).
	Requests int `json:"requests"`
	// Attempts counts what was actually sent to the daemon.
	Attempts int `json:"attempts"`
	// Retries = Attempts - first attempts.
	Retries int `json:"retries"`
	// Failures counts attempts that ended in a transport error or a 5xx,
	// bodies whose reading failed (a timeout while the daemon trickled
	// it), and slow pings.
	Failures int `json:"failures"`
	// BodyFailures counts the bodies whose reading failed.
	BodyFailures int `json:"bodyFailures"`
	// SlowPings counts pings answered after Config.SlowPing.
	SlowPings int `json:"slowPings"`
	// Rate is the request rate in force at the end, in requests per
	// second: Config.Rate, halved after each slow ping.
	Rate float64 `json:"rate"`
	// PeakInFlight is the highest number of attempts in flight at once.
	PeakInFlight int `json:"peakInFlight"`
	// BreakerOpen reports whether the circuit breaker opened.
	BreakerOpen bool `json:"breakerOpen"`
	// ByEndpoint counts attempts per endpoint class ("containers/inspect",
	// "system/df", ...).
	ByEndpoint map[string]int `json:"byEndpoint"`
	// Methods counts attempts per HTTP method.
	Methods map[string]int `json:"methods"`
}

// Transport is the protective http.RoundTripper. Create it with New.
type Transport struct {
	base    http.RoundTripper
	cfg     Config
	sem     chan struct{}
	limiter *rate.Limiter

	mu          sync.Mutex
	stats       Stats
	inFlight    int
	consecutive int
	open        bool
	// lastFailure describes the most recent failed attempt, so that the
	// breaker's error still names the cause.
	lastFailure string
	// nextWrite is the earliest start of the next write attempt, and
	// writeTurn is held by the write being sent.
	nextWrite time.Time
	writeTurn chan struct{}
	sleep     func(context.Context, time.Duration) error
}

// New wraps base with the limits in cfg.
func New(base http.RoundTripper, cfg Config) *Transport {
	cfg = cfg.withDefaults()
	return &Transport{
		base:      base,
		cfg:       cfg,
		sem:       make(chan struct{}, cfg.MaxInFlight),
		writeTurn: make(chan struct{}, 1),
		limiter:   rate.NewLimiter(rate.Limit(cfg.Rate), cfg.Burst),
		stats:     Stats{ByEndpoint: map[string]int{}, Methods: map[string]int{}},
		sleep:     sleepCtx,
	}
}

// Config returns the effective limits.
func (t *Transport) Config() Config { return t.cfg }

// Stats returns a copy of the counters.
func (t *Transport) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.ByEndpoint = make(map[string]int, len(t.stats.ByEndpoint))
	for k, v := range t.stats.ByEndpoint {
		s.ByEndpoint[k] = v
	}
	s.Methods = make(map[string]int, len(t.stats.Methods))
	for k, v := range t.stats.Methods {
		s.Methods[k] = v
	}
	s.BreakerOpen = t.open
	s.Rate = float64(t.limiter.Limit())
	return s
}

// BreakerOpen reports whether the circuit breaker has opened.
func (t *Transport) BreakerOpen() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.allowed(req); err != nil {
		closeBody(req)
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	t.mu.Lock()
	t.stats.Requests++
	t.mu.Unlock()
	parent := req.Context()
	timeout := t.cfg.Timeout
	if d, ok := parent.Value(timeoutKey{}).(time.Duration); ok && d > 0 {
		timeout = d
	}
	// wait bounds the waits before the first attempt: the start gate
	// may end them, never an attempt that has started.
	wait := parent
	if gate, ok := parent.Value(gateKey{}).(<-chan struct{}); ok && gate != nil {
		gated, cancelWait := context.WithCancelCause(parent)
		defer cancelWait(nil)
		go func() {
			select {
			case <-gate:
				cancelWait(ErrNotStarted)
			case <-gated.Done():
			}
		}()
		wait = gated
	}
	var lastErr error
	for try := 1; ; try++ {
		if try > 1 {
			wait = parent
		}
		if t.BreakerOpen() {
			t.mu.Lock()
			last := t.lastFailure
			t.mu.Unlock()
			return nil, fmt.Errorf("%s %s: %w; last failure: %s", req.Method, req.URL.Path, ErrBreakerOpen, last)
		}
		if try > 1 {
			if err := t.sleep(parent, t.backoff(try-1)); err != nil {
				return nil, lastErrOr(lastErr, err)
			}
		}
		if err := t.waitTurn(wait); err != nil {
			if errors.Is(context.Cause(wait), ErrNotStarted) {
				return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ErrNotStarted)
			}
			return nil, lastErrOr(lastErr, err)
		}
		resp, retryable, took, err := t.attempt(req, wait, parent, timeout)
		if errors.Is(err, ErrNotStarted) {
			return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
		}
		failed := err != nil || resp.StatusCode >= 500
		if err != nil && parent.Err() != nil {
			// The caller gave up; that is not the daemon's fault.
			return nil, err
		}
		switch {
		case err != nil:
			t.record(true, err.Error())
		case failed:
			t.record(true, fmt.Sprintf("HTTP %d", resp.StatusCode))
		case Classify(req.URL.Path) == "ping" && took > t.cfg.SlowPing:
			// Answered, so not retried; but the daemon is struggling.
			t.slowPing(took)
		default:
			// A success counts once its body has been read: a daemon that
			// sends headers promptly and then trickles the body has not
			// succeeded, and must still open the breaker.
			if rb, ok := resp.Body.(*releaseBody); ok {
				rb.onSuccess(func() { t.record(false, "") })
			} else {
				t.record(false, "")
			}
		}
		// A 5xx is an answer, so the daemon is done with the request; a
		// transport error is retried only when the request never fully
		// left, because the daemon may still be working on one that did.
		if !failed || (err != nil && !retryable) || try >= t.cfg.Tries {
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			lastErr = fmt.Errorf("%s %s: HTTP %d", req.Method, req.URL.Path, resp.StatusCode)
		} else {
			lastErr = err
		}
	}
}

// allowed is the write policy: reads always, POST and DELETE only with
// Config.Writes, and never a forced DELETE.
func (t *Transport) allowed(req *http.Request) error {
	switch req.Method {
	case http.MethodGet, http.MethodHead:
		return nil
	case http.MethodPost, http.MethodDelete:
		if !t.cfg.Writes {
			return ErrReadOnly
		}
		if req.Method == http.MethodDelete {
			switch strings.ToLower(req.URL.Query().Get("force")) {
			case "", "0", "false":
			default:
				return ErrForce
			}
		}
		return nil
	}
	if t.cfg.Writes {
		return fmt.Errorf("refused: method %s is not one dockguard sends", req.Method)
	}
	return ErrReadOnly
}

// IsWrite reports whether a request changes the daemon.
func IsWrite(method string) bool { return method != http.MethodGet && method != http.MethodHead }

// waitWriteTurn spaces write attempts by WriteInterval, measured where the
// daemon sees them: from the moment the previous write was on the wire
// (written, or failed) to the start of this one. It returns the function
// that ends this write's turn; until then the next write waits.
func (t *Transport) waitWriteTurn(ctx context.Context) (func(), error) {
	if t.cfg.WriteInterval <= 0 {
		return func() {}, nil
	}
	select {
	case t.writeTurn <- struct{}{}:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	t.mu.Lock()
	wait := time.Until(t.nextWrite)
	t.mu.Unlock()
	if wait > 0 {
		if err := t.sleep(ctx, wait); err != nil {
			<-t.writeTurn
			if c := context.Cause(ctx); errors.Is(c, ErrNotStarted) {
				return nil, c
			}
			return nil, err
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			t.nextWrite = time.Now().Add(t.cfg.WriteInterval)
			t.mu.Unlock()
			<-t.writeTurn
		})
	}, nil
}

func lastErrOr(last, err error) error {
	if last != nil {
		return fmt.Errorf("%w (gave up retrying: %w)", last, err)
	}
	return err
}

// deadlineError is the cause given to an attempt's context when its deadline
// passes while the body is being read; it wraps context.DeadlineExceeded so
// that callers can still test for a timeout.
type deadlineError struct{ timeout time.Duration }

func (e deadlineError) Error() string { return fmt.Sprintf("no answer within %s", e.timeout) }
func (e deadlineError) Unwrap() error { return context.DeadlineExceeded }

// attempt sends one try. It holds a slot of the in-flight cap for as long as
// the daemon may be working on the request, not just as long as the caller
// waits: until the response body is closed, or, when the caller's deadline
// passes first, until the daemon answers or Grace more has passed and the
// connection is closed. Otherwise a retry, or the next request, would be
// sent while the daemon still serves the first, and the cap would count
// the client's patience instead of the daemon's load.
//
// retryable reports that the attempt failed before the request was
// completely written, so the daemon cannot have started on it.
func (t *Transport) attempt(req *http.Request, wait, parent context.Context, timeout time.Duration) (resp *http.Response, retryable bool, took time.Duration, err error) {
	select {
	case t.sem <- struct{}{}:
	case <-wait.Done():
		return nil, false, 0, context.Cause(wait)
	}
	t.mu.Lock()
	t.inFlight++
	if t.inFlight > t.stats.PeakInFlight {
		t.stats.PeakInFlight = t.inFlight
	}
	t.stats.Attempts++
	t.stats.Methods[req.Method]++
	t.stats.ByEndpoint[ClassifyRequest(req.Method, req.URL.Path)]++
	t.mu.Unlock()
	endTurn := func() {}
	if IsWrite(req.Method) {
		var err error
		if endTurn, err = t.waitWriteTurn(wait); err != nil {
			t.mu.Lock()
			t.inFlight--
			t.mu.Unlock()
			<-t.sem
			return nil, false, 0, err
		}
	}
	begin := time.Now()
	// The hard limit: past it the connection is closed whatever happens.
	hard, stopHard := context.WithDeadlineCause(parent, begin.Add(timeout+t.cfg.Grace), deadlineError{timeout + t.cfg.Grace})
	ctx, cancel := context.WithCancelCause(hard)
	var sent atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			sent.Store(true)
		}
		endTurn()
	}})
	var once sync.Once
	release := func() {
		once.Do(func() {
			cancel(nil)
			stopHard()
			t.mu.Lock()
			t.inFlight--
			t.mu.Unlock()
			<-t.sem
		})
	}
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer endTurn()                            // when the request was never written
		r, err := t.base.RoundTrip(req.Clone(ctx)) //nolint:bodyclose // closed by the caller through releaseBody, or below once a timed-out attempt ends
		done <- result{r, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		took := time.Since(begin)
		if r.err != nil {
			release()
			if took >= timeout && parent.Err() == nil {
				// The deadline passed before this goroutine ran (a loaded
				// machine): the attempt timed out, whatever the transport
				// said when the hard limit closed it.
				return nil, !sent.Load(), took, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, deadlineError{timeout})
			}
			return nil, !sent.Load(), took, r.err
		}
		// The rest of the deadline covers reading the body: cancelling
		// closes the connection, and the read fails with the cause.
		stop := time.AfterFunc(timeout-took, func() { cancel(deadlineError{timeout}) })
		what := req.Method + " " + req.URL.Path
		r.resp.Body = &releaseBody{ReadCloser: r.resp.Body, release: func() { stop.Stop(); release() },
			failed: func(err error) error {
				if parent.Err() != nil {
					return err // the caller gave up, not the daemon
				}
				if c := context.Cause(ctx); c != nil {
					err = c // "no answer within 10s" rather than "context canceled"
				}
				err = fmt.Errorf("%s: reading the answer: %w", what, err)
				t.bodyFailed(err)
				return err
			}}
		return r.resp, false, took, nil
	case <-timer.C:
		go func() {
			r := <-done
			if r.resp != nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(r.resp.Body, 1<<20))
				r.resp.Body.Close()
			}
			release()
		}()
		return nil, !sent.Load(), timeout, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, deadlineError{timeout})
	case <-parent.Done():
		cancel(parent.Err())
		// The transport returns once it has closed the connection.
		if r := <-done; r.resp != nil {
			r.resp.Body.Close()
		}
		release()
		return nil, false, time.Since(begin), parent.Err()
	}
}

// record counts one attempt for the breaker: a success resets the run of
// consecutive failures; a failure (why says what it was) extends it.
func (t *Transport) record(failed bool, why string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.recordLocked(failed, why)
}

func (t *Transport) recordLocked(failed bool, why string) {
	if !failed {
		t.consecutive = 0
		return
	}
	t.lastFailure = why
	t.stats.Failures++
	t.consecutive++
	if t.consecutive >= t.cfg.BreakerThreshold {
		t.open = true
	}
}

// bodyFailed counts an answer whose body could not be read (a body
// trickled slower than the deadline, a connection dropped mid-body) as a
// failure: the headers came in time, but the request did not succeed, and
// a daemon that trickles every body must still open the breaker.
func (t *Transport) bodyFailed(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats.BodyFailures++
	t.recordLocked(true, err.Error())
}

// slowPing counts a ping answered after Config.SlowPing as a failure and
// halves the request rate, down to MinRate.
func (t *Transport) slowPing(took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats.SlowPings++
	t.recordLocked(true, fmt.Sprintf("a ping took %s (slow-ping threshold %s)", took.Round(time.Millisecond), t.cfg.SlowPing))
	t.limiter.SetLimit(max(t.limiter.Limit()/2, rate.Limit(MinRate)))
}

func (t *Transport) backoff(retry int) time.Duration { return Backoff(t.cfg.Backoff, retry) }

// Backoff is the delay before retry number retry (1 for the first): base
// doubled for each further retry, jittered by ±50 %, so that several
// clients retrying do not stay in step. The guard proxy retries with it too.
func Backoff(base time.Duration, retry int) time.Duration {
	d := base << (retry - 1)
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}

// waitTurn waits for the rate limit. Unlike rate.Limiter.Wait, which
// fails at once when the wait would pass the context's deadline, it waits
// until then and returns the context's error: a request that could not be
// sent before a run's deadline was cut short by the deadline, and says so.
func (t *Transport) waitTurn(ctx context.Context) error {
	r := t.limiter.Reserve()
	if !r.OK() {
		return fmt.Errorf("rate limit: burst %d too small", t.cfg.Burst)
	}
	if err := t.sleep(ctx, r.Delay()); err != nil {
		r.Cancel()
		return err
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// releaseBody gives the attempt's in-flight slot back when the body is
// closed, reports the first failed read (other than the end), and counts
// the attempt a success when it is closed without one.
type releaseBody struct {
	io.ReadCloser
	release func()
	// failed counts a failed read and returns the error to give the
	// reader.
	failed func(error) error

	mu sync.Mutex
	// failure is the first failed read's error, returned by every later
	// read; succeeded is called at Close when there was none.
	failure   error
	succeeded func()
}

func (b *releaseBody) onSuccess(f func()) {
	b.mu.Lock()
	b.succeeded = f
	b.mu.Unlock()
}

func (b *releaseBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	failure := b.failure
	b.mu.Unlock()
	if failure != nil {
		return 0, failure
	}
	n, err := b.ReadCloser.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failure == nil {
		b.failure = b.failed(err)
	}
	return n, b.failure
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.mu.Lock()
	succeeded := b.succeeded
	if b.failure != nil {
		succeeded = nil
	}
	b.succeeded = nil
	b.mu.Unlock()
	if succeeded != nil {
		succeeded()
	}
	b.release()
	return err
}

var versionPrefix = regexp.MustCompile(`^/v[0-9]+\.[0-9]+/`)

// Classify maps an API path to an endpoint class: the version prefix and
// object IDs are dropped, so "/v1.41/containers/abc/json" is
// "containers/inspect".
func Classify(path string) string {
	p := versionPrefix.ReplaceAllString(path, "/")
	p = strings.Trim(p, "/")
	parts := strings.Split(p, "/")
	switch {
	case p == "_ping":
		return "ping"
	case p == "containers/json":
		return "containers/list"
	case len(parts) == 3 && parts[0] == "containers" && parts[2] == "json":
		return "containers/inspect"
	case len(parts) == 3 && parts[0] == "containers" && parts[2] == "stats":
		return "containers/stats"
	case len(parts) == 3 && parts[0] == "containers" && parts[2] == "stop":
		return "containers/stop"
	case p == "volumes":
		return "volumes/list"
	}
	if len(parts) > 2 {
		parts = parts[:2]
	}
	return strings.Join(parts, "/")
}

// ClassifyRequest is Classify with the method: a DELETE of one object is
// "<kind>/remove" ("containers/remove", "volumes/remove"), so that no
// object ID becomes a class.
func ClassifyRequest(method, path string) string {
	c := Classify(path)
	if method == http.MethodDelete {
		if kind, _, ok := strings.Cut(c, "/"); ok {
			return kind + "/remove"
		}
	}
	return c
}

// Total sums the counts of m.
func Total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Keys returns the keys of m, sorted.
func Keys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
