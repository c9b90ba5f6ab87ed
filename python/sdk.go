package python

import (
	"fmt"
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/python/syntax"
)

// sdkCheck judges one SDK method call on a receiver of known kind.
type sdkCheck func(ck *checker, c *syntax.Call, a *syntax.Attribute, r recv, sc *scope, st *state)

// sdkMethods is the one table from receiver kind and method name to the
// check of its rule, for the Docker SDK for Python, python-on-whales and
// testcontainers.
var sdkMethods = map[kind]map[string]sdkCheck{
	kContainer: {
		"start":   started,
		"unpause": started,
		"remove":  forceRemove("DG101", -1),
		"kill":    kill(-1, 0),
		"stop":    stop(-1, "timeout"),
		"restart": stop(-1, "timeout"),
	},
	kAPI: {
		"remove_container":   forceRemove("DG101", 0),
		"kill":               kill(0, 1),
		"stop":               stop(0, "timeout"),
		"restart":            stop(0, "timeout"),
		"remove_image":       forceRemove("DG102", 0),
		"prune_volumes":      prune("filters"),
		"create_host_config": memLimit("mem_limit"),
	},
	kImages:     {"remove": forceRemove("DG102", 0)},
	kVolumes:    {"prune": prune("filters")},
	kContainers: {"run": memLimit("mem_limit"), "create": memLimit("mem_limit")},
	kWhales: {
		"remove":  forceRemove("DG101", 0),
		"kill":    kill(0, 1),
		"stop":    stop(0, "time"),
		"restart": stop(0, "time"),
		"run":     memLimit("memory"),
		"create":  memLimit("memory"),
	},
	kWhalesContainer: {
		"start":   started,
		"unpause": started,
		"remove":  forceRemove("DG101", -1),
		"kill":    kill(-1, 0),
		"stop":    stop(-1, "time"),
		"restart": stop(-1, "time"),
	},
	kWhalesNS: {
		"remove":  whalesNS(map[string]sdkCheck{"container": forceRemove("DG101", 0), "image": forceRemove("DG102", 0)}),
		"kill":    whalesNS(map[string]sdkCheck{"container": kill(0, 1)}),
		"stop":    whalesNS(map[string]sdkCheck{"container": stop(0, "time")}),
		"restart": whalesNS(map[string]sdkCheck{"container": stop(0, "time")}),
		"prune":   whalesNS(map[string]sdkCheck{"volume": prune("filters")}),
		"run":     whalesNS(map[string]sdkCheck{"container": memLimit("memory")}),
		"create":  whalesNS(map[string]sdkCheck{"container": memLimit("memory")}),
	},
	kTestcontainer: {"stop": testcontainerStop},
}

func whalesNS(byNS map[string]sdkCheck) sdkCheck {
	return func(ck *checker, c *syntax.Call, a *syntax.Attribute, r recv, sc *scope, st *state) {
		if f := byNS[r.ns]; f != nil {
			f(ck, c, a, r, sc, st)
		}
	}
}

// target returns the container a method acts on: its receiver (arg < 0)
// or a positional argument, with what its kind says about listings.
func (ck *checker) target(c *syntax.Call, a *syntax.Attribute, arg int, sc *scope) (Expr, recv) {
	t := a.X
	if arg >= 0 {
		t = positional(c, arg)
		if t == nil {
			if v, ok := ck.kwarg(c, "container", sc); ok {
				t = v
			} else if v, ok := ck.kwarg(c, "containers", sc); ok {
				t = v
			} else {
				return nil, recv{}
			}
		}
	}
	return t, ck.typeOf(t, sc)
}

// targetKey names a method's target for the stops seen on a path: the
// client it goes through (for a positional target) and the target.
func (ck *checker) targetKey(a *syntax.Attribute, arg int, t Expr, sc *scope) string {
	if t == nil {
		return ""
	}
	via := ""
	if arg >= 0 {
		via = ck.text(a.X)
	}
	if s, ok := ck.constString(t, sc); ok {
		return "sdk\x00" + via + "\x00" + s
	}
	return "sdk\x00" + via + "\x00" + ck.text(t)
}

func callName(ck *checker, a *syntax.Attribute) string {
	return ck.text(a)
}

