package guardproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// handedConn is a client connection the lane gave to the net/http
// server: the bytes the lane had buffered are read first.
//
// It also keeps a client that closes only its sending side (shutdown of
// writes after its request, as `nc -N`, socat and some SDKs do) from
// cancelling its request. net/http reads one byte in the background
// while a handler runs and cancels the request's context at the end of
// the connection, which a half-close looks like; the guard would then
// abandon the daemon's answer. While a request is active, an end of the
// stream in such a one-byte read waits instead, until net/http ends the
// read (with a deadline, when the answer is written) or the peer is
// gone altogether (on a unix socket, the kernel tells a closed peer from
// a half-closed one; on TCP it cannot, and the end counts as gone, as
// before).
type handedConn struct {
	net.Conn
	br *bufio.Reader // nil once its bytes are read

	// spent is the number of attempts at the daemon the lane made for
	// the connection's first request, which the retries count.
	spent atomic.Int32
	// active is set while net/http runs a handler for the connection.
	active atomic.Bool

	mu       sync.Mutex
	deadline time.Time
	closed   bool
	wake     chan struct{}
}

func newHandedConn(c net.Conn, br *bufio.Reader, spent int) *handedConn {
	h := &handedConn{Conn: c, wake: make(chan struct{}, 1)}
	if br != nil && br.Buffered() > 0 {
		h.br = br
	}
	h.spent.Store(int32(spent))
	return h
}

// halfClosePoll is how often a waiting read checks that the peer is
// still there.
const halfClosePoll = 200 * time.Millisecond

func (h *handedConn) Read(p []byte) (int, error) {
	if h.br != nil {
		if h.br.Buffered() > 0 {
			return h.br.Read(p)
		}
		h.br = nil
	}
	n, err := h.Conn.Read(p)
	if !errors.Is(err, io.EOF) || n > 0 || len(p) != 1 || !h.active.Load() || peerGone(h.Conn) {
		return n, err
	}
	for {
		h.mu.Lock()
		closed, dl := h.closed, h.deadline
		h.mu.Unlock()
		if closed {
			return 0, io.EOF
		}
		if !dl.IsZero() && !time.Now().Before(dl) {
			return 0, os.ErrDeadlineExceeded
		}
		t := time.NewTimer(halfClosePoll)
		select {
		case <-h.wake:
		case <-t.C:
		}
		t.Stop()
		if !h.active.Load() || peerGone(h.Conn) {
			return 0, io.EOF
		}
	}
}

func (h *handedConn) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *handedConn) SetReadDeadline(t time.Time) error {
	h.mu.Lock()
	h.deadline = t
	h.mu.Unlock()
	h.poke()
	return h.Conn.SetReadDeadline(t)
}

func (h *handedConn) SetDeadline(t time.Time) error {
	h.mu.Lock()
	h.deadline = t
	h.mu.Unlock()
	h.poke()
	return h.Conn.SetDeadline(t)
}

func (h *handedConn) Close() error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.poke()
	return h.Conn.Close()
}

// CloseWrite passes a half-close on, for hijacked connections.
func (h *handedConn) CloseWrite() error {
	if cw, ok := h.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Unwrap is the client's connection.
func (h *handedConn) Unwrap() net.Conn { return h.Conn }
