package python

import (
	"maps"

	"github.com/dockguard/dockguard/python/syntax"
)

// state is what is known on the current path through a function: the
// containers stopped gracefully so far (by key), and the function.
type state struct {
	halted map[string]bool
	fn     string
	// loops is the number of enclosing loops (DG105 for removals of
	// loop variables).
	loops int
}

func (st *state) fork() *state {
	return &state{halted: maps.Clone(st.halted), fn: st.fn, loops: st.loops}
}

func (ck *checker) run() {
	ck.dockerFuncs = map[string]bool{}
	ck.body(ck.mod.f.Body, ck.mod.root, &state{halted: map[string]bool{}})
	ck.judgePools()
}

func (ck *checker) body(stmts []syntax.Stmt, sc *scope, st *state) {
	for _, s := range stmts {
		ck.stmt(s, sc, st)
	}
}

func (ck *checker) stmt(s syntax.Stmt, sc *scope, st *state) {
	switch s := s.(type) {
	case *syntax.FuncDef:
		for _, d := range s.Decorators {
			ck.expr(d, sc, st)
		}
		fs := ck.mod.scopes[s]
		if fs == nil {
			return
		}
		for _, p := range s.Params {
			if p.Default != nil {
				ck.expr(p.Default, sc, st)
			}
		}
		ck.body(s.Body, fs, &state{halted: map[string]bool{}, fn: s.Name})
	case *syntax.ClassDef:
		for _, b := range s.Bases {
			ck.expr(b.Value, sc, st)
		}
		ck.body(s.Body, sc, st.fork())
	case *syntax.If:
		ck.expr(s.Cond, sc, st)
		body, els := st.fork(), st.fork()
		// if c.status == "running": … else: c.remove(force=True) removes a
		// container that is not running: nothing is killed there.
		if x, running, ok := ck.statusTest(s.Cond); ok {
			notRunning := els
			if !running {
				notRunning = body
			}
			notRunning.halted[ck.targetKey(&syntax.Attribute{X: x}, -1, x, sc)] = true
		}
		ck.body(s.Body, sc, body)
		ck.body(s.Else, sc, els)
	case *syntax.For:
		ck.expr(s.Iter, sc, st)
		inner := st.fork()
		inner.loops++
		ck.body(s.Body, sc, inner)
		ck.body(s.Else, sc, st.fork())
	case *syntax.While:
		ck.expr(s.Cond, sc, st)
		inner := st.fork()
		inner.loops++
		ck.body(s.Body, sc, inner)
		ck.body(s.Else, sc, st.fork())
	case *syntax.With:
		for _, it := range s.Items {
			ck.expr(it.X, sc, st)
		}
		ck.body(s.Body, sc, st)
	case *syntax.Try:
		ck.body(s.Body, sc, st.fork())
		for _, h := range s.Handlers {
			ck.body(h.Body, sc, st.fork())
		}
		ck.body(s.Else, sc, st.fork())
		ck.body(s.Finally, sc, st.fork())
	case *syntax.Match:
		ck.expr(s.Subject, sc, st)
		for _, c := range s.Cases {
			ck.expr(c.Guard, sc, st)
			ck.body(c.Body, sc, st.fork())
		}
	default:
		ck.stmtExprs(s, sc, st)
	}
}

func (ck *checker) stmtExprs(s syntax.Stmt, sc *scope, st *state) {
	switch s := s.(type) {
	case *syntax.ExprStmt:
		ck.expr(s.X, sc, st)
	case *syntax.Assign:
		ck.expr(s.Value, sc, st)
	case *syntax.Return:
		ck.expr(s.X, sc, st)
	case *syntax.Simple:
		for _, e := range s.Exprs {
			ck.expr(e, sc, st)
		}
	}
}