// forceRemove reports a removal with force=True.
func forceRemove(rule string, arg int) sdkCheck {
	return func(ck *checker, c *syntax.Call, a *syntax.Attribute, _ recv, sc *scope, st *state) {
		v, found := ck.kwarg(c, "force", sc)
		if !found || truthy(v) != yes {
			return
		}
		lo, hi := c.Span()
		name := callName(ck, a)
		if rule == "DG102" {
			ck.report(rule, lo, hi, fmt.Sprintf(
				"%s(force=True) removes the image even while containers use it; remove those containers gracefully first, then the image without force", name), ck.text(c))
			return
		}
		t, tr := ck.target(c, a, arg, sc)
		if t != nil && st.halted[ck.targetKey(a, arg, t, sc)] {
			return // stopped with a timeout first: nothing left to kill
		}
		if tr.fromListing {
			if tr.stopped {
				return
			}
			if !tr.labelled {
				ck.report("DG105", lo, hi, fmt.Sprintf(
					"%s(force=True) on every container from %s SIGKILLs and removes each of them with no time to stop, the removal storm that hangs the engine; "+
						"filter the listing to what you own (filters={\"label\": …}), stop each with a timeout and at most %d at a time, then remove without force",
					name, tr.listing, ck.limit), ck.text(c))
				return
			}
		}
		ck.report(rule, lo, hi, fmt.Sprintf(
			"%s(force=True) kills the container with SIGKILL and removes it in one call; stop it with a timeout first (%s), then remove it without force",
			name, stopAdvice(ck, a, arg, t)), ck.text(c))
	}
}

func stopAdvice(ck *checker, a *syntax.Attribute, arg int, t Expr) string {
	if arg < 0 {
		return ck.text(a.X) + ".stop(timeout=10)"
	}
	tt := "container"
	if t != nil {
		tt = ck.text(t)
	}
	return ck.text(a.X) + ".stop(" + tt + ", timeout=10)"
}

// kill reports a kill with SIGKILL: no signal (the default) or KILL/9.
func kill(arg, sigPos int) sdkCheck {
	return func(ck *checker, c *syntax.Call, a *syntax.Attribute, _ recv, sc *scope, st *state) {
		if ck.opaqueKwargs(c, sc) {
			return
		}
		sig, found := ck.kwarg(c, "signal", sc)
		if !found {
			sig = positional(c, sigPos)
			if arg < 0 {
				sig = positional(c, 0)
			}
		}
		if sig != nil {
			if cn, ok := sig.(*syntax.Const); !ok || cn.Value != "None" {
				if !isKillSignal(ck, sig, sc) {
					return
				}
			}
		}
		lo, hi := c.Span()
		name := callName(ck, a)
		t, tr := ck.target(c, a, arg, sc)
		if t != nil {
			st.halted[ck.targetKey(a, arg, t, sc)] = true
		}
		if tr.fromListing && !tr.stopped && !tr.labelled {
			ck.report("DG105", lo, hi, fmt.Sprintf(
				"%s() on every container from %s SIGKILLs each of them with no time to stop (it removes nothing), the SIGKILL storm that hangs the engine; "+
					"filter the listing to what you own and stop with a timeout, at most %d at a time", name, tr.listing, ck.limit), ck.text(c))
			return
		}
		if tr.stopped {
			return
		}
		ck.report("DG104", lo, hi, fmt.Sprintf(
			"%s() sends SIGKILL with no graceful shutdown; stop it instead: %s", name, stopAdvice(ck, a, arg, t)), ck.text(c))
	}
}

func isKillSignal(ck *checker, e Expr, sc *scope) bool {
	e = ck.follow(e, sc)
	if q := ck.mod.qualified(e); q == "signal.SIGKILL" || q == "signal.Signals.SIGKILL" {
		return true
	}
	if s, ok := ck.constString(e, sc); ok {
		return dockercli.IsKillSignal(s)
	}
	if n, ok := e.(*syntax.Num); ok {
		return n.Text == "9"
	}
	return false
}

// stop reports a stop with no time to stop (timeout=0), and records the
// graceful stops that make a later forced removal harmless.
func stop(arg int, kw string) sdkCheck {
	return func(ck *checker, c *syntax.Call, a *syntax.Attribute, _ recv, sc *scope, st *state) {
		t, _ := ck.target(c, a, arg, sc)
		v, found := ck.kwarg(c, kw, sc)
		if !found && arg < 0 {
			v = positional(c, 0)
			found = v != nil
		}
		if found {
			if n, ok := ck.follow(v, sc).(*syntax.Num); ok && (n.Text == "0" || n.Text == "0.0") {
				lo, hi := c.Span()
				ck.report("DG104", lo, hi, fmt.Sprintf(
					"%s(%s=0) sends SIGKILL at once, skipping the graceful shutdown; give it time: %s=10", callName(ck, a), kw, kw), ck.text(c))
				return
			}
		}
		if t != nil {
			st.halted[ck.targetKey(a, arg, t, sc)] = a.Attr == "stop"
		}
	}
}

