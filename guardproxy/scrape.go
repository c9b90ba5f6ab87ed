package guardproxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"time"
)

// FetchTotals reads a running guard's totals from its metrics page, for
// `dockguard report --guard-metrics`. url is http(s)://HOST:PORT[/path],
// or the guard's socket as unix:///path/to.sock (or its DOCKER_HOST
// value tcp://HOST:PORT); the metrics path is added when none is given.
func FetchTotals(ctx context.Context, url string) (Totals, error) {
	tr := &http.Transport{}
	target := url
	switch {
	case strings.HasPrefix(url, "unix://"):
		sock := strings.TrimPrefix(url, "unix://")
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}
		target = "http://guard" + MetricsPath
	case strings.HasPrefix(url, "tcp://"):
		target = "http://" + strings.TrimPrefix(url, "tcp://")
	case strings.HasPrefix(url, "http://"), strings.HasPrefix(url, "https://"):
	default:
		return Totals{}, fmt.Errorf("guard metrics %q: want http://HOST:PORT, unix:///path/to.sock or tcp://HOST:PORT", url)
	}
	u, err := neturl.Parse(target)
	if err != nil || u.Host == "" {
		return Totals{}, fmt.Errorf("guard metrics %q: not a URL", url)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = MetricsPath
	}
	target = u.String()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return Totals{}, fmt.Errorf("guard metrics: %w", err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return Totals{}, fmt.Errorf("guard metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Totals{}, fmt.Errorf("guard metrics %s: HTTP %d", target, resp.StatusCode)
	}
	t, err := ParseTotals(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return Totals{}, fmt.Errorf("guard metrics %s: %w", target, err)
	}
	return t, nil
}

// ParseTotals reads the totals back from the guard's Prometheus text
// exposition; other metrics are ignored. A page without the guard's
// request counter is an error: it is not a guard's.
func ParseTotals(r io.Reader) (Totals, error) {
	t := Totals{Requests: map[string]int64{}, Rewrites: map[string]int64{}, Refused: map[string]int64{}}
	seen := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			if strings.HasPrefix(line, "# TYPE dockguard_guard_requests_total ") {
				seen = true
			}
			continue
		}
		name, labels, value, ok := sample(line)
		if !ok {
			continue
		}
		n := int64(value)
		switch name {
		case "dockguard_guard_requests_total":
			t.Requests[labels["kind"]] = n
		case "dockguard_guard_rewrites_total":
			t.Rewrites[labels["rewrite"]] = n
		case "dockguard_guard_refused_total":
			t.Refused[labels["reason"]] = n
		case "dockguard_guard_retries_total":
			t.Retries += n
		case "dockguard_guard_peak_in_flight":
			switch labels["gate"] {
			case "write":
				t.PeakWriteInFlight = int(n)
			case "read":
				t.PeakReadInFlight = int(n)
			}
		case "dockguard_guard_breaker_opens_total":
			t.BreakerOpens = int(n)
		}
	}
	if err := sc.Err(); err != nil {
		return Totals{}, err
	}
	if !seen {
		return Totals{}, fmt.Errorf("not a dockguard guard metrics page (no dockguard_guard_requests_total)")
	}
	return t, nil
}

// sample splits `name{k="v",...} value`.
func sample(line string) (string, map[string]string, float64, bool) {
	labels := map[string]string{}
	var name, rest string
	if i := strings.IndexByte(line, '{'); i >= 0 {
		j := strings.LastIndexByte(line, '}')
		if j < i {
			return "", nil, 0, false
		}
		name, rest = line[:i], line[j+1:]
		for _, kv := range strings.Split(line[i+1:j], ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			if uq, err := strconv.Unquote(v); err == nil {
				v = uq
			}
			labels[k] = v
		}
	} else {
		var ok bool
		name, rest, ok = strings.Cut(line, " ")
		if !ok {
			return "", nil, 0, false
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
	if err != nil {
		return "", nil, 0, false
	}
	return name, labels, v, true
}
