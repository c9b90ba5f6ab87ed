package guardproxy

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// safeQuery are the query parameters whose values are logged; every other
// value (build args, filters, registry parameters) may carry a secret and
// is logged as "…".
var safeQuery = map[string]bool{"force": true, "t": true, "signal": true, "v": true, "link": true, "all": true,
	"follow": true, "stream": true, "tail": true, "timestamps": true, "stdout": true, "stderr": true, "stdin": true,
	"logs": true, "condition": true, "size": true, "limit": true, "detach": true, "h": true, "w": true}

func redactQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if safeQuery[k] {
				b.WriteString(url.QueryEscape(v))
			} else {
				b.WriteString("…")
			}
		}
	}
	return b.String()
}

// logRequest writes one record per request: never a body, never a header
// (X-Registry-Auth is a credential), and the query only as redactQuery
// shows it.
func (s *Server) logRequest(r *http.Request, st *reqState, begin time.Time) {
	if s.log == nil || (!s.logAll && st.rewrite == "" && st.refused == "") {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", st.status),
		slog.String("kind", st.kind.String()),
		slog.Float64("wait_ms", ms(st.wait)),
		slog.Float64("upstream_ms", ms(st.upDur)),
		slog.Float64("total_ms", ms(time.Since(begin))),
	}
	if q := redactQuery(r.URL.Query()); q != "" {
		attrs = append(attrs, slog.String("query", q))
	}
	if st.rewrite != "" {
		attrs = append(attrs, slog.String("rewrite", st.rewrite))
	}
	if st.refused != "" {
		attrs = append(attrs, slog.String("refused", st.refused))
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
