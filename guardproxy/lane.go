package guardproxy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The lane is the guard's own loop over each client connection. A plain
// read (GET or HEAD, HTTP/1.1, no body, no upgrade, no hop-by-hop header,
// a clean path that the policy calls a read, a free read slot) is served
// on it directly: the client's request head is written to a kept-alive
// daemon connection as it came, and the daemon's answer is copied back
// with its hop-by-hop headers removed, from one goroutine, without
// net/http's per-request goroutine, header maps and response writer. On
// the 2-CPU machines the guard shares with the daemon, that CPU is taken
// from the daemon's. Everything else (writes, streams, bodies, refusals,
// queueing, a daemon answering 502-504 or failing) hands the connection,
// with the request still unread, to the net/http server that applies the
// whole policy; the connection stays there from then on.
type lane struct {
	s   *Server
	hop *readHop // nil: every connection is handed off at once
	out *connListener

	mu       sync.Mutex
	conns    map[*laneConn]bool // true while waiting for a request
	draining bool
	wg       sync.WaitGroup
}

type laneConn struct {
	c   net.Conn
	src *pendingReader
	br  *bufio.Reader
	bw  *bufio.Writer
}

// laneWatchAfter is how long a read may wait for the daemon's answer
// before the lane watches its client for a disconnection (which then
// ends the upstream request too). Nearly every read is answered sooner,
// and those cost no watcher.
const laneWatchAfter = 50 * time.Millisecond

// connListener is the listener the net/http server serves: the lane
// hands it the connections it does not serve itself.
type connListener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newConnListener(addr net.Addr) *connListener {
	return &connListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *connListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *connListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *connListener) Addr() net.Addr { return l.addr }

func (l *connListener) hand(c net.Conn) {
	select {
	case l.ch <- c:
	case <-l.done:
		c.Close()
	}
}

// pendingReader is the client connection with a byte read ahead of the
// lane's buffer (by the disconnection watcher) put back in front.
type pendingReader struct {
	c       net.Conn
	pending int // -1 for none
}

func (p *pendingReader) Read(b []byte) (int, error) {
	if p.pending >= 0 && len(b) > 0 {
		b[0] = byte(p.pending)
		p.pending = -1
		return 1, nil
	}
	return p.c.Read(b)
}

// accept runs the lane on ln until ln is closed.
func (l *lane) accept(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			l.mu.Lock()
			draining := l.draining
			l.mu.Unlock()
			if draining {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return err
		}
		if l.hop == nil {
			l.out.hand(newHandedConn(c, nil, 0))
			continue
		}
		lc := &laneConn{c: c, src: &pendingReader{c: c, pending: -1}}
		lc.br = bufio.NewReaderSize(lc.src, 4<<10)
		l.mu.Lock()
		if l.draining {
			l.mu.Unlock()
			c.Close()
			continue
		}
		l.conns[lc] = true
		l.wg.Add(1)
		l.mu.Unlock()
		go l.serve(lc)
	}
}

// drain stops the lane: connections waiting for a request are closed,
// the others once their request is answered.
func (l *lane) drain() {
	l.mu.Lock()
	l.draining = true
	for lc, idle := range l.conns {
		if idle {
			_ = lc.c.SetReadDeadline(aLongTimeAgo)
		}
	}
	l.mu.Unlock()
}

// wait waits for the lane's connections to end, at most until done.
func (l *lane) wait(done <-chan struct{}) bool {
	ch := make(chan struct{})
	go func() { l.wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return true
	case <-done:
		l.mu.Lock()
		for lc := range l.conns {
			lc.c.Close()
		}
		l.mu.Unlock()
		return false
	}
}

// setIdle marks lc as waiting for a request (or not); it reports false
// when the guard is draining and lc is to be closed.
func (l *lane) setIdle(lc *laneConn, idle bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.draining {
		return false
	}
	l.conns[lc] = idle
	return true
}

