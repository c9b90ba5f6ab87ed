package guardproxy

import (
	"fmt"
	"strings"
	"time"

	"github.com/dockguard/dockguard/config"
)

// Config is the guard's policy. The zero value of a field means its
// default (see Defaults).
type Config struct {
	// InFlight caps the write requests at the daemon at once.
	InFlight int
	// ReadInFlight caps the read requests at the daemon at once.
	ReadInFlight int
	// Queue bounds the requests waiting for a slot; past it a request gets
	// 429.
	Queue int
	// QueueTimeout bounds how long one request waits for its slot.
	QueueTimeout time.Duration
	// Interval is the least time between the starts of two writes.
	// Negative means none.
	Interval time.Duration
	// StopTimeout is the t= of the stop that replaces a forced removal of
	// a running container (and a kill, with GracefulKill).
	StopTimeout time.Duration
	// GracefulKill turns a SIGKILL (POST /containers/{id}/kill with no
	// signal or KILL) into a stop with StopTimeout.
	GracefulKill bool
	// BurstRemovals is how many container removals may start within
	// BurstWindow; further ones wait for room in the window.
	BurstRemovals int
	// BurstWindow is the window of BurstRemovals (2 s).
	BurstWindow time.Duration
	// BreakerThreshold is the number of consecutive transport failures
	// that open the circuit breaker.
	BreakerThreshold int
	// BreakerCooldown is how long the breaker stays open before one probe.
	BreakerCooldown time.Duration
	// Tries is the number of attempts of an idempotent request (GET,
	// HEAD) on a transport error or a 502, 503 or 504.
	Tries int
	// Backoff is the base delay of the first retry.
	Backoff time.Duration
	// Deny are the refused requests ("POST /containers/*/exec").
	Deny []string
	// MaxHeaderBytes bounds a request's header block.
	MaxHeaderBytes int
}

// Defaults returns the default policy: config.DefaultGuard (3 writes and
// 16 reads in flight, a queue of 4096 waiting at most 10 min, 0.5 s
// between writes, stops with t=10, more than 10 removals in 2 s spaced,
// breaker after 5 failures for 10 s), plus 3 tries from 100 ms and
// headers up to 1 MiB.
func Defaults() Config {
	return FromConfig(config.DefaultGuard)
}

// FromConfig is the policy of a .dockguard.yaml guard section; its zero
// fields take the defaults.
func FromConfig(g config.Guard) Config {
	return Config{InFlight: g.InFlight, ReadInFlight: g.ReadInFlight, Queue: g.Queue, QueueTimeout: g.QueueTimeout,
		Interval: g.Interval, StopTimeout: g.StopTimeout, GracefulKill: g.GracefulKill, BurstRemovals: g.BurstRemovals,
		BreakerThreshold: g.BreakerThreshold, BreakerCooldown: g.BreakerCooldown, Deny: g.Deny}.withDefaults(config.DefaultGuard)
}

// WithDefaults fills the zero fields of c from Defaults.
func (c Config) WithDefaults() Config { return c.withDefaults(config.DefaultGuard) }

func (c Config) withDefaults(d config.Guard) Config {
	for _, f := range []struct {
		v  *int
		dv int
	}{{&c.InFlight, d.InFlight}, {&c.ReadInFlight, d.ReadInFlight}, {&c.Queue, d.Queue}, {&c.BurstRemovals, d.BurstRemovals},
		{&c.BreakerThreshold, d.BreakerThreshold}, {&c.Tries, 3}, {&c.MaxHeaderBytes, 1 << 20}} {
		if *f.v <= 0 {
			*f.v = f.dv
		}
	}
	for _, f := range []struct {
		v  *time.Duration
		dv time.Duration
	}{{&c.QueueTimeout, d.QueueTimeout}, {&c.Interval, d.Interval}, {&c.StopTimeout, d.StopTimeout},
		{&c.BurstWindow, 2 * time.Second}, {&c.BreakerCooldown, d.BreakerCooldown}, {&c.Backoff, 100 * time.Millisecond}} {
		if *f.v == 0 {
			*f.v = f.dv
		}
	}
	return c
}

// denyRule is one parsed Deny entry.
type denyRule struct {
	text    string
	method  string // "*" for any
	pattern pattern
}

// parseDeny parses a deny rule (config.CheckDenyRule validates it): a
// method (or *) and a path pattern whose "*" matches one path segment and
// "**" several, matched without the API version prefix:
// "POST /containers/*/exec".
func parseDeny(s string) (denyRule, error) {
	if err := config.CheckDenyRule(s); err != nil {
		return denyRule{}, err
	}
	f := strings.Fields(s)
	p, err := parsePattern(f[1])
	if err != nil {
		return denyRule{}, fmt.Errorf("deny rule %q: %w", s, err)
	}
	return denyRule{text: s, method: strings.ToUpper(f[0]), pattern: p}, nil
}

func (r denyRule) matches(method, path string) bool {
	if r.method != "*" && r.method != method {
		return false
	}
	_, ok := r.pattern.match(path)
	return ok
}
