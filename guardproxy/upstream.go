package guardproxy

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/dockguard/dockguard/daemonguard"
)

// upstream is the RoundTripper to the daemon: it feeds the breaker with
// every transport outcome and retries idempotent requests (GET and HEAD
// without a body or an upgrade) on transport errors and 502, 503 and 504,
// with daemonguard's jittered backoff.
type upstream struct {
	base    http.RoundTripper
	br      *breaker
	tries   int
	backoff time.Duration
	retries atomic.Int64
}

func idempotent(req *http.Request) bool {
	return (req.Method == http.MethodGet || req.Method == http.MethodHead) &&
		(req.Body == nil || req.Body == http.NoBody) && req.Header.Get("Upgrade") == ""
}

// spentKey holds, in a request's context, the *handedConn it came on:
// the lane may have spent attempts on the connection's first request.
type spentKey struct{}

func (u *upstream) RoundTrip(req *http.Request) (*http.Response, error) {
	retry := idempotent(req)
	first := 1
	if hc, ok := req.Context().Value(spentKey{}).(*handedConn); ok && retry {
		if spent := int(hc.spent.Swap(0)); spent > 0 {
			first = spent + 1
			if sleepErr := sleepCtx(req.Context(), daemonguard.Backoff(u.backoff, spent)); sleepErr != nil {
				return nil, sleepErr
			}
		}
	}
	for try := first; ; try++ {
		resp, err := u.base.RoundTrip(req)
		if err != nil {
			if req.Context().Err() != nil {
				// The client went away; not the daemon's fault.
				return nil, err
			}
			u.br.failure(err.Error())
		} else {
			u.br.success()
		}
		if !retry || try >= u.tries || (err == nil && !retryStatus(resp.StatusCode)) {
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		u.retries.Add(1)
		if sleepErr := sleepCtx(req.Context(), daemonguard.Backoff(u.backoff, try)); sleepErr != nil {
			return nil, sleepErr
		}
	}
}

func retryStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