func (l *lane) forget(lc *laneConn) {
	l.mu.Lock()
	delete(l.conns, lc)
	l.mu.Unlock()
	l.wg.Done()
}

func (l *lane) serve(lc *laneConn) {
	defer l.forget(lc)
	for {
		if !l.setIdle(lc, true) {
			lc.c.Close()
			return
		}
		if _, err := lc.br.Peek(1); err != nil {
			lc.c.Close()
			return
		}
		if !l.setIdle(lc, false) {
			lc.c.Close()
			return
		}
		switch l.serveOne(lc) {
		case laneNext:
		case laneClose:
			lc.c.Close()
			return
		case laneHandOff, laneHandOffSpent:
			// The rest is net/http's; the buffered bytes go with it.
			return
		}
	}
}

type laneResult int

const (
	laneNext laneResult = iota
	laneClose
	laneHandOff
	laneHandOffSpent
)

// handOff gives lc to the net/http server; spent is the number of
// attempts at the daemon the lane already made for the request.
func (l *lane) handOff(lc *laneConn, spent int) laneResult {
	if lc.bw != nil && lc.bw.Buffered() > 0 {
		// Nothing is buffered for the client between requests; this
		// cannot happen, but a connection with a half-written answer must
		// not go on.
		lc.c.Close()
		return laneClose
	}
	l.out.hand(newHandedConn(lc.c, lc.br, spent))
	if spent > 0 {
		return laneHandOffSpent
	}
	return laneHandOff
}

// serveOne serves the request at the head of lc's buffer, or hands lc
// off.
func (l *lane) serveOne(lc *laneConn) laneResult {
	begin := time.Now()
	buf, _ := lc.br.Peek(lc.br.Buffered())
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	if end < 0 {
		// Not all of the head came in the first read (or it ends lines
		// with a bare LF): net/http reads it, with its timeouts.
		return l.handOff(lc, 0)
	}
	head := buf[:end+4]
	method, target, ok := laneHead(head)
	if !ok {
		return l.handOff(lc, 0)
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return l.handOff(lc, 0)
	}
	r := &http.Request{Method: method, URL: u}
	if u.Path == MetricsPath || checkRequest(r) != nil {
		return l.handOff(lc, 0)
	}
	c := classify(method, u)
	if c.kind != Read {
		return l.handOff(lc, 0)
	}
	for _, d := range l.s.deny {
		if d.matches(method, c.path) {
			return l.handOff(lc, 0)
		}
	}
	t := l.s.reads.tryAcquire(false, false)
	if t == nil {
		// Queueing (and noticing a client that leaves meanwhile) is
		// net/http's side.
		return l.handOff(lc, 0)
	}
	defer t.release()
	st := &reqState{kind: Read, wait: time.Since(begin)}
	hc, reused, err := l.hop.get(l.s.streams, l.s.host)
	if err != nil {
		return l.upFailed(lc, t, err, false)
	}
	st.upStart = time.Now()
	if _, err := hc.bw.Write(head); err != nil {
		hc.c.Close()
		return l.upFailed(lc, t, err, reused)
	}
	if err := hc.bw.Flush(); err != nil {
		hc.c.Close()
		return l.upFailed(lc, t, err, reused)
	}
	headLen := len(head)
	pipelined := lc.br.Buffered() > headLen
	w := l.watch(lc, hc, pipelined)
	rh, err := readRespHead(hc.br)
	gone, halfClosed := w.stop()
	if gone {
		hc.c.Close()
		st.status = 499
		l.s.metrics.add(l.s.metrics.requests, "read")
		l.s.logRequest(r, st, begin)
		return laneClose
	}
	if err != nil {
		hc.c.Close()
		return l.upFailed(lc, t, err, reused)
	}
	if retryStatus(rh.code) && l.s.up.tries > 1 {
		// The net/http side retries it, as one attempt spent.
		hc.c.Close()
		l.s.br.success()
		l.s.up.retries.Add(1)
		t.release()
		return l.handOff(lc, 1)
	}
	l.s.br.success()
	if _, err := lc.br.Discard(headLen); err != nil {
		hc.c.Close()
		return laneClose
	}
	st.status = rh.code
	st.upDur = time.Since(st.upStart)
	m := l.s.metrics
	m.add(m.requests, "read")
	m.observe(m.wait, "read", st.wait)
	m.observe(m.up, "read", st.upDur)
	if lc.bw == nil {
		lc.bw = bufio.NewWriterSize(lc.c, 32<<10)
	}
	keepUp, keepClient, err := copyAnswer(lc.bw, hc.br, rh, method == http.MethodHead)
	if err == nil {
		err = lc.bw.Flush()
	}
	if err != nil || !keepUp {
		hc.c.Close()
	} else {
		l.hop.put(hc)
	}
	l.s.logRequest(r, st, begin)
	if err != nil || !keepClient || halfClosed {
		// A client that closed its sending side gets its answer, then the
		// end of the connection.
		if err == nil && halfClosed {
			closeWrite(lc.c)
		}
		return laneClose
	}
	return laneNext
}

