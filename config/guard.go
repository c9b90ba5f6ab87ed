package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Guard holds the policy of `dockguard guard`, the Docker API proxy. A
// zero field means the default (DefaultGuard).
type Guard struct {
	// Listen is the guard's address (unix://… or tcp://127.0.0.1:PORT);
	// empty: a socket in $XDG_RUNTIME_DIR or the temporary folder.
	Listen string
	// InFlight and ReadInFlight cap the write and read requests at the
	// daemon at once.
	InFlight, ReadInFlight int
	// Queue bounds the waiting requests; QueueTimeout one request's wait.
	Queue        int
	QueueTimeout time.Duration
	// Interval is the least time between the starts of two writes.
	Interval time.Duration
	// StopTimeout is the t= of the stop that replaces a forced removal of
	// a running container.
	StopTimeout time.Duration
	// GracefulKill turns SIGKILLs into stops with StopTimeout.
	GracefulKill bool
	// BurstRemovals is how many container removals may start within 2 s.
	BurstRemovals int
	// BreakerThreshold and BreakerCooldown configure the circuit breaker.
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// Deny are refused requests: "POST /containers/*/exec".
	Deny []string
}

// DefaultGuard is the guard's default policy; the guard takes its defaults
// from here, so that `dockguard config print` shows what it applies.
var DefaultGuard = Guard{InFlight: 3, ReadInFlight: 16, Queue: 4096, QueueTimeout: 10 * time.Minute,
	Interval: 500 * time.Millisecond, StopTimeout: 10 * time.Second, BurstRemovals: 10,
	BreakerThreshold: 5, BreakerCooldown: 10 * time.Second}

// EffectiveGuard returns the guard section with the defaults filled in.
func (c *Config) EffectiveGuard() Guard {
	g, d := c.Guard, DefaultGuard
	for _, f := range []struct{ v, dv *int }{{&g.InFlight, &d.InFlight}, {&g.ReadInFlight, &d.ReadInFlight},
		{&g.Queue, &d.Queue}, {&g.BurstRemovals, &d.BurstRemovals}, {&g.BreakerThreshold, &d.BreakerThreshold}} {
		if *f.v == 0 {
			*f.v = *f.dv
		}
	}
	for _, f := range []struct{ v, dv *time.Duration }{{&g.QueueTimeout, &d.QueueTimeout}, {&g.Interval, &d.Interval},
		{&g.StopTimeout, &d.StopTimeout}, {&g.BreakerCooldown, &d.BreakerCooldown}} {
		if *f.v == 0 {
			*f.v = *f.dv
		}
	}
	return g
}

// parseGuard decodes `guard:`.
func (p *parser) parseGuard(v *yaml.Node, cfg *Config) {
	g := &cfg.Guard
	p.mapping(v, "guard", func(key string, _, v *yaml.Node) {
		name := "guard." + key
		switch key {
		case "listen":
			if s, ok := p.scalar(v, name); ok && s != "" {
				if !strings.HasPrefix(s, "unix://") && !strings.HasPrefix(s, "tcp://") {
					p.errorf(v, "%s: want unix:///path/to.sock or tcp://127.0.0.1:PORT, got %q", name, s)
					return
				}
				g.Listen = s
			}
		case "in-flight":
			g.InFlight = p.positiveInt(v, name)
		case "read-in-flight":
			g.ReadInFlight = p.positiveInt(v, name)
		case "queue":
			g.Queue = p.positiveInt(v, name)
		case "queue-timeout":
			g.QueueTimeout = p.duration(v, name)
		case "interval":
			g.Interval = p.duration(v, name)
		case "stop-timeout":
			g.StopTimeout = p.duration(v, name)
			if g.StopTimeout%time.Second != 0 {
				p.errorf(v, "%s: the daemon takes whole seconds, got %s", name, g.StopTimeout)
				g.StopTimeout = 0
			}
		case "graceful-kill":
			if s, ok := p.scalar(v, name); ok {
				b, err := strconv.ParseBool(s)
				if err != nil {
					p.errorf(v, "%s: want true or false, got %q", name, s)
					return
				}
				g.GracefulKill = b
			}
		case "burst-removals":
			g.BurstRemovals = p.positiveInt(v, name)
		case "breaker-threshold":
			g.BreakerThreshold = p.positiveInt(v, name)
		case "breaker-cooldown":
			g.BreakerCooldown = p.duration(v, name)
		case "deny":
			for _, s := range p.strings(v, name) {
				if err := CheckDenyRule(s.value); err != nil {
					p.errorf(s.node, "%s: %v", name, err)
					continue
				}
				g.Deny = append(g.Deny, s.value)
			}
		}
	})
}

// CheckDenyRule validates a guard deny rule: a method (GET, HEAD, POST,
// PUT, DELETE or *) and a path pattern starting with /.
func CheckDenyRule(s string) error {
	f := strings.Fields(s)
	if len(f) != 2 {
		return fmt.Errorf("deny rule %q: want METHOD /path/pattern, such as \"POST /containers/*/exec\"", s)
	}
	switch strings.ToUpper(f[0]) {
	case "*", "GET", "HEAD", "POST", "PUT", "DELETE":
	default:
		return fmt.Errorf("deny rule %q: unknown method %q (want GET, HEAD, POST, PUT, DELETE or *)", s, f[0])
	}
	if !strings.HasPrefix(f[1], "/") {
		return fmt.Errorf("deny rule %q: the path pattern must start with /", s)
	}
	return nil
}

func (c *Config) writeGuard(b *strings.Builder) {
	g := c.EffectiveGuard()
	b.WriteString("guard:\n")
	if g.Listen != "" {
		fmt.Fprintf(b, "  listen: %s\n", quote(g.Listen))
	} else {
		b.WriteString("  listen: \"\"  # a socket in $XDG_RUNTIME_DIR, or in the temporary folder\n")
	}
	fmt.Fprintf(b, "  in-flight: %d\n  read-in-flight: %d\n  queue: %d\n  queue-timeout: %s\n  interval: %s\n  stop-timeout: %s\n",
		g.InFlight, g.ReadInFlight, g.Queue, formatDuration(g.QueueTimeout), formatDuration(g.Interval), formatDuration(g.StopTimeout))
	fmt.Fprintf(b, "  graceful-kill: %t\n  burst-removals: %d\n  breaker-threshold: %d\n  breaker-cooldown: %s\n",
		g.GracefulKill, g.BurstRemovals, g.BreakerThreshold, formatDuration(g.BreakerCooldown))
	writeList(b, "deny", g.Deny, "  ")
}