// expr checks every call inside e, innermost last, in source order of
// their starts.
func (ck *checker) expr(e Expr, sc *scope, st *state) {
	if e == nil {
		return
	}
	switch x := e.(type) {
	case *syntax.Comp:
		// The comprehension's variables live in a scope of their own.
		cs := &scope{parent: sc, test: sc.test}
		for _, g := range x.Gens {
			ck.expr(g.Iter, cs, st)
			ck.mod.bindIter(g.Target, g.Iter, cs)
			for _, c := range g.Ifs {
				ck.expr(c, cs, st)
			}
		}
		inner := st.fork()
		inner.loops++
		ck.expr(x.Elt, cs, inner)
		ck.expr(x.Value, cs, inner)
		return
	case *syntax.Lambda:
		ls := &scope{parent: sc}
		for i := range x.Params {
			ls.bind(x.Params[i].Name, binding{param: &x.Params[i]})
		}
		ck.expr(x.Body, ls, st.fork())
		return
	case *syntax.Call:
		ck.expr(x.Func, sc, st)
		for _, a := range x.Args {
			ck.expr(a.Value, sc, st)
		}
		ck.call(x, sc, st)
		return
	}
	switch x := e.(type) {
	case *syntax.Attribute:
		ck.expr(x.X, sc, st)
	case *syntax.Str:
		for _, p := range x.Parts {
			ck.expr(p.Field, sc, st)
		}
	case *syntax.Seq:
		for _, el := range x.Elts {
			ck.expr(el, sc, st)
		}
	case *syntax.Dict:
		for i := range x.Values {
			ck.expr(x.Keys[i], sc, st)
			ck.expr(x.Values[i], sc, st)
		}
	case *syntax.Starred:
		ck.expr(x.X, sc, st)
	case *syntax.BinOp:
		ck.expr(x.X, sc, st)
		if x.Op == "and" || x.Op == "or" {
			ck.expr(x.Y, sc, st.fork())
		} else {
			ck.expr(x.Y, sc, st)
		}
	case *syntax.Unary:
		ck.expr(x.X, sc, st)
	case *syntax.Subscript:
		ck.expr(x.X, sc, st)
		ck.expr(x.Index, sc, st)
	case *syntax.IfExp:
		ck.expr(x.Cond, sc, st)
		ck.expr(x.Then, sc, st.fork())
		ck.expr(x.Else, sc, st.fork())
	case *syntax.NamedExpr:
		ck.expr(x.Value, sc, st)
	case *syntax.Yield:
		ck.expr(x.X, sc, st)
	}
}

// statusTest recognises X.status == "running" (running) and
// X.status != "running" (not running).
func (ck *checker) statusTest(cond Expr) (x Expr, running, ok bool) {
	b, isBin := cond.(*syntax.BinOp)
	if !isBin || b.Op != "==" && b.Op != "!=" {
		return nil, false, false
	}
	a, isAttr := b.X.(*syntax.Attribute)
	s, isStr := b.Y.(*syntax.Str)
	if !isAttr || !isStr || a.Attr != "status" {
		return nil, false, false
	}
	if v, known := s.Value(); !known || v != "running" {
		return nil, false, false
	}
	return a.X, b.Op == "==", true
}

// call judges one call: a command runner, an SDK method, a pool
// submission.
func (ck *checker) call(c *syntax.Call, sc *scope, st *state) {
	q := ck.mod.qualified(c.Func)
	if spec, ok := runners[q]; ok {
		ck.runner(c, q, spec, sc, st)
		return
	}
	if ck.shCommand(c, q, sc, st) || ck.plumbumCall(c, sc, st) {
		return
	}
	if q == "asyncio.gather" {
		ck.gather(c, sc, st)
		return
	}
	a, ok := c.Func.(*syntax.Attribute)
	if !ok {
		return
	}
	r := ck.typeOf(a.X, sc)
	if r.k == kNone {
		return
	}
	if r.k == kPool {
		ck.submit(c, a, r, sc)
		return
	}
	if r.k != kListing && r.k != kPool {
		ck.markDocker(st)
	}
	if m, ok := sdkMethods[r.k][a.Attr]; ok {
		m(ck, c, a, r, sc, st)
	}
}

func (ck *checker) markDocker(st *state) {
	if st.fn != "" {
		ck.dockerFuncs[st.fn] = true
	}
}
