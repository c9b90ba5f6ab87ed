package fakedaemon

import (
	"net/http"
	"strings"
	"testing"
)

func TestClass(t *testing.T) {
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/_ping", "ping"},
		{"HEAD", "/v1.41/_ping", "ping"},
		{"GET", "/v1.41/info", "info"},
		{"GET", "/v1.41/containers/json", "containers/list"},
		{"GET", "/v1.41/containers/abc/json", "containers/inspect"},
		{"GET", "/containers/abc/stats", "containers/stats"},
		{"POST", "/v1.41/containers/abc/stop", "containers/stop"},
		{"POST", "/v1.41/containers/abc/kill", "containers/kill"},
		{"POST", "/v1.41/containers/abc/start", "containers/start"},
		{"POST", "/v1.41/exec/e1/start", "exec/start"},
		{"DELETE", "/v1.41/containers/abc", "containers/remove"},
		{"DELETE", "/v1.41/volumes/data", "volumes/remove"},
		{"DELETE", "/v1.41/networks/n1", "networks/remove"},
		{"POST", "/v1.41/containers/create", "containers/create"},
		{"POST", "/v1.41/build/prune", "build/prune"},
		{"GET", "/v1.41/images/json", "images/json"},
		{"POST", "/v1.41/images/prune", "images/prune"},
		{"GET", "/v1.41/volumes", "volumes/list"},
		{"GET", "/v1.41/system/df", "system/df"},
	} {
		if got := Class(tt.method, tt.path); got != tt.want {
			t.Errorf("Class(%s %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestFaultKeysMatchRequests drives the keys the Faults documentation
// names through real requests: a fault on "containers/stop" must hit the
// stop of any container, and Count must count the same class.
func TestFaultKeysMatchRequests(t *testing.T) {
	d := (&Daemon{APIVersion: "1.41", Containers: []Container{{ID: "c1", Name: "one", State: "running"}, {ID: "c2", Name: "two", State: "exited"}},
		Faults: map[string]*Fault{"containers/stop": {Status: 500, Times: 1}, "containers/kill": {Status: 503}}}).Start()
	defer d.Close()
	do := func(method, path string) int {
		t.Helper()
		req, err := http.NewRequest(method, d.Server.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := d.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := do("POST", "/v1.41/containers/c1/stop?t=10"); got != 500 {
		t.Errorf("first stop: HTTP %d, want the injected 500", got)
	}
	if got := do("POST", "/v1.41/containers/c1/stop?t=10"); got != http.StatusNoContent {
		t.Errorf("second stop (past Times): HTTP %d, want 204 from the fake", got)
	}
	if got := do("POST", "/v1.41/containers/c2/kill"); got != 503 {
		t.Errorf("kill: HTTP %d, want the injected 503", got)
	}
	if got := do("DELETE", "/v1.41/containers/c2"); got != http.StatusNoContent {
		t.Errorf("remove: HTTP %d, want 204 (no fault on containers/remove)", got)
	}
	if got := do("GET", "/v1.41/containers/c1/json"); got != 200 {
		t.Errorf("inspect: HTTP %d, want 200 (a stop fault must not hit the inspect)", got)
	}
	for class, want := range map[string]int{"containers/stop": 2, "containers/kill": 1, "containers/remove": 1, "containers/inspect": 1} {
		if got := d.Count(class); got != want {
			t.Errorf("Count(%q) = %d, want %d (log %s)", class, got, want, strings.Join(d.Log(), "; "))
		}
	}
}
