package guardproxy

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// Serve runs the guard on ln until ctx is done, then drains: it stops
// accepting, ends the long-lived calls (events, logs --follow, attach),
// and waits up to drain for the requests in flight and queued to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	out := newConnListener(ln.Addr())
	hop, _ := s.up.base.(*readHop)
	l := &lane{s: s, hop: hop, out: out, conns: map[*laneConn]bool{}}
	srv := &http.Server{
		Handler:           s,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ReadHeaderTimeout: 30 * time.Second,
		// Malformed requests get their 400 from net/http; that is not
		// news for the guard's log.
		ErrorLog: log.New(io.Discard, "", 0),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if hc, ok := c.(*handedConn); ok && hc.spent.Load() > 0 {
				return context.WithValue(ctx, spentKey{}, hc)
			}
			return ctx
		},
		ConnState: func(c net.Conn, st http.ConnState) {
			if hc, ok := c.(*handedConn); ok {
				hc.active.Store(st == http.StateActive)
			}
		},
	}
	wctx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	go s.watch(wctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(out) }()
	acceptc := make(chan error, 1)
	go func() { acceptc <- l.accept(ln) }()
	select {
	case err := <-errc:
		ln.Close()
		return err
	case err := <-acceptc:
		if err != nil {
			_ = srv.Close()
			return err
		}
	case <-ctx.Done():
	}
	l.drain()
	ln.Close()
	s.cancelStream()
	dctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	err := srv.Shutdown(dctx)
	laneDone := l.wait(dctx.Done())
	if errors.Is(err, context.DeadlineExceeded) || !laneDone {
		_ = srv.Close()
		return errors.New("drain: requests were still running when the drain time ran out; their connections were closed")
	}
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) {
		return e
	}
	return err
}
