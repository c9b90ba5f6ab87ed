package guardproxy

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/internal/testdaemon/fakedaemon"
	"github.com/dockguard/dockguard/verify/endpoint"
)

// TestLogNeverHoldsSecrets: one JSON line per request, with the client's
// method, path, status and rewrite; query values outside the safe list,
// X-Registry-Auth and bodies are never written.
func TestLogNeverHoldsSecrets(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Containers: []fakedaemon.Container{{ID: "r1", Name: "r1", State: "running"}}}).Start()
	defer fake.Close()
	tr, scheme, host, err := Upstream(endpoint.Endpoint{Host: fake.Host()})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	srv, err := New(Options{Config: Config{Interval: -1}, Transport: tr, Scheme: scheme, Host: host,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)), LogAll: true})
	if err != nil {
		t.Fatal(err)
	}
	send := func(method, target, body string) {
		req, _ := http.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("X-Registry-Auth", "c2VjcmV0LXRva2Vu")
		rec := &nopWriter{h: http.Header{}}
		srv.ServeHTTP(rec, req)
	}
	send("POST", "http://guard/v1.41/build?t=app&buildargs=%7B%22TOKEN%22%3A%22hunter2%22%7D", `{"password":"body-secret"}`)
	send("DELETE", "http://guard/v1.41/containers/r1?force=1", "")
	out := logs.String()
	for _, secret := range []string{"hunter2", "body-secret", "c2VjcmV0LXRva2Vu", "TOKEN"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), out)
	}
	var rec struct {
		Method, Path, Query, Rewrite, Kind string
		Status                             int
	}
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Method != "DELETE" || rec.Path != "/v1.41/containers/r1" || rec.Query != "force=1" || rec.Rewrite != RewriteStopFirst || rec.Status != 204 || rec.Kind != "write" {
		t.Fatalf("log record %+v from %s", rec, lines[1])
	}
}

type nopWriter struct {
	h    http.Header
	code int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(c int)           { w.code = c }

// TestEncodedSeparator agrees with the lower-casing search it replaced on
// every short string over the bytes that matter.
func TestEncodedSeparator(t *testing.T) {
	alphabet := []byte("%20fFeEcC5/a")
	var gen func(prefix []byte, n int)
	gen = func(prefix []byte, n int) {
		s := string(prefix)
		l := strings.ToLower(s)
		want := strings.Contains(l, "%2f") || strings.Contains(l, "%2e") || strings.Contains(l, "%5c") || strings.Contains(l, "%00")
		if got := encodedSeparator(s); got != want {
			t.Fatalf("encodedSeparator(%q) = %v, want %v", s, got, want)
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(append(prefix, c), n-1)
		}
	}
	gen(nil, 5)
}
