package python

import (
	"fmt"

	"github.com/dockguard/dockguard/python/syntax"
)

// poolUse is a function submitted to a worker pool, or gathered.
type poolUse struct {
	fn   string
	pool recv
	at   *syntax.Call
	// gather is set for asyncio.gather over a list with no bound.
	gather bool
}

// submit records pool.submit(fn, …), pool.map(fn, …) and the
// multiprocessing spellings, to be judged once every function is known.
func (ck *checker) submit(c *syntax.Call, a *syntax.Attribute, r recv, sc *scope) {
	switch a.Attr {
	case "submit", "map", "starmap", "imap", "imap_unordered", "apply_async", "map_async", "starmap_async", "apply":
	default:
		return
	}
	f := positional(c, 0)
	if f == nil {
		return
	}
	name := ""
	switch x := f.(type) {
	case *syntax.Name:
		name = x.ID
	case *syntax.Attribute:
		name = x.Attr
	case *syntax.Lambda:
		// A lambda's body runs in the pool; name it after the calls it
		// makes on known receivers.
		inspect(x.Body, func(e Expr) {
			if cl, ok := e.(*syntax.Call); ok {
				if at, ok := cl.Func.(*syntax.Attribute); ok && ck.typeOf(at.X, sc).k != kNone {
					name = "\x00lambda"
				}
			}
		})
		if name != "" {
			ck.dockerFuncs[name] = true
		}
	}
	if name != "" {
		ck.pools = append(ck.pools, poolUse{fn: name, pool: r, at: c})
	}
}

// gather records asyncio.gather(*[coro(x) for x in xs]): one coroutine
// per item, all at once, unless the coroutine takes a semaphore.
func (ck *checker) gather(c *syntax.Call, sc *scope, _ *state) {
	for _, a := range c.Args {
		if a.Star != 1 {
			continue
		}
		v := ck.follow(a.Value, sc)
		comp, ok := v.(*syntax.Comp)
		if !ok {
			continue
		}
		call, ok := comp.Elt.(*syntax.Call)
		if !ok {
			continue
		}
		name := ""
		switch f := call.Func.(type) {
		case *syntax.Name:
			name = f.ID
		case *syntax.Attribute:
			name = f.Attr
		}
		if name != "" {
			ck.pools = append(ck.pools, poolUse{fn: name, at: c, gather: true})
		}
	}
}

// judgePools reports DG106 for pools wider than the limit, and unbounded
// gathers, that run functions making docker calls.
func (ck *checker) judgePools() {
	for _, u := range ck.pools {
		if !ck.dockerFuncs[u.fn] {
			continue
		}
		if u.gather {
			if ck.bounded(u.fn) {
				continue
			}
			lo, hi := u.at.Span()
			ck.report("DG106", lo, hi, fmt.Sprintf(
				"asyncio.gather starts %s for every item at once, and it calls Docker; bursts of parallel calls hang the engine; "+
					"bound it with an asyncio.Semaphore(%d) taken around the call", u.fn, ck.limit), "asyncio.gather "+u.fn)
			continue
		}
		p := u.pool
		if p.workers < 0 || p.workers >= 1 && p.workers <= ck.limit {
			continue
		}
		at, _ := p.at.(*syntax.Call)
		if at == nil {
			continue
		}
		lo, hi := at.Span()
		what := fmt.Sprintf("up to %d at a time, above the limit of %d", p.workers, ck.limit)
		if p.workers == 0 {
			what = "as many at a time as it has workers by default (CPUs × 5 for threads, one per CPU for processes)"
		}
		fn := u.fn
		if fn == "\x00lambda" {
			fn = "a lambda"
		}
		ck.report("DG106", lo, hi, fmt.Sprintf(
			"%s runs %s, which calls Docker, %s; bursts of parallel calls hang the engine; use max_workers=%d or fewer",
			p.poolName, fn, what, ck.limit), p.poolName+" "+fn)
	}
}

// bounded reports whether the module's function name takes a semaphore
// (async with sem:) around its work.
func (ck *checker) bounded(name string) bool {
	for fn := range ck.mod.scopes {
		if fn.Name != name {
			continue
		}
		found := false
		var visit func([]syntax.Stmt)
		visit = func(body []syntax.Stmt) {
			for _, s := range body {
				switch s := s.(type) {
				case *syntax.With:
					found = found || s.Async
					visit(s.Body)
				case *syntax.If:
					visit(s.Body)
					visit(s.Else)
				case *syntax.For:
					visit(s.Body)
				case *syntax.Try:
					visit(s.Body)
				}
			}
		}
		visit(fn.Body)
		return found
	}
	return false
}
