package config

import (
	"strings"
	"testing"
	"time"
)

func TestGuardSection(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("guard:\n  listen: tcp://127.0.0.1:2376\n  in-flight: 2\n  interval: 1s\n  graceful-kill: true\n  deny: [\"POST /containers/*/exec\", \"DELETE /images/**\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := cfg.EffectiveGuard()
	if g.Listen != "tcp://127.0.0.1:2376" || g.InFlight != 2 || g.Interval != time.Second || !g.GracefulKill ||
		len(g.Deny) != 2 || g.ReadInFlight != DefaultGuard.ReadInFlight || g.StopTimeout != 10*time.Second {
		t.Fatalf("guard = %+v", g)
	}
	out := cfg.YAML()
	for _, want := range []string{"guard:\n", "  in-flight: 2\n", "  interval: 1s\n", "  graceful-kill: true\n", "  read-in-flight: 16\n", "    - POST /containers/*/exec\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("config print lacks %q:\n%s", want, out)
		}
	}
}

func TestGuardErrors(t *testing.T) {
	for src, want := range map[string]string{
		"guard:\n  deny: [\"PATCH /x\"]\n":        `unknown method "PATCH"`,
		"guard:\n  deny: [\"POST containers\"]\n": "must start with /",
		"guard:\n  listen: 0.0.0.0:2376\n":        "want unix:///path/to.sock",
		"guard:\n  stop-timeout: 1500ms\n":        "whole seconds",
		"guard:\n  graceful-kill: maybe\n":        "want true or false",
		"guard:\n  in-flihgt: 3\n":                `did you mean "in-flight"`,
	} {
		_, err := Parse("c.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}