// started forgets a stop of the receiver: the container runs again.
func started(ck *checker, c *syntax.Call, a *syntax.Attribute, _ recv, sc *scope, st *state) {
	if t, _ := ck.target(c, a, -1, sc); t != nil {
		delete(st.halted, ck.targetKey(a, -1, t, sc))
	}
}

// prune reports a volume prune not scoped by a label filter.
func prune(kw string) sdkCheck {
	return func(ck *checker, c *syntax.Call, a *syntax.Attribute, _ recv, sc *scope, _ *state) {
		if v, found := ck.kwarg(c, kw, sc); found {
			d, ok := v.(*syntax.Dict)
			if !ok {
				if cn, isConst := v.(*syntax.Const); !isConst || cn.Value != "None" {
					return // filters from elsewhere: not known to be unscoped
				}
			}
			if ok && labelled(ck, d, sc) {
				return
			}
		} else if ck.opaqueKwargs(c, sc) {
			return
		}
		if positional(c, 0) != nil {
			return
		}
		lo, hi := c.Span()
		ck.report("DG107", lo, hi, fmt.Sprintf(
			"%s() deletes every unused volume and its data, other projects' too; remove the volumes you own by name, or prune only those you labelled (%s=%s)",
			callName(ck, a), kw, `{"label": …}`), ck.text(c))
	}
}

func labelled(ck *checker, d *syntax.Dict, sc *scope) bool {
	for i, k := range d.Keys {
		if s, ok := ck.constString(k, sc); ok && s == "label" {
			if v, ok := ck.constString(d.Values[i], sc); ok && strings.HasPrefix(v, "!") {
				continue
			}
			return true
		}
	}
	return false
}

// memLimit reports a container created without a memory limit: no kw,
// or 0/None. A reservation alone is not a limit.
func memLimit(kw string) sdkCheck {
	return func(ck *checker, c *syntax.Call, a *syntax.Attribute, _ recv, sc *scope, _ *state) {
		v, found := ck.kwarg(c, kw, sc)
		msg := ""
		switch {
		case !found:
			if ck.opaqueKwargs(c, sc) {
				return
			}
			msg = fmt.Sprintf("%s without %s creates a container without a memory limit; it may use all of the Docker VM's memory; pass %s=\"512m\" (a reservation is not a limit)", callName(ck, a), kw, kw)
		default:
			switch x := v.(type) {
			case *syntax.Const:
				if x.Value != "None" {
					return
				}
				msg = fmt.Sprintf("%s with %s=None creates a container without a memory limit; pass %s=\"512m\"", callName(ck, a), kw, kw)
			case *syntax.Num:
				if x.Text != "0" {
					return
				}
				msg = fmt.Sprintf("%s with %s=0 creates a container without a memory limit (0 means unlimited); pass %s=\"512m\"", callName(ck, a), kw, kw)
			case *syntax.Str:
				if s, ok := x.Value(); !ok || s != "0" && s != "" {
					return
				}
				msg = fmt.Sprintf("%s with %s=%s creates a container without a memory limit (0 means unlimited); pass %s=\"512m\"", callName(ck, a), kw, ck.text(x), kw)
			default:
				return
			}
		}
		lo, hi := c.Span()
		ck.report("DG301", lo, hi, msg, ck.text(a))
	}
}

// testcontainerStop reports DockerContainer.stop(), which calls
// remove(force=True, v=True) on the running container.
func testcontainerStop(ck *checker, c *syntax.Call, a *syntax.Attribute, _ recv, _ *scope, _ *state) {
	lo, hi := c.Span()
	ck.report("DG101", lo, hi, fmt.Sprintf(
		"%s() of testcontainers force-removes the running container (remove(force=True, v=True)), killing it with SIGKILL; "+
			"stop it with a timeout first (%s.get_wrapped_container().stop(timeout=10)) so that the removal kills nothing", callName(ck, a), ck.text(a.X)), ck.text(c))
}
