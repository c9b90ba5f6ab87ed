package guardproxy

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/internal/testdaemon/fakedaemon"
)

// TestForcedRemovalRewrite: on the fake daemon, a forced removal of a
// running container becomes a stop with t=10 and a plain removal; a
// stopped one passes straight through; a volume's force (which only
// ignores a missing volume) and a named signal's kill are left alone.
func TestForcedRemovalRewrite(t *testing.T) {
	fake := (&fakedaemon.Daemon{APIVersion: "1.41", Containers: []fakedaemon.Container{
		{ID: "r1", Name: "r1", State: "running"}, {ID: "s1", Name: "s1", State: "exited"}},
		Volumes: []fakedaemon.Volume{{Name: "v1", Dangling: true}}}).Start()
	defer fake.Close()
	srv, base := guardFor(t, fake.Host(), Config{Interval: -1, GracefulKill: true})
	if a := call(t, "DELETE", base+"/v1.41/containers/r1?force=1&v=1"); a.code != http.StatusNoContent {
		t.Fatalf("forced removal of a running container: %+v, want 204", a)
	}
	if a := call(t, "DELETE", base+"/v1.41/containers/s1?force=1"); a.code != http.StatusBadRequest {
		// The fake refuses every forced removal: its 400 shows the
		// request passed unchanged.
		t.Fatalf("forced removal of a stopped container: %+v, want the fake's 400", a)
	}
	call(t, "DELETE", base+"/v1.41/volumes/v1?force=1")
	call(t, "POST", base+"/v1.41/containers/s1/kill?signal=HUP")
	want := []string{"POST /v1.41/containers/r1/stop?t=10", "DELETE /v1.41/containers/r1?v=1",
		"DELETE /v1.41/containers/s1?force=1", "DELETE /v1.41/volumes/v1?force=1", "POST /v1.41/containers/s1/kill?signal=HUP"}
	if got := fake.Writes(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the daemon got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := srv.Totals().Rewrites[RewriteStopFirst]; n != 1 {
		t.Fatalf("rewrites %v", srv.Totals().Rewrites)
	}
}

func FuzzRequest(f *testing.F) {
	for _, s := range []string{"/v1.41/containers/abc?force=1", "/containers/../x", "/v1.41/images/a/b/push?tag=1",
		"/v1.41/containers/abc/logs?follow=1", "/%2e%2e/x", "/v9999999999.1/_ping", "//", "/containers/*/exec"} {
		f.Add("DELETE", s)
	}
	f.Fuzz(func(t *testing.T, method, uri string) {
		u, err := url.ParseRequestURI(uri)
		if err != nil {
			return
		}
		r := &http.Request{Method: method, URL: u}
		if checkRequest(r) != nil {
			return
		}
		c := classify(method, u)
		if c.op != opNone && (c.id == "" || strings.Contains(c.id, "/")) {
			t.Fatalf("%s %s: rewritable with id %q", method, uri, c.id)
		}
		if c.kind == Read && method != http.MethodGet && method != http.MethodHead && !strings.HasSuffix(c.path, "/resize") && c.path != "/auth" && !strings.HasSuffix(c.path, "/logs") && !strings.HasSuffix(c.path, "/stats") {
			t.Fatalf("%s %s classified as a read", method, uri)
		}
		_, _ = parseDeny(method + " " + uri)
	})
}
