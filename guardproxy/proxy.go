// Package guardproxy is the proxy behind `dockguard guard`: it forwards
// the Docker Engine API to a daemon, byte for byte, while holding every
// client to the limits that keep a daemon alive: a few writes in flight,
// spaced; reads limited separately; a FIFO queue instead of refusals; a
// forced removal of a running container turned into a graceful stop and a
// plain removal; a circuit breaker on the daemon's health; bounded retries
// of idempotent reads. Any client uses it by pointing DOCKER_HOST at it.
//
// The files hold one concern each: classify (the policy table), gate (the
// queue, slots and spacing), breaker, upstream (retries), rewrite (the
// graceful removal and kill), listen (the private socket), metrics and
// log.
package guardproxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server.
type Options struct {
	// Config is the policy; zero fields take their defaults.
	Config Config
	// Transport reaches the daemon (dockerapi.Transport builds it from an
	// endpoint).
	Transport http.RoundTripper
	// Scheme and Host form the upstream URLs ("http", "docker"); the
	// transport's dialer decides where the bytes go.
	Scheme, Host string
	// Logger receives a record for every rewrite and refusal, and with
	// LogAll for every request; nil logs nothing.
	Logger *slog.Logger
	LogAll bool
}

// Server is the guard. It is an http.Handler; Serve runs it on a listener.
type Server struct {
	cfg    Config
	deny   []denyRule
	up     *upstream
	client *http.Client
	rp     *httputil.ReverseProxy
	// rpStream is rp with every write flushed, for the streaming kinds.
	rpStream *httputil.ReverseProxy
	scheme   string
	host     string
	br       *breaker
	writes   *gate
	reads    *gate
	metrics  *metrics
	log      *slog.Logger
	logAll   bool

	// streams is cancelled when the guard drains: long-lived calls would
	// otherwise keep it running forever.
	streams      context.Context
	cancelStream context.CancelFunc
}

type stateKey struct{}

// reqState is what one request did, for its log line and metrics.
type reqState struct {
	kind       Kind
	ticket     *ticket
	status     int
	wait       time.Duration
	upStart    time.Time
	upDur      time.Duration
	rewrite    string
	refused    string
	killToStop bool
	// bodyErr is how the client's body ended when it did not end
	// cleanly (a truncated chunk, fewer bytes than its Content-Length);
	// the transport's goroutine sets it.
	bodyErr atomic.Pointer[error]
}

// watchedBody notes a client body that breaks off: the transport then
// abandons the upstream request mid-body (the daemon's read fails, it
// never sees a body that ends cleanly), and the client is told why.
type watchedBody struct {
	io.ReadCloser
	st *reqState
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.st.bodyErr.CompareAndSwap(nil, &err)
	}
	return n, err
}

