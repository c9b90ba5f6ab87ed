package guardproxy

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Kind is how the policy treats a request.
type Kind int

const (
	// Read is a request that changes nothing: it takes a read slot until
	// its answer is complete.
	Read Kind = iota
	// Write changes the daemon: it takes a write slot until its answer is
	// complete, and waits for its spacing turn.
	Write
	// WriteStream changes the daemon and answers with a stream (build,
	// pull, push, load): spaced, and its write slot is freed once the
	// answer's headers are in.
	WriteStream
	// Stream is long-lived and changes nothing by itself (attach, logs
	// with follow, events, stats with stream, wait, exec start, BuildKit's
	// session and grpc upgrades): it takes a read slot until its headers
	// are answered, then counts toward neither limit.
	Stream
)

func (k Kind) String() string {
	switch k {
	case Write:
		return "write"
	case WriteStream:
		return "write-stream"
	case Stream:
		return "stream"
	}
	return "read"
}

// Op names the requests the policy may rewrite.
type Op int

const (
	opNone Op = iota
	// opRemoveContainer is DELETE /containers/{id}.
	opRemoveContainer
	// opKillContainer is POST /containers/{id}/kill.
	opKillContainer
)

// route is one row of the policy table: a method, a path pattern and what
// the request is. The first matching row wins.
type route struct {
	method  string // "" for any write method (POST, PUT, DELETE)
	pattern pattern
	kind    Kind
	op      Op
	// unless, when set, turns a Stream row into a Read for requests that
	// are not long-lived (logs without follow, stats with stream=0).
	unless func(q url.Values) bool
}

// routes is the policy table. Paths are matched without their /vX.Y
// version prefix.
var routes = []route{
	{method: http.MethodPost, pattern: mustPattern("/containers/*/attach"), kind: Stream},
	{method: http.MethodGet, pattern: mustPattern("/containers/*/attach/ws"), kind: Stream},
	{method: http.MethodGet, pattern: mustPattern("/containers/*/logs"), kind: Stream, unless: func(q url.Values) bool { return !boolValue(q, "follow") }},
	{method: http.MethodGet, pattern: mustPattern("/containers/*/stats"), kind: Stream, unless: func(q url.Values) bool { return q.Has("stream") && !boolValue(q, "stream") }},
	{method: http.MethodGet, pattern: mustPattern("/events"), kind: Stream},
	{method: http.MethodPost, pattern: mustPattern("/containers/*/wait"), kind: Stream},
	{method: http.MethodPost, pattern: mustPattern("/exec/*/start"), kind: Stream},
	{method: http.MethodPost, pattern: mustPattern("/session"), kind: Stream},
	{method: http.MethodPost, pattern: mustPattern("/grpc"), kind: Stream},
	// A resize changes no state the daemon keeps; spacing it would only
	// make `docker exec -it` sluggish.
	{method: http.MethodPost, pattern: mustPattern("/containers/*/resize"), kind: Read},
	{method: http.MethodPost, pattern: mustPattern("/exec/*/resize"), kind: Read},
	{method: http.MethodPost, pattern: mustPattern("/auth"), kind: Read},
	{method: http.MethodPost, pattern: mustPattern("/build"), kind: WriteStream},
	{method: http.MethodPost, pattern: mustPattern("/images/create"), kind: WriteStream},
	{method: http.MethodPost, pattern: mustPattern("/images/load"), kind: WriteStream},
	{method: http.MethodPost, pattern: mustPattern("/images/**/push"), kind: WriteStream},
	{method: http.MethodDelete, pattern: mustPattern("/containers/*"), kind: Write, op: opRemoveContainer},
	{method: http.MethodPost, pattern: mustPattern("/containers/*/kill"), kind: Write, op: opKillContainer},
}

// classification is what the table says about one request.
type classification struct {
	kind Kind
	op   Op
	// id is the container of a rewritable request.
	id string
	// prefix is the API version prefix ("/v1.41" or "").
	prefix string
	// path is the path without the prefix.
	path string
}

var versionPrefix = regexp.MustCompile(`^/v[0-9]+(\.[0-9]+)?/`)

// splitVersion splits "/v1.41/containers/json" into "/v1.41" and
// "/containers/json".
func splitVersion(p string) (prefix, rest string) {
	if m := versionPrefix.FindString(p); m != "" {
		return m[:len(m)-1], p[len(m)-1:]
	}
	return "", p
}

// classify finds the request's row. Everything that is not GET or HEAD
// and has no row is a Write: an unknown endpoint is treated as the
// dangerous kind, not the harmless one.
func classify(method string, u *url.URL) classification {
	prefix, p := splitVersion(u.Path)
	c := classification{prefix: prefix, path: p, kind: Read}
	// Split once: the table is matched on every request.
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for _, r := range routes {
		if r.method != method || !matchSegs(r.pattern, segs) {
			continue
		}
		c.kind, c.op = r.kind, r.op
		if r.unless != nil && r.unless(u.Query()) {
			c.kind = Read
		}
		if r.op != opNone && len(segs) > 1 {
			c.id = segs[1]
		}
		return c
	}
	if method != http.MethodGet && method != http.MethodHead {
		c.kind = Write
	}
	return c
}

// boolValue reads a query flag the way the daemon does (httputils.BoolValue):
// anything but "", "0", "no", "false" and "none" is true.
func boolValue(q url.Values, key string) bool {
	switch strings.ToLower(strings.TrimSpace(q.Get(key))) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// pattern is a slash-separated path pattern: "*" matches one segment,
// "**" one or more (image names hold slashes).
type pattern []string

func mustPattern(s string) pattern {
	p, err := parsePattern(s)
	if err != nil {
		panic(err) // only for the literal table above
	}
	return p
}

func parsePattern(s string) (pattern, error) {
	if !strings.HasPrefix(s, "/") {
		return nil, fmt.Errorf("path pattern %q must start with /", s)
	}
	return pattern(strings.Split(strings.TrimPrefix(s, "/"), "/")), nil
}

// match reports whether path matches and returns its segments.
func (p pattern) match(path string) ([]string, bool) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	return segs, matchSegs(p, segs)
}

func matchSegs(p pattern, segs []string) bool {
	for i, pp := range p {
		if pp == "**" {
			// One or more segments, then the rest of the pattern.
			for j := i + 1; j <= len(segs); j++ {
				if matchSegs(p[i+1:], segs[j:]) {
					return true
				}
			}
			return false
		}
		if i >= len(segs) {
			return false
		}
		if pp != "*" && pp != segs[i] {
			return false
		}
		if pp == "*" && segs[i] == "" {
			return false
		}
	}
	return len(segs) == len(p)
}
