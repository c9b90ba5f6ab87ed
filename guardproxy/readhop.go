package guardproxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"syscall"
	"time"
)

// readHop is the upstream hop for plain reads (GET and HEAD without a
// body or an upgrade, over http): it writes the request and reads the
// answer on a kept-alive connection from the caller's goroutine, where
// net/http's transport hands every request to a connection's write loop
// and its answer back from a read loop. Everything else, and every
// request over https, goes to next.
type readHop struct {
	next    http.RoundTripper
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	maxIdle int
	// anyHost is set when the dialer ignores the address (a unix socket,
	// ssh): the URL host is a placeholder without a port.
	anyHost bool

	mu   sync.Mutex
	idle []*hopConn
}

type hopConn struct {
	c  net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

// newReadHop returns tr with reads taken by a readHop, or tr itself when
// it has no dialer of its own to share.
func newReadHop(tr *http.Transport, anyHost bool) http.RoundTripper {
	if tr.DialContext == nil || tr.DialTLSContext != nil {
		return tr
	}
	return &readHop{next: tr, dial: tr.DialContext, maxIdle: tr.MaxIdleConnsPerHost, anyHost: anyHost}
}

func (h *readHop) plainRead(req *http.Request) bool {
	if !h.anyHost {
		if _, port, err := net.SplitHostPort(req.URL.Host); err != nil || port == "" {
			return false
		}
	}
	return req.URL.Scheme == "http" && (req.Method == http.MethodGet || req.Method == http.MethodHead) &&
		(req.Body == nil || req.Body == http.NoBody) && req.Header.Get("Upgrade") == "" && !req.Close
}

// RoundTrip implements http.RoundTripper.
func (h *readHop) RoundTrip(req *http.Request) (*http.Response, error) {
	if !h.plainRead(req) {
		return h.next.RoundTrip(req)
	}
	for attempt := 0; ; attempt++ {
		hc, reused, err := h.get(req.Context(), req.URL.Host)
		if err != nil {
			return nil, err
		}
		resp, err := h.exchange(req, hc)
		if err == nil {
			return resp, nil
		}
		hc.c.Close()
		// A kept-alive connection the daemon closed while it was idle
		// fails at once: the read is tried again on a new one, as
		// net/http does for idempotent requests.
		if reused && attempt == 0 && req.Context().Err() == nil && staleConn(err) {
			continue
		}
		return nil, err
	}
}

func staleConn(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (h *readHop) get(ctx context.Context, addr string) (*hopConn, bool, error) {
	h.mu.Lock()
	if n := len(h.idle); n > 0 {
		hc := h.idle[n-1]
		h.idle = h.idle[:n-1]
		h.mu.Unlock()
		return hc, true, nil
	}
	h.mu.Unlock()
	c, err := h.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, false, err
	}
	return &hopConn{c: c, br: bufio.NewReaderSize(c, 16<<10), bw: bufio.NewWriterSize(c, 4<<10)}, false, nil
}

func (h *readHop) put(hc *hopConn) {
	h.mu.Lock()
	if len(h.idle) < h.maxIdle {
		h.idle = append(h.idle, hc)
		h.mu.Unlock()
		return
	}
	h.mu.Unlock()
	hc.c.Close()
}

// aLongTimeAgo is a deadline in the past: it makes a blocked read or
// write on the connection return at once.
var aLongTimeAgo = time.Unix(1, 0)

func (h *readHop) exchange(req *http.Request, hc *hopConn) (*http.Response, error) {
	// Cancelling the request ends a blocked read or write of its
	// connection, which then is not reused.
	stop := context.AfterFunc(req.Context(), func() { _ = hc.c.SetDeadline(aLongTimeAgo) })
	fail := func(err error) (*http.Response, error) {
		stop()
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, err
	}
	if err := req.Write(hc.bw); err != nil {
		return fail(err)
	}
	if err := hc.bw.Flush(); err != nil {
		return fail(err)
	}
	if trace := httptrace.ContextClientTrace(req.Context()); trace != nil && trace.WroteHeaders != nil {
		trace.WroteHeaders()
	}
	resp, err := http.ReadResponse(hc.br, req)
	if err != nil {
		return fail(err)
	}
	resp.Body = &hopBody{h: h, hc: hc, body: resp.Body, stop: stop, keep: !resp.Close && resp.ProtoAtLeast(1, 1)}
	return resp, nil
}

// hopBody returns its connection to the pool once the answer has been
// read to its end, and closes it when the reader stops before.
type hopBody struct {
	h    *readHop
	hc   *hopConn
	body io.ReadCloser
	stop func() bool
	keep bool
	done bool
}

func (b *hopBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.body.Read(p)
	if err == io.EOF {
		b.finish(true)
	} else if err != nil {
		b.finish(false)
	}
	return n, err
}

func (b *hopBody) Close() error {
	if !b.done {
		b.finish(false)
	}
	return nil
}

func (b *hopBody) finish(complete bool) {
	b.done = true
	// stop reports false when the request was cancelled meanwhile: the
	// deadline may be set, so the connection is not reused.
	if complete && b.stop() && b.keep {
		b.h.put(b.hc)
		return
	}
	b.stop()
	b.hc.c.Close()
}