// New builds a Server.
func New(o Options) (*Server, error) {
	cfg := o.Config.WithDefaults()
	if o.Transport == nil || o.Host == "" {
		return nil, errors.New("guard: no upstream transport")
	}
	s := &Server{cfg: cfg, scheme: o.Scheme, host: o.Host, metrics: newMetrics(), log: o.Logger, logAll: o.LogAll}
	if s.scheme == "" {
		s.scheme = "http"
	}
	for _, d := range cfg.Deny {
		r, err := parseDeny(d)
		if err != nil {
			return nil, err
		}
		s.deny = append(s.deny, r)
	}
	s.br = &breaker{threshold: cfg.BreakerThreshold, cooldown: cfg.BreakerCooldown}
	s.up = &upstream{base: o.Transport, br: s.br, tries: cfg.Tries, backoff: cfg.Backoff}
	s.client = &http.Client{Transport: s.up, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	interval := max(cfg.Interval, 0)
	s.writes = newGate(cfg.InFlight, cfg.Queue, interval, cfg.BurstRemovals, cfg.BurstWindow)
	s.reads = newGate(cfg.ReadInFlight, cfg.Queue, 0, 0, 0)
	s.streams, s.cancelStream = context.WithCancel(context.Background())
	// Answers of known length (the JSON of reads and writes) are written
	// to the client when complete: one write instead of one per copy
	// buffer. httputil.ReverseProxy still flushes at once any answer of
	// unknown length (chunked, event streams) or a 101 upgrade, so a
	// follow that the table does not know still streams; the streaming
	// kinds flush every write.
	s.rp = &httputil.ReverseProxy{
		Rewrite:        s.rewriteOut,
		Transport:      s.up,
		FlushInterval:  0,
		BufferPool:     bufPool{},
		ModifyResponse: s.modifyResponse,
		ErrorHandler:   s.proxyError,
	}
	stream := *s.rp
	stream.FlushInterval = -1
	s.rpStream = &stream
	return s, nil
}

func (s *Server) rewriteOut(pr *httputil.ProxyRequest) {
	pr.Out.URL.Scheme, pr.Out.URL.Host = s.scheme, s.host
	pr.Out.Host = pr.In.Host
}

type bufPool struct{}

// copyBufSize is the size of the buffers that copy bodies: large enough
// that a docker cp or a build context moves in few system calls.
const copyBufSize = 128 << 10

var buffers = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

func (bufPool) Get() []byte  { return *(buffers.Get().(*[]byte)) }
func (bufPool) Put(b []byte) { buffers.Put(&b) }

// ServeHTTP applies the policy to one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	begin := time.Now()
	if r.URL.Path == MetricsPath {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		s.writeMetrics(w)
		return
	}
	st := &reqState{}
	defer s.logRequest(r, st, begin)
	if err := checkRequest(r); err != nil {
		s.refuse(w, st, http.StatusBadRequest, "bad-request", err.Error())
		return
	}
	c := classify(r.Method, r.URL)
	st.kind = c.kind
	s.metrics.add(s.metrics.requests, c.kind.String())
	for _, d := range s.deny {
		if d.matches(r.Method, c.path) {
			s.refuse(w, st, http.StatusForbidden, "denied", fmt.Sprintf("dockguard guard: %s %s is denied by the rule %q", r.Method, c.path, d.text))
			return
		}
	}
	write := c.kind == Write || c.kind == WriteStream
	if write {
		if err := s.br.allow(s.probe); err != nil {
			s.refuse(w, st, http.StatusServiceUnavailable, "breaker-open", err.Error())
			return
		}
	}
	g := s.reads
	if write {
		g = s.writes
	}
	forced := c.op == opRemoveContainer && boolValue(r.URL.Query(), "force")
	// A forced removal takes its slot unspaced: its writes (the stop, the
	// removal) each wait for their own turn once the state is known.
	t, err := g.acquireWithin(r.Context(), s.cfg.QueueTimeout, write && !forced, c.op == opRemoveContainer && !forced)
	st.wait = time.Since(begin)
	if err != nil {
		switch {
		case errors.Is(err, errQueueFull):
			s.refuse(w, st, http.StatusTooManyRequests, "queue-full",
				fmt.Sprintf("dockguard guard: %d requests are already waiting for the daemon (guard.queue); try again later", s.cfg.Queue))
		case r.Context().Err() != nil:
			st.status = 499 // the client gave up while queued
		default:
			s.refuse(w, st, http.StatusTooManyRequests, "queue-timeout",
				fmt.Sprintf("dockguard guard: waited %s for a slot at the daemon (guard.queue-timeout); try again later", s.cfg.QueueTimeout))
		}
		return
	}
	defer t.release()
	gateName := "read"
	if write {
		gateName = "write"
	}
	s.metrics.observe(s.metrics.wait, gateName, st.wait)
	if write {
		// The breaker may have opened while this request waited.
		if err := s.br.allow(s.probe); err != nil {
			s.refuse(w, st, http.StatusServiceUnavailable, "breaker-open", err.Error())
			return
		}
	}
	// One context for the rest of the request: the state for
	// modifyResponse and proxyError, and for a long-lived call the end of
	// the drain.
	ctx := context.WithValue(r.Context(), stateKey{}, st)
	if c.kind == Stream {
		var stop context.CancelFunc
		ctx, stop = context.WithCancel(ctx)
		defer stop()
		defer context.AfterFunc(s.streams, stop)()
	}
	r = r.WithContext(ctx)
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &watchedBody{ReadCloser: r.Body, st: st}
	}
	switch {
	case forced:
		// The rewrites change the URL; the log line keeps the client's.
		r.URL = cloneURL(r.URL)
		s.gracefulRemove(w, r, c, st)
	case c.op == opKillContainer && s.cfg.GracefulKill && killSignal(r.URL.Query().Get("signal")):
		r.URL = cloneURL(r.URL)
		s.killToStop(w, r, c, st, t)
	default:
		s.forward(w, r, st, t)
	}
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	return &c
}

