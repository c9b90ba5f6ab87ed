package guardproxy

import (
	"net/url"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		method, uri string
		kind        Kind
		op          Op
		id          string
	}{
		{"GET", "/v1.41/containers/json", Read, opNone, ""},
		{"GET", "/_ping", Read, opNone, ""},
		{"HEAD", "/_ping", Read, opNone, ""},
		{"POST", "/v1.41/containers/create?name=x", Write, opNone, ""},
		{"POST", "/v1.41/containers/abc/start", Write, opNone, ""},
		{"DELETE", "/v1.41/containers/abc?force=1", Write, opRemoveContainer, "abc"},
		{"DELETE", "/containers/abc", Write, opRemoveContainer, "abc"},
		// Traps: force on volumes and networks only ignores a missing
		// object; they are writes, never rewritten.
		{"DELETE", "/v1.41/volumes/data?force=1", Write, opNone, ""},
		{"DELETE", "/v1.41/networks/n", Write, opNone, ""},
		{"DELETE", "/v1.41/images/library/alpine:3?force=1", Write, opNone, ""},
		{"POST", "/v1.41/containers/abc/kill?signal=HUP", Write, opKillContainer, "abc"},
		// docker logs -f follows; docker logs does not.
		{"GET", "/v1.41/containers/abc/logs?follow=1&stdout=1", Stream, opNone, ""},
		{"GET", "/v1.41/containers/abc/logs?stdout=1", Read, opNone, ""},
		{"GET", "/v1.41/containers/abc/logs?follow=0", Read, opNone, ""},
		{"GET", "/v1.41/containers/abc/stats", Stream, opNone, ""},
		{"GET", "/v1.41/containers/abc/stats?stream=0", Read, opNone, ""},
		{"GET", "/v1.41/containers/abc/stats?stream=false", Read, opNone, ""},
		{"GET", "/v1.41/events?filters=x", Stream, opNone, ""},
		{"POST", "/v1.41/containers/abc/attach?stream=1", Stream, opNone, ""},
		{"POST", "/v1.41/containers/abc/wait?condition=next-exit", Stream, opNone, ""},
		{"POST", "/v1.41/exec/e1/start", Stream, opNone, ""},
		{"POST", "/v1.41/containers/abc/exec", Write, opNone, ""},
		{"POST", "/session", Stream, opNone, ""},
		{"POST", "/grpc", Stream, opNone, ""},
		{"POST", "/v1.41/containers/abc/resize?h=40&w=80", Read, opNone, ""},
		{"POST", "/v1.41/build?t=x", WriteStream, opNone, ""},
		{"POST", "/v1.41/images/create?fromImage=alpine", WriteStream, opNone, ""},
		{"POST", "/v1.41/images/registry.example.com/team/app/push?tag=1", WriteStream, opNone, ""},
		{"PUT", "/v1.41/containers/abc/archive?path=/", Write, opNone, ""},
		{"GET", "/v1.41/containers/abc/archive?path=/", Read, opNone, ""},
		{"HEAD", "/v1.41/containers/abc/archive?path=/", Read, opNone, ""},
		// An endpoint the table does not know is a write when it is not
		// a read: the dangerous default.
		{"POST", "/v1.41/swarm/init", Write, opNone, ""},
		{"POST", "/v1.41/auth", Read, opNone, ""},
		// A container id longer than one segment is not a container
		// removal.
		{"DELETE", "/v1.41/containers/a/b", Write, opNone, ""},
	} {
		u, err := url.ParseRequestURI(tc.uri)
		if err != nil {
			t.Fatal(err)
		}
		c := classify(tc.method, u)
		if c.kind != tc.kind || c.op != tc.op || c.id != tc.id {
			t.Errorf("%s %s: kind %s op %d id %q, want %s %d %q", tc.method, tc.uri, c.kind, c.op, c.id, tc.kind, tc.op, tc.id)
		}
	}
}

func TestBoolValue(t *testing.T) {
	for v, want := range map[string]bool{"1": true, "true": true, "True": true, "yes": true, "": false, "0": false, "false": false, "no": false, "none": false, "FALSE": false} {
		if got := boolValue(url.Values{"force": {v}}, "force"); got != want {
			t.Errorf("force=%q: %v, want %v", v, got, want)
		}
	}
}

func TestDenyRules(t *testing.T) {
	r, err := parseDeny("POST /containers/*/exec")
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"/containers/abc/exec": true, "/containers/abc/start": false, "/containers//exec": false, "/containers/a/b/exec": false} {
		if got := r.matches("POST", p); got != want {
			t.Errorf("POST %s: %v, want %v", p, got, want)
		}
	}
	if r.matches("GET", "/containers/abc/exec") {
		t.Error("the method is part of the rule")
	}
	all, err := parseDeny("* /images/**")
	if err != nil {
		t.Fatal(err)
	}
	if !all.matches("DELETE", "/images/a/b/c") || all.matches("GET", "/images") {
		t.Error("** matches one or more segments")
	}
	for _, bad := range []string{"POST", "PATCH /x", "POST x", "POST /a /b"} {
		if _, err := parseDeny(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
