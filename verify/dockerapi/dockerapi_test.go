package dockerapi

import (
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/verify/endpoint"
)

func TestMemUsageSubtractsPageCache(t *testing.T) {
	tests := []struct {
		usage uint64
		stats map[string]uint64
		want  int64
	}{
		{100, map[string]uint64{"inactive_file": 30}, 70},       // cgroup v2
		{100, map[string]uint64{"total_inactive_file": 40}, 60}, // cgroup v1
		{100, map[string]uint64{"inactive_file": 300}, 100},     // nonsense: keep usage
		{100, nil, 100},
	}
	for _, tt := range tests {
		if got := memUsage(tt.usage, tt.stats); got != tt.want {
			t.Errorf("memUsage(%d, %v) = %d, want %d", tt.usage, tt.stats, got, tt.want)
		}
	}
}

func TestIsDockerDesktop(t *testing.T) {
	if !IsDockerDesktop("Docker Desktop", nil) || !IsDockerDesktop("Ubuntu", []string{"com.docker.desktop.address=unix:///x"}) {
		t.Error("Docker Desktop not recognised")
	}
	if IsDockerDesktop("Debian GNU/Linux 12 (bookworm)", []string{"provider=generic"}) {
		t.Error("Debian taken for Docker Desktop")
	}
}

func TestParseTime(t *testing.T) {
	if !parseTime("0001-01-01T00:00:00Z").IsZero() || !parseTime("").IsZero() {
		t.Error("the zero time of the API must be zero")
	}
	want := time.Date(2026, 5, 1, 10, 0, 0, 123456789, time.UTC)
	if got := parseTime("2026-05-01T10:00:00.123456789Z"); !got.Equal(want) {
		t.Errorf("parseTime = %v", got)
	}
}

func TestTransportFor(t *testing.T) {
	for _, tt := range []struct {
		ep     endpoint.Endpoint
		scheme string
		err    string
	}{
		{endpoint.Endpoint{Host: "unix:///var/run/docker.sock"}, "http", ""},
		{endpoint.Endpoint{Host: "tcp://10.0.0.1:2375"}, "http", ""},
		{endpoint.Endpoint{Host: "tcp://10.0.0.1:2376", TLS: &endpoint.TLS{SkipVerify: true}}, "https", ""},
		{endpoint.Endpoint{Host: "ssh://me@box"}, "http", ""},
		{endpoint.Endpoint{Host: "npipe:////./pipe/docker_engine"}, "", "only available on Windows"},
		{endpoint.Endpoint{Host: "tcp://h:1", TLS: &endpoint.TLS{CAFile: "/nonexistent/ca.pem"}}, "", "TLS configuration"},
	} {
		tr, _, scheme, err := transportFor(tt.ep, Config{}.Guard)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.ep.Host, err, tt.err)
			}
			continue
		}
		if err != nil || scheme != tt.scheme || tr.MaxConnsPerHost != 3 {
			t.Errorf("%s: scheme %q err %v maxConns %d", tt.ep.Host, scheme, err, tr.MaxConnsPerHost)
		}
	}
}