// upFailed handles a failure to reach the daemon before anything was
// written to the client: the request goes to the net/http side, which
// retries it and feeds the breaker. A kept-alive connection the daemon
// had closed is not the daemon's failure, and costs no attempt.
func (l *lane) upFailed(lc *laneConn, t *ticket, err error, reused bool) laneResult {
	t.release()
	if reused && staleConn(err) {
		return l.handOff(lc, 0)
	}
	if l.s.up.tries <= 1 {
		return l.handOff(lc, 0)
	}
	l.s.br.failure(err.Error())
	l.s.up.retries.Add(1)
	return l.handOff(lc, 1)
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

// watcher notices, while a read waits for the daemon, a client that goes
// away: after laneWatchAfter it reads the client connection (as net/http
// does in the background of every request); an end of the connection
// aborts the daemon connection, a client that only closed its sending
// side is let be, a byte of the next request is kept.
type watcher struct {
	lc      *laneConn
	timer   *time.Timer
	started atomic.Bool
	done    chan struct{}
	gone    bool
	half    bool
}

func (l *lane) watch(lc *laneConn, hc *hopConn, pipelined bool) *watcher {
	w := &watcher{lc: lc}
	if pipelined {
		return w // the client already sent more; net/http does not watch either
	}
	w.done = make(chan struct{})
	w.timer = time.AfterFunc(laneWatchAfter, func() {
		w.started.Store(true)
		defer close(w.done)
		var b [1]byte
		n, err := lc.c.Read(b[:])
		if n == 1 {
			lc.src.pending = int(b[0])
			return
		}
		var ne net.Error
		if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
			return
		}
		if errors.Is(err, io.EOF) && !peerGone(lc.c) {
			w.half = true
			return
		}
		w.gone = true
		_ = hc.c.SetDeadline(aLongTimeAgo)
	})
	return w
}

// stop ends the watch; it reports whether the client went away and
// whether it closed its sending side.
func (w *watcher) stop() (gone, half bool) {
	if w.timer == nil {
		return false, false
	}
	if w.timer.Stop() {
		return false, false
	}
	// The watcher runs or ran: end its read and wait for it.
	_ = w.lc.c.SetReadDeadline(aLongTimeAgo)
	<-w.done
	_ = w.lc.c.SetReadDeadline(time.Time{})
	return w.gone, w.half
}

