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
	"regexp"
	"sort"
	"strings"
	"sync"
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
	// Tries is the number of attempts for a transient failure (1 = no retry).
	Tries int
	// Backoff is the base delay before the first retry; it doubles for each
	// further retry and is jittered by ±50 %.
	Backoff time.Duration
	// BreakerThreshold is the number of consecutive transport failures
	// after which every further request fails at once with ErrBreakerOpen.
	BreakerThreshold int
}

// Defaults returns the default limits: 3 in flight, 50 requests/s with a
// burst of 10, 10 s per request, 3 tries from 100 ms, breaker after 5.
func Defaults() Config {
	return Config{MaxInFlight: 3, Rate: 50, Burst: 10, Timeout: 10 * time.Second,
		Tries: 3, Backoff: 100 * time.Millisecond, BreakerThreshold: 5}
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
	if c.Tries <= 0 {
		c.Tries = d.Tries
	}
	if c.Backoff <= 0 {
		c.Backoff = d.Backoff
	}
	if c.BreakerThreshold <= 0 {
		c.BreakerThreshold = d.BreakerThreshold
	}
	return c
}

// ErrBreakerOpen is returned for every request once the circuit breaker has
// opened.
var ErrBreakerOpen = errors.New("circuit breaker open: too many consecutive transport failures, no further calls are made to the daemon")

// ErrReadOnly is returned for a request whose method is not GET or HEAD.
var ErrReadOnly = errors.New("refused: dockguard only reads from the daemon (GET and HEAD)")

type timeoutKey struct{}

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
	// Failures counts attempts that ended in a transport error or a 5xx.
	Failures int `json:"failures"`
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
	sleep       func(context.Context, time.Duration) error
}

// New wraps base with the limits in cfg.
func New(base http.RoundTripper, cfg Config) *Transport {
	cfg = cfg.withDefaults()
	return &Transport{
		base:    base,
		cfg:     cfg,
		sem:     make(chan struct{}, cfg.MaxInFlight),
		limiter: rate.NewLimiter(rate.Limit(cfg.Rate), cfg.Burst),
		stats:   Stats{ByEndpoint: map[string]int{}, Methods: map[string]int{}},
		sleep:   sleepCtx,
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
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		closeBody(req)
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ErrReadOnly)
	}
	t.mu.Lock()
	t.stats.Requests++
	t.mu.Unlock()
	parent := req.Context()
	timeout := t.cfg.Timeout
	if d, ok := parent.Value(timeoutKey{}).(time.Duration); ok && d > 0 {
		timeout = d
	}
	var lastErr error
	for try := 1; ; try++ {
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
		if err := t.limiter.Wait(parent); err != nil {
			return nil, lastErrOr(lastErr, err)
		}
		resp, err := t.attempt(req, parent, timeout)
		transient := err != nil || resp.StatusCode >= 500
		if err != nil && parent.Err() != nil {
			// The caller gave up; that is not the daemon's fault.
			return nil, err
		}
		t.record(transient, resp, err)
		if !transient || try >= t.cfg.Tries {
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

func lastErrOr(last, err error) error {
	if last != nil {
		return fmt.Errorf("%w (gave up retrying: %w)", last, err)
	}
	return err
}

// attempt sends one try, holding a slot of the in-flight cap until the
// response body is closed: a request is in flight until its answer is read.
func (t *Transport) attempt(req *http.Request, parent context.Context, timeout time.Duration) (*http.Response, error) {
	select {
	case t.sem <- struct{}{}:
	case <-parent.Done():
		return nil, parent.Err()
	}
	t.mu.Lock()
	t.inFlight++
	if t.inFlight > t.stats.PeakInFlight {
		t.stats.PeakInFlight = t.inFlight
	}
	t.stats.Attempts++
	t.stats.Methods[req.Method]++
	t.stats.ByEndpoint[Classify(req.URL.Path)]++
	t.mu.Unlock()
	var once sync.Once
	ctx, cancel := context.WithTimeout(parent, timeout)
	release := func() {
		once.Do(func() {
			cancel()
			t.mu.Lock()
			t.inFlight--
			t.mu.Unlock()
			<-t.sem
		})
	}
	resp, err := t.base.RoundTrip(req.Clone(ctx))
	if err != nil {
		release()
		if ctx.Err() == context.DeadlineExceeded && parent.Err() == nil {
			err = fmt.Errorf("%s %s: no answer within %s: %w", req.Method, req.URL.Path, timeout, err)
		}
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

func (t *Transport) record(failed bool, resp *http.Response, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !failed {
		t.consecutive = 0
		return
	}
	if err != nil {
		t.lastFailure = err.Error()
	} else {
		t.lastFailure = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	t.stats.Failures++
	t.consecutive++
	if t.consecutive >= t.cfg.BreakerThreshold {
		t.open = true
	}
}

func (t *Transport) backoff(retry int) time.Duration {
	d := t.cfg.Backoff << (retry - 1)
	// ±50 % jitter, so that several clients retrying do not stay in step.
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
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

type releaseBody struct {
	io.ReadCloser
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
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
	case p == "volumes":
		return "volumes/list"
	}
	if len(parts) > 2 {
		parts = parts[:2]
	}
	return strings.Join(parts, "/")
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