// forward proxies r, whose context holds st; t's spacing turn ends once
// the request's headers are on the wire, and a long-lived call frees its
// slot once its answer's headers are in. Streaming answers are flushed
// as they come; the others are written when complete.
func (s *Server) forward(w http.ResponseWriter, r *http.Request, st *reqState, t *ticket) {
	st.ticket = t
	if t.spaced {
		r = r.WithContext(httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{WroteHeaders: t.started}))
	}
	st.upStart = time.Now()
	if st.kind == Read || st.kind == Write {
		s.rp.ServeHTTP(w, r)
		return
	}
	s.rpStream.ServeHTTP(w, r)
}

func (s *Server) modifyResponse(resp *http.Response) error {
	st, _ := resp.Request.Context().Value(stateKey{}).(*reqState)
	if st == nil {
		return nil
	}
	st.status = resp.StatusCode
	st.upDur = time.Since(st.upStart)
	s.metrics.observe(s.metrics.up, st.kind.String(), st.upDur)
	if st.kind == Stream || st.kind == WriteStream {
		st.ticket.release()
	}
	if st.killToStop {
		killResponse(resp)
	}
	return nil
}

func (s *Server) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	st, _ := r.Context().Value(stateKey{}).(*reqState)
	if st != nil {
		if berr := st.bodyErr.Load(); berr != nil {
			// The client's body broke off; whether or not the client is
			// still there to read it, nothing complete reached the daemon.
			st.status = http.StatusBadRequest
			st.upDur = time.Since(st.upStart)
			writeJSON(w, http.StatusBadRequest, "dockguard guard: the request body ended before it was complete ("+(*berr).Error()+"); the daemon got no complete request")
			return
		}
	}
	if r.Context().Err() != nil {
		if st != nil {
			st.status = 499
		}
		// Most often nobody reads this; a client that only half-closed
		// its side gets an error rather than an empty 200.
		writeJSON(w, http.StatusBadGateway, "dockguard guard: the request was cancelled (the client closed its side of the connection) before the daemon answered")
		return
	}
	msg := "dockguard guard: the daemon did not answer: " + err.Error()
	if st != nil {
		st.status = http.StatusBadGateway
		st.upDur = time.Since(st.upStart)
	}
	writeJSON(w, http.StatusBadGateway, msg)
}

// refuse answers the client from the guard itself, in the daemon's error
// shape, whose message the docker CLI prints.
func (s *Server) refuse(w http.ResponseWriter, st *reqState, code int, reason, msg string) {
	st.status, st.refused = code, reason
	s.metrics.add(s.metrics.refused, reason)
	writeJSON(w, code, msg)
}

func writeJSON(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// probe is the breaker's health check: one /_ping.
func (s *Server) probe() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url("/_ping"), nil)
	if err != nil {
		return err
	}
	resp, err := s.up.base.RoundTrip(req)
	if err != nil {
		return fmt.Errorf("GET /_ping: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /_ping: HTTP %d", resp.StatusCode)
	}
	return nil
}

func (s *Server) url(path string) string { return s.scheme + "://" + s.host + path }

// watch pings the daemon while requests have been waiting for a while; a
// failed ping opens the breaker, so that a hung daemon stops receiving
// writes instead of collecting them.
func (s *Server) watch(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		ws, rs := s.writes.stats(), s.reads.stats()
		if max(ws.OldestWait, rs.OldestWait) < 2*time.Second || s.br.state() != "closed" {
			continue
		}
		if err := s.probe(); err != nil {
			s.br.trip(fmt.Sprintf("%s while %d requests waited", err, ws.Queued+rs.Queued))
		}
	}
}

// Status is the one-line summary the command shows on a terminal.
func (s *Server) Status() string {
	ws, rs := s.writes.stats(), s.reads.stats()
	t := s.Totals()
	return fmt.Sprintf("writes in flight %d, queued %d · reads in flight %d, queued %d · rewritten %d · refused %d · breaker %s",
		ws.InFlight, ws.Queued, rs.InFlight, rs.Queued, sum(t.Rewrites), sum(t.Refused), s.br.state())
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