// laneHead checks that head (a request head ending in CRLF CRLF) is one
// the lane serves, and returns its method and target: GET or HEAD,
// HTTP/1.1, an origin-form target, one clean Host header, and no header
// that frames a body, asks for an upgrade or is hop-by-hop.
func laneHead(head []byte) (method, target string, ok bool) {
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	m, rl, ok1 := bytes.Cut(line, []byte(" "))
	tg, proto, ok2 := bytes.Cut(rl, []byte(" "))
	if !ok1 || !ok2 || string(proto) != "HTTP/1.1" || len(tg) == 0 || tg[0] != '/' {
		return "", "", false
	}
	switch string(m) {
	case http.MethodGet:
		method = http.MethodGet
	case http.MethodHead:
		method = http.MethodHead
	default:
		return "", "", false
	}
	for _, ch := range tg {
		if ch <= ' ' || ch >= 0x7f {
			return "", "", false
		}
	}
	hosts := 0
	for len(rest) > 2 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, found := bytes.Cut(h, []byte(":"))
		if !found || len(name) == 0 {
			return "", "", false
		}
		for _, ch := range name {
			if !tokenChar(ch) {
				return "", "", false
			}
		}
		for _, ch := range value {
			if (ch < ' ' && ch != '\t') || ch == 0x7f {
				return "", "", false
			}
		}
		switch {
		case asciiEqualFold(name, "host"):
			hosts++
			for _, ch := range bytes.TrimSpace(value) {
				if !hostChar(ch) {
					return "", "", false
				}
			}
		case hopOrBodyHeader(name):
			return "", "", false
		}
	}
	if hosts != 1 {
		return "", "", false
	}
	return method, string(tg), true
}

// hopOrBodyHeader names the request headers the lane leaves to net/http:
// those that frame a body, ask for an upgrade or an expectation, are
// hop-by-hop, or that httputil.ReverseProxy's Rewrite mode removes.
func hopOrBodyHeader(name []byte) bool {
	for _, h := range [...]string{"content-length", "transfer-encoding", "connection", "upgrade", "expect", "te",
		"trailer", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate",
		"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded"} {
		if asciiEqualFold(name, h) {
			return true
		}
	}
	return false
}

func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func tokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}

func hostChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '.' || c == '-' || c == ':' || c == '_' || c == '[' || c == ']'
}

// respHead is the daemon's answer head as the lane forwards it: the
// status line and end-to-end headers, and how the body is framed.
type respHead struct {
	code    int
	out     []byte // the head to write to the client
	length  int64  // -1 when not given
	chunked bool
	close   bool // the daemon ends the connection after this answer
}

var errBadAnswer = errors.New("the daemon's answer head is not one the guard reads")

// readRespHead reads an answer head from br and prepares what the client
// gets: the same bytes less the hop-by-hop headers (Connection and those
// it names, Keep-Alive, Proxy-*, TE, Trailer, Upgrade), as
// httputil.ReverseProxy removes them.
func readRespHead(br *bufio.Reader) (respHead, error) {
	rh := respHead{length: -1}
	line, err := br.ReadSlice('\n')
	if err != nil {
		return rh, err
	}
	if len(line) < 14 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) || line[12] != ' ' && line[12] != '\r' {
		return rh, errBadAnswer
	}
	code, err := strconv.Atoi(string(line[9:12]))
	if err != nil || code < 200 || code > 999 {
		return rh, errBadAnswer
	}
	rh.code = code
	statusLen := len(line)
	out := make([]byte, 0, 512)
	out = append(out, line...)
	var drop [][]byte
	type hdr struct{ start, end int }
	var kept []hdr
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return rh, errBadAnswer
			}
			return rh, err
		}
		if len(line) < 2 || line[len(line)-2] != '\r' {
			return rh, errBadAnswer
		}
		h := line[:len(line)-2]
		if len(h) == 0 {
			break
		}
		if h[0] == ' ' || h[0] == '\t' {
			return rh, errBadAnswer
		}
		name, value, found := bytes.Cut(h, []byte(":"))
		if !found {
			return rh, errBadAnswer
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (rh.length >= 0 && rh.length != n) {
				return rh, errBadAnswer
			}
			rh.length = n
		case asciiEqualFold(name, "transfer-encoding"):
			if !asciiEqualFold(value, "chunked") || rh.chunked {
				return rh, errBadAnswer
			}
			rh.chunked = true
		case asciiEqualFold(name, "connection"):
			for _, tok := range bytes.Split(value, []byte(",")) {
				tok = bytes.TrimSpace(tok)
				if asciiEqualFold(tok, "close") {
					rh.close = true
				} else if len(tok) > 0 {
					drop = append(drop, bytes.ToLower(tok))
				}
			}
			continue
		case asciiEqualFold(name, "keep-alive"), asciiEqualFold(name, "proxy-connection"),
			asciiEqualFold(name, "proxy-authenticate"), asciiEqualFold(name, "proxy-authorization"),
			asciiEqualFold(name, "te"), asciiEqualFold(name, "trailer"), asciiEqualFold(name, "upgrade"):
			continue
		}
		kept = append(kept, hdr{len(out), len(out) + len(line)})
		out = append(out, line...)
	}
	if len(drop) > 0 || rh.chunked {
		// Rebuild without the headers Connection named, and without a
		// Content-Length beside chunked framing.
		filtered := append([]byte(nil), out[:statusLen]...)
		for _, k := range kept {
			l := out[k.start:k.end]
			name, _, _ := bytes.Cut(l, []byte(":"))
			if rh.chunked && asciiEqualFold(name, "content-length") {
				continue
			}
			skip := false
			for _, d := range drop {
				if asciiEqualFold(name, string(d)) {
					skip = true
				}
			}
			if !skip {
				filtered = append(filtered, l...)
			}
		}
		out = filtered
		if rh.chunked {
			rh.length = -1
		}
	}
	out = append(out, '\r', '\n')
	rh.out = out
	return rh, nil
}

