package guardproxy

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MetricsPath is where the guard serves its metrics, on its own listener.
const MetricsPath = "/_dockguard/metrics"

// latencyBuckets are the histogram bounds in seconds: from 100 µs (the
// overhead target) to a minute (a queued storm).
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func (h *histogram) observe(d time.Duration) {
	if h.counts == nil {
		h.counts = make([]uint64, len(latencyBuckets)+1)
	}
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	h.counts[i]++
	h.sum += s
	h.n++
}

// FormatCounts renders counts by key as "a 1, b 2" in key order, or
// "none"; the guard's exit summary and the report's guard table share it.
func FormatCounts(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Totals are the guard's counters since it started.
type Totals struct {
	// Requests counts requests by kind ("read", "write", ...).
	Requests map[string]int64 `json:"requests"`
	// Rewrites counts rewrites ("remove-stop-first", "kill-to-stop").
	Rewrites map[string]int64 `json:"rewrites"`
	// Refused counts refusals by reason ("queue-full", "queue-timeout",
	// "breaker-open", "denied", "bad-request").
	Refused map[string]int64 `json:"refused"`
	// Retries counts retried attempts of idempotent requests.
	Retries int64 `json:"retries"`
	// PeakWriteInFlight and PeakReadInFlight are the most requests of each
	// kind at the daemon at once.
	PeakWriteInFlight int `json:"peakWriteInFlight"`
	PeakReadInFlight  int `json:"peakReadInFlight"`
	// BreakerOpens counts how often the breaker opened.
	BreakerOpens int `json:"breakerOpens"`
}

type metrics struct {
	mu       sync.Mutex
	requests map[string]int64
	rewrites map[string]int64
	refused  map[string]int64
	wait     map[string]*histogram // by gate
	up       map[string]*histogram // by kind
}

func newMetrics() *metrics {
	return &metrics{requests: map[string]int64{}, rewrites: map[string]int64{}, refused: map[string]int64{},
		wait: map[string]*histogram{}, up: map[string]*histogram{}}
}

func (m *metrics) add(mp map[string]int64, key string) {
	m.mu.Lock()
	mp[key]++
	m.mu.Unlock()
}

func (m *metrics) observe(mp map[string]*histogram, key string, d time.Duration) {
	m.mu.Lock()
	h := mp[key]
	if h == nil {
		h = &histogram{}
		mp[key] = h
	}
	h.observe(d)
	m.mu.Unlock()
}

func copyMap(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// writeMetrics renders the Prometheus text exposition format (version
// 0.0.4): a handful of counters, gauges and two histograms do not justify
// a client library.
func (s *Server) writeMetrics(w io.Writer) {
	m := s.metrics
	ws, rs := s.writes.stats(), s.reads.stats()
	m.mu.Lock()
	defer m.mu.Unlock()
	counter := func(name, help, label string, vals map[string]int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
		for _, k := range sortedKeys(vals) {
			fmt.Fprintf(w, "%s{%s=%q} %d\n", name, label, k, vals[k])
		}
	}
	gauge := func(name, help string, vals map[string]float64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "%s%s %s\n", name, k, strconv.FormatFloat(vals[k], 'g', -1, 64))
		}
	}
	hist := func(name, help, label string, hs map[string]*histogram) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
		keys := make([]string, 0, len(hs))
		for k := range hs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			h := hs[k]
			var cum uint64
			for i, b := range latencyBuckets {
				cum += h.counts[i]
				fmt.Fprintf(w, "%s_bucket{%s=%q,le=%q} %d\n", name, label, k, strconv.FormatFloat(b, 'g', -1, 64), cum)
			}
			fmt.Fprintf(w, "%s_bucket{%s=%q,le=\"+Inf\"} %d\n", name, label, k, h.n)
			fmt.Fprintf(w, "%s_sum{%s=%q} %s\n%s_count{%s=%q} %d\n", name, label, k, strconv.FormatFloat(h.sum, 'g', -1, 64), name, label, k, h.n)
		}
	}
	counter("dockguard_guard_requests_total", "Requests received, by policy kind.", "kind", m.requests)
	counter("dockguard_guard_rewrites_total", "Requests rewritten into graceful ones.", "rewrite", m.rewrites)
	counter("dockguard_guard_refused_total", "Requests answered by the guard itself with an error, by reason.", "reason", m.refused)
	counter("dockguard_guard_retries_total", "Retried attempts of idempotent requests.", "kind", map[string]int64{"read": s.up.retries.Load()})
	gauge("dockguard_guard_in_flight", "Requests at the daemon now, by gate.", map[string]float64{`{gate="write"}`: float64(ws.InFlight), `{gate="read"}`: float64(rs.InFlight)})
	gauge("dockguard_guard_queue_depth", "Requests waiting for a slot, by gate.", map[string]float64{`{gate="write"}`: float64(ws.Queued), `{gate="read"}`: float64(rs.Queued)})
	gauge("dockguard_guard_peak_in_flight", "Most requests at the daemon at once, by gate.", map[string]float64{`{gate="write"}`: float64(ws.Peak), `{gate="read"}`: float64(rs.Peak)})
	state := s.br.state()
	bs := map[string]float64{}
	for _, st := range []string{"closed", "open", "half-open"} {
		v := 0.0
		if st == state {
			v = 1
		}
		bs[fmt.Sprintf("{state=%q}", st)] = v
	}
	gauge("dockguard_guard_breaker_state", "The circuit breaker's state (1 for the current one).", bs)
	s.br.mu.Lock()
	opens := s.br.opens
	s.br.mu.Unlock()
	fmt.Fprintf(w, "# HELP dockguard_guard_breaker_opens_total Times the circuit breaker opened.\n# TYPE dockguard_guard_breaker_opens_total counter\ndockguard_guard_breaker_opens_total %d\n", opens)
	hist("dockguard_guard_queue_wait_seconds", "Time requests waited for their slot, by gate.", "gate", m.wait)
	hist("dockguard_guard_upstream_seconds", "Time from forwarding to the daemon's answer headers, by kind.", "kind", m.up)
}

func sortedKeys(m map[string]int64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Totals returns the counters, for the summary printed at exit.
func (s *Server) Totals() Totals {
	ws, rs := s.writes.stats(), s.reads.stats()
	s.br.mu.Lock()
	opens := s.br.opens
	s.br.mu.Unlock()
	m := s.metrics
	m.mu.Lock()
	defer m.mu.Unlock()
	return Totals{Requests: copyMap(m.requests), Rewrites: copyMap(m.rewrites), Refused: copyMap(m.refused),
		Retries: s.up.retries.Load(), PeakWriteInFlight: ws.Peak, PeakReadInFlight: rs.Peak, BreakerOpens: opens}
}
