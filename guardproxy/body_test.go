package guardproxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// bodyUpstream is a daemon stand-in that reads every request body to its
// end and notes how each read ended: a complete body (nil) or the error
// the daemon's decoder would have met.
type bodyUpstream struct {
	srv  *httptest.Server
	mu   sync.Mutex
	ends map[string]error
	got  map[string]string
}

func startBodyUpstream(t *testing.T) *bodyUpstream {
	t.Helper()
	u := &bodyUpstream{ends: map[string]error{}, got: map[string]string{}}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		u.mu.Lock()
		u.ends[r.URL.Path], u.got[r.URL.Path] = err, string(b)
		u.mu.Unlock()
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Id":"made"}`)
	}))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *bodyUpstream) end(path string) (seen bool, body string, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	err, seen = u.ends[path]
	return seen, u.got[path], err
}

// TestTruncatedBodies: a client that sends part of a chunked body, or
// fewer bytes than its Content-Length, and then goes away must not crash
// the guard, and must not reach the daemon as a well-formed request: the
// daemon's read of the body fails (it never sees a body that ends
// cleanly), so it creates nothing. A complete chunked body passes whole.
func TestTruncatedBodies(t *testing.T) {
	up := startBodyUpstream(t)
	srv, base := guardFor(t, "tcp://"+strings.TrimPrefix(up.srv.URL, "http://"), Config{Interval: -1})
	addr := strings.TrimPrefix(base, "http://")
	send := func(raw string, halfClose bool) string {
		t.Helper()
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.WriteString(c, raw); err != nil {
			t.Fatal(err)
		}
		// The client stops sending: half-close, as a process dying
		// mid-upload leaves the socket.
		if halfClose {
			_ = c.(*net.TCPConn).CloseWrite()
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(line)
	}
	const head = "POST /v1.41/containers/create?name=%s HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
	cases := []struct{ name, raw string }{
		{"chunked", strings.Replace(head, "%s", "a", 1) + "Transfer-Encoding: chunked\r\n\r\n40\r\n{\"Image\":\"dockguard-test-helper\",\"Lab"},
		{"chunk-size", strings.Replace(head, "%s", "b", 1) + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"Image\":\"x\",\"A\":1}\r\n"},
		{"no-last-chunk", strings.Replace(head, "%s", "c", 1) + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n"},
		{"content-length", strings.Replace(head, "%s", "d", 1) + "Content-Length: 100\r\n\r\n{\"Image\":\"x\""},
	}
	for _, tc := range cases {
		status := send(tc.raw, true)
		// The client is told its own request was bad.
		if !strings.Contains(status, " 400 ") {
			t.Errorf("%s: the client was told %q, want 400", tc.name, status)
		}
		// The headers went upstream before the body broke off; the
		// daemon's read of the body must fail. (The daemon may finish its
		// read after the guard answered: wait for it, within a bound for a
		// stuck run.)
		var seen bool
		var body string
		var err error
		for deadline := time.Now().Add(30 * time.Second); !seen && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			seen, body, err = up.end("/v1.41/containers/create")
		}
		if !seen {
			t.Errorf("%s: the daemon never saw the request's headers", tc.name)
		} else if err == nil {
			t.Errorf("%s: the daemon read a complete body %q (guard said %q)", tc.name, body, status)
		}
		up.mu.Lock()
		delete(up.ends, "/v1.41/containers/create")
		up.mu.Unlock()
	}
	// The guard is still serving, and a whole chunked body reaches the
	// daemon byte for byte. (This client keeps its side open: the server
	// takes a client's half-close for its going away, and cancels.)
	whole := `{"Image":"dockguard-test-helper"}`
	status := send(strings.Replace(head, "%s", "e", 1)+"Transfer-Encoding: chunked\r\n\r\n"+
		"10\r\n"+whole[:16]+"\r\n"+strconvHex(len(whole)-16)+"\r\n"+whole[16:]+"\r\n0\r\n\r\nGET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n", false)
	if !strings.Contains(status, " 200 ") {
		t.Fatalf("a complete chunked create through the guard: %q", status)
	}
	seen, body, err := up.end("/v1.41/containers/create")
	if !seen || err != nil || body != whole {
		t.Fatalf("the daemon read %q, %v (seen %v); want %q", body, err, seen, whole)
	}
	if a := call(t, "GET", base+"/_ping"); a.code != 200 {
		t.Fatalf("the guard stopped serving: %+v", a)
	}
	if n := srv.Totals().Requests["write"]; n != int64(len(cases)+1) {
		t.Fatalf("write requests counted %d, want %d", n, len(cases)+1)
	}
	if got := srv.Totals().Refused; len(got) != 0 {
		t.Fatalf("refusals %v: a broken body is not a refusal", got)
	}
}

func strconvHex(n int) string {
	const digits = "0123456789abcdef"
	if n < 16 {
		return digits[n : n+1]
	}
	return strconvHex(n/16) + digits[n%16:n%16+1]
}