// copyAnswer writes the answer head and body to dst. keepUp reports
// whether the daemon connection can carry another request, keepClient
// whether the client's can.
func copyAnswer(dst *bufio.Writer, src *bufio.Reader, rh respHead, head bool) (keepUp, keepClient bool, err error) {
	noBody := head || rh.code == http.StatusNoContent || rh.code == http.StatusNotModified
	out := rh.out
	if !noBody && !rh.chunked && rh.length < 0 {
		// The body ends with the daemon's connection: so does the
		// client's, as HTTP/1.1 allows.
		out = append(out[:len(out)-2:len(out)-2], "Connection: close\r\n\r\n"...)
	}
	if _, err := dst.Write(out); err != nil {
		return false, false, err
	}
	switch {
	case noBody:
		return !rh.close, true, nil
	case rh.chunked:
		if err := copyChunked(dst, src); err != nil {
			return false, false, err
		}
	case rh.length >= 0:
		if _, err := io.CopyN(dst, src, rh.length); err != nil {
			return false, false, err
		}
	default:
		if _, err := io.Copy(dst, src); err != nil {
			return false, false, err
		}
		return false, false, nil
	}
	return !rh.close, true, nil
}

var errBadChunk = errors.New("the daemon's chunked answer is malformed")

// copyChunked copies a chunked body, framing and trailers included, as
// it comes.
func copyChunked(dst *bufio.Writer, src *bufio.Reader) error {
	for {
		line, err := src.ReadSlice('\n')
		if err != nil {
			return err
		}
		sz := bytes.TrimRight(line, "\r\n")
		if i := bytes.IndexByte(sz, ';'); i >= 0 {
			sz = sz[:i]
		}
		sz = bytes.TrimSpace(sz)
		if len(sz) == 0 || len(sz) > 15 {
			return errBadChunk
		}
		n, err := strconv.ParseInt(string(sz), 16, 64)
		if err != nil || n < 0 {
			return errBadChunk
		}
		if _, err := dst.Write(line); err != nil {
			return err
		}
		if n == 0 {
			for {
				line, err := src.ReadSlice('\n')
				if err != nil {
					return err
				}
				if _, err := dst.Write(line); err != nil {
					return err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := io.CopyN(dst, src, n); err != nil {
			return err
		}
		crlf, err := src.ReadSlice('\n')
		if err != nil {
			return err
		}
		if string(crlf) != "\r\n" {
			return errBadChunk
		}
		if _, err := dst.Write(crlf); err != nil {
			return err
		}
	}
}
